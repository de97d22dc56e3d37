#include "io/schema_json.hpp"

#include "logic/jsonlogic.hpp"
#include "model/field_values.hpp"
#include "process/conditions.hpp"
#include "quality/validation.hpp"
#include "util/time.hpp"
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
                        std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (const std::string_view name : allowed)
            known = known || key == name;
        if (known) continue;
        std::string list;
        for (const std::string_view name : allowed) {
            if (!list.empty()) list += ", ";
            list += name;
        }
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
    out.update(field_rules_to_json(field.rules));
    return out;
}

json field_rules_to_json(const FieldRules& rules) {
    json out = json::object();
    if (!rules.pattern.empty()) out["pattern"] = rules.pattern;
    if (!rules.min.is_null()) out["min"] = rules.min;
    if (!rules.max.is_null()) out["max"] = rules.max;
    if (rules.min_length) out["min_length"] = *rules.min_length;
    if (rules.max_length) out["max_length"] = *rules.max_length;
    if (!rules.message.empty()) out["message"] = rules.message;
    return out;
}

json record_rules_to_json(const std::vector<RecordRule>& rules) {
    json out = json::array();
    for (const auto& rule : rules) {
        json item = {{"rule", rule.rule}, {"message", rule.message}};
        if (!rule.fields.empty()) item["fields"] = rule.fields;
        out.push_back(std::move(item));
    }
    return out;
}

namespace {

bool has_text(FieldType type) {
    return type == FieldType::Text || type == FieldType::LongText || type == FieldType::Email ||
           type == FieldType::Phone || type == FieldType::Url || type == FieldType::Domain;
}

bool has_range(FieldType type) {
    return type == FieldType::Number || type == FieldType::Money || type == FieldType::Date ||
           type == FieldType::DateTime;
}

// A bound of `field`'s range in its stored form: a number, a date, an instant in UTC.
Result<json> read_bound(const FieldDef& field, const json& value, const std::string& path) {
    if (field.type == FieldType::Number || field.type == FieldType::Money) {
        if (!value.is_number()) return Error{path + ": expected a number, got " + got(value)};
        return value;
    }
    if (field.type == FieldType::Date) {
        if (!value.is_string() || !parse_date(value.get<std::string>()))
            return Error{path + ": expected a date as YYYY-MM-DD, got " + got(value)};
        return value;
    }
    const auto instant =
        value.is_string() ? parse_instant(value.get<std::string>()) : std::optional<Instant>();
    if (!instant || value.get<std::string>().size() <= 10)
        return Error{path + ": expected a date and time as YYYY-MM-DDTHH:MM:SSZ, got " +
                     got(value)};
    return json(format_instant(*instant));
}

Result<std::optional<std::size_t>> read_length(const json& value, const std::string& path) {
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() > kMaxTextBytes)
        return Error{path + ": expected a whole number of characters from 0 to " +
                     std::to_string(kMaxTextBytes) + ", got " + got(value)};
    return std::optional<std::size_t>(value.get<std::size_t>());
}

Status read_pattern(const json& value, const std::string& path, FieldDef& field) {
    if (!has_text(field.type))
        return Error{path + ": only text, email, phone, url and domain fields have a pattern"};
    if (!value.is_string() || value.get_ref<const std::string&>().empty())
        return Error{path + ": expected a regular expression as a non-empty string, got " +
                     got(value)};
    field.rules.pattern = value.get<std::string>();
    auto compiled = compile_pattern(field.rules.pattern);
    if (!compiled)
        return Error{path + ": \"" + shortened_utf8(field.rules.pattern, 60) + "\" " +
                     compiled.error()};
    field.rules.compiled = *compiled;
    return Status::success();
}

Status read_range(const json& value, const std::string& path, FieldDef& field) {
    for (const char* key : {"min", "max"}) {
        const auto it = value.find(key);
        if (it == value.end()) continue;
        if (!has_range(field.type))
            return Error{path + "." + key +
                         ": only number, money, date and datetime fields have min and max"};
        auto bound = read_bound(field, *it, path + "." + key);
        if (!bound) return Error{bound.error()};
        (std::string(key) == "min" ? field.rules.min : field.rules.max) = *bound;
    }
    const json& min = field.rules.min;
    const json& max = field.rules.max;
    if (!min.is_null() && !max.is_null() &&
        (min.is_number() ? min.get<double>() > max.get<double>() : min > max))
        return Error{path + ": min (" + got(min) + ") is greater than max (" + got(max) + ")"};
    for (const char* key : {"min_length", "max_length"}) {
        const auto it = value.find(key);
        if (it == value.end()) continue;
        if (field.type != FieldType::Text && field.type != FieldType::LongText)
            return Error{path + "." + key + ": only text and long_text fields have " + key};
        auto length = read_length(*it, path + "." + key);
        if (!length) return Error{length.error()};
        (std::string(key) == "min_length" ? field.rules.min_length : field.rules.max_length) =
            *length;
    }
    if (field.rules.min_length && field.rules.max_length &&
        *field.rules.min_length > *field.rules.max_length)
        return Error{path + ": min_length (" + std::to_string(*field.rules.min_length) +
                     ") is greater than max_length (" + std::to_string(*field.rules.max_length) +
                     ")"};
    return Status::success();
}

} // namespace

Status field_rules_from_json(const json& value, const std::string& path, FieldDef& field) {
    if (const auto it = value.find("pattern"); it != value.end())
        if (auto s = read_pattern(*it, path + ".pattern", field); !s) return s;
    if (auto s = read_range(value, path, field); !s) return s;
    if (const auto it = value.find("message"); it != value.end()) {
        if (!it->is_string() || it->get_ref<const std::string&>().empty())
            return Error{path + ".message: expected a non-empty string, got " + got(*it)};
        field.rules.message = it->get<std::string>();
        FieldRules without = field.rules;
        without.message.clear();
        if (without.empty() && !field.required)
            return Error{path +
                         ".message: a message needs a rule to go with it (required, pattern, "
                         "min, max, min_length or max_length)"};
    }
    return Status::success();
}

Result<std::vector<RecordRule>> record_rules_from_json(const json& value, const std::string& path,
                                                       const RecordTypeDef& type) {
    if (!value.is_array()) return Error{path + ": expected an array of rules, got " + got(value)};
    std::vector<RecordRule> rules;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        const json& item = value[i];
        if (!item.is_object())
            return Error{at + ": expected a rule object, got " + json_type_name(item)};
        if (auto s = check_known_keys(item, at, {"rule", "message", "fields"}); !s)
            return Error{s.error()};
        RecordRule rule;
        const auto logic = item.find("rule");
        if (logic == item.end()) return Error{at + ": missing required field \"rule\""};
        if (!logic->is_object())
            return Error{at + ".rule: expected a JsonLogic rule (an object), got " + got(*logic)};
        if (const auto problems = logic::check(*logic); !problems.empty())
            return Error{at + ".rule: " + problems.front()};
        for (const auto& name : logic::variables(*logic)) {
            const bool currency = name.size() > 9 &&
                                  name.compare(name.size() - 9, 9, "_currency") == 0 &&
                                  type.field(name.substr(0, name.size() - 9));
            if (!type.field(name) && !currency && !is_system_variable(name))
                return Error{at + ".rule: reads \"" + name + "\", which is not a field of " +
                             type.label};
        }
        rule.rule = *logic;
        auto message = require_string(item, at, "message");
        if (!message) return Error{message.error()};
        rule.message = *message;
        if (const auto fields = item.find("fields"); fields != item.end()) {
            if (!fields->is_array())
                return Error{at + ".fields: expected an array of field ids, got " + got(*fields)};
            for (std::size_t f = 0; f < fields->size(); ++f) {
                const json& id = (*fields)[f];
                if (!id.is_string() || !type.field(id.get<std::string>()))
                    return Error{at + ".fields[" + std::to_string(f) + "]: " + got(id) +
                                 " is not a field of " + type.label};
                rule.fields.push_back(id.get<std::string>());
            }
        }
        rules.push_back(std::move(rule));
    }
    return rules;
}

json validation_to_json(const Schema& schema) {
    json out = json::object();
    for (const auto& type : schema.types()) {
        if (type.custom) continue; // its definition carries its rules
        json entry = json::object();
        if (!type.rules.empty()) entry["rules"] = record_rules_to_json(type.rules);
        for (const auto& field : type.fields)
            if (!field.custom && !field.rules.empty())
                entry["fields"][field.id] = field_rules_to_json(field.rules);
        if (!entry.empty()) out[type.id] = std::move(entry);
    }
    return out;
}

Status validation_from_json(const json& value, Schema& schema) {
    const std::string path = "$.validation";
    if (!value.is_object())
        return Error{path + ": expected an object of record type -> rules, got " + got(value)};
    for (const auto& [type_id, entry] : value.items()) {
        const std::string at = path + "." + type_id;
        RecordTypeDef* type = schema.type(type_id);
        if (!type) return Error{at + ": there is no record type \"" + type_id + "\""};
        if (!entry.is_object()) return Error{at + ": expected an object, got " + got(entry)};
        if (auto s = check_known_keys(entry, at, {"fields", "rules"}); !s) return s;
        if (const auto fields = entry.find("fields"); fields != entry.end()) {
            if (!fields->is_object())
                return Error{at + ".fields: expected an object of field id -> rules, got " +
                             got(*fields)};
            for (const auto& [field_id, rules] : fields->items()) {
                const std::string field_at = at + ".fields." + field_id;
                auto* field = const_cast<FieldDef*>(type->field(field_id));
                if (!field)
                    return Error{field_at + ": " + type->label + " has no field \"" + field_id +
                                 "\""};
                if (!rules.is_object())
                    return Error{field_at + ": expected an object, got " + got(rules)};
                if (auto s = check_known_keys(
                        rules, field_at,
                        {"pattern", "min", "max", "min_length", "max_length", "message"});
                    !s)
                    return s;
                if (!field->rules.empty())
                    return Error{field_at + ": the field's definition has rules already"};
                if (auto s = field_rules_from_json(rules, field_at, *field); !s) return s;
            }
        }
        if (const auto rules = entry.find("rules"); rules != entry.end()) {
            if (!type->rules.empty())
                return Error{at + ".rules: the type's definition has rules already"};
            auto parsed = record_rules_from_json(*rules, at + ".rules", *type);
            if (!parsed) return Error{parsed.error()};
            type->rules = std::move(*parsed);
        }
    }
    return Status::success();
}

json record_type_to_json(const RecordTypeDef& type) {
    json fields = json::array();
    for (const auto& field : type.fields)
        if (field.custom || type.custom) fields.push_back(field_def_to_json(field));
    json out = {{"id", type.id},
                {"label", type.label},
                {"plural", type.plural},
                {"title_fields", type.title_fields},
                {"fields", std::move(fields)}};
    if (type.custom && !type.rules.empty()) out["rules"] = record_rules_to_json(type.rules);
    return out;
}

Result<FieldDef> field_def_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto status =
            check_known_keys(value, path,
                             {"id", "label", "type", "required", "options", "target_type",
                              "pattern", "min", "max", "min_length", "max_length", "message"});
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
    if (auto status = field_rules_from_json(value, path, field); !status)
        return Error{status.error()};
    return field;
}

Result<RecordTypeDef> record_type_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto status = check_known_keys(
            value, path, {"id", "label", "plural", "title_fields", "fields", "rules"});
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
    if (const auto rules = value.find("rules"); rules != value.end()) {
        auto parsed = record_rules_from_json(*rules, path + ".rules", type);
        if (!parsed) return Error{parsed.error()};
        type.rules = std::move(*parsed);
    }
    return type;
}

} // namespace crm
