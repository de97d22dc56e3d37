#include "scoring/lead_scoring.hpp"

#include "io/schema_json.hpp"
#include "logic/jsonlogic.hpp"
#include "process/conditions.hpp"

#include <algorithm>

namespace crm {

using nlohmann::json;

namespace {

json rules_to_json(const std::vector<ScoreRule>& rules) {
    json out = json::array();
    for (const auto& rule : rules)
        out.push_back({{"label", rule.label}, {"points", rule.points}, {"when", rule.when}});
    return out;
}

// A whole number in [low, high], or a message saying what was expected.
Result<int> whole_number(const json& value, const std::string& path, int low, int high) {
    if (!value.is_number_integer() || value.get<long long>() < low || value.get<long long>() > high)
        return Error{path + ": expected a whole number from " + std::to_string(low) + " to " +
                     std::to_string(high) + ", got " + got(value)};
    return static_cast<int>(value.get<long long>());
}

Result<ScoreRule> rule_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object with label, points and when, got " +
                     json_type_name(value)};
    if (auto s = check_known_keys(value, path, {"label", "points", "when"}); !s)
        return Error{s.error()};
    ScoreRule rule;
    auto label = require_string(value, path, "label");
    if (!label) return Error{label.error()};
    if (label->find_first_not_of(" \t") == std::string::npos)
        return Error{path + ".label: expected the words a rep reads, got an empty text"};
    rule.label = std::move(*label);
    if (!value.contains("points"))
        return Error{path + ".points: expected a whole number of points, got nothing"};
    auto points =
        whole_number(value["points"], path + ".points", -kMaxScorePoints, kMaxScorePoints);
    if (!points) return Error{points.error()};
    rule.points = *points;
    if (!value.contains("when"))
        return Error{path + ".when: expected a JsonLogic condition, got nothing"};
    rule.when = value["when"];
    if (const auto problems = logic::check(rule.when); !problems.empty())
        return Error{path + ".when: " + problems.front()};
    return rule;
}

Result<std::vector<ScoreRule>> rules_from_json(const json& document, const std::string& path,
                                               const char* key) {
    std::vector<ScoreRule> rules;
    const auto list = document.find(key);
    if (list == document.end()) return rules;
    const std::string here = path + "." + key;
    if (!list->is_array())
        return Error{here + ": expected an array of {label, points, when}, got " +
                     json_type_name(*list)};
    if (list->size() > static_cast<std::size_t>(kMaxScoreRules))
        return Error{here + ": at most " + std::to_string(kMaxScoreRules) + " rules, got " +
                     std::to_string(list->size())};
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto rule = rule_from_json((*list)[i], here + "[" + std::to_string(i) + "]");
        if (!rule) return Error{rule.error()};
        rules.push_back(std::move(*rule));
    }
    return rules;
}

Result<ScoreDecay> decay_from_json(const json& value, const std::string& path) {
    const char* expected = ": expected {\"halve_every_days\": N} or {\"expire_after_days\": N}";
    if (value.is_null()) return ScoreDecay{};
    if (!value.is_object() || value.size() != 1)
        return Error{path + expected + ", got " + got(value)};
    ScoreDecay decay;
    if (value.contains("halve_every_days"))
        decay.kind = ScoreDecay::Kind::Halve;
    else if (value.contains("expire_after_days"))
        decay.kind = ScoreDecay::Kind::Expire;
    else
        return Error{path + "." + value.begin().key() + ": unknown field" + expected};
    auto days =
        whole_number(value.begin().value(), path + "." + value.begin().key(), 1, kMaxDecayDays);
    if (!days) return Error{days.error()};
    decay.days = *days;
    return decay;
}

Status read_hand_off(const json& document, const std::string& path, LeadScoring& scoring) {
    const auto threshold = document.find("mql_threshold");
    if (threshold == document.end())
        return Error{path +
                     ".mql_threshold: expected the points that make a lead an MQL, got nothing"};
    auto points = whole_number(*threshold, path + ".mql_threshold", 1, kMaxScorePoints * 10);
    if (!points) return Error{points.error()};
    scoring.mql_threshold = *points;
    for (const auto& [key, target] :
         {std::pair<const char*, std::string*>{"mql_status", &scoring.mql_status},
          {"notify_team", &scoring.notify_team}}) {
        const auto value = document.find(key);
        if (value == document.end()) continue;
        if (!value->is_string())
            return Error{path + "." + key + ": expected text, got " + got(*value)};
        *target = value->get<std::string>();
    }
    return Status::success();
}

// Fields a condition reads that `type` does not have.
void check_variables(const RecordTypeDef& type, const ScoreRule& rule, const std::string& path,
                     std::vector<std::string>& problems) {
    for (const auto& name : logic::variables(rule.when)) {
        const std::string field = name.substr(0, name.find('.'));
        const bool currency = field.size() > 9 && field.ends_with("_currency") &&
                              type.field(field.substr(0, field.size() - 9));
        if (!type.field(field) && !is_system_variable(name) && !currency)
            problems.push_back(path + ".when: \"" + name + "\" is not a field of " + type.label);
    }
}

void check_rules(const RecordTypeDef* type, const std::vector<ScoreRule>& rules,
                 const std::string& path, std::vector<std::string>& problems) {
    if (!type) return;
    for (std::size_t i = 0; i < rules.size(); ++i)
        check_variables(*type, rules[i], path + "[" + std::to_string(i) + "]", problems);
}

} // namespace

json lead_scoring_to_json(const LeadScoring& scoring) {
    json out = {{"mql_threshold", scoring.mql_threshold},
                {"fit", rules_to_json(scoring.fit)},
                {"engagement", rules_to_json(scoring.engagement)}};
    if (scoring.decay.kind == ScoreDecay::Kind::Halve)
        out["decay"] = {{"halve_every_days", scoring.decay.days}};
    else if (scoring.decay.kind == ScoreDecay::Kind::Expire)
        out["decay"] = {{"expire_after_days", scoring.decay.days}};
    if (!scoring.mql_status.empty()) out["mql_status"] = scoring.mql_status;
    if (!scoring.notify_team.empty()) out["notify_team"] = scoring.notify_team;
    return out;
}

Result<LeadScoring> lead_scoring_from_json(const json& document, const std::string& path) {
    if (!document.is_object())
        return Error{path +
                     ": expected a lead scoring object ({\"mql_threshold\": ..., \"fit\": "
                     "[...], \"engagement\": [...]}), got " +
                     json_type_name(document)};
    if (auto s = check_known_keys(
            document, path,
            {"mql_threshold", "mql_status", "notify_team", "decay", "fit", "engagement"});
        !s)
        return Error{s.error()};
    LeadScoring scoring;
    if (auto s = read_hand_off(document, path, scoring); !s) return Error{s.error()};
    auto fit = rules_from_json(document, path, "fit");
    if (!fit) return Error{fit.error()};
    scoring.fit = std::move(*fit);
    auto engagement = rules_from_json(document, path, "engagement");
    if (!engagement) return Error{engagement.error()};
    scoring.engagement = std::move(*engagement);
    auto decay = decay_from_json(document.value("decay", json()), path + ".decay");
    if (!decay) return Error{decay.error()};
    scoring.decay = *decay;
    return scoring;
}

std::vector<std::string> validate_lead_scoring(const Schema& schema, const Directory& directory,
                                               const LeadScoring& scoring,
                                               const std::string& path) {
    std::vector<std::string> problems;
    const RecordTypeDef* lead = schema.type("lead");
    check_rules(lead, scoring.fit, path + ".fit", problems);
    check_rules(schema.type("activity"), scoring.engagement, path + ".engagement", problems);
    if (!scoring.mql_status.empty() && lead) {
        const FieldDef* status = lead->field("status");
        if (status && std::find(status->options.begin(), status->options.end(),
                                scoring.mql_status) == status->options.end()) {
            std::string options;
            for (const auto& option : status->options)
                options += (options.empty() ? "\"" : ", \"") + option + "\"";
            problems.push_back(path + ".mql_status: \"" + scoring.mql_status +
                               "\" is not a lead status (expected one of " + options + ")");
        }
    }
    if (!scoring.notify_team.empty() && !directory.team(scoring.notify_team))
        problems.push_back(path + ".notify_team: there is no team \"" + scoring.notify_team + "\"");
    return problems;
}

} // namespace crm
