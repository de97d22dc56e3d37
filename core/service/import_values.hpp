// Reading spreadsheet cells as people type them: dates in several forms,
// amounts with currency symbols and thousands separators. What a value must
// be once read is field_values.hpp's business; this only gets it there.
#pragma once

#include "sla/time_zone.hpp"
#include "util/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace crm {

// How a numeric date like 03/04/25 is read.
enum class DateOrder { Unknown, DayFirst, MonthFirst, YearFirst };

// "DD-MM-YY" -> DayFirst, "MM/DD/YYYY" -> MonthFirst, "YYYY-MM-DD" ->
// YearFirst; nothing for text that is not such a form.
std::optional<DateOrder> date_order_from_format(std::string_view format);
// "DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD": for messages.
std::string date_order_name(DateOrder order);

// What one numeric date says about its column's order: DayFirst when its
// first part cannot be a month (25/03/2025), MonthFirst when its second
// cannot (03/25/2025), Unknown when both fit (03/04/2025). Nothing for text
// that is not a numeric day-and-month date (ISO dates, "3 Apr 2025").
std::optional<DateOrder> date_order_evidence(std::string_view text);

// A date from "2025-04-03", "3 Apr 2025", "April 3, 2025", "03-Apr-25",
// "03/04/2025", "3.4.25", "2025-04-03 00:00:00" (a spreadsheet's midnight).
// Numeric day-and-month forms are read in `order`; with Unknown, only when
// they cannot be read two ways. Two-digit years: 00-69 are 2000-2069,
// 70-99 are 1970-1999.
std::optional<CivilDate> read_date_text(std::string_view text, DateOrder order);

// A date and time: ISO 8601 with a zone ("2025-04-03T14:30:00Z",
// "+02:00"), or any form read_date_text() reads followed by a time of day
// ("14:30", "2:30 PM", "14:30:05"), taken as local time in `zone`. A date
// alone is midnight in `zone`.
std::optional<Instant> read_datetime_text(std::string_view text, DateOrder order,
                                          const TimeZone& zone);

// "12,000.50" -> "12000.50", "12.000,50" -> "12000.50", "1'200" -> "1200",
// "(300)" -> "-300", "-1 200,5" -> "-1200.5": the number in plain digits,
// or nothing when the separators do not make a number. One comma or dot
// followed by exactly three digits is a thousands separator for a comma
// ("1,234") and a decimal point for a dot ("1.234").
std::optional<std::string> plain_number_text(std::string_view text);

// An amount as written in a cell: "$12,000", "12.000,50 €", "EUR 1,200",
// "1200 usd". The currency is a code ("" when the cell names none).
struct WrittenAmount {
    std::string number; // plain_number_text()'s form
    std::string currency;
};
std::optional<WrittenAmount> read_amount_text(std::string_view text);

} // namespace crm
