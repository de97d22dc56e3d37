#include "sla/clocks.hpp"

#include "logic/jsonlogic.hpp"
#include "model/field_values.hpp"
#include "process/conditions.hpp"
#include "process/validate.hpp"

#include <algorithm>
#include <limits>

namespace crm {

using nlohmann::json;

namespace {

bool holds(const json& rule, const json& data, Instant now) {
    if (rule.is_null()) return false;
    auto result = logic::evaluate(rule, data, logic::Context{now});
    return result && logic::truthy(*result);
}

// When the policy's clock started on this record, if it has.
std::optional<Instant> clock_start(const SlaPolicy& policy, const Record& record) {
    if (policy.starts == "created") return record.created_at;
    if (policy.starts.rfind("flow:", 0) != 0) return std::nullopt;
    const std::string_view spec = std::string_view(policy.starts).substr(5);
    const auto slash = spec.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const auto state = record.flows.find(std::string(spec.substr(0, slash)));
    if (state == record.flows.end()) return std::nullopt;
    // The clock runs from entering the stage, as long as the record is still there.
    if (!state->second.active() || state->second.stage != spec.substr(slash + 1))
        return std::nullopt;
    return state->second.entered_at;
}

const std::vector<PauseSpan>* pauses_of(const Record& record, const SlaPolicy& policy) {
    const auto found = record.sla_pauses.find(policy.id);
    return found == record.sla_pauses.end() ? nullptr : &found->second;
}

// Working time in [from, to) during which the clock was paused; an open pause lasts until `now`.
std::int64_t paused_seconds(const BusinessCalendar& calendar, const std::vector<PauseSpan>* spans,
                            Instant from, Instant to, Instant now) {
    std::int64_t total = 0;
    if (spans)
        for (const auto& span : *spans) {
            const Instant lo = std::max(span.from, from);
            const Instant hi = std::min(span.to.value_or(std::max(now, span.from)), to);
            if (lo < hi) total += working_seconds(calendar, lo, hi);
        }
    return total;
}

// The due time once pauses are left out: the clock owes the working time of
// [started, due) and only runs outside pauses. One pass over the spans (kept
// in order, not overlapping); an open pause lasts until `now`.
Instant due_after_pauses(const BusinessCalendar& calendar, Instant started, Instant due,
                         const std::vector<PauseSpan>* spans, Instant now) {
    if (!spans || spans->empty()) return due;
    std::int64_t owed = working_seconds(calendar, started, due);
    Instant running_from = started;
    for (const auto& span : *spans) {
        const Instant end = span.to.value_or(std::max(now, span.from));
        if (end <= running_from) continue; // over before the clock (re)started
        if (span.from > running_from) {
            const std::int64_t worked = working_seconds(calendar, running_from, span.from);
            if (worked >= owed) break; // due before this pause began
            owed -= worked;
        }
        running_from = std::max(running_from, end);
    }
    return after_working_seconds(calendar, running_from, owed).value_or(due);
}

} // namespace

const char* clock_state_name(ClockState state) {
    switch (state) {
    case ClockState::Ok:
        return "ok";
    case ClockState::AtRisk:
        return "at-risk";
    case ClockState::Overdue:
        return "overdue";
    case ClockState::Met:
        return "met";
    case ClockState::Paused:
        return "paused";
    }
    return "ok";
}

BusinessCalendar workspace_calendar(const Workspace& ws) {
    if (!ws.calendar.is_null())
        if (auto calendar = calendar_from_json(ws.calendar)) return *calendar;
    BusinessCalendar calendar;
    for (int day = 0; day < 5; ++day)
        calendar.week[static_cast<std::size_t>(day)] = {{9 * 60, 17 * 60}};
    return calendar;
}

std::vector<std::string> validate_sla_policies(const Workspace& ws) {
    std::vector<std::string> problems;
    if (!ws.calendar.is_null())
        if (auto calendar = calendar_from_json(ws.calendar); !calendar)
            problems.push_back(calendar.error());
    for (const auto& policy : ws.sla_policies) {
        const std::string at = policy.id + " › ";
        const RecordTypeDef* type = ws.schema.type(policy.record_type);
        if (!type) {
            problems.push_back(at + "record_type: there is no record type \"" + policy.record_type +
                               "\"");
            continue;
        }
        if (auto duration = parse_duration(policy.within); !duration)
            problems.push_back(at + "within: " + duration.error());
        if (policy.starts != "created") {
            const std::string spec =
                policy.starts.rfind("flow:", 0) == 0 ? policy.starts.substr(5) : "";
            const auto slash = spec.find('/');
            const Flow* flow =
                slash == std::string::npos ? nullptr : ws.flow(spec.substr(0, slash));
            if (!flow || flow->record_type != type->id || !flow->stage(spec.substr(slash + 1)))
                problems.push_back(
                    at +
                    "starts: expected \"created\" or \"flow:FLOW/STAGE\" naming a stage of a " +
                    type->label + " flow, got \"" + policy.starts + "\"");
        }
        for (const auto& [key, rule] :
             {std::pair<const char*, const json*>{"applies", &policy.applies},
              {"stops", &policy.stops},
              {"pauses", &policy.pauses}})
            for (auto& issue : validate_condition(ws.schema, ws.flows, *type, *rule, at + key))
                problems.push_back(std::move(issue));
        auto check_person = [&](const std::string& key, const std::string& who) {
            const bool role = who.rfind("role:", 0) == 0;
            if (role && !role_from_name(who.substr(5)))
                problems.push_back(at + key + ": \"" + who.substr(5) +
                                   "\" is not a role (rep, manager or admin)");
            else if (!role && who != "owner" && who != "owner_manager" && !ws.directory.user(who))
                problems.push_back(at + key + ": \"" + who +
                                   "\" is not owner, owner_manager, role:NAME or a user id");
        };
        for (const auto& who : policy.alert)
            check_person("alert", who);
        for (const auto& who : policy.escalate_to)
            check_person("escalate_to", who);
        if (policy.reassign_to == "owner")
            problems.push_back(at + "reassign_to: the owner already has it; name owner_manager, "
                                    "role:NAME or a user id");
        else if (!policy.reassign_to.empty())
            check_person("reassign_to", policy.reassign_to);
        for (const auto& [field_id, value] : policy.set.items()) {
            const FieldDef* field = type->field(field_id);
            if (!field) {
                problems.push_back(at + "set: " + type->label + " has no field \"" + field_id +
                                   "\"");
                continue;
            }
            if (auto normal = normalize_field_value(*field, value); !normal)
                problems.push_back(at + "set." + field_id + ": " + normal.error());
            for (const auto& flow : ws.flows)
                if (flow.record_type == type->id && flow.stage_field == field_id)
                    problems.push_back(at + "set." + field_id + ": " + field->label +
                                       " is the stage of the " + flow.name +
                                       "; stages change only by moves, through their gates");
        }
    }
    return problems;
}

double share_used(const BusinessCalendar& calendar, Instant started, Instant due, Instant now,
                  const std::vector<PauseSpan>* pauses) {
    if (now >= due) return 1.0;
    if (now <= started) return 0.0;
    // Business-time clocks age in working time; plain ones in elapsed time. Paused time does not
    // count.
    const std::int64_t total = working_seconds(calendar, started, due) -
                               paused_seconds(calendar, pauses, started, due, now);
    if (total <= 0) {
        const double span = static_cast<double>(due.seconds - started.seconds);
        return span <= 0 ? 1.0 : static_cast<double>(now.seconds - started.seconds) / span;
    }
    const std::int64_t used = working_seconds(calendar, started, now) -
                              paused_seconds(calendar, pauses, started, now, now);
    return static_cast<double>(used) / static_cast<double>(total);
}

std::optional<ActionDue> next_action_due(const BusinessCalendar& calendar, const Stage& stage,
                                         const FlowState& state) {
    if (!stage.next_action.task || stage.next_action.task->due_in.empty()) return std::nullopt;
    const auto duration = parse_duration(stage.next_action.task->due_in);
    if (!duration) return std::nullopt;
    const BusinessCalendar& clock = duration->business ? calendar : BusinessCalendar::always_open();
    const auto due = due_at(clock, state.entered_at, *duration);
    if (!due) return std::nullopt;
    return ActionDue{*due, &clock};
}

namespace {

// Everything a record's DueFacts are worked out from besides the record:
// facts with another fingerprint are stale.
std::uint64_t definitions_fingerprint(const Workspace& ws, const BusinessCalendar& calendar) {
    std::string key;
    const auto add = [&key](std::string_view part) {
        key.append(part);
        key.push_back('\x1f');
    };
    for (const auto& policy : ws.sla_policies) {
        for (const std::string* part :
             {&policy.id, &policy.record_type, &policy.starts, &policy.within})
            add(*part);
        for (const json* rule : {&policy.applies, &policy.stops, &policy.pauses})
            add(rule->dump());
        if (const RecordTypeDef* type = ws.schema.type(policy.record_type))
            for (const auto& field : type->fields)
                add(field.id + ":" + std::to_string(static_cast<int>(field.type)));
    }
    for (const auto& flow : ws.flows) {
        add(flow.id);
        for (const auto& stage : flow.stages)
            add(stage.id + ":" + (stage.next_action.task ? stage.next_action.task->due_in : ""));
    }
    add(calendar.zone.name());
    for (const auto& day : calendar.week) {
        for (const auto& [open, close] : day)
            add(std::to_string(open) + "-" + std::to_string(close));
        add("");
    }
    for (const auto day : calendar.holidays)
        add(std::to_string(day));
    // FNV-1a, 64 bits on every platform (std::hash is 32 bits in wasm).
    std::uint64_t hash = 14695981039346656037ull;
    for (const char c : key)
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return hash;
}

} // namespace

SlaClockReader::SlaClockReader(const Workspace& ws, const BusinessCalendar& calendar,
                               bool keep_facts)
    : m_workspace(ws), m_calendar(calendar), m_keeps_facts(keep_facts),
      m_definitions(keep_facts ? definitions_fingerprint(ws, calendar) : 0) {
    for (const auto& policy : ws.sla_policies) {
        const RecordTypeDef* type = ws.schema.type(policy.record_type);
        auto duration = parse_duration(policy.within);
        if (!type || !duration) continue; // such a policy never runs a clock
        const bool reads_time = logic::depends_on_time(policy.applies) ||
                                logic::depends_on_time(policy.stops) ||
                                logic::depends_on_time(policy.pauses);
        m_policies.push_back({&policy, type, *duration,
                              fields_read(*type, {&policy.applies, &policy.stops, &policy.pauses}),
                              reads_time});
    }
}

std::vector<SlaClock> SlaClockReader::operator()(const Record& record, Instant now) const {
    return read(record, now, true);
}

std::vector<SlaClock> SlaClockReader::running(const Record& record, Instant now) const {
    return read(record, now, false);
}

std::optional<ActionDue> SlaClockReader::action_due(const Record& record,
                                                    const FlowState& state) const {
    const auto facts = facts_of(record);
    for (const auto& action : facts->actions)
        if (action.state == &state)
            return ActionDue{action.due,
                             action.business ? &m_calendar : &BusinessCalendar::always_open()};
    return std::nullopt;
}

std::optional<Instant> SlaClockReader::earliest_deadline(const Record& record) const {
    for (const Policy& policy : m_policies)
        if (policy.reads_time && policy.policy->record_type == record.type)
            return Instant{std::numeric_limits<std::int64_t>::min()};
    const auto& kept = record.due_facts.get(); // not copied: a busy rep's My work asks thousands
    if (kept && is_current(*kept)) return kept->earliest;
    return facts_of(record)->earliest;
}

void SlaClockReader::keep_all(const Workspace& ws) const {
    for (const Record* record : ws.all_records())
        if (!record->flows.empty() || times_type(record->type)) facts_of(*record);
}

bool SlaClockReader::times_type(std::string_view type) const {
    return std::any_of(m_policies.begin(), m_policies.end(),
                       [&](const Policy& policy) { return policy.policy->record_type == type; });
}

DueFacts::Clock SlaClockReader::clock_fact(const Policy& policy_read, const Record& record,
                                           Instant now) const {
    const auto& [policy_ptr, type, within, reads, reads_time] = policy_read;
    const SlaPolicy& policy = *policy_ptr;
    DueFacts::Clock fact;
    const auto started = clock_start(policy, record);
    if (!started) return fact;
    // Only what the policy's conditions read: queues ask this of every record.
    const json data = reads ? logic_data_of(record, *reads) : logic_data(record, *type);
    if (!policy.applies.is_null() && !holds(policy.applies, data, now)) return fact;
    const BusinessCalendar& clock_calendar =
        within.business ? m_calendar : BusinessCalendar::always_open();
    const auto due = due_at(clock_calendar, *started, within);
    if (!due) return fact;
    fact.runs = true;
    fact.started = *started;
    fact.due = *due;
    fact.met = holds(policy.stops, data, now);
    fact.paused_by_rule = !fact.met && holds(policy.pauses, data, now);
    return fact;
}

bool SlaClockReader::is_current(const DueFacts& facts) const {
    return facts.definitions == m_definitions && facts.clocks.size() == m_policies.size();
}

std::shared_ptr<const DueFacts> SlaClockReader::facts_of(const Record& record) const {
    if (!m_keeps_facts) return std::make_shared<const DueFacts>(work_out(record));
    if (auto kept = record.due_facts.get(); kept && is_current(*kept)) return kept;
    auto facts = std::make_shared<const DueFacts>(work_out(record));
    record.due_facts.keep(facts); // unless the record is not the workspace's to keep it
    return facts;
}

DueFacts SlaClockReader::work_out(const Record& record) const {
    DueFacts facts;
    facts.definitions = m_definitions;
    facts.clocks.resize(m_policies.size());
    for (std::size_t i = 0; i < m_policies.size(); ++i)
        if (m_policies[i].policy->record_type == record.type && !m_policies[i].reads_time)
            facts.clocks[i] = clock_fact(m_policies[i], record, Instant{});
    for (const auto& [flow_id, state] : record.flows) {
        const Flow* flow = state.active() ? m_workspace.flow(flow_id) : nullptr;
        const Stage* stage = flow ? flow->stage(state.stage) : nullptr;
        if (!stage) continue;
        if (const auto due = next_action_due(m_calendar, *stage, state))
            facts.actions.push_back({&state, due->at, due->clock == &m_calendar});
    }
    auto sooner = [&](Instant due) {
        facts.earliest = facts.earliest ? std::min(*facts.earliest, due) : due;
    };
    for (const auto& clock : facts.clocks)
        if (clock.runs && !clock.met) sooner(clock.due);
    for (const auto& action : facts.actions)
        sooner(action.due);
    return facts;
}

std::vector<SlaClock> SlaClockReader::read(const Record& record, Instant now, bool with_met) const {
    std::vector<SlaClock> clocks;
    if (!times_type(record.type)) return clocks;
    const auto facts = facts_of(record);
    for (std::size_t i = 0; i < m_policies.size(); ++i) {
        const Policy& policy_read = m_policies[i];
        const SlaPolicy& policy = *policy_read.policy;
        if (policy.record_type != record.type) continue;
        const DueFacts::Clock fact =
            policy_read.reads_time ? clock_fact(policy_read, record, now) : facts->clocks[i];
        if (!fact.runs || (fact.met && !with_met)) continue;
        SlaClock clock{&policy, fact.started, fact.due, ClockState::Ok};
        if (fact.met) {
            clock.state = ClockState::Met;
            clocks.push_back(clock);
            continue;
        }
        const BusinessCalendar& clock_calendar =
            policy_read.within.business ? m_calendar : BusinessCalendar::always_open();
        const auto* pauses = pauses_of(record, policy);
        clock.due = due_after_pauses(clock_calendar, fact.started, fact.due, pauses, now);
        const bool paused_now =
            (pauses && !pauses->empty() && !pauses->back().to) || fact.paused_by_rule;
        if (paused_now)
            clock.state = ClockState::Paused;
        else if (now >= clock.due)
            clock.state = ClockState::Overdue;
        else if (share_used(clock_calendar, fact.started, clock.due, now, pauses) >= policy.at_risk)
            clock.state = ClockState::AtRisk;
        clocks.push_back(clock);
    }
    return clocks;
}

std::vector<SlaClock> sla_clocks(const Workspace& ws, const BusinessCalendar& calendar,
                                 const Record& record, Instant now) {
    return SlaClockReader(ws, calendar, false)(record, now);
}

std::vector<PauseChange> pause_changes(const Workspace& ws, const Record& record, Instant now) {
    std::vector<PauseChange> changes;
    const RecordTypeDef* type = ws.schema.type(record.type);
    json data;
    for (const auto& policy : ws.sla_policies) {
        if (policy.record_type != record.type || !type) continue;
        const auto* spans = pauses_of(record, policy);
        const bool open = spans && !spans->empty() && !spans->back().to;
        if (policy.pauses.is_null() && !open) continue;
        if (data.is_null()) data = logic_data(record, *type);
        // A clock that has not started, no longer applies or is met has nothing to pause.
        const bool running = clock_start(policy, record) &&
                             (policy.applies.is_null() || holds(policy.applies, data, now)) &&
                             !holds(policy.stops, data, now);
        const bool paused = running && holds(policy.pauses, data, now);
        if (paused != open) changes.push_back({policy.id, paused});
    }
    return changes;
}

std::vector<std::string> people_named(const Workspace& ws, const std::vector<std::string>& names,
                                      const Record& record) {
    std::vector<std::string> who;
    auto add = [&](const std::string& id) {
        if (!id.empty() && std::find(who.begin(), who.end(), id) == who.end()) who.push_back(id);
    };
    for (const auto& target : names) {
        if (target == "owner") {
            add(record.owner);
        } else if (target == "owner_manager") {
            const User* owner = ws.directory.user(record.owner);
            const Team* team = owner ? ws.directory.team(owner->team) : nullptr;
            if (team) add(team->manager);
        } else if (target.rfind("role:", 0) == 0) {
            const auto role = role_from_name(target.substr(5));
            for (const auto& user : ws.directory.users())
                if (role && user.role == *role) add(user.id);
        } else {
            add(target);
        }
    }
    return who;
}

std::vector<std::string> alert_recipients(const Workspace& ws, const SlaPolicy& policy,
                                          const Record& record) {
    auto who = people_named(ws, policy.alert, record);
    // Work with nobody to tell goes to the managers (the reassignment queue's people).
    if (who.empty())
        for (const auto& user : ws.directory.users())
            if (user.role == Role::Manager) who.push_back(user.id);
    return who;
}

std::string breach_reassignee(const Workspace& ws, const SlaPolicy& policy, const Record& record,
                              const std::map<std::string, std::size_t>& open_records) {
    if (policy.reassign_to.rfind("role:", 0) != 0) {
        const auto named = people_named(ws, {policy.reassign_to}, record);
        return named.empty() ? "" : named.front();
    }
    // The least loaded of the role; the directory's order breaks ties.
    const auto role = role_from_name(policy.reassign_to.substr(5));
    std::string chosen;
    std::size_t fewest = 0;
    for (const auto& user : ws.directory.users()) {
        if (!role || user.role != *role) continue;
        const auto count = open_records.find(user.id);
        const std::size_t load = count == open_records.end() ? 0 : count->second;
        if (chosen.empty() || load < fewest) {
            chosen = user.id;
            fewest = load;
        }
    }
    return chosen;
}

} // namespace crm
