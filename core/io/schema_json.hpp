// JSON form of field and record type definitions (see docs/workspace-format.md).
#pragma once

#include "model/schema.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace crm {

nlohmann::json field_def_to_json(const FieldDef& field);
nlohmann::json record_type_to_json(const RecordTypeDef& type);

// `path` names where the definition sits in the document, for messages
// such as "$.custom_types[0].fields[2].type: expected one of: text, ...".
Result<FieldDef> field_def_from_json(const nlohmann::json& json, const std::string& path);
Result<RecordTypeDef> record_type_from_json(const nlohmann::json& json, const std::string& path);

// Rejects keys outside `allowed`: "$.users[2].nmae: unknown field (expected one of: ...)".
Status check_known_keys(const nlohmann::json& object, const std::string& path,
                        std::initializer_list<const char*> allowed);
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
