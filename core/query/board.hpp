// The pipeline board's read model: for one flow, the records in each stage
// (and recently ended in each outcome) that a person may see; where a record
// stands, whether it is stale, where it goes next, and which field is its value.
#pragma once

#include "model/workspace.hpp"
#include "process/stranded.hpp"
#include "query/totals.hpp"

#include <optional>
#include <string>
#include <vector>

namespace crm {

struct BoardColumn {
    std::string id; // stage or outcome id
    std::string name;
    bool outcome = false;
    std::vector<std::string> records; // longest in the stage first
    // The records' value field summed per currency (the workspace's first),
    // and the same weighted by each record's chance: amount x probability / 100,
    // from its `probability` field (0 to 100) when its type has one. A record
    // without a probability counts in full, as every record does when the type
    // has no such field (processes define no per-stage probability today).
    std::vector<MoneyTotal> total;
    std::vector<MoneyTotal> weighted;
};

std::vector<BoardColumn> board_columns(const Workspace& workspace, const Flow& flow,
                                       const std::string& viewer);

// Where a record stands in a flow, for a person: "Qualified · 4 days".
struct StagePosition {
    const Stage* stage = nullptr; // null once the flow has ended
    int days_in_stage = 0;
    bool stale = false;   // in the stage longer than its stale_after_days
    std::string ended_as; // outcome or exit name once ended
};
StagePosition stage_position(const Flow& flow, const FlowState& state, Instant now);

// next_step() (where a record goes next) lives with the flow: process/flow.hpp.

// The field that is a record's value (a deal's amount, a subscription's
// monthly revenue): the type's first money field; null when it has none.
const FieldDef* value_field(const RecordTypeDef& type);

} // namespace crm

namespace crm {} // namespace crm
