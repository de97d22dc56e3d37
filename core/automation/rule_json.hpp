// Rules in JSON: the workspace's "automation" section and the file
// `crm set-rules` reads ({"format": "crm-rules", "version": 1, "rules": [...]}).
// Reading checks shapes and names where a problem is ("$.rules[2].actions[0].do:
// expected one of ..."); whether the fields, people and flows a rule names exist
// is validate_rules()'s (rule_check.hpp).
#pragma once

#include "automation/rule.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace crm {

inline constexpr const char* kRulesFormat = "crm-rules";
inline constexpr int kRulesFormatVersion = 1;
// A bound on what one rules file may hold, so a mistaken file is refused in words.
inline constexpr std::size_t kMaxRules = 500;
inline constexpr std::size_t kMaxActionsPerRule = 20;

// A kind's name in the file: "field_changed", "create_task".
std::string trigger_kind_id(TriggerKind kind);
std::string action_kind_id(ActionKind kind);

nlohmann::json rule_to_json(const AutomationRule& rule);
Result<AutomationRule> rule_from_json(const nlohmann::json& json, const std::string& path);

nlohmann::json rules_to_json(const std::vector<AutomationRule>& rules);
Result<std::vector<AutomationRule>> rules_from_json(const nlohmann::json& json,
                                                    const std::string& path);

// The rules file: the format header and the rules.
nlohmann::json rules_file_to_json(const std::vector<AutomationRule>& rules);
Result<std::vector<AutomationRule>> rules_file_from_json(const nlohmann::json& json);

// The workspace's "automation" section: rules, round-robin counts and the log
// (empty when there is nothing to keep).
nlohmann::json automation_to_json(const Automation& automation);
Result<Automation> automation_from_json(const nlohmann::json& json, const std::string& path);

nlohmann::json rule_run_to_json(const RuleRun& run);

} // namespace crm
