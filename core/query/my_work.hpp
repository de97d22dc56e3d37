// "My work": one list of what a person should do, ordered by when it is due:
// running SLA clocks, breaches escalated to them, the next actions of their
// records' stages, and their open tasks. The rep's default screen and `crm next-actions`.
#pragma once

#include "engine/command.hpp"
#include "model/workspace.hpp"
#include "sla/calendar.hpp"
#include "sla/clocks.hpp"

#include <optional>
#include <string>
#include <vector>

namespace crm {

struct WorkItem {
    std::string record_id;
    std::string title; // the record's name
    std::string kind;  // "sla", "escalation" (a breach escalated to me), "next_action" or "task"
    std::string what;  // what to do, in words
    std::optional<Instant> due;
    std::string state; // "ok", "at-risk" or "overdue"
    std::string flow;  // for next actions: the flow
};

std::vector<WorkItem> next_actions(const Workspace& workspace, const std::string& user,
                                   Instant now);

// The "Log call" action: an outbound call on `record`, now, as a command.
CreateRecord logged_call(const Workspace& workspace, const Record& record, Instant now);

// "2h 10m left", "overdue 1d 3h".
std::string describe_due(Instant due, Instant now);
// An SLA clock in words: "2h 10m left", "2h left (at risk)", "paused while
// waiting", "met", "overdue 1d 3h, escalated to Maria Lindqvist".
std::string describe_clock(const Workspace& workspace, const Record& record, const SlaClock& clock,
                           Instant now);
// "3h 5m ago", "just now".
std::string describe_ago(Instant then, Instant now);

} // namespace crm
