// Processes as data. A flow runs on one record type: it starts when its start
// condition becomes true, moves through ordered stages, and ends in one of its
// outcomes (won / lost, renewed / churned, ...) or leaves early through an
// exit (disqualified, went dark). Each stage says what must hold to enter it
// (required fields, a JsonLogic entry condition), what to do next, its SLA,
// and whether a move that misses the requirements is blocked or only warned.
// docs/processes.md describes the JSON form.
#pragma once

#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

enum class GateMode { Block, Warn };

// How many days a record may sit in a stage before the board marks it as
// stale, when neither the stage nor its flow says (`stale_after_days`).
inline constexpr int kDefaultStaleAfterDays = 14;

struct TaskTemplate {
    std::string title;
    std::string due_in; // "2 days", "4 hours": from entering the stage
};

struct NextAction {
    std::string text; // "Schedule a tailored demo"
    std::optional<TaskTemplate> task;
};

// Where a stage may lead and what a move there requires. Shared by stages
// and outcomes, which are both targets of a move.
struct Gate {
    nlohmann::json entry;              // JsonLogic on the record; null = none
    std::vector<std::string> required; // field ids that must be set
    GateMode mode = GateMode::Block;
};

struct Stage {
    std::string id;
    std::string name;
    Gate gate;
    NextAction next_action;
    std::string sla; // the SLA that applies while here (shown; enforced later)
    // Optional: the only ids a move may go to from here; the first is the usual way on.
    std::vector<std::string> next;
    std::optional<int> stale_after_days; // optional: overrides the flow's
};

// How a flow ends normally.
struct FlowOutcome {
    std::string id;
    std::string name;
    std::string kind; // "won", "lost", "renewed", "downgraded", "churned", "done", ...
    bool reason_required = false;
    Gate gate;
    std::vector<std::string> from; // stages it may be reached from ("" = any stage)
};

// How a flow ends early, from any stage; a normal outcome with a reason.
struct FlowExit {
    std::string id;
    std::string name;
    // "disqualified", "stalled", or "converted": taken when the lead is
    // converted (core/engine/funnel_commands.cpp), never by a move.
    std::string kind;
    nlohmann::json
        suggest_when; // optional JsonLogic: when to suggest it (e.g. no activity for 30 days)

    bool taken_by_move() const { return kind != "converted"; }
};

// What starts a flow. When `on` is another record type, the flow starts on a
// new record of its own type, linked to the one that triggered it (a lead
// turning qualified starts the sales pipeline on a new deal).
struct StartRule {
    std::string on;                          // record type watched ("" = the flow's own)
    nlohmann::json when = true;              // JsonLogic on that record
    std::string link_field;                  // on the new record: refers back to the trigger
    std::map<std::string, std::string> copy; // new record's field <- trigger record's field
};

struct Flow {
    std::string id;
    std::string name;
    std::string record_type;
    std::string description;
    StartRule start;
    std::string stage_field; // optional picklist mirroring the stage by name (deal.stage)
    bool allow_backward = true;
    bool allow_skip = false;
    std::optional<int> stale_after_days; // days in a stage before a record is stale
    std::vector<Stage> stages;
    std::vector<FlowOutcome> outcomes;
    std::vector<FlowExit> exits;

    const Stage* stage(const std::string& id) const;
    const FlowOutcome* outcome(const std::string& id) const;
    const FlowExit* exit(const std::string& id) const;
    int stage_index(const std::string& id) const; // -1 when not a stage
};

// Days a record may stay in `stage` before it is stale: the stage's own
// setting, else the flow's, else kDefaultStaleAfterDays.
int stale_after_days(const Flow& flow, const Stage& stage);

// Where one record stands in one flow.
// The last move a gate stopped on a record, kept until the record moves on
// (the manager's "blocked moves" queue).
struct BlockedAttempt {
    std::string to;                   // the target's id
    std::vector<std::string> missing; // required field ids not set
    std::vector<std::string> failing; // entry conditions not met, in words
    Instant at;
    std::string by;             // user id
    std::uint64_t attempts = 1; // tries at this target since the record last moved
};

// One stage a record entered, as its flow history keeps it.
struct StageEntry {
    std::string stage; // the stage, or the outcome or exit that ended the flow
    Instant at;
    std::string by;                    // user id
    std::vector<std::string> warnings; // from a warned gate that was passed
    std::string reason;                // why it left through an exit
    std::string mapped_from;           // the removed stage it was moved out of
    bool joined = false;               // came in at this stage by its stage field

    bool operator==(const StageEntry&) const = default;
};

struct FlowState {
    std::string stage;             // current stage id (the last one, once ended)
    std::string status = "active"; // "active", "ended" (an outcome), "exited" (an exit), or
                                   // "spawned": this record started the flow on another record
    std::string outcome;           // outcome or exit id once ended; the new record's id if spawned
    std::string reason;
    Instant started_at;
    Instant entered_at; // when the current stage was entered
    Instant ended_at;
    std::vector<StageEntry> history; // every stage entered, oldest first
    std::optional<BlockedAttempt> blocked;

    bool active() const { return status == "active"; }
};

// One of the statuses a flow state may have (FlowState::status).
inline bool is_flow_status(std::string_view status) {
    return status == "active" || status == "ended" || status == "exited" || status == "spawned";
}

// The stage or outcome id a stage field's value names ("Proposal", "closed won",
// "proposal"): by name in any case, or by id. "" when it names none.
std::string stage_named(const Flow& flow, const std::string& value);
// Where a record stands that joins a flow by its stage field (imported with a
// stage, or given one outside the flow): at `target` since `entered`, or
// ended there when `target` is an outcome.
FlowState joined_flow_state(const Flow& flow, const std::string& target, Instant started,
                            Instant entered, const std::string& by);

// The usual way on from where a record stands: the first target its stage's
// `next` names (a stage or an outcome), else the stage after it in the flow.
// Nothing once the flow has ended, or from a last stage without `next`.
struct NextStep {
    std::string id;
    std::string name;
    const Gate* gate = nullptr; // what a move there requires
};
std::optional<NextStep> next_step(const Flow& flow, const FlowState& state);

} // namespace crm
