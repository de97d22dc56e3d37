#include "util/local_time.hpp"

#include <cstdio>
#include <optional>
#include <vector>

namespace crm {

namespace {

constexpr std::int64_t kDay = 86400;

const char* const kDayShort[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
const char* const kDayLong[] = {"monday", "tuesday",  "wednesday", "thursday",
                                "friday", "saturday", "sunday"};
const char* const kMonthShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kMonthLong[] = {"january",   "february", "march",    "april",
                                  "may",       "june",     "july",     "august",
                                  "september", "october",  "november", "december"};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

struct LocalParts {
    CivilDate date;
    std::int64_t seconds = 0; // of the day
};

LocalParts split_local(std::int64_t local) {
    const std::int64_t days = floor_div(local, kDay);
    return {civil_from_days(days), local - days * kDay};
}

std::string two_digits(std::int64_t value) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d", static_cast<int>(value));
    return buffer;
}

std::string clock_text(std::int64_t seconds_of_day) {
    return two_digits(seconds_of_day / 3600) + ":" + two_digits(seconds_of_day % 3600 / 60);
}

// "Tue 1 Dec", "Mon 30 Nov 2025"
std::string day_text(CivilDate date, bool with_year) {
    std::string text = kDayShort[weekday(date)];
    text += " " + std::to_string(date.day) + " ";
    text += date.month >= 1 && date.month <= 12 ? kMonthShort[date.month - 1] : "?";
    if (with_year) text += " " + std::to_string(date.year);
    return text;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool is_separator(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',';
}

bool is_iso_date(std::string_view token) {
    return token.size() >= 10 && token[4] == '-' && token[7] == '-';
}

// Words split at spaces and commas, lower-cased; "2026-12-02t09:00" becomes
// "2026-12-02" and "09:00".
std::vector<std::string> tokens_of(std::string_view text) {
    std::vector<std::string> tokens;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_separator(text[i]))
            ++i;
        const std::size_t start = i;
        while (i < text.size() && !is_separator(text[i]))
            ++i;
        if (i == start) continue;
        std::string token = lower_ascii(text.substr(start, i - start));
        if (token.size() > 11 && is_iso_date(token) && token[10] == 't') {
            tokens.push_back(token.substr(0, 10));
            tokens.push_back(token.substr(11));
        } else {
            tokens.push_back(std::move(token));
        }
    }
    return tokens;
}

// 1 to `max_digits` decimal digits, nothing else (no signs, no overflow).
std::optional<int> number_of(const std::string& token, std::size_t min_digits,
                             std::size_t max_digits) {
    if (token.size() < min_digits || token.size() > max_digits) return std::nullopt;
    int value = 0;
    for (const char c : token) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

// "dec", "december" (and "sept"): 1-12.
std::optional<int> month_of(const std::string& token) {
    for (int m = 0; m < 12; ++m) {
        if (token == kMonthLong[m] || token == lower_ascii(kMonthShort[m])) return m + 1;
    }
    if (token == "sept") return 9;
    return std::nullopt;
}

// "tue", "tues", "tuesday": 0 = Monday.
std::optional<int> weekday_of(const std::string& token) {
    for (int d = 0; d < 7; ++d)
        if (token == kDayLong[d] || token == lower_ascii(kDayShort[d])) return d;
    if (token == "tues") return 1;
    if (token == "thur" || token == "thurs") return 3;
    return std::nullopt;
}

// "9:00", "09:00", "09:00:30" as seconds of the day.
std::optional<std::int64_t> time_of(const std::string& token) {
    const auto colon = token.find(':');
    if (colon == std::string::npos) return std::nullopt;
    const auto hour = number_of(token.substr(0, colon), 1, 2);
    const std::string rest = token.substr(colon + 1);
    const auto second_colon = rest.find(':');
    const auto minute = number_of(rest.substr(0, second_colon), 2, 2);
    std::optional<int> second = 0;
    if (second_colon != std::string::npos) second = number_of(rest.substr(second_colon + 1), 2, 2);
    if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59)
        return std::nullopt;
    return std::int64_t{*hour} * 3600 + *minute * 60 + *second;
}

bool valid(CivilDate date) {
    return date.year >= 1 && date.year <= 9999 && date.month >= 1 && date.month <= 12 &&
           date.day >= 1 && date.day <= days_in_month(date.year, date.month);
}

// A day and month without a year: this year, unless that is more than 183
// days ago (then next year).
std::optional<CivilDate> with_year(int day, int month, std::optional<int> year, CivilDate today) {
    if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
    CivilDate date{year ? *year : today.year, month, day};
    if (!year) {
        const int last = days_in_month(today.year, month);
        const CivilDate this_year{today.year, month, day < last ? day : last};
        if (days_from_civil(this_year) < days_from_civil(today) - 183) ++date.year;
    }
    if (!valid(date)) return std::nullopt;
    return date;
}

// Reads a date from tokens[i...], moving i past it.
std::optional<CivilDate> read_date(const std::vector<std::string>& tokens, std::size_t& i,
                                   CivilDate today) {
    if (i >= tokens.size()) return std::nullopt;
    const std::string& first = tokens[i];
    if (first == "today" || first == "tomorrow" || first == "yesterday") {
        ++i;
        const CivilDate date = add_days(today, first == "today" ? 0 : first == "tomorrow" ? 1 : -1);
        if (!valid(date)) return std::nullopt;
        return date;
    }
    if (first.size() == 10 && is_iso_date(first)) {
        ++i;
        const auto date = parse_date(first);
        if (!date || !valid(*date)) return std::nullopt;
        return date;
    }
    if (i + 1 >= tokens.size()) return std::nullopt;
    int day = 0, month = 0;
    if (const auto d = number_of(first, 1, 2)) { // 2 Dec
        const auto m = month_of(tokens[i + 1]);
        if (!m) return std::nullopt;
        day = *d;
        month = *m;
    } else if (const auto m = month_of(first)) { // Dec 2
        const auto d = number_of(tokens[i + 1], 1, 2);
        if (!d) return std::nullopt;
        day = *d;
        month = *m;
    } else {
        return std::nullopt;
    }
    i += 2;
    std::optional<int> year;
    if (i < tokens.size()) {
        year = number_of(tokens[i], 4, 4);
        if (year) ++i;
    }
    return with_year(day, month, year, today);
}

bool in_storable_range(Instant instant) {
    static const std::int64_t first = days_from_civil({1, 1, 1}) * kDay;
    static const std::int64_t last = days_from_civil({10000, 1, 1}) * kDay;
    return instant.seconds >= first && instant.seconds < last;
}

// An optional leading day name ("Tue 1 Dec"); it must then match the date.
std::optional<int> read_weekday(const std::vector<std::string>& tokens, std::size_t& i) {
    if (tokens.size() < 2) return std::nullopt;
    const auto day = weekday_of(tokens[0]);
    if (day) ++i;
    return day;
}

} // namespace

CivilDate local_date(Instant at, const TimeZone& zone) {
    return split_local(zone.to_local(at)).date;
}

std::string format_local_datetime(Instant at, const TimeZone& zone, Instant now) {
    const LocalParts parts = split_local(zone.to_local(at));
    const bool year = parts.date.year != local_date(now, zone).year;
    return day_text(parts.date, year) + ", " + clock_text(parts.seconds);
}

std::string format_local_date(CivilDate date, Instant now, const TimeZone& zone) {
    return day_text(date, date.year != local_date(now, zone).year);
}

std::string describe_due_local(Instant due, Instant now, const TimeZone& zone) {
    const std::int64_t ahead = due.seconds - now.seconds;
    if (ahead < 0) {
        const std::int64_t late = -ahead;
        if (late < 60) return "due now";
        if (late < 3600) return "overdue by " + std::to_string(late / 60) + " min";
        if (late < kDay) return "overdue by " + std::to_string(late / 3600) + " h";
        return "overdue by " + std::to_string(late / kDay) + " d";
    }
    if (ahead < 60) return "due now";
    if (ahead < 3600) return "due in " + std::to_string(ahead / 60) + " min";
    if (ahead <= 2 * 3600) return "due in " + std::to_string(ahead / 3600) + " h";
    const LocalParts when = split_local(zone.to_local(due));
    const CivilDate today = local_date(now, zone);
    if (when.date == today) return "due today " + clock_text(when.seconds);
    if (when.date == add_days(today, 1)) return "due tomorrow " + clock_text(when.seconds);
    return "due " + day_text(when.date, when.date.year != today.year);
}

std::string describe_relative(Instant at, Instant now) {
    const std::int64_t ahead = at.seconds - now.seconds;
    const std::int64_t size = ahead < 0 ? -ahead : ahead;
    if (size < 60) return "just now";
    std::string amount;
    if (size < 3600)
        amount = std::to_string(size / 60) + " min";
    else if (size < kDay)
        amount = std::to_string(size / 3600) + " h";
    else
        amount = std::to_string(size / kDay) + " d";
    return ahead > 0 ? "in " + amount : amount + " ago";
}

Result<Instant> parse_local_datetime(std::string_view text, const TimeZone& zone, Instant now) {
    const Error refused{kNotADateTime};
    // As kept: an ISO instant with its offset.
    std::size_t begin = 0, end = text.size();
    while (begin < end && is_separator(text[begin]) && text[begin] != ',')
        ++begin;
    while (end > begin && is_separator(text[end - 1]) && text[end - 1] != ',')
        --end;
    const std::string_view trimmed = text.substr(begin, end - begin);
    if (trimmed.size() > 10)
        if (const auto instant = parse_instant(trimmed)) return *instant;

    const auto tokens = tokens_of(trimmed);
    std::size_t i = 0;
    const auto day_name = read_weekday(tokens, i);
    const auto date = read_date(tokens, i, local_date(now, zone));
    if (!date) return refused;
    if (i < tokens.size() && tokens[i] == "at" && i + 1 < tokens.size()) ++i;
    std::int64_t seconds = 0; // a date alone: the start of the day
    if (i < tokens.size()) {
        const auto time = time_of(tokens[i]);
        if (!time) return refused;
        seconds = *time;
        ++i;
    }
    if (i != tokens.size()) return refused;
    if (day_name && *day_name != weekday(*date)) return refused;
    const Instant instant = zone.to_instant(days_from_civil(*date) * kDay + seconds);
    if (!in_storable_range(instant)) return refused;
    return instant;
}

Result<CivilDate> parse_local_date(std::string_view text, const TimeZone& zone, Instant now) {
    const Error refused{kNotADate};
    const auto tokens = tokens_of(text);
    std::size_t i = 0;
    const auto day_name = read_weekday(tokens, i);
    const auto date = read_date(tokens, i, local_date(now, zone));
    if (!date || i != tokens.size()) return refused;
    if (day_name && *day_name != weekday(*date)) return refused;
    return *date;
}

std::string local_datetime_text(Instant at, const TimeZone& zone) {
    const std::int64_t local = zone.to_local(at);
    const LocalParts parts = split_local(local);
    if (!valid(parts.date)) return format_instant(at); // past year 9999 locally: stays UTC
    std::string text = format_date(parts.date) + " " + clock_text(parts.seconds);
    if (parts.seconds % 60 != 0) text += ":" + two_digits(parts.seconds % 60);
    if (zone.to_instant(local) != at) { // the second of a repeated local time
        const std::int64_t offset = zone.offset_at(at);
        const std::int64_t size = offset < 0 ? -offset : offset;
        text +=
            (offset < 0 ? "-" : "+") + two_digits(size / 3600) + ":" + two_digits(size % 3600 / 60);
    }
    return text;
}

} // namespace crm
