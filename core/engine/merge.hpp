// How the fields of two records come out of a merge (MergeRecords): the one
// rule the engine applies and the duplicates review shows.
#pragma once

#include "model/workspace.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace crm {

enum class MergeOutcome {
    Same,       // both hold the same value
    KeepsOwn,   // only keep has a value, or other's would link keep to itself
    FillsBlank, // keep is blank, other's value fills it
    Choice,     // both differ: keep's stays unless other's is chosen
    Fixed,      // a stage field: only a stage move changes it, never a merge
    Worked,     // a total: follows the lines that stay, never chosen on its own
};

struct MergeField {
    const FieldDef* field = nullptr;
    nlohmann::json keep_value, other_value; // other's as it would read after the merge
    MergeOutcome outcome = MergeOutcome::Same;
};

// The type's fields that either record holds a value in, in the type's order.
std::vector<MergeField> merge_fields(const Workspace& workspace, const Record& keep,
                                     const Record& other);

} // namespace crm
