// The top bar (workspace, who I am, import/export, saving state) and the
// sidebar of record types.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"

#include <algorithm>
#include <functional>

namespace crm::web {

namespace {

// What the save indicator can say, in a short form (phones, tablets) and a
// long one: drawn from here and measured from here, so the top bar always
// leaves room for the widest.
struct SaveWords {
    const char* read_only;
    const char* unsaved_form;
    const char* saved;
};
constexpr SaveWords kShortSaveWords{"Read-only", "Not saved yet", "Saved"};
constexpr SaveWords kLongSaveWords{"Read-only: open in another tab", "Unsaved edits in the form",
                                   "All changes saved"};
constexpr const char* kSaving = "Saving…";
constexpr const char* kNotSaved = "Not saved";

const SaveWords& save_words(bool short_form) {
    return short_form ? kShortSaveWords : kLongSaveWords;
}

// "All changes saved" is only green when nothing is waiting: not the store,
// and not an edit still open in the record panel.
void draw_save_indicator(const ViewContext& view, bool short_form) {
    const SaveWords& words = save_words(short_form);
    if (view.read_only) {
        ImGui::TextColored(colors::kWarning, "%s", words.read_only);
        return;
    }
    if (form_has_unsaved_edits(view)) {
        ImGui::TextColored(colors::kWarning, "%s", words.unsaved_form);
        return;
    }
    switch (view.save_state) {
    case SaveState::Clean:
    case SaveState::Saved:
        ImGui::TextColored(colors::kSuccess, "%s", words.saved);
        break;
    case SaveState::Pending:
    case SaveState::Saving:
        ImGui::TextColored(colors::kMuted, "%s", kSaving);
        break;
    case SaveState::Failed:
        ImGui::TextColored(colors::kDanger, "%s", kNotSaved);
        break;
    }
    if (!view.save_message.empty() && ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", view.save_message.c_str());
    mark(view.ui, "save-state");
}

// The room the save indicator needs: the widest of its words.
float save_indicator_width(bool short_form) {
    const SaveWords& words = save_words(short_form);
    float widest = 0;
    for (const char* text : {words.read_only, words.unsaved_form, words.saved, kSaving, kNotSaved})
        widest = std::max(widest, ImGui::CalcTextSize(text).x);
    return widest;
}

// A team's workspace on this device is its person's, signed in or not.
bool team_copy(const ViewContext& view) {
    return !view.workspace.team_sync.database.empty();
}

// In a team's workspace the person is the account: its name opens the team
// dialog (where sync stands, Sync now, Sign out; or signing in again).
void draw_account_button(ViewContext& view, float width) {
    const User* me = view.workspace.directory.user(view.ui.user);
    const std::string label = (me ? describe_user(*me) : view.ui.user) + "##account";
    if (ImGui::Button(label.c_str(), ImVec2(width, 0))) open_team_dialog(view.ui);
    mark(view.ui, "team-account");
    if (ImGui::IsItemHovered() && !is_phone())
        ImGui::SetTooltip(view.ui.team.status.signed_in ? "Signed in to %s"
                                                        : "Signed out of %s: sign in to sync",
                          view.ui.team.database.c_str());
}

// The person using the app: a local choice in the demo, no passwords; in a
// team's workspace, its account.
void draw_user_switcher(ViewContext& view, float width) {
    if (team_copy(view)) return draw_account_button(view, width);
    ImGui::SetNextItemWidth(width);
    const User* current = view.workspace.directory.user(view.ui.user);
    const std::string label = current ? describe_user(*current) : "Choose who you are";
    if (ImGui::BeginCombo("##user", label.c_str())) {
        for (const auto& user : view.workspace.directory.users()) {
            const bool selected = user.id == view.ui.user;
            if (ImGui::Selectable(describe_user(user).c_str(), selected) && !selected) {
                const std::string id = user.id;
                leave_form_then(view, [id](const Workspace&, UiState& ui) {
                    ui.user = id;
                    ui.form = RecordForm{};
                    ui.selected.clear();
                    ui.nav_open = false;
                });
            }
            mark(view.ui, "user-" + user.id);
        }
        // Who I am, for real: an account on the team's database.
        ImGui::Separator();
        if (ImGui::Selectable("Sign in to your team…")) open_team_dialog(view.ui);
        mark(view.ui, "open-team");
        ImGui::EndCombo();
    }
    mark(view.ui, "user-switcher");
}

void draw_file_buttons(ViewContext& view, float width) {
    if (ImGui::Button("Import", ImVec2(width, tap_height()))) {
        view.ui.nav_open = false;
        view.intents.push_back(ImportRequested{});
    }
    mark(view.ui, "import");
    if (ImGui::IsItemHovered() && !is_phone())
        ImGui::SetTooltip("Bring rows in from a spreadsheet (CSV), or a JSON export: merge its "
                          "records (managers, admins) or replace the workspace (admins)");
    const float y = ImGui::GetItemRectMin().y - ImGui::GetWindowPos().y + ImGui::GetScrollY();
    ImGui::SameLine();
    ImGui::SetCursorPosY(y); // level with Import
    if (ImGui::Button("Export", ImVec2(width, tap_height()))) {
        view.ui.nav_open = false;
        view.intents.push_back(ExportRequested{});
    }
    mark(view.ui, "export");
    if (ImGui::IsItemHovered() && !is_phone())
        ImGui::SetTooltip("Download the whole workspace as JSON");
}

// Where the app is, for the phone's top bar: the screen's own name.
std::string screen_title(const ViewContext& view) {
    if (view.ui.csv.open) return "Import";
    switch (view.ui.screen) {
    case Screen::MyWork:
        return "My work";
    case Screen::Exceptions:
        return "Exceptions";
    case Screen::Designer:
        return "Process designer";
    case Screen::Inbox:
        return "Inbox";
    case Screen::Duplicates:
        return "Duplicates";
    case Screen::DataQuality:
        return "Data quality";
    case Screen::Automation:
        return "Automation";
    case Screen::Reports:
        return "Reports";
    case Screen::Conflicts:
        return "Conflicts";
    case Screen::Board:
        if (const Flow* flow = view.workspace.flow(view.ui.flow)) return flow->name;
        return "Pipelines";
    case Screen::Records:
        if (const RecordTypeDef* type = view.workspace.schema.type(view.ui.type))
            return type->plural;
        return "Records";
    }
    return "";
}

// "Inbox 3": unread notifications, one tap from anywhere.
void draw_inbox_button(ViewContext& view, const std::string& label, float width, float bar_height) {
    const bool unread = view.ui.inbox.unread > 0;
    ImGui::SetCursorPosY((bar_height - tap_height()) * 0.5f);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    ImGui::PushStyleColor(ImGuiCol_Button,
                          unread ? colors::kAccentV : ImVec4(0.2f, 0.23f, 0.3f, 1));
    if (ImGui::Button(label.c_str(), ImVec2(width, tap_height()))) go_to_inbox(view);
    ImGui::PopStyleColor(2);
    mark(view.ui, "inbox");
}

void begin_bar(const Area& area, const char* id) {
    place(area);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.07f, 0.09f, 0.15f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.96f, 0.98f, 1));
    ImGui::Begin(id, nullptr, kPanel);
}

void end_bar() {
    ImGui::End();
    ImGui::PopStyleColor(2);
}

// What the phone's one indicator tells in a team's workspace: saving first
// (what is not yet on this device matters before what is not yet on the
// team's server), then where sync stands.
bool saving_comes_first(const ViewContext& view) {
    return !team_copy(view) || view.read_only || form_has_unsaved_edits(view) ||
           view.save_state == SaveState::Pending || view.save_state == SaveState::Saving ||
           view.save_state == SaveState::Failed;
}

// Phones: the screen's name and whether everything is saved (and synced);
// navigation is in the bottom bar.
void draw_phone_top_bar(ViewContext& view) {
    const Area area = top_bar_area();
    const float height = area.size.y;
    begin_bar(area, "##topbar");
    const bool team = team_copy(view);
    const float indicator =
        team ? std::min(std::max(save_indicator_width(true), sync_status_width(view, true)),
                        area.size.x * 0.45f)
             : save_indicator_width(true);
    const float pad = ImGui::GetStyle().WindowPadding.x;
    const std::string inbox = inbox_label(view);
    const float inbox_width = ImGui::CalcTextSize("Inbox 99").x + 20 * scale();
    ImGui::PushFont(heading_font());
    ImGui::SetCursorPosY((height - ImGui::GetFontSize()) * 0.5f);
    text_fitted(screen_title(view), area.size.x - indicator - inbox_width - pad * 4);
    mark(view.ui, "screen-title");
    ImGui::PopFont();
    ImGui::SameLine(area.size.x - indicator - inbox_width - pad * 2);
    ImGui::SetCursorPosY((height - ImGui::GetFontSize()) * 0.5f);
    if (saving_comes_first(view))
        draw_save_indicator(view, true);
    else
        draw_sync_status(view, indicator, true);
    ImGui::SameLine(area.size.x - inbox_width - pad);
    draw_inbox_button(view, inbox, inbox_width, height);
    end_bar();
}

// The workspace's name, and where sync stands when signed in to a team, up
// to `right`: sync first (a tablet leaves the name out for it), in its long
// words when they fit, else its short ones (the dialog has the whole story).
void draw_name_and_sync(ViewContext& view, float right, bool tablet) {
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float room = right - ImGui::GetCursorPosX();
    const float y = ImGui::GetCursorPosY(); // SameLine() would go back to the heading's
    if (!team_copy(view)) return text_fitted(view.workspace.name, room, &colors::kTopBarMuted);
    const float name_width =
        tablet ? 0 : std::min(ImGui::CalcTextSize(view.workspace.name.c_str()).x, room * 0.3f);
    const float sync_room = room - name_width - (name_width > 0 ? spacing * 2 : 0);
    const bool short_form = sync_status_width(view, false) > sync_room;
    const float sync_width = std::min(sync_status_width(view, short_form), sync_room);
    if (name_width > 0) {
        text_fitted(view.workspace.name, room - sync_width - spacing * 2, &colors::kTopBarMuted);
        ImGui::SameLine(right - sync_width);
        ImGui::SetCursorPosY(y);
    }
    draw_sync_status(view, sync_width, short_form);
}

// Tablets and desktops: product, workspace, saving state, files, who I am.
// Laid out from the right; the workspace name takes what is left, cut to fit.
void draw_wide_top_bar(ViewContext& view) {
    const float s = scale();
    const Area area = top_bar_area();
    const float height = area.size.y;
    const bool tablet = form_factor() == FormFactor::Tablet;
    begin_bar(area, "##topbar");
    const float text_y = (height - ImGui::GetFontSize()) * 0.5f;
    const float frame_y = (height - ImGui::GetFrameHeight()) * 0.5f;
    if (tablet) {
        ImGui::SetCursorPosY(frame_y);
        ImGui::PopStyleColor(); // dark text on the light button
        if (ImGui::Button(view.ui.nav_open ? "Close" : "Menu", ImVec2(80 * s, 0)))
            view.ui.nav_open = !view.ui.nav_open;
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.96f, 0.98f, 1));
        mark(view.ui, "menu");
        ImGui::SameLine(0, 14 * s);
    }
    ImGui::PushFont(heading_font());
    ImGui::SetCursorPosY((height - ImGui::GetFontSize()) * 0.5f);
    ImGui::TextUnformatted("Fieldwork CRM");
    ImGui::PopFont();
    ImGui::SameLine(0, 18 * s);

    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float user_width = (tablet ? 200 : 230) * s, button_width = 80 * s;
    const float indicator_width = save_indicator_width(tablet);
    const float right = ImGui::GetWindowWidth() - ImGui::GetStyle().WindowPadding.x;
    const float user_x = right - user_width;
    const float buttons_x = user_x - spacing * 2 - button_width * 2 - spacing;
    const float inbox_width = ImGui::CalcTextSize("Inbox 99").x + 24 * s;
    const float inbox_x = buttons_x - spacing * 2 - inbox_width;
    const float indicator_x = inbox_x - spacing * 2 - indicator_width;
    ImGui::SetCursorPosY(text_y);
    draw_name_and_sync(view, indicator_x - spacing * 2, tablet);
    ImGui::SameLine(indicator_x);
    ImGui::SetCursorPosY(text_y);
    draw_save_indicator(view, tablet);

    ImGui::SameLine(inbox_x);
    draw_inbox_button(view, inbox_label(view), inbox_width, height);
    ImGui::PopStyleColor(); // text back to normal for the controls
    ImGui::SameLine(buttons_x);
    ImGui::SetCursorPosY(frame_y);
    draw_file_buttons(view, button_width);
    ImGui::SameLine(user_x);
    ImGui::SetCursorPosY(frame_y);
    draw_user_switcher(view, user_width);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.96f, 0.98f, 1));
    end_bar();
}

// One entry of the navigation: selected look, a tap-sized row, and leaving
// the open form (asking first if it holds unsaved edits).
void nav_item(ViewContext& view, const std::string& label, bool selected, const std::string& name,
              std::function<void(const Workspace&, UiState&)> go) {
    if (selected) ImGui::PushFont(strong_font());
    const bool clicked = ImGui::Selectable(label.c_str(), selected, 0,
                                           ImVec2(0, std::max(30 * scale(), tap_height())));
    if (selected) ImGui::PopFont();
    mark(view.ui, name);
    if (!clicked) return;
    leave_form_then(view, [go](const Workspace& ws, UiState& ui) {
        go(ws, ui);
        ui.notice.clear();
        ui.form = RecordForm{};
        ui.nav_open = false;
    });
}

// The conflict queue, in a team's workspace.
void draw_conflicts_entry(ViewContext& view) {
    const UiState& ui = view.ui;
    if (team_copy(view) || !ui.team.conflicts.value.empty())
        nav_item(view, conflicts_label(view), ui.screen == Screen::Conflicts, "open-conflicts",
                 [](const Workspace&, UiState& ui) { ui.screen = Screen::Conflicts; });
}

// The team dialog, last in the navigation (also in the person's menu).
void draw_team_entry(ViewContext& view) {
    ImGui::Spacing();
    ImGui::TextColored(colors::kMuted, "TEAM");
    ImGui::Spacing();
    if (ImGui::Selectable("Team sync", false, 0, ImVec2(0, std::max(30 * scale(), tap_height()))))
        open_team_dialog(view.ui);
    mark(view.ui, "nav-team");
}

// Everything one can go to: My work, exceptions, pipelines, records.
void draw_navigation(ViewContext& view) {
    ImGui::PushStyleColor(ImGuiCol_Header, ImVec4(0.83f, 0.88f, 0.98f, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0.0f, 0.5f));
    const UiState& ui = view.ui;
    nav_item(view, "My work", ui.screen == Screen::MyWork, "my-work",
             [](const Workspace&, UiState& ui) { ui.screen = Screen::MyWork; });
    nav_item(view, inbox_label(view), ui.screen == Screen::Inbox, "nav-inbox",
             [](const Workspace&, UiState& ui) { ui.screen = Screen::Inbox; });
    nav_item(view, "Reports", ui.screen == Screen::Reports, "open-reports",
             [](const Workspace&, UiState& ui) {
                 ui.screen = Screen::Reports;
                 ui.reports.drill_title.clear();
                 ui.reports.drill_ids.clear();
             });
    const User* me = view.workspace.directory.user(ui.user);
    if (me && can_review_exceptions(*me))
        nav_item(view, "Exceptions", ui.screen == Screen::Exceptions, "open-exceptions",
                 [](const Workspace&, UiState& ui) { ui.screen = Screen::Exceptions; });
    if (can_review_duplicates(view))
        nav_item(view, "Duplicates", ui.screen == Screen::Duplicates, "open-duplicates",
                 [](const Workspace&, UiState& ui) { ui.screen = Screen::Duplicates; });
    if (me && can_review_data_quality(*me))
        nav_item(view, "Data quality", ui.screen == Screen::DataQuality, "open-data-quality",
                 [](const Workspace&, UiState& ui) { ui.screen = Screen::DataQuality; });
    if (can_see_automation(view))
        nav_item(view, "Automation", ui.screen == Screen::Automation, "open-automation",
                 [](const Workspace&, UiState& ui) { ui.screen = Screen::Automation; });
    draw_conflicts_entry(view);
    ImGui::Spacing();
    if (!view.workspace.flows.empty()) {
        ImGui::TextColored(colors::kMuted, "PIPELINES");
        ImGui::Spacing();
        for (const auto& flow : view.workspace.flows) {
            const std::string id = flow.id;
            nav_item(view, flow.name, ui.screen == Screen::Board && ui.flow == id, "flow-" + id,
                     [id](const Workspace&, UiState& ui) {
                         ui.screen = Screen::Board;
                         ui.flow = id;
                     });
        }
        const bool designing = ui.screen == Screen::Designer;
        if (ImGui::Selectable("Process designer", designing, 0,
                              ImVec2(0, std::max(30 * scale(), tap_height()))) &&
            !designing) {
            view.ui.nav_open = false;
            open_designer(view);
        }
        mark(view.ui, "open-designer");
        ImGui::Spacing();
        ImGui::TextColored(colors::kMuted, "RECORDS");
        ImGui::Spacing();
    }
    for (const auto& type : view.workspace.schema.types()) {
        const std::string id = type.id;
        nav_item(view, type.plural, ui.screen == Screen::Records && ui.type == id, "type-" + id,
                 [id](const Workspace&, UiState& ui) {
                     ui.screen = Screen::Records;
                     ui.type = id;
                     ui.search.clear();
                     ui.filter = ListFilter{};
                     ui.filter_text = ListFilterText{};
                     ui.sort_by = "title";
                     ui.sort_ascending = true;
                     ui.selected.clear();
                 });
    }
    draw_team_entry(view);
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
}

void draw_sidebar(ViewContext& view) {
    place(sidebar_area());
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(colors::kSidebar));
    ImGui::Begin("##sidebar", nullptr, kPanel);
    draw_navigation(view);
    ImGui::End();
    ImGui::PopStyleColor();
}

// Phones and tablets: the navigation as a menu over the screen. On a phone it
// also holds who I am and the files (no room in the top bar).
void draw_nav_menu(ViewContext& view) {
    if (!view.ui.nav_open) return;
    const float s = scale();
    const bool phone = is_phone();
    const Area main = main_area(false);
    Area area = main;
    if (!phone) area.size.x = std::min(320 * s, main.size.x);
    place(area);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(colors::kSidebar));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
    ImGui::Begin("##navmenu", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings);
    if (phone) {
        ImGui::TextColored(colors::kMuted, "%s", view.workspace.name.c_str());
        if (team_copy(view))
            ImGui::TextColored(colors::kMuted, "%s",
                               view.ui.team.status.signed_in ? "Signed in to the team as"
                                                             : "Signed out of the team");
        draw_user_switcher(view, -1);
        ImGui::Spacing();
    }
    draw_navigation(view);
    if (phone) {
        ImGui::Spacing();
        ImGui::Separator();
        ImGui::Spacing();
        draw_file_buttons(view,
                          (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2);
    }
    // A tap beside the drawer closes it, as on any tablet.
    const bool outside = ImGui::IsMouseClicked(0) &&
                         !ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByPopup |
                                                 ImGuiHoveredFlags_ChildWindows) &&
                         !ImGui::IsAnyItemHovered() && !phone;
    ImGui::End();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    if (outside) view.ui.nav_open = false;
}

} // namespace

void draw_top_bar(ViewContext& view) {
    if (is_phone())
        draw_phone_top_bar(view);
    else
        draw_wide_top_bar(view);
    if (form_factor() == FormFactor::Desktop) {
        view.ui.nav_open = false;
        draw_sidebar(view);
    }
}

void draw_navigation_menu(ViewContext& view) {
    draw_nav_menu(view);
}

// Phones: the screens a rep uses most, one tap away, and the menu.
void draw_bottom_bar(ViewContext& view) {
    if (!is_phone()) return;
    const Area area = bottom_bar_area();
    place(area);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.97f, 0.98f, 0.99f, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6 * scale(), 6 * scale()));
    ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0.5f, 0.5f));
    ImGui::Begin("##bottombar", nullptr, kPanel);
    struct Tab {
        std::string label;
        const char* name;
        bool on;
    };
    const UiState& ui = view.ui;
    const RecordTypeDef* type = view.workspace.schema.type(ui.type);
    const Tab tabs[] = {
        {"My work", "tab-my-work", ui.screen == Screen::MyWork && !ui.nav_open},
        {type ? type->plural : "Records", "tab-records",
         ui.screen == Screen::Records && !ui.nav_open},
        {"Search", "tab-search", ui.palette.open},
        {"Menu", "tab-menu", ui.nav_open},
    };
    constexpr int kTabs = 4;
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float width = (ImGui::GetContentRegionAvail().x - gap * (kTabs - 1)) / kTabs;
    const float height = ImGui::GetContentRegionAvail().y;
    for (int i = 0; i < kTabs; ++i) {
        if (i) ImGui::SameLine();
        if (tabs[i].on) ImGui::PushFont(strong_font());
        ImGui::PushStyleColor(ImGuiCol_Text, tabs[i].on ? colors::kAccentV : colors::kMuted);
        const bool pressed =
            ImGui::Selectable(tabs[i].label.c_str(), tabs[i].on, 0, ImVec2(width, height));
        ImGui::PopStyleColor();
        if (tabs[i].on) ImGui::PopFont();
        mark(view.ui, tabs[i].name);
        if (!pressed) continue;
        if (i == 3) {
            view.ui.nav_open = !view.ui.nav_open;
        } else if (i == 2) {
            view.ui.nav_open = false;
            open_palette(view.ui);
        } else {
            const bool to_work = i == 0;
            leave_form_then(view, [to_work](const Workspace&, UiState& ui) {
                ui.nav_open = false;
                ui.form = RecordForm{};
                ui.notice.clear();
                if (to_work) {
                    ui.screen = Screen::MyWork;
                } else {
                    ui.screen = Screen::Records; // the record type last looked at
                }
            });
        }
    }
    ImGui::End();
    ImGui::PopStyleVar(3);
    ImGui::PopStyleColor();
}

// One way to import a picked file: what it would do, then its button (greyed
// out, with the reason above it, when it cannot be done).
static bool import_choice(ViewContext& view, const std::string& text, const char* label,
                          bool allowed, bool primary, const char* name) {
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::BeginDisabled(!allowed);
    const ImVec2 size(-FLT_MIN, tap_height());
    const bool pressed = primary ? primary_button(label, size) : ImGui::Button(label, size);
    ImGui::EndDisabled();
    mark(view.ui, name);
    ImGui::Spacing();
    return pressed && allowed;
}

// After a workspace file is picked: what merging its records and what
// replacing the workspace would do, and which to do.
static void draw_import_question(ViewContext& view) {
    const ImportQuestion& question = view.ui.import_question;
    if (question.asking() && !ImGui::IsPopupOpen("Import file")) ImGui::OpenPopup("Import file");
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(dialog_width(560), 0));
    if (!ImGui::BeginPopupModal("Import file", nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoTitleBar))
        return;
    auto answer = [&](AnswerImport::Choice choice) {
        view.intents.push_back(AnswerImport{choice});
        ImGui::CloseCurrentPopup();
    };
    ImGui::PushFont(strong_font());
    ImGui::TextWrapped("Import \"%s\" from %s", question.workspace.c_str(),
                       question.file_name.c_str());
    ImGui::PopFont();
    ImGui::Spacing();
    if (import_choice(view, question.merge, "Merge into this workspace", question.can_merge, true,
                      "import-merge"))
        answer(AnswerImport::Choice::Merge);
    if (import_choice(view, question.replace, "Replace this workspace", question.can_replace, false,
                      "import-replace"))
        answer(AnswerImport::Choice::Replace);
    ImGui::Separator();
    ImGui::Spacing();
    if (ImGui::Button("Cancel", ImVec2(-FLT_MIN, tap_height())) ||
        ImGui::IsKeyPressed(ImGuiKey_Escape, false))
        answer(AnswerImport::Choice::Cancel);
    mark(view.ui, "import-cancel");
    ImGui::EndPopup();
}

void draw_dialogs(ViewContext& view) {
    if (!view.ui.error_dialog.empty() && !ImGui::IsPopupOpen("Problem"))
        ImGui::OpenPopup("Problem");
    const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
    ImGui::SetNextWindowPos(center, ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(dialog_width(560), 0));
    if (ImGui::BeginPopupModal("Problem", nullptr,
                               ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
        ImGui::TextWrapped("%s", view.ui.error_dialog.c_str());
        ImGui::Spacing();
        if (primary_button("OK", ImVec2(120 * scale(), tap_height())) ||
            ImGui::IsKeyPressed(ImGuiKey_Escape, false) ||
            ImGui::IsKeyPressed(ImGuiKey_Enter, false)) {
            view.ui.error_dialog.clear();
            ImGui::CloseCurrentPopup();
        }
        mark(view.ui, "dialog-ok");
        ImGui::EndPopup();
    }
    draw_import_question(view);
}

} // namespace crm::web
