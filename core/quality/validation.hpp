// Validation rules and normalisation of values a person is adding now: the
// field's own rules (pattern, range, length) and the record type's rules
// across fields (JsonLogic). The engine runs them on create, edit, stage
// moves and import; values already kept are never re-checked, so a workspace
// always opens (docs/data.md, "Validation and normalisation").
#pragma once

#include "model/record.hpp"
#include "model/schema.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace crm {

// Patterns longer than this are refused: std::regex backtracks, and a long
// pattern is the usual way to make it take forever.
inline constexpr std::size_t kMaxPatternLength = 200;
// Values longer than this are not run through a pattern (libstdc++'s regex
// recurses once per character); the pattern fails for them instead.
inline constexpr std::size_t kMaxPatternInput = 1000;

// Compiles a pattern (ECMAScript syntax, the whole value must match), or says
// what is wrong with it: "is not a valid regular expression (unmatched ( or ))".
Result<std::shared_ptr<const CompiledPattern>> compile_pattern(const std::string& pattern);

// The normal form of a value that already has its field's type (see
// normalize_field_value()): emails lower case, phones in E.164 of `country`,
// domains canonical, single-line text with its spaces collapsed. Fails with
// the message a person sees next to the field.
Result<nlohmann::json> normalize_new_value(const FieldDef& field, const nlohmann::json& value,
                                           const std::string& country);

// What the field's rules say of a set value: nothing when they hold, the
// admin's message when they wrote one, otherwise "expected at most 20, got 25".
std::optional<std::string> field_rule_problem(const FieldDef& field, const nlohmann::json& value);

// The fields a record rule concerns: its `fields`, or the type's fields it reads.
std::vector<std::string> rule_fields(const RecordTypeDef& type, const RecordRule& rule);

// A record rule that does not hold: the field to show it by and its message.
struct RuleFailure {
    std::string field;
    std::string message;
};

// The type's rules that fail for a record whose fields (after the change)
// give `data` (logic_data()). `touched`: the fields the change sets; a rule
// is checked only when it concerns one of them, so a record that already
// broke a rule can still be edited elsewhere. nullptr checks every rule (a
// new record).
std::vector<RuleFailure> record_rule_failures(const RecordTypeDef& type, const nlohmann::json& data,
                                              const std::set<std::string>* touched, Instant now);

} // namespace crm
