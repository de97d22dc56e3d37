#include "automation/rule_runs.hpp"

#include "logic/jsonlogic.hpp"
#include "process/conditions.hpp"
#include "sla/calendar.hpp"
#include "sla/clocks.hpp"
#include "util/local_time.hpp"

#include <algorithm>
#include <set>

namespace crm {

using nlohmann::json;

namespace {

// Bulk changes bring records in as they stood: rules that react to single
// changes (routing a new lead) would run thousands of times on them.
bool is_bulk(const EventBatch& batch) {
    const std::string& command = batch.cause.command;
    return command == "import" || command == "undo-batch" || command == "import-people";
}

bool is_time_rule(const AutomationRule& rule) {
    const TriggerKind kind = rule.trigger.kind;
    return kind == TriggerKind::Idle || kind == TriggerKind::DateReached ||
           kind == TriggerKind::SlaAtRisk;
}

double number_or(const json& value, double fallback) {
    return value.is_number() ? value.get<double>() : fallback;
}

bool field_change_matches(const RuleTrigger& trigger, const events::RecordUpdated& update) {
    const auto after = update.fields.find(trigger.field);
    if (after == update.fields.end()) return false;
    const auto before_it = update.before.find(trigger.field);
    const json before = before_it == update.before.end() ? json() : *before_it;
    switch (trigger.kind) {
    case TriggerKind::FieldChanged:
        return (!trigger.from || *trigger.from == before) && (!trigger.to || *trigger.to == *after);
    case TriggerKind::ScoreCrossed:
        return after->is_number() && number_or(before, -1e308) < trigger.threshold &&
               after->get<double>() >= trigger.threshold;
    case TriggerKind::SatisfactionReceived:
        return after->is_number();
    default:
        return false;
    }
}

bool stage_matches(const RuleTrigger& trigger, const std::string& flow, const std::string& stage) {
    return trigger.flow == flow && !stage.empty() &&
           (trigger.stage.empty() || trigger.stage == stage);
}

// Whether `event` triggers `rule` (on the event's record).
bool triggers(const AutomationRule& rule, const Event& event, const Workspace& ws) {
    const RuleTrigger& t = rule.trigger;
    using K = TriggerKind;
    if (const auto* created = event.as<events::RecordCreated>())
        return t.kind == K::Created && created->type == rule.record_type;
    if (const auto* update = event.as<events::RecordUpdated>())
        return (t.kind == K::FieldChanged || t.kind == K::ScoreCrossed ||
                t.kind == K::SatisfactionReceived) &&
               field_change_matches(t, *update);
    if (const auto* started = event.as<events::FlowStarted>())
        return (t.kind == K::FlowStarted && t.flow == started->flow) ||
               (t.kind == K::StageEntered && stage_matches(t, started->flow, started->stage));
    if (const auto* moved = event.as<events::StageMoved>())
        return (t.kind == K::StageEntered && stage_matches(t, moved->flow, moved->to)) ||
               (t.kind == K::StageLeft && stage_matches(t, moved->flow, moved->from));
    if (const auto* ended = event.as<events::FlowEnded>())
        return (t.kind == K::FlowEnded && t.flow == ended->flow &&
                (t.outcome.empty() || t.outcome == ended->outcome)) ||
               (t.kind == K::StageLeft && stage_matches(t, ended->flow, ended->from));
    if (const auto* breach = event.as<events::SlaBreached>())
        return t.kind == K::SlaBreached && (t.policy.empty() || t.policy == breach->policy);
    (void)ws;
    return false;
}

// A breach comes due on every device of a team: it is the occasion of the
// rules it triggers, so each runs once per breach for the team (docs/sync.md).
std::string occasion_of(const Event& event) {
    if (const auto* breach = event.as<events::SlaBreached>())
        return "sla:" + breach->policy + "@" + breach->due;
    return "";
}

Reaction reaction_for(const AutomationRule& rule, const std::string& record, std::string occasion,
                      std::size_t step) {
    return Reaction{RunRule{rule.id, record, std::move(occasion), step}, record,
                    "rule " + rule.name};
}

// The record a time-driven rule last saw touched: its own last change, or
// the newest record linked to it (an activity logged, a task added).
Instant last_touched(const Workspace& ws, const Record& record) {
    Instant touched = record.updated_at;
    const auto& referrers = ws.referrers_of(record.id);
    if (!referrers.empty())
        if (const Record* newest = ws.find(referrers.back()))
            touched = std::max(touched, newest->created_at);
    return touched;
}

std::optional<CivilDate> date_of(const json& value, const TimeZone& zone) {
    if (!value.is_string()) return std::nullopt;
    const std::string& text = value.get_ref<const std::string&>();
    if (text.size() == 10) return parse_date(text);
    if (const auto instant = parse_instant(text)) return local_date(*instant, zone);
    return std::nullopt;
}

Instant local_midnight(CivilDate day, const TimeZone& zone) {
    return zone.to_instant(days_from_civil(day) * 86400);
}

struct Occasion {
    std::string name;
    Instant from, until; // due in [from, until)
};

std::vector<Occasion> occasions_of(const Workspace& ws, const BusinessCalendar& calendar,
                                   const AutomationRule& rule, const Record& record, Instant now) {
    const RuleTrigger& t = rule.trigger;
    std::vector<Occasion> found;
    if (t.kind == TriggerKind::DateReached) {
        const auto anchor = date_of(record.value(t.field), calendar.zone);
        if (!anchor) return found;
        const std::string base = t.field + "=" + format_date(*anchor) + ":";
        std::vector<int> days = t.days;
        std::sort(days.begin(), days.end());
        for (std::size_t i = 0; i < days.size(); ++i) {
            const CivilDate day = add_days(*anchor, days[i]);
            // Due until the next occasion comes (a 120-day reminder is stale at 90
            // days), the last before the date until the date has passed, one on or
            // after it for a week.
            const CivilDate end = i + 1 < days.size() ? add_days(*anchor, days[i + 1])
                                  : days[i] < 0       ? add_days(*anchor, 1)
                                                      : add_days(day, 8);
            found.push_back({base + std::to_string(days[i]), local_midnight(day, calendar.zone),
                             local_midnight(end, calendar.zone)});
        }
    } else if (t.kind == TriggerKind::Idle) {
        const Instant touched = last_touched(ws, record);
        const auto due =
            due_at(calendar, touched, Duration{Duration::Unit::Days, t.business_days, true});
        if (due) found.push_back({"idle:" + format_instant(touched), *due, Instant{INT64_MAX}});
    } else if (t.kind == TriggerKind::SlaAtRisk) {
        for (const auto& clock : sla_clocks(ws, calendar, record, now))
            if (clock.state == ClockState::AtRisk &&
                (t.policy.empty() || t.policy == clock.policy->id))
                found.push_back({"at_risk:" + clock.policy->id + ":" + format_instant(clock.due),
                                 now, clock.due});
    }
    return found;
}

bool has_fired(const Record& record, const std::string& rule, const std::string& occasion) {
    const auto known = record.rule_occasions.find(rule);
    return known != record.rule_occasions.end() && known->second.count(occasion);
}

} // namespace

bool rule_condition_holds(const Workspace& ws, const AutomationRule& rule, const Record& record,
                          Instant now) {
    if (rule.condition.is_null()) return true;
    const RecordTypeDef* type = ws.schema.type(record.type);
    if (!type) return false;
    const auto result = logic::evaluate(rule.condition, logic_data(record, *type), {now});
    return result && logic::truthy(*result);
}

std::vector<Reaction> RuleReactor::react(const Workspace& ws, const EventBatch& batch,
                                         Instant now) const {
    std::vector<Reaction> reactions;
    if (ws.automation.rules.empty()) return reactions;
    // The next action of a rule that ran.
    for (const auto& event : batch.events)
        if (const auto* ran = event.as<events::RuleStepRan>(); ran && ran->failed.empty())
            if (const AutomationRule* rule = ws.automation.rule(ran->rule);
                rule && ran->step + 1 < rule->actions.size() && ws.find(ran->id))
                reactions.push_back(reaction_for(*rule, ran->id, ran->occasion, ran->step + 1));
    if (is_bulk(batch)) return reactions;
    std::set<std::pair<std::string, std::string>> seen; // (rule, record): once per batch
    for (const auto& event : batch.events) {
        const std::string& id = event.record_id();
        if (id.empty()) continue;
        for (const auto& rule : ws.automation.rules) {
            if (!rule.enabled || is_time_rule(rule) || !triggers(rule, event, ws)) continue;
            const Record* record = ws.find(id);
            if (!record || record->type != rule.record_type) continue;
            if (!seen.insert({rule.id, id}).second) continue;
            if (!rule_condition_holds(ws, rule, *record, now)) continue;
            reactions.push_back(reaction_for(rule, id, occasion_of(event), 0));
        }
    }
    return reactions;
}

bool has_time_rules(const Workspace& ws) {
    return std::any_of(
        ws.automation.rules.begin(), ws.automation.rules.end(),
        [](const AutomationRule& rule) { return rule.enabled && is_time_rule(rule); });
}

bool watches_sla_risk(const Workspace& ws) {
    return std::any_of(ws.automation.rules.begin(), ws.automation.rules.end(),
                       [](const AutomationRule& rule) {
                           return rule.enabled && rule.trigger.kind == TriggerKind::SlaAtRisk;
                       });
}

DueRuns due_rule_runs(const Workspace& ws, Instant now) {
    DueRuns due;
    if (!has_time_rules(ws)) return due;
    const BusinessCalendar calendar = workspace_calendar(ws);
    for (const auto& rule : ws.automation.rules) {
        if (!rule.enabled || !is_time_rule(rule)) continue;
        for (const auto& id : ws.ids_of_type(rule.record_type)) {
            const Record* record = ws.find(id);
            if (!record) continue;
            for (const auto& occasion : occasions_of(ws, calendar, rule, *record, now)) {
                if (has_fired(*record, rule.id, occasion.name) || now >= occasion.until) continue;
                if (now < occasion.from) {
                    due.next_due =
                        due.next_due ? std::min(*due.next_due, occasion.from) : occasion.from;
                    continue;
                }
                if (rule_condition_holds(ws, rule, *record, now))
                    due.runs.push_back(RunRule{rule.id, id, occasion.name, 0});
            }
        }
    }
    return due;
}

} // namespace crm
