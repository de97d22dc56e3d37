// Checking and reading field values by field type. Shared by commands, import
// and every editor, so a value means the same everywhere.
#pragma once

#include "model/schema.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace crm {

// Checks a JSON value against a field's type and returns the normalised value
// (trimmed text, lower-case email, ...). Null is "not set" and always valid.
// References are only checked for shape here; the workspace checks targets.
Result<nlohmann::json> normalize_field_value(const FieldDef& field, const nlohmann::json& value);
// The same, in place; a value already normal (what a workspace keeps) is
// checked without a copy. On an error the value is left as it was.
Status normalize_field_value_in_place(const FieldDef& field, nlohmann::json& value);

// What a value a person is adding now may not hold, beyond its type: control
// characters in text, more than 100,000 characters, money past
// kMaxMoneyAmount. Values already kept are read without these checks, so a
// workspace written by an earlier version always opens.
std::optional<std::string> new_value_problem(const FieldDef& field, const nlohmann::json& value);

// Parses what a person typed ("12000 EUR", "yes", "2026-03-01") into a value
// of the field's type. An empty string clears the field (null).
Result<nlohmann::json> parse_field_text(const FieldDef& field, const std::string& text,
                                        const std::string& default_currency);

// The text an editor starts from; parse_field_text() reads it back unchanged.
std::string field_value_to_text(const FieldDef& field, const nlohmann::json& value);

// Shows a value as text for lists and the CLI ("EUR 12,000.00", "Yes").
std::string format_field_value(const FieldDef& field, const nlohmann::json& value);

// What the type expects, for messages: "a date as YYYY-MM-DD".
std::string expected_shape(const FieldDef& field);

bool is_unset(const nlohmann::json& value);

// Money amounts stay below a thousand trillion, exact to the cent as a double.
inline constexpr double kMaxMoneyAmount = 1e15;

// The longest text a field, a reason or a note holds.
inline constexpr std::size_t kMaxTextBytes = 100000;

// What is wrong with text a person gave, if anything: "is not valid UTF-8
// (byte 4, 0xFF)", "contains the control character U+001B (character 3)",
// "is longer than 100000 characters". Tabs and line breaks are fine.
std::optional<std::string> text_problem(std::string_view text, std::size_t max_bytes);

// Three capital letters, as ISO 4217 writes them: "USD", "EUR".
bool is_currency_code(const std::string& code);

} // namespace crm
