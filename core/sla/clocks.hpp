// SLA clocks on records: evaluating policies against the workspace's calendar.
#pragma once

#include "model/workspace.hpp"
#include "sla/calendar.hpp"
#include "sla/policy.hpp"

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

// How far along [started, due) `now` is in working time, 0..1 (1 when due).
double share_used(const BusinessCalendar& calendar, Instant started, Instant due, Instant now);

// Who hears of a breach, as user ids.
std::vector<std::string> alert_recipients(const Workspace& workspace, const SlaPolicy& policy,
                                          const Record& record);

} // namespace crm
