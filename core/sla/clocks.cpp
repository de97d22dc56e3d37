#include "sla/clocks.hpp"

#include "logic/jsonlogic.hpp"
#include "process/conditions.hpp"
#include "process/validate.hpp"

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
    const std::string spec = policy.starts.substr(5);
    const auto slash = spec.find('/');
    const auto state = record.flows.find(spec.substr(0, slash));
    if (state == record.flows.end() || slash == std::string::npos) return std::nullopt;
    // The clock runs from entering the stage, as long as the record is still there.
    if (!state->second.active() || state->second.stage != spec.substr(slash + 1))
        return std::nullopt;
    return state->second.entered_at;
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
        for (const auto* rule : {&policy.applies, &policy.stops, &policy.pauses})
            if (!rule->is_null())
                for (const auto& issue : logic::check(*rule))
                    problems.push_back(at + "condition: " + issue);
        for (const auto& who : policy.alert)
            if (who != "owner" && who != "owner_manager" && who.rfind("role:", 0) != 0 &&
                !ws.directory.user(who))
                problems.push_back(at + "alert: \"" + who +
                                   "\" is not owner, owner_manager, role:NAME or a user id");
    }
    return problems;
}

double share_used(const BusinessCalendar& calendar, Instant started, Instant due, Instant now) {
    if (now >= due) return 1.0;
    if (now <= started) return 0.0;
    // Business-time clocks age in working time; plain ones in elapsed time.
    const std::int64_t total = working_seconds(calendar, started, due);
    if (total <= 0) {
        const double span = static_cast<double>(due.seconds - started.seconds);
        return span <= 0 ? 1.0 : static_cast<double>(now.seconds - started.seconds) / span;
    }
    return static_cast<double>(working_seconds(calendar, started, now)) /
           static_cast<double>(total);
}

std::vector<SlaClock> sla_clocks(const Workspace& ws, const BusinessCalendar& calendar,
                                 const Record& record, Instant now) {
    std::vector<SlaClock> clocks;
    const RecordTypeDef* type = ws.schema.type(record.type);
    json data;
    for (const auto& policy : ws.sla_policies) {
        if (policy.record_type != record.type || !type) continue;
        const auto started = clock_start(policy, record);
        if (!started) continue;
        if (data.is_null()) data = logic_data(record, *type);
        if (!policy.applies.is_null() && !holds(policy.applies, data, now)) continue;
        auto duration = parse_duration(policy.within);
        if (!duration) continue;
        auto due = due_at(duration->business ? calendar : BusinessCalendar::always_open(), *started,
                          *duration);
        if (!due) continue;
        SlaClock clock{&policy, *started, *due, ClockState::Ok};
        if (holds(policy.stops, data, now))
            clock.state = ClockState::Met;
        else if (holds(policy.pauses, data, now))
            clock.state = ClockState::Paused;
        else if (now >= *due)
            clock.state = ClockState::Overdue;
        else if (share_used(duration->business ? calendar : BusinessCalendar::always_open(),
                            *started, *due, now) >= policy.at_risk)
            clock.state = ClockState::AtRisk;
        clocks.push_back(clock);
    }
    return clocks;
}

std::vector<std::string> alert_recipients(const Workspace& ws, const SlaPolicy& policy,
                                          const Record& record) {
    std::vector<std::string> who;
    auto add = [&](const std::string& id) {
        if (!id.empty() && std::find(who.begin(), who.end(), id) == who.end()) who.push_back(id);
    };
    for (const auto& target : policy.alert) {
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
    // Work with nobody to tell goes to the managers (the reassignment queue's people).
    if (who.empty())
        for (const auto& user : ws.directory.users())
            if (user.role == Role::Manager) add(user.id);
    return who;
}

} // namespace crm
