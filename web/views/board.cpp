// The pipeline board: one column per stage and outcome, cards that can be
// dragged to another column (a move through the engine, gates and all), the
// record's process section, and the dialog that asks for what a move needs.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "model/field_values.hpp"
#include "process/conditions.hpp"
#include "query/board.hpp"
#include "query/exceptions.hpp"
#include "query/record_query.hpp"

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>

namespace crm::web {

namespace {

constexpr const char* kCardPayload = "CRM_RECORD";

void refresh_board(const ViewContext& view, const Flow& flow) {
    BoardCache& cache = view.ui.board;
    if (cache.workspace_version == view.version && cache.flow == flow.id &&
        cache.viewer == view.ui.user)
        return;
    cache.columns = board_columns(view.workspace, flow, view.ui.user);
    cache.workspace_version = view.version;
    cache.flow = flow.id;
    cache.viewer = view.ui.user;
}

// The record's value on its card: the type's value field (its first money field).
std::string value_of(const Workspace& ws, const RecordTypeDef& type, const Record& record) {
    const FieldDef* field = value_field(type);
    if (!field) return "";
    const auto& value = record.value(field->id);
    return value.is_null() ? "" : display_value(ws, *field, value);
}

void draw_card(ViewContext& view, const Flow& flow, const RecordTypeDef& type, const Record& record,
               float width) {
    const float s = scale();
    const FlowState& state = record.flows.at(flow.id);
    const float height = 86 * s;
    ImGui::PushID(record.id.c_str());
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const bool clicked = ImGui::InvisibleButton("card", ImVec2(width, height));
    mark(view.ui, "card-" + record.id);
    const bool hovered = ImGui::IsItemHovered();
    if (ImGui::BeginDragDropSource()) {
        ImGui::SetDragDropPayload(kCardPayload, record.id.c_str(), record.id.size() + 1);
        ImGui::TextUnformatted(view.workspace.title_of(record).c_str());
        ImGui::EndDragDropSource();
    }
    if (clicked) open_record(view, record.id);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 max(min.x + width, min.y + height);
    const bool selected = view.ui.selected == record.id;
    draw->AddRectFilled(min, max, IM_COL32(255, 255, 255, 255), 8 * s);
    draw->AddRect(min, max,
                  selected
                      ? colors::kAccent
                      : (hovered ? IM_COL32(148, 163, 184, 255) : IM_COL32(226, 232, 240, 255)),
                  8 * s, 0, selected ? 2.0f : 1.0f);
    const float pad = 10 * s;
    const float line = ImGui::GetTextLineHeight();
    const float inner = width - pad * 2;
    // Each line ends with an ellipsis when the column is narrow; the tooltip has it all.
    auto fitted = [&](float x, float y, float room, const std::string& text, ImU32 color) {
        const ImVec2 at(min.x + x, min.y + y);
        ImGui::PushStyleColor(ImGuiCol_Text, color);
        ImGui::RenderTextEllipsis(draw, at, ImVec2(at.x + room, at.y + line), at.x + room,
                                  at.x + room, text.c_str(), nullptr, nullptr);
        ImGui::PopStyleColor();
    };
    const std::string title = view.workspace.title_of(record);
    ImGui::PushFont(strong_font());
    fitted(pad, pad, inner, title, ImGui::GetColorU32(ImGuiCol_Text));
    ImGui::PopFont();
    // Days in stage on the value's line (right), the owner below: fits narrow columns.
    const StagePosition position = stage_position(flow, state, view.now);
    // In an outcome column the column says how it ended; only open stages age.
    const std::string age =
        state.active() ? std::to_string(position.days_in_stage) + "d" : std::string();
    const float age_width = ImGui::CalcTextSize(age.c_str()).x;
    const std::string money = value_of(view.workspace, type, record);
    const float value_y = pad + line + 4 * s;
    fitted(pad, value_y, inner - age_width - 8 * s, money.empty() ? "—" : money,
           ImGui::GetColorU32(ImGuiCol_Text));
    draw->AddText(
        ImVec2(max.x - pad - age_width, min.y + value_y),
        ImGui::ColorConvertFloat4ToU32(position.stale ? colors::kWarning : colors::kMuted),
        age.c_str());
    const User* owner = view.workspace.directory.user(record.owner);
    fitted(pad, pad + 2 * (line + 4 * s), inner, owner ? owner->name : "Unassigned",
           ImGui::ColorConvertFloat4ToU32(owner ? colors::kMuted : colors::kWarning));
    if (hovered) {
        std::string tip = title + (money.empty() ? "" : "\n" + money);
        if (state.active() && position.stage)
            tip += "\nIn " + position.stage->name + " for " +
                   std::to_string(position.days_in_stage) +
                   (position.days_in_stage == 1 ? " day" : " days");
        ImGui::SetTooltip("%s", tip.c_str());
    }
    ImGui::PopID();
}

// Under a column's name: the sum of its values and, for open stages, that
// sum weighted by each record's probability ("USD 120,000 · 42,000 weighted").
void draw_column_sums(ViewContext& view, const BoardColumn& column, float width) {
    text_fitted(column.total.empty() ? "—" : format_money_totals(column.total), width);
    mark(view.ui, "column-sum-" + column.id);
    // Outcomes are settled: only open stages have a chance to weigh.
    const std::string weighted = column.outcome || column.weighted.empty()
                                     ? std::string(" ")
                                     : format_money_totals(column.weighted) + " weighted";
    text_fitted(weighted, width, &colors::kMuted);
}

// Phones: one stage at a time, chosen from a list that shows each stage's
// count; cards as wide as the screen. Moving is from the record's sheet.
void draw_board_phone(ViewContext& view, const Flow& flow, const RecordTypeDef& type) {
    const auto& columns = view.ui.board.columns;
    if (columns.empty()) return;
    auto chosen = std::find_if(columns.begin(), columns.end(), [&](const BoardColumn& column) {
        return column.id == view.ui.board_column;
    });
    if (chosen == columns.end()) chosen = columns.begin();
    auto label = [](const BoardColumn& column) {
        return column.name + " (" + std::to_string(column.records.size()) +
               (column.total.empty() ? "" : ", " + format_money_totals(column.total)) + ")";
    };
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##stage", label(*chosen).c_str(), ImGuiComboFlags_HeightLarge)) {
        for (const auto& column : columns) {
            if (ImGui::Selectable(label(column).c_str(), column.id == chosen->id, 0,
                                  ImVec2(0, tap_height())))
                view.ui.board_column = column.id;
            mark(view.ui, "stage-choice-" + column.id);
        }
        ImGui::EndCombo();
    }
    mark(view.ui, "stage-picker");
    const float card = 86 * scale();
    ImGui::BeginChild("##cards", ImVec2(0, 0));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(chosen->records.size()), card + ImGui::GetStyle().ItemSpacing.y);
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
            if (const Record* record =
                    view.workspace.find(chosen->records[static_cast<std::size_t>(i)]))
                draw_card(view, flow, type, *record, ImGui::GetContentRegionAvail().x);
    ImGui::EndChild();
}

void draw_path(ViewContext& view, const Flow& flow, const FlowState& state) {
    const float s = scale();
    const int current = flow.stage_index(state.stage);
    for (std::size_t i = 0; i < flow.stages.size(); ++i) {
        const bool done = !state.active() || static_cast<int>(i) < current;
        const bool here = state.active() && static_cast<int>(i) == current;
        const std::string label = (done ? "✓ " : here ? "● " : "○ ") + flow.stages[i].name;
        const ImVec4 color = here ? colors::kAccentV : done ? colors::kSuccess : colors::kMuted;
        if (i > 0) ImGui::SameLine(0, 6 * s);
        if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(label.c_str()).x + 12 * s)
            ImGui::NewLine();
        ImGui::TextColored(color, "%s", label.c_str());
    }
    (void)view;
}

} // namespace

void draw_record_process(ViewContext& view, const Record& record) {
    const RecordTypeDef* type = view.workspace.schema.type(record.type);
    const float end_width = 170 * scale(); // the "End as…" menu
    for (const auto& [flow_id, state] : record.flows) {
        const Flow* flow = view.workspace.flow(flow_id);
        if (!flow || state.status == "spawned") continue;
        ImGui::PushID(flow_id.c_str());
        ImGui::TextColored(colors::kMuted, "%s", flow->name.c_str());
        draw_path(view, *flow, state);
        if (!state.active()) {
            const StagePosition position = stage_position(*flow, state, view.now);
            ImGui::TextColored(colors::kMuted, "Ended: %s%s%s", position.ended_as.c_str(),
                               state.reason.empty() ? "" : " · ", state.reason.c_str());
            ImGui::Separator();
            ImGui::PopID();
            continue;
        }
        const Stage* stage = flow->stage(state.stage);
        // The stage's next action heads the record page (draw_next_action).
        if (stage && !stage->sla.empty())
            text_colored_wrapped(colors::kMuted, "In " + stage->name + ": " + stage->sla);
        if (state.blocked) {
            const Stage* target = flow->stage(state.blocked->to);
            text_colored_wrapped(
                colors::kWarning,
                "Move to " + (target ? target->name : state.blocked->to) + " was blocked: " +
                    describe_blocked_move(view.workspace, record, *state.blocked, view.now));
        }
        // What the usual next step needs, ticked off as it is filled in.
        if (const auto next = next_step(*flow, state)) {
            const auto data = logic_data(record, *type);
            const GateCheck check = check_gate(*next->gate, *type, data, view.now);
            if (!next->gate->required.empty() || !next->gate->entry.is_null()) {
                ImGui::TextColored(colors::kMuted, "To reach %s:", next->name.c_str());
                for (const auto& field_id : next->gate->required) {
                    const bool missing = std::find(check.missing.begin(), check.missing.end(),
                                                   field_id) != check.missing.end();
                    const FieldDef* field = type->field(field_id);
                    ImGui::TextColored(missing ? colors::kDanger : colors::kSuccess, "%s %s",
                                       missing ? "✗" : "✓",
                                       field ? field->label.c_str() : field_id.c_str());
                }
                for (const auto& condition : check.failing)
                    ImGui::TextColored(colors::kDanger, "✗ %s", condition.c_str());
            }
            const std::string button = "Move to " + next->name;
            if (primary_button(button.c_str()))
                view.intents.push_back(RequestMove{record.id, flow_id, next->id});
            mark(view.ui, "move-next-" + flow_id);
            same_line_if_fits(end_width); // "End as…" goes under the move on a phone
        }
        // Ending early or closing: every outcome and exit, through the same move path.
        ImGui::SetNextItemWidth(end_width);
        if (ImGui::BeginCombo("##end", "End as…")) {
            for (const auto& outcome : flow->outcomes) {
                if (ImGui::Selectable(outcome.name.c_str()))
                    view.intents.push_back(RequestMove{record.id, flow_id, outcome.id});
                mark(view.ui, "end-" + outcome.id);
            }
            for (const auto& exit : flow->exits)
                if (exit.taken_by_move() &&
                    ImGui::Selectable((exit.name + " (" + exit.kind + ")").c_str()))
                    view.intents.push_back(RequestMove{record.id, flow_id, exit.id});
            ImGui::EndCombo();
        }
        mark(view.ui, "end-as-" + flow_id);
        ImGui::Separator();
        ImGui::PopID();
    }
}

void draw_board(ViewContext& view) {
    const float s = scale();
    place_main_area(view.ui.form.open);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.965f, 0.972f, 0.98f, 1));
    ImGui::Begin("##board", nullptr, kPanel | ImGuiWindowFlags_HorizontalScrollbar);
    const Flow* flow = view.workspace.flow(view.ui.flow);
    if (!flow) {
        ImGui::TextUnformatted("Choose a pipeline on the left.");
        ImGui::End();
        ImGui::PopStyleColor();
        return;
    }
    refresh_board(view, *flow);
    const RecordTypeDef* type = view.workspace.schema.type(flow->record_type);
    const bool phone = is_phone();
    if (!phone) { // a phone's top bar names the pipeline
        ImGui::PushFont(heading_font());
        ImGui::TextUnformatted(flow->name.c_str());
        ImGui::PopFont();
        if (!flow->description.empty()) {
            ImGui::SameLine();
            ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 5 * s);
            text_fitted(flow->description, ImGui::GetContentRegionAvail().x, &colors::kMuted);
        }
    }
    if (!view.ui.notice.empty()) {
        text_colored_wrapped(notice_color(view.ui), view.ui.notice);
        draw_undo_button(view);
    } else if (!phone)
        ImGui::TextColored(colors::kMuted,
                           "Drag a card to move it; the stage's required data is checked.");
    if (phone) {
        draw_board_phone(view, *flow, *type);
        ImGui::End();
        ImGui::PopStyleColor();
        return;
    }

    // Every column in view when the screen allows; otherwise scroll sideways.
    const float gap = 12 * s;
    const std::size_t count = std::max<std::size_t>(1, view.ui.board.columns.size());
    const float column_width =
        std::clamp((ImGui::GetContentRegionAvail().x - gap * static_cast<float>(count - 1)) /
                       static_cast<float>(count),
                   165 * s, 300 * s);
    const float column_height = ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ScrollbarSize;
    for (const auto& column : view.ui.board.columns) {
        ImGui::PushID(column.id.c_str());
        ImGui::BeginGroup();
        ImGui::PushFont(strong_font());
        ImGui::TextUnformatted(column.name.c_str());
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::TextColored(colors::kMuted, "%zu", column.records.size());
        draw_column_sums(view, column, column_width);
        ImGui::PushStyleColor(ImGuiCol_ChildBg, column.outcome ? ImVec4(0.93f, 0.95f, 0.97f, 1)
                                                               : ImVec4(0.90f, 0.92f, 0.95f, 1));
        ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 8 * s);
        ImGui::BeginChild("##cards",
                          ImVec2(column_width, column_height - ImGui::GetFrameHeightWithSpacing() -
                                                   ImGui::GetTextLineHeightWithSpacing() * 2),
                          ImGuiChildFlags_AlwaysUseWindowPadding);
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(column.records.size()),
                      86 * s + ImGui::GetStyle().ItemSpacing.y);
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
                if (const Record* record =
                        view.workspace.find(column.records[static_cast<std::size_t>(i)]))
                    draw_card(view, *flow, *type, *record, ImGui::GetContentRegionAvail().x);
        ImGui::EndChild();
        ImGui::PopStyleVar();
        ImGui::PopStyleColor();
        mark(view.ui, "column-" + column.id);
        if (ImGui::BeginDragDropTarget()) {
            if (const ImGuiPayload* payload = ImGui::AcceptDragDropPayload(kCardPayload))
                view.intents.push_back(
                    RequestMove{static_cast<const char*>(payload->Data), flow->id, column.id});
            ImGui::EndDragDropTarget();
        }
        ImGui::EndGroup();
        ImGui::PopID();
        ImGui::SameLine(0, gap);
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

void draw_move_dialog(ViewContext& view) {
    MoveDialog& move = view.ui.move;
    if (!move.open) return;
    const Record* record = view.workspace.find(move.record_id);
    if (!record) {
        move = MoveDialog{};
        return;
    }
    const RecordTypeDef* type = view.workspace.schema.type(record->type);
    const float s = scale();
    if (!ImGui::IsPopupOpen("Move")) ImGui::OpenPopup("Move");
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(dialog_width(520), 0));
    if (!ImGui::BeginPopupModal("Move", nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoTitleBar))
        return;
    ImGui::PushFont(heading_font());
    ImGui::TextWrapped("Move %s to %s", view.workspace.title_of(*record).c_str(),
                       move.to_name.c_str());
    ImGui::PopFont();
    if (!move.missing.empty())
        ImGui::TextWrapped("%s", move.warning ? "This stage expects this information:"
                                              : "Fill in what this stage needs:");
    for (const auto& field_id : move.missing) {
        const FieldDef* field = type->field(field_id);
        if (!field) continue;
        ImGui::PushID(field_id.c_str());
        ImGui::TextColored(colors::kMuted, "%s", field->label.c_str());
        ImGui::SetNextItemWidth(-1);
        edit_field_value(view, *field, move.values[field_id], move.filters[field_id],
                         linked_ids(*type, record, move.values));
        mark(view.ui, "move-field-" + field_id);
        if (const auto problem = move.problems.find(field_id); problem != move.problems.end())
            text_colored_wrapped(colors::kDanger, problem->second);
        ImGui::PopID();
    }
    for (const auto& condition : move.failing)
        text_colored_wrapped(colors::kWarning, "Not met: " + condition);
    if (move.needs_reason) {
        ImGui::TextColored(colors::kMuted, "Reason");
        ImGui::SetNextItemWidth(-1);
        ImGui::InputTextWithHint("##reason", "Why? (kept for reporting)", &move.reason);
        mark(view.ui, "move-reason");
    }
    if (!move.message.empty()) text_colored_wrapped(colors::kDanger, move.message);
    ImGui::Spacing();
    if (primary_button(move.missing.empty() && !move.needs_reason ? "Move" : "Save and move"))
        view.intents.push_back(SubmitMove{false});
    mark(view.ui, "move-submit");
    if (move.warning) {
        ImGui::SameLine();
        if (ImGui::Button("Move anyway")) view.intents.push_back(SubmitMove{true});
        mark(view.ui, "move-anyway");
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || dialog_escape(move.popup_was_open)) {
        move = MoveDialog{};
        ImGui::CloseCurrentPopup();
    }
    mark(view.ui, "move-cancel");
    ImGui::EndPopup();
}

} // namespace crm::web
