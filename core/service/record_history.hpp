// Reading one record's past from the kept journal: the batches that mention
// it, and those of records merged into it.
#pragma once

#include "store/workspace_store.hpp"

#include <string>

namespace crm {

// Reads the journal once, and again when merges folded other records into
// this one (their batches do not mention it). Pass the result to
// record_timeline().
KeptHistory read_record_history(const WorkspaceStore& store, const std::string& record_id);

} // namespace crm
