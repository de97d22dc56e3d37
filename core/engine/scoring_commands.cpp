// Deciding the lead scoring commands: an admin replacing the model, and
// automation bringing scores up to date (core/scoring/).
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "scoring/score.hpp"

namespace crm::detail {

Result<Decision> decide_set_lead_scoring(const Workspace& ws, const User& actor,
                                         const SetLeadScoring& command) {
    if (!check_schema_change(actor))
        return Error{describe_user(actor) + " cannot change lead scoring; only admins can"};
    if (command.scoring) {
        const auto problems = validate_lead_scoring(ws.schema, ws.directory, *command.scoring, "$");
        if (!problems.empty()) return Error{"The lead scoring has a problem: " + problems.front()};
    }
    Decision decision;
    decision.events.push_back(events::LeadScoringChanged{command.scoring});
    return decision;
}

Result<Decision> decide_score_leads(const Workspace& ws, const ScoreLeads& command, Instant now,
                                    DecideDetails& details) {
    Decision decision;
    if (!ws.lead_scoring) return decision;
    for (const auto& id : command.ids) {
        const Record* lead = ws.find(id);
        if (!lead || lead->type != "lead") continue; // deleted since: nothing to score
        auto changed = score_changes(ws, *lead, score_lead(ws, *lead, now), now);
        if (changed.empty()) continue;
        if (changed.contains("mql_at"))
            details.warnings.push_back(ws.title_of(*lead) + " reached the MQL threshold (" +
                                       std::to_string(ws.lead_scoring->mql_threshold) +
                                       " points): handed to sales");
        decision.events.push_back(field_changes(*lead, std::move(changed)));
    }
    return decision;
}

} // namespace crm::detail
