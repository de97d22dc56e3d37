#include "automation/routing.hpp"

#include "sla/clocks.hpp"
#include "util/local_time.hpp"

namespace crm {

namespace {

std::vector<std::string> rotation(const Workspace& ws, const Routing& routing) {
    if (!routing.team.empty()) {
        std::vector<std::string> members;
        for (const auto& user : ws.directory.users())
            if (user.team == routing.team && user.role == Role::Rep) members.push_back(user.id);
        return members;
    }
    return routing.users;
}

} // namespace

std::size_t open_records_of(const Workspace& ws, const std::string& type, const std::string& user) {
    std::size_t count = 0;
    for (const Record* record : ws.records_owned_by(user))
        if (record->type == type && is_open(*record)) ++count;
    return count;
}

RoutingChoice choose_owner(const Workspace& ws, const Routing& routing,
                           const std::string& record_type,
                           const std::map<std::string, std::size_t>& counts, Instant now) {
    const CivilDate today = local_date(now, workspace_calendar(ws).zone);
    const RecordTypeDef* type = ws.schema.type(record_type);
    const std::string plural = type ? type->plural : record_type;
    std::vector<std::string> skipped;
    std::string best;
    double best_share = 0;
    for (const auto& id : rotation(ws, routing)) {
        const User* user = ws.directory.user(id);
        if (!user) continue;
        if (const AwayPeriod* away = user->away_on(today)) {
            skipped.push_back(user->name + " is out of office until " +
                              format_local_date(away->to, now, workspace_calendar(ws).zone));
            continue;
        }
        if (routing.capacity) {
            const std::size_t open = open_records_of(ws, record_type, id);
            if (open >= static_cast<std::size_t>(*routing.capacity)) {
                skipped.push_back(user->name + " has " + std::to_string(open) + " open " + plural +
                                  " (capacity " + std::to_string(*routing.capacity) + ")");
                continue;
            }
        }
        const auto weight = routing.weights.find(id);
        const auto given = counts.find(id);
        const double share = (given == counts.end() ? 0.0 : static_cast<double>(given->second)) /
                             (weight == routing.weights.end() ? 1 : weight->second);
        if (best.empty() || share < best_share) {
            best = id;
            best_share = share;
        }
    }
    if (!best.empty()) return {best, ""};
    std::string reason = "no eligible owner";
    if (skipped.empty())
        reason += !routing.team.empty() ? ": the team has no reps" : ": nobody named is a user";
    for (std::size_t i = 0; i < skipped.size(); ++i)
        reason += (i == 0 ? ": " : "; ") + skipped[i];
    return {"", reason};
}

} // namespace crm
