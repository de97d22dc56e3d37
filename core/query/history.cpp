#include "query/history.hpp"

#include "engine/engine.hpp"
#include "model/field_values.hpp"

#include <algorithm>
#include <unordered_set>

namespace crm {

using nlohmann::json;
namespace ev = events;

namespace {

bool refers_to(const json& fields, const std::string& record_id) {
    if (!fields.is_object()) return false;
    for (const auto& [field, value] : fields.items())
        if (value.is_string() && value.get_ref<const std::string&>() == record_id) return true;
    return false;
}

std::string person(const Workspace& ws, const std::string& user_id) {
    if (user_id.empty()) return "nobody";
    const User* user = ws.directory.user(user_id);
    return user ? user->name : user_id;
}

std::string by_whom(const Workspace& ws, const EventBatch& batch, const BatchOrigins& origins) {
    if (batch.actor != kAutomationActor) return person(ws, batch.actor);
    std::string text = "automation";
    // A rule is its own actor: "rule Route new leads".
    if (batch.cause.reactor.rfind("rule ", 0) == 0)
        text = batch.cause.reactor;
    else if (!batch.cause.reactor.empty())
        text += " (" + batch.cause.reactor + ")";
    else if (!batch.cause.command.empty())
        text += " (" +
                std::string(batch.cause.command == "timer" ? "the timer" : batch.cause.command) +
                ")";
    // Follow the chain of reactions back to the change that set it off.
    std::uint64_t after = batch.cause.after;
    for (int hops = 0; after != 0 && hops < 2 * kMaxReactionsPerChange; ++hops) {
        const auto origin = origins.find(after);
        if (origin == origins.end()) break;
        if (origin->second.after == 0) {
            if (origin->second.actor != kAutomationActor)
                text += ", after " + person(ws, origin->second.actor) + "'s change";
            break;
        }
        after = origin->second.after;
    }
    return text;
}

std::string field_label(const Workspace& ws, const std::string& type, const std::string& field) {
    const RecordTypeDef* def = ws.schema.type(type);
    const FieldDef* f = def ? def->field(field) : nullptr;
    return f ? f->label : field;
}

std::string shown(const Workspace& ws, const std::string& type, const std::string& field,
                  const json& value) {
    if (value.is_null()) return "(empty)";
    const RecordTypeDef* def = ws.schema.type(type);
    const FieldDef* f = def ? def->field(field) : nullptr;
    if (f) return format_field_value(*f, value);
    return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string flow_name(const Workspace& ws, const std::string& flow) {
    const Flow* f = ws.flow(flow);
    return f ? f->name : flow;
}

std::string step_name(const Workspace& ws, const std::string& flow, const std::string& id) {
    if (const Flow* f = ws.flow(flow)) {
        if (const Stage* s = f->stage(id)) return s->name;
        if (const FlowOutcome* o = f->outcome(id)) return o->name;
        if (const FlowExit* e = f->exit(id)) return e->name;
    }
    return id;
}

std::string list(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

// The record's type, for field labels: from the event, or from the workspace.
struct Describer {
    const Workspace& ws;
    std::string type;

    std::string operator()(const ev::RecordCreated& e) const {
        return "Created" + (e.owner.empty() ? std::string() : ", owned by " + person(ws, e.owner));
    }
    std::string operator()(const ev::RecordUpdated& e) const {
        std::string text;
        for (const auto& [field, value] : e.fields.items()) {
            text += (text.empty() ? "" : "; ") + field_label(ws, type, field) + ": ";
            const auto before = e.before.find(field);
            if (before != e.before.end()) text += shown(ws, type, field, *before) + " → ";
            text += shown(ws, type, field, value);
        }
        if (e.owner) {
            text += (text.empty() ? "" : "; ") + std::string("Reassigned ");
            if (!e.owner_before.empty()) text += "from " + person(ws, e.owner_before) + " ";
            text += "to " + person(ws, *e.owner);
        }
        return text;
    }
    std::string operator()(const ev::RecordDeleted&) const { return "Deleted"; }
    std::string operator()(const ev::RecordRestored&) const { return "Restored"; }
    std::string operator()(const ev::FieldAdded&) const { return ""; }
    std::string operator()(const ev::TypeAdded&) const { return ""; }
    std::string operator()(const ev::FlowStarted& e) const {
        return flow_name(ws, e.flow) + " started at " + step_name(ws, e.flow, e.stage);
    }
    std::string operator()(const ev::FlowJoined& e) const {
        return "Joined the " + flow_name(ws, e.flow) + " at " + step_name(ws, e.flow, e.stage) +
               " (its stage)";
    }
    std::string operator()(const ev::StageMoved& e) const {
        std::string text = flow_name(ws, e.flow) + ": " + step_name(ws, e.flow, e.from) + " → " +
                           step_name(ws, e.flow, e.to);
        if (!e.warnings.empty()) text += " (" + list(e.warnings) + ")";
        return text;
    }
    std::string operator()(const ev::FlowEnded& e) const {
        std::string text = flow_name(ws, e.flow) + " ended: " + step_name(ws, e.flow, e.outcome);
        if (!e.reason.empty()) text += " (" + e.reason + ")";
        return text;
    }
    std::string operator()(const ev::FlowSpawned& e) const {
        return "Started the " + flow_name(ws, e.flow) + " on " + e.record;
    }
    std::string operator()(const ev::MoveBlocked& e) const {
        std::vector<std::string> missing;
        for (const auto& field : e.missing)
            missing.push_back(field_label(ws, type, field));
        std::string text = "Move to " + step_name(ws, e.flow, e.to) + " blocked:";
        if (!missing.empty()) text += " missing " + list(missing);
        if (!e.failing.empty()) text += (missing.empty() ? " " : "; ") + list(e.failing);
        return text;
    }
    std::string operator()(const ev::ProcessesChanged&) const { return ""; }
    std::string operator()(const ev::SlaBreached& e) const {
        std::string text = "SLA " + policy_name(e.policy) + " breached (due " + e.due + ")";
        if (!e.recipients.empty()) {
            std::string names;
            for (const auto& id : e.recipients)
                names += (names.empty() ? "" : ", ") + person(ws, id);
            text += "; alerted " + names;
        }
        return text;
    }
    std::string operator()(const ev::SlaPaused& e) const {
        return "SLA " + policy_name(e.policy) + " paused";
    }
    std::string operator()(const ev::SlaResumed& e) const {
        return "SLA " + policy_name(e.policy) + " resumed";
    }
    std::string operator()(const ev::AutomationFailed& e) const {
        return "Automation could not run: " + e.reason;
    }
    std::string operator()(const ev::AutomationCleared& e) const {
        if (!e.note.empty()) return "A failed automation was dismissed: \"" + e.note + "\"";
        return "A failed automation is no longer needed";
    }
    std::string operator()(const ev::RulesChanged&) const { return ""; }
    std::string operator()(const ev::RuleStepRan& e) const {
        const AutomationRule* rule = ws.automation.rule(e.rule);
        const std::string name = "Rule " + (rule ? rule->name : e.rule);
        if (!e.failed.empty()) return name + " could not run: " + e.failed;
        return e.did.empty() ? "" : name + ": " + e.did;
    }
    // About people, not a record: never on a record's timeline.
    std::string operator()(const ev::NotificationSent&) const { return ""; }
    std::string operator()(const ev::NotificationsRead&) const { return ""; }
    std::string operator()(const ev::ViewSaved&) const { return ""; }
    std::string operator()(const ev::ViewDeleted&) const { return ""; }
    // Said with each record's own events instead (batch_context()).
    std::string operator()(const ev::RecordsImported&) const { return ""; }
    std::string operator()(const ev::BatchReverted&) const { return ""; }
    // Users and teams have no record timeline.
    std::string operator()(const ev::UserAdded&) const { return ""; }
    std::string operator()(const ev::UserUpdated&) const { return ""; }
    std::string operator()(const ev::TeamAdded&) const { return ""; }
    std::string operator()(const ev::TeamUpdated&) const { return ""; }
    std::string operator()(const ev::PeopleImported&) const { return ""; }
    std::string operator()(const ev::LeadScoringChanged&) const { return ""; }
    // Sync's bookkeeping: the conflict queue shows conflicts, not the timeline.
    std::string operator()(const ev::ConflictNoted&) const { return ""; }
    std::string operator()(const ev::ConflictResolved&) const { return ""; }
    std::string operator()(const ev::HeadsSet&) const { return ""; }
    std::string operator()(const ev::ValueConfirmed& e) const {
        return "Kept " +
               (flow_of_stamp_key(e.key) ? std::string("the stage")
                                         : field_label(ws, type, e.key)) +
               " as it stood, after a sync conflict";
    }
    std::string operator()(const ev::SyncCheckpoint&) const { return ""; }
    std::string operator()(const ev::SyncProblemNoted&) const { return ""; }
    std::string operator()(const ev::RecordsMerged& e) const {
        return "Merged with " +
               (e.other_title.empty() ? e.other : e.other_title + " (" + e.other + ")") +
               ": its activities, tasks and links now point here";
    }
    std::string operator()(const ev::DataProblemFlagged& e) const {
        return "Flagged a data problem: \"" + e.note + "\"";
    }
    std::string operator()(const ev::DataProblemsResolved& e) const {
        return "Resolved the data problems" + (e.note.empty() ? "" : ": \"" + e.note + "\"");
    }

    std::string policy_name(const std::string& id) const {
        for (const auto& policy : ws.sla_policies)
            if (policy.id == id) return policy.name;
        return id;
    }
};

// "Task added: Call back (task-k7m2qx-3)" for a record made or changed to point at this one.
std::string link_text(const Workspace& ws, const std::string& type, const std::string& id,
                      const json& fields, bool created) {
    const RecordTypeDef* def = ws.schema.type(type);
    Record as_made; // titled from what the event carried: it may be gone since
    as_made.id = id;
    as_made.type = type;
    as_made.fields = fields;
    const Record* linked = ws.find(id);
    const std::string title = ws.title_of(created || !linked ? as_made : *linked);
    return (def ? def->label : type) + (created ? " added: " : " linked: ") +
           (title == id ? id : title + " (" + id + ")");
}

// " (imported from contacts.csv)": what the whole batch was, when it says so.
std::string batch_context(const EventBatch& batch) {
    for (const auto& event : batch.events) {
        if (const auto* import = event.as<ev::RecordsImported>())
            return import->source.empty() ? " (imported)"
                                          : " (imported from " + import->source + ")";
        if (const auto* reverted = event.as<ev::BatchReverted>())
            return " (undoing " + (reverted->what.empty() ? "a change" : reverted->what) + ")";
        if (const auto* merged = event.as<ev::RecordsMerged>())
            return " (merging " + merged->other + " into " + merged->id + ")";
    }
    return "";
}

// The records merged into `record_id` (and into those, and so on) by merges
// not undone since, by id with their titles: their past is the record's too.
std::unordered_map<std::string, std::string> merged_family(const std::vector<EventBatch>& batches,
                                                           const std::string& record_id) {
    std::unordered_set<std::uint64_t> reverted;
    for (const auto& batch : batches)
        for (const auto& event : batch.events)
            if (const auto* undo = event.as<ev::BatchReverted>()) reverted.insert(undo->seq);
    std::unordered_map<std::string, std::string> family;
    // Newest first: a record merged into one that was later merged here.
    for (auto batch = batches.rbegin(); batch != batches.rend(); ++batch) {
        if (reverted.count(batch->seq)) continue;
        for (const auto& event : batch->events)
            if (const auto* merged = event.as<ev::RecordsMerged>();
                merged && (merged->id == record_id || family.count(merged->id)))
                family.emplace(merged->other, merged->other_title);
    }
    return family;
}

// An undo that brought a record back (a merge's undo returns the merged
// one): it may take back a merge into any record, so every history reads it.
bool restores_by_undo(const EventBatch& batch) {
    return batch.events.size() > 1 && batch.events.front().as<ev::BatchReverted>() &&
           std::any_of(batch.events.begin(), batch.events.end(),
                       [](const Event& event) { return event.as<ev::RecordRestored>(); });
}

} // namespace

bool batch_mentions(const EventBatch& batch, const std::string& record_id) {
    if (restores_by_undo(batch)) return true;
    for (const auto& event : batch.events) {
        if (event.record_id() == record_id) return true;
        if (const auto* created = event.as<ev::RecordCreated>();
            created && refers_to(created->fields, record_id))
            return true;
        if (const auto* updated = event.as<ev::RecordUpdated>();
            updated && refers_to(updated->fields, record_id))
            return true;
    }
    return false;
}

std::vector<std::string> merged_into(const std::vector<EventBatch>& batches,
                                     const std::string& record_id) {
    std::vector<std::string> ids;
    for (const auto& [id, title] : merged_family(batches, record_id))
        ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<TimelineEntry> record_timeline(const Workspace& ws,
                                           const std::vector<EventBatch>& batches,
                                           const BatchOrigins& origins,
                                           const std::string& record_id) {
    const auto family = merged_family(batches, record_id);
    auto ours = [&](const std::string& id) { return id == record_id || family.count(id) > 0; };
    auto links_to_us = [&](const json& fields) {
        if (refers_to(fields, record_id)) return true;
        for (const auto& [id, title] : family)
            if (refers_to(fields, id)) return true;
        return false;
    };
    std::vector<TimelineEntry> timeline;
    std::unordered_map<std::string, std::string> types; // record -> its type, as events say
    if (const Record* record = ws.find(record_id)) types[record_id] = record->type;
    for (const auto& batch : batches) {
        const std::string context = batch_context(batch);
        for (const auto& event : batch.events) {
            std::string what;
            const std::string& id = event.record_id();
            if (ours(id)) {
                // The merge's own line says it ("Merged with ..."): not "Deleted" as well.
                if (id != record_id && event.as<ev::RecordDeleted>() && !context.empty()) continue;
                if (const auto* created = event.as<ev::RecordCreated>()) types[id] = created->type;
                what = std::visit(Describer{ws, types.count(id) ? types[id] : types[record_id]},
                                  event.data);
                // What happened to a merged record before the merge: "Dana W.: Created".
                if (id != record_id && !what.empty()) {
                    const std::string& title = family.at(id);
                    what = (title.empty() ? id : title) + ": " + what;
                }
            } else if (const auto* created = event.as<ev::RecordCreated>();
                       created && links_to_us(created->fields)) {
                what = link_text(ws, created->type, created->id, created->fields, true);
            } else if (const auto* updated = event.as<ev::RecordUpdated>();
                       updated && links_to_us(updated->fields)) {
                const Record* linked = ws.find(updated->id);
                what =
                    link_text(ws, linked ? linked->type : "", updated->id, updated->fields, false);
            }
            if (what.empty()) continue;
            if (!event.as<ev::RecordsMerged>()) what += context;
            const json journaled = batch_to_json({0, "", {}, "", {}, {event}})["events"][0];
            timeline.push_back({batch.at, batch.seq, batch.device, batch.actor,
                                by_whom(ws, batch, origins), event.kind(), std::move(what),
                                journaled["data"]});
        }
    }
    return timeline;
}

json deleted_record(const std::vector<EventBatch>& batches, const std::string& record_id) {
    for (auto batch = batches.rbegin(); batch != batches.rend(); ++batch)
        for (const auto& event : batch->events)
            if (const auto* deleted = event.as<ev::RecordDeleted>();
                deleted && deleted->id == record_id)
                return deleted->record;
    return nullptr;
}

} // namespace crm
