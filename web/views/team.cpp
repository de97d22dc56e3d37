// Team sync's face: where sync stands (in the top bar; a tap opens the team
// dialog), and the team dialog: signing in to a team database (joining it,
// or starting one from this workspace) and, once signed in, the status in
// full, Sync now and Sign out. The app does the work (app_team.cpp).
#include "team_sync.hpp"
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"

#include <imgui_stdlib.h>

namespace crm::web {

namespace {

// Readable on the top bar's dark blue.
ImVec4 on_bar(SyncTone tone) {
    switch (tone) {
    case SyncTone::Good:
        return ImVec4(0.42f, 0.82f, 0.58f, 1);
    case SyncTone::Busy:
        return colors::kTopBarMuted;
    case SyncTone::Warning:
        return ImVec4(0.98f, 0.77f, 0.38f, 1);
    case SyncTone::Bad:
        break;
    }
    return ImVec4(1.0f, 0.58f, 0.58f, 1);
}

// The same tones on the dialog's white.
const ImVec4& on_white(SyncTone tone) {
    switch (tone) {
    case SyncTone::Good:
        return colors::kSuccess;
    case SyncTone::Busy:
        return colors::kMuted;
    case SyncTone::Warning:
        return colors::kWarning;
    case SyncTone::Bad:
        break;
    }
    return colors::kDanger;
}

// A dialog button: the dialog's width on a phone, its label's elsewhere.
bool team_button(ViewContext& view, const char* label, const char* name, bool primary = false) {
    const ImVec2 size(is_phone() ? -FLT_MIN : 0, tap_height());
    const bool pressed = primary ? primary_button(label, size) : ImGui::Button(label, size);
    mark(view.ui, name);
    return pressed;
}

void next_button_beside() {
    if (!is_phone()) ImGui::SameLine();
}

void labelled_input(ViewContext& view, const char* label, const char* id, const char* hint,
                    std::string& text, const char* name, ImGuiInputTextFlags flags = 0) {
    ImGui::TextColored(colors::kMuted, "%s", label);
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputTextWithHint(id, hint, &text, flags);
    mark(view.ui, name);
}

void close_team_dialog(TeamDialog& dialog) {
    dialog.open = false;
    dialog.message.clear();
    dialog.password.clear();
    ImGui::CloseCurrentPopup();
}

void draw_signed_in(ViewContext& view) {
    TeamScreen& team = view.ui.team;
    const SyncStatus& status = team.status;
    const User* me = view.workspace.directory.user(team.account);
    ImGui::TextWrapped("Signed in as %s", me ? describe_user(*me).c_str() : team.account.c_str());
    text_colored_wrapped(colors::kMuted, team.database);
    ImGui::Spacing();
    text_colored_wrapped(on_white(sync_tone(status)), sync_words(status, view.now));
    mark(view.ui, "team-status");
    if (!status.not_applied.empty()) {
        ImGui::Spacing();
        ImGui::TextWrapped("Not applied here:");
        for (const auto& what : status.not_applied)
            text_colored_wrapped(colors::kMuted, "· " + what);
        mark(view.ui, "team-not-applied");
    }
    if (const std::size_t open = team.conflicts.value.size()) {
        ImGui::Spacing();
        ImGui::TextWrapped("%zu %s to settle.", open, open == 1 ? "conflict" : "conflicts");
        if (team_button(view, "Open the conflicts", "team-open-conflicts")) {
            close_team_dialog(team.dialog);
            leave_form_then(view, [](const Workspace&, UiState& ui) {
                ui.screen = Screen::Conflicts;
                ui.form = RecordForm{};
                ui.nav_open = false;
            });
        }
    }
    ImGui::Spacing();
    ImGui::BeginDisabled(status.syncing);
    if (team_button(view, "Sync now", "team-sync-now", true)) view.intents.push_back(SyncNow{});
    ImGui::EndDisabled();
    next_button_beside();
    if (team_button(view, "Sign out", "team-sign-out")) view.intents.push_back(SignOut{});
    next_button_beside();
    if (team_button(view, "Close", "team-close") || dialog_escape(team.dialog.popup_was_open))
        close_team_dialog(team.dialog);
}

// Starting a team database is for admins, from a workspace of no team yet.
bool may_publish(const ViewContext& view) {
    const User* me = view.workspace.directory.user(view.ui.user);
    return me && check_replace_workspace(view.workspace, *me);
}

void draw_sign_in(ViewContext& view) {
    TeamDialog& dialog = view.ui.team.dialog;
    const auto url = team_database_url(dialog.url);
    // This workspace is that database's already: signing in keeps it and its unsent changes.
    const bool again = url && *url == view.workspace.team_sync.database;
    text_colored_wrapped(colors::kMuted,
                         again ? "Sign in again to sync this workspace with the team; changes "
                                 "made meanwhile go up with the first sync."
                               : "Work with your team: sign in to the team's database. Joining "
                                 "replaces the workspace on this device with the team's; from "
                                 "then on your changes and theirs sync, also after time offline.");
    ImGui::Spacing();
    labelled_input(view, "Team database", "##team-url", "https://couch.example.com/northwind",
                   dialog.url, "team-url");
    labelled_input(view, "User name", "##team-user", "your user id in the workspace, like u-ana",
                   dialog.user, "team-user");
    labelled_input(view, "Password", "##team-password", "", dialog.password, "team-password",
                   ImGuiInputTextFlags_Password);
    if (!dialog.message.empty()) {
        text_colored_wrapped(colors::kDanger, dialog.message);
        mark(view.ui, "team-message");
    }
    if (!dialog.busy.empty()) ImGui::TextColored(colors::kMuted, "%s", dialog.busy.c_str());
    ImGui::Spacing();
    ImGui::BeginDisabled(!dialog.busy.empty());
    if (team_button(view, again ? "Sign in" : "Join team", "team-join", true))
        view.intents.push_back(JoinTeam{});
    ImGui::EndDisabled();
    next_button_beside();
    if (team_button(view, "Cancel", "team-cancel") || dialog_escape(dialog.popup_was_open))
        close_team_dialog(dialog);
    if (!may_publish(view)) return;
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::Spacing();
    text_colored_wrapped(colors::kMuted,
                         "Admins: a new team starts from this workspace. It goes to a new "
                         "database at that address, for the team to join.");
    ImGui::BeginDisabled(!dialog.busy.empty());
    if (team_button(view, "Start a team database from this workspace", "team-publish"))
        view.intents.push_back(PublishTeam{});
    ImGui::EndDisabled();
}

} // namespace

void open_team_dialog(UiState& ui) {
    ui.team.dialog.open = true;
    ui.team.dialog.message.clear();
    ui.nav_open = false;
    // A team's workspace signs in again to its database, as its person.
    if (ui.team.dialog.url.empty()) ui.team.dialog.url = ui.team.database;
    if (ui.team.dialog.user.empty() && !ui.team.database.empty()) ui.team.dialog.user = ui.user;
}

void draw_team_dialog(ViewContext& view) {
    TeamDialog& dialog = view.ui.team.dialog;
    if (!dialog.open || !begin_dialog("##team", 560)) return;
    ImGui::PushFont(heading_font());
    ImGui::TextUnformatted("Team sync");
    ImGui::PopFont();
    ImGui::Spacing();
    if (view.ui.team.status.signed_in && dialog.busy.empty())
        draw_signed_in(view);
    else
        draw_sign_in(view);
    ImGui::EndPopup();
}

void draw_sync_status(ViewContext& view, float width, bool short_form) {
    const SyncStatus& status = view.ui.team.status;
    std::string words =
        short_form ? sync_short_words(status, view.now) : sync_words(status, view.now);
    if (!status.error.empty() && ImGui::CalcTextSize(words.c_str()).x > width)
        words = "Sync failed"; // the countdown is in the Team dialog, one tap away
    const ImVec4 color = on_bar(sync_tone(status));
    text_fitted(words, width, &color);
    mark(view.ui, "sync-status");
    // The whole story is one tap away (a phone has no hover).
    if (ImGui::IsItemHovered() && short_form && !is_phone())
        ImGui::SetTooltip("%s", sync_words(status, view.now).c_str());
    if (ImGui::IsItemClicked()) open_team_dialog(view.ui);
}

float sync_status_width(const ViewContext& view, bool short_form) {
    const SyncStatus& status = view.ui.team.status;
    return ImGui::CalcTextSize(
               (short_form ? sync_short_words(status, view.now) : sync_words(status, view.now))
                   .c_str())
        .x;
}

} // namespace crm::web
