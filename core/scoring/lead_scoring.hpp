// Lead scoring as data: what an admin writes in the workspace's
// "lead_scoring" section (docs/scoring.md). Fit points are conditions on the
// lead's own fields; engagement points are conditions on the activities
// logged on the lead; engagement may fade with age; a lead at or above the
// MQL threshold is handed to sales once. This header is the model and its
// JSON; scoring/score.hpp computes a lead's score from it.
#pragma once

#include "model/directory.hpp"
#include "model/schema.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace crm {

// Points for a condition: on a lead's data (fit) or an activity's (engagement).
struct ScoreRule {
    std::string label;   // "Industry is Software", "Demo request"
    int points = 0;      // may be negative ("Student email")
    nlohmann::json when; // JsonLogic, as process conditions are written
};

// How engagement points fade with the activity's age. Stepwise, so a lead's
// score changes at known instants (the timer wakes only then).
struct ScoreDecay {
    enum class Kind { None, Halve, Expire };
    Kind kind = Kind::None;
    int days = 0; // halve every `days`, or count for `days` and then not at all
    bool operator==(const ScoreDecay&) const = default;
};

struct LeadScoring {
    std::vector<ScoreRule> fit;
    std::vector<ScoreRule> engagement; // an activity earns the points of the first it matches
    ScoreDecay decay;
    int mql_threshold = 0;
    std::string mql_status;  // set on a New (or status-less) lead at the hand-off; "" = none
    std::string notify_team; // whose manager hears of a hand-off; "" = the owner's team
};

inline constexpr int kMaxScorePoints = 1000;
inline constexpr int kMaxScoreRules = 200;
inline constexpr int kMaxDecayDays = 3650;

nlohmann::json lead_scoring_to_json(const LeadScoring& scoring);
// Reads the section's shape; `path` names it in messages ("$.lead_scoring").
Result<LeadScoring> lead_scoring_from_json(const nlohmann::json& json, const std::string& path);
// What does not fit this workspace: fields the conditions read that the lead
// or activity type lacks, a status the lead has no option for, a team that
// does not exist. Each problem names its place under `path`.
std::vector<std::string> validate_lead_scoring(const Schema& schema, const Directory& directory,
                                               const LeadScoring& scoring, const std::string& path);

} // namespace crm
