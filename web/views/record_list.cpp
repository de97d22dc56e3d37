// The list of records of one type: search, sortable columns, virtualised rows.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "model/field_text_local.hpp"
#include "model/field_values.hpp"
#include "query/record_query.hpp"
#include "util/local_time.hpp"

#include <imgui_stdlib.h>

#include <algorithm>

namespace crm::web {

namespace {

// Recomputes the rows only when something they depend on changed.
void refresh_rows(const ViewContext& view) {
    ListCache& cache = view.ui.list;
    const UiState& ui = view.ui;
    const std::string filter = filter_key(ui.filter);
    if (cache.workspace_version == view.version && cache.type == ui.type &&
        cache.viewer == ui.user && cache.search == ui.search && cache.sort_by == ui.sort_by &&
        cache.ascending == ui.sort_ascending && cache.filter == filter)
        return;
    if (cache.type != ui.type) view.ui.bulk = BulkSelection{}; // another list
    cache.ids = query_records(
        view.workspace, {ui.type, ui.user, ui.search, ui.sort_by, ui.sort_ascending, ui.filter});
    cache.totals = list_totals(view.workspace, cache.ids);
    ++cache.refreshes;
    cache.filter = filter;
    cache.workspace_version = view.version;
    cache.type = ui.type;
    cache.viewer = ui.user;
    cache.search = ui.search;
    cache.sort_by = ui.sort_by;
    cache.ascending = ui.sort_ascending;
}

// "Move to…": every stage and outcome of the type's processes.
void draw_bulk_move(ViewContext& view, const RecordTypeDef& type, float width) {
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##bulkmove", "Move to…", ImGuiComboFlags_HeightLarge)) {
        for (const auto& flow : view.workspace.flows) {
            if (flow.record_type != type.id) continue;
            ImGui::TextColored(colors::kMuted, "%s", flow.name.c_str());
            auto target = [&](const std::string& id, const std::string& name) {
                if (ImGui::Selectable((name + "##" + flow.id + id).c_str()))
                    view.intents.push_back(BulkMove{flow.id, id});
                mark(view.ui, "bulk-move-" + id);
            };
            for (const auto& stage : flow.stages)
                target(stage.id, stage.name);
            for (const auto& outcome : flow.outcomes)
                if (!outcome.reason_required) target(outcome.id, outcome.name);
        }
        ImGui::EndCombo();
    }
    mark(view.ui, "bulk-move");
}

// With records selected: how many, reassign or move them all (each through
// the engine's checks and gates), clear; then what was refused, and why.
void draw_bulk_bar(ViewContext& view, const RecordTypeDef& type) {
    BulkSelection& bulk = view.ui.bulk;
    // A phone selecting shows the bar from the start, so rows do not jump under the finger.
    if (bulk.ids().empty() && bulk.refused.empty() && !bulk.selecting) return;
    const float s = scale();
    const bool phone = is_phone();
    const float width = phone ? (ImGui::GetContentRegionAvail().x - 8 * s) / 2 : 160 * s;
    // The same controls whether or not anything is ticked yet: the bar keeps
    // its height, so the rows stay under the finger.
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%zu selected", bulk.ids().size());
    mark(view.ui, "bulk-count");
    ImGui::SameLine();
    ImGui::BeginDisabled(bulk.ids().empty());
    if (ImGui::Button("Clear selection", ImVec2(0, tap_height()))) {
        const bool selecting = bulk.selecting;
        bulk = BulkSelection{};
        bulk.selecting = selecting;
    }
    mark(view.ui, "bulk-clear");
    if (!view.read_only) {
        if (!phone) ImGui::SameLine();
        ImGui::SetNextItemWidth(width);
        if (ImGui::BeginCombo("##bulkowner", "Reassign to…")) {
            for (const auto& user : view.workspace.directory.users()) {
                if (ImGui::Selectable(user.name.c_str()))
                    view.intents.push_back(BulkReassign{user.id});
                mark(view.ui, "bulk-owner-" + user.id);
            }
            if (ImGui::Selectable("Unassigned")) view.intents.push_back(BulkReassign{""});
            ImGui::EndCombo();
        }
        mark(view.ui, "bulk-reassign");
        ImGui::SameLine();
        draw_bulk_move(view, type, width);
    }
    ImGui::EndDisabled();
    for (std::size_t i = 0; i < bulk.refused.size() && i < 5; ++i)
        text_colored_wrapped(colors::kWarning, "Not done: " + bulk.refused[i]);
    if (bulk.refused.size() > 5)
        ImGui::TextColored(colors::kWarning, "… and %zu more not done", bulk.refused.size() - 5);
}

// The headers, the first a box that ticks every record the list shows.
void draw_table_headers(ViewContext& view, int column_count) {
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int column = 0; column < column_count; ++column) {
        if (!ImGui::TableSetColumnIndex(column)) continue;
        if (column > 0) {
            ImGui::TableHeader(ImGui::TableGetColumnName(column));
            continue;
        }
        const ListCache& list = view.ui.list;
        bool all = view.ui.bulk.all_ticked(list.ids, list.refreshes);
        if (ImGui::Checkbox("##all", &all)) {
            if (all)
                view.ui.bulk.tick_all(list.ids);
            else
                view.ui.bulk = BulkSelection{};
        }
        mark(view.ui, "tick-all");
    }
}

// Tablets and desktops: a sortable table with as many field columns as fit.
void draw_table(ViewContext& view, const RecordTypeDef& type_def) {
    const float s = scale();
    const RecordTypeDef* type = &type_def;
    // As many field columns as fit beside name, owner and date (fewer while the form is open).
    const float spare = ImGui::GetContentRegionAvail().x - 560 * s;
    const auto columns =
        list_columns(*type, static_cast<std::size_t>(std::clamp(spare / (150 * s), 0.0f, 4.0f)));
    const int column_count = static_cast<int>(columns.size()) + 4; // tick, name, owner, date
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp |
                                  ImGuiTableFlags_Hideable;
    if (ImGui::BeginTable("records", column_count, flags)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("##tick",
                                ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed |
                                    ImGuiTableColumnFlags_NoResize | ImGuiTableColumnFlags_NoHide,
                                ImGui::GetFrameHeight());
        ImGui::TableSetupColumn(type->title_fields.size() > 1
                                    ? "Name"
                                    : type->field(type->title_fields[0])->label.c_str(),
                                ImGuiTableColumnFlags_DefaultSort, 2.8f);
        for (const FieldDef* field : columns)
            ImGui::TableSetupColumn(field->label.c_str(), 0, 1.2f);
        ImGui::TableSetupColumn("Owner", 0, 1.1f);
        ImGui::TableSetupColumn("Updated", 0, 0.9f);
        draw_table_headers(view, column_count);

        if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
            if (specs->SpecsCount > 0) {
                const int column = specs->Specs[0].ColumnIndex;
                view.ui.sort_ascending =
                    specs->Specs[0].SortDirection != ImGuiSortDirection_Descending;
                if (column == 1)
                    view.ui.sort_by = "title";
                else if (column <= static_cast<int>(columns.size()) + 1)
                    view.ui.sort_by = columns[column - 2]->id;
                else
                    view.ui.sort_by = column == column_count - 2 ? "owner" : "updated";
            }
            specs->SpecsDirty = false;
            refresh_rows(view);
        }

        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(view.ui.list.ids.size()));
        while (clipper.Step()) {
            for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
                const Record* record = view.workspace.find(view.ui.list.ids[row]);
                if (!record) continue;
                ImGui::TableNextRow(0, 34 * s);
                ImGui::TableNextColumn();
                ImGui::PushID(record->id.c_str());
                bool ticked = view.ui.bulk.ids().count(record->id) > 0;
                if (ImGui::Checkbox("##tick", &ticked)) view.ui.bulk.toggle(record->id);
                if (row < 50) mark(view.ui, "tick-" + record->id);
                ImGui::TableNextColumn();
                const bool selected = view.ui.selected == record->id;
                ImGui::PushFont(strong_font());
                if (ImGui::Selectable(view.workspace.title_of(*record).c_str(), selected,
                                      ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, 26 * s))) {
                    open_record(view, record->id);
                }
                ImGui::PopFont();
                if (row < 50) mark(view.ui, "row-" + record->id);
                for (const FieldDef* field : columns) {
                    ImGui::TableNextColumn();
                    const auto& value = record->value(field->id);
                    if (!value.is_null())
                        text_fitted(shown_value(view, *field, value),
                                    ImGui::GetContentRegionAvail().x);
                }
                ImGui::TableNextColumn();
                const User* owner = view.workspace.directory.user(record->owner);
                if (owner)
                    ImGui::TextUnformatted(owner->name.c_str());
                else
                    ImGui::TextColored(colors::kWarning, "Unassigned");
                ImGui::TableNextColumn();
                const std::string updated = format_local_date(
                    local_date(record->updated_at, view.ui.zone), view.now, view.ui.zone);
                ImGui::TextColored(colors::kMuted, "%s", updated.c_str());
                ImGui::PopID();
            }
        }
        ImGui::EndTable();
    }
}

// Phones: one row per record, its name and a second line of what matters
// (owner, the first listed fields), a finger's height at least.
void draw_rows_phone(ViewContext& view, const RecordTypeDef& type) {
    const float s = scale();
    const auto columns = list_columns(type, 2);
    const float line = ImGui::GetTextLineHeight();
    const float row_height = std::max(tap_height(), line * 2 + 14 * s);
    ImGui::BeginChild("##rows", ImVec2(0, 0));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(view.ui.list.ids.size()),
                  row_height + ImGui::GetStyle().ItemSpacing.y);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const Record* record = view.workspace.find(view.ui.list.ids[row]);
            if (!record) continue;
            ImGui::PushID(record->id.c_str());
            const ImVec2 top = ImGui::GetCursorScreenPos();
            const float width = ImGui::GetContentRegionAvail().x;
            const bool ticked = view.ui.bulk.ids().count(record->id) > 0;
            if (ImGui::Selectable("##row", view.ui.selected == record->id || ticked, 0,
                                  ImVec2(width, row_height))) {
                if (view.ui.bulk.selecting)
                    view.ui.bulk.toggle(record->id);
                else
                    open_record(view, record->id);
            }
            if (row < 50) mark(view.ui, "row-" + record->id);
            const ImVec2 after = ImGui::GetCursorScreenPos();
            ImGui::SetCursorScreenPos(ImVec2(top.x + 4 * s, top.y + 6 * s));
            ImGui::PushFont(strong_font());
            text_fitted((ticked ? "✓ " : "") + view.workspace.title_of(*record), width - 8 * s);
            ImGui::PopFont();
            ImGui::SetCursorScreenPos(ImVec2(top.x + 4 * s, top.y + 8 * s + line));
            std::string detail;
            for (const FieldDef* field : columns)
                if (const auto& value = record->value(field->id); !value.is_null())
                    detail += shown_value(view, *field, value) + " · ";
            const User* owner = view.workspace.directory.user(record->owner);
            detail += owner ? owner->name : "Unassigned";
            text_fitted(detail, width - 8 * s, &colors::kMuted);
            ImGui::SetCursorScreenPos(after);
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

} // namespace

std::string shown_value(const ViewContext& view, const FieldDef& field,
                        const nlohmann::json& value) {
    if (field.type == FieldType::Date || field.type == FieldType::DateTime)
        return format_field_value_local(field, value, view.ui.zone, view.now);
    return display_value(view.workspace, field, value);
}

void draw_undo_button(ViewContext& view) {
    // Only while the notice still speaks of that change.
    if (!view.ui.undo || view.read_only || view.ui.notice != view.ui.undo->notice) return;
    if (!is_phone()) ImGui::SameLine();
    if (is_phone() ? tap_button("Undo") : ImGui::SmallButton("Undo"))
        view.intents.push_back(UndoRequested{});
    mark(view.ui, "undo");
}

void draw_record_list(ViewContext& view) {
    const float s = scale();
    place_main_area(view.ui.form.open);
    ImGui::Begin("##list", nullptr, kPanel);

    const RecordTypeDef* type = view.workspace.schema.type(view.ui.type);
    if (!type) {
        ImGui::TextUnformatted("Choose a record type on the left.");
        ImGui::End();
        return;
    }
    refresh_rows(view);

    if (!view.ui.open_problems.empty()) {
        ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(colors::kBanner));
        ImGui::BeginChild("##problems", ImVec2(0, 0),
                          ImGuiChildFlags_AutoResizeY | ImGuiChildFlags_AlwaysUseWindowPadding);
        // Wrapped: the file names are long and a phone is narrow.
        ImGui::PushTextWrapPos(0.0f);
        ImGui::PushStyleColor(ImGuiCol_Text, colors::kWarning);
        ImGui::TextUnformatted("Some work could not be read back and was left out (the damaged "
                               "part is kept aside, not deleted):");
        ImGui::PopStyleColor();
        for (const auto& problem : view.ui.open_problems) {
            ImGui::Bullet();
            ImGui::TextUnformatted(problem.c_str());
        }
        ImGui::PopTextWrapPos();
        if (ImGui::SmallButton("Dismiss")) view.ui.open_problems.clear();
        ImGui::EndChild();
        ImGui::PopStyleColor();
    }

    const bool phone = is_phone();
    if (draw_screen_title(type->plural.c_str())) {
        ImGui::SameLine();
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 5 * s);
    }
    draw_list_totals(view, *type);

    const std::string new_label = phone ? "+ New" : "+ New " + type->label;
    const float new_width =
        ImGui::CalcTextSize(new_label.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SetNextItemWidth(
        std::min(360 * s, ImGui::GetContentRegionAvail().x - new_width - 20 * s));
    const std::string hint = "Search " + type->plural + "…";
    ImGui::InputTextWithHint("##search", hint.c_str(), &view.ui.search);
    mark(view.ui, "search");
    if (!view.ui.notice.empty() && !phone) {
        ImGui::SameLine();
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetStyle().FramePadding.y);
        text_fitted(view.ui.notice, ImGui::GetContentRegionAvail().x - new_width - 90 * s,
                    &notice_color(view.ui));
        draw_undo_button(view);
    }
    ImGui::SameLine(ImGui::GetContentRegionMax().x - new_width);
    ImGui::BeginDisabled(view.read_only);
    if (primary_button(new_label.c_str(), ImVec2(0, tap_height()))) {
        const std::string id = type->id;
        leave_form_then(view,
                        [id](const Workspace& ws, UiState& ui) { open_new_form(ws, ui, id); });
    }
    ImGui::EndDisabled();
    mark(view.ui, "new-record");
    if (!view.ui.notice.empty() && phone) {
        text_colored_wrapped(notice_color(view.ui), view.ui.notice);
        draw_undo_button(view);
    }
    draw_list_filters(view, *type);
    draw_bulk_bar(view, *type);
    ImGui::Spacing();

    if (view.ui.list.ids.empty())
        ImGui::TextColored(colors::kMuted, "%s",
                           view.ui.search.empty() && !filters_active(view.ui.filter)
                               ? "Nothing here yet."
                               : "No records match your search and filters.");

    if (is_phone())
        draw_rows_phone(view, *type);
    else
        draw_table(view, *type);
    ImGui::End();
}

} // namespace crm::web
