// SLA clocks on records: evaluating policies against the workspace's calendar.
#pragma once

#include "model/workspace.hpp"
#include "sla/calendar.hpp"
#include "sla/policy.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace crm {

// Problems with the workspace's policies, e.g. "demo_first_response › within: ...".
std::vector<std::string> validate_sla_policies(const Workspace& workspace);

enum class ClockState { Ok, AtRisk, Overdue, Met, Paused };
const char* clock_state_name(ClockState state); // "ok", "at-risk", "overdue", "met", "paused"

struct SlaClock {
    const SlaPolicy* policy = nullptr;
    Instant started, due;
    ClockState state = ClockState::Ok;
};

// The workspace's business calendar (Mon-Fri 09:00-17:00 UTC when it has none).
BusinessCalendar workspace_calendar(const Workspace& workspace);

// The clocks that apply to a record at `now`, met ones included.
std::vector<SlaClock> sla_clocks(const Workspace& workspace, const BusinessCalendar& calendar,
                                 const Record& record, Instant now);

// When the next action of a stage is due: its task template's due_in from
// entering the stage. None without a due_in.
struct ActionDue {
    Instant at;
    const BusinessCalendar* clock; // `calendar` for business time, else always open
};
std::optional<ActionDue> next_action_due(const BusinessCalendar& calendar, const Stage& stage,
                                         const FlowState& state);

// What a record's deadlines are, whatever the time of asking: when each SLA
// clock started and falls due (before pauses) and whether its conditions
// hold; when each stage's next action is due. Worked out by SlaClockReader
// once per change of the record or of the definitions, and kept with the
// record (Record::due_facts): My work and the exception queues ask this of
// thousands of records each time they are shown.
struct DueFacts {
    struct Clock {
        bool runs = false; // the policy runs a clock on the record
        Instant started, due;
        bool met = false;
        bool paused_by_rule = false; // its pause condition holds
    };
    struct Action {
        const FlowState* state; // in the record's flows
        Instant due;
        bool business = false;
    };
    std::uint64_t definitions = 0; // what they were worked out from (a fingerprint)
    // By SlaClockReader's policies. A policy whose conditions read the time
    // (days_since, now, ...) is worked out on each read instead.
    std::vector<Clock> clocks;
    std::vector<Action> actions;     // the active stages whose next action has a due time
    std::optional<Instant> earliest; // the soonest of them, running clocks' and actions'
};

// sla_clocks() for reading many records (queues, reports, My work): each
// policy's duration and the fields its conditions read are worked out once,
// and each record's DueFacts are kept with it. Valid while the workspace's
// definitions are unchanged and `calendar` lives.
class SlaClockReader {
  public:
    // Without `keep_facts` it works each record's facts out afresh: for a
    // single read, where fingerprinting the definitions would cost more.
    SlaClockReader(const Workspace& workspace, const BusinessCalendar& calendar,
                   bool keep_facts = true);
    std::vector<SlaClock> operator()(const Record& record, Instant now) const;
    // Without met clocks, which lists of what is left to do leave out.
    std::vector<SlaClock> running(const Record& record, Instant now) const;
    // next_action_due() of the record's stage in `state`, one of record.flows.
    std::optional<ActionDue> action_due(const Record& record, const FlowState& state) const;
    // No deadline of the record falls earlier than this, whatever the time
    // (pauses only push them back); none when it has none. The earliest
    // instant there is when a policy on its type reads the time.
    std::optional<Instant> earliest_deadline(const Record& record) const;
    // Works out the facts of every record that has deadlines: opening a
    // workspace does this, so that the first screen need not.
    void keep_all(const Workspace& workspace) const;
    // Whether an SLA policy times records of `type`: only those have clocks.
    bool times_type(std::string_view type) const;

  private:
    struct Policy {
        const SlaPolicy* policy;
        const RecordTypeDef* type;
        Duration within;
        std::optional<std::vector<const FieldDef*>> reads; // none: the whole record
        bool reads_time = false;
    };
    std::vector<SlaClock> read(const Record& record, Instant now, bool with_met) const;
    DueFacts::Clock clock_fact(const Policy& policy, const Record& record, Instant now) const;
    std::shared_ptr<const DueFacts> facts_of(const Record& record) const;
    bool is_current(const DueFacts& facts) const; // worked out from today's definitions
    DueFacts work_out(const Record& record) const;

    const Workspace& m_workspace;
    const BusinessCalendar& m_calendar;
    std::vector<Policy> m_policies;
    bool m_keeps_facts = true;
    std::uint64_t m_definitions = 0;
};

// How far along [started, due) `now` is in working time, 0..1 (1 when due),
// leaving out the time the clock was paused.
double share_used(const BusinessCalendar& calendar, Instant started, Instant due, Instant now,
                  const std::vector<PauseSpan>* pauses = nullptr);

// Clocks to pause or resume on a record now: a pause condition ("waiting on
// the customer") became true or false. Journaled as sla.paused / sla.resumed,
// so the time it stood still pushes the due time back.
struct PauseChange {
    std::string policy;
    bool paused = false;
};
std::vector<PauseChange> pause_changes(const Workspace& workspace, const Record& record,
                                       Instant now);

// The user ids that names like "owner", "owner_manager", "role:manager" or a user id stand for.
std::vector<std::string> people_named(const Workspace& workspace,
                                      const std::vector<std::string>& names, const Record& record);

// Who hears of a breach, as user ids (the managers when the policy names nobody there is).

std::vector<std::string> alert_recipients(const Workspace& workspace, const SlaPolicy& policy,
                                          const Record& record);

// Who a breach reassigns the record to ("" for nobody). A role picks its
// member with the fewest `open_records` (user id -> records of the type they own).
std::string breach_reassignee(const Workspace& workspace, const SlaPolicy& policy,
                              const Record& record,
                              const std::map<std::string, std::size_t>& open_records);

} // namespace crm
