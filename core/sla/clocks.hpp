// SLA clocks on records: evaluating policies against the workspace's calendar.
#pragma once

#include "model/workspace.hpp"
#include "sla/calendar.hpp"
#include "sla/policy.hpp"

#include <map>
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

// sla_clocks() for reading many records (queues, reports): each policy's
// duration and the fields its conditions read are worked out once. Valid
// while the workspace's policies and schema are unchanged and `calendar` lives.
class SlaClockReader {
  public:
    SlaClockReader(const Workspace& workspace, const BusinessCalendar& calendar);
    std::vector<SlaClock> operator()(const Record& record, Instant now) const;
    // Without met clocks, which lists of what is left to do leave out: a met
    // clock's due time is not worked out.
    std::vector<SlaClock> running(const Record& record, Instant now) const;

  private:
    std::vector<SlaClock> read(const Record& record, Instant now, bool with_met) const;
    struct Policy {
        const SlaPolicy* policy;
        const RecordTypeDef* type;
        Duration within;
        std::optional<std::vector<const FieldDef*>> reads; // none: the whole record
    };
    const BusinessCalendar& m_calendar;
    std::vector<Policy> m_policies;
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
