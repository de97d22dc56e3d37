#include "query/exceptions.hpp"

#include "engine/permissions.hpp"
#include "sla/clocks.hpp"

#include <algorithm>
#include <map>

namespace crm {

std::vector<ExceptionQueue> exception_queues(const Workspace& ws, const std::string& viewer_id,
                                             Instant now) {
    std::vector<ExceptionQueue> queues;
    const User* viewer = ws.directory.user(viewer_id);
    if (!viewer) return queues;
    std::vector<std::string> managers;
    for (const auto& user : ws.directory.users())
        if (user.role == Role::Manager || user.role == Role::Admin) managers.push_back(user.id);
    const BusinessCalendar calendar = workspace_calendar(ws);
    std::map<std::string, ExceptionQueue> unowned, breaches;
    for (const Record* record : ws.all_records()) {
        if (!can_view(ws, *viewer, *record)) continue;
        const std::string title = ws.title_of(*record);
        // Unowned work: records in an active process with nobody on them.
        if (record->owner.empty()) {
            for (const auto& [flow_id, state] : record->flows) {
                const Flow* flow = ws.flow(flow_id);
                const Stage* stage = flow && state.active() ? flow->stage(state.stage) : nullptr;
                if (!stage) continue;
                auto& queue = unowned[record->type];
                if (queue.items.empty()) {
                    const RecordTypeDef* type = ws.schema.type(record->type);
                    queue = {"unowned",
                             record->type,
                             "Unowned " + (type ? type->plural : record->type),
                             managers,
                             {}};
                }
                queue.items.push_back({record->id, title, flow->name + ": " + stage->name, ""});
                break;
            }
        }
        for (const auto& clock : sla_clocks(ws, calendar, *record, now)) {
            if (clock.state != ClockState::Overdue) continue;
            auto& queue = breaches[clock.policy->id];
            if (queue.items.empty())
                queue = {"sla_breach", clock.policy->id, "Breached: " + clock.policy->name, {}, {}};
            for (const auto& who : alert_recipients(ws, *clock.policy, *record))
                if (std::find(queue.handlers.begin(), queue.handlers.end(), who) ==
                    queue.handlers.end())
                    queue.handlers.push_back(who);
            queue.items.push_back(
                {record->id, title, "due " + format_instant(clock.due), record->owner});
        }
    }
    for (auto& [type, queue] : unowned)
        queues.push_back(std::move(queue));
    for (auto& [policy, queue] : breaches)
        queues.push_back(std::move(queue));
    // Repeated exceptions first: the biggest groups are where to look.
    std::stable_sort(queues.begin(), queues.end(),
                     [](const ExceptionQueue& a, const ExceptionQueue& b) {
                         return a.items.size() > b.items.size();
                     });
    return queues;
}

} // namespace crm
