// "My work": one list of what a person should do, ordered by when it is due:
// the next actions of their records' stages and their open tasks (a running
// SLA clock is the deadline of the record's action, named as its reason),
// and breaches escalated to them. One row per record: its most urgent item,
// the rest folded under it. The rep's default screen and `crm next-actions`.
#pragma once

#include "engine/command.hpp"
#include "model/workspace.hpp"
#include "sla/calendar.hpp"
#include "sla/clocks.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crm {

struct WorkItem {
    std::string record_id; // the record to open (for a task: the task)
    std::string title;     // the name of the record it belongs to (a task's related record)
    std::string kind;      // "next_action", "task", "sla" (an SLA with no action on the record) or
                           // "escalation" (a breach escalated to me)
    std::string what;      // what to do, in words
    std::optional<Instant> due;
    std::string state;  // "ok", "at-risk" or "overdue"
    std::string flow;   // for next actions: the flow
    std::string reason; // why it is due then: "SLA: First response to a demo request"
    std::string about;  // the record it belongs to (a task's related record, else record_id)
    std::vector<WorkItem> more; // the record's other items, most urgent first (rows only)
};

// One row per record, most urgent first; things without a due time last.
// Only the first `titled` rows (and the items under them) get their title
// and, for tasks, their `what`: naming every row of a big list costs more
// than finding them. name_work_items() names the others as they are shown.
std::vector<WorkItem> next_actions(const Workspace& workspace, const std::string& user, Instant now,
                                   std::size_t titled = SIZE_MAX);
// The first `limit` rows of next_actions(), named: worked out from the
// records whose deadlines could put them there, not from all of them, so a
// busy rep's first screen costs what it shows.
std::vector<WorkItem> first_actions(const Workspace& workspace, const std::string& user,
                                    Instant now, std::size_t limit);
// Fills in the title (and a task's what) of rows [from, to) and the items
// under them where next_actions() left them out.
void name_work_items(const Workspace& workspace, std::vector<WorkItem>& rows, std::size_t from,
                     std::size_t to);

// What is next on one record, whoever does it: its stage actions, its open
// tasks and its running SLA clocks, folded as My work folds them (the most
// urgent, the rest under it). Nothing when nothing is open. The record page.
std::optional<WorkItem> record_next_action(const Workspace& workspace, const Record& record,
                                           Instant now);

// The web app's one-click "Log call" (an outbound call on `record`, now). The
// full action, with outcome, notes and what it completes, is LogActivity.
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
