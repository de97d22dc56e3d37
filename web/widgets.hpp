// Small drawing helpers shared by the views.
#pragma once

#include "ui_state.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <string>

namespace crm::web {

// A fixed part of the screen layout (top bar, sidebar, list): no title, no moving.
inline constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                           ImGuiWindowFlags_NoSavedSettings |
                                           ImGuiWindowFlags_NoBringToFrontOnFocus;

// Remembers the last item's rectangle under `name` (end-to-end tests click by name).
// A window ImGui still hides (a popup's first frames measure it before it is
// placed) records nothing: nothing in it can be clicked yet.
inline void mark(UiState& ui, const std::string& name) {
    const ImGuiWindow* window = ImGui::GetCurrentWindowRead();
    if (window->Hidden || window->HiddenFramesCannotSkipItems > 0 ||
        window->HiddenFramesCanSkipItems > 0)
        return;
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    ui.widget_rects[name] = Rect{min.x, min.y, max.x - min.x, max.y - min.y};
}

// Which layout fits the screen, by its size in CSS pixels: a phone (one
// column, a bottom bar, records as full-screen sheets), a tablet (no sidebar:
// navigation in a menu; list and record side by side) or a desktop.
enum class FormFactor { Phone, Tablet, Desktop };
FormFactor form_factor();
inline bool is_phone() {
    return form_factor() == FormFactor::Phone;
}
// The same choice from a CSS size, before ImGui knows the screen (the theme).
FormFactor form_factor_for(float css_width, float css_height);
// A screen's title in the heading font, except on a phone, whose top bar
// names the screen. True when it drew one.
bool draw_screen_title(const char* title);

// A part of the screen, in device pixels.
struct Area {
    ImVec2 pos, size;
};
// The screen's parts for the current form factor: top bar, bottom bar (phones),
// sidebar (desktops), the main area and the record panel beside it.
Area top_bar_area();
Area bottom_bar_area(); // zero height except on phones
Area sidebar_area();    // zero width except on desktops
Area main_area(bool record_panel_open);
Area record_panel_area();
// Sizes the next window to an area.
void place(const Area& area);
// Sizes the next window to the main area: right of the sidebar, below the
// top bar, left of the record panel when it is open.
inline void place_main_area(bool record_panel_open) {
    place(main_area(record_panel_open));
}

// A dialog's width: `css_width` where the screen allows, else the screen less a margin.
float dialog_width(float css_width);
// A centred modal dialog, that wide where the screen allows and never taller
// than the screen; true while it is open (end it with ImGui::EndPopup()).
bool begin_dialog(const char* id, float css_width);
// The height a tap target needs: 44 CSS pixels on a phone, a frame elsewhere.
float tap_height();
// After the rows `pages` drew of `total`: "<what> (N more)", which adds a
// page, while rows are left; marked `name`.
void draw_show_more(UiState& ui, ListPages& pages, std::size_t total, const std::string& what,
                    const std::string& name);
// A row of buttons, the chosen one tinted (on the same line while it fits);
// true when another was chosen. `name` marks it for tests.
bool choice_button(UiState& ui, const std::string& label, bool chosen, const std::string& name,
                   bool first = false);
// A button that is a comfortable tap target on a phone.
bool tap_button(const char* label, float width = 0);

// Text cut to `width` with an ellipsis when it does not fit; the whole text
// shows on hover (or a long press). `color` 0 means the normal text colour.
void text_fitted(const std::string& text, float width, const ImVec4* color = nullptr);
// Text wrapped at words over at most `lines` lines, the last cut to fit.
void text_in_lines(const std::string& text, float width, int lines, const ImVec4* color = nullptr);
// `text` cut between characters with an ellipsis so that it and `tail` fit
// `width` on one line: "Breached: Case resolv… (12)" keeps its count.
std::string fitted_label(const std::string& text, const std::string& tail, float width);
// BeginCombo() whose preview ends in an ellipsis rather than being clipped.
bool begin_combo_fitted(const char* id, const std::string& preview, ImGuiComboFlags flags = 0);

// Escape for a dialog: pressed while none of the dialog's own popups (a
// picker, a calendar) was open, as Escape closes that popup first. Call once
// per frame inside the dialog, after its popups.
bool dialog_escape(bool& popup_was_open);

// Puts the next item, `width` wide, on this line if it fits, else on the next.
void same_line_if_fits(float width);
// The same for a button labelled `label`.
void same_line_if_fits(const char* label);

bool primary_button(const char* label, const ImVec2& size = ImVec2(0, 0));
void text_colored_wrapped(const ImVec4& color, const std::string& text);
// Green for what was done; amber when the notice says some of it was not.
const ImVec4& notice_color(const UiState& ui);
float scale();

} // namespace crm::web
