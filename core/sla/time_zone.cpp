#include "sla/time_zone.hpp"

#include "sla/tzdb.hpp"

#include <algorithm>
#include <cctype>

namespace crm {

namespace {

std::int64_t read_be(std::string_view bytes, std::size_t pos, int width) {
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i)
        value = (value << 8) | static_cast<unsigned char>(bytes[pos + i]);
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    return static_cast<std::int64_t>(value);
}

// A cursor over a POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0".
struct Posix {
    std::string_view text;
    std::size_t pos = 0;
    bool done() const { return pos >= text.size(); }
    char peek() const { return done() ? '\0' : text[pos]; }

    bool name() {
        if (peek() == '<') {
            const auto end = text.find('>', pos);
            if (end == std::string_view::npos) return false;
            pos = end + 1;
            return true;
        }
        const std::size_t start = pos;
        while (!done() && std::isalpha(static_cast<unsigned char>(peek())))
            ++pos;
        return pos - start >= 3;
    }
    // [+-]hh[:mm[:ss]] as seconds
    bool time(std::int64_t& seconds) {
        int sign = 1;
        if (peek() == '+' || peek() == '-') sign = text[pos++] == '-' ? -1 : 1;
        std::int64_t parts[3] = {0, 0, 0};
        for (int part = 0; part < 3; ++part) {
            if (part > 0) {
                if (peek() != ':') break;
                ++pos;
            }
            const std::size_t start = pos;
            while (!done() && std::isdigit(static_cast<unsigned char>(peek())))
                parts[part] = parts[part] * 10 + (text[pos++] - '0');
            if (pos == start) return false;
        }
        seconds = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
        return true;
    }
    bool number(int& value) {
        const std::size_t start = pos;
        value = 0;
        while (!done() && std::isdigit(static_cast<unsigned char>(peek())))
            value = value * 10 + (text[pos++] - '0');
        return pos > start;
    }
};

} // namespace

TimeZone TimeZone::utc() {
    TimeZone zone;
    zone.m_name = "UTC";
    return zone;
}

Result<TimeZone> TimeZone::named(const std::string& name) {
    if (name == "UTC" || name == "Etc/UTC") return utc();
    const auto bytes = find_tzif(name);
    if (!bytes)
        return Error{"unknown time zone \"" + name +
                     "\" (expected an IANA name like Europe/Berlin)"};
    return from_tzif(name, *bytes);
}

Result<TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes) {
    const Error damaged{"time zone data for " + name + " is damaged"};
    auto header = [&](std::size_t at, std::int64_t counts[6]) {
        if (bytes.size() < at + 44 || bytes.substr(at, 4) != "TZif") return false;
        for (int i = 0; i < 6; ++i)
            counts[i] = read_be(bytes, at + 20 + 4 * i, 4);
        return true;
    };
    std::int64_t c[6];
    if (!header(0, c) || bytes[4] < '2') return damaged; // version 2+ has 64-bit times
    // Skip the 32-bit block: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
    std::size_t at = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (!header(at, c)) return damaged;
    const std::int64_t isut = c[0], isstd = c[1], leaps = c[2], times = c[3], types = c[4],
                       chars = c[5];
    std::size_t data = at + 44;
    const std::size_t need = data + times * 9 + types * 6 + chars + leaps * 12 + isstd + isut;
    if (bytes.size() < need || types == 0) return damaged;
    TimeZone zone;
    zone.m_name = std::move(name);
    std::vector<std::int64_t> type_offsets, type_dst;
    const std::size_t type_base = data + times * 9;
    for (std::int64_t t = 0; t < types; ++t) {
        type_offsets.push_back(read_be(bytes, type_base + t * 6, 4));
        type_dst.push_back(static_cast<unsigned char>(bytes[type_base + t * 6 + 4]));
    }
    for (std::int64_t i = 0; i < times; ++i) {
        zone.m_transitions.push_back(read_be(bytes, data + i * 8, 8));
        const auto type = static_cast<unsigned char>(bytes[data + times * 8 + i]);
        if (type >= types) return damaged;
        zone.m_offsets.push_back(type_offsets[type]);
    }
    // Before the first transition: the first standard-time type (RFC 8536).
    zone.m_initial_offset = type_offsets[0];
    for (std::size_t t = 0; t < type_dst.size(); ++t)
        if (!type_dst[t]) {
            zone.m_initial_offset = type_offsets[t];
            break;
        }
    // Footer: "\n<POSIX TZ>\n" after the data.
    const std::string_view footer = bytes.substr(need);
    if (footer.size() >= 2 && footer[0] == '\n') {
        const auto end = footer.find('\n', 1);
        const std::string_view tz =
            footer.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
        if (!tz.empty()) {
            Posix p{tz};
            std::int64_t std_offset = 0;
            if (!p.name() || !p.time(std_offset)) return damaged;
            zone.m_has_footer = true;
            zone.m_std_offset = -std_offset; // POSIX offsets are west-positive
            if (!p.done()) {
                if (!p.name()) return damaged;
                zone.m_has_dst = true;
                zone.m_dst_offset = zone.m_std_offset + 3600;
                if (p.peek() != ',' && !p.done()) {
                    std::int64_t dst_offset = 0;
                    if (!p.time(dst_offset)) return damaged;
                    zone.m_dst_offset = -dst_offset;
                }
                for (Rule* rule : {&zone.m_dst_start, &zone.m_dst_end}) {
                    if (p.peek() != ',') return damaged;
                    ++p.pos;
                    if (p.peek() != 'M') return damaged; // tzdata uses the M form
                    ++p.pos;
                    if (!p.number(rule->month) || p.peek() != '.') return damaged;
                    ++p.pos;
                    if (!p.number(rule->week) || p.peek() != '.') return damaged;
                    ++p.pos;
                    if (!p.number(rule->weekday)) return damaged;
                    if (p.peek() == '/') {
                        ++p.pos;
                        if (!p.time(rule->time)) return damaged;
                    }
                }
            }
        }
    }
    return zone;
}

// When a rule's date and local time fall in `year`, as an instant, for a
// clock running at `offset` before the change.
std::int64_t TimeZone::rule_start(const Rule& rule, int year, std::int64_t offset) const {
    const std::int64_t first = days_from_civil({year, rule.month, 1});
    const int first_weekday =
        static_cast<int>(((first % 7) + 11) % 7); // 1970-01-01 was a Thursday (4)
    std::int64_t day = first + (rule.weekday - first_weekday + 7) % 7 + 7 * (rule.week - 1);
    const std::int64_t next_month = rule.month == 12 ? days_from_civil({year + 1, 1, 1})
                                                     : days_from_civil({year, rule.month + 1, 1});
    while (day >= next_month)
        day -= 7; // week 5 means the last one
    return day * 86400 + rule.time - offset;
}

std::int64_t TimeZone::footer_offset(Instant instant) const {
    if (!m_has_dst) return m_std_offset;
    const int year = civil_from_days((instant.seconds + m_std_offset) / 86400 -
                                     ((instant.seconds + m_std_offset) % 86400 < 0 ? 1 : 0))
                         .year;
    const std::int64_t start = rule_start(m_dst_start, year, m_std_offset);
    const std::int64_t end = rule_start(m_dst_end, year, m_dst_offset);
    const bool dst = start < end ? (instant.seconds >= start && instant.seconds < end)
                                 : (instant.seconds < end || instant.seconds >= start);
    return dst ? m_dst_offset : m_std_offset;
}

std::int64_t TimeZone::offset_at(Instant instant) const {
    if (m_transitions.empty()) return m_has_footer ? footer_offset(instant) : m_initial_offset;
    if (instant.seconds < m_transitions.front()) return m_initial_offset;
    if (instant.seconds >= m_transitions.back() && m_has_footer) return footer_offset(instant);
    const auto it = std::upper_bound(m_transitions.begin(), m_transitions.end(), instant.seconds);
    return m_offsets[static_cast<std::size_t>(it - m_transitions.begin() - 1)];
}

Instant TimeZone::to_instant(std::int64_t local) const {
    // Offsets change at most once within a day or so: try those around.
    const std::int64_t before = offset_at(Instant{local - 30 * 3600});
    const std::int64_t after = offset_at(Instant{local + 30 * 3600});
    std::int64_t best = 0;
    bool found = false;
    for (const std::int64_t offset : {before, after}) {
        const Instant candidate{local - offset};
        if (offset_at(candidate) != offset) continue;
        if (!found || candidate.seconds < best) best = candidate.seconds; // twice: the first
        found = true;
    }
    if (found) return Instant{best};
    return Instant{local - before}; // skipped: read with the offset before the change
}

} // namespace crm
