// Automation rules as data: when something happens to a record (a trigger)
// and a condition holds, do these actions. Rules are kept in the workspace and
// replaced as a whole by an admin (SetRules), like the processes; the engine
// runs them as reactions after each commit and on the timer, as the rule's
// own actor in history. docs/automation.md describes the JSON form.
#pragma once

#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crm {

enum class TriggerKind {
    Created,              // the record was created
    FieldChanged,         // `field` changed (optionally from / to given values)
    StageEntered,         // the record entered `stage` of `flow` (any stage when "")
    StageLeft,            // the record left `stage` of `flow`
    FlowStarted,          // `flow` started on the record
    FlowEnded,            // `flow` ended (optionally at `outcome`)
    SlaAtRisk,            // an SLA clock (`policy`, or any) is at risk
    SlaBreached,          // an SLA clock (`policy`, or any) was breached
    Idle,                 // nothing happened on the record for `business_days`
    DateReached,          // `days` before (negative) or after a date `field`
    ScoreCrossed,         // the number `field` rose to `threshold` or above
    SatisfactionReceived, // a satisfaction score (`field`, csat by default) was given
};

// Every trigger kind, in the order the rule editor offers them.
inline constexpr TriggerKind kTriggerKinds[] = {
    TriggerKind::Created,     TriggerKind::FieldChanged, TriggerKind::StageEntered,
    TriggerKind::StageLeft,   TriggerKind::FlowStarted,  TriggerKind::FlowEnded,
    TriggerKind::SlaAtRisk,   TriggerKind::SlaBreached,  TriggerKind::Idle,
    TriggerKind::DateReached, TriggerKind::ScoreCrossed, TriggerKind::SatisfactionReceived};

struct RuleTrigger {
    TriggerKind kind = TriggerKind::Created;
    std::string field;
    std::optional<nlohmann::json> from, to; // FieldChanged: only these changes
    std::string flow, stage, outcome, policy;
    int business_days = 0; // Idle
    std::vector<int> days; // DateReached: -120, -90, -60 = 120, 90, 60 days before
    double threshold = 0;  // ScoreCrossed
};

enum class ActionKind {
    Assign,       // a named person, or round-robin among people / a team
    CreateTask,   // a task for a person, due a business-time offset from now
    Notify,       // a message in people's inboxes
    SetField,     // one field to a value
    Move,         // a stage move, through the same gates as everyone's
    StartFlow,    // starts (or joins) a flow on the record
    CreateRecord, // a linked record of another type
    Escalate,     // tells the owner's manager (or `to`), as an escalation
};

inline constexpr ActionKind kActionKinds[] = {
    ActionKind::Notify, ActionKind::CreateTask, ActionKind::Assign,   ActionKind::SetField,
    ActionKind::Move,   ActionKind::StartFlow,  ActionKind::Escalate, ActionKind::CreateRecord};

// Who may be given a record by an Assign action, in the rotation's order.
struct Routing {
    std::vector<std::string> users;     // user ids; or
    std::string team;                   // every rep of the team
    std::map<std::string, int> weights; // user -> weight (1 when not named)
    std::optional<int> capacity;        // most open records of the type one person may own
};

struct RuleAction {
    ActionKind kind = ActionKind::Notify;
    Routing routing;                // Assign
    std::string title;              // CreateTask: the task's title
    std::string due_in;             // CreateTask: "3 business days"
    std::string task_for = "owner"; // CreateTask: who does it ("owner", "manager", a user)
    std::vector<std::string> to;    // Notify, Escalate: "owner", "manager", "role:X", users
    std::string message;            // Notify, Escalate: what they read
    std::string field;              // SetField
    nlohmann::json value;           // SetField
    std::string flow, stage;        // Move (stage, outcome or exit), StartFlow
    std::string type;               // CreateRecord: the new record's type
    nlohmann::json fields = nlohmann::json::object(); // CreateRecord: its values
    std::map<std::string, std::string> copy;          // CreateRecord: its field <- this one's
    std::string link_field;                           // CreateRecord: refers back to this record
};

struct AutomationRule {
    std::string id;   // "route_dach"
    std::string name; // "Route DACH leads"
    bool enabled = true;
    std::string record_type;
    RuleTrigger trigger;
    nlohmann::json condition; // JsonLogic on the record (conditions.hpp's data); null = always
    std::vector<RuleAction> actions;
};

// One run of one step of a rule on a record, as the automation log shows it.
struct RuleRun {
    Instant at;
    std::string rule, record, occasion;
    std::size_t step = 0;
    std::string did;    // "assigned Lead Anna Schmidt to Hans Becker"
    std::string failed; // why it could not, or "" when it ran
};

// The most runs the workspace keeps for the automation log; history keeps all.
inline constexpr std::size_t kMaxAutomationLog = 1000;

// What rules know across runs: the rules, how many records each round-robin
// has given each person (so the rotation continues after a reload), the log.
struct Automation {
    std::vector<AutomationRule> rules;
    std::map<std::string, std::map<std::string, std::size_t>> assigned; // rule -> user -> count
    std::deque<RuleRun> log;
    std::uint64_t runs = 0; // runs logged since the workspace was loaded (not kept)

    const AutomationRule* rule(const std::string& id) const;
};

// Automation failures of rules are keyed "rule:<rule id>" (flow starts: "start:<flow>").
inline std::string rule_automation(const std::string& rule_id) {
    return "rule:" + rule_id;
}
std::optional<std::string> rule_of_automation(const std::string& key);

} // namespace crm
