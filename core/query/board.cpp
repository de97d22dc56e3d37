#include "query/board.hpp"

#include "engine/permissions.hpp"

#include <algorithm>

namespace crm {

std::vector<BoardColumn> board_columns(const Workspace& ws, const Flow& flow,
                                       const std::string& viewer_id) {
    std::vector<BoardColumn> columns;
    for (const auto& stage : flow.stages)
        columns.push_back({stage.id, stage.name, false, {}});
    for (const auto& outcome : flow.outcomes)
        columns.push_back({outcome.id, outcome.name, true, {}});
    const User* viewer = ws.directory.user(viewer_id);
    if (!viewer) return columns;
    struct Entry {
        Instant since;
        const std::string* id;
    };
    std::vector<std::vector<Entry>> entries(columns.size());
    for (const auto& id : ws.ids_of_type(flow.record_type)) {
        const Record* record = ws.find(id);
        const auto state = record->flows.find(flow.id);
        if (state == record->flows.end() || !can_view(ws, *viewer, *record)) continue;
        const std::string& column_id = state->second.status == "active"  ? state->second.stage
                                       : state->second.status == "ended" ? state->second.outcome
                                                                         : std::string();
        for (std::size_t c = 0; c < columns.size(); ++c)
            if (columns[c].id == column_id)
                entries[c].push_back(
                    {state->second.active() ? state->second.entered_at : state->second.ended_at,
                     &id});
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
        auto& list = entries[c];
        // Open stages: waiting longest first. Outcomes: most recent first.
        std::stable_sort(list.begin(), list.end(), [&](const Entry& a, const Entry& b) {
            return columns[c].outcome ? a.since > b.since : a.since < b.since;
        });
        for (const auto& entry : list)
            columns[c].records.push_back(*entry.id);
    }
    return columns;
}

StagePosition stage_position(const Flow& flow, const FlowState& state, Instant now) {
    StagePosition position;
    if (state.active()) {
        position.stage = flow.stage(state.stage);
        position.days_in_stage = static_cast<int>((now.seconds - state.entered_at.seconds) / 86400);
        position.stale =
            position.stage && position.days_in_stage > stale_after_days(flow, *position.stage);
    } else if (const FlowOutcome* outcome = flow.outcome(state.outcome)) {
        position.ended_as = outcome->name;
    } else if (const FlowExit* exit = flow.exit(state.outcome)) {
        position.ended_as = exit->name;
    }
    return position;
}

const FieldDef* value_field(const RecordTypeDef& type) {
    for (const auto& field : type.fields)
        if (field.type == FieldType::Money) return &field;
    return nullptr;
}

} // namespace crm

namespace crm {} // namespace crm
