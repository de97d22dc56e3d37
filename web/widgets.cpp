#include "widgets.hpp"

#include "theme.hpp"

#include <imgui_internal.h>

#include <algorithm>

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

namespace {

// Unscaled sizes (CSS pixels) of the fixed parts of each layout.
constexpr float kDesktopTopBar = 60, kPhoneTopBar = 56, kPhoneBottomBar = 64;
constexpr float kSidebar = 210, kDesktopPanel = 460, kTabletPanelMin = 360, kTabletPanelMax = 440;

ImVec2 viewport_size() {
    return ImGui::GetMainViewport()->Size;
}
ImVec2 viewport_pos() {
    return ImGui::GetMainViewport()->Pos;
}

} // namespace

bool draw_screen_title(const char* title) {
    if (is_phone()) return false;
    ImGui::PushFont(heading_font());
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    return true;
}

FormFactor form_factor_for(float css_width, float css_height) {
    // A phone turned sideways is still a phone: its short side decides.
    if (css_width < 700 || css_height < 500) return FormFactor::Phone;
    if (css_width < 1200) return FormFactor::Tablet;
    return FormFactor::Desktop;
}

FormFactor form_factor() {
    const ImVec2 size = viewport_size();
    return form_factor_for(size.x / scale(), size.y / scale());
}

Area top_bar_area() {
    const float height = (is_phone() ? kPhoneTopBar : kDesktopTopBar) * scale();
    return {viewport_pos(), ImVec2(viewport_size().x, height)};
}

Area bottom_bar_area() {
    const ImVec2 size = viewport_size(), pos = viewport_pos();
    const float height = is_phone() ? kPhoneBottomBar * scale() : 0;
    return {ImVec2(pos.x, pos.y + size.y - height), ImVec2(size.x, height)};
}

Area sidebar_area() {
    const Area top = top_bar_area();
    const float width = form_factor() == FormFactor::Desktop ? kSidebar * scale() : 0;
    return {ImVec2(top.pos.x, top.pos.y + top.size.y),
            ImVec2(width, viewport_size().y - top.size.y)};
}

Area record_panel_area() {
    const ImVec2 size = viewport_size(), pos = viewport_pos();
    const FormFactor form = form_factor();
    if (form == FormFactor::Phone) return {pos, size}; // a full-screen sheet
    const float top = top_bar_area().size.y;
    const float width =
        form == FormFactor::Desktop
            ? kDesktopPanel * scale()
            : std::clamp(size.x * 0.45f, kTabletPanelMin * scale(), kTabletPanelMax * scale());
    return {ImVec2(pos.x + size.x - width, pos.y + top), ImVec2(width, size.y - top)};
}

Area main_area(bool record_panel_open) {
    const Area top = top_bar_area(), side = sidebar_area(), bottom = bottom_bar_area();
    const float panel = record_panel_open && !is_phone() ? record_panel_area().size.x : 0;
    const ImVec2 pos(side.pos.x + side.size.x, top.pos.y + top.size.y);
    return {pos, ImVec2(viewport_size().x - side.size.x - panel,
                        viewport_size().y - top.size.y - bottom.size.y)};
}

void place(const Area& area) {
    ImGui::SetNextWindowPos(area.pos);
    ImGui::SetNextWindowSize(area.size);
}

float dialog_width(float css_width) {
    return std::min(css_width * scale(), viewport_size().x - 24 * scale());
}

bool begin_dialog(const char* id, float css_width) {
    if (!ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(dialog_width(css_width), 0));
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0),
                                        ImVec2(FLT_MAX, viewport->Size.y - 16 * scale()));
    return ImGui::BeginPopupModal(id, nullptr,
                                  ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                      ImGuiWindowFlags_NoMove);
}

void draw_show_more(UiState& ui, ListPages& pages, std::size_t total, const std::string& what,
                    const std::string& name) {
    const std::size_t drawn = pages.drawn(total);
    if (drawn >= total) return;
    const std::string label = what + " (" + std::to_string(total - drawn) + " more)";
    if (ImGui::Button(label.c_str(), ImVec2(0, tap_height()))) pages.shown += ListPages::kPage;
    mark(ui, name);
}

float tap_height() {
    return is_phone() ? std::max(44 * scale(), ImGui::GetFrameHeight()) : ImGui::GetFrameHeight();
}

bool tap_button(const char* label, float width) {
    return ImGui::Button(label, ImVec2(width, tap_height()));
}

void text_fitted(const std::string& text, float width, const ImVec4* color) {
    const ImVec2 full = ImGui::CalcTextSize(text.c_str());
    if (color) ImGui::PushStyleColor(ImGuiCol_Text, *color);
    if (full.x <= width) {
        ImGui::TextUnformatted(text.c_str());
    } else {
        // On the text baseline of the line, as TextUnformatted() draws it
        // (lower beside a button), so cut and whole texts of a row line up.
        ImVec2 min = ImGui::GetCursorScreenPos();
        min.y += ImGui::GetCurrentWindow()->DC.CurrLineTextBaseOffset;
        const ImVec2 max(min.x + width, min.y + ImGui::GetTextLineHeight());
        ImGui::Dummy(ImVec2(width, ImGui::GetTextLineHeight()));
        ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), min, max, max.x, max.x, text.c_str(),
                                  nullptr, &full);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
    }
    if (color) ImGui::PopStyleColor();
}

void text_in_lines(const std::string& text, float width, int lines, const ImVec4* color) {
    ImFont* font = ImGui::GetFont();
    const float font_scale = ImGui::GetFontSize() / font->FontSize;
    const char* at = text.c_str();
    const char* end = at + text.size();
    const float x = ImGui::GetCursorPosX(); // each line starts where the first did
    for (int line = 1; line < lines && ImGui::CalcTextSize(at, end).x > width; ++line) {
        const char* wrap = font->CalcWordWrapPositionA(font_scale, at, end, width);
        if (wrap == at) break; // one word wider than the line: cut it below
        if (color) ImGui::PushStyleColor(ImGuiCol_Text, *color);
        ImGui::TextUnformatted(at, wrap);
        if (color) ImGui::PopStyleColor();
        at = wrap;
        while (at < end && *at == ' ')
            ++at;
        ImGui::SetCursorPosX(x);
    }
    text_fitted(std::string(at, end), width, color);
}

std::string fitted_label(const std::string& text, const std::string& tail, float width) {
    const auto fits = [&](const std::string& label) {
        return ImGui::CalcTextSize(label.c_str()).x <= width;
    };
    if (fits(text + tail)) return text + tail;
    std::string cut = text;
    while (!cut.empty()) {
        while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
            cut.pop_back(); // a character's trailing bytes, then its first
        if (!cut.empty()) cut.pop_back();
        if (fits(cut + "…" + tail)) return cut + "…" + tail;
    }
    return "…" + tail;
}

bool begin_combo_fitted(const char* id, const std::string& preview, ImGuiComboFlags flags) {
    // The preview is drawn here, where BeginCombo() would clip it: ImGui's
    // own ellipsis, in the box left of the arrow, on the combo's window.
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const float text_end =
        min.x + ImGui::CalcItemWidth() - ImGui::GetFrameHeight() - style.FramePadding.x;
    ImDrawList* draw_list = ImGui::GetWindowDrawList();
    const bool open = ImGui::BeginCombo(id, nullptr, flags);
    const ImVec2 text_min(min.x + style.FramePadding.x, min.y + style.FramePadding.y);
    const ImVec2 text_max(text_end, min.y + ImGui::GetFrameHeight());
    ImGui::RenderTextEllipsis(draw_list, text_min, text_max, text_end, text_end, preview.c_str(),
                              nullptr, nullptr);
    return open;
}

float scale() {
    return ImGui::GetFontSize() / 16.0f;
}

// A row of buttons, the chosen one tinted; true when another was chosen.
bool choice_button(UiState& ui, const std::string& label, bool chosen, const std::string& name,
                   bool first) {
    if (!first) same_line_if_fits(label.c_str());
    if (chosen) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.86f, 0.91f, 1.0f, 1));
        ImGui::PushStyleColor(ImGuiCol_Text, colors::kAccentV);
    }
    const bool clicked = ImGui::Button(label.c_str(), ImVec2(0, tap_height()));
    if (chosen) ImGui::PopStyleColor(2);
    mark(ui, name);
    return clicked && !chosen;
}

} // namespace crm::web

namespace crm::web {

bool dialog_escape(bool& popup_was_open) {
    const bool pressed = ImGui::IsKeyPressed(ImGuiKey_Escape, false) && !popup_was_open;
    popup_was_open = ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId);
    return pressed;
}

void same_line_if_fits(float width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right)
        ImGui::SameLine();
}

void same_line_if_fits(const char* label) {
    same_line_if_fits(ImGui::CalcTextSize(label, nullptr, true).x +
                      ImGui::GetStyle().FramePadding.x * 2);
}

const ImVec4& notice_color(const UiState& ui) {
    return ui.notice_warns() ? colors::kWarning : colors::kSuccess;
}

} // namespace crm::web
