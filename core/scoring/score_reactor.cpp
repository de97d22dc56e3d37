#include "scoring/score_reactor.hpp"

#include "scoring/score.hpp"

#include <algorithm>

namespace crm {

namespace {

bool changes_model(const EventBatch& batch) {
    return std::any_of(batch.events.begin(), batch.events.end(), [](const Event& event) {
        return event.as<events::LeadScoringChanged>() != nullptr;
    });
}

// Leads this (scoring) batch handed to sales: mql_at set where it was not.
std::vector<const Record*> handed_off(const Workspace& ws, const EventBatch& batch) {
    std::vector<const Record*> leads;
    for (const auto& event : batch.events) {
        const auto* updated = event.as<events::RecordUpdated>();
        if (!updated || !updated->fields.contains("mql_at") || updated->fields["mql_at"].is_null())
            continue;
        if (const Record* lead = ws.find(updated->id)) leads.push_back(lead);
    }
    return leads;
}

std::vector<Reaction> notify_hand_offs(const Workspace& ws, const EventBatch& batch) {
    Notify notify;
    for (const Record* lead : handed_off(ws, batch)) {
        const std::string manager = mql_recipient(ws, *lead);
        if (manager.empty()) continue;
        Notification notification;
        notification.user = manager;
        notification.kind = kNotifyMql;
        notification.record = lead->id;
        notification.text = ws.title_of(*lead) + " is a marketing-qualified lead (score " +
                            lead->value("score").dump() + "): handed to sales";
        notification.by = kAutomationActor;
        notification.cause = kLeadScoringReactor;
        notify.notifications.push_back(std::move(notification));
    }
    if (notify.notifications.empty()) return {};
    const std::string first = notify.notifications.front().record;
    return {{std::move(notify), first, std::string(kLeadScoringReactor) + " hand-off"}};
}

} // namespace

std::string mql_recipient(const Workspace& ws, const Record& lead) {
    std::string team = ws.lead_scoring ? ws.lead_scoring->notify_team : "";
    if (team.empty())
        if (const User* owner = ws.directory.user(lead.owner)) team = owner->team;
    const Team* found = ws.directory.team(team);
    return found ? found->manager : "";
}

std::vector<Reaction> ScoreReactor::react(const Workspace& ws, const EventBatch& batch,
                                          Instant) const {
    // Its own batches: rescoring them again would change nothing.
    if (batch.cause.reactor == kLeadScoringReactor) return notify_hand_offs(ws, batch);
    if (!ws.lead_scoring) return {};
    ScoreLeads command;
    command.ids = changes_model(batch) ? ws.ids_of_type("lead") : leads_touched(ws, batch);
    if (command.ids.empty()) return {};
    const std::string first = command.ids.front();
    return {{std::move(command), first, kLeadScoringReactor}};
}

} // namespace crm
