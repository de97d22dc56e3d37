// The command palette (Ctrl/Cmd+K, or "/" outside a text field): one box to
// reach any record, screen or action by typing a few letters.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"
#include "query/search.hpp"
#include "util/text.hpp"

#include <imgui_stdlib.h>

#include <algorithm>
#include <functional>

namespace crm::web {

namespace {

constexpr std::size_t kRecordHits = 30;

struct PaletteEntry {
    std::string label;
    std::string kind; // what it is, shown on the right: "Screen", "Action", "Deal"
    std::function<void(ViewContext&)> run;
};

void go_to_screen(ViewContext& view, std::function<void(UiState&)> change) {
    leave_form_then(view, [change](const Workspace&, UiState& ui) {
        ui.form = RecordForm{};
        ui.notice.clear();
        ui.nav_open = false;
        change(ui);
    });
}

// Screens and actions, filtered by the typed text (all of them when empty).
void add_screens_and_actions(ViewContext& view, const std::string& needle,
                             std::vector<PaletteEntry>& entries) {
    auto add = [&](std::string label, std::string kind, std::function<void(ViewContext&)> run) {
        if (!needle.empty() && fold_text(label).find(needle) == std::string::npos) return;
        entries.push_back({std::move(label), std::move(kind), std::move(run)});
    };
    const Workspace& ws = view.workspace;
    add("My work", "Screen",
        [](ViewContext& v) { go_to_screen(v, [](UiState& ui) { ui.screen = Screen::MyWork; }); });
    const User* me = ws.directory.user(view.ui.user);
    if (me && can_review_exceptions(*me))
        add("Exceptions", "Screen", [](ViewContext& v) {
            go_to_screen(v, [](UiState& ui) { ui.screen = Screen::Exceptions; });
        });
    if (can_see_automation(view))
        add("Automation", "Screen", [](ViewContext& v) {
            go_to_screen(v, [](UiState& ui) { ui.screen = Screen::Automation; });
        });
    for (const auto& flow : ws.flows) {
        const std::string id = flow.id;
        add(flow.name + " board", "Pipeline", [id](ViewContext& v) {
            go_to_screen(v, [id](UiState& ui) {
                ui.screen = Screen::Board;
                ui.flow = id;
            });
        });
    }
    for (const auto& type : ws.schema.types()) {
        const std::string id = type.id;
        add(type.plural, "List", [id](ViewContext& v) {
            go_to_screen(v, [id](UiState& ui) {
                ui.screen = Screen::Records;
                ui.type = id;
                ui.search.clear();
            });
        });
    }
    if (view.read_only) return;
    for (const auto& type : ws.schema.types()) {
        const std::string id = type.id;
        add("New " + type.label, "Action", [id](ViewContext& v) {
            leave_form_then(v, [id](const Workspace& w, UiState& ui) {
                ui.screen = Screen::Records;
                ui.type = id;
                open_new_form(w, ui, id);
            });
        });
    }
    if (view.ui.undo)
        add("Undo: " + view.ui.undo->notice, "Ctrl+Z",
            [](ViewContext& v) { v.intents.push_back(UndoRequested{}); });
    add("Export the workspace", "Action",
        [](ViewContext& v) { v.intents.push_back(ExportRequested{}); });
}

std::vector<PaletteEntry> palette_entries(ViewContext& view) {
    Palette& palette = view.ui.palette;
    const std::string needle = fold_text(palette.text);
    std::vector<PaletteEntry> entries;
    // Records first when something is typed: that is what people look for most.
    if (palette.searched != palette.text || palette.version != view.version) {
        palette.hits = search_records(view.workspace, view.ui.user, palette.text, kRecordHits);
        palette.searched = palette.text;
        palette.version = view.version;
    }
    for (const auto& hit : palette.hits) {
        const std::string id = hit.record_id;
        entries.push_back(
            {hit.title, hit.type_label, [id](ViewContext& v) { open_record(v, id); }});
    }
    add_screens_and_actions(view, needle, entries);
    return entries;
}

void close_palette(UiState& ui) {
    ui.palette = Palette{};
    ImGui::CloseCurrentPopup();
}

// Up and Down move the choice, Enter takes it, Escape closes.
void handle_palette_keys(ViewContext& view, std::vector<PaletteEntry>& entries) {
    Palette& palette = view.ui.palette;
    const int count = static_cast<int>(entries.size());
    if (ImGui::IsKeyPressed(ImGuiKey_DownArrow))
        palette.selected = std::min(palette.selected + 1, count - 1);
    if (ImGui::IsKeyPressed(ImGuiKey_UpArrow)) palette.selected = std::max(palette.selected - 1, 0);
    palette.selected = std::clamp(palette.selected, 0, std::max(count - 1, 0));
    if (ImGui::IsKeyPressed(ImGuiKey_Escape, false)) {
        close_palette(view.ui);
        return;
    }
    const bool enter = ImGui::IsKeyPressed(ImGuiKey_Enter, false) ||
                       ImGui::IsKeyPressed(ImGuiKey_KeypadEnter, false);
    if (enter && count > 0) {
        auto run = entries[static_cast<std::size_t>(palette.selected)].run;
        close_palette(view.ui);
        run(view);
    }
}

} // namespace

void open_palette(UiState& ui) {
    ui.palette = Palette{};
    ui.palette.open = true;
}

void handle_global_keys(ViewContext& view) {
    if (view.ui.palette.open || view.ui.ask_leave) return;
    if (ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) return;
    if (view.ui.nav_open && ImGui::IsKeyPressed(ImGuiKey_Escape, false)) {
        view.ui.nav_open = false; // the menu is the top-most panel
        return;
    }
    const ImGuiIO& io = ImGui::GetIO();
    const bool shortcut = ImGui::IsKeyChordPressed(ImGuiMod_Shortcut | ImGuiKey_K);
    const bool slash = !io.WantTextInput && ImGui::IsKeyPressed(ImGuiKey_Slash, false);
    if (shortcut || slash) open_palette(view.ui);
    // Text fields keep Ctrl/Cmd+Z for their own typing.
    if (!io.WantTextInput && ImGui::IsKeyChordPressed(ImGuiMod_Shortcut | ImGuiKey_Z) &&
        view.ui.undo && !view.read_only)
        view.intents.push_back(UndoRequested{});
}

void draw_palette(ViewContext& view) {
    Palette& palette = view.ui.palette;
    if (!palette.open) return;
    if (!ImGui::IsPopupOpen("##palette")) ImGui::OpenPopup("##palette");
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float s = scale();
    const float top = is_phone() ? 8 * s : viewport->Size.y * 0.12f;
    ImGui::SetNextWindowPos(
        ImVec2(viewport->Pos.x + viewport->Size.x * 0.5f, viewport->Pos.y + top), ImGuiCond_Always,
        ImVec2(0.5f, 0));
    ImGui::SetNextWindowSize(ImVec2(dialog_width(640), 0));
    if (!ImGui::BeginPopupModal("##palette", nullptr,
                                ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                    ImGuiWindowFlags_NoMove)) {
        palette = Palette{};
        return;
    }
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputTextWithHint("##find", "Search records, screens and actions…", &palette.text))
        palette.selected = 0;
    mark(view.ui, "palette-input");
    std::vector<PaletteEntry> entries = palette_entries(view);
    const float line = std::max(tap_height(), ImGui::GetTextLineHeightWithSpacing() * 1.4f);
    const float list_height =
        std::min(line * 9, viewport->Size.y - top - ImGui::GetFrameHeightWithSpacing() * 3);
    ImGui::BeginChild("##entries", ImVec2(0, list_height));
    if (entries.empty())
        ImGui::TextColored(colors::kMuted, "Nothing matches “%s”.", palette.text.c_str());
    std::function<void(ViewContext&)> chosen;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const PaletteEntry& entry = entries[i];
        ImGui::PushID(static_cast<int>(i));
        const bool selected = static_cast<int>(i) == palette.selected;
        const ImVec2 start = ImGui::GetCursorPos();
        if (ImGui::Selectable("##entry", selected, 0, ImVec2(0, line))) chosen = entry.run;
        if (selected &&
            (ImGui::IsKeyPressed(ImGuiKey_DownArrow) || ImGui::IsKeyPressed(ImGuiKey_UpArrow)))
            ImGui::SetScrollHereY();
        if (i < 30) mark(view.ui, "palette-" + std::to_string(i));
        const float kind_width = ImGui::CalcTextSize(entry.kind.c_str()).x;
        const float width = ImGui::GetContentRegionAvail().x;
        const float text_y = start.y + (line - ImGui::GetTextLineHeight()) * 0.5f;
        ImGui::SetCursorPos(ImVec2(start.x + 6 * s, text_y));
        text_fitted(entry.label, width - kind_width - 24 * s);
        ImGui::SetCursorPos(ImVec2(start.x + width - kind_width - 6 * s, text_y));
        ImGui::TextColored(colors::kMuted, "%s", entry.kind.c_str());
        ImGui::SetCursorPos(ImVec2(start.x, start.y + line + ImGui::GetStyle().ItemSpacing.y));
        ImGui::PopID();
    }
    ImGui::EndChild();
    // A phone has no Escape key: a tap outside the palette, or on Close, closes it.
    const bool tapped_outside =
        !ImGui::IsWindowAppearing() && ImGui::IsMouseClicked(ImGuiMouseButton_Left) &&
        !ImGui::IsWindowHovered(ImGuiHoveredFlags_RootAndChildWindows |
                                ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    const float close_width = ImGui::CalcTextSize("Close").x + 32 * s;
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (tap_height() - ImGui::GetTextLineHeight()) / 2);
    ImGui::TextColored(colors::kMuted, "%s",
                       is_phone() ? "Tap to open" : "↑↓ to choose · Enter to open · Esc to close");
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - close_width);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() - (tap_height() - ImGui::GetTextLineHeight()) / 2);
    const bool close = tap_button("Close", close_width);
    mark(view.ui, "palette-close");
    if (chosen) {
        close_palette(view.ui);
        chosen(view);
    } else if (close || tapped_outside) {
        close_palette(view.ui);
    } else {
        handle_palette_keys(view, entries);
    }
    ImGui::EndPopup();
}

} // namespace crm::web
