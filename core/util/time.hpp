// Instants and calendar dates. The core never reads the wall clock: every
// "now" arrives as an Instant argument.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm {

// Seconds since 1970-01-01T00:00:00Z.
struct Instant {
    std::int64_t seconds = 0;
    auto operator<=>(const Instant&) const = default;
};

struct CivilDate {
    int year = 1970;
    int month = 1;
    int day = 1;
    auto operator<=>(const CivilDate&) const = default;
};

std::int64_t days_from_civil(CivilDate date);
CivilDate civil_from_days(std::int64_t days);

// Calendar arithmetic for pickers and date words.
CivilDate add_days(CivilDate date, int days);
// 0 = Monday ... 6 = Sunday.
int weekday(CivilDate date);
// 28 to 31; 0 for a month outside 1-12.
int days_in_month(int year, int month);

// "YYYY-MM-DD"; rejects impossible dates such as 2026-02-30.
std::optional<CivilDate> parse_date(std::string_view text);
std::string format_date(CivilDate date);

// ISO 8601 instants: "YYYY-MM-DDTHH:MM[:SS][.fff](Z|+HH:MM|-HH:MM)".
// A bare date means midnight UTC.
std::optional<Instant> parse_instant(std::string_view text);
// Always "YYYY-MM-DDTHH:MM:SSZ".
std::string format_instant(Instant instant);

} // namespace crm
