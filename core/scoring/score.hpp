// A lead's score at an instant, point by point, from the workspace's lead
// scoring model (scoring/lead_scoring.hpp); what a rescore changes on the
// lead (score, and the MQL hand-off once); which leads a batch touches.
// The engine's ScoreLeads command and the timer use these; views and the
// CLI show score_breakdown_json().
#pragma once

#include "engine/event.hpp"
#include "model/workspace.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace crm {

// What history and the inbox name as the actor's reason: "by automation (Lead scoring)".
inline constexpr const char* kLeadScoringReactor = "Lead scoring";

struct ScoreLine {
    std::string label;         // the rule's words: "Industry is Software", "Demo request"
    std::optional<Instant> at; // an engagement's: when it happened (shown in local time)
    int base = 0;              // the rule's points
    int points = 0;            // what counts now (after decay)
    std::string faded;         // "halved by age", "expired by age"; "" when whole
};

struct ScoreBreakdown {
    std::vector<ScoreLine> lines; // fit rules that hold, then engagements oldest first
    int total = 0;
    std::optional<Instant> next_change; // when decay next changes the total
};

// The lead's score at `now`; empty when the workspace has no scoring model.
ScoreBreakdown score_lead(const Workspace& workspace, const Record& lead, Instant now);

// "Industry is Software +10", "Demo request 2026-11-20 +25, halved by age: +12".
std::string score_line_text(const ScoreLine& line);

// {"lead", "title", "lines": [{"label", "points", "base", "text"}], "total",
//  "mql_threshold", "mql": bool, "mql_at": text or null, "next_change"}.
nlohmann::json score_breakdown_json(const Workspace& workspace, const Record& lead,
                                    const ScoreBreakdown& breakdown);

// The fields a rescore sets on the lead (score; at the first crossing of the
// threshold also mql_at and the hand-off status); empty when nothing changes.
nlohmann::json score_changes(const Workspace& workspace, const Record& lead,
                             const ScoreBreakdown& breakdown, Instant now);

// Whether the lead was handed to sales (mql_at is set): once, ever.
bool is_mql(const Record& lead);

// Leads whose score a batch may change: leads it created, changed or brought
// back, and the leads of activities it created, changed, moved or deleted.
std::vector<std::string> leads_touched(const Workspace& workspace, const EventBatch& batch);

} // namespace crm
