#include "service/import_values.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace crm {

namespace {

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool all_digits(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

int to_int(std::string_view digits) {
    int value = 0;
    for (char c : digits)
        value = value * 10 + (c - '0');
    return value;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// 1-12 for an English month name or its abbreviation ("Apr", "april", "Sept").
int month_number(std::string_view word) {
    static constexpr std::array<const char*, 12> names = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};
    const std::string lower = lower_ascii(word);
    if (lower.size() < 3) return 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string_view name = names[i];
        if (lower == name || lower == name.substr(0, 3) || (i == 8 && lower == "sept"))
            return i + 1;
    }
    return 0;
}

std::optional<CivilDate> valid_date(int year, int month, int day) {
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
    return CivilDate{year, month, day};
}

// A year as written: four digits, or two (00-69 -> 2000s, 70-99 -> 1900s).
std::optional<int> read_year(std::string_view digits) {
    if (digits.size() == 4) return to_int(digits);
    if (digits.size() == 2) {
        const int year = to_int(digits);
        return year < 70 ? 2000 + year : 1900 + year;
    }
    return std::nullopt;
}

// Splits on any of the separators; empty parts are dropped.
std::vector<std::string_view> split_any(std::string_view text, std::string_view separators) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find_first_of(separators, start);
        const auto part = text.substr(start, end == std::string_view::npos ? end : end - start);
        if (!part.empty()) parts.push_back(part);
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return parts;
}

// Three groups of digits split by one kind of separator: "03/04/2025".
std::optional<std::array<std::string_view, 3>> numeric_parts(std::string_view text) {
    const auto separator = text.find_first_of("-/.");
    if (separator == std::string_view::npos) return std::nullopt;
    const char kind = text[separator];
    std::array<std::string_view, 3> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        const auto end = text.find(kind, start);
        if ((i < 2) == (end == std::string_view::npos)) return std::nullopt;
        parts[i] = text.substr(start, i < 2 ? end - start : std::string_view::npos);
        if (!all_digits(parts[i]) || parts[i].size() > 4) return std::nullopt;
        start = end + 1;
    }
    return parts;
}

std::optional<CivilDate> read_numeric_date(std::string_view text, DateOrder order) {
    const auto parts = numeric_parts(text);
    if (!parts) return std::nullopt;
    const auto& [a, b, c] = *parts;
    if (a.size() == 4) {
        if (b.size() > 2 || c.size() > 2) return std::nullopt;
        return valid_date(to_int(a), to_int(b), to_int(c));
    }
    if (a.size() > 2 || b.size() > 2) return std::nullopt;
    const auto year = read_year(c);
    if (!year) return std::nullopt;
    const int first = to_int(a), second = to_int(b);
    if (order == DateOrder::Unknown) {
        if (first > 12)
            order = DateOrder::DayFirst;
        else if (second > 12 || first == second)
            order = DateOrder::MonthFirst;
        else
            return std::nullopt; // 03/04/2025: March or April?
    }
    if (order == DateOrder::YearFirst) return std::nullopt;
    return order == DateOrder::DayFirst ? valid_date(*year, second, first)
                                        : valid_date(*year, first, second);
}

// "3 Apr 2025", "April 3, 2025", "03-Apr-25", "2025 Apr 3".
std::optional<CivilDate> read_named_month_date(std::string_view text) {
    int month = 0;
    std::vector<std::string_view> numbers;
    for (const auto part : split_any(text, " -/,.")) {
        if (all_digits(part)) {
            numbers.push_back(part);
        } else {
            if (month) return std::nullopt;
            month = month_number(part);
            if (!month) return std::nullopt;
        }
    }
    if (!month || numbers.size() != 2) return std::nullopt;
    std::string_view day = numbers[0], year = numbers[1];
    if (day.size() == 4) std::swap(day, year); // year first
    if (day.size() > 2) return std::nullopt;
    const auto full_year = read_year(year);
    if (!full_year) return std::nullopt;
    return valid_date(*full_year, month, to_int(day));
}

// Where a time of day starts: the digits before the first ':'; npos when none.
std::size_t time_start(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::string_view::npos;
    std::size_t start = colon;
    while (start > 0 && std::isdigit(static_cast<unsigned char>(text[start - 1])))
        --start;
    if (colon - start < 1 || colon - start > 2) return std::string_view::npos;
    return start;
}

// "14:30", "14:30:05", "2:30 PM", "2:30pm" -> seconds after midnight.
std::optional<int> read_time_of_day(std::string_view text) {
    text = trimmed(text);
    std::string lower = lower_ascii(text);
    int add_hours = 0;
    bool twelve_hour = false;
    for (const char* suffix : {"am", "pm", "a.m.", "p.m."}) {
        const std::string_view s = suffix;
        if (lower.size() > s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0) {
            twelve_hour = true;
            add_hours = suffix[0] == 'p' ? 12 : 0;
            lower = std::string(trimmed(lower.substr(0, lower.size() - s.size())));
            break;
        }
    }
    const auto parts = split_any(lower, ":");
    if (parts.size() < 2 || parts.size() > 3 || lower.find("::") != std::string::npos)
        return std::nullopt;
    for (const auto part : parts)
        if (!all_digits(part) || part.size() > 2) return std::nullopt;
    int hour = to_int(parts[0]);
    const int minute = to_int(parts[1]), second = parts.size() == 3 ? to_int(parts[2]) : 0;
    if (twelve_hour) {
        if (hour < 1 || hour > 12) return std::nullopt;
        hour = hour % 12 + add_hours;
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    return hour * 3600 + minute * 60 + second;
}

// Takes a currency sign or code off either end of an amount.
std::string take_currency(std::string& text) {
    static constexpr std::array<std::pair<const char*, const char*>, 5> signs = {
        {{"\xE2\x82\xAC", "EUR"},
         {"$", "USD"},
         {"\xC2\xA3", "GBP"},
         {"\xC2\xA5", "JPY"},
         {"\xE2\x82\xB9", "INR"}}};
    for (const auto& [sign, code] : signs) {
        const std::string_view s = sign;
        if (text.compare(0, s.size(), s) == 0) return text.erase(0, s.size()), code;
        if (text.size() >= s.size() && text.compare(text.size() - s.size(), s.size(), s) == 0)
            return text.erase(text.size() - s.size()), code;
    }
    auto is_code = [](std::string_view word) {
        if (word.size() != 3) return false;
        for (char c : word)
            if (!std::isalpha(static_cast<unsigned char>(c))) return false;
        return true;
    };
    std::string code;
    if (text.size() > 3 && is_code(std::string_view(text).substr(0, 3)) &&
        !std::isalpha(static_cast<unsigned char>(text[3]))) {
        code = text.substr(0, 3);
        text.erase(0, 3);
    } else if (text.size() > 3 && is_code(std::string_view(text).substr(text.size() - 3)) &&
               !std::isalpha(static_cast<unsigned char>(text[text.size() - 4]))) {
        code = text.substr(text.size() - 3);
        text.erase(text.size() - 3);
    }
    for (char& c : code)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return code;
}

// Spaces people put between thousands: plain, no-break and narrow no-break.
std::string without_spaces(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ' ' || text[i] == '\'') continue;
        if (text.compare(i, 2, "\xC2\xA0") == 0) {
            ++i;
            continue;
        }
        if (text.compare(i, 3, "\xE2\x80\xAF") == 0) {
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

// Thousands groups after the first must have three digits: "1,234,567".
bool grouped_by_thousands(std::string_view digits, char separator) {
    const auto parts = split_any(digits, std::string(1, separator));
    if (parts.empty() || parts.front().size() > 3 ||
        std::count(digits.begin(), digits.end(), separator) + 1 != static_cast<long>(parts.size()))
        return false;
    for (std::size_t i = 1; i < parts.size(); ++i)
        if (parts[i].size() != 3) return false;
    return true;
}

} // namespace

std::optional<DateOrder> date_order_from_format(std::string_view format) {
    std::string upper(trimmed(format));
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto parts = split_any(upper, "-/. ");
    if (parts.size() != 3) return std::nullopt;
    auto is_year = [](std::string_view part) { return part == "YY" || part == "YYYY"; };
    if (is_year(parts[0]) && parts[1] == "MM" && parts[2] == "DD") return DateOrder::YearFirst;
    if (parts[0] == "DD" && parts[1] == "MM" && is_year(parts[2])) return DateOrder::DayFirst;
    if (parts[0] == "MM" && parts[1] == "DD" && is_year(parts[2])) return DateOrder::MonthFirst;
    return std::nullopt;
}

std::string date_order_name(DateOrder order) {
    switch (order) {
    case DateOrder::DayFirst:
        return "DD/MM/YYYY";
    case DateOrder::MonthFirst:
        return "MM/DD/YYYY";
    case DateOrder::YearFirst:
    case DateOrder::Unknown:
        break;
    }
    return "YYYY-MM-DD";
}

std::optional<DateOrder> date_order_evidence(std::string_view text) {
    const auto parts = numeric_parts(trimmed(text));
    if (!parts || (*parts)[0].size() > 2 || (*parts)[1].size() > 2) return std::nullopt;
    const int first = to_int((*parts)[0]), second = to_int((*parts)[1]);
    if (first > 12 && second <= 12) return DateOrder::DayFirst;
    if (second > 12 && first <= 12) return DateOrder::MonthFirst;
    if (first == second || first > 12) return std::nullopt; // says nothing, or no date at all
    return DateOrder::Unknown;
}

std::optional<CivilDate> read_date_text(std::string_view text, DateOrder order) {
    text = trimmed(text);
    if (text.empty()) return std::nullopt;
    // A spreadsheet's date cell exported with its (midnight) time.
    for (const char* midnight : {" 00:00:00", " 00:00", "T00:00:00", "T00:00"}) {
        const std::string_view m = midnight;
        if (text.size() > m.size() && text.substr(text.size() - m.size()) == m) {
            text = text.substr(0, text.size() - m.size());
            break;
        }
    }
    if (auto date = read_numeric_date(text, order)) return date;
    return read_named_month_date(text);
}

std::optional<Instant> read_datetime_text(std::string_view text, DateOrder order,
                                          const TimeZone& zone) {
    text = trimmed(text);
    if (text.empty()) return std::nullopt;
    if (text.size() > 10 && text[4] == '-' && (text[10] == 'T' || text[10] == ' ')) {
        std::string iso(text);
        iso[10] = 'T';
        if (auto instant = parse_instant(iso)) {
            const char last = iso.back();
            const bool zoned = last == 'Z' || iso.find_first_of("+-", 11) != std::string::npos;
            if (zoned) return instant;
        }
    }
    std::string_view date_part = text;
    int seconds = 0;
    if (const auto start = time_start(text); start != std::string_view::npos) {
        const auto time = read_time_of_day(text.substr(start));
        if (!time) return std::nullopt;
        seconds = *time;
        date_part = trimmed(text.substr(0, start));
        while (!date_part.empty() && (date_part.back() == 'T' || date_part.back() == ','))
            date_part = trimmed(date_part.substr(0, date_part.size() - 1));
    }
    const auto date = read_date_text(date_part, order);
    if (!date) return std::nullopt;
    return zone.to_instant(days_from_civil(*date) * 86400 + seconds);
}

std::optional<std::string> plain_number_text(std::string_view raw) {
    std::string text = without_spaces(trimmed(raw));
    bool negative = false;
    if (text.size() > 2 && text.front() == '(' && text.back() == ')') {
        negative = true;
        text = text.substr(1, text.size() - 2);
    }
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        negative = negative != (text.front() == '-');
        text.erase(0, 1);
    }
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front())) ||
        !std::isdigit(static_cast<unsigned char>(text.back())))
        return std::nullopt;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != ',' && c != '.')
            return std::nullopt;
    const auto last_comma = text.rfind(','), last_dot = text.rfind('.');
    char decimal = 0;
    if (last_comma != std::string::npos && last_dot != std::string::npos)
        decimal = last_comma > last_dot ? ',' : '.';
    else if (last_comma != std::string::npos)
        decimal =
            std::count(text.begin(), text.end(), ',') == 1 && text.size() - last_comma - 1 != 3
                ? ','
                : 0;
    else if (last_dot != std::string::npos)
        decimal = std::count(text.begin(), text.end(), '.') == 1 ? '.' : 0;
    std::string whole = text, fraction;
    if (decimal) {
        const auto at = text.rfind(decimal);
        whole = text.substr(0, at);
        fraction = text.substr(at + 1);
    }
    for (const char separator : {',', '.'}) {
        if (separator == decimal || whole.find(separator) == std::string::npos) continue;
        if (!grouped_by_thousands(whole, separator)) return std::nullopt;
        whole.erase(std::remove(whole.begin(), whole.end(), separator), whole.end());
    }
    if (!all_digits(whole) || (decimal && !all_digits(fraction))) return std::nullopt;
    return (negative ? "-" : "") + whole + (decimal ? "." + fraction : "");
}

std::optional<WrittenAmount> read_amount_text(std::string_view raw) {
    std::string text(trimmed(raw));
    bool negative = false;
    if (!text.empty() && text.front() == '-') { // "-$1,200"
        negative = true;
        text.erase(0, 1);
    }
    WrittenAmount amount;
    amount.currency = take_currency(text);
    auto number = plain_number_text(text);
    if (!number) return std::nullopt;
    if (negative) {
        if (number->front() == '-') return std::nullopt;
        number->insert(0, "-");
    }
    amount.number = *number;
    return amount;
}

} // namespace crm
