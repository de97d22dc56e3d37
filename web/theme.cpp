#include "theme.hpp"

#include "font_ranges.hpp"

namespace crm::web {

namespace {

constexpr const char* kInterRegular = "/fonts/Inter-Regular.otf";
constexpr const char* kInterSemiBold = "/fonts/Inter-SemiBold.otf";
constexpr const char* kDejaVu = "/fonts/DejaVuSans.ttf";

// Latin with extensions (Zoë, Łukasz), Greek, Cyrillic (Дмитрий), punctuation
// such as – and …, currency signs and a few arrows and check marks: the
// characters the embedded fonts hold (FONT_RANGES in web/CMakeLists.txt).
const ImWchar kRanges[] = {CRM_FONT_RANGES};

// `scale`: device pixels per CSS pixel. Glyphs drawn at twice the size and
// more gain nothing visible from sub-pixel positions, and rasterising them
// without is a third quicker, on the first frame a phone draws.
ImFont* add_font(const char* path, float size, float scale) {
    ImGuiIO& io = ImGui::GetIO();
    ImFontConfig config;
    config.OversampleH = scale >= 2 ? 1 : 2;
    config.OversampleV = 1;
    ImFont* font = io.Fonts->AddFontFromFileTTF(path, size, &config, kRanges);
    if (!font) return nullptr;
    // DejaVu, cut down to them at build time, fills in the glyphs Inter lacks.
    ImFontConfig merge;
    merge.MergeMode = true;
    merge.OversampleH = config.OversampleH;
    io.Fonts->AddFontFromFileTTF(kDejaVu, size, &merge, kRanges);
    return font;
}

} // namespace

Fonts load_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    Fonts fonts;
    fonts.body = add_font(kInterRegular, 16.0f * scale, scale);
    fonts.strong = add_font(kInterSemiBold, 16.0f * scale, scale);
    fonts.heading = add_font(kInterSemiBold, 22.0f * scale, scale);
    if (!fonts.body) fonts.body = io.Fonts->AddFontDefault();
    io.FontDefault = fonts.body;
    return fonts;
}

ImFont* strong_font() {
    auto& fonts = ImGui::GetIO().Fonts->Fonts;
    return fonts.Size > 1 ? fonts[1] : ImGui::GetFont();
}

ImFont* heading_font() {
    auto& fonts = ImGui::GetIO().Fonts->Fonts;
    return fonts.Size > 2 ? fonts[2] : ImGui::GetFont();
}

void apply_theme(float scale, bool touch_sized) {
    ImGuiStyle style;
    ImGui::StyleColorsLight(&style);
    style.WindowPadding = ImVec2(16, 14);
    style.FramePadding = ImVec2(10, 7);
    style.ItemSpacing = ImVec2(10, 8);
    style.ItemInnerSpacing = ImVec2(8, 6);
    style.CellPadding = ImVec2(10, 7);
    style.ScrollbarSize = 14;
    style.WindowRounding = 0;
    style.FrameRounding = 6;
    style.PopupRounding = 6;
    style.GrabRounding = 6;
    style.ScrollbarRounding = 8;
    style.WindowBorderSize = 0;
    style.FrameBorderSize = 1;
    ImVec4* c = style.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 0);
    c[ImGuiCol_Text] = ImVec4(0.09f, 0.11f, 0.15f, 1);
    c[ImGuiCol_TextDisabled] = colors::kMuted;
    c[ImGuiCol_Border] = ImVec4(0.85f, 0.87f, 0.90f, 1);
    c[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.96f, 0.97f, 0.99f, 1);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.93f, 0.95f, 0.99f, 1);
    c[ImGuiCol_Button] = ImVec4(0.95f, 0.96f, 0.97f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.90f, 0.92f, 0.95f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.85f, 0.88f, 0.93f, 1);
    c[ImGuiCol_Header] = ImVec4(0.86f, 0.91f, 0.99f, 1);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.92f, 0.95f, 1.0f, 1);
    c[ImGuiCol_HeaderActive] = ImVec4(0.82f, 0.88f, 0.99f, 1);
    c[ImGuiCol_TableHeaderBg] = ImVec4(0.97f, 0.98f, 0.99f, 1);
    c[ImGuiCol_TableBorderLight] = ImVec4(0.91f, 0.92f, 0.94f, 1);
    c[ImGuiCol_TableBorderStrong] = ImVec4(0.86f, 0.88f, 0.91f, 1);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(0.985f, 0.988f, 0.992f, 1);
    c[ImGuiCol_CheckMark] = colors::kAccentV;
    c[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0.1f, 0.12f, 0.16f, 0.35f);
    if (touch_sized) {
        style.FramePadding = ImVec2(12, 14);
        style.ItemSpacing = ImVec2(10, 10);
        style.ScrollbarSize = 6; // scrolling is by finger; the bar only shows where
        style.TouchExtraPadding = ImVec2(4, 4);
    }
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
}

} // namespace crm::web
