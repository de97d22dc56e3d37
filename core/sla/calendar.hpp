// Business calendars and business-time arithmetic. A calendar has working
// intervals per weekday (several a day), holidays and an IANA time zone:
//   {"timezone": "America/New_York",
//    "week": {"mon": [["09:00","17:00"]], "fri": [["09:00","12:00"],["13:00","17:00"]]},
//    "holidays": ["2026-12-25"]}
// Days mon..sun; a missing day is not worked; intervals are [open, close) in
// local wall-clock time; "24:00" is allowed as a close.
#pragma once

#include "sla/time_zone.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace crm {

struct BusinessCalendar {
    TimeZone zone = TimeZone::utc();
    // Minutes after local midnight, [open, close); index 0 = Monday.
    std::array<std::vector<std::pair<int, int>>, 7> week;
    std::set<std::int64_t> holidays; // local dates as days since 1970-01-01

    static const BusinessCalendar& always_open(); // 24/7 in UTC
};

Result<BusinessCalendar> calendar_from_json(const nlohmann::json& json);

// "4 business hours", "3 business days", "30 minutes", "2 days".
struct Duration {
    enum class Unit { Minutes, Hours, Days } unit = Unit::Minutes;
    std::int64_t amount = 0;
    bool business = false;
};
Result<Duration> parse_duration(const std::string& text);

// When something that starts at `start` is due:
//   N business minutes/hours: the earliest t >= start such that the working
//     time in [start, t) is exactly N (a start outside working time begins at
//     the next opening; N = 0 gives the start);
//   N business days (N >= 1): the last closing time of the N-th working day
//     strictly after the start's local date (holidays and days without
//     intervals are skipped);
//   N minutes/hours/days: exact elapsed time (a day is 24 hours).
Result<Instant> due_at(const BusinessCalendar& calendar, Instant start, const Duration& duration);

// The earliest t >= start with `seconds` of working time in [start, t); the
// start itself for 0; nothing when the calendar runs out of working time.
std::optional<Instant> after_working_seconds(const BusinessCalendar& calendar, Instant start,
                                             std::int64_t seconds);

// Working seconds in [from, to): how much of an SLA has been used.
std::int64_t working_seconds(const BusinessCalendar& calendar, Instant from, Instant to);

} // namespace crm
