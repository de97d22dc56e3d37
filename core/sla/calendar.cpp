#include "sla/calendar.hpp"

#include "io/schema_json.hpp"

#include <algorithm>
#include <cctype>

namespace crm {

using nlohmann::json;

namespace {

constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
// How far ahead to look: far enough for any real deadline, bounded so a calendar that
// never opens cannot loop forever.
constexpr std::int64_t kSearchDays = 366 * 200;

// Monday = 0 for a local date given as days since 1970-01-01 (a Thursday).
int weekday_index(std::int64_t day) {
    return static_cast<int>(((day % 7) + 7 + 3) % 7);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::optional<int> parse_clock(const std::string& text) {
    if (text.size() != 5 || text[2] != ':' || !std::isdigit(static_cast<unsigned char>(text[0])) ||
        !std::isdigit(static_cast<unsigned char>(text[1])) ||
        !std::isdigit(static_cast<unsigned char>(text[3])) ||
        !std::isdigit(static_cast<unsigned char>(text[4])))
        return std::nullopt;
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
    return hours * 60 + minutes;
}

bool is_working_day(const BusinessCalendar& calendar, std::int64_t day) {
    return !calendar.week[static_cast<std::size_t>(weekday_index(day))].empty() &&
           !calendar.holidays.count(day);
}

// The working intervals of one local date, as instants.
std::vector<std::pair<Instant, Instant>> intervals_of(const BusinessCalendar& calendar,
                                                      std::int64_t day) {
    std::vector<std::pair<Instant, Instant>> out;
    if (!is_working_day(calendar, day)) return out;
    for (const auto& [open, close] : calendar.week[static_cast<std::size_t>(weekday_index(day))]) {
        const Instant from = calendar.zone.to_instant(day * 86400 + open * 60);
        const Instant to = calendar.zone.to_instant(day * 86400 + close * 60);
        if (from < to) out.push_back({from, to});
    }
    return out;
}

std::int64_t local_day(const BusinessCalendar& calendar, Instant instant) {
    return floor_div(calendar.zone.to_local(instant), 86400);
}

} // namespace

const BusinessCalendar& BusinessCalendar::always_open() {
    static const BusinessCalendar calendar = [] {
        BusinessCalendar open;
        for (auto& day : open.week)
            day = {{0, 1440}};
        return open;
    }();
    return calendar;
}

Result<BusinessCalendar> calendar_from_json(const json& value) {
    if (!value.is_object())
        return Error{"calendar: expected an object with timezone, week and holidays"};
    if (auto s = check_known_keys(value, "calendar", {"timezone", "week", "holidays"}); !s)
        return Error{s.error()};
    BusinessCalendar calendar;
    auto zone_name = require_string(value, "calendar", "timezone");
    if (!zone_name) return Error{zone_name.error()};
    auto zone = TimeZone::named(*zone_name);
    if (!zone) return Error{"calendar.timezone: " + zone.error()};
    calendar.zone = *zone;
    const auto week = value.find("week");
    if (week == value.end() || !week->is_object())
        return Error{"calendar.week: expected an object of day -> [[\"09:00\", \"17:00\"], ...]"};
    for (const auto& [day, intervals] : week->items()) {
        const auto* it = std::find(std::begin(kDays), std::end(kDays), day);
        if (it == std::end(kDays))
            return Error{"calendar.week." + day +
                         ": unknown day (expected mon, tue, wed, thu, fri, sat or sun)"};
        const std::string path = "calendar.week." + day;
        if (!intervals.is_array()) return Error{path + ": expected a list of [open, close] pairs"};
        auto& list = calendar.week[static_cast<std::size_t>(it - std::begin(kDays))];
        for (std::size_t i = 0; i < intervals.size(); ++i) {
            const json& pair = intervals[i];
            const std::string at = path + "[" + std::to_string(i) + "]";
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
                !pair[1].is_string())
                return Error{at + ": expected [\"HH:MM\", \"HH:MM\"]"};
            const auto open = parse_clock(pair[0].get<std::string>());
            const auto close = parse_clock(pair[1].get<std::string>());
            if (!open || !close || *open >= 1440)
                return Error{at + ": expected times from 00:00 to 24:00, got " + pair.dump()};
            if (*open >= *close)
                return Error{at + ": opens at or after it closes (" + pair.dump() + ")"};
            if (!list.empty() && *open < list.back().second)
                return Error{at + ": overlaps or comes before the interval before it"};
            list.push_back({*open, *close});
        }
    }
    if (const auto holidays = value.find("holidays"); holidays != value.end()) {
        if (!holidays->is_array()) return Error{"calendar.holidays: expected a list of dates"};
        for (std::size_t i = 0; i < holidays->size(); ++i) {
            const json& day = (*holidays)[i];
            const auto date = day.is_string() ? parse_date(day.get<std::string>()) : std::nullopt;
            if (!date)
                return Error{"calendar.holidays[" + std::to_string(i) +
                             "]: expected a date as YYYY-MM-DD, got " + day.dump()};
            calendar.holidays.insert(days_from_civil(*date));
        }
    }
    return calendar;
}

Result<Duration> parse_duration(const std::string& text) {
    const Error bad{"expected a duration like \"4 business hours\", \"3 business days\" or \"30 "
                    "minutes\", got \"" +
                    text + "\""};
    std::size_t pos = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
        ++pos;
    if (pos == 0 || pos > 9 || pos >= text.size() || text[pos] != ' ') return bad;
    Duration duration;
    duration.amount = std::stoll(text.substr(0, pos));
    std::string unit = text.substr(pos + 1);
    if (unit.rfind("business ", 0) == 0) {
        duration.business = true;
        unit = unit.substr(9);
    }
    if (unit == "minute" || unit == "minutes")
        duration.unit = Duration::Unit::Minutes;
    else if (unit == "hour" || unit == "hours")
        duration.unit = Duration::Unit::Hours;
    else if (unit == "day" || unit == "days")
        duration.unit = Duration::Unit::Days;
    else
        return bad;
    if (duration.business && duration.unit == Duration::Unit::Days && duration.amount < 1)
        return Error{"business days count from the next working day: use 1 or more"};
    return duration;
}

namespace {

// Walks working time forward from `start`: each interval at most once, even
// when a daylight-saving gap makes two of them overlap in UTC. `visit` gets
// [from, to) pieces and returns false to stop.
template <class Visit>
void walk_working_time(const BusinessCalendar& calendar, Instant start, std::int64_t last_day,
                       Visit visit) {
    Instant covered = start;
    // A local date's intervals may begin before `start`'s date in UTC: start a day early.
    for (std::int64_t day = local_day(calendar, start) - 1; day <= last_day; ++day)
        for (const auto& [open, close] : intervals_of(calendar, day)) {
            const Instant from = std::max(open, covered);
            if (from >= close) continue;
            covered = close;
            if (!visit(from, close)) return;
        }
}

std::string plural(std::int64_t amount, const char* unit) {
    return std::to_string(amount) + " " + unit + (amount == 1 ? "" : "s");
}

} // namespace

std::optional<Instant> after_working_seconds(const BusinessCalendar& calendar, Instant start,
                                             std::int64_t seconds) {
    if (seconds <= 0) return start;
    std::optional<Instant> due;
    walk_working_time(calendar, start, local_day(calendar, start) + kSearchDays,
                      [&](Instant from, Instant to) {
                          if (seconds <= to.seconds - from.seconds) {
                              due = Instant{from.seconds + seconds};
                              return false;
                          }
                          seconds -= to.seconds - from.seconds;
                          return true;
                      });
    return due;
}

Result<Instant> due_at(const BusinessCalendar& calendar, Instant start, const Duration& duration) {
    std::optional<Instant> due;
    if (!duration.business) {
        const std::int64_t unit = duration.unit == Duration::Unit::Minutes ? 60
                                  : duration.unit == Duration::Unit::Hours ? 3600
                                                                           : 86400;
        due = Instant{start.seconds + duration.amount * unit};
    } else if (duration.unit == Duration::Unit::Days) {
        // Working days are dates that have working time left after time zone changes.
        const std::int64_t first_day = local_day(calendar, start);
        std::int64_t found = 0;
        for (std::int64_t day = first_day + 1; day <= first_day + kSearchDays && !due; ++day) {
            const auto intervals = intervals_of(calendar, day);
            if (!intervals.empty() && ++found == duration.amount) due = intervals.back().second;
        }
        if (!due)
            return Error{"the calendar has too few working days to count " +
                         plural(duration.amount, "business day")};
    } else {
        due = after_working_seconds(calendar, start,
                                    duration.amount *
                                        (duration.unit == Duration::Unit::Hours ? 3600 : 60));
        if (!due)
            return Error{"the calendar has no working time to count " +
                         plural(duration.amount, duration.unit == Duration::Unit::Hours
                                                     ? "business hour"
                                                     : "business minute")};
    }
    // Deadlines are written as YYYY-MM-DDTHH:MM:SSZ: years 0001-9999 only.
    if (!parse_instant(format_instant(*due)))
        return Error{"the due time falls after the year 9999"};
    return *due;
}

std::int64_t working_seconds(const BusinessCalendar& calendar, Instant from, Instant to) {
    if (to <= from) return 0;
    std::int64_t total = 0;
    walk_working_time(calendar, from, local_day(calendar, to) + 1, [&](Instant a, Instant b) {
        if (a >= to) return false;
        total += std::min(b, to).seconds - a.seconds;
        return true;
    });
    return total;
}

} // namespace crm
