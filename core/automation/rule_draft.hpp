// A rule being edited in the app: what is chosen from lists sits in the rule,
// what is typed (the condition, values, day offsets, a new record's fields)
// stays text until read here. check_rule_draft() reads the text and checks the
// rule set saving would send, with the draft in place, as the engine does, so
// the editor shows the core's words and the sentence the rule will read as.
#pragma once

#include "automation/rule.hpp"
#include "model/workspace.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace crm {

// One action as edited: the action, and its values as typed.
struct ActionDraft {
    RuleAction action;
    std::string value;  // SetField: the value as a person types it ("" clears the field)
    std::string fields; // CreateRecord: the new record's values, a JSON object
};

struct RuleDraft {
    std::string replacing; // the id of the rule edited; "" = a new rule
    AutomationRule rule;   // its actions are `actions` once read
    std::string condition; // JsonLogic as typed; "" = always
    std::string from, to;  // FieldChanged: values as typed; "" = any
    std::string days;      // DateReached: "-120, -90, -60"
    std::vector<ActionDraft> actions;
};

struct CheckedRuleDraft {
    AutomationRule rule;               // the draft read (a new rule gets its id from its name)
    std::vector<std::string> problems; // empty: saving would be accepted
    std::string sentence;              // the rule in words (describe_rule)
};

// The editor's start: an existing rule's values as text, or a blank rule.
RuleDraft draft_of_rule(const Workspace& workspace, const AutomationRule& rule);
RuleDraft new_rule_draft(const Workspace& workspace);

// A trigger or an action of another kind, with what that kind needs to start from.
RuleTrigger blank_trigger(TriggerKind kind);
ActionDraft blank_action(ActionKind kind);

// Reads the draft's text and checks the rules with it in place; cheap enough
// to run on every change, not meant for every frame.
CheckedRuleDraft check_rule_draft(const Workspace& workspace, const RuleDraft& draft);

// The rule set saving sends: `rule` in place of `replacing`, or added last.
std::vector<AutomationRule> rules_with(const std::vector<AutomationRule>& rules,
                                       const AutomationRule& rule, const std::string& replacing);
std::vector<AutomationRule> rules_without(const std::vector<AutomationRule>& rules,
                                          const std::string& id);

// An id from a name, unused by `rules`: "Critical tickets" -> "critical_tickets" ("_2", ...).
std::string new_rule_id(const std::vector<AutomationRule>& rules, const std::string& name);

// "-120, -90, -60" -> {-120, -90, -60}; says which item is not a whole number.
Result<std::vector<int>> parse_day_offsets(const std::string& text);
std::string day_offsets_text(const std::vector<int>& days);

} // namespace crm
