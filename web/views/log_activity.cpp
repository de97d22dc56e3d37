// "Log a call": a quick form for a call, meeting, email or note on a record,
// with its outcome, notes and a next step. The core (LogActivity) links it to
// the record and completes what it answers; this form only asks.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/log_activity.hpp"

#include <imgui_stdlib.h>

namespace crm::web {

namespace {

// The next step's due time is a date and time field like any other.
const FieldDef& next_due_field() {
    static const FieldDef field = [] {
        FieldDef def;
        def.id = "next_due";
        def.label = "Due";
        def.type = FieldType::DateTime;
        return def;
    }();
    return field;
}

// Buttons in a row that wrap when the screen is narrow; the chosen one is blue.
bool choice_row(ViewContext& view, const std::vector<std::pair<std::string, std::string>>& choices,
                std::string& chosen, const std::string& prefix) {
    bool changed = false;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        const auto& [id, label] = choices[i];
        const float width =
            ImGui::CalcTextSize(label.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
        if (i > 0) {
            ImGui::SameLine();
            if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
        }
        const bool on = chosen == id;
        const bool pressed = on ? primary_button(label.c_str(), ImVec2(0, tap_height()))
                                : ImGui::Button(label.c_str(), ImVec2(0, tap_height()));
        mark(view.ui, prefix + id);
        if (pressed && !on) {
            chosen = id;
            changed = true;
        }
    }
    return changed;
}

} // namespace

void open_log_form(UiState& ui, const std::string& record_id, const std::string& task_id) {
    ui.log = LogForm{};
    ui.log.open = true;
    ui.log.record_id = record_id;
    ui.log.task_id = task_id;
}

void draw_log_form(ViewContext& view) {
    LogForm& log = view.ui.log;
    if (!log.open) return;
    const Record* record = view.workspace.find(log.record_id);
    if (!record) {
        log = LogForm{};
        return;
    }
    if (!begin_dialog("##log", 560)) return;
    const Record* task = view.workspace.find(log.task_id);
    ImGui::PushFont(heading_font());
    ImGui::TextWrapped("Log an activity: %s", view.workspace.title_of(*record).c_str());
    ImGui::PopFont();
    if (task)
        text_colored_wrapped(colors::kMuted,
                             "Completes the task " + view.workspace.title_of(*task));

    std::vector<std::pair<std::string, std::string>> kinds;
    for (const auto& kind : activity_kinds())
        kinds.emplace_back(kind.id, kind.label);
    if (choice_row(view, kinds, log.kind, "log-kind-")) log.outcome.clear();
    if (const ActivityKind* kind = activity_kind(log.kind); kind && !kind->outcomes.empty()) {
        ImGui::TextColored(colors::kMuted, "Outcome");
        std::vector<std::pair<std::string, std::string>> outcomes;
        for (const auto& outcome : kind->outcomes)
            outcomes.emplace_back(outcome, outcome);
        choice_row(view, outcomes, log.outcome, "log-outcome-");
    }
    ImGui::TextColored(colors::kMuted, "Notes");
    ImGui::InputTextMultiline("##notes", &log.notes, ImVec2(-1, ImGui::GetTextLineHeight() * 3));
    mark(view.ui, "log-notes");
    ImGui::TextColored(colors::kMuted, "Next step (optional)");
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##next", "e.g. Send the pricing", &log.next_title);
    mark(view.ui, "log-next");
    ImGui::SetNextItemWidth(-1);
    std::string unused_filter;
    ImGui::PushID("next-due");
    edit_field_value(view, next_due_field(), log.next_due, unused_filter);
    ImGui::PopID();
    mark(view.ui, "log-next-due");
    if (!log.message.empty()) text_colored_wrapped(colors::kDanger, log.message);
    ImGui::Spacing();
    const float width = is_phone() ? ImGui::GetContentRegionAvail().x * 0.5f : 0;
    if (primary_button("Log it", ImVec2(width, tap_height()))) view.intents.push_back(SubmitLog{});
    mark(view.ui, "log-submit");
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(0, tap_height())) || dialog_escape(log.popup_was_open)) {
        log = LogForm{};
        ImGui::CloseCurrentPopup();
    }
    mark(view.ui, "log-cancel");
    ImGui::EndPopup();
}

} // namespace crm::web
