// Small drawing helpers shared by the views.
#pragma once

#include "ui_state.hpp"

#include <imgui.h>

#include <string>

namespace crm::web {

// A fixed part of the screen layout (top bar, sidebar, list): no title, no moving.
inline constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                           ImGuiWindowFlags_NoSavedSettings |
                                           ImGuiWindowFlags_NoBringToFrontOnFocus;

// Remembers the last item's rectangle under `name` (end-to-end tests click by name).
inline void mark(UiState& ui, const std::string& name) {
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    ui.widget_rects[name] = Rect{min.x, min.y, max.x - min.x, max.y - min.y};
}

// The screen's layout, in unscaled pixels: top bar, sidebar, record panel.
namespace layout {
inline constexpr float kTopBar = 60, kSidebar = 210, kRecordPanel = 460;
}
// Sizes the next window to the main area: right of the sidebar, below the
// top bar, left of the record panel when it is open.
void place_main_area(bool record_panel_open);

bool primary_button(const char* label, const ImVec2& size = ImVec2(0, 0));
void text_colored_wrapped(const ImVec4& color, const std::string& text);
float scale();

} // namespace crm::web
