// JSON form of field and record type definitions (see docs/workspace-format.md).
#pragma once

#include "model/schema.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace crm {

nlohmann::json field_def_to_json(const FieldDef& field);
nlohmann::json record_type_to_json(const RecordTypeDef& type);

// `path` names where the definition sits in the document, for messages
// such as "$.custom_types[0].fields[2].type: expected one of: text, ...".
Result<FieldDef> field_def_from_json(const nlohmann::json& json, const std::string& path);
Result<RecordTypeDef> record_type_from_json(const nlohmann::json& json, const std::string& path);

// Validation rules (docs/workspace-format.md, "Validation rules"). A field's
// rules are keys of its definition: pattern, min, max, min_length,
// max_length, message. A record type's rules are an array of {"rule",
// "message", "fields"}. Bad definitions are refused with their place:
// "$.custom_fields.deal[0].pattern: \"(\" is not a valid regular expression (...)".
nlohmann::json field_rules_to_json(const FieldRules& rules);
nlohmann::json record_rules_to_json(const std::vector<RecordRule>& rules);
// Reads the rule keys of `json` (a field definition, or the rules alone) into `field`.
Status field_rules_from_json(const nlohmann::json& json, const std::string& path, FieldDef& field);
Result<std::vector<RecordRule>> record_rules_from_json(const nlohmann::json& json,
                                                       const std::string& path,
                                                       const RecordTypeDef& type);
// The workspace's "validation" section: rules on built-in types and fields,
// {type id: {"fields": {field id: {rules}}, "rules": [...]}} (custom types and
// fields carry theirs in their definitions). Empty when there are none.
nlohmann::json validation_to_json(const Schema& schema);
Status validation_from_json(const nlohmann::json& json, Schema& schema);

// Rejects keys outside `allowed`: "$.users[2].nmae: unknown field (expected one of: ...)".
Status check_known_keys(const nlohmann::json& object, const std::string& path,
                        std::initializer_list<std::string_view> allowed);
// Reads a required string member, or says what is wrong at `path`.
Result<std::string> require_string(const nlohmann::json& object, const std::string& path,
                                   const char* key);
// Like require_string, for ids: lower-case letters, digits and '_'.
Result<std::string> require_identifier(const nlohmann::json& object, const std::string& path,
                                       const char* key);
std::string json_type_name(const nlohmann::json& value);
// What a value was, for messages: "\"soon\"", "5", "an object".
std::string got(const nlohmann::json& value);

} // namespace crm
