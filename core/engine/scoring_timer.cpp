// The timer's part in lead scoring: decay lowers scores with time alone.
// Each lead's next change is kept in an index (wake_order), so a minute's
// tick looks only at leads whose score is due to change and leads changed
// since the last tick, not at every lead: every lead is looked at once after
// open (or a replay, or a model change), as the SLA timer does.
#include "engine/engine.hpp"
#include "scoring/score.hpp"

#include <algorithm>

namespace crm {

std::vector<std::string> Engine::leads_to_rescore(Instant now) {
    auto& index = m_timer.scores;
    std::vector<std::string> ids;
    if (!index.scanned) {
        index.wake.clear();
        index.wake_order.clear();
        ids = m_workspace.ids_of_type("lead");
    } else {
        ids.assign(index.changed.begin(), index.changed.end());
        for (auto it = index.wake_order.begin();
             it != index.wake_order.end() && it->first.seconds <= now.seconds; ++it)
            ids.push_back(it->second);
    }
    index.scanned = true;
    index.changed.clear();
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

void Engine::schedule_score(const std::string& lead_id, std::optional<Instant> wake) {
    auto& index = m_timer.scores;
    if (const auto known = index.wake.find(lead_id); known != index.wake.end()) {
        index.wake_order.erase({known->second, lead_id});
        index.wake.erase(known);
    }
    if (!wake) return;
    index.wake.emplace(lead_id, *wake);
    index.wake_order.emplace(*wake, lead_id);
}

std::vector<std::string> Engine::rescore_due(Instant now) {
    if (!m_workspace.lead_scoring) {
        m_timer.scores = {};
        return {};
    }
    ScoreLeads command;
    std::vector<std::string> said;
    for (const auto& id : leads_to_rescore(now)) {
        const Record* lead = m_workspace.find(id);
        if (!lead || lead->type != "lead") {
            schedule_score(id, std::nullopt); // deleted
            continue;
        }
        const ScoreBreakdown breakdown = score_lead(m_workspace, *lead, now);
        schedule_score(id, breakdown.next_change);
        const auto changed = score_changes(m_workspace, *lead, breakdown, now);
        if (changed.empty()) continue;
        command.ids.push_back(id);
        if (changed.contains("score"))
            said.push_back("Score of " + m_workspace.title_of(*lead) + ": " +
                           (lead->has_value("score") ? lead->value("score").dump() : "none") +
                           " -> " + std::to_string(breakdown.total) + " (" + kLeadScoringReactor +
                           ")");
    }
    if (command.ids.empty()) return said;
    auto notes = run_automation(command, Cause{"timer", 0, kLeadScoringReactor}, now);
    said.insert(said.end(), notes.begin(), notes.end());
    return said;
}

} // namespace crm
