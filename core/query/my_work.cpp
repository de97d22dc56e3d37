#include "query/my_work.hpp"

#include "engine/permissions.hpp"
#include "sla/clocks.hpp"

#include <algorithm>

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

std::vector<WorkItem> next_actions(const Workspace& ws, const std::string& user, Instant now) {
    std::vector<WorkItem> items;
    const BusinessCalendar calendar = workspace_calendar(ws);
    const User* me = ws.directory.user(user);
    auto names_me = [&](const std::vector<std::string>& people) {
        return std::find(people.begin(), people.end(), user) != people.end();
    };
    for (const Record* record : ws.all_records()) {
        const bool escalated_to_me =
            std::any_of(record->sla_escalations.begin(), record->sla_escalations.end(),
                        [&](const auto& escalation) { return names_me(escalation.second); });
        if (record->owner != user && !(escalated_to_me && me && can_view(ws, *me, *record)))
            continue;
        const std::string title = ws.title_of(*record);
        for (const auto& clock : sla_clocks(ws, calendar, *record, now)) {
            if (clock.state == ClockState::Met || clock.state == ClockState::Paused) continue;
            const auto escalation = record->sla_escalations.find(clock.policy->id);
            const bool mine_to_rescue = clock.state == ClockState::Overdue &&
                                        escalation != record->sla_escalations.end() &&
                                        names_me(escalation->second);
            if (mine_to_rescue) {
                const User* owner = ws.directory.user(record->owner);
                items.push_back(
                    {record->id, title, "escalation",
                     "Escalated: " + clock.policy->name +
                         (owner && owner->id != user ? " (owner " + owner->name + ")" : ""),
                     clock.due, "overdue", ""});
            } else if (record->owner == user) {
                items.push_back({record->id, title, "sla", clock.policy->name, clock.due,
                                 clock_state_name(clock.state), ""});
            }
        }
        if (record->owner != user) continue; // escalated to me: only the escalation is mine
        for (const auto& [flow_id, state] : record->flows) {
            const Flow* flow = ws.flow(flow_id);
            const Stage* stage = flow && state.active() ? flow->stage(state.stage) : nullptr;
            if (!stage || stage->next_action.text.empty()) continue;
            WorkItem item{record->id,   title, "next_action", stage->next_action.text,
                          std::nullopt, "ok",  flow_id};
            if (stage->next_action.task && !stage->next_action.task->due_in.empty())
                if (auto duration = parse_duration(stage->next_action.task->due_in)) {
                    const BusinessCalendar& clock =
                        duration->business ? calendar : BusinessCalendar::always_open();
                    if (auto due = due_at(clock, state.entered_at, *duration)) {
                        item.due = *due;
                        item.state = state_of(clock, state.entered_at, *due, now, 0.75);
                    }
                }
            items.push_back(item);
        }
        if (record->type == "task") {
            const auto& done = record->value("done");
            if (done.is_boolean() && done.get<bool>()) continue;
            WorkItem item{record->id, title, "task", title, std::nullopt, "ok", ""};
            const auto& due = record->value("due");
            if (due.is_string())
                if (const auto when = parse_instant(due.get<std::string>())) {
                    item.due = *when;
                    item.state = state_of(BusinessCalendar::always_open(), record->created_at,
                                          *when, now, 0.75);
                }
            items.push_back(item);
        }
    }
    // Most urgent first; things without a due time last.
    std::stable_sort(items.begin(), items.end(), [](const WorkItem& a, const WorkItem& b) {
        if (a.due.has_value() != b.due.has_value()) return a.due.has_value();
        return a.due && b.due ? *a.due < *b.due : false;
    });
    return items;
}

} // namespace crm
