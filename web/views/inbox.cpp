// The inbox: SLA alerts, escalations and assignments addressed to the person
// using the app, newest first. Opening one opens its record and marks it read.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "query/inbox.hpp"
#include "util/local_time.hpp"

namespace crm::web {

void refresh_inbox(const ViewContext& view) {
    InboxCache& cache = view.ui.inbox;
    if (cache.workspace_version == view.version && cache.user == view.ui.user) return;
    const Inbox found = inbox(view.workspace, view.ui.user);
    cache.items.clear();
    for (const Notification* item : found.items)
        cache.items.push_back(*item);
    cache.unread = found.unread;
    cache.workspace_version = view.version;
    cache.user = view.ui.user;
}

std::string inbox_label(const ViewContext& view) {
    refresh_inbox(view);
    return view.ui.inbox.unread ? "Inbox " + std::to_string(view.ui.inbox.unread) : "Inbox";
}

void go_to_inbox(ViewContext& view) {
    leave_form_then(view, [](const Workspace&, UiState& ui) {
        ui.form = RecordForm{};
        ui.notice.clear();
        ui.nav_open = false;
        ui.screen = Screen::Inbox;
    });
}

void draw_inbox(ViewContext& view) {
    const float s = scale();
    refresh_inbox(view);
    const InboxCache& cache = view.ui.inbox;
    place_main_area(view.ui.form.open);
    ImGui::Begin("##inbox", nullptr, kPanel);
    if (!is_phone()) {
        ImGui::PushFont(heading_font());
        ImGui::TextUnformatted("Inbox");
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 5 * s);
    }
    ImGui::TextColored(colors::kMuted, "%zu unread · %zu in all", cache.unread, cache.items.size());
    if (cache.unread > 0 && !view.read_only) {
        ImGui::SameLine();
        if (ImGui::Button("Mark all read", ImVec2(0, tap_height())))
            view.intents.push_back(MarkRead{{}, true});
        mark(view.ui, "inbox-mark-all");
    }
    if (cache.items.empty())
        ImGui::TextColored(colors::kMuted,
                           "Nothing here yet. SLA alerts, escalations and records handed to you "
                           "arrive here.");
    const float line = ImGui::GetTextLineHeightWithSpacing();
    // On a phone the words take two lines: what tells two alerts apart (the
    // record) comes at their end.
    const int text_lines = is_phone() ? 2 : 1;
    const float row_height = std::max(tap_height(), line * (text_lines + 1) + 12 * s);
    ImGui::BeginChild("##items", ImVec2(0, 0));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(cache.items.size()),
                  row_height + ImGui::GetStyle().ItemSpacing.y);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const Notification& item = cache.items[static_cast<std::size_t>(row)];
            ImGui::PushID(row);
            const ImVec2 top = ImGui::GetCursorScreenPos();
            const float width = ImGui::GetContentRegionAvail().x;
            if (ImGui::Selectable("##item", false, 0, ImVec2(width, row_height))) {
                if (!item.read && !view.read_only)
                    view.intents.push_back(MarkRead{{item.id}, false});
                if (view.workspace.find(item.record)) open_record(view, item.record);
            }
            if (row < 30) mark(view.ui, "inbox-" + std::to_string(row));
            const ImVec2 after = ImGui::GetCursorScreenPos();
            const float dot = 12 * s;
            if (!item.read)
                ImGui::GetWindowDrawList()->AddCircleFilled(
                    ImVec2(top.x + dot * 0.5f, top.y + 6 * s + line * 0.5f), 4 * s,
                    colors::kAccent);
            ImGui::SetCursorScreenPos(ImVec2(top.x + dot + 4 * s, top.y + 6 * s));
            if (!item.read) ImGui::PushFont(strong_font());
            text_in_lines(item.text, width - dot - 8 * s, text_lines);
            if (!item.read) ImGui::PopFont();
            ImGui::SetCursorScreenPos(
                ImVec2(top.x + dot + 4 * s, top.y + 6 * s + line * text_lines));
            text_fitted(format_local_datetime(item.at, view.ui.zone, view.now) + " · " +
                            describe_relative(item.at, view.now),
                        width - dot - 8 * s, &colors::kMuted);
            ImGui::SetCursorScreenPos(after);
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
    ImGui::End();
}

} // namespace crm::web
