#include "process/validate.hpp"

#include "logic/jsonlogic.hpp"
#include "process/conditions.hpp"

#include <algorithm>
#include <set>

namespace crm {

using nlohmann::json;

namespace {

struct Where {
    std::string text; // "sales_pipeline › meeting_scheduled"
    Where operator/(const std::string& part) const { return {text + " › " + part}; }
};

class Validator {
  public:
    Validator(const Schema& schema, std::vector<std::string>& problems,
              std::set<std::string> flow_ids)
        : m_schema(schema), m_problems(problems), m_flow_ids(std::move(flow_ids)) {}

    void flow(const Flow& flow);
    void condition(const Where& where, const json& rule, const RecordTypeDef& type);

  private:
    void problem(const Where& where, const std::string& what) {
        m_problems.push_back(where.text + ": " + what);
    }
    void gate(const Where& where, const Gate& gate, const RecordTypeDef& type);
    void comparisons(const Where& where, const json& rule, const RecordTypeDef& type);
    void compare(const Where& where, const json& a, const json& b, const RecordTypeDef& type);
    void reachability(const Where& where, const Flow& flow);

    const Schema& m_schema;
    std::vector<std::string>& m_problems;
    std::set<std::string> m_flow_ids;
};

bool is_comparison(const std::string& op) {
    static const std::set<std::string> kOps = {"==", "===", "!=", "!==", "<", "<=", ">", ">="};
    return kOps.count(op) > 0;
}

const FieldDef* var_field(const json& value, const RecordTypeDef& type) {
    if (!value.is_object() || value.size() != 1 || !value.contains("var")) return nullptr;
    json name = value["var"];
    if (name.is_array() && !name.empty()) name = name[0];
    if (!name.is_string()) return nullptr;
    return type.field(name.get<std::string>());
}

bool is_literal(const json& value) {
    return !value.is_object() && !value.is_array();
}

std::string kind_of(const FieldDef& field) {
    switch (field.type) {
    case FieldType::Number:
    case FieldType::Money:
        return "a number";
    case FieldType::Date:
        return "a date";
    case FieldType::DateTime:
        return "a date and time";
    case FieldType::Bool:
        return "yes or no";
    case FieldType::MultiPicklist:
        return "a list of choices";
    default:
        return "text";
    }
}

// Why `literal` cannot sensibly be compared with `field`, or "" when it can.
std::string mismatch(const FieldDef& field, const json& literal) {
    if (literal.is_null()) return "";
    const std::string shown = literal.dump();
    switch (field.type) {
    case FieldType::Number:
    case FieldType::Money:
        if (!literal.is_number())
            return "compares " + field.label + " (a number) with " + shown + " (not a number)";
        return "";
    case FieldType::Date:
    case FieldType::DateTime:
        if (!literal.is_string() ||
            (!parse_date(literal.get<std::string>()) && !parse_instant(literal.get<std::string>())))
            return "compares " + field.label + " (" + kind_of(field) + ") with " + shown +
                   " (not a date)";
        return "";
    case FieldType::Bool:
        if (!literal.is_boolean())
            return "compares " + field.label + " (yes or no) with " + shown +
                   " (not true or false)";
        return "";
    case FieldType::Picklist:
        if (!literal.is_string())
            return "compares " + field.label + " (a choice) with " + shown + " (not text)";
        if (std::find(field.options.begin(), field.options.end(), literal.get<std::string>()) ==
            field.options.end())
            return shown + " is not one of " + field.label + "'s choices";
        return "";
    case FieldType::MultiPicklist:
        return "";
    default:
        if (!literal.is_string())
            return "compares " + field.label + " (text) with " + shown + " (not text)";
        return "";
    }
}

} // namespace

bool is_valid_duration(const std::string& text) {
    // "<digits> [business ]<unit>", unit one of minute(s), hour(s), day(s)
    std::size_t pos = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        ++pos;
    if (pos == 0 || pos >= text.size() || text[pos] != ' ') return false;
    std::string unit = text.substr(pos + 1);
    if (unit.rfind("business ", 0) == 0) unit = unit.substr(9);
    for (const char* known : {"minute", "minutes", "hour", "hours", "day", "days"})
        if (unit == known) return true;
    return false;
}

void Validator::compare(const Where& where, const json& a, const json& b,
                        const RecordTypeDef& type) {
    const FieldDef* field = var_field(a, type);
    if (field && is_literal(b)) {
        if (const auto why = mismatch(*field, b); !why.empty()) problem(where, why);
    }
}

void Validator::comparisons(const Where& where, const json& rule, const RecordTypeDef& type) {
    if (rule.is_array()) {
        for (const auto& item : rule)
            comparisons(where, item, type);
        return;
    }
    if (!rule.is_object() || rule.size() != 1) return;
    const auto only = rule.begin();
    const std::string& op = only.key();
    const json& args = only.value();
    if (is_comparison(op) && args.is_array() && args.size() >= 2) {
        for (std::size_t i = 0; i + 1 < args.size(); ++i) {
            compare(where, args[i], args[i + 1], type);
            compare(where, args[i + 1], args[i], type);
        }
    } else if (op == "in" && args.is_array() && args.size() == 2 && args[1].is_array()) {
        if (const FieldDef* field = var_field(args[0], type);
            field && field->type == FieldType::Picklist)
            for (const auto& option : args[1])
                if (const auto why = mismatch(*field, option); !why.empty()) problem(where, why);
    }
    comparisons(where, args, type);
}

void Validator::condition(const Where& where, const json& rule, const RecordTypeDef& type) {
    if (rule.is_null()) return;
    for (const auto& issue : logic::check(rule))
        problem(where, "the condition is not valid JsonLogic: " + issue);
    for (const auto& name : logic::variables(rule)) {
        const std::string base = name.substr(0, name.find('.'));
        if (name.rfind("flows.", 0) == 0) {
            const auto dot = name.find('.', 6);
            const std::string flow_id =
                name.substr(6, dot == std::string::npos ? std::string::npos : dot - 6);
            const std::string key = dot == std::string::npos ? "" : name.substr(dot + 1);
            static const std::set<std::string> kKeys = {"",        "stage",      "status",
                                                        "outcome", "entered_at", "started_at"};
            if (!m_flow_ids.count(flow_id))
                problem(where, "the condition reads \"" + name + "\", but there is no flow \"" +
                                   flow_id + "\"");
            else if (!kKeys.count(key))
                problem(where,
                        "the condition reads \"" + name +
                            "\"; a flow offers stage, status, outcome, entered_at and started_at");
            continue;
        }
        if (type.field(name) || is_system_variable(name)) continue;
        if (name.size() > 9 && name.compare(name.size() - 9, 9, "_currency") == 0) {
            const FieldDef* money = type.field(name.substr(0, name.size() - 9));
            if (money && money->type == FieldType::Money) continue;
        }
        problem(where,
                "the condition reads \"" + name + "\", which is not a field of " + type.label);
        (void)base;
    }
    comparisons(where, rule, type);
}

void Validator::gate(const Where& where, const Gate& gate, const RecordTypeDef& type) {
    for (const auto& field : gate.required)
        if (!type.field(field))
            problem(where / "required", "\"" + field + "\" is not a field of " + type.label);
    condition(where / "entry", gate.entry, type);
}

void Validator::reachability(const Where& where, const Flow& flow) {
    if (flow.stages.empty()) return;
    std::set<std::string> seen;
    std::vector<std::string> todo = {flow.stages.front().id};
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        if (!seen.insert(id).second) continue;
        const int index = flow.stage_index(id);
        if (index < 0) continue; // an outcome: the flow ends there
        const Stage& stage = flow.stages[static_cast<std::size_t>(index)];
        if (!stage.next.empty()) {
            todo.insert(todo.end(), stage.next.begin(), stage.next.end());
            continue;
        }
        for (std::size_t j = 0; j < flow.stages.size(); ++j) {
            const int step = static_cast<int>(j) - index;
            if (step == 1 || (step > 1 && flow.allow_skip) || (step < 0 && flow.allow_backward))
                todo.push_back(flow.stages[j].id);
        }
        for (const auto& outcome : flow.outcomes)
            if (outcome.from.empty() ||
                std::find(outcome.from.begin(), outcome.from.end(), id) != outcome.from.end())
                todo.push_back(outcome.id);
    }
    for (const auto& stage : flow.stages)
        if (!seen.count(stage.id))
            problem(where / stage.id,
                    "unreachable: no move from \"" + flow.stages.front().name + "\" leads here");
    const bool ends = std::any_of(flow.outcomes.begin(), flow.outcomes.end(),
                                  [&](const FlowOutcome& o) { return seen.count(o.id) > 0; });
    if (!flow.outcomes.empty() && !ends)
        problem(where, "no outcome can be reached, so the flow never ends");
}

void Validator::flow(const Flow& flow) {
    const Where where{flow.id};
    const std::size_t problems_before = m_problems.size();
    const RecordTypeDef* type = m_schema.type(flow.record_type);
    if (!type) {
        problem(where / "record_type", "there is no record type \"" + flow.record_type + "\"");
        return;
    }
    if (flow.stages.empty()) problem(where, "has no stages");
    if (flow.outcomes.empty())
        problem(where, "has no end: add at least one outcome (e.g. won and lost)");

    std::set<std::string> ids;
    auto unique = [&](const std::string& id) {
        if (!ids.insert(id).second)
            problem(where / id,
                    "duplicate id \"" + id + "\" (stage, outcome and exit ids must differ)");
    };
    for (const auto& stage : flow.stages)
        unique(stage.id);
    for (const auto& outcome : flow.outcomes)
        unique(outcome.id);
    for (const auto& exit : flow.exits)
        unique(exit.id);

    for (const auto& stage : flow.stages) {
        const Where at = where / stage.id;
        gate(at, stage.gate, *type);
        if (stage.next_action.text.empty())
            problem(at / "next_action", "says nothing: every stage needs a next action");
        if (stage.next_action.task && !stage.next_action.task->due_in.empty() &&
            !is_valid_duration(stage.next_action.task->due_in))
            problem(at / "next_action" / "task",
                    "due_in \"" + stage.next_action.task->due_in +
                        "\" is not a duration like \"2 days\" or \"4 business hours\"");
        for (const auto& target : stage.next)
            if (!flow.stage(target) && !flow.outcome(target))
                problem(at / "next", "\"" + target + "\" is not a stage or outcome of this flow");
    }
    for (const auto& outcome : flow.outcomes) {
        gate(where / outcome.id, outcome.gate, *type);
        for (const auto& stage : outcome.from)
            if (!flow.stage(stage))
                problem(where / outcome.id / "from",
                        "\"" + stage + "\" is not a stage of this flow");
    }
    // Names are what people (and the stage field) move by: they must differ.
    std::set<std::string> names;
    auto unique_name = [&](const std::string& id, const std::string& name) {
        std::string folded = name;
        std::transform(folded.begin(), folded.end(), folded.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!names.insert(folded).second)
            problem(where / id, "the name \"" + name + "\" is used twice in this flow");
    };
    for (const auto& stage : flow.stages)
        unique_name(stage.id, stage.name);
    for (const auto& outcome : flow.outcomes)
        unique_name(outcome.id, outcome.name);
    for (const auto& exit : flow.exits)
        unique_name(exit.id, exit.name);
    for (const auto& exit : flow.exits) {
        condition(where / exit.id / "suggest_when", exit.suggest_when, *type);
        // Only converting a lead takes a "converted" exit.
        if (!exit.taken_by_move() && flow.record_type != "lead")
            problem(where / exit.id,
                    "a \"converted\" exit belongs on a flow of leads, not of " + type->plural);
    }
    // Unreachable stages follow from a duplicate id or a broken move; say only those.
    if (m_problems.size() == problems_before) reachability(where, flow);

    if (!flow.stage_field.empty()) {
        const FieldDef* field = type->field(flow.stage_field);
        if (!field || field->type != FieldType::Picklist) {
            problem(where / "stage_field",
                    "\"" + flow.stage_field + "\" is not a picklist field of " + type->label);
        } else {
            auto named = [&](const std::string& name) {
                if (std::find(field->options.begin(), field->options.end(), name) ==
                    field->options.end())
                    problem(where / "stage_field",
                            "\"" + name + "\" is not one of " + field->label + "'s choices");
            };
            for (const auto& stage : flow.stages)
                named(stage.name);
            for (const auto& outcome : flow.outcomes)
                named(outcome.name);
        }
    }

    const Where start = where / "start";
    const RecordTypeDef* trigger = flow.start.on.empty() ? type : m_schema.type(flow.start.on);
    if (!trigger) {
        problem(start / "on", "there is no record type \"" + flow.start.on + "\"");
        return;
    }
    condition(start / "when", flow.start.when, *trigger);
    if (trigger == type && (!flow.start.link_field.empty() || !flow.start.copy.empty()))
        problem(
            start,
            "link_field and copy apply only when the flow starts on another record type (\"on\")");
    if (trigger != type) {
        const FieldDef* link = type->field(flow.start.link_field);
        if (flow.start.link_field.empty())
            problem(start / "link_field", "a flow started by a " + trigger->label +
                                              " needs a field of " + type->label +
                                              " that links back to it");
        else if (!link || link->type != FieldType::RecordRef ||
                 (!link->target_type.empty() && link->target_type != trigger->id))
            problem(start / "link_field", "\"" + flow.start.link_field + "\" is not a field of " +
                                              type->label + " that refers to a " + trigger->label);
    }
    for (const auto& [target, source] : flow.start.copy) {
        const FieldDef* to = type->field(target);
        const FieldDef* from = trigger->field(source);
        if (!to) problem(start / "copy", "\"" + target + "\" is not a field of " + type->label);
        if (!from)
            problem(start / "copy", "\"" + source + "\" is not a field of " + trigger->label);
        if (to && from && to->type == from->type &&
            (to->type == FieldType::Picklist || to->type == FieldType::MultiPicklist))
            for (const auto& option : from->options)
                if (std::find(to->options.begin(), to->options.end(), option) == to->options.end())
                    problem(start / "copy", "copies " + from->label + " into " + to->label +
                                                ", which has no choice \"" + option + "\"");
        if (to && from && to->type != from->type)
            problem(start / "copy", "copies " + from->label + " (" +
                                        std::string(field_type_name(from->type)) + ") into " +
                                        to->label + " (" + std::string(field_type_name(to->type)) +
                                        ")");
    }
}

std::vector<std::string> validate_flows(const Schema& schema, const std::vector<Flow>& flows) {
    std::vector<std::string> problems;
    std::set<std::string> ids;
    for (const auto& flow : flows)
        if (!ids.insert(flow.id).second) problems.push_back(flow.id + ": duplicate flow id");
    Validator validator(schema, problems, ids);
    for (const auto& flow : flows)
        validator.flow(flow);
    return problems;
}

std::vector<std::string> validate_condition(const Schema& schema, const std::vector<Flow>& flows,
                                            const RecordTypeDef& type, const nlohmann::json& rule,
                                            const std::string& where) {
    std::vector<std::string> problems;
    std::set<std::string> ids;
    for (const auto& flow : flows)
        ids.insert(flow.id);
    Validator(schema, problems, ids).condition(Where{where}, rule, type);
    return problems;
}

} // namespace crm
