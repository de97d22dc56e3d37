// What replacing the workspace with an imported one would do to its records,
// said before it is done (the app asks; `crm import --dry-run` reports).
#pragma once

#include "model/workspace.hpp"

#include <cstddef>
#include <string>

namespace crm {

struct ReplacementCounts {
    std::size_t added = 0;    // in the file, not in the workspace
    std::size_t replaced = 0; // in both: the file's version wins
    std::size_t removed = 0;  // in the workspace, not in the file
};

// Records are matched by id; one lookup per record of the file.
ReplacementCounts count_replacement(const Workspace& current, const Workspace& incoming);

// "3 added, 330 replaced, 2 removed"
std::string describe_replacement(const ReplacementCounts& counts);

} // namespace crm
