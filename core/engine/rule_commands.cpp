// Automation rules: saving them (admins), running one action of a rule on a
// record (automation), and the recovery queue's Retry and Dismiss. Each
// action goes through the same decide functions as a person's command, as
// the automation actor: the same types, rules and gates.
#include "automation/routing.hpp"
#include "automation/rule_check.hpp"
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "io/workspace_json.hpp"
#include "sla/calendar.hpp"
#include "sla/clocks.hpp"
#include "util/local_time.hpp"

#include <algorithm>

namespace crm::detail {

using nlohmann::json;

namespace {

// What one action did: its events, in words, or why it could not run.
struct StepResult {
    std::vector<Event> events;
    std::string did;
    std::string failed;
    std::string assigned;
};

StepResult failed(std::string why) {
    StepResult result;
    result.failed = std::move(why);
    return result;
}

StepResult from_decision(Result<Decision> decision, std::string did) {
    if (!decision) return failed(decision.error());
    StepResult result;
    result.events = std::move(decision->events);
    result.did = std::move(did);
    return result;
}

std::vector<std::string> people_for(const Workspace& ws, const std::vector<std::string>& names,
                                    const Record& record) {
    std::vector<std::string> spelled;
    for (const auto& name : names)
        spelled.push_back(name == "manager" ? "owner_manager" : name);
    std::vector<std::string> who;
    for (const auto& id : people_named(ws, spelled, record))
        if (ws.directory.user(id)) who.push_back(id);
    return who;
}

// "the owner (nobody owns Anna Schmidt)": who a rule named but found nobody for.
std::string nobody_for(const Workspace& ws, const std::vector<std::string>& names,
                       const Record& record) {
    std::string text = "nobody to tell: ";
    for (std::size_t i = 0; i < names.size(); ++i)
        text += (i ? ", " : "") + names[i];
    if (record.owner.empty()) text += " (" + ws.title_of(record) + " has no owner)";
    return text;
}

StepResult run_assign(const Workspace& ws, const AutomationRule& rule, const RuleAction& action,
                      const Record& record, Instant now, DecideDetails& details) {
    static const std::map<std::string, std::size_t> none;
    const auto counts = ws.automation.assigned.find(rule.id);
    const RoutingChoice choice =
        choose_owner(ws, action.routing, record.type,
                     counts == ws.automation.assigned.end() ? none : counts->second, now);
    if (choice.user.empty()) {
        // Fall back to the unowned queue, saying why.
        StepResult result = failed(choice.reason + "; left unowned");
        if (!record.owner.empty()) {
            auto unassign = decide_update(
                ws, automation_user(), UpdateRecord{record.id, json::object(), ""}, now, details);
            if (unassign) result.events = std::move(unassign->events);
        }
        return result;
    }
    StepResult result;
    if (choice.user != record.owner) {
        result = from_decision(decide_update(ws, automation_user(),
                                             UpdateRecord{record.id, json::object(), choice.user},
                                             now, details),
                               "");
        if (!result.failed.empty()) return result;
    }
    result.did = "assigned to " + ws.directory.names({choice.user});
    result.assigned = choice.user;
    return result;
}

StepResult run_task(const Workspace& ws, const RuleAction& action, const Record& record,
                    Instant now, const std::string& device) {
    const auto who = people_for(ws, {action.task_for}, record);
    if (who.empty())
        return failed("nobody to give the task \"" + action.title + "\" to: " +
                      (action.task_for == "owner" ? ws.title_of(record) + " has no owner"
                                                  : "\"" + action.task_for + "\" names nobody"));
    const BusinessCalendar calendar = workspace_calendar(ws);
    const auto duration = parse_duration(action.due_in);
    if (!duration) return failed("the task's due_in: " + duration.error());
    const auto due = due_at(calendar, now, *duration);
    if (!due) return failed("the task's due time: " + due.error());
    const json fields = {{"title", action.title},
                         {"due", format_instant(*due)},
                         {"related", record.id},
                         {"priority", "Normal"}};
    Problems problems;
    return from_decision(decide_create(ws, automation_user(), "task", fields, who.front(), now,
                                       device, problems, BatchCreate{}),
                         "created the task \"" + action.title + "\" for " +
                             ws.directory.names({who.front()}) + ", due " +
                             format_local_datetime(*due, calendar.zone, now));
}

StepResult run_notify(const Workspace& ws, const AutomationRule& rule, const RuleAction& action,
                      const Record& record, Instant now, const std::string& device) {
    const bool escalation = action.kind == ActionKind::Escalate;
    const auto who = people_for(ws, action.to, record);
    if (who.empty()) return failed(nobody_for(ws, action.to, record));
    const std::string message =
        action.message.empty() ? "Escalated by the rule " + rule.name : action.message;
    StepResult result;
    for (std::size_t i = 0; i < who.size(); ++i) {
        Notification notification;
        notification.id = ws.notifications.peek_next_id(device, i);
        notification.user = who[i];
        notification.at = now;
        notification.kind = escalation ? kNotifyEscalation : kNotifyAutomation;
        notification.record = record.id;
        notification.text = message + ": " + ws.title_of(record);
        notification.by = kAutomationActor;
        notification.cause = "rule " + rule.name;
        result.events.push_back(events::NotificationSent{std::move(notification)});
    }
    result.did = (escalation ? "escalated to " : "notified ") + ws.directory.names(who);
    return result;
}

StepResult run_set_field(const Workspace& ws, const RuleAction& action, const Record& record,
                         Instant now, DecideDetails& details) {
    const RecordTypeDef* type = ws.schema.type(record.type);
    const FieldDef* field = type ? type->field(action.field) : nullptr;
    if (!field) return failed("\"" + action.field + "\" is no longer a field of " + record.type);
    return from_decision(
        decide_update(ws, automation_user(),
                      UpdateRecord{record.id, json{{action.field, action.value}}}, now, details),
        "set " + field->label + " to " +
            (action.value.is_string() ? action.value.get<std::string>() : action.value.dump()));
}

StepResult run_move(const Workspace& ws, const RuleAction& action, const Record& record,
                    Instant now, DecideDetails& details) {
    const Flow* flow = ws.flow(action.flow);
    if (!flow) return failed("there is no flow \"" + action.flow + "\" any more");
    DecideDetails move_details;
    auto moved = decide_move(ws, automation_user(), MoveRecord{record.id, action.stage, flow->id},
                             now, move_details);
    details.warnings.insert(details.warnings.end(), move_details.warnings.begin(),
                            move_details.warnings.end());
    return from_decision(std::move(moved),
                         "moved it on in the " + flow->name + " to " + action.stage);
}

StepResult run_start_flow(const Workspace& ws, const RuleAction& action, const Record& record,
                          Instant now, const std::string& device, DecideDetails& details) {
    const Flow* flow = ws.flow(action.flow);
    if (!flow) return failed("there is no flow \"" + action.flow + "\" any more");
    if (record.flows.count(flow->id)) {
        StepResult result;
        result.did = "already in the " + flow->name;
        return result;
    }
    auto started = decide_start_flow(ws, StartFlow{record.id, flow->id}, now, device, details);
    if (started && started->events.empty())
        return failed("the " + flow->name + " does not start on " + ws.title_of(record) +
                      ": its start condition does not hold");
    return from_decision(std::move(started), "started the " + flow->name);
}

StepResult run_create_record(const Workspace& ws, const RuleAction& action, const Record& record,
                             Instant now, const std::string& device) {
    const RecordTypeDef* type = ws.schema.type(action.type);
    if (!type) return failed("there is no record type \"" + action.type + "\" any more");
    json fields = action.fields;
    for (const auto& [to, from] : action.copy)
        if (record.has_value(from)) fields[to] = record.value(from);
    if (!action.link_field.empty()) fields[action.link_field] = record.id;
    Problems problems;
    auto created = decide_create(ws, automation_user(), type->id, fields,
                                 std::optional<std::string>(record.owner), now, device, problems,
                                 BatchCreate{});
    const std::string id = created && !created->events.empty() ? created->record_id : "";
    return from_decision(std::move(created), "created the " + type->label + " " + id);
}

StepResult run_action(const Workspace& ws, const AutomationRule& rule, const RuleAction& action,
                      const Record& record, Instant now, const std::string& device,
                      DecideDetails& details) {
    switch (action.kind) {
    case ActionKind::Assign:
        return run_assign(ws, rule, action, record, now, details);
    case ActionKind::CreateTask:
        return run_task(ws, action, record, now, device);
    case ActionKind::Notify:
    case ActionKind::Escalate:
        return run_notify(ws, rule, action, record, now, device);
    case ActionKind::SetField:
        return run_set_field(ws, action, record, now, details);
    case ActionKind::Move:
        return run_move(ws, action, record, now, details);
    case ActionKind::StartFlow:
        return run_start_flow(ws, action, record, now, device, details);
    case ActionKind::CreateRecord:
        return run_create_record(ws, action, record, now, device);
    }
    return failed("unknown action");
}

bool fired(const Record& record, const std::string& rule, const std::string& occasion) {
    const auto known = record.rule_occasions.find(rule);
    return known != record.rule_occasions.end() && known->second.count(occasion);
}

// The recovery queue's fixes are for those who may edit the record.
Result<const Record*> failed_record(const Workspace& ws, const User& actor, const std::string& id,
                                    const std::string& key) {
    const Record* record = ws.find(id);
    if (!record || !can_view(ws, actor, *record)) return Error{"there is no record \"" + id + "\""};
    if (!record->automation_failures.count(key))
        return Error{ws.title_of(*record) + " has no failed automation \"" + key + "\""};
    if (auto status = check_update(ws, actor, *record); !status) return Error{status.error()};
    return record;
}

} // namespace

Result<Decision> decide_set_rules(const Workspace& ws, const User& actor, const SetRules& command) {
    if (auto status = check_schema_change(actor); !status)
        return Error{describe_user(actor) + " cannot change automation rules; only admins can"};
    const auto problems = validate_rules(ws, command.rules);
    if (!problems.empty()) {
        std::string text = "Cannot save the rules: " + problems.front();
        if (problems.size() > 1)
            text += "; and " + std::to_string(problems.size() - 1) + " more problem" +
                    (problems.size() > 2 ? "s" : "");
        return Error{text};
    }
    Decision decision;
    decision.events.push_back(events::RulesChanged{command.rules});
    return decision;
}

Result<Decision> decide_run_rule(const Workspace& ws, const RunRule& command, Instant now,
                                 const std::string& device, DecideDetails& details, bool retry) {
    const AutomationRule* rule = ws.automation.rule(command.rule);
    if (!rule) return Error{"there is no rule \"" + command.rule + "\""};
    const Record* record = ws.find(command.record);
    if (!record) return Error{"there is no record \"" + command.record + "\""};
    if (command.step >= rule->actions.size())
        return Error{"the rule " + rule->name + " has no action " +
                     std::to_string(command.step + 1)};
    Decision decision;
    decision.record_id = record->id;
    const bool again = command.step == 0 && !command.occasion.empty() &&
                       fired(*record, rule->id, command.occasion);
    if (!retry && (!rule->enabled || again)) return decision;
    if (record->type != rule->record_type)
        return Error{"the rule " + rule->name + " runs on " + rule->record_type + " records"};
    // A time-driven occasion comes due on every device: what it makes gets ids
    // from the occasion, so the team gets one task, not one per device.
    const std::string ids_from =
        command.occasion.empty() ? device
                                 : cause_tag(rule->id + "|" + record->id + "|" + command.occasion +
                                             "|" + std::to_string(command.step));
    StepResult result =
        run_action(ws, *rule, rule->actions[command.step], *record, now, ids_from, details);
    decision.events = std::move(result.events);
    decision.events.push_back(events::RuleStepRan{
        record->id, rule->id, command.occasion, command.step, std::move(result.did),
        std::move(result.failed), std::move(result.assigned)});
    return decision;
}

Result<Decision> decide_retry(const Workspace& ws, const User& actor,
                              const RetryAutomation& command, Instant now,
                              const std::string& device, DecideDetails& details) {
    auto record = failed_record(ws, actor, command.id, command.automation);
    if (!record) return Error{record.error()};
    const AutomationFailure& failure = (*record)->automation_failures.at(command.automation);
    if (const auto rule = rule_of_automation(command.automation)) {
        if (!ws.automation.rule(*rule))
            return Error{"the rule \"" + *rule +
                         "\" is gone; dismiss this once it is done by hand"};
        auto run = decide_run_rule(ws, RunRule{*rule, command.id, failure.occasion, failure.step},
                                   now, device, details, true);
        // A retry that fails again changes nothing: the queue keeps the first failure.
        if (run && !run->events.empty())
            if (const auto* ran = run->events.back().as<events::RuleStepRan>();
                ran && !ran->failed.empty())
                return Error{"The rule " + ws.automation.rule(*rule)->name +
                             " still cannot run: " + ran->failed};
        return run;
    }
    if (const auto flow = flow_of_automation(command.automation))
        return decide_start_flow(ws, StartFlow{command.id, *flow}, now, device, details);
    return Error{"this automation cannot run again by itself; do it by hand, then dismiss it"};
}

Result<Decision> decide_dismiss(const Workspace& ws, const User& actor,
                                const DismissAutomation& command) {
    auto record = failed_record(ws, actor, command.id, command.automation);
    if (!record) return Error{record.error()};
    auto note = checked_note(command.note);
    if (!note) return Error{note.error()};
    Decision decision;
    decision.record_id = command.id;
    decision.events.push_back(events::AutomationCleared{command.id, command.automation, *note});
    return decision;
}

Result<Decision> decide_set_away(const Workspace& ws, const User& actor, const SetAway& command) {
    const User* user = ws.directory.user(command.user);
    if (!user) return Error{"there is no user \"" + command.user + "\""};
    const bool may = actor.id == user->id || actor.role == Role::Admin ||
                     (actor.role == Role::Manager && ws.directory.manages(actor, user->id));
    if (!may)
        return Error{describe_user(actor) + " cannot set when " + user->name +
                     " is out of office; they, their manager or an admin can"};
    std::vector<AwayPeriod> away = command.away;
    if (away.size() > kMaxAwayPeriods)
        return Error{"At most " + std::to_string(kMaxAwayPeriods) +
                     " out-of-office periods are kept; remove past ones first"};
    for (const auto& period : away)
        if (period.to < period.from)
            return Error{"An out-of-office period ends (" + format_date(period.to) +
                         ") before it starts (" + format_date(period.from) + ")"};
    std::sort(away.begin(), away.end(),
              [](const AwayPeriod& a, const AwayPeriod& b) { return a.from < b.from; });
    Decision decision;
    if (away == user->away) return decision;
    User changed = *user;
    changed.away = std::move(away);
    decision.events.push_back(events::UserUpdated{std::move(changed), *user});
    return decision;
}

} // namespace crm::detail
