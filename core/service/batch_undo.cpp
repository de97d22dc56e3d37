#include "service/batch_undo.hpp"

#include "engine/engine.hpp"

#include <algorithm>
#include <unordered_set>

namespace crm {

namespace {

// Events that change what a record holds (not attempts, alerts or notes).
bool changes_record(const Event& event) {
    return event.as<events::RecordUpdated>() || event.as<events::RecordDeleted>() ||
           event.as<events::RecordRestored>() || event.as<events::StageMoved>() ||
           event.as<events::FlowEnded>();
}

// The first later batch, not automation answering `batch`, that changed one
// of its records: (that batch, the record).
std::optional<std::pair<const EventBatch*, std::string>> changed_since(const KeptHistory& history,
                                                                       const EventBatch& batch) {
    std::unordered_set<std::string> records;
    for (const auto& event : batch.events)
        if (!event.record_id().empty()) records.insert(event.record_id());
    std::unordered_set<std::uint64_t> answering = {batch.seq}; // the batch and its reactions
    for (const auto& later : history.batches) {
        if (later.seq <= batch.seq) continue;
        const auto origin = history.origins.find(later.seq);
        if (origin != history.origins.end() && answering.count(origin->second.after)) {
            answering.insert(later.seq);
            continue;
        }
        for (const auto& event : later.events)
            if (changes_record(event) && records.count(event.record_id()))
                return std::make_pair(&later, event.record_id());
    }
    return std::nullopt;
}

const EventBatch* undone_by(const KeptHistory& history, std::uint64_t seq) {
    for (const auto& later : history.batches)
        for (const auto& event : later.events)
            if (const auto* reverted = event.as<events::BatchReverted>();
                reverted && reverted->seq == seq)
                return &later;
    return nullptr;
}

} // namespace

Result<RevertBatch> undo_batch_command(const Workspace& ws, const KeptHistory& history,
                                       std::uint64_t seq) {
    const auto found = std::find_if(history.batches.begin(), history.batches.end(),
                                    [&](const EventBatch& batch) { return batch.seq == seq; });
    if (found == history.batches.end())
        return Error{"there is no batch " + std::to_string(seq) + " in this workspace's history"};
    const std::string what = describe_batch(*found);
    if (found->actor == kAutomationActor)
        return Error{"Cannot undo " + what + ": automation made it; undo what it answered"};
    if (const EventBatch* undone = undone_by(history, seq))
        return Error{"Cannot undo " + what + ": it was undone already (batch " +
                     std::to_string(undone->seq) + ")"};
    if (const auto changed = changed_since(history, *found)) {
        const Record* record = ws.find(changed->second);
        return Error{"Cannot undo " + what + ": " +
                     (record ? ws.title_of(*record) : changed->second) +
                     " has changed since (batch " + std::to_string(changed->first->seq) +
                     "); undo that first or change it by hand"};
    }
    return RevertBatch{*found, what};
}

} // namespace crm
