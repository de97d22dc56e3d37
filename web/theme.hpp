// Look and feel: fonts (embedded Inter + DejaVu for wider coverage), colours,
// spacing. Everything is sized in device pixels, scaled by the pixel ratio.
#pragma once

#include <imgui.h>

namespace crm::web {

struct Fonts {
    ImFont* body = nullptr;
    ImFont* strong = nullptr;
    ImFont* heading = nullptr;
};

Fonts load_fonts(float scale);
// The fonts load_fonts() added, in its order: body, strong, heading.
ImFont* strong_font();
ImFont* heading_font();
// `touch_sized`: frames and spacing big enough for fingers (44 CSS px targets).
void apply_theme(float scale, bool touch_sized);

namespace colors {
inline constexpr ImU32 kAccent = IM_COL32(37, 99, 235, 255);
inline const ImVec4 kAccentV{0.145f, 0.388f, 0.922f, 1.0f};
inline const ImVec4 kMuted{0.42f, 0.45f, 0.50f, 1.0f};
inline const ImVec4 kDanger{0.80f, 0.15f, 0.15f, 1.0f};
inline const ImVec4 kSuccess{0.10f, 0.55f, 0.30f, 1.0f};
inline const ImVec4 kWarning{0.70f, 0.45f, 0.05f, 1.0f};
inline const ImVec4 kTopBarMuted{0.65f, 0.70f, 0.78f, 1.0f};
inline constexpr ImU32 kSidebar = IM_COL32(241, 245, 249, 255);
inline constexpr ImU32 kBanner = IM_COL32(254, 243, 199, 255);
} // namespace colors

} // namespace crm::web
