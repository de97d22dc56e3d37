// Merging a batch another device made into this workspace (docs/sync.md).
//
// Every value a record holds (each field, its owner, where it stands in each
// process) carries the stamp of the batch that wrote it. A batch from
// elsewhere changes a value only if its stamp is greater, so every device
// that has the same batches holds the same values, in whatever order they
// came. Where both sides changed one value without seeing the other's change,
// the conflict is listed (ConflictNoted) with both values; the greater stamp's
// value stands until a person keeps the other.
#pragma once

#include "engine/event.hpp"
#include "model/workspace.hpp"

#include <string>
#include <vector>

namespace crm {

struct MergedBatch {
    // The remote batch fitted to this workspace, for Engine::receive(): its
    // device, actor, time and clock, its seq there as origin_seq, and the
    // events that still change something here, with the conflicts found.
    EventBatch batch;
    std::vector<std::string> dropped; // what no longer applies here, in words
};

MergedBatch merge_remote_batch(const Workspace& workspace, const EventBatch& remote);

// The id both devices give one conflict: the same whichever finds it.
std::string conflict_id(const std::string& record, const std::string& key, const Stamp& a,
                        const Stamp& b);

} // namespace crm
