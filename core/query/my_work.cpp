#include "query/my_work.hpp"

#include "engine/permissions.hpp"
#include "sla/clocks.hpp"

#include <algorithm>
#include <map>

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

std::optional<ActionDue> next_action_due(const BusinessCalendar& calendar, const Stage& stage,
                                         const FlowState& state) {
    if (!stage.next_action.task || stage.next_action.task->due_in.empty()) return std::nullopt;
    const auto duration = parse_duration(stage.next_action.task->due_in);
    if (!duration) return std::nullopt;
    const BusinessCalendar& clock = duration->business ? calendar : BusinessCalendar::always_open();
    const auto due = due_at(clock, state.entered_at, *duration);
    if (!due) return std::nullopt;
    return ActionDue{*due, &clock};
}

std::vector<WorkItem> stage_actions(const Workspace& ws, const BusinessCalendar& calendar,
                                    const Record& record, Instant now) {
    std::vector<WorkItem> items;
    std::string title; // made once there is an item: most records have none
    for (const auto& [flow_id, state] : record.flows) {
        const Flow* flow = ws.flow(flow_id);
        const Stage* stage = flow && state.active() ? flow->stage(state.stage) : nullptr;
        if (!stage || stage->next_action.text.empty()) continue;
        if (title.empty()) title = ws.title_of(record);
        WorkItem item{record.id,    title, "next_action", stage->next_action.text,
                      std::nullopt, "ok",  flow_id,       "",
                      record.id,    {}};
        if (const auto due = next_action_due(calendar, *stage, state)) {
            item.due = due->at;
            item.state = state_of(*due->clock, state.entered_at, due->at, now, 0.75);
        }
        items.push_back(item);
    }
    return items;
}

namespace {

bool more_urgent(const WorkItem& a, const WorkItem& b) {
    if (a.due.has_value() != b.due.has_value()) return a.due.has_value();
    return a.due && b.due ? *a.due < *b.due : false;
}

// An open task of `user`, as a work item shown under the record it belongs to.
std::optional<WorkItem> task_item(const Workspace& ws, const Record& task, Instant now) {
    const auto& done = task.value("done");
    if (done.is_boolean() && done.get<bool>()) return std::nullopt;
    const std::string title = ws.title_of(task);
    WorkItem item{task.id, title, "task", title, std::nullopt, "ok", "", "", task.id, {}};
    const auto& related = task.value("related");
    if (related.is_string())
        if (const Record* parent = ws.find(related.get<std::string>())) {
            item.about = parent->id;
            item.title = ws.title_of(*parent);
        }
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
               const std::string& title, const SlaClock& clock) {
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
                         title,
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

// One row per record: its most urgent item, the rest under it.
std::vector<WorkItem> fold_by_record(std::vector<WorkItem> items) {
    std::stable_sort(items.begin(), items.end(), more_urgent);
    std::vector<WorkItem> rows;
    std::map<std::string, std::size_t> row_of;
    for (auto& item : items) {
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
    std::vector<WorkItem> items = stage_actions(ws, calendar, record, now);
    for (const auto& id : ws.referrers_of(record.id)) {
        const Record* task = ws.find(id);
        if (!task || task->type != "task" || task->value("related") != record.id) continue;
        if (auto item = task_item(ws, *task, now)) items.push_back(std::move(*item));
    }
    const std::string title = ws.title_of(record);
    for (const auto& clock : sla_clocks(ws, calendar, record, now))
        if (clock.state != ClockState::Met && clock.state != ClockState::Paused)
            add_clock(items, 0, record, title, clock);
    if (items.empty()) return std::nullopt;
    for (auto& item : items)
        item.about = record.id; // one row, whoever's task it is
    return std::move(fold_by_record(std::move(items)).front());
}

std::vector<WorkItem> next_actions(const Workspace& ws, const std::string& user, Instant now) {
    std::vector<WorkItem> items;
    const BusinessCalendar calendar = workspace_calendar(ws);
    const SlaClockReader clocks_of(ws, calendar);
    const User* me = ws.directory.user(user);
    auto names_me = [&](const std::vector<std::string>& people) {
        return std::find(people.begin(), people.end(), user) != people.end();
    };
    // My open tasks, by the record they belong to, so a clock can find its action.
    std::map<std::string, std::vector<WorkItem>> tasks_of;
    for (const auto& id : ws.ids_of_type("task")) {
        const Record* task = ws.find(id);
        if (task->owner != user) continue;
        if (auto item = task_item(ws, *task, now))
            tasks_of[item->about].push_back(std::move(*item));
    }
    for (const Record* record : ws.all_records()) {
        const bool escalated_to_me =
            std::any_of(record->sla_escalations.begin(), record->sla_escalations.end(),
                        [&](const auto& escalation) { return names_me(escalation.second); });
        const bool mine = record->owner == user;
        if (!mine && !(escalated_to_me && me && can_view(ws, *me, *record))) continue;
        const std::string title = ws.title_of(*record);
        const std::size_t first = items.size();
        if (mine) {
            for (auto& item : stage_actions(ws, calendar, *record, now))
                items.push_back(std::move(item));
            if (auto tasks = tasks_of.find(record->id); tasks != tasks_of.end()) {
                for (auto& item : tasks->second)
                    items.push_back(std::move(item));
                tasks_of.erase(tasks);
            }
        }
        for (const auto& clock : clocks_of(*record, now)) {
            if (clock.state == ClockState::Met || clock.state == ClockState::Paused) continue;
            const auto escalation = record->sla_escalations.find(clock.policy->id);
            const bool mine_to_rescue = clock.state == ClockState::Overdue &&
                                        escalation != record->sla_escalations.end() &&
                                        names_me(escalation->second);
            if (mine_to_rescue) {
                const User* owner = ws.directory.user(record->owner);
                items.push_back(
                    {record->id,
                     title,
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
                add_clock(items, first, *record, title, clock);
            }
        }
    }
    // Tasks whose record is not mine (or is gone) still are mine to do.
    for (auto& [about, tasks] : tasks_of)
        for (auto& item : tasks)
            items.push_back(std::move(item));
    return fold_by_record(std::move(items));
}

} // namespace crm
