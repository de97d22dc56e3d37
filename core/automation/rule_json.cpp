#include "automation/rule_json.hpp"

#include "io/schema_json.hpp"
#include "model/schema.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace crm {

using nlohmann::json;

namespace {

constexpr std::pair<TriggerKind, const char*> kTriggerNames[] = {
    {TriggerKind::Created, "created"},
    {TriggerKind::FieldChanged, "field_changed"},
    {TriggerKind::StageEntered, "stage_entered"},
    {TriggerKind::StageLeft, "stage_left"},
    {TriggerKind::FlowStarted, "flow_started"},
    {TriggerKind::FlowEnded, "flow_ended"},
    {TriggerKind::SlaAtRisk, "sla_at_risk"},
    {TriggerKind::SlaBreached, "sla_breached"},
    {TriggerKind::Idle, "idle"},
    {TriggerKind::DateReached, "date"},
    {TriggerKind::ScoreCrossed, "score_crossed"},
    {TriggerKind::SatisfactionReceived, "satisfaction_received"},
};

constexpr std::pair<ActionKind, const char*> kActionNames[] = {
    {ActionKind::Assign, "assign"},
    {ActionKind::CreateTask, "create_task"},
    {ActionKind::Notify, "notify"},
    {ActionKind::SetField, "set_field"},
    {ActionKind::Move, "move"},
    {ActionKind::StartFlow, "start_flow"},
    {ActionKind::CreateRecord, "create_record"},
    {ActionKind::Escalate, "escalate"},
};

template <typename Kind, std::size_t N>
std::string name_of(const std::pair<Kind, const char*> (&names)[N], Kind kind) {
    for (const auto& [value, name] : names)
        if (value == kind) return name;
    return "";
}

template <typename Kind, std::size_t N>
std::string names_list(const std::pair<Kind, const char*> (&names)[N]) {
    std::string list;
    for (const auto& [value, name] : names)
        list += (list.empty() ? "" : ", ") + std::string(name);
    return list;
}

std::string at(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

Result<std::string> text_member(const json& object, const std::string& path, const char* key,
                                bool required) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        if (required) return Error{path + "." + key + ": is required"};
        return std::string();
    }
    if (!it->is_string() || (required && it->get_ref<const std::string&>().empty()))
        return Error{path + "." + key + ": expected " +
                     (required ? "a non-empty string" : "a string") + ", got " + got(*it)};
    return it->get<std::string>();
}

Result<std::vector<std::string>> text_list(const json& object, const std::string& path,
                                           const char* key) {
    std::vector<std::string> items;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return items;
    if (it->is_string()) return std::vector<std::string>{it->get<std::string>()};
    if (!it->is_array())
        return Error{path + "." + key + ": expected a list of names, got " + got(*it)};
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& item = (*it)[i];
        if (!item.is_string() || item.get_ref<const std::string&>().empty())
            return Error{at(path + "." + key, i) + ": expected a non-empty string, got " +
                         got(item)};
        items.push_back(item.get<std::string>());
    }
    return items;
}

Result<int> whole_number(const json& object, const std::string& path, const char* key, int low,
                         int high) {
    const auto it = object.find(key);
    if (it == object.end()) return Error{path + "." + key + ": is required"};
    if (!it->is_number_integer() || it->get<std::int64_t>() < low || it->get<std::int64_t>() > high)
        return Error{path + "." + key + ": expected a whole number from " + std::to_string(low) +
                     " to " + std::to_string(high) + ", got " + got(*it)};
    return static_cast<int>(it->get<std::int64_t>());
}

Status read_trigger(const json& in, const std::string& path, RuleTrigger& trigger) {
    if (!in.is_object()) return Error{path + ": expected an object, got " + got(in)};
    auto on = text_member(in, path, "on", true);
    if (!on) return Error{on.error()};
    const auto known = std::find_if(std::begin(kTriggerNames), std::end(kTriggerNames),
                                    [&](const auto& entry) { return *on == entry.second; });
    if (known == std::end(kTriggerNames))
        return Error{path + ".on: expected one of " + names_list(kTriggerNames) + ", got \"" + *on +
                     "\""};
    trigger.kind = known->first;
    using K = TriggerKind;
    switch (trigger.kind) {
    case K::Created:
        return check_known_keys(in, path, {"on"});
    case K::FieldChanged: {
        if (auto s = check_known_keys(in, path, {"on", "field", "from", "to"}); !s) return s;
        if (in.contains("from")) trigger.from = in["from"];
        if (in.contains("to")) trigger.to = in["to"];
        break;
    }
    case K::StageEntered:
    case K::StageLeft:
        if (auto s = check_known_keys(in, path, {"on", "flow", "stage"}); !s) return s;
        break;
    case K::FlowStarted:
        if (auto s = check_known_keys(in, path, {"on", "flow"}); !s) return s;
        break;
    case K::FlowEnded:
        if (auto s = check_known_keys(in, path, {"on", "flow", "outcome"}); !s) return s;
        break;
    case K::SlaAtRisk:
    case K::SlaBreached:
        if (auto s = check_known_keys(in, path, {"on", "policy"}); !s) return s;
        if (auto policy = text_member(in, path, "policy", false); !policy)
            return Error{policy.error()};
        else
            trigger.policy = *policy;
        return Status::success();
    case K::Idle: {
        if (auto s = check_known_keys(in, path, {"on", "business_days"}); !s) return s;
        auto days = whole_number(in, path, "business_days", 1, 365);
        if (!days) return Error{days.error()};
        trigger.business_days = *days;
        return Status::success();
    }
    case K::DateReached: {
        if (auto s = check_known_keys(in, path, {"on", "field", "days"}); !s) return s;
        const auto days = in.find("days");
        if (days == in.end() || !days->is_array() || days->empty() || days->size() > 20)
            return Error{path +
                         ".days: expected a list of 1 to 20 day offsets (-120 = 120 days "
                         "before), got " +
                         (days == in.end() ? std::string("nothing") : got(*days))};
        for (std::size_t i = 0; i < days->size(); ++i) {
            const json& day = (*days)[i];
            if (!day.is_number_integer() || std::abs(day.get<std::int64_t>()) > 3650)
                return Error{at(path + ".days", i) +
                             ": expected a whole number of days from -3650 to 3650, got " +
                             got(day)};
            trigger.days.push_back(static_cast<int>(day.get<std::int64_t>()));
        }
        break;
    }
    case K::ScoreCrossed: {
        if (auto s = check_known_keys(in, path, {"on", "field", "threshold"}); !s) return s;
        const auto threshold = in.find("threshold");
        if (threshold == in.end() || !threshold->is_number() ||
            !std::isfinite(threshold->get<double>()))
            return Error{path + ".threshold: expected a number, got " +
                         (threshold == in.end() ? std::string("nothing") : got(*threshold))};
        trigger.threshold = threshold->get<double>();
        trigger.field = "score";
        break;
    }
    case K::SatisfactionReceived:
        if (auto s = check_known_keys(in, path, {"on", "field"}); !s) return s;
        trigger.field = "csat";
        break;
    }
    for (auto [key, target] :
         {std::pair{"field", &trigger.field}, std::pair{"flow", &trigger.flow},
          std::pair{"stage", &trigger.stage}, std::pair{"outcome", &trigger.outcome}}) {
        auto value = text_member(in, path, key, false);
        if (!value) return Error{value.error()};
        if (!value->empty()) *target = *value;
    }
    const bool needs_field = trigger.kind == K::FieldChanged || trigger.kind == K::DateReached;
    if (needs_field && trigger.field.empty()) return Error{path + ".field: is required"};
    const bool needs_flow = trigger.kind == K::StageEntered || trigger.kind == K::StageLeft ||
                            trigger.kind == K::FlowStarted || trigger.kind == K::FlowEnded;
    if (needs_flow && trigger.flow.empty()) return Error{path + ".flow: is required"};
    return Status::success();
}

Status read_routing(const json& in, const std::string& path, Routing& routing) {
    auto users = text_list(in, path, "users");
    if (!users) return Error{users.error()};
    routing.users = std::move(*users);
    auto team = text_member(in, path, "team", false);
    if (!team) return Error{team.error()};
    routing.team = *team;
    if (routing.users.empty() == routing.team.empty())
        return Error{path + ": name either \"users\" (a list of user ids) or a \"team\""};
    if (const auto weights = in.find("weights"); weights != in.end()) {
        if (!weights->is_object())
            return Error{path + ".weights: expected an object of user -> weight, got " +
                         got(*weights)};
        for (const auto& [user, weight] : weights->items()) {
            if (!weight.is_number_integer() || weight.get<std::int64_t>() < 1 ||
                weight.get<std::int64_t>() > 100)
                return Error{path + ".weights." + user +
                             ": expected a whole number from 1 to 100, got " + got(weight)};
            routing.weights[user] = static_cast<int>(weight.get<std::int64_t>());
        }
    }
    if (in.contains("capacity")) {
        auto capacity = whole_number(in, path, "capacity", 1, 1000000);
        if (!capacity) return Error{capacity.error()};
        routing.capacity = *capacity;
    }
    return Status::success();
}

Status read_copy(const json& in, const std::string& path,
                 std::map<std::string, std::string>& copy) {
    const auto it = in.find("copy");
    if (it == in.end()) return Status::success();
    if (!it->is_object()) return Error{path + ".copy: expected an object of field -> field"};
    for (const auto& [target, source] : it->items()) {
        if (!source.is_string())
            return Error{path + ".copy." + target + ": expected a field id, got " + got(source)};
        copy[target] = source.get<std::string>();
    }
    return Status::success();
}

Status read_action_members(const json& in, const std::string& path, RuleAction& action) {
    using A = ActionKind;
    auto text = [&](const char* key, bool required, std::string& target) -> Status {
        auto value = text_member(in, path, key, required);
        if (!value) return Error{value.error()};
        if (!value->empty()) target = *value;
        return Status::success();
    };
    auto people = [&]() -> Status {
        auto to = text_list(in, path, "to");
        if (!to) return Error{to.error()};
        action.to = std::move(*to);
        return text("message", false, action.message);
    };
    switch (action.kind) {
    case A::Assign:
        if (auto s = check_known_keys(in, path, {"do", "users", "team", "weights", "capacity"}); !s)
            return s;
        return read_routing(in, path, action.routing);
    case A::CreateTask:
        if (auto s = check_known_keys(in, path, {"do", "title", "due_in", "for"}); !s) return s;
        if (auto s = text("title", true, action.title); !s) return s;
        if (auto s = text("due_in", true, action.due_in); !s) return s;
        return text("for", false, action.task_for);
    case A::Notify:
        if (auto s = check_known_keys(in, path, {"do", "to", "message"}); !s) return s;
        if (auto s = people(); !s) return s;
        if (action.to.empty()) return Error{path + ".to: name who to notify"};
        if (action.message.empty()) return Error{path + ".message: is required"};
        return Status::success();
    case A::Escalate:
        if (auto s = check_known_keys(in, path, {"do", "to", "message"}); !s) return s;
        if (auto s = people(); !s) return s;
        if (action.to.empty()) action.to = {"manager"};
        return Status::success();
    case A::SetField:
        if (auto s = check_known_keys(in, path, {"do", "field", "value"}); !s) return s;
        if (!in.contains("value"))
            return Error{path + ".value: is required (null clears the field)"};
        action.value = in["value"];
        return text("field", true, action.field);
    case A::Move:
        if (auto s = check_known_keys(in, path, {"do", "flow", "to"}); !s) return s;
        if (auto s = text("flow", true, action.flow); !s) return s;
        return text("to", true, action.stage);
    case A::StartFlow:
        if (auto s = check_known_keys(in, path, {"do", "flow"}); !s) return s;
        return text("flow", true, action.flow);
    case A::CreateRecord: {
        if (auto s = check_known_keys(in, path, {"do", "type", "fields", "copy", "link_field"}); !s)
            return s;
        if (auto s = text("type", true, action.type); !s) return s;
        if (auto s = text("link_field", false, action.link_field); !s) return s;
        if (in.contains("fields")) {
            if (!in["fields"].is_object())
                return Error{path + ".fields: expected an object of field -> value"};
            action.fields = in["fields"];
        }
        return read_copy(in, path, action.copy);
    }
    }
    return Status::success();
}

Result<RuleAction> read_action(const json& in, const std::string& path) {
    if (!in.is_object()) return Error{path + ": expected an object, got " + got(in)};
    auto kind = text_member(in, path, "do", true);
    if (!kind) return Error{kind.error()};
    const auto known = std::find_if(std::begin(kActionNames), std::end(kActionNames),
                                    [&](const auto& entry) { return *kind == entry.second; });
    if (known == std::end(kActionNames))
        return Error{path + ".do: expected one of " + names_list(kActionNames) + ", got \"" +
                     *kind + "\""};
    RuleAction action;
    action.kind = known->first;
    if (auto s = read_action_members(in, path, action); !s) return Error{s.error()};
    return action;
}

json trigger_to_json(const RuleTrigger& trigger) {
    json out = {{"on", name_of(kTriggerNames, trigger.kind)}};
    using K = TriggerKind;
    const bool default_field = (trigger.kind == K::ScoreCrossed && trigger.field == "score") ||
                               (trigger.kind == K::SatisfactionReceived && trigger.field == "csat");
    if (!trigger.field.empty() && !default_field) out["field"] = trigger.field;
    if (trigger.from) out["from"] = *trigger.from;
    if (trigger.to) out["to"] = *trigger.to;
    if (!trigger.flow.empty()) out["flow"] = trigger.flow;
    if (!trigger.stage.empty()) out["stage"] = trigger.stage;
    if (!trigger.outcome.empty()) out["outcome"] = trigger.outcome;
    if (!trigger.policy.empty()) out["policy"] = trigger.policy;
    if (trigger.kind == K::Idle) out["business_days"] = trigger.business_days;
    if (trigger.kind == K::DateReached) out["days"] = trigger.days;
    if (trigger.kind == K::ScoreCrossed) out["threshold"] = trigger.threshold;
    return out;
}

json action_to_json(const RuleAction& action) {
    json out = {{"do", name_of(kActionNames, action.kind)}};
    using A = ActionKind;
    switch (action.kind) {
    case A::Assign:
        if (!action.routing.users.empty()) out["users"] = action.routing.users;
        if (!action.routing.team.empty()) out["team"] = action.routing.team;
        if (!action.routing.weights.empty()) out["weights"] = action.routing.weights;
        if (action.routing.capacity) out["capacity"] = *action.routing.capacity;
        break;
    case A::CreateTask:
        out["title"] = action.title;
        out["due_in"] = action.due_in;
        out["for"] = action.task_for;
        break;
    case A::Notify:
    case A::Escalate:
        out["to"] = action.to;
        if (!action.message.empty()) out["message"] = action.message;
        break;
    case A::SetField:
        out["field"] = action.field;
        out["value"] = action.value;
        break;
    case A::Move:
        out["flow"] = action.flow;
        out["to"] = action.stage;
        break;
    case A::StartFlow:
        out["flow"] = action.flow;
        break;
    case A::CreateRecord:
        out["type"] = action.type;
        if (!action.fields.empty()) out["fields"] = action.fields;
        if (!action.copy.empty()) out["copy"] = action.copy;
        if (!action.link_field.empty()) out["link_field"] = action.link_field;
        break;
    }
    return out;
}

Status read_rule_head(const json& in, const std::string& path, AutomationRule& rule) {
    auto id = require_identifier(in, path, "id");
    if (!id) return Error{id.error()};
    rule.id = *id;
    auto name = text_member(in, path, "name", true);
    if (!name) return Error{name.error()};
    rule.name = *name;
    if (auto type = text_member(in, path, "record_type", true); !type)
        return Error{type.error()};
    else
        rule.record_type = *type;
    if (const auto enabled = in.find("enabled"); enabled != in.end()) {
        if (!enabled->is_boolean())
            return Error{path + ".enabled: expected true or false, got " + got(*enabled)};
        rule.enabled = enabled->get<bool>();
    }
    return Status::success();
}

} // namespace

const AutomationRule* Automation::rule(const std::string& id) const {
    for (const auto& rule : rules)
        if (rule.id == id) return &rule;
    return nullptr;
}

std::optional<std::string> rule_of_automation(const std::string& key) {
    if (key.rfind("rule:", 0) != 0) return std::nullopt;
    return key.substr(5);
}

std::string trigger_kind_id(TriggerKind kind) {
    return name_of(kTriggerNames, kind);
}

std::string action_kind_id(ActionKind kind) {
    return name_of(kActionNames, kind);
}

json rule_to_json(const AutomationRule& rule) {
    json out = {{"id", rule.id}, {"name", rule.name}, {"record_type", rule.record_type}};
    if (!rule.enabled) out["enabled"] = false;
    out["trigger"] = trigger_to_json(rule.trigger);
    if (!rule.condition.is_null()) out["condition"] = rule.condition;
    json actions = json::array();
    for (const auto& action : rule.actions)
        actions.push_back(action_to_json(action));
    out["actions"] = std::move(actions);
    return out;
}

Result<AutomationRule> rule_from_json(const json& in, const std::string& path) {
    if (!in.is_object()) return Error{path + ": expected an object, got " + got(in)};
    if (auto s = check_known_keys(
            in, path, {"id", "name", "enabled", "record_type", "trigger", "condition", "actions"});
        !s)
        return Error{s.error()};
    AutomationRule rule;
    if (auto s = read_rule_head(in, path, rule); !s) return Error{s.error()};
    const auto trigger = in.find("trigger");
    if (trigger == in.end()) return Error{path + ".trigger: is required"};
    if (auto s = read_trigger(*trigger, path + ".trigger", rule.trigger); !s)
        return Error{s.error()};
    if (const auto condition = in.find("condition"); condition != in.end())
        rule.condition = *condition;
    const auto actions = in.find("actions");
    if (actions == in.end() || !actions->is_array() || actions->empty() ||
        actions->size() > kMaxActionsPerRule)
        return Error{path + ".actions: expected a list of 1 to " +
                     std::to_string(kMaxActionsPerRule) + " actions"};
    for (std::size_t i = 0; i < actions->size(); ++i) {
        auto action = read_action((*actions)[i], at(path + ".actions", i));
        if (!action) return Error{action.error()};
        rule.actions.push_back(std::move(*action));
    }
    return rule;
}

json rules_to_json(const std::vector<AutomationRule>& rules) {
    json out = json::array();
    for (const auto& rule : rules)
        out.push_back(rule_to_json(rule));
    return out;
}

Result<std::vector<AutomationRule>> rules_from_json(const json& in, const std::string& path) {
    if (!in.is_array()) return Error{path + ": expected a list of rules, got " + got(in)};
    if (in.size() > kMaxRules)
        return Error{path + ": " + std::to_string(in.size()) + " rules; at most " +
                     std::to_string(kMaxRules) + " are kept"};
    std::vector<AutomationRule> rules;
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto rule = rule_from_json(in[i], at(path, i));
        if (!rule) return Error{rule.error()};
        for (const auto& known : rules)
            if (known.id == rule->id)
                return Error{at(path, i) + ".id: \"" + rule->id + "\" is used by another rule"};
        rules.push_back(std::move(*rule));
    }
    return rules;
}

json rules_file_to_json(const std::vector<AutomationRule>& rules) {
    return {{"format", kRulesFormat},
            {"version", kRulesFormatVersion},
            {"rules", rules_to_json(rules)}};
}

Result<std::vector<AutomationRule>> rules_file_from_json(const json& in) {
    if (!in.is_object()) return Error{"$: expected an object, got " + got(in)};
    if (in.value("format", json()) != kRulesFormat)
        return Error{"$.format: expected \"" + std::string(kRulesFormat) + "\", got " +
                     (in.contains("format") ? got(in["format"]) : std::string("nothing"))};
    if (in.value("version", json()) != kRulesFormatVersion)
        return Error{"$.version: expected " + std::to_string(kRulesFormatVersion) + ", got " +
                     (in.contains("version") ? got(in["version"]) : std::string("nothing"))};
    if (auto s = check_known_keys(in, "$", {"format", "version", "rules"}); !s)
        return Error{s.error()};
    if (!in.contains("rules")) return Error{"$.rules: is required"};
    return rules_from_json(in["rules"], "$.rules");
}

json rule_run_to_json(const RuleRun& run) {
    json out = {{"at", format_instant(run.at)},
                {"rule", run.rule},
                {"record", run.record},
                {"step", run.step}};
    if (!run.occasion.empty()) out["occasion"] = run.occasion;
    if (!run.did.empty()) out["did"] = run.did;
    if (!run.failed.empty()) out["failed"] = run.failed;
    return out;
}

json automation_to_json(const Automation& automation) {
    json out = json::object();
    if (!automation.rules.empty()) out["rules"] = rules_to_json(automation.rules);
    if (!automation.assigned.empty()) out["assigned"] = automation.assigned;
    if (!automation.log.empty()) {
        json log = json::array();
        for (const auto& run : automation.log)
            log.push_back(rule_run_to_json(run));
        out["log"] = std::move(log);
    }
    return out;
}

namespace {

Result<RuleRun> rule_run_from_json(const json& in, const std::string& path) {
    if (!in.is_object()) return Error{path + ": expected an object, got " + got(in)};
    if (auto s = check_known_keys(in, path,
                                  {"at", "rule", "record", "step", "occasion", "did", "failed"});
        !s)
        return Error{s.error()};
    RuleRun run;
    auto when = text_member(in, path, "at", true);
    if (!when) return Error{when.error()};
    const auto instant = parse_instant(*when);
    if (!instant)
        return Error{path + ".at: expected a time like 2026-11-20T09:05:00Z, got \"" + *when +
                     "\""};
    run.at = *instant;
    for (auto [key, target, required] :
         {std::tuple{"rule", &run.rule, true}, std::tuple{"record", &run.record, true},
          std::tuple{"occasion", &run.occasion, false}, std::tuple{"did", &run.did, false},
          std::tuple{"failed", &run.failed, false}}) {
        auto value = text_member(in, path, key, required);
        if (!value) return Error{value.error()};
        *target = *value;
    }
    if (in.contains("step")) {
        auto step = whole_number(in, path, "step", 0, static_cast<int>(kMaxActionsPerRule));
        if (!step) return Error{step.error()};
        run.step = static_cast<std::size_t>(*step);
    }
    return run;
}

Status read_assigned(const json& in, const std::string& path, Automation& automation) {
    if (!in.is_object()) return Error{path + ": expected an object of rule -> user -> count"};
    for (const auto& [rule, counts] : in.items()) {
        if (!counts.is_object())
            return Error{path + "." + rule + ": expected an object of user -> count"};
        for (const auto& [user, count] : counts.items()) {
            if (!count.is_number_unsigned())
                return Error{path + "." + rule + "." + user + ": expected a count, got " +
                             got(count)};
            automation.assigned[rule][user] = count.get<std::size_t>();
        }
    }
    return Status::success();
}

} // namespace

Result<Automation> automation_from_json(const json& in, const std::string& path) {
    if (!in.is_object()) return Error{path + ": expected an object, got " + got(in)};
    if (auto s = check_known_keys(in, path, {"rules", "assigned", "log"}); !s)
        return Error{s.error()};
    Automation automation;
    if (in.contains("rules")) {
        auto rules = rules_from_json(in["rules"], path + ".rules");
        if (!rules) return Error{rules.error()};
        automation.rules = std::move(*rules);
    }
    if (in.contains("assigned"))
        if (auto s = read_assigned(in["assigned"], path + ".assigned", automation); !s)
            return Error{s.error()};
    if (const auto log = in.find("log"); log != in.end()) {
        if (!log->is_array()) return Error{path + ".log: expected a list of runs"};
        const std::size_t first =
            log->size() > kMaxAutomationLog ? log->size() - kMaxAutomationLog : 0;
        for (std::size_t i = first; i < log->size(); ++i) {
            auto run = rule_run_from_json((*log)[i], at(path + ".log", i));
            if (!run) return Error{run.error()};
            automation.log.push_back(std::move(*run));
        }
    }
    return automation;
}

} // namespace crm
