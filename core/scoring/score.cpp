#include "scoring/score.hpp"

#include "logic/jsonlogic.hpp"
#include "process/conditions.hpp"

#include <algorithm>
#include <set>

namespace crm {

using nlohmann::json;

namespace {

constexpr std::int64_t kDay = 86400;

struct Faded {
    int points = 0;
    std::string how;
    std::optional<Instant> next; // when it changes again
};

// Stepwise decay: the points halve at each whole `days` of age (rounded
// towards zero), or count in full until `days` have passed.
Faded fade(int points, Instant at, const ScoreDecay& decay, Instant now) {
    Faded out{points, "", std::nullopt};
    if (decay.kind == ScoreDecay::Kind::None || points == 0) return out;
    const std::int64_t step = decay.days * kDay;
    const std::int64_t steps = std::max<std::int64_t>(0, now.seconds - at.seconds) / step;
    if (decay.kind == ScoreDecay::Kind::Expire) {
        if (steps == 0) return {points, "", Instant{at.seconds + step}};
        return {0, "expired by age", std::nullopt};
    }
    out.points = steps >= 31 ? 0 : points / (1 << steps);
    if (out.points != 0) out.next = Instant{at.seconds + (steps + 1) * step};
    if (steps == 1) out.how = "halved by age";
    if (steps == 2) out.how = "halved twice by age";
    if (steps > 2) out.how = "halved " + std::to_string(steps) + " times by age";
    return out;
}

bool holds(const json& rule, const json& data, Instant now) {
    const auto result = logic::evaluate(rule, data, logic::Context{now});
    return result && logic::truthy(*result);
}

Instant activity_time(const Record& activity) {
    const json& at = activity.value("at");
    if (at.is_string())
        if (const auto instant = parse_instant(at.get<std::string>())) return *instant;
    return activity.created_at;
}

// The activities logged on the lead, oldest first.
std::vector<const Record*> activities_of(const Workspace& ws, const Record& lead) {
    std::vector<const Record*> found;
    for (const auto& id : ws.referrers_of(lead.id)) {
        const Record* record = ws.find(id);
        if (record && record->type == "activity" && record->value("related") == lead.id)
            found.push_back(record);
    }
    std::stable_sort(found.begin(), found.end(), [](const Record* a, const Record* b) {
        return activity_time(*a).seconds < activity_time(*b).seconds;
    });
    return found;
}

void add_engagements(const Workspace& ws, const Record& lead, const LeadScoring& model, Instant now,
                     ScoreBreakdown& out) {
    const RecordTypeDef* type = ws.schema.type("activity");
    if (!type || model.engagement.empty()) return;
    for (const Record* activity : activities_of(ws, lead)) {
        const json data = logic_data(*activity, *type);
        const auto rule =
            std::find_if(model.engagement.begin(), model.engagement.end(),
                         [&](const ScoreRule& r) { return holds(r.when, data, now); });
        if (rule == model.engagement.end()) continue;
        const Instant at = activity_time(*activity);
        const Faded faded = fade(rule->points, at, model.decay, now);
        out.lines.push_back({rule->label, at, rule->points, faded.points, faded.how});
        out.total += faded.points;
        if (faded.next && (!out.next_change || faded.next->seconds < out.next_change->seconds))
            out.next_change = faded.next;
    }
}

std::string signed_points(int points) {
    return (points < 0 ? "" : "+") + std::to_string(points);
}

// The lead of an activity as a record JSON kept it (a deleted one).
void add_related(const json& fields, std::set<std::string>& leads) {
    if (!fields.is_object()) return;
    const auto related = fields.find("related");
    if (related != fields.end() && related->is_string() &&
        is_record_id_of(related->get<std::string>(), "lead"))
        leads.insert(related->get<std::string>());
}

} // namespace

ScoreBreakdown score_lead(const Workspace& ws, const Record& lead, Instant now) {
    ScoreBreakdown out;
    const RecordTypeDef* type = ws.schema.type("lead");
    if (!ws.lead_scoring || !type) return out;
    const json data = logic_data(lead, *type);
    for (const auto& rule : ws.lead_scoring->fit) {
        if (!holds(rule.when, data, now)) continue;
        out.lines.push_back({rule.label, std::nullopt, rule.points, rule.points, ""});
        out.total += rule.points;
    }
    add_engagements(ws, lead, *ws.lead_scoring, now, out);
    return out;
}

// "Demo request 2026-11-20": the day in UTC, as files and the CLI write days.
std::string dated_label(const ScoreLine& line) {
    return line.at ? line.label + " " + format_instant(*line.at).substr(0, 10) : line.label;
}

std::string score_line_text(const ScoreLine& line) {
    std::string text = dated_label(line) + " " + signed_points(line.base);
    if (!line.faded.empty()) text += ", " + line.faded + ": " + signed_points(line.points);
    return text;
}

json score_breakdown_json(const Workspace& ws, const Record& lead,
                          const ScoreBreakdown& breakdown) {
    json lines = json::array();
    for (const auto& line : breakdown.lines)
        lines.push_back({{"label", dated_label(line)},
                         {"points", line.points},
                         {"base", line.base},
                         {"text", score_line_text(line)}});
    json out = {{"lead", lead.id},
                {"title", ws.title_of(lead)},
                {"lines", std::move(lines)},
                {"total", breakdown.total},
                {"mql_threshold", ws.lead_scoring ? json(ws.lead_scoring->mql_threshold) : json()},
                {"mql", is_mql(lead)},
                {"mql_at", lead.value("mql_at")},
                {"next_change",
                 breakdown.next_change ? json(format_instant(*breakdown.next_change)) : json()}};
    return out;
}

bool is_mql(const Record& lead) {
    return lead.has_value("mql_at");
}

json score_changes(const Workspace& ws, const Record& lead, const ScoreBreakdown& breakdown,
                   Instant now) {
    json changed = json::object();
    if (!ws.lead_scoring) return changed;
    if (lead.value("score") != json(breakdown.total)) changed["score"] = breakdown.total;
    const LeadScoring& model = *ws.lead_scoring;
    // The hand-off happens once: mql_at, journaled, says it has.
    if (breakdown.total < model.mql_threshold || is_mql(lead)) return changed;
    changed["mql_at"] = format_instant(now);
    const json& status = lead.value("status");
    if (!model.mql_status.empty() && (status.is_null() || status == "New"))
        changed["status"] = model.mql_status;
    return changed;
}

std::vector<std::string> leads_touched(const Workspace& ws, const EventBatch& batch) {
    std::set<std::string> leads;
    for (const auto& event : batch.events) {
        const std::string& id = event.record_id();
        if (is_record_id_of(id, "lead")) {
            if (event.as<events::RecordCreated>() || event.as<events::RecordUpdated>() ||
                event.as<events::RecordRestored>())
                leads.insert(id);
            continue;
        }
        if (!is_record_id_of(id, "activity")) continue;
        if (const Record* activity = ws.find(id)) add_related(activity->fields, leads);
        if (const auto* updated = event.as<events::RecordUpdated>())
            add_related(updated->before, leads); // moved from another lead
        else if (const auto* deleted = event.as<events::RecordDeleted>();
                 deleted && deleted->record.is_object())
            add_related(deleted->record.value("fields", json()), leads);
    }
    std::vector<std::string> out;
    for (const auto& id : leads)
        if (const Record* lead = ws.find(id); lead && lead->type == "lead") out.push_back(id);
    return out;
}

} // namespace crm
