// Field values as the web form shows and reads them: dates and times in the
// device's time zone (see util/local_time.hpp for the forms), everything
// else as field_values.hpp has it. Values are kept exactly as before (Date
// "YYYY-MM-DD", DateTime "YYYY-MM-DDTHH:MM:SSZ" in UTC); the CLI and import
// keep using the ISO entry points in field_values.hpp.
#pragma once

#include "model/field_values.hpp"
#include "sla/time_zone.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace crm {

// Like parse_field_text(), but Date and DateTime fields read local forms
// ("2 Dec 09:00", "tomorrow 9:00"). A refusal names what was typed:
// "\"31 Nov 09:00\" is not a date and time: use a form like 2026-12-02 09:00,
// 2 Dec 09:00 or tomorrow 9:00" (text that is not UTF-8 or holds control
// characters gets "the text is not valid UTF-8 (...)" / "the text contains the
// control character ..." as other fields do). Empty text clears the field.
Result<nlohmann::json> parse_field_text_local(const FieldDef& field, const std::string& text,
                                              const std::string& currency, const TimeZone& zone,
                                              Instant now);

// The text an editor starts from: DateTime "2026-12-02 09:00" local, Date
// "2026-12-02", others as field_value_to_text(). parse_field_text_local()
// reads it back unchanged, whatever `now` is.
std::string field_value_to_local_text(const FieldDef& field, const nlohmann::json& value,
                                      const TimeZone& zone);

// For lists and panels: DateTime "Tue 1 Dec, 16:00", Date "Tue 1 Dec" (the
// year added outside now's local year); others as format_field_value().
std::string format_field_value_local(const FieldDef& field, const nlohmann::json& value,
                                     const TimeZone& zone, Instant now);

} // namespace crm
