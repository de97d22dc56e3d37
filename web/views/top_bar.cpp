// The top bar (workspace, who I am, import/export, saving state) and the
// sidebar of record types.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"

namespace crm::web {

namespace {

void draw_save_indicator(const ViewContext& view) {
    if (view.read_only) {
        ImGui::TextColored(colors::kWarning, "Read-only: open in another tab");
        return;
    }
    switch (view.save_state) {
    case SaveState::Clean:
    case SaveState::Saved:
        ImGui::TextColored(colors::kSuccess, "All changes saved");
        break;
    case SaveState::Pending:
        ImGui::TextColored(colors::kMuted, "Unsaved changes…");
        break;
    case SaveState::Saving:
        ImGui::TextColored(colors::kMuted, "Saving…");
        break;
    case SaveState::Failed:
        ImGui::TextColored(colors::kDanger, "Not saved");
        break;
    }
    if (!view.save_message.empty() && ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", view.save_message.c_str());
}

} // namespace

void draw_top_bar(ViewContext& view) {
    const float s = scale();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float height = layout::kTopBar * s;
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(ImVec2(viewport->Size.x, height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.07f, 0.09f, 0.15f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.96f, 0.98f, 1));
    ImGui::Begin("##topbar", nullptr, kPanel);
    ImGui::SetCursorPosY((height - ImGui::GetFrameHeight()) * 0.5f);
    ImGui::PushFont(heading_font());
    ImGui::SetCursorPosY((height - ImGui::GetFontSize()) * 0.5f);
    ImGui::TextUnformatted("Fieldwork CRM");
    ImGui::PopFont();
    ImGui::SameLine(0, 18 * s);
    ImGui::SetCursorPosY((height - ImGui::GetFontSize()) * 0.5f);
    ImGui::TextColored(ImVec4(0.65f, 0.70f, 0.78f, 1), "%s", view.workspace.name.c_str());

    // Right side: saving state, import/export, current user.
    const float user_width = 230 * s;
    const float right = ImGui::GetWindowWidth() - ImGui::GetStyle().WindowPadding.x;
    const float buttons_width = 170 * s;
    const float indicator_width = 270 * s;
    ImGui::SameLine(right - user_width - buttons_width - indicator_width);
    ImGui::SetCursorPosY((height - ImGui::GetFontSize()) * 0.5f);
    draw_save_indicator(view);

    ImGui::PopStyleColor(); // text back to normal for the controls
    ImGui::SameLine(right - user_width - buttons_width);
    ImGui::SetCursorPosY((height - ImGui::GetFrameHeight()) * 0.5f);
    if (ImGui::Button("Import")) view.intents.push_back(ImportRequested{});
    mark(view.ui, "import");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Replace the workspace with a JSON export (admins)");
    ImGui::SameLine();
    ImGui::SetCursorPosY((height - ImGui::GetFrameHeight()) * 0.5f);
    if (ImGui::Button("Export")) view.intents.push_back(ExportRequested{});
    mark(view.ui, "export");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Download the whole workspace as JSON");

    ImGui::SameLine(right - user_width);
    ImGui::SetCursorPosY((height - ImGui::GetFrameHeight()) * 0.5f);
    ImGui::SetNextItemWidth(user_width);
    const User* current = view.workspace.directory.user(view.ui.user);
    const std::string label = current ? describe_user(*current) : "Choose who you are";
    if (ImGui::BeginCombo("##user", label.c_str())) {
        for (const auto& user : view.workspace.directory.users()) {
            const bool selected = user.id == view.ui.user;
            if (ImGui::Selectable(describe_user(user).c_str(), selected)) {
                view.ui.user = user.id;
                view.ui.form = RecordForm{};
                view.ui.selected.clear();
            }
            mark(view.ui, "user-" + user.id);
        }
        ImGui::EndCombo();
    }
    mark(view.ui, "user-switcher");
    ImGui::End();
    ImGui::PopStyleColor();

    // Sidebar: record types.
    const float sidebar_width = layout::kSidebar * s;
    ImGui::SetNextWindowPos(ImVec2(viewport->Pos.x, viewport->Pos.y + height));
    ImGui::SetNextWindowSize(ImVec2(sidebar_width, viewport->Size.y - height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(colors::kSidebar));
    ImGui::Begin("##sidebar", nullptr, kPanel);
    ImGui::PushStyleColor(ImGuiCol_Header, ImVec4(0.83f, 0.88f, 0.98f, 1));
    {
        const bool selected = view.ui.screen == Screen::MyWork;
        if (selected) ImGui::PushFont(strong_font());
        if (ImGui::Selectable("My work", selected, 0, ImVec2(0, 30 * s))) {
            view.ui.screen = Screen::MyWork;
            view.ui.notice.clear();
            view.ui.form = RecordForm{};
        }
        if (selected) ImGui::PopFont();
        mark(view.ui, "my-work");
        const User* me = view.workspace.directory.user(view.ui.user);
        if (me && can_review_exceptions(*me)) {
            const bool on = view.ui.screen == Screen::Exceptions;
            if (ImGui::Selectable("Exceptions", on, 0, ImVec2(0, 30 * s))) {
                view.ui.screen = Screen::Exceptions;
                view.ui.notice.clear();
                view.ui.form = RecordForm{};
            }
            mark(view.ui, "open-exceptions");
        }
        ImGui::Spacing();
    }
    if (!view.workspace.flows.empty()) {
        ImGui::TextColored(colors::kMuted, "PIPELINES");
        ImGui::Spacing();
        for (const auto& flow : view.workspace.flows) {
            const bool selected = view.ui.screen == Screen::Board && view.ui.flow == flow.id;
            if (selected) ImGui::PushFont(strong_font());
            const bool clicked =
                ImGui::Selectable(flow.name.c_str(), selected, 0, ImVec2(0, 30 * s));
            if (selected) ImGui::PopFont();
            if (clicked) {
                view.ui.screen = Screen::Board;
                view.ui.flow = flow.id;
                view.ui.notice.clear();
                view.ui.form = RecordForm{};
            }
            mark(view.ui, "flow-" + flow.id);
        }
        const bool designing = view.ui.screen == Screen::Designer;
        if (ImGui::Selectable("Process designer", designing, 0, ImVec2(0, 30 * s)) && !designing)
            open_designer(view);
        mark(view.ui, "open-designer");
        ImGui::Spacing();
        ImGui::TextColored(colors::kMuted, "RECORDS");
        ImGui::Spacing();
    }
    for (const auto& type : view.workspace.schema.types()) {
        const bool selected = view.ui.screen == Screen::Records && view.ui.type == type.id;
        if (selected) ImGui::PushFont(strong_font());
        const bool clicked = ImGui::Selectable(type.plural.c_str(), selected, 0, ImVec2(0, 30 * s));
        if (selected) ImGui::PopFont();
        if (clicked) {
            view.ui.screen = Screen::Records;
            view.ui.type = type.id;
            view.ui.notice.clear();
            view.ui.search.clear();
            view.ui.sort_by = "title";
            view.ui.sort_ascending = true;
            view.ui.form = RecordForm{};
            view.ui.selected.clear();
        }
        mark(view.ui, "type-" + type.id);
    }
    ImGui::PopStyleColor();
    ImGui::End();
    ImGui::PopStyleColor();
}

void draw_dialogs(ViewContext& view) {
    if (!view.ui.error_dialog.empty() && !ImGui::IsPopupOpen("Problem"))
        ImGui::OpenPopup("Problem");
    const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
    ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(560 * scale(), 0));
    if (ImGui::BeginPopupModal("Problem", nullptr,
                               ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
        ImGui::TextWrapped("%s", view.ui.error_dialog.c_str());
        ImGui::Spacing();
        if (primary_button("OK", ImVec2(120 * scale(), 0))) {
            view.ui.error_dialog.clear();
            ImGui::CloseCurrentPopup();
        }
        mark(view.ui, "dialog-ok");
        ImGui::EndPopup();
    }
}

} // namespace crm::web
