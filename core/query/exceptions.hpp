// The manager's exception queues: work nobody owns (and who may reassign
// it), SLA breaches across the team, the team's overdue next actions, moves a gate stopped that
// nobody completed, automations that could not run (the manual recovery queue), and changes a
// sync merged that broke a gate or a permission, grouped and counted so repeated exceptions
// stand out for review.
#pragma once

#include "model/workspace.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace crm {

struct ExceptionItem {
    std::string record_id;
    std::string title;
    std::string detail; // "Lead routing: New", "First response to a demo request, due ...",
                        // "Lead routing: Call or email the lead ... · overdue 1d 3h"
    std::string owner;  // user id ("" when unowned)
    const Record* record = nullptr; // valid only while the workspace is unchanged (counting)
    std::string problem;            // a sync problem's id: what dismissing it names
};

struct ExceptionQueue {
    std::string kind;  // "unowned", "sla_breach", "overdue_next_action", "blocked_move",
                       // "automation_failure", or from a sync: "past_gate" or "not_permitted"
    std::string group; // what repeats: the record type, SLA policy, "flow/stage" or automation
    std::string title; // "Unowned leads", "Breached: First response to a demo request"
    std::vector<std::string> handlers; // who is to act (managers who may reassign)
    std::vector<ExceptionItem> items;
};

// The recovery queue's heading for a failed automation: "Could not start:
// Onboarding", "Automation stopped: Route new leads".
std::string automation_failure_title(const Workspace& workspace, const std::string& automation);
// What a failed automation was, in words: the flow it would have started.
std::string automation_name(const Workspace& workspace, const std::string& automation);

// A move its gate stopped (FlowState::blocked), in words:
// "missing Budget, Decision maker · Ben Okafor, 2 tries, last 3h ago".
std::string describe_blocked_move(const Workspace& workspace, const Record& record,
                                  const BlockedAttempt& blocked, Instant now);

// Whether the queues are for reading (titles, details, who is alerted) or
// only for counting (reports): counting leaves the words out.
enum class QueueDetail { Words, CountOnly };

// How many items of a queue the Exceptions screen lists (it counts the rest).
inline constexpr std::size_t kExceptionItemsListed = 200;

// What `viewer` may see, largest groups first. Reps see their own breaches only.
// Only the first `worded` items of each queue get their title and detail (a
// screen shows so many; the words cost more than finding the items).
std::vector<ExceptionQueue> exception_queues(const Workspace& workspace, const std::string& viewer,
                                             Instant now, QueueDetail detail = QueueDetail::Words,
                                             std::size_t worded = SIZE_MAX);

} // namespace crm
