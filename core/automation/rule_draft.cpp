#include "automation/rule_draft.hpp"

#include "automation/rule_check.hpp"
#include "io/json_text.hpp"
#include "model/field_values.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <charconv>

namespace crm {

using nlohmann::json;

namespace {

const FieldDef* field_of(const Workspace& ws, const std::string& type, const std::string& field) {
    const RecordTypeDef* def = ws.schema.type(type);
    return def ? def->field(field) : nullptr;
}

std::string value_text(const FieldDef* field, const json& value) {
    if (field) return field_value_to_text(*field, value);
    return value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
}

// Reads the draft's typed parts into `rule`, saying what cannot be read.
class DraftReader {
  public:
    DraftReader(const Workspace& ws, const RuleDraft& draft, AutomationRule& rule,
                std::vector<std::string>& problems)
        : m_ws(ws), m_draft(draft), m_rule(rule), m_problems(problems) {}

    void read() {
        condition();
        trigger_values();
        m_rule.actions.clear();
        for (std::size_t i = 0; i < m_draft.actions.size(); ++i)
            m_rule.actions.push_back(action(i, m_draft.actions[i]));
    }

  private:
    const Workspace& m_ws;
    const RuleDraft& m_draft;
    AutomationRule& m_rule;
    std::vector<std::string>& m_problems;

    void say(const std::string& part, const std::string& problem) {
        m_problems.push_back(rule_problem(m_rule, part, problem));
    }

    void condition() {
        m_rule.condition = nullptr;
        if (trim_space(m_draft.condition).empty()) return;
        if (auto parsed = parse_json_text(m_draft.condition))
            m_rule.condition = std::move(*parsed);
        else
            say("condition", parsed.error());
    }

    // A value typed for `field`: "" is `blank`; one the field cannot hold is said under `part`.
    std::optional<json> typed_value(const std::string& part, const FieldDef* field,
                                    const std::string& text, std::optional<json> blank) {
        if (text.empty()) return blank;
        if (!field) return json(text); // the missing field is validate_rules()'s to name
        auto value = parse_field_text(*field, text, m_ws.currency);
        if (value) return *value;
        say(part, field->label + ": " + value.error());
        return blank;
    }

    void trigger_values() {
        RuleTrigger& t = m_rule.trigger;
        t.from.reset();
        t.to.reset();
        if (t.kind == TriggerKind::FieldChanged) {
            const FieldDef* field = field_of(m_ws, m_rule.record_type, t.field);
            t.from = typed_value("trigger (from)", field, m_draft.from, std::nullopt);
            t.to = typed_value("trigger (to)", field, m_draft.to, std::nullopt);
        }
        if (t.kind == TriggerKind::DateReached) {
            auto days = parse_day_offsets(m_draft.days);
            if (days)
                t.days = std::move(*days);
            else
                say("trigger", days.error());
        }
    }

    RuleAction action(std::size_t index, const ActionDraft& draft) {
        RuleAction action = draft.action;
        const std::string part = action_part(index, action.kind);
        if (action.kind == ActionKind::SetField)
            action.value = *typed_value(part, field_of(m_ws, m_rule.record_type, action.field),
                                        draft.value, json());
        if (action.kind == ActionKind::CreateRecord) {
            action.fields = json::object();
            if (trim_space(draft.fields).empty()) return action;
            auto fields = parse_json_text(draft.fields);
            if (!fields)
                say(part, "the fields: " + fields.error());
            else if (!fields->is_object())
                say(part, "the fields are an object of field -> value, like {\"title\": "
                          "\"Kickoff\"}");
            else
                action.fields = std::move(*fields);
        }
        return action;
    }
};

} // namespace

RuleDraft draft_of_rule(const Workspace& ws, const AutomationRule& rule) {
    RuleDraft draft;
    draft.replacing = rule.id;
    draft.rule = rule;
    draft.rule.actions.clear();
    if (!rule.condition.is_null()) draft.condition = rule.condition.dump();
    const FieldDef* trigger_field = field_of(ws, rule.record_type, rule.trigger.field);
    if (rule.trigger.from) draft.from = value_text(trigger_field, *rule.trigger.from);
    if (rule.trigger.to) draft.to = value_text(trigger_field, *rule.trigger.to);
    draft.days = day_offsets_text(rule.trigger.days);
    for (const auto& action : rule.actions) {
        ActionDraft edited{action, "", ""};
        if (action.kind == ActionKind::SetField)
            edited.value = value_text(field_of(ws, rule.record_type, action.field), action.value);
        if (action.kind == ActionKind::CreateRecord && !action.fields.empty())
            edited.fields = action.fields.dump();
        draft.actions.push_back(std::move(edited));
    }
    return draft;
}

RuleDraft new_rule_draft(const Workspace& ws) {
    RuleDraft draft;
    if (!ws.schema.types().empty()) draft.rule.record_type = ws.schema.types().front().id;
    draft.actions.push_back(blank_action(ActionKind::Notify));
    return draft;
}

RuleTrigger blank_trigger(TriggerKind kind) {
    RuleTrigger trigger;
    trigger.kind = kind;
    using K = TriggerKind;
    if (kind == K::Idle) trigger.business_days = 5;
    if (kind == K::DateReached) trigger.days = {-30};
    if (kind == K::ScoreCrossed) {
        trigger.field = "score";
        trigger.threshold = 50;
    }
    if (kind == K::SatisfactionReceived) trigger.field = "csat";
    return trigger;
}

ActionDraft blank_action(ActionKind kind) {
    ActionDraft draft;
    draft.action.kind = kind;
    if (kind == ActionKind::Notify) draft.action.to = {"owner"};
    if (kind == ActionKind::Escalate) draft.action.to = {"owner_manager"};
    if (kind == ActionKind::CreateTask) draft.action.due_in = "1 business day";
    return draft;
}

CheckedRuleDraft check_rule_draft(const Workspace& ws, const RuleDraft& draft) {
    CheckedRuleDraft checked;
    checked.rule = draft.rule;
    if (draft.replacing.empty())
        checked.rule.id = new_rule_id(ws.automation.rules, checked.rule.name);
    DraftReader(ws, draft, checked.rule, checked.problems).read();
    const auto rules = rules_with(ws.automation.rules, checked.rule, draft.replacing);
    for (auto& problem : validate_rules(ws, rules))
        checked.problems.push_back(std::move(problem));
    checked.sentence = describe_rule(ws, checked.rule);
    return checked;
}

std::vector<AutomationRule> rules_with(const std::vector<AutomationRule>& rules,
                                       const AutomationRule& rule, const std::string& replacing) {
    std::vector<AutomationRule> out = rules;
    for (auto& kept : out)
        if (!replacing.empty() && kept.id == replacing) {
            kept = rule;
            return out;
        }
    out.push_back(rule);
    return out;
}

std::vector<AutomationRule> rules_without(const std::vector<AutomationRule>& rules,
                                          const std::string& id) {
    std::vector<AutomationRule> out;
    for (const auto& rule : rules)
        if (rule.id != id) out.push_back(rule);
    return out;
}

std::string new_rule_id(const std::vector<AutomationRule>& rules, const std::string& name) {
    std::string base;
    for (const char c : name) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (letter || lower != c)
            base += lower;
        else if (!base.empty() && base.back() != '_')
            base += '_';
    }
    if (base.empty() || base.front() < 'a' || base.front() > 'z') base = "rule_" + base;
    base.resize(std::min<std::size_t>(base.size(), 36)); // room for "_999" in 40
    while (base.back() == '_')
        base.pop_back();
    std::string id = base;
    auto used = [&](const std::string& candidate) {
        for (const auto& rule : rules)
            if (rule.id == candidate) return true;
        return false;
    };
    for (int n = 2; used(id); ++n)
        id = base + "_" + std::to_string(n);
    return id;
}

Result<std::vector<int>> parse_day_offsets(const std::string& text) {
    std::vector<int> days;
    if (trim_space(text).empty())
        return Error{"days: give at least one day offset (-120 = 120 days before)"};
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = trim_space(std::string_view(text).substr(start, comma - start));
        int day = 0;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), day);
        if (item.empty() || error != std::errc() || end != item.data() + item.size())
            return Error{"days: \"" + item +
                         "\" is not a whole number of days (-120 = 120 days before, 7 = a "
                         "week after)"};
        days.push_back(day);
        start = comma + 1;
    }
    return days;
}

std::string day_offsets_text(const std::vector<int>& days) {
    std::string text;
    for (const int day : days)
        text += (text.empty() ? "" : ", ") + std::to_string(day);
    return text;
}

} // namespace crm
