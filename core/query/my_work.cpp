#include "query/my_work.hpp"

#include "engine/permissions.hpp"
#include "sla/clocks.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>

namespace crm {

namespace {

std::string span(std::int64_t seconds) {
    const std::int64_t days = seconds / 86400, hours = seconds % 86400 / 3600,
                       minutes = seconds % 3600 / 60;
    if (days > 0)
        return std::to_string(days) + "d" + (hours ? " " + std::to_string(hours) + "h" : "");
    if (hours > 0)
        return std::to_string(hours) + "h" + (minutes ? " " + std::to_string(minutes) + "m" : "");
    return std::to_string(std::max<std::int64_t>(minutes, 1)) + "m";
}

std::string state_of(const BusinessCalendar& calendar, Instant started, Instant due, Instant now,
                     double at_risk) {
    if (now >= due) return "overdue";
    return share_used(calendar, started, due, now) >= at_risk ? "at-risk" : "ok";
}

} // namespace

CreateRecord logged_call(const Workspace& ws, const Record& record, Instant now) {
    return CreateRecord{"activity",
                        {{"kind", "Call"},
                         {"subject", "Call about " + ws.title_of(record)},
                         {"at", format_instant(now)},
                         {"direction", "Outbound"},
                         {"related", record.id}},
                        std::nullopt};
}

std::string describe_due(Instant due, Instant now) {
    if (now >= due) return "overdue " + span(now.seconds - due.seconds);
    return span(due.seconds - now.seconds) + " left";
}

std::string describe_clock(const Workspace& ws, const Record& record, const SlaClock& clock,
                           Instant now) {
    switch (clock.state) {
    case ClockState::Met:
        return "met";
    case ClockState::Paused:
        return "paused while waiting";
    case ClockState::AtRisk:
        return describe_due(clock.due, now) + " (at risk)";
    case ClockState::Ok:
        return describe_due(clock.due, now);
    case ClockState::Overdue:
        break;
    }
    const auto escalated = record.sla_escalations.find(clock.policy->id);
    return describe_due(clock.due, now) +
           (escalated == record.sla_escalations.end()
                ? ""
                : ", escalated to " + ws.directory.names(escalated->second));
}

std::string describe_ago(Instant then, Instant now) {
    if (now <= then) return "just now";
    return span(now.seconds - then.seconds) + " ago";
}

namespace {

// The next actions of the record's active stages, due by their task
// template, untitled (name_work_items() names them).
std::vector<WorkItem> stage_actions(const Workspace& ws, const SlaClockReader& clocks,
                                    const Record& record, Instant now) {
    std::vector<WorkItem> items;
    for (const auto& [flow_id, state] : record.flows) {
        const Flow* flow = ws.flow(flow_id);
        const Stage* stage = flow && state.active() ? flow->stage(state.stage) : nullptr;
        if (!stage || stage->next_action.text.empty()) continue;
        WorkItem item{record.id,    "",   "next_action", stage->next_action.text,
                      std::nullopt, "ok", flow_id,       "",
                      record.id,    {}};
        if (const auto due = clocks.action_due(record, state)) {
            item.due = due->at;
            item.state = state_of(*due->clock, state.entered_at, due->at, now, 0.75);
        }
        items.push_back(std::move(item));
    }
    return items;
}

void name_item(const Workspace& ws, WorkItem& item) {
    if (!item.title.empty()) return;
    const Record* record = ws.find(item.record_id);
    const Record* about = item.about == item.record_id ? record : ws.find(item.about);
    if (item.kind == "task") item.what = record ? ws.title_of(*record) : item.record_id;
    item.title = about ? ws.title_of(*about) : item.record_id;
}

} // namespace

void name_work_items(const Workspace& ws, std::vector<WorkItem>& rows, std::size_t from,
                     std::size_t to) {
    for (std::size_t i = from; i < std::min(to, rows.size()); ++i) {
        name_item(ws, rows[i]);
        for (auto& item : rows[i].more)
            name_item(ws, item);
    }
}

namespace {

bool more_urgent(const WorkItem& a, const WorkItem& b) {
    if (a.due.has_value() != b.due.has_value()) return a.due.has_value();
    return a.due && b.due ? *a.due < *b.due : false;
}

// An open task of `user`, as a work item shown under the record it belongs
// to; untitled (name_work_items() names it).
std::optional<WorkItem> task_item(const Workspace& ws, const Record& task, Instant now) {
    const auto& done = task.value("done");
    if (done.is_boolean() && done.get<bool>()) return std::nullopt;
    WorkItem item{task.id, "", "task", "", std::nullopt, "ok", "", "", task.id, {}};
    const auto& related = task.value("related");
    if (related.is_string())
        if (const Record* parent = ws.find(related.get<std::string>())) item.about = parent->id;
    const auto& due = task.value("due");
    if (due.is_string())
        if (const auto when = parse_instant(due.get<std::string>())) {
            item.due = *when;
            item.state =
                state_of(BusinessCalendar::always_open(), task.created_at, *when, now, 0.75);
        }
    return item;
}

// A running clock is the deadline of the record's action: its first stage
// action, else its most urgent open task; with neither, the SLA is the action.
void add_clock(std::vector<WorkItem>& items, std::size_t first_of_record, const Record& record,
               const SlaClock& clock) {
    WorkItem* action = nullptr;
    for (std::size_t i = first_of_record; i < items.size(); ++i)
        if (items[i].kind == "next_action" && !action) action = &items[i];
    if (!action)
        for (std::size_t i = first_of_record; i < items.size(); ++i)
            if (items[i].kind == "task" && (!action || more_urgent(items[i], *action)))
                action = &items[i];
    const std::string reason = "SLA: " + clock.policy->name;
    if (!action) {
        items.push_back({record.id,
                         "",
                         "sla",
                         "Meet the SLA: " + clock.policy->name,
                         clock.due,
                         clock_state_name(clock.state),
                         "",
                         reason,
                         record.id,
                         {}});
        return;
    }
    if (action->due && *action->due < clock.due) return; // the action is due sooner anyway
    action->due = clock.due;
    action->state = clock_state_name(clock.state);
    action->reason = reason;
}

// One row per record: its most urgent item, the rest under it. Sorts
// positions rather than the items, which are big to move.
std::vector<WorkItem> fold_by_record(std::vector<WorkItem> items) {
    std::vector<std::size_t> order(items.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return more_urgent(items[a], items[b]); });
    std::vector<WorkItem> rows;
    rows.reserve(items.size());
    std::unordered_map<std::string, std::size_t> row_of;
    row_of.reserve(items.size());
    for (const std::size_t at : order) {
        WorkItem& item = items[at];
        const auto [it, first] = row_of.emplace(item.about, rows.size());
        if (first)
            rows.push_back(std::move(item));
        else
            rows[it->second].more.push_back(std::move(item));
    }
    return rows;
}

} // namespace

std::optional<WorkItem> record_next_action(const Workspace& ws, const Record& record, Instant now) {
    const BusinessCalendar calendar = workspace_calendar(ws);
    const SlaClockReader clocks(ws, calendar);
    std::vector<WorkItem> items = stage_actions(ws, clocks, record, now);
    for (const auto& id : ws.referrers_of(record.id)) {
        const Record* task = ws.find(id);
        if (!task || task->type != "task" || task->value("related") != record.id) continue;
        if (auto item = task_item(ws, *task, now)) items.push_back(std::move(*item));
    }
    for (const auto& clock : clocks(record, now))
        if (clock.state != ClockState::Met && clock.state != ClockState::Paused)
            add_clock(items, 0, record, clock);
    if (items.empty()) return std::nullopt;
    for (auto& item : items) {
        name_item(ws, item);
        item.about = record.id; // one row, whoever's task it is
    }
    return std::move(fold_by_record(std::move(items)).front());
}

namespace {

bool names(const std::vector<std::string>& people, const std::string& user) {
    return std::find(people.begin(), people.end(), user) != people.end();
}

bool escalated_to(const Record& record, const std::string& user) {
    return std::any_of(record.sla_escalations.begin(), record.sla_escalations.end(),
                       [&](const auto& escalation) { return names(escalation.second, user); });
}

// What My work looks at, from the indexes rather than every record: the
// user's records and those with a breach escalated to them, in
// all_records() order (which orders rows due at the same time).
std::vector<const Record*> records_for(const Workspace& ws, const std::string& user) {
    std::vector<const Record*> mine = ws.records_owned_by(user);
    std::vector<const Record*> escalated;
    for (const Record* record : ws.escalated_records())
        if (record->owner != user && escalated_to(*record, user)) escalated.push_back(record);
    if (escalated.empty()) return mine;
    std::vector<const Record*> records;
    records.reserve(mine.size() + escalated.size());
    std::merge(mine.begin(), mine.end(), escalated.begin(), escalated.end(),
               std::back_inserter(records),
               [&](const Record* a, const Record* b) { return ws.listed_before(*a, *b); });
    return records;
}

} // namespace

std::vector<WorkItem> next_actions(const Workspace& ws, const std::string& user, Instant now,
                                   std::size_t titled) {
    std::vector<WorkItem> items;
    const BusinessCalendar calendar = workspace_calendar(ws);
    const SlaClockReader clocks_of(ws, calendar);
    const User* me = ws.directory.user(user);
    const std::vector<const Record*> records = records_for(ws, user);
    // My open tasks, by the record they belong to, so a clock can find its action.
    std::map<std::string, std::vector<WorkItem>> tasks_of;
    for (const Record* task : records)
        if (task->type == "task" && task->owner == user)
            if (auto item = task_item(ws, *task, now))
                tasks_of[item->about].push_back(std::move(*item));
    for (const Record* record : records) {
        const bool mine = record->owner == user;
        if (!mine && !(me && can_view(ws, *me, *record))) continue;
        const std::size_t first = items.size();
        if (mine) {
            for (auto& item : stage_actions(ws, clocks_of, *record, now))
                items.push_back(std::move(item));
            if (auto tasks = tasks_of.find(record->id); tasks != tasks_of.end()) {
                for (auto& item : tasks->second)
                    items.push_back(std::move(item));
                tasks_of.erase(tasks);
            }
        }
        for (const auto& clock : clocks_of.running(*record, now)) {
            if (clock.state == ClockState::Paused) continue;
            const auto escalation = record->sla_escalations.find(clock.policy->id);
            const bool mine_to_rescue = clock.state == ClockState::Overdue &&
                                        escalation != record->sla_escalations.end() &&
                                        names(escalation->second, user);
            if (mine_to_rescue) {
                const User* owner = ws.directory.user(record->owner);
                items.push_back(
                    {record->id,
                     "",
                     "escalation",
                     "Escalated: " + clock.policy->name +
                         (owner && owner->id != user ? " (owner " + owner->name + ")" : ""),
                     clock.due,
                     "overdue",
                     "",
                     "SLA: " + clock.policy->name,
                     record->id,
                     {}});
            } else if (mine) {
                add_clock(items, first, *record, clock);
            }
        }
    }
    // Tasks whose record is not mine (or is gone) still are mine to do.
    for (auto& [about, tasks] : tasks_of)
        for (auto& item : tasks)
            items.push_back(std::move(item));
    auto rows = fold_by_record(std::move(items));
    name_work_items(ws, rows, 0, titled);
    return rows;
}

} // namespace crm
