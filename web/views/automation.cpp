// The automation screen: the rules in words (an admin turns each on or off,
// edits, adds and deletes them in the rule editor) and what they did lately,
// newest first, each run opening its record. Rules are data
// (docs/automation.md); every rule of them is the core's.
#include "automation/rule_check.hpp"
#include "engine/permissions.hpp"
#include "theme.hpp"
#include "util/local_time.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include <imgui.h>

namespace crm::web {

namespace {

// Edit and Delete under an admin's rule; Delete asks first, in the row.
void rule_buttons(ViewContext& view, const AutomationRule& rule) {
    std::string& confirming = view.ui.rule_editor.confirm_delete;
    if (confirming == rule.id) {
        text_colored_wrapped(colors::kDanger, "Delete the rule " + rule.name +
                                                  "? History keeps it; it stops running.");
        if (tap_button("Delete")) view.intents.push_back(DeleteRule{rule.id});
        mark(view.ui, "rule-delete-confirm-" + rule.id);
        ImGui::SameLine();
        if (tap_button("Keep it")) confirming.clear();
        mark(view.ui, "rule-delete-keep-" + rule.id);
        return;
    }
    if (tap_button("Edit")) open_rule_editor(view, &rule);
    mark(view.ui, "rule-edit-" + rule.id);
    ImGui::SameLine();
    if (tap_button("Delete")) confirming = rule.id;
    mark(view.ui, "rule-delete-" + rule.id);
}

void draw_rules(ViewContext& view, bool may_change) {
    const Workspace& ws = view.workspace;
    if (may_change) {
        if (primary_button("New rule", ImVec2(0, tap_height()))) open_rule_editor(view, nullptr);
        mark(view.ui, "rule-new");
        ImGui::Spacing();
    }
    if (ws.automation.rules.empty()) {
        text_colored_wrapped(colors::kMuted, may_change
                                                 ? "No rules yet: New rule writes one."
                                                 : "No rules yet. An admin writes them here.");
        return;
    }
    for (const auto& rule : ws.automation.rules) {
        ImGui::PushID(rule.id.c_str());
        if (may_change) {
            bool on = rule.enabled;
            if (ImGui::Checkbox("##on", &on)) view.intents.push_back(ToggleRule{rule.id, on});
            mark(view.ui, "rule-toggle-" + rule.id);
            ImGui::SameLine();
        }
        ImGui::PushFont(strong_font());
        ImGui::AlignTextToFramePadding();
        text_fitted(rule.name + (rule.enabled ? "" : " (off)"), ImGui::GetContentRegionAvail().x,
                    rule.enabled ? nullptr : &colors::kMuted);
        ImGui::PopFont();
        text_colored_wrapped(colors::kMuted, describe_rule(ws, rule));
        mark(view.ui, "rule-" + rule.id);
        if (may_change) rule_buttons(view, rule);
        ImGui::Spacing();
        ImGui::PopID();
    }
}

std::string rule_name(const Workspace& ws, const std::string& id) {
    const AutomationRule* rule = ws.automation.rule(id);
    return rule ? rule->name : id;
}

void draw_runs(ViewContext& view) {
    const Workspace& ws = view.workspace;
    const auto& log = ws.automation.log;
    if (log.empty()) {
        text_colored_wrapped(colors::kMuted, "Nothing has run yet.");
        return;
    }
    const float s = scale();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float row_height = std::max(tap_height(), line * 2 + 12 * s);
    ImGui::BeginChild("##runs", ImVec2(0, 0));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(log.size()), row_height + ImGui::GetStyle().ItemSpacing.y);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const RuleRun& run = log[log.size() - 1 - static_cast<std::size_t>(row)];
            ImGui::PushID(row);
            const ImVec2 top = ImGui::GetCursorScreenPos();
            const float width = ImGui::GetContentRegionAvail().x;
            const Record* record = ws.find(run.record);
            if (ImGui::Selectable("##run", false, 0, ImVec2(width, row_height)) && record)
                open_record(view, run.record);
            if (row < 30) mark(view.ui, "run-" + std::to_string(row));
            const ImVec2 after = ImGui::GetCursorScreenPos();
            ImGui::SetCursorScreenPos(ImVec2(top.x + 4 * s, top.y + 6 * s));
            text_fitted(rule_name(ws, run.rule) + " · " +
                            (record ? ws.title_of(*record) : run.record),
                        width - 8 * s);
            ImGui::SetCursorScreenPos(ImVec2(top.x + 4 * s, top.y + 6 * s + line));
            const std::string when = format_local_datetime(run.at, view.ui.zone, view.now);
            if (run.failed.empty())
                text_fitted(when + " · " + run.did, width - 8 * s, &colors::kMuted);
            else
                text_fitted(when + " · could not run: " + run.failed, width - 8 * s,
                            &colors::kDanger);
            ImGui::SetCursorScreenPos(after);
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

} // namespace

bool can_see_automation(const ViewContext& view) {
    const User* me = view.workspace.directory.user(view.ui.user);
    return me && can_review_exceptions(*me);
}

void draw_automation(ViewContext& view) {
    place_main_area(view.ui.form.open);
    ImGui::Begin("##automation", nullptr, kPanel);
    if (!is_phone()) {
        ImGui::PushFont(heading_font());
        ImGui::TextUnformatted("Automation");
        ImGui::PopFont();
    }
    text_colored_wrapped(colors::kMuted, "What the rules do, and what they did lately. What a "
                                         "rule could not do waits in Exceptions.");
    if (!view.ui.notice.empty())
        ImGui::TextColored(notice_color(view.ui), "%s", view.ui.notice.c_str());
    ImGui::Spacing();
    const User* me = view.workspace.directory.user(view.ui.user);
    const bool may_change = !view.read_only && me && me->role == Role::Admin;
    if (view.ui.rule_editor.open && may_change) {
        draw_rule_editor(view);
        ImGui::End();
        return;
    }
    // Rules or runs, one at a time: the rules are long on a phone.
    bool& runs = view.ui.automation_runs;
    if (choice_button(view.ui, "Rules", !runs, "tab-rules", true)) runs = false;
    const std::string label =
        "Recent runs (" + std::to_string(view.workspace.automation.log.size()) + ")";
    if (choice_button(view.ui, label, runs, "tab-runs")) runs = true;
    ImGui::Spacing();
    if (runs) {
        draw_runs(view);
    } else {
        ImGui::BeginChild("##rules", ImVec2(0, 0));
        draw_rules(view, may_change);
        ImGui::EndChild();
    }
    ImGui::End();
}

} // namespace crm::web
