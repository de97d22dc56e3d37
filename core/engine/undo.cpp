#include "engine/undo.hpp"

#include "engine/engine.hpp"

namespace crm {

namespace {

namespace ev = events;

template <typename T> const T* find_event(const EventBatch& batch) {
    for (const auto& event : batch.events)
        if (const auto* found = event.as<T>()) return found;
    return nullptr;
}

// The record as it stands, unchanged since the batch.
Result<const Record*> unchanged(const Workspace& ws, const std::string& id,
                                std::uint64_t version_after) {
    const Record* record = ws.find(id);
    if (!record) return Error{"Cannot undo: " + id + " no longer exists"};
    if (record->version != version_after)
        return Error{"Cannot undo: " + ws.title_of(*record) +
                     " has changed since; see its history"};
    return record;
}

} // namespace

std::string describe_batch(const EventBatch& batch) {
    for (const auto& event : batch.events) {
        if (const auto* import = event.as<events::RecordsImported>())
            return import->source.empty() ? "the import of batch " + std::to_string(batch.seq)
                                          : "the import of " + import->source;
        if (const auto* people = event.as<events::PeopleImported>())
            return people->source.empty()
                       ? "the import of people in batch " + std::to_string(batch.seq)
                       : "the import of " + people->source;
        if (const auto* merged = event.as<events::RecordsMerged>())
            return "the merge of " + merged->other_title + " (" + merged->other + ") into " +
                   merged->id;
        if (const auto* reverted = event.as<events::BatchReverted>())
            return "the undoing of " + (reverted->what.empty()
                                            ? "batch " + std::to_string(reverted->seq)
                                            : reverted->what);
    }
    return "batch " + std::to_string(batch.seq);
}

Result<Command> undo_command(const Workspace& ws, const EventBatch& last,
                             std::uint64_t version_after) {
    if (last.events.empty() || find_event<ev::MoveBlocked>(last))
        return Error{"There is nothing to undo"};
    if (last.actor == kAutomationActor)
        return Error{"Changes made by automation cannot be undone here"};
    if (find_event<ev::ProcessesChanged>(last))
        return Error{"Saving the processes cannot be undone here"};
    if (find_event<ev::PeopleImported>(last))
        return Error{"Importing people cannot be undone here"};
    if (find_event<ev::LeadScoringChanged>(last))
        return Error{"Saving the lead scoring cannot be undone here"};
    if (find_event<ev::FieldAdded>(last)) return Error{"Adding a field cannot be undone here"};
    if (find_event<ev::TypeAdded>(last)) return Error{"Adding a record type cannot be undone here"};
    // A conversion made several records at once; each can be deleted on its own.
    if (last.cause.command == "convert") return Error{"Converting a lead cannot be undone here"};
    if (last.cause.command == "accept-quote")
        return Error{"Accepting a quote cannot be undone here; set its order to Cancelled instead"};
    if (find_event<ev::FlowEnded>(last))
        return Error{"Ending or leaving a flow cannot be undone here"};
    if (const auto* merged = find_event<ev::RecordsMerged>(last)) {
        auto record = unchanged(ws, merged->id, version_after);
        if (!record) return Error{record.error()};
        return Command{RevertBatch{last, describe_batch(last)}};
    }
    if (const auto* created = find_event<ev::RecordCreated>(last)) {
        auto record = unchanged(ws, created->id, version_after);
        if (!record) return Error{record.error()};
        return Command{DeleteRecord{created->id}};
    }
    if (const auto* restored = find_event<ev::RecordRestored>(last)) {
        auto record = unchanged(ws, restored->id, version_after);
        if (!record) return Error{record.error()};
        return Command{DeleteRecord{restored->id}};
    }
    if (const auto* deleted = find_event<ev::RecordDeleted>(last)) {
        if (ws.find(deleted->id)) return Error{"Cannot undo: " + deleted->id + " exists again"};
        if (!deleted->record.is_object())
            return Error{"Cannot undo: this journal did not keep the deleted record"};
        return Command{RestoreRecord{deleted->id, deleted->record}};
    }
    if (const auto* moved = find_event<ev::StageMoved>(last)) {
        auto record = unchanged(ws, moved->id, version_after);
        if (!record) return Error{record.error()};
        MoveRecord back;
        back.id = moved->id;
        back.flow = moved->flow;
        back.to = moved->from;
        return Command{back};
    }
    if (const auto* updated = find_event<ev::RecordUpdated>(last)) {
        auto record = unchanged(ws, updated->id, version_after);
        if (!record) return Error{record.error()};
        UpdateRecord back;
        back.id = updated->id;
        back.fields = updated->before.is_object() ? updated->before : nlohmann::json::object();
        if (updated->owner) back.owner = updated->owner_before;
        return Command{back};
    }
    return Error{"There is nothing to undo"};
}

} // namespace crm
