// Undoing a whole batch from kept history: an import (or a merge) comes back
// out as one change, when nothing has touched its records since.
#pragma once

#include "engine/command.hpp"
#include "engine/undo.hpp"
#include "model/workspace.hpp"
#include "store/workspace_store.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>

namespace crm {

// The command that takes batch `seq` back. Refused, in words, when the batch
// is not kept, was automation's, was undone already, or when a later change
// (other than automation answering it) touched one of its records:
// "Cannot undo the import of contacts.csv: Dana Whitfield has changed since
// (batch 58); undo that first or change it by hand".
Result<RevertBatch> undo_batch_command(const Workspace& workspace, const KeptHistory& history,
                                       std::uint64_t seq);

} // namespace crm
