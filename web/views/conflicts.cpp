// The conflict queue: values two people changed without seeing each other's
// change, and changes to records deleted elsewhere (core's open_conflicts).
// Each side shows its value as the app shows values, who and when, with
// "Keep this"; what is kept syncs to the team like any change.
#include "team_sync.hpp"
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/engine.hpp"
#include "model/field_values.hpp"
#include "util/local_time.hpp"

#include <algorithm>

namespace crm::web {

using nlohmann::json;

namespace {

constexpr std::size_t kConflictsDrawn = 100;

std::string person_name(const Workspace& ws, const std::string& id) {
    if (id.empty()) return "nobody";
    if (id == kAutomationActor) return "Automation";
    const User* user = ws.directory.user(id);
    return user ? user->name : id;
}

const Flow* flow_of_key(const Workspace& ws, const std::string& key) {
    const auto flow = flow_of_stamp_key(key);
    return flow ? ws.flow(*flow) : nullptr;
}

std::string key_label(const Workspace& ws, const RecordTypeDef* type, const std::string& key) {
    if (key == kOwnerStampKey) return "Owner";
    if (const Flow* flow = flow_of_key(ws, key)) return "Stage (" + flow->name + ")";
    const FieldDef* field = type ? type->field(key) : nullptr;
    return field ? field->label : key;
}

// A value as the record page shows it: a person by name, a stage by its name.
std::string conflict_value_text(const ViewContext& view, const RecordTypeDef* type,
                                const std::string& key, const json& value) {
    const Workspace& ws = view.workspace;
    if (is_unset(value)) return "(empty)";
    if (key == kOwnerStampKey) return value.is_string() ? person_name(ws, value) : value.dump();
    if (const Flow* flow = flow_of_key(ws, key)) {
        const std::string id = value.is_string() ? value.get<std::string>() : value.dump();
        if (const Stage* stage = flow->stage(id)) return stage->name;
        if (const FlowOutcome* outcome = flow->outcome(id)) return outcome->name;
        return id;
    }
    const FieldDef* field = type ? type->field(key) : nullptr;
    return field ? shown_value(view, *field, value) : value.dump();
}

// What a change to a since-deleted record held: "Amount: USD 5,000 · Owner: Ana Reyes".
std::string changes_text(const ViewContext& view, const RecordTypeDef* type, const json& changes) {
    if (!changes.is_object()) return "";
    std::string text;
    for (const auto& [key, value] : changes.items())
        text += (text.empty() ? "" : " · ") + key_label(view.workspace, type, key) + ": " +
                conflict_value_text(view, type, key, value);
    return text;
}

ConflictSideText side_text(const ViewContext& view, const ConflictSide& side, std::string value) {
    return {std::move(value), person_name(view.workspace, side.actor),
            describe_relative(side.at, view.now)};
}

float conflict_button_width(const char* label) {
    return ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
}

// One side of a value conflict: its value, who and when, and "Keep this".
// A phone stacks them; elsewhere they share a line, the button at its end.
void draw_conflict_side(ViewContext& view, const ConflictRow& row, bool other) {
    const ConflictSideText& side = other ? row.other : row.kept;
    const std::string who = side.who + " · " + side.when + (other ? "" : " · in use now");
    const float width = ImGui::GetContentRegionAvail().x;
    const std::string name = std::string(other ? "conflict-other-" : "conflict-kept-") + row.id;
    ImGui::PushID(other);
    if (is_phone()) {
        ImGui::PushFont(strong_font());
        text_in_lines(side.value, width, 2);
        ImGui::PopFont();
        text_fitted(who, width, &colors::kMuted);
        if (tap_button("Keep this", width)) view.intents.push_back(KeepConflictSide{row.id, other});
        mark(view.ui, name);
        ImGui::PopID();
        return;
    }
    const float button = conflict_button_width("Keep this");
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float x = ImGui::GetCursorPosX();
    const float value_width = std::min((width - button - spacing * 3) * 0.45f, 300 * scale());
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(strong_font());
    text_fitted(side.value, value_width);
    ImGui::PopFont();
    ImGui::SameLine(x + value_width + spacing);
    text_fitted(who, width - value_width - button - spacing * 3, &colors::kMuted);
    ImGui::SameLine(x + width - button);
    if (ImGui::Button("Keep this")) view.intents.push_back(KeepConflictSide{row.id, other});
    mark(view.ui, name);
    ImGui::PopID();
}

void draw_deletion(ViewContext& view, const ConflictRow& row) {
    text_colored_wrapped(colors::kMuted, "Deleted by " + row.kept.who + " " + row.kept.when + ". " +
                                             row.other.who + " had changed it " + row.other.when +
                                             ": " + row.other.value + ".");
    if (tap_button("Dismiss")) view.intents.push_back(KeepConflictSide{row.id, false});
    mark(view.ui, "conflict-dismiss-" + row.id);
}

void draw_conflict_card(ViewContext& view, const ConflictRow& row) {
    const float s = scale();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1, 1, 1, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 10 * s);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12 * s, 10 * s));
    ImGui::BeginChild("##conflict", ImVec2(0, 0),
                      ImGuiChildFlags_Border | ImGuiChildFlags_AlwaysUseWindowPadding |
                          ImGuiChildFlags_AutoResizeY,
                      ImGuiWindowFlags_NoScrollbar); // the wheel scrolls the queue
    const float width = ImGui::GetContentRegionAvail().x;
    const bool open_button = row.record_here && !is_phone();
    const float open_width =
        open_button ? conflict_button_width("Open") + ImGui::GetStyle().ItemSpacing.x : 0;
    ImGui::PushFont(strong_font());
    text_fitted(row.deletion ? row.title + " (deleted)" : row.title, width - open_width);
    ImGui::PopFont();
    if (open_button) {
        ImGui::SameLine(ImGui::GetCursorPosX() + width - open_width +
                        ImGui::GetStyle().ItemSpacing.x);
        if (ImGui::SmallButton("Open")) open_record(view, row.record_id);
        mark(view.ui, "conflict-open-" + row.id);
    }
    if (row.deletion) {
        draw_deletion(view, row);
    } else {
        text_fitted(row.field + ": two changes at once", width, &colors::kMuted);
        draw_conflict_side(view, row, false);
        draw_conflict_side(view, row, true);
        if (row.record_here && is_phone()) {
            if (tap_button("Open the record", width)) open_record(view, row.record_id);
            mark(view.ui, "conflict-open-" + row.id);
        }
    }
    ImGui::EndChild();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
}

} // namespace

ConflictRow conflict_row(const ViewContext& view, const SyncConflict& conflict,
                         const std::string& title, const std::string& type_id) {
    const RecordTypeDef* type = view.workspace.schema.type(type_id);
    ConflictRow row;
    row.id = conflict.id;
    row.record_id = conflict.record;
    row.title = title;
    row.record_here = view.workspace.find(conflict.record) != nullptr;
    row.deletion = conflict.field.empty();
    if (row.deletion) {
        row.field = "Deleted";
        row.kept = side_text(view, conflict.kept, "Deleted");
        row.other = side_text(view, conflict.other, changes_text(view, type, conflict.other.value));
        return row;
    }
    row.field = key_label(view.workspace, type, conflict.field);
    row.kept = side_text(view, conflict.kept,
                         conflict_value_text(view, type, conflict.field, conflict.kept.value));
    row.other = side_text(view, conflict.other,
                          conflict_value_text(view, type, conflict.field, conflict.other.value));
    return row;
}

std::string conflicts_label(const ViewContext& view) {
    const std::size_t open = view.ui.team.conflicts.value.size();
    return open ? "Conflicts " + std::to_string(open) : "Conflicts";
}

void draw_conflicts(ViewContext& view) {
    const auto& rows = view.ui.team.conflicts.value;
    place_main_area(view.ui.form.open);
    ImGui::Begin("##conflicts", nullptr, kPanel);
    draw_screen_title("Conflicts");
    text_colored_wrapped(colors::kMuted,
                         "Changes two people made at the same time, each without seeing the "
                         "other's: one value changed twice, or a record deleted while it was "
                         "changed. The value in use stays until someone keeps the other; what "
                         "you keep goes to the whole team.");
    ImGui::Spacing();
    if (!view.ui.notice.empty()) text_colored_wrapped(notice_color(view.ui), view.ui.notice);
    if (rows.empty()) ImGui::TextColored(colors::kSuccess, "No conflicts: everyone's changes fit.");
    for (std::size_t i = 0; i < rows.size() && i < kConflictsDrawn; ++i) {
        ImGui::PushID(static_cast<int>(i));
        draw_conflict_card(view, rows[i]);
        ImGui::PopID();
    }
    if (rows.size() > kConflictsDrawn)
        ImGui::TextColored(colors::kMuted, "… and %zu more, once these are settled",
                           rows.size() - kConflictsDrawn);
    ImGui::End();
}

} // namespace crm::web
