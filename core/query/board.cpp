#include "query/board.hpp"

#include "engine/permissions.hpp"

#include <algorithm>
#include <cmath>

namespace crm {

namespace {

// A record's chance in percent, 0 to 100; nothing when it has none.
std::optional<double> probability_of(const Record& record, const FieldDef* field) {
    if (!field) return std::nullopt;
    const auto& value = record.value(field->id);
    if (!value.is_number()) return std::nullopt;
    return std::clamp(value.get<double>(), 0.0, 100.0);
}

void sum_column(const Workspace& ws, const Flow& flow, BoardColumn& column) {
    const RecordTypeDef* type = ws.schema.type(flow.record_type);
    const FieldDef* amount = type ? value_field(*type) : nullptr;
    if (!amount) return;
    const FieldDef* chance = type->field("probability");
    if (chance && chance->type != FieldType::Number) chance = nullptr;
    MoneySums total, weighted;
    for (const auto& id : column.records) {
        const Record* record = ws.find(id);
        const auto money = money_cents(record->value(amount->id));
        if (!money) continue;
        total.add(money->first, money->second);
        const auto percent = probability_of(*record, chance);
        // Rounded to the cent per record, then added exactly.
        weighted.add(money->first,
                     percent ? static_cast<std::int64_t>(std::llround(
                                   static_cast<long double>(money->second) * *percent / 100.0L))
                             : money->second);
    }
    column.total = total.totals(ws.currency);
    column.weighted = weighted.totals(ws.currency);
}

} // namespace

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
    for (const Record* record : ws.records_of_type(flow.record_type)) {
        const auto state = record->flows.find(flow.id);
        if (state == record->flows.end() || !can_view(ws, *viewer, *record)) continue;
        const std::string& column_id = state->second.status == "active"  ? state->second.stage
                                       : state->second.status == "ended" ? state->second.outcome
                                                                         : std::string();
        for (std::size_t c = 0; c < columns.size(); ++c)
            if (columns[c].id == column_id)
                entries[c].push_back(
                    {state->second.active() ? state->second.entered_at : state->second.ended_at,
                     &record->id});
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
        auto& list = entries[c];
        // Open stages: waiting longest first. Outcomes: most recent first.
        std::stable_sort(list.begin(), list.end(), [&](const Entry& a, const Entry& b) {
            return columns[c].outcome ? a.since > b.since : a.since < b.since;
        });
        for (const auto& entry : list)
            columns[c].records.push_back(*entry.id);
        sum_column(ws, flow, columns[c]);
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
