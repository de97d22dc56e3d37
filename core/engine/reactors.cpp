#include "engine/reactors.hpp"

#include "automation/rule_runs.hpp"

#include "engine/decisions.hpp"
#include "scoring/score_reactor.hpp"
#include "sla/clocks.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

namespace crm {

namespace {

// Records whose data a batch changed, in the order it changed them.
std::vector<std::string> records_changed(const Workspace& ws, const EventBatch& batch) {
    std::vector<std::string> ids;
    std::unordered_set<std::string> seen; // an import changes thousands at once
    for (const auto& event : batch.events) {
        if (!event.as<events::RecordCreated>() && !event.as<events::RecordUpdated>() &&
            !event.as<events::RecordRestored>())
            continue;
        const std::string& id = event.record_id();
        if (ws.find(id) && seen.insert(id).second) ids.push_back(id);
    }
    return ids;
}

} // namespace

std::vector<Reaction> FlowStartReactor::react(const Workspace& ws, const EventBatch& batch,
                                              Instant now) const {
    std::vector<Reaction> reactions;
    for (const auto& id : records_changed(ws, batch)) {
        const Record& record = *ws.find(id);
        for (const auto& flow : ws.flows)
            if (detail::flow_start_due(ws, record, flow, now))
                reactions.push_back({StartFlow{id, flow.id}, id, flow.name + " start"});
    }
    if (reactions.size() <= 1) return reactions;
    // Many records at once (an import): one batch per flow, not one per record.
    std::vector<Reaction> grouped;
    for (const auto& flow : ws.flows) {
        StartFlows starts;
        std::string first;
        for (const auto& reaction : reactions) {
            const auto& start = std::get<StartFlow>(reaction.command);
            if (start.flow != flow.id) continue;
            if (first.empty()) first = start.id;
            starts.starts.push_back(start);
        }
        if (!starts.starts.empty())
            grouped.push_back({std::move(starts), first, flow.name + " start"});
    }
    return grouped;
}

std::vector<Reaction> SlaPauseReactor::react(const Workspace& ws, const EventBatch& batch,
                                             Instant now) const {
    std::vector<Reaction> reactions;
    if (ws.sla_policies.empty()) return reactions;
    std::set<std::string> seen;
    for (const auto& event : batch.events) {
        const std::string& id = event.record_id();
        // Pauses follow the record's data and stage, not the SLA's own events.
        if (id.empty() || event.as<events::SlaPaused>() || event.as<events::SlaResumed>() ||
            event.as<events::SlaBreached>() || !seen.insert(id).second)
            continue;
        const Record* record = ws.find(id);
        if (record && !pause_changes(ws, *record, now).empty())
            reactions.push_back({TrackPauses{id}, id, "SLA pause"});
    }
    return reactions;
}

std::vector<Reaction> BreachActionReactor::react(const Workspace& ws, const EventBatch& batch,
                                                 Instant) const {
    std::vector<Reaction> reactions;
    // Open records each user owns, by type, counted once per batch: who of a
    // role is least loaded, balanced across the breaches raised together.
    std::map<std::string, std::map<std::string, std::size_t>> load_by_type;
    auto load_of = [&](const std::string& type) -> std::map<std::string, std::size_t>& {
        const auto found = load_by_type.find(type);
        if (found != load_by_type.end()) return found->second;
        auto& counts = load_by_type[type];
        for (const Record* record : ws.records_of_type(type))
            if (is_open(*record)) ++counts[record->owner];
        return counts;
    };
    for (const auto& event : batch.events) {
        const auto* breach = event.as<events::SlaBreached>();
        if (!breach) continue;
        const Record* record = ws.find(breach->id);
        const auto policy =
            std::find_if(ws.sla_policies.begin(), ws.sla_policies.end(),
                         [&](const SlaPolicy& p) { return p.id == breach->policy; });
        if (!record || policy == ws.sla_policies.end()) continue;
        UpdateRecord update{record->id, nlohmann::json::object(), std::nullopt, false};
        for (const auto& [field, value] : policy->set.items())
            if (record->value(field) != value) update.fields[field] = value;
        if (!policy->reassign_to.empty()) {
            auto& load = load_of(record->type);
            const std::string to = breach_reassignee(ws, *policy, *record, load);
            if (!to.empty() && to != record->owner) {
                if (is_open(*record)) { // closed records were never counted
                    if (load[record->owner] > 0) --load[record->owner];
                    ++load[to];
                }
                update.owner = to;
            }
        }
        if (!update.fields.empty() || update.owner)
            reactions.push_back({update, record->id, "SLA " + policy->name + " breach"});
    }
    return reactions;
}

std::vector<std::string> breach_notified(const Workspace& ws, const events::SlaBreached& breach) {
    std::vector<std::string> people;
    auto add = [&](const std::string& id) {
        if (ws.directory.user(id) && std::find(people.begin(), people.end(), id) == people.end())
            people.push_back(id);
    };
    for (const auto& id : breach.recipients)
        add(id);
    if (breach.escalated_to)
        for (const auto& id : *breach.escalated_to)
            add(id);
    return people;
}

namespace {

std::string policy_name(const Workspace& ws, const std::string& id) {
    for (const auto& policy : ws.sla_policies)
        if (policy.id == id) return policy.name;
    return id;
}

// "Maria Lindqvist", or "Automation" for what automation did.
std::string actor_name(const Workspace& ws, const std::string& actor) {
    if (actor == kAutomationActor) return "Automation";
    return ws.directory.names({actor});
}

void notify_breach(const Workspace& ws, const EventBatch& batch, const events::SlaBreached& breach,
                   std::vector<Notification>& out) {
    const Record* record = ws.find(breach.id);
    if (!record) return;
    const std::string text =
        "SLA breached: " + policy_name(ws, breach.policy) + " on " + ws.title_of(*record);
    for (const auto& user : breach_notified(ws, breach)) {
        const bool escalated = breach.escalated_to &&
                               std::find(breach.escalated_to->begin(), breach.escalated_to->end(),
                                         user) != breach.escalated_to->end();
        Notification notification;
        // From the breach: each device that raises it makes the same one.
        notification.id = ws.notifications.peek_next_id(
            cause_tag("sla|" + breach.id + "|" + breach.policy + "|" + breach.due + "|" + user));
        notification.user = user;
        notification.kind = escalated ? kNotifyEscalation : kNotifySlaBreach;
        notification.record = record->id;
        notification.text = escalated ? text + " — escalated to you" : text;
        notification.by = batch.actor;
        notification.cause = "SLA " + policy_name(ws, breach.policy) + " breach";
        out.push_back(std::move(notification));
    }
}

// A record as a notification names it: a task or an activity also by the
// record it is for, since many share a title ("Renewal check-in").
std::string named_in_notice(const Workspace& ws, const Record& record) {
    std::string name = ws.title_of(record);
    const auto& related = record.value("related");
    if (related.is_string())
        if (const Record* about = ws.find(related.get_ref<const std::string&>()))
            name += " for " + ws.title_of(*about);
    return name;
}

// The record's new owner, when someone other than them made them its owner.
void notify_assignment(const Workspace& ws, const EventBatch& batch, const std::string& id,
                       const std::string& owner, std::vector<Notification>& out) {
    const Record* record = ws.find(id);
    if (!record || owner.empty() || owner == batch.actor || record->owner != owner) return;
    Notification notification;
    // A record made by time-driven automation is made alike on every device
    // (its id says so): so is the notice of who it went to.
    if (is_made_for_a_cause(id))
        notification.id = ws.notifications.peek_next_id(cause_tag("assigned|" + id + "|" + owner));
    notification.user = owner;
    notification.kind = kNotifyAssignment;
    notification.record = id;
    notification.text =
        actor_name(ws, batch.actor) + " assigned " + named_in_notice(ws, *record) + " to you";
    if (!batch.cause.reactor.empty()) notification.text += " (" + batch.cause.reactor + ")";
    notification.by = batch.actor;
    notification.cause = batch.cause.reactor.empty() ? batch.cause.command : batch.cause.reactor;
    out.push_back(std::move(notification));
}

// An import tells each new owner once, with a count, not once per record.
void notify_imported(const Workspace& ws, const EventBatch& batch,
                     const events::RecordsImported& import, std::vector<Notification>& out) {
    struct Given {
        std::size_t count = 0;
        std::string first, type; // type "" = records of several types
    };
    std::map<std::string, Given> given; // by owner
    for (const auto& event : batch.events) {
        std::string owner, id = event.record_id();
        if (const auto* created = event.as<events::RecordCreated>())
            owner = created->owner;
        else if (const auto* updated = event.as<events::RecordUpdated>(); updated && updated->owner)
            owner = *updated->owner;
        if (owner.empty() || owner == batch.actor || !ws.directory.user(owner)) continue;
        const Record* record = ws.find(id);
        const std::string type = record ? record->type : import.type;
        Given& counted = given[owner];
        if (counted.count++ == 0) {
            counted.first = id;
            counted.type = type;
        } else if (counted.type != type) {
            counted.type.clear();
        }
    }
    for (const auto& [owner, counted] : given) {
        const auto& [count, first, type_id] = counted;
        const RecordTypeDef* type = ws.schema.type(type_id);
        const std::string kind = type              ? (count == 1 ? type->label : type->plural)
                                 : type_id.empty() ? (count == 1 ? "record" : "records")
                                                   : type_id;
        Notification notification;
        notification.user = owner;
        notification.kind = kNotifyAssignment;
        notification.record = first;
        notification.text = actor_name(ws, batch.actor) + " imported " + std::to_string(count) +
                            " " + kind + " for you" +
                            (import.source.empty() ? "" : " from " + import.source);
        notification.by = batch.actor;
        notification.cause = batch.cause.command;
        out.push_back(std::move(notification));
    }
}

} // namespace

std::vector<Reaction> NotificationReactor::react(const Workspace& ws, const EventBatch& batch,
                                                 Instant) const {
    std::vector<Notification> notifications;
    const auto import = std::find_if(batch.events.begin(), batch.events.end(), [](const Event& e) {
        return e.as<events::RecordsImported>() != nullptr;
    });
    if (import != batch.events.end())
        notify_imported(ws, batch, *import->as<events::RecordsImported>(), notifications);
    else
        for (const auto& event : batch.events) {
            if (const auto* breach = event.as<events::SlaBreached>())
                notify_breach(ws, batch, *breach, notifications);
            else if (const auto* created = event.as<events::RecordCreated>())
                notify_assignment(ws, batch, created->id, created->owner, notifications);
            else if (const auto* updated = event.as<events::RecordUpdated>();
                     updated && updated->owner)
                notify_assignment(ws, batch, updated->id, *updated->owner, notifications);
        }
    if (notifications.empty()) return {};
    const std::string record = notifications.front().record;
    return {{Notify{std::move(notifications)}, record, "Inbox"}};
}

std::vector<std::shared_ptr<const Reactor>> builtin_reactors() {
    return {std::make_shared<FlowStartReactor>(),    std::make_shared<SlaPauseReactor>(),
            std::make_shared<BreachActionReactor>(), std::make_shared<RuleReactor>(),
            std::make_shared<NotificationReactor>(), std::make_shared<ScoreReactor>()};
}

} // namespace crm
