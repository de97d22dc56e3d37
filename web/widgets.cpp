#include "widgets.hpp"

#include "theme.hpp"

namespace crm::web {

bool primary_button(const char* label, const ImVec2& size) {
    ImGui::PushStyleColor(ImGuiCol_Button, colors::kAccentV);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.11f, 0.31f, 0.85f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.09f, 0.25f, 0.75f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    const bool pressed = ImGui::Button(label, size);
    ImGui::PopStyleColor(4);
    return pressed;
}

void text_colored_wrapped(const ImVec4& color, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

void place_main_area(bool record_panel_open) {
    const float s = scale();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float top = layout::kTopBar * s, left = layout::kSidebar * s;
    const float panel = record_panel_open ? layout::kRecordPanel * s : 0;
    ImGui::SetNextWindowPos(ImVec2(viewport->Pos.x + left, viewport->Pos.y + top));
    ImGui::SetNextWindowSize(ImVec2(viewport->Size.x - left - panel, viewport->Size.y - top));
}

float scale() {
    return ImGui::GetFontSize() / 16.0f;
}

} // namespace crm::web
