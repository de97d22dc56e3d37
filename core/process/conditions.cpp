#include "process/conditions.hpp"

#include "logic/jsonlogic.hpp"
#include "model/field_values.hpp"
#include "process/flow_json.hpp"

#include <algorithm>

namespace crm {

using nlohmann::json;

namespace {

std::string join_words(const std::vector<std::string>& items) {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) text += i + 1 == items.size() ? " and " : ", ";
        text += items[i];
    }
    return text;
}

void put_field(json& data, const FieldDef& field, const json& value) {
    if (field.type == FieldType::Money && value.is_object()) {
        data[field.id] = value.value("amount", json(nullptr));
        data[field.id + "_currency"] = value.value("currency", json(nullptr));
    } else {
        data[field.id] = value;
    }
}

} // namespace

bool is_system_variable(const std::string& name) {
    static const char* kNames[] = {"id", "type", "owner", "created_at", "updated_at", "flows"};
    for (const char* known : kNames)
        if (name == known || name.rfind(std::string(known) + ".", 0) == 0) return true;
    return false;
}

json logic_data(const Record& record, const RecordTypeDef& type, const json& fields) {
    json data = json::object();
    for (const auto& field : type.fields) {
        const auto given = fields.find(field.id);
        if (given != fields.end()) {
            put_field(data, field, *given);
            continue;
        }
        put_field(data, field, record.value(field.id));
    }
    data["id"] = record.id;
    data["type"] = record.type;
    data["owner"] = record.owner.empty() ? json(nullptr) : json(record.owner);
    data["created_at"] = format_instant(record.created_at);
    data["updated_at"] = format_instant(record.updated_at);
    json flows = json::object();
    for (const auto& [flow_id, state] : record.flows) {
        json item = {{"stage", state.stage},
                     {"status", state.status},
                     {"started_at", format_instant(state.started_at)},
                     {"entered_at", format_instant(state.entered_at)}};
        item["outcome"] = state.outcome.empty() ? json(nullptr) : json(state.outcome);
        flows[flow_id] = item;
    }
    data["flows"] = flows;
    return data;
}

json logic_data(const Record& record, const RecordTypeDef& type) {
    return logic_data(record, type, json::object());
}

std::optional<std::vector<const FieldDef*>> fields_read(const RecordTypeDef& type,
                                                        std::initializer_list<const json*> rules) {
    std::vector<const FieldDef*> fields;
    for (const json* rule : rules) {
        const auto names = logic::all_variables(*rule);
        if (!names) return std::nullopt;
        for (const auto& name : *names) {
            const std::string top = name.substr(0, name.find('.'));
            if (top.empty() || is_system_variable(top)) return std::nullopt; // rare
            const FieldDef* field = type.field(top);
            const std::string suffix = "_currency";
            if (!field && top.size() > suffix.size() &&
                top.compare(top.size() - suffix.size(), suffix.size(), suffix) == 0)
                field = type.field(top.substr(0, top.size() - suffix.size()));
            if (field && std::find(fields.begin(), fields.end(), field) == fields.end())
                fields.push_back(field);
        }
    }
    return fields;
}

json logic_data_of(const Record& record, const std::vector<const FieldDef*>& fields) {
    json data = json::object();
    for (const FieldDef* field : fields)
        put_field(data, *field, record.value(field->id));
    return data;
}

std::string describe_condition(const RecordTypeDef& type, const json& rule) {
    return logic::describe(rule, [&type](const std::string& name) {
        if (const FieldDef* field = type.field(name)) return field->label;
        return name;
    });
}

GateCheck check_gate(const Gate& gate, const RecordTypeDef& type, const json& data, Instant now) {
    GateCheck check;
    for (const auto& field_id : gate.required) {
        const auto it = data.find(field_id);
        if (it == data.end() || is_unset(*it)) check.missing.push_back(field_id);
    }
    if (gate.entry.is_null()) return check;
    const logic::Context context{now};
    const bool is_and = gate.entry.is_object() && gate.entry.size() == 1 &&
                        gate.entry.contains("and") && gate.entry["and"].is_array();
    std::vector<json> parts;
    if (is_and)
        for (const auto& part : gate.entry["and"])
            parts.push_back(part);
    else
        parts.push_back(gate.entry);
    for (const auto& part : parts) {
        auto result = logic::evaluate(part, data, context);
        if (!result || !logic::truthy(*result))
            check.failing.push_back(describe_condition(type, part));
    }
    return check;
}

std::string describe_gate_check(const GateCheck& check, const RecordTypeDef& type) {
    std::vector<std::string> labels;
    for (const auto& id : check.missing) {
        const FieldDef* field = type.field(id);
        labels.push_back(field ? field->label : id);
    }
    std::string text;
    if (!labels.empty()) text = "missing " + join_words(labels);
    if (!check.failing.empty()) {
        if (!text.empty()) text += "; ";
        text += "not met: " + join_words(check.failing);
    }
    return text;
}

} // namespace crm
