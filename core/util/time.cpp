#include "util/time.hpp"

#include <cstdio>

namespace crm {

// Howard Hinnant's civil calendar algorithms (proleptic Gregorian).
std::int64_t days_from_civil(CivilDate date) {
    const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t mp = (date.month + 9) % 12;
    const std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = yoe + era * 400;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

CivilDate add_days(CivilDate date, int days) {
    return civil_from_days(days_from_civil(date) + days);
}

int weekday(CivilDate date) {
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    const std::int64_t days = days_from_civil(date);
    return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

int days_in_month(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

namespace {

bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

std::optional<CivilDate> parse_date_prefix(std::string_view text) {
    CivilDate date;
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (!read_digits(text, 0, 4, date.year) || !read_digits(text, 5, 2, date.month) ||
        !read_digits(text, 8, 2, date.day) || date.year < 1)
        return std::nullopt;
    if (date.month < 1 || date.month > 12) return std::nullopt;
    if (date.day < 1 || date.day > days_in_month(date.year, date.month)) return std::nullopt;
    return date;
}

// Only years 0001-9999: an offset must not carry an instant to a year that
// format_instant() cannot write as four digits (it would never parse back).
std::optional<Instant> in_range(Instant instant) {
    static const std::int64_t first = days_from_civil({1, 1, 1}) * 86400;
    static const std::int64_t last = days_from_civil({10000, 1, 1}) * 86400;
    if (instant.seconds < first || instant.seconds >= last) return std::nullopt;
    return instant;
}

} // namespace

std::optional<CivilDate> parse_date(std::string_view text) {
    if (text.size() != 10) return std::nullopt;
    return parse_date_prefix(text);
}

std::string format_date(CivilDate date) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
    return buffer;
}

std::optional<Instant> parse_instant(std::string_view text) {
    const auto date = parse_date_prefix(text);
    if (!date) return std::nullopt;
    std::int64_t seconds = days_from_civil(*date) * 86400;
    if (text.size() == 10) return in_range(Instant{seconds});
    if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
    int hour = 0, minute = 0, second = 0;
    if (!read_digits(text, 11, 2, hour) || text.size() < 16 || text[13] != ':' ||
        !read_digits(text, 14, 2, minute))
        return std::nullopt;
    std::size_t pos = 16;
    if (pos < text.size() && text[pos] == ':') {
        if (!read_digits(text, pos + 1, 2, second)) return std::nullopt;
        pos += 3;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            const std::size_t start = pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
                ++pos;
            if (pos == start) return std::nullopt; // fractions are accepted and dropped
        }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    seconds += hour * 3600 + minute * 60 + second;
    if (pos == text.size()) return std::nullopt; // an instant needs its offset
    if (text[pos] == 'Z' || text[pos] == 'z') {
        if (pos + 1 != text.size()) return std::nullopt;
        return in_range(Instant{seconds});
    }
    if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
    const int sign = text[pos] == '+' ? 1 : -1;
    int offset_hours = 0, offset_minutes = 0;
    if (!read_digits(text, pos + 1, 2, offset_hours)) return std::nullopt;
    std::size_t after = pos + 3;
    if (after < text.size() && text[after] == ':') ++after;
    if (!read_digits(text, after, 2, offset_minutes) || after + 2 != text.size())
        return std::nullopt;
    if (offset_hours > 23 || offset_minutes > 59) return std::nullopt;
    return in_range(Instant{seconds - sign * (offset_hours * 3600 + offset_minutes * 60)});
}

std::string format_instant(Instant instant) {
    std::int64_t days = instant.seconds / 86400;
    std::int64_t rest = instant.seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    const CivilDate date = civil_from_days(days);
    if (date.year < 0 || date.year > 9999) {
        char buffer[48];
        std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", date.year,
                      date.month, date.day, static_cast<int>(rest / 3600),
                      static_cast<int>(rest % 3600 / 60), static_cast<int>(rest % 60));
        return buffer;
    }
    // Written digit by digit: history, conditions and reports format
    // instants by the hundred thousand, and snprintf is most of that cost.
    std::string text = "0000-00-00T00:00:00Z";
    auto put = [&text](std::size_t at, int value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10)
            text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, date.year, 4);
    put(5, date.month, 2);
    put(8, date.day, 2);
    put(11, static_cast<int>(rest / 3600), 2);
    put(14, static_cast<int>(rest % 3600 / 60), 2);
    put(17, static_cast<int>(rest % 60), 2);
    return text;
}

} // namespace crm
