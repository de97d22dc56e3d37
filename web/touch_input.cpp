#include "touch_input.hpp"

#include <imgui.h>

#include <cfloat>
#include <cmath>

namespace crm::web {

void TouchInput::handle(int phase, float x, float y) {
    ImGuiIO& io = ImGui::GetIO();
    const float threshold = 10.0f * ImGui::GetFontSize() / 16.0f; // about 10 CSS pixels
    io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
    switch (phase) {
    case 0:
        m_start_x = x;
        m_start_y = m_last_y = y;
        m_scrolling = false;
        io.AddMousePosEvent(x, y);
        break;
    case 1:
        if (!m_scrolling && std::hypot(x - m_start_x, y - m_start_y) > threshold)
            m_scrolling = true;
        if (m_scrolling) {
            // One wheel notch scrolls about five lines in ImGui.
            io.AddMouseWheelEvent(0.0f, (y - m_last_y) / (5.0f * ImGui::GetFontSize()));
            m_last_y = y;
        }
        break;
    case 2:
        if (!m_scrolling) {
            io.AddMousePosEvent(x, y);
            io.AddMouseButtonEvent(0, true);
            io.AddMouseButtonEvent(0, false);
        }
        lift_finger(io);
        break;
    default:
        lift_finger(io);
        break;
    }
}

// A lifted finger points at nothing: no hover colour or tooltip stays where
// it tapped. What comes next from the mouse is the mouse's again.
void TouchInput::lift_finger(ImGuiIO& io) {
    io.AddMousePosEvent(-FLT_MAX, -FLT_MAX);
    io.AddMouseSourceEvent(ImGuiMouseSource_Mouse);
    m_scrolling = false;
}

} // namespace crm::web
