#include "io/schema_json.hpp"

#include "util/utf8.hpp"

#include <algorithm>

namespace crm {

using nlohmann::json;

std::string json_type_name(const json& value) {
    switch (value.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::boolean:
        return "a boolean";
    case json::value_t::string:
        return "a string";
    case json::value_t::array:
        return "an array";
    case json::value_t::object:
        return "an object";
    case json::value_t::discarded:
        return "nothing";
    default:
        return "a number";
    }
}

std::string got(const json& value) {
    if (value.is_object() || value.is_array()) return json_type_name(value);
    return shortened_utf8(value.dump(-1, ' ', false, json::error_handler_t::replace), 60);
}

Status check_known_keys(const json& object, const std::string& path,
                        std::initializer_list<const char*> allowed) {
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (const char* name : allowed)
            known = known || key == name;
        if (known) continue;
        std::string list;
        for (const char* name : allowed)
            list += std::string(list.empty() ? "" : ", ") + name;
        return Error{path + "." + key + ": unknown field (expected one of: " + list + ")"};
    }
    return Status::success();
}

Result<std::string> require_string(const json& object, const std::string& path, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return Error{path + ": missing required field \"" + key + "\""};
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
        return Error{path + "." + key + ": expected a non-empty string, got " +
                     (it->is_string() ? std::string("an empty one") : json_type_name(*it))};
    return it->get<std::string>();
}

Result<std::string> require_identifier(const json& object, const std::string& path,
                                       const char* key) {
    auto id = require_string(object, path, key);
    if (!id) return id;
    if (!is_valid_identifier(*id))
        return Error{
            path + "." + key + ": \"" + *id +
            "\" is not a valid id (lower-case letters, digits and _, starting with a letter)"};
    return id;
}

json field_def_to_json(const FieldDef& field) {
    json out = {{"id", field.id}, {"label", field.label}, {"type", field_type_name(field.type)}};
    if (field.required) out["required"] = true;
    if (!field.options.empty()) out["options"] = field.options;
    if (field.type == FieldType::RecordRef && !field.target_type.empty())
        out["target_type"] = field.target_type;
    return out;
}

json record_type_to_json(const RecordTypeDef& type) {
    json fields = json::array();
    for (const auto& field : type.fields)
        if (field.custom || type.custom) fields.push_back(field_def_to_json(field));
    return {{"id", type.id},
            {"label", type.label},
            {"plural", type.plural},
            {"title_fields", type.title_fields},
            {"fields", std::move(fields)}};
}

Result<FieldDef> field_def_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto status = check_known_keys(
            value, path, {"id", "label", "type", "required", "options", "target_type"});
        !status)
        return Error{status.error()};
    FieldDef field;
    field.custom = true;
    auto id = require_identifier(value, path, "id");
    if (!id) return Error{id.error()};
    field.id = *id;
    auto label = require_string(value, path, "label");
    if (!label) return Error{label.error()};
    field.label = *label;
    auto type_name = require_string(value, path, "type");
    if (!type_name) return Error{type_name.error()};
    const auto type = field_type_from_name(*type_name);
    if (!type)
        return Error{path + ".type: unknown field type \"" + *type_name +
                     "\" (expected one of: " + field_type_names() + ")"};
    field.type = *type;
    if (value.contains("required")) {
        if (!value["required"].is_boolean())
            return Error{path + ".required: expected true or false, got " +
                         json_type_name(value["required"])};
        field.required = value["required"].get<bool>();
    }
    const bool has_options =
        field.type == FieldType::Picklist || field.type == FieldType::MultiPicklist;
    if (value.contains("options")) {
        if (!has_options) return Error{path + ".options: only picklist fields have options"};
        const auto& options = value["options"];
        if (!options.is_array() || options.empty())
            return Error{path + ".options: expected a non-empty array of strings"};
        for (std::size_t i = 0; i < options.size(); ++i) {
            if (!options[i].is_string() || options[i].get_ref<const std::string&>().empty())
                return Error{path + ".options[" + std::to_string(i) +
                             "]: expected a non-empty string"};
            const auto& option = options[i].get_ref<const std::string&>();
            if (option.find_first_of(",;") != std::string::npos)
                return Error{path + ".options[" + std::to_string(i) +
                             "]: an option cannot contain ',' or ';' (they separate choices)"};
            if (std::find(field.options.begin(), field.options.end(), option) !=
                field.options.end())
                return Error{path + ".options[" + std::to_string(i) + "]: duplicate option \"" +
                             option + "\""};
            field.options.push_back(option);
        }
    } else if (has_options) {
        return Error{path + ": a " + std::string(field_type_name(field.type)) +
                     " field needs \"options\""};
    }
    if (value.contains("target_type")) {
        if (field.type != FieldType::RecordRef)
            return Error{path + ".target_type: only record_ref fields have a target type"};
        if (!value["target_type"].is_string())
            return Error{path + ".target_type: expected a string, got " +
                         json_type_name(value["target_type"])};
        field.target_type = value["target_type"].get<std::string>();
    }
    return field;
}

Result<RecordTypeDef> record_type_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto status =
            check_known_keys(value, path, {"id", "label", "plural", "title_fields", "fields"});
        !status)
        return Error{status.error()};
    RecordTypeDef type;
    type.custom = true;
    auto id = require_identifier(value, path, "id");
    if (!id) return Error{id.error()};
    type.id = *id;
    auto label = require_string(value, path, "label");
    if (!label) return Error{label.error()};
    type.label = *label;
    type.plural = type.label + "s";
    if (value.contains("plural")) {
        if (!value["plural"].is_string() || value["plural"].get_ref<const std::string&>().empty())
            return Error{path + ".plural: expected a non-empty string, got " +
                         json_type_name(value["plural"])};
        type.plural = value["plural"].get<std::string>();
    }
    const auto fields = value.find("fields");
    if (fields == value.end() || !fields->is_array() || fields->empty())
        return Error{path + ".fields: expected a non-empty array of field definitions"};
    for (std::size_t i = 0; i < fields->size(); ++i) {
        auto field = field_def_from_json((*fields)[i], path + ".fields[" + std::to_string(i) + "]");
        if (!field) return Error{field.error()};
        if (type.field(field->id))
            return Error{path + ".fields[" + std::to_string(i) + "].id: duplicate field id \"" +
                         field->id + "\""};
        type.fields.push_back(*field);
    }
    if (value.contains("title_fields")) {
        const auto& title = value["title_fields"];
        if (!title.is_array()) return Error{path + ".title_fields: expected an array of field ids"};
        for (std::size_t i = 0; i < title.size(); ++i) {
            if (!title[i].is_string() || !type.field(title[i].get<std::string>()))
                return Error{path + ".title_fields[" + std::to_string(i) +
                             "]: expected the id of one of this type's fields"};
            type.title_fields.push_back(title[i].get<std::string>());
        }
    }
    if (type.title_fields.empty()) type.title_fields.push_back(type.fields.front().id);
    return type;
}

} // namespace crm
