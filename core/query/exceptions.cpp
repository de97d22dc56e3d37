#include "query/exceptions.hpp"

#include "engine/permissions.hpp"
#include "io/workspace_json.hpp"
#include "process/conditions.hpp"
#include "query/my_work.hpp"
#include "sla/clocks.hpp"
#include "sync/conflicts.hpp"
#include "sync/merge_checks.hpp"

#include <algorithm>
#include <iterator>
#include <map>

namespace crm {

using nlohmann::json;

namespace {

void add_handlers(ExceptionQueue& queue, const std::vector<std::string>& who) {
    for (const auto& id : who)
        if (std::find(queue.handlers.begin(), queue.handlers.end(), id) == queue.handlers.end())
            queue.handlers.push_back(id);
}

// " · no eligible owner: ...": what a routing rule said when it left the record unowned.
std::string why_unowned(const Record& record) {
    for (const auto& [automation, failure] : record.automation_failures)
        if (rule_of_automation(automation) && failure.reason.rfind("no eligible owner", 0) == 0)
            return " · " + failure.reason;
    return "";
}

// The records that can be in a queue, in all_records() order: of a type an
// SLA policy times, every record; of other types, those in a process or
// with a failed automation. A record with none of these is in no queue.
std::vector<const Record*> queue_candidates(const Workspace& ws) {
    std::vector<const Record*> records;
    auto position = [](const Record* a, const Record* b) { return a->position < b->position; };
    for (const auto& type : ws.schema.types()) {
        const bool timed =
            std::any_of(ws.sla_policies.begin(), ws.sla_policies.end(),
                        [&](const SlaPolicy& policy) { return policy.record_type == type.id; });
        if (timed) {
            const auto& all = ws.records_of_type(type.id);
            records.insert(records.end(), all.begin(), all.end());
            continue;
        }
        const auto& in_flows = ws.records_in_processes(type.id);
        const auto& failed = ws.failed_records(type.id);
        std::set_union(in_flows.begin(), in_flows.end(), failed.begin(), failed.end(),
                       std::back_inserter(records), position);
    }
    return records;
}

std::string author_name(const Workspace& ws, const std::string& actor) {
    const User* user = ws.directory.user(actor);
    return user ? user->name : actor;
}

// "Dana Whitfield (deleted)"
std::string deleted_title(const Workspace& ws, const nlohmann::json& kept, const std::string& id) {
    const auto record = record_from_json(kept, ws, id);
    return (record ? ws.title_of(*record) : id) + " (deleted)";
}

// "missing Budget · after Sam Lee's change, 2h ago"
std::string describe_past_gate(const Workspace& ws, const SyncProblem& problem, Instant now) {
    const Record* record = ws.find(problem.record);
    const RecordTypeDef* type = record ? ws.schema.type(record->type) : nullptr;
    const Flow* flow = ws.flow(problem.flow);
    const Stage* stage = flow ? flow->stage(problem.stage) : nullptr;
    if (!type || !stage) return "";
    const GateCheck check = check_gate(stage->gate, *type, logic_data(*record, *type), now);
    return describe_gate_check(check, *type) + " · after " + author_name(ws, problem.actor) +
           "'s change, " + describe_ago(problem.at, now);
}

// Changes a sync merged that broke a gate or a permission (sync/merge_checks.hpp),
// while open: a gate's until the record's data passes it or the record moves on,
// a permission's until someone dismisses it.
void add_sync_problems(const Workspace& ws, const User& viewer,
                       const std::vector<std::string>& managers, Instant now, bool in_words,
                       std::map<std::string, ExceptionQueue>& queues) {
    const TeamSync& sync = ws.team_sync;
    for (const auto& problem : sync.problems) {
        if (sync.resolved.count(problem.id)) continue;
        const Record* record = problem.record.empty() ? nullptr : ws.find(problem.record);
        // A record the change deleted is judged by the owner its deletion kept.
        const json deleted =
            record || problem.record.empty() ? json() : deleted_record(ws, problem.record);
        if (!problem.record.empty() && !record && !deleted.is_object()) continue;
        const std::string owner = record ? record->owner : deleted.value("owner", std::string());
        if (!problem.record.empty() && !can_view_owned_by(ws, viewer, owner)) continue;
        const bool gate = problem.kind == kGateProblem;
        if (gate && !still_past_gate(ws, problem, now)) continue;
        const std::string group =
            gate ? "synced/" + problem.flow + "/" + problem.stage : "permission/" + problem.actor;
        auto& queue = queues[group];
        if (queue.items.empty()) {
            const Flow* flow = ws.flow(problem.flow);
            const Stage* stage = flow ? flow->stage(problem.stage) : nullptr;
            const User* author = ws.directory.user(problem.actor);
            queue = {gate ? "past_gate" : "not_permitted",
                     group,
                     gate ? "Synced past a gate: " + (stage ? stage->name : problem.stage) + " (" +
                                (flow ? flow->name : problem.flow) + ")"
                          : "Changed without permission: " +
                                (author ? describe_user(*author) : problem.actor),
                     managers,
                     {}};
        }
        ExceptionItem item{problem.record, "", "", owner, record, problem.id};
        if (in_words) {
            item.title = record                   ? ws.title_of(*record)
                         : problem.record.empty() ? "Workspace settings"
                                                  : deleted_title(ws, deleted, problem.record);
            item.detail = gate ? describe_past_gate(ws, problem, now)
                               : problem.why + " · " + describe_ago(problem.at, now);
        }
        queue.items.push_back(std::move(item));
    }
}

} // namespace

std::string automation_name(const Workspace& ws, const std::string& automation) {
    if (const auto rule_id = rule_of_automation(automation)) {
        const AutomationRule* rule = ws.automation.rule(*rule_id);
        return rule ? rule->name : *rule_id;
    }
    const auto flow_id = flow_of_automation(automation);
    const Flow* flow = flow_id ? ws.flow(*flow_id) : nullptr;
    return flow ? flow->name : automation;
}

std::string automation_failure_title(const Workspace& ws, const std::string& automation) {
    if (flow_of_automation(automation))
        return "Could not start: " + automation_name(ws, automation);
    if (rule_of_automation(automation))
        return "Rule could not run: " + automation_name(ws, automation);
    const std::string reaction = "reaction:";
    if (automation.rfind(reaction, 0) == 0)
        return "Automation stopped: " + automation.substr(reaction.size());
    return "Automation stopped: " + automation;
}

std::string describe_blocked_move(const Workspace& ws, const Record& record,
                                  const BlockedAttempt& blocked, Instant now) {
    const RecordTypeDef* type = ws.schema.type(record.type);
    std::string what;
    for (const auto& id : blocked.missing) {
        const FieldDef* field = type ? type->field(id) : nullptr;
        what += (what.empty() ? "missing " : ", ") + (field ? field->label : id);
    }
    for (const auto& condition : blocked.failing)
        what += (what.empty() ? "not met: " : "; not met: ") + condition;
    return what + " · " + ws.directory.names({blocked.by}) + ", " +
           (blocked.attempts == 1 ? "1 try" : std::to_string(blocked.attempts) + " tries") +
           ", last " + describe_ago(blocked.at, now);
}

std::vector<ExceptionQueue> exception_queues(const Workspace& ws, const std::string& viewer_id,
                                             Instant now, QueueDetail detail, std::size_t worded) {
    const bool in_words = detail == QueueDetail::Words;
    std::vector<ExceptionQueue> queues;
    const User* viewer = ws.directory.user(viewer_id);
    if (!viewer) return queues;
    std::vector<std::string> managers;
    for (const auto& user : ws.directory.users())
        if (user.role == Role::Manager || user.role == Role::Admin) managers.push_back(user.id);
    const BusinessCalendar calendar = workspace_calendar(ws);
    std::vector<std::string> admins;
    for (const auto& user : ws.directory.users())
        if (user.role == Role::Admin) admins.push_back(user.id);
    std::map<std::string, ExceptionQueue> unowned, breaches, overdue, blocked, failed;
    const bool reviews = can_review_exceptions(*viewer);
    const ViewableByOwner viewable(ws, *viewer);
    const SlaClockReader clocks_of(ws, calendar);
    for (const Record* record : queue_candidates(ws)) {
        if (!viewable(*record)) continue;
        // Words only for the items a screen shows: the title is made once a
        // record has such an item, the detail line for each.
        std::optional<std::string> titled;
        auto title = [&](const ExceptionQueue& queue) -> std::string {
            if (!in_words || queue.items.size() >= worded) return "";
            if (!titled) titled = ws.title_of(*record);
            return *titled;
        };
        auto words = [&](const ExceptionQueue& queue, auto make) {
            return in_words && queue.items.size() < worded ? std::string(make()) : std::string();
        };
        // Unowned work: records in an active process with nobody on them.
        if (record->owner.empty()) {
            for (const auto& [flow_id, state] : record->flows) {
                const Flow* flow = ws.flow(flow_id);
                const Stage* stage = flow && state.active() ? flow->stage(state.stage) : nullptr;
                if (!stage) continue;
                auto& queue = unowned[record->type];
                if (queue.items.empty()) {
                    const RecordTypeDef* type = ws.schema.type(record->type);
                    queue = {"unowned",
                             record->type,
                             "Unowned " + (type ? type->plural : record->type),
                             managers,
                             {}};
                }
                queue.items.push_back(
                    {record->id, title(queue),
                     words(queue,
                           [&] { return flow->name + ": " + stage->name + why_unowned(*record); }),
                     "", record});
                break;
            }
        }
        for (const auto& clock : clocks_of.running(*record, now)) {
            if (clock.state != ClockState::Overdue) continue;
            auto& queue = breaches[clock.policy->id];
            if (queue.items.empty())
                queue = {"sla_breach", clock.policy->id, "Breached: " + clock.policy->name, {}, {}};
            if (const auto escalated = record->sla_escalations.find(clock.policy->id);
                escalated != record->sla_escalations.end())
                add_handlers(queue, escalated->second);
            if (in_words) add_handlers(queue, alert_recipients(ws, *clock.policy, *record));
            queue.items.push_back(
                {record->id, title(queue),
                 words(queue, [&] { return describe_clock(ws, *record, clock, now); }),
                 record->owner, record});
        }
        // The team's next actions past due: who owns them and by how much.
        if (reviews && !record->owner.empty())
            for (const auto& [flow_id, state] : record->flows) {
                const Flow* flow = ws.flow(flow_id);
                const Stage* stage = flow && state.active() ? flow->stage(state.stage) : nullptr;
                if (!stage || stage->next_action.text.empty()) continue;
                const auto due = clocks_of.action_due(*record, state);
                if (!due || now < due->at) continue;
                auto& queue = overdue["next_action"];
                if (queue.items.empty())
                    queue = {
                        "overdue_next_action", "next_action", "Overdue next actions", managers, {}};
                queue.items.push_back({record->id, title(queue),
                                       words(queue,
                                             [&] {
                                                 return flow->name + ": " +
                                                        stage->next_action.text + " · " +
                                                        ws.directory.names({record->owner}) + ", " +
                                                        describe_due(due->at, now);
                                             }),
                                       record->owner, record});
            }
        // Moves a gate stopped that nobody has completed since.
        for (const auto& [flow_id, state] : record->flows) {
            if (!state.active() || !state.blocked) continue;
            const Flow* flow = ws.flow(flow_id);
            if (!flow) continue;
            const std::string& to = state.blocked->to;
            const Stage* target = flow->stage(to);
            const std::string to_name = target ? target->name : to;
            auto& queue = blocked[flow_id + "/" + to];
            if (queue.items.empty())
                queue = {"blocked_move",
                         flow_id + "/" + to,
                         "Blocked: " + flow->name + " → " + to_name,
                         managers,
                         {}};
            queue.items.push_back({record->id, title(queue),
                                   words(queue,
                                         [&, &blocked_at = *state.blocked] {
                                             return describe_blocked_move(ws, *record, blocked_at,
                                                                          now);
                                         }),
                                   record->owner, record});
        }
        // Automations that could not run: the manual recovery queue.
        for (const auto& [automation, failure] : record->automation_failures) {
            auto& queue = failed[automation];
            if (queue.items.empty())
                queue = {"automation_failure",
                         automation,
                         automation_failure_title(ws, automation),
                         admins,
                         {}};
            const std::string& reason = failure.reason; // (clang 14 cannot capture a binding)
            queue.items.push_back({record->id, title(queue), words(queue, [&] { return reason; }),
                                   record->owner, record});
        }
    }
    std::map<std::string, ExceptionQueue> merged;
    if (reviews) add_sync_problems(ws, *viewer, managers, now, in_words, merged);
    for (auto* groups : {&unowned, &breaches, &overdue, &blocked, &failed, &merged})
        for (auto& [key, queue] : *groups)
            queues.push_back(std::move(queue));
    // Repeated exceptions first: the biggest groups are where to look.
    std::stable_sort(queues.begin(), queues.end(),
                     [](const ExceptionQueue& a, const ExceptionQueue& b) {
                         return a.items.size() > b.items.size();
                     });
    return queues;
}

} // namespace crm
