// The conflict queue (docs/sync.md): values two devices changed without
// seeing each other's change, and changes to records deleted elsewhere.
#pragma once

#include "model/workspace.hpp"

#include <optional>
#include <string>
#include <vector>

namespace crm {

// Open conflicts, values first (by record), then deletions in the order
// found. Ids: "<record>/<key>" for a value, "<record>/deleted/<stamp>" for
// a deletion; the same on every device that has both sides.
std::vector<SyncConflict> open_conflicts(const Workspace& workspace);
// Those `viewer` may see: on records they can view, and on records deleted.
std::vector<SyncConflict> open_conflicts(const Workspace& workspace, const User& viewer);
// One side of a conflict: the value a write made, who and when.
ConflictSide conflict_side(const Stamp& stamp, nlohmann::json value);
// A record deleted here, as its deletion kept it (an object), or null.
nlohmann::json deleted_record(const Workspace& workspace, const std::string& id);
std::optional<SyncConflict> open_conflict(const Workspace& workspace, const std::string& id);

} // namespace crm
