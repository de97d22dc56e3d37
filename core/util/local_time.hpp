// Dates and times as people read and type them, in a time zone (the
// device's). Values are still kept in UTC (format_instant) and as
// "YYYY-MM-DD"; only what is shown and typed is local. Like the rest of the
// core, nothing here reads the wall clock: "now" is an argument.
//
// Shown: "Tue 1 Dec, 16:00" (24-hour clock, English day and month
// abbreviations); the year is added only when it is not now's local year:
// "Mon 30 Nov 2025, 09:05".
//
// Typed (surrounding spaces ignored, words in any case, a comma or "at" may
// separate date and time, a leading day name such as "Tue" must match the
// date):
//   ISO instants with an offset, as kept: 2026-12-02T08:00:00Z, 2026-12-02T09:00+01:00
//   2026-12-02 09:00   2026-12-02T09:00   2026-12-02 9:00   (seconds optional)
//   2 Dec 09:00   2 Dec 2026 09:00   Dec 2 09:00   2 December 2026 9:00
//   today 15:00   tomorrow 9:00   yesterday 17:00
//   a date alone (2026-12-02, 2 Dec, tomorrow): for a date and time, the
//   start of that day (00:00 local).
// A day and month without a year is in now's local year, unless that date
// lies more than 183 days before today: then it is next year's (typing
// "2 Jan" in December means the coming January). Local times become instants
// through TimeZone::to_instant: a time skipped by a spring-forward change is
// read with the offset before the change (02:30 on 2026-03-08 in New York is
// 07:30Z, shown back as 03:30), a time that occurs twice is the first one.
// Impossible dates and times (31 Nov, 25:00) are refused.
#pragma once

#include "sla/time_zone.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <string>
#include <string_view>

namespace crm {

// The refusals, exactly as shown under a field (a caller may put the field's
// name or the typed text in front).
inline constexpr const char* kNotADateTime =
    "is not a date and time: use a form like 2026-12-02 09:00, 2 Dec 09:00 or tomorrow 9:00";
inline constexpr const char* kNotADate =
    "is not a date: use a form like 2026-12-02, 2 Dec or tomorrow";

// "Tue 1 Dec, 16:00"; "Mon 30 Nov 2025, 09:05" outside now's local year.
std::string format_local_datetime(Instant at, const TimeZone& zone, Instant now);
// "Tue 1 Dec"; "Mon 30 Nov 2025" outside now's local year.
std::string format_local_date(CivilDate date, Instant now, const TimeZone& zone);

// A due time in the words a rep reads. Amounts are rounded down.
//   overdue by less than a minute, or due within a minute: "due now"
//   overdue by under 1 h: "overdue by 25 min"; under 24 h: "overdue by 3 h";
//   else "overdue by 2 d"
//   due in under 1 h: "due in 40 min"; in 1 h to 2 h: "due in 1 h", "due in 2 h"
//   further, the same local day: "due today 16:00"; the next: "due tomorrow 12:30"
//   later: "due Fri 4 Dec" (with the year outside now's local year)
std::string describe_due_local(Instant due, Instant now, const TimeZone& zone);
// Short past and future forms: within a minute "just now"; then "in 5 min" /
// "5 min ago", under a day "in 2 h" / "3 h ago", else "in 4 d" / "2 d ago".
std::string describe_relative(Instant at, Instant now);

// The text a person typed as an instant (the forms above), or kNotADateTime.
Result<Instant> parse_local_datetime(std::string_view text, const TimeZone& zone, Instant now);
// "2026-12-02", "2 Dec", "2 Dec 2026", "Dec 2", "today", "tomorrow",
// "yesterday" (and "Wed 2 Dec"), or kNotADate.
Result<CivilDate> parse_local_date(std::string_view text, const TimeZone& zone, Instant now);

// The calendar date and time of day of `at` in `zone`.
CivilDate local_date(Instant at, const TimeZone& zone);
// "2026-12-02 09:00" (":30" seconds added when not zero), which
// parse_local_datetime() reads back as `at`. A local time that occurs twice
// (the hour repeated when clocks go back) is written with its offset when
// `at` is the second one: "2026-10-25 02:30+01:00". A local date outside
// years 1-9999 is written as the UTC instant.
std::string local_datetime_text(Instant at, const TimeZone& zone);

} // namespace crm
