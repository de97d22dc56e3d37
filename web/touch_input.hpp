// Turns touches into ImGui input: a tap is a click where the finger lifted,
// a drag past a small threshold scrolls whatever is under the finger.
#pragma once

struct ImGuiIO;

namespace crm::web {

class TouchInput {
  public:
    // Coordinates in canvas pixels. phase: 0 start, 1 move, 2 end, 3 cancel.
    void handle(int phase, float x, float y);

  private:
    void lift_finger(ImGuiIO& io);

    float m_start_x = 0, m_start_y = 0, m_last_y = 0;
    bool m_scrolling = false;
};

} // namespace crm::web
