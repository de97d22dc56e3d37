#include "automation/rule_check.hpp"

#include "automation/rule_json.hpp"
#include "model/field_values.hpp"
#include "process/conditions.hpp"
#include "process/validate.hpp"

#include <algorithm>
#include <cmath>

namespace crm {

using nlohmann::json;

namespace {

// Who a rule's "to" and "for" may name: the record's owner, the owner's
// manager, everyone of a role, or a user.
std::string person_problem(const Workspace& ws, const std::string& name) {
    if (name == "owner" || name == "owner_manager" || name == "manager") return "";
    if (name.rfind("role:", 0) == 0)
        return role_from_name(name.substr(5))
                   ? ""
                   : "there is no role \"" + name.substr(5) + "\" (rep, manager or admin)";
    return ws.directory.user(name) ? "" : "there is no user \"" + name + "\"";
}

// How a problem names its rule: by its name, which people gave it.
std::string rule_label(const AutomationRule& rule) {
    return rule.name.empty() ? "a rule without a name" : "rule \"" + rule.name + "\"";
}

bool is_date_field(const FieldDef& field) {
    return field.type == FieldType::Date || field.type == FieldType::DateTime;
}

class RuleChecker {
  public:
    RuleChecker(const Workspace& ws, const AutomationRule& rule, std::vector<std::string>& problems,
                bool saving)
        : m_ws(ws), m_rule(rule), m_problems(problems), m_saving(saving) {}

    void check() {
        head();
        m_type = m_ws.schema.type(m_rule.record_type);
        if (!m_type) {
            say("record_type", m_rule.record_type.empty()
                                   ? "choose a record type"
                                   : "there is no record type \"" + m_rule.record_type + "\"");
            return;
        }
        trigger_shape();
        trigger();
        if (!m_rule.condition.is_null())
            for (auto& problem : validate_condition(m_ws.schema, m_ws.flows, *m_type,
                                                    m_rule.condition, "condition"))
                m_problems.push_back(rule_label(m_rule) + ", " + problem); // "condition: ..."
        for (std::size_t i = 0; i < m_rule.actions.size(); ++i)
            action(i, m_rule.actions[i]);
    }

  private:
    const Workspace& m_ws;
    const AutomationRule& m_rule;
    std::vector<std::string>& m_problems;
    bool m_saving; // rules being saved: stricter than rules kept from before
    const RecordTypeDef* m_type = nullptr;

    void say(const std::string& part, const std::string& problem) {
        m_problems.push_back(rule_problem(m_rule, part, problem));
    }

    // What the rules file demands of every rule (rule_json.cpp reads it so), in
    // words: a rule built in the app must read back from the journal as saved.
    void head() {
        if (m_rule.name.empty()) say("", "give it a name");
        text("name", m_rule.name, kMaxRuleNameBytes);
        if (!is_valid_identifier(m_rule.id))
            say("", "the id \"" + m_rule.id +
                        "\" is not a valid id (lower-case letters, digits and _, starting with "
                        "a letter)");
        if (m_rule.actions.empty()) say("", "add an action: what the rule does");
        if (m_rule.actions.size() > kMaxActionsPerRule)
            say("", std::to_string(m_rule.actions.size()) + " actions; at most " +
                        std::to_string(kMaxActionsPerRule) + " are kept");
    }

    void trigger_shape() {
        const RuleTrigger& t = m_rule.trigger;
        using K = TriggerKind;
        const std::string part = "trigger";
        const bool needs_field = t.kind == K::FieldChanged || t.kind == K::DateReached ||
                                 t.kind == K::ScoreCrossed || t.kind == K::SatisfactionReceived;
        if (needs_field && t.field.empty()) say(part, "choose a field");
        const bool needs_flow = t.kind == K::StageEntered || t.kind == K::StageLeft ||
                                t.kind == K::FlowStarted || t.kind == K::FlowEnded;
        if (needs_flow && t.flow.empty()) say(part, "choose a flow");
        if (t.kind == K::Idle && (t.business_days < 1 || t.business_days > 365))
            say(part, "business days must be a whole number from 1 to 365, not " +
                          std::to_string(t.business_days));
        if (t.kind == K::DateReached) {
            if (t.days.empty() || t.days.size() > 20)
                say(part, "give 1 to 20 day offsets (-120 = 120 days before)");
            for (int day : t.days)
                if (std::abs(day) > 3650)
                    say(part, "a day offset is from -3650 to 3650, not " + std::to_string(day));
        }
        if (t.kind == K::ScoreCrossed && !std::isfinite(t.threshold))
            say(part, "the threshold must be a number");
    }
    const FieldDef* field(const std::string& part, const RecordTypeDef& type,
                          const std::string& id) {
        const FieldDef* def = type.field(id);
        if (!def) say(part, "\"" + id + "\" is not a field of " + type.label);
        return def;
    }

    const Flow* flow(const std::string& part, const std::string& id) {
        const Flow* found = m_ws.flow(id);
        if (!found) {
            say(part, "there is no flow \"" + id + "\"");
            return nullptr;
        }
        if (found->record_type != m_type->id && !(found->start.on == m_type->id)) {
            say(part, "the " + found->name + " runs on " + found->record_type +
                          " records, not on " + m_type->plural);
            return nullptr;
        }
        return found;
    }

    void target(const std::string& part, const Flow& flow, const std::string& id, bool exits) {
        if (id.empty() || flow.stage(id) || flow.outcome(id) || (exits && flow.exit(id))) return;
        say(part, "the " + flow.name + " has no stage" +
                      std::string(exits ? ", outcome or exit" : " or outcome") + " \"" + id + "\"");
    }

    void trigger() {
        const RuleTrigger& t = m_rule.trigger;
        using K = TriggerKind;
        const std::string part = "trigger";
        if (!t.field.empty()) {
            const FieldDef* def = field(part, *m_type, t.field);
            if (def && t.kind == K::DateReached && !is_date_field(*def))
                say(part, def->label + " is not a date");
            if (def && (t.kind == K::ScoreCrossed || t.kind == K::SatisfactionReceived) &&
                def->type != FieldType::Number)
                say(part, def->label + " is not a number");
            if (def && t.kind == K::FieldChanged)
                for (const auto* value : {&t.from, &t.to})
                    if (*value && !(*value)->is_null() && !normalize_field_value(*def, **value))
                        say(part, (*value)->dump() + " is not a value of " + def->label);
        }
        if (!t.flow.empty()) {
            if (const Flow* f = flow(part, t.flow)) {
                target(part, *f, t.stage, false);
                if (!t.outcome.empty() && !f->outcome(t.outcome) && !f->exit(t.outcome))
                    say(part, "the " + f->name + " has no outcome or exit \"" + t.outcome + "\"");
            }
        }
        if (!t.policy.empty() &&
            std::none_of(m_ws.sla_policies.begin(), m_ws.sla_policies.end(),
                         [&](const SlaPolicy& policy) { return policy.id == t.policy; }))
            say(part, "there is no SLA policy \"" + t.policy + "\"");
    }

    // What people read (a name, a task's title, a message): one short line of text.
    void text(const std::string& part, const std::string& value, std::size_t max_bytes) {
        if (auto problem = text_problem(value, max_bytes))
            say(part, "the " + part + " " + *problem);
    }

    void people(const std::string& part, const std::vector<std::string>& names) {
        for (const auto& name : names) // an empty name is action_shape()'s to report
            if (auto problem = person_problem(m_ws, name); !name.empty() && !problem.empty())
                say(part, problem);
    }

    void routing(const std::string& part, const Routing& routing) {
        for (const auto& user : routing.users)
            if (!m_ws.directory.user(user)) say(part, "there is no user \"" + user + "\"");
        if (!routing.team.empty() && !m_ws.directory.team(routing.team))
            say(part, "there is no team \"" + routing.team + "\"");
        for (const auto& [user, weight] : routing.weights)
            if (!m_ws.directory.user(user))
                say(part, "weights name \"" + user + "\", who is not a user");
    }

    void set_values(const std::string& part, const RecordTypeDef& type, const json& fields) {
        for (const auto& [id, value] : fields.items()) {
            const FieldDef* def = field(part, type, id);
            if (!def) continue;
            if (auto why = not_set_by_hand(type, *def); why && m_saving)
                say(part, def->label + ": " + *why);
            else if (auto normalized = normalize_field_value(*def, value); !normalized)
                say(part, def->label + ": " + normalized.error());
        }
    }

    void routing_shape(const std::string& part, const Routing& routing) {
        if (routing.users.empty() && routing.team.empty()) say(part, "choose people or a team");
        if (!routing.users.empty() && !routing.team.empty())
            say(part, "choose people or a team, not both");
        for (const auto& [user, weight] : routing.weights)
            if (weight < 1 || weight > 100)
                say(part, "the weight of " + m_ws.directory.names({user}) +
                              " is a whole number from 1 to 100, not " + std::to_string(weight));
        if (routing.capacity && (*routing.capacity < 1 || *routing.capacity > 1000000))
            say(part, "the capacity is a whole number from 1 to 1000000, not " +
                          std::to_string(*routing.capacity));
    }

    // The names an action must have before what they name can be looked up.
    void action_shape(const std::string& part, const RuleAction& a) {
        using A = ActionKind;
        switch (a.kind) {
        case A::Assign:
            return routing_shape(part, a.routing);
        case A::CreateTask:
            if (a.title.empty()) say(part, "give the task a title");
            if (a.task_for.empty()) say(part, "choose who does the task");
            return;
        case A::Notify:
            if (a.to.empty()) say(part, "choose who to notify");
            if (a.message.empty()) say(part, "write the message");
            return;
        case A::Escalate:
            return; // nobody named: the owner's manager
        case A::SetField:
            if (a.field.empty()) say(part, "choose a field");
            return;
        case A::Move:
            if (a.flow.empty()) say(part, "choose a flow");
            if (a.stage.empty()) say(part, "choose the stage to move to");
            return;
        case A::StartFlow:
            if (a.flow.empty()) say(part, "choose a flow");
            return;
        case A::CreateRecord:
            if (a.type.empty()) say(part, "choose a record type");
            if (!a.fields.is_object()) say(part, "the fields are an object of field -> value");
            return;
        }
    }

    void action(std::size_t index, const RuleAction& a) {
        const std::string part = action_part(index, a.kind);
        action_shape(part, a);
        using A = ActionKind;
        switch (a.kind) {
        case A::Assign:
            return routing(part, a.routing);
        case A::CreateTask:
            text("title", a.title, kMaxRuleTextBytes);
            if (!is_valid_duration(a.due_in))
                say(part, "due_in \"" + a.due_in +
                              "\" is not a duration like \"3 business days\" or \"4 hours\"");
            return people(part, {a.task_for});
        case A::Notify:
        case A::Escalate:
            text("message", a.message, kMaxRuleTextBytes);
            return people(part, a.to);
        case A::SetField:
            if (!a.field.empty()) set_values(part, *m_type, json{{a.field, a.value}});
            return;
        case A::Move:
            if (a.flow.empty()) return;
            if (const Flow* f = flow(part, a.flow)) {
                target(part, *f, a.stage, true);
                if (const FlowExit* exit = f->exit(a.stage); exit && !exit->taken_by_move())
                    say(part, "the " + exit->name +
                                  " exit is taken by converting the lead, not by a move");
            }
            return;
        case A::StartFlow:
            if (!a.flow.empty()) flow(part, a.flow);
            return;
        case A::CreateRecord: {
            if (a.type.empty()) return;
            const RecordTypeDef* type = m_ws.schema.type(a.type);
            if (!type) return say(part, "there is no record type \"" + a.type + "\"");
            if (a.fields.is_object()) set_values(part, *type, a.fields);
            for (const auto& [to, from] : a.copy) {
                field(part, *type, to);
                field(part, *m_type, from);
            }
            if (!a.link_field.empty())
                if (const FieldDef* link = field(part, *type, a.link_field);
                    link && link->type != FieldType::RecordRef)
                    say(part, link->label + " does not refer to a record");
            return;
        }
        }
    }
};

std::string person_words(const Workspace& ws, const std::string& name) {
    if (name == "owner") return "the owner";
    if (name == "owner_manager" || name == "manager") return "the owner's manager";
    if (name.rfind("role:", 0) == 0) return "every " + name.substr(5);
    return ws.directory.names({name});
}

std::string people_words(const Workspace& ws, const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i)
        text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + person_words(ws, names[i]);
    return text;
}

std::string flow_name(const Workspace& ws, const std::string& id) {
    const Flow* flow = ws.flow(id);
    return flow ? flow->name : id;
}

std::string target_name(const Workspace& ws, const std::string& flow_id, const std::string& id) {
    const Flow* flow = ws.flow(flow_id);
    if (!flow) return id;
    if (const Stage* stage = flow->stage(id)) return stage->name;
    if (const FlowOutcome* outcome = flow->outcome(id)) return outcome->name;
    if (const FlowExit* exit = flow->exit(id)) return exit->name;
    return id;
}

std::string label(const RecordTypeDef* type, const std::string& field) {
    const FieldDef* def = type ? type->field(field) : nullptr;
    return def ? def->label : field;
}

std::string value_words(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return "nothing";
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    return value.dump();
}

std::string routing_words(const Workspace& ws, const Routing& routing) {
    std::string who;
    if (!routing.team.empty()) {
        const Team* team = ws.directory.team(routing.team);
        who = "the " + (team ? team->name : routing.team) + " team";
    } else {
        std::vector<std::string> names;
        for (const auto& user : routing.users)
            names.push_back(ws.directory.names({user}));
        for (std::size_t i = 0; i < names.size(); ++i)
            who += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    }
    const bool rotates = !routing.team.empty() || routing.users.size() > 1;
    std::string text = "assign it to " + who + (rotates ? " by round-robin" : "");
    std::vector<std::string> notes;
    if (!routing.weights.empty()) {
        std::string weights;
        for (const auto& [user, weight] : routing.weights)
            weights += (weights.empty() ? "" : ", ") + ws.directory.names({user}) + " " +
                       std::to_string(weight);
        notes.push_back("weights " + weights);
    }
    if (routing.capacity)
        notes.push_back("at most " + std::to_string(*routing.capacity) + " open each");
    notes.push_back("skipping people out of office");
    text += " (";
    for (std::size_t i = 0; i < notes.size(); ++i)
        text += (i ? "; " : "") + notes[i];
    return text + ")";
}

std::string day_offsets(const std::vector<int>& days) {
    std::vector<int> before, after;
    for (int day : days)
        (day < 0 ? before : after).push_back(day < 0 ? -day : day);
    auto list = [](const std::vector<int>& values) {
        std::string text;
        for (std::size_t i = 0; i < values.size(); ++i)
            text += (i == 0                   ? ""
                     : i + 1 == values.size() ? " and "
                                              : ", ") +
                    std::to_string(values[i]);
        return text;
    };
    std::string text;
    if (!before.empty()) text += list(before) + " days before";
    if (!after.empty()) text += (text.empty() ? "" : " and ") + list(after) + " days after";
    return text;
}

} // namespace

std::string action_kind_name(ActionKind kind) {
    switch (kind) {
    case ActionKind::Assign:
        return "assign";
    case ActionKind::CreateTask:
        return "create task";
    case ActionKind::Notify:
        return "notify";
    case ActionKind::SetField:
        return "set field";
    case ActionKind::Move:
        return "move";
    case ActionKind::StartFlow:
        return "start flow";
    case ActionKind::CreateRecord:
        return "create record";
    case ActionKind::Escalate:
        return "escalate";
    }
    return "";
}

std::string trigger_kind_name(TriggerKind kind) {
    using K = TriggerKind;
    switch (kind) {
    case K::Created:
        return "it is created";
    case K::FieldChanged:
        return "a field changes";
    case K::StageEntered:
        return "it enters a stage";
    case K::StageLeft:
        return "it leaves a stage";
    case K::FlowStarted:
        return "a flow starts on it";
    case K::FlowEnded:
        return "a flow ends on it";
    case K::SlaAtRisk:
        return "an SLA is at risk";
    case K::SlaBreached:
        return "an SLA is breached";
    case K::Idle:
        return "nothing happens for a while";
    case K::DateReached:
        return "days before or after a date";
    case K::ScoreCrossed:
        return "a number reaches a threshold";
    case K::SatisfactionReceived:
        return "a satisfaction score is given";
    }
    return "";
}

std::string rule_problem(const AutomationRule& rule, const std::string& part,
                         const std::string& problem) {
    return rule_label(rule) + (part.empty() ? ": " : ", " + part + ": ") + problem;
}

std::string action_part(std::size_t index, ActionKind kind) {
    return "action " + std::to_string(index + 1) + " (" + action_kind_name(kind) + ")";
}

std::vector<std::string> validate_rules(const Workspace& ws,
                                        const std::vector<AutomationRule>& rules, bool saving) {
    std::vector<std::string> problems;
    if (rules.size() > kMaxRules)
        problems.push_back(std::to_string(rules.size()) + " rules; at most " +
                           std::to_string(kMaxRules) + " are kept");
    for (std::size_t i = 0; i < rules.size(); ++i) {
        RuleChecker(ws, rules[i], problems, saving).check();
        for (std::size_t j = 0; j < i; ++j)
            if (rules[j].id == rules[i].id)
                problems.push_back("rule \"" + rules[i].name + "\": the id \"" + rules[i].id +
                                   "\" is used by another rule (\"" + rules[j].name + "\")");
    }
    // The journal keeps the rules as the file form: what cannot be read back
    // from it is refused now, not when the workspace is next opened.
    if (problems.empty())
        if (auto read = rules_from_json(rules_to_json(rules), "$.rules"); !read)
            problems.push_back(read.error());
    return problems;
}

std::string describe_trigger(const Workspace& ws, const AutomationRule& rule) {
    const RecordTypeDef* type = ws.schema.type(rule.record_type);
    const std::string noun = "a " + (type ? type->label : rule.record_type);
    const RuleTrigger& t = rule.trigger;
    using K = TriggerKind;
    switch (t.kind) {
    case K::Created:
        return "When " + noun + " is created";
    case K::FieldChanged: {
        std::string text = "When " + noun + "'s " + label(type, t.field) + " changes";
        if (t.from) text += " from " + value_words(*t.from);
        if (t.to) text += " to " + value_words(*t.to);
        return text;
    }
    case K::StageEntered:
    case K::StageLeft:
        return "When " + noun + (t.kind == K::StageEntered ? " enters " : " leaves ") +
               (t.stage.empty() ? "a stage" : target_name(ws, t.flow, t.stage)) + " in the " +
               flow_name(ws, t.flow);
    case K::FlowStarted:
        return "When the " + flow_name(ws, t.flow) + " starts on " + noun;
    case K::FlowEnded:
        return "When the " + flow_name(ws, t.flow) + " ends on " + noun +
               (t.outcome.empty() ? "" : " at " + target_name(ws, t.flow, t.outcome));
    case K::SlaAtRisk:
    case K::SlaBreached: {
        std::string policy = "an SLA";
        for (const auto& p : ws.sla_policies)
            if (p.id == t.policy) policy = "the SLA " + p.name;
        return "When " + policy + " on " + noun +
               (t.kind == K::SlaAtRisk ? " is at risk" : " is breached");
    }
    case K::Idle:
        return "When nothing has happened on " + noun + " for " + std::to_string(t.business_days) +
               " business day" + (t.business_days == 1 ? "" : "s");
    case K::DateReached:
        return day_offsets(t.days) + " " + noun + "'s " + label(type, t.field);
    case K::ScoreCrossed:
        return "When " + noun + "'s " + label(type, t.field) + " reaches " +
               value_words(t.threshold);
    case K::SatisfactionReceived:
        return "When " + noun + " gets a satisfaction score (" + label(type, t.field) + ")";
    }
    return "";
}

std::string describe_action(const Workspace& ws, const AutomationRule& rule, const RuleAction& a) {
    const RecordTypeDef* type = ws.schema.type(rule.record_type);
    using A = ActionKind;
    switch (a.kind) {
    case A::Assign:
        return routing_words(ws, a.routing);
    case A::CreateTask:
        return "create a task \"" + a.title + "\" for " + person_words(ws, a.task_for) +
               ", due in " + a.due_in;
    case A::Notify:
        return "notify " + people_words(ws, a.to) + ": \"" + a.message + "\"";
    case A::Escalate:
        return "escalate to " + people_words(ws, a.to) +
               (a.message.empty() ? "" : ": \"" + a.message + "\"");
    case A::SetField:
        return "set " + label(type, a.field) + " to " + value_words(a.value);
    case A::Move:
        return "move it to " + target_name(ws, a.flow, a.stage) + " in the " +
               flow_name(ws, a.flow);
    case A::StartFlow:
        return "start the " + flow_name(ws, a.flow);
    case A::CreateRecord: {
        const RecordTypeDef* made = ws.schema.type(a.type);
        return "create a linked " + (made ? made->label : a.type);
    }
    }
    return "";
}

std::string describe_rule(const Workspace& ws, const AutomationRule& rule) {
    std::string text = describe_trigger(ws, rule);
    if (!rule.condition.is_null()) {
        const RecordTypeDef* type = ws.schema.type(rule.record_type);
        text +=
            " and " + (type ? describe_condition(*type, rule.condition) : rule.condition.dump());
    }
    text += ": ";
    for (std::size_t i = 0; i < rule.actions.size(); ++i)
        text += (i == 0                         ? ""
                 : i + 1 == rule.actions.size() ? " and "
                                                : ", ") +
                describe_action(ws, rule, rule.actions[i]);
    if (!rule.enabled) text += " (turned off)";
    return text + ".";
}

} // namespace crm
