// Rules against the workspace they run in: every field, person, team, flow,
// stage and SLA policy a rule names must exist when the rules are saved
// (validate_rules), and each rule reads as a sentence (describe_rule).
#pragma once

#include "automation/rule.hpp"
#include "model/workspace.hpp"

#include <string>
#include <vector>

namespace crm {

// The longest rule name, and task title or message, a rule may have (bytes).
inline constexpr std::size_t kMaxRuleNameBytes = 200;
inline constexpr std::size_t kMaxRuleTextBytes = 1000;

// Each problem names the rule, the part and what is wrong: `rule "Route DACH
// leads", action 1 (assign): there is no user "u-hans"`. Empty when all fit.
// `saving`: rules being saved now also may not set what the engine works out
// (totals) or a funnel step fills in; rules kept from before still open, and
// such an action lands in the recovery queue when it runs.
std::vector<std::string> validate_rules(const Workspace& workspace,
                                        const std::vector<AutomationRule>& rules,
                                        bool saving = true);

// "When a Lead is created and Country is Germany: assign it to Hans Becker or
// Greta Vogel by round-robin (2:1, at most 40 open each)."
std::string describe_rule(const Workspace& workspace, const AutomationRule& rule);
std::string describe_trigger(const Workspace& workspace, const AutomationRule& rule);
std::string describe_action(const Workspace& workspace, const AutomationRule& rule,
                            const RuleAction& action);
// "assign", "create task", ...: an action's kind as people read it.
std::string action_kind_name(ActionKind kind);
// "a field changes", "it enters a stage", ...: a trigger's kind as people choose it.
std::string trigger_kind_name(TriggerKind kind);

// A problem as validate_rules words it: `rule "NAME", PART: PROBLEM`.
std::string rule_problem(const AutomationRule& rule, const std::string& part,
                         const std::string& problem);
// "action 2 (notify)": the part of a rule an action is, counted from 1.
std::string action_part(std::size_t index, ActionKind kind);

} // namespace crm
