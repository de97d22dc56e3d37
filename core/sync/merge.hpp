// Merging a batch another device made into this workspace (docs/sync.md).
//
// Every value a record holds (each field, its owner, where it stands in each
// process) keeps the stamps of its heads: the writes of it that no later
// write has seen (TeamSync). A remote write replaces the heads it had seen
// and stands beside the others; the head with the greatest stamp is the
// value. So every device that has the same batches holds the same values and
// the same conflicts (two heads or more), in whatever order they came.
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

} // namespace crm
