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

float scale() {
    return ImGui::GetFontSize() / 16.0f;
}

} // namespace crm::web
