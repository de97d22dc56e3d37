#include "views/charts.hpp"

#include "theme.hpp"
#include "widgets.hpp"

#include <algorithm>
#include <cmath>

namespace crm::web {

namespace {

constexpr ImU32 kBar = IM_COL32(59, 130, 246, 255);
constexpr ImU32 kBarHovered = IM_COL32(37, 99, 235, 255);
constexpr ImU32 kHighlight = IM_COL32(217, 119, 6, 255);
constexpr ImU32 kSecond = IM_COL32(30, 64, 175, 255);
constexpr ImU32 kGrid = IM_COL32(226, 232, 240, 255);
constexpr ImU32 kAxisText = IM_COL32(100, 116, 139, 255);
constexpr ImU32 kText = IM_COL32(30, 41, 59, 255);

// A value axis from 0 to a round number above `largest`, in about four steps.
struct ValueAxis {
    double top = 1, step = 1;
};

ValueAxis value_axis(double largest) {
    if (!(largest > 0)) return {};
    const double raw = largest / 4;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double fraction = raw / magnitude;
    const double step = (fraction <= 1   ? 1
                         : fraction <= 2 ? 2
                         : fraction <= 5 ? 5
                                         : 10) *
                        magnitude;
    return {std::ceil(largest / step - 1e-9) * step, step};
}

double largest_of(const std::vector<ChartBar>& bars) {
    double largest = 0;
    for (const auto& bar : bars)
        largest = std::max({largest, bar.value, bar.second});
    return largest;
}

// The bar's button: hover shows its exact values, a click picks it.
bool bar_button(UiState& ui, const std::string& id, int index, ImVec2 min, ImVec2 max,
                const ChartBar& bar, bool& hovered) {
    ImGui::SetCursorScreenPos(min);
    ImGui::PushID(index);
    const bool clicked = ImGui::InvisibleButton(
        "##bar", ImVec2(std::max(1.0f, max.x - min.x), std::max(1.0f, max.y - min.y)));
    ImGui::PopID();
    hovered = ImGui::IsItemHovered();
    mark(ui, id + "-" + std::to_string(index));
    if (hovered) {
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        ImGui::SetTooltip("%s\n(click to see the records)", bar.tooltip.c_str());
    }
    return clicked;
}

float text_width(const std::string& text) {
    return ImGui::CalcTextSize(text.c_str()).x;
}

// Text cut to `width` with an ellipsis.
void text_clipped(ImDrawList* draw, ImVec2 at, float width, ImU32 color, const std::string& text) {
    if (text_width(text) <= width) {
        draw->AddText(at, color, text.c_str());
        return;
    }
    std::string cut = text;
    while (!cut.empty() && text_width(cut + "…") > width)
        cut.pop_back();
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
        cut.pop_back(); // never half a UTF-8 character
    if (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0x80)) cut.pop_back();
    draw->AddText(at, color, (cut + "…").c_str());
}

// Where a chart draws: its corner and size, the draw list, a text line's
// height and the scale of one CSS pixel.
struct Frame {
    ImVec2 origin;
    float width, height;
    ImDrawList* draw;
    float line, s;
};

Frame begin_chart(float height) {
    const float line = ImGui::GetTextLineHeight();
    return {ImGui::GetCursorScreenPos(),
            ImGui::GetContentRegionAvail().x,
            height,
            ImGui::GetWindowDrawList(),
            line,
            line / 16.0f};
}

void end_chart(const Frame& frame) {
    ImGui::SetCursorScreenPos(frame.origin);
    ImGui::Dummy(ImVec2(frame.width, frame.height));
}

} // namespace

int draw_bar_chart(UiState& ui, const std::string& id, const std::vector<ChartBar>& bars,
                   float height, const AxisText& axis) {
    const Frame frame = begin_chart(height);
    ImDrawList* draw = frame.draw;
    const float line = frame.line, s = frame.s;
    float label_width = 0, value_width = 0;
    for (const auto& bar : bars) {
        label_width = std::max(label_width, text_width(bar.label));
        value_width = std::max(value_width, text_width(bar.value_text));
    }
    label_width = std::min(label_width + 10 * s, frame.width * 0.38f);
    value_width += 8 * s;
    const float axis_height = line + 6 * s;
    const float left = frame.origin.x + label_width;
    const float plot_width = std::max(20.0f, frame.width - label_width - value_width);
    const float plot_height = frame.height - axis_height;
    const ValueAxis scale_axis = value_axis(largest_of(bars));
    for (double tick = 0; tick <= scale_axis.top + 1e-9; tick += scale_axis.step) {
        const float x = left + static_cast<float>(tick / scale_axis.top) * plot_width;
        draw->AddLine(ImVec2(x, frame.origin.y), ImVec2(x, frame.origin.y + plot_height), kGrid);
        const std::string text = axis(tick);
        draw->AddText(
            ImVec2(std::min(x - text_width(text) / 2, left + plot_width - text_width(text)),
                   frame.origin.y + plot_height + 4 * s),
            kAxisText, text.c_str());
    }
    const float row = bars.empty() ? 0 : plot_height / static_cast<float>(bars.size());
    const float thickness = std::min(row * 0.7f, line * 1.6f);
    int picked = -1;
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const ChartBar& bar = bars[i];
        const float middle = frame.origin.y + row * (static_cast<float>(i) + 0.5f);
        const float length = static_cast<float>(bar.value / scale_axis.top) * plot_width;
        text_clipped(draw, ImVec2(frame.origin.x, middle - line / 2), label_width - 8 * s, kText,
                     bar.label);
        bool hovered = false;
        if (bar_button(ui, id, static_cast<int>(i), ImVec2(frame.origin.x, middle - row / 2),
                       ImVec2(left + plot_width + value_width, middle + row / 2), bar, hovered))
            picked = static_cast<int>(i);
        draw->AddRectFilled(ImVec2(left, middle - thickness / 2),
                            ImVec2(left + std::max(length, 2.0f), middle + thickness / 2),
                            bar.highlight ? kHighlight
                            : hovered     ? kBarHovered
                                          : kBar,
                            3 * s);
        draw->AddText(ImVec2(left + length + 6 * s, middle - line / 2),
                      bar.highlight ? kHighlight : kText, bar.value_text.c_str());
    }
    end_chart(frame);
    return picked;
}

namespace {

// The value axis on the left of a column or line chart: its width, and the
// ticks drawn as grid lines across the plot.
float draw_value_axis(ImDrawList* draw, const Frame& frame, const ValueAxis& scale_axis,
                      float plot_height, const AxisText& axis) {
    const float s = ImGui::GetTextLineHeight() / 16.0f;
    float width = 0;
    for (double tick = 0; tick <= scale_axis.top + 1e-9; tick += scale_axis.step)
        width = std::max(width, text_width(axis(tick)));
    width += 8 * s;
    const float line = ImGui::GetTextLineHeight();
    for (double tick = 0; tick <= scale_axis.top + 1e-9; tick += scale_axis.step) {
        const float y = frame.origin.y + line / 2 +
                        plot_height * (1 - static_cast<float>(tick / scale_axis.top));
        draw->AddLine(ImVec2(frame.origin.x + width, y), ImVec2(frame.origin.x + frame.width, y),
                      kGrid);
        const std::string text = axis(tick);
        draw->AddText(ImVec2(frame.origin.x + width - 6 * s - text_width(text), y - line / 2),
                      kAxisText, text.c_str());
    }
    return width;
}

// Labels under the columns, every other one when they would touch.
void draw_category_labels(ImDrawList* draw, const std::vector<ChartBar>& bars, float left,
                          float slot, float y) {
    float widest = 0;
    for (const auto& bar : bars)
        widest = std::max(widest, text_width(bar.label));
    const std::size_t every =
        widest + 6 > slot ? static_cast<std::size_t>(std::ceil((widest + 6) / std::max(slot, 1.0f)))
                          : 1;
    for (std::size_t i = 0; i < bars.size(); i += every) {
        const float middle = left + slot * (static_cast<float>(i) + 0.5f);
        const float width = std::min(text_width(bars[i].label), slot * static_cast<float>(every));
        text_clipped(draw, ImVec2(middle - width / 2, y), slot * static_cast<float>(every),
                     kAxisText, bars[i].label);
    }
}

void draw_legend(ImDrawList* draw, ImVec2 at, const std::string& first, const std::string& second) {
    const float line = ImGui::GetTextLineHeight();
    const float box = line * 0.7f;
    float x = at.x;
    for (const auto& [label, color] : {std::pair{first, kBar}, std::pair{second, kSecond}}) {
        draw->AddRectFilled(ImVec2(x, at.y + (line - box) / 2),
                            ImVec2(x + box, at.y + (line + box) / 2), color, 2);
        draw->AddText(ImVec2(x + box + 4, at.y), kText, label.c_str());
        x += box + 4 + text_width(label) + line;
    }
}

} // namespace

int draw_column_chart(UiState& ui, const std::string& id, const std::vector<ChartBar>& columns,
                      float height, const AxisText& axis, const std::string& first_label,
                      const std::string& second_label) {
    const Frame frame = begin_chart(height);
    ImDrawList* draw = frame.draw;
    const float line = frame.line, s = frame.s;
    const bool legend = !second_label.empty();
    const float bottom = line + 6 * s + (legend ? line + 6 * s : 0);
    const float plot_height = frame.height - bottom - line; // room for the value above the tallest
    const ValueAxis scale_axis = value_axis(largest_of(columns));
    const float axis_width = draw_value_axis(draw, frame, scale_axis, plot_height, axis);
    const float left = frame.origin.x + axis_width;
    const float base = frame.origin.y + line / 2 + plot_height;
    const float slot =
        columns.empty() ? 0 : (frame.width - axis_width) / static_cast<float>(columns.size());
    const float thickness = std::min(slot * 0.66f, 56 * s);
    int picked = -1;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const ChartBar& column = columns[i];
        const float middle = left + slot * (static_cast<float>(i) + 0.5f);
        const float top = base - static_cast<float>(column.value / scale_axis.top) * plot_height;
        bool hovered = false;
        if (bar_button(ui, id, static_cast<int>(i), ImVec2(middle - slot / 2, frame.origin.y),
                       ImVec2(middle + slot / 2, base), column, hovered))
            picked = static_cast<int>(i);
        draw->AddRectFilled(ImVec2(middle - thickness / 2, std::min(top, base - 2)),
                            ImVec2(middle + thickness / 2, base),
                            column.highlight ? kHighlight
                            : hovered        ? kBarHovered
                                             : kBar,
                            3 * s);
        if (legend) {
            const float inner =
                base - static_cast<float>(column.second / scale_axis.top) * plot_height;
            draw->AddRectFilled(ImVec2(middle - thickness / 4, inner),
                                ImVec2(middle + thickness / 4, base), kSecond, 2 * s);
        }
        if (text_width(column.value_text) <= slot)
            draw->AddText(ImVec2(middle - text_width(column.value_text) / 2, top - line - 2 * s),
                          kText, column.value_text.c_str());
    }
    draw_category_labels(draw, columns, left, slot, base + 4 * s);
    if (legend) draw_legend(draw, ImVec2(left, base + line + 10 * s), first_label, second_label);
    end_chart(frame);
    return picked;
}

int draw_line_chart(UiState& ui, const std::string& id, const std::vector<ChartBar>& points,
                    float height, const AxisText& axis) {
    const Frame frame = begin_chart(height);
    ImDrawList* draw = frame.draw;
    const float line = frame.line, s = frame.s;
    const float plot_height = frame.height - line - 6 * s - line;
    const ValueAxis scale_axis = value_axis(largest_of(points));
    const float axis_width = draw_value_axis(draw, frame, scale_axis, plot_height, axis);
    const float left = frame.origin.x + axis_width;
    const float base = frame.origin.y + line / 2 + plot_height;
    const float slot =
        points.empty() ? 0 : (frame.width - axis_width) / static_cast<float>(points.size());
    std::vector<ImVec2> at;
    for (std::size_t i = 0; i < points.size(); ++i)
        at.emplace_back(left + slot * (static_cast<float>(i) + 0.5f),
                        base - static_cast<float>(points[i].value / scale_axis.top) * plot_height);
    if (at.size() > 1) draw->AddPolyline(at.data(), static_cast<int>(at.size()), kBar, 0, 2.5f * s);
    int picked = -1;
    for (std::size_t i = 0; i < points.size(); ++i) {
        bool hovered = false;
        if (bar_button(ui, id, static_cast<int>(i), ImVec2(at[i].x - slot / 2, frame.origin.y),
                       ImVec2(at[i].x + slot / 2, base), points[i], hovered))
            picked = static_cast<int>(i);
        draw->AddCircleFilled(at[i], (hovered ? 6.0f : 4.5f) * s, hovered ? kBarHovered : kBar);
        if (points[i].value != 0 && text_width(points[i].value_text) <= slot)
            draw->AddText(
                ImVec2(at[i].x - text_width(points[i].value_text) / 2, at[i].y - line - 6 * s),
                kText, points[i].value_text.c_str());
    }
    draw_category_labels(draw, points, left, slot, base + 4 * s);
    end_chart(frame);
    return picked;
}

int draw_funnel_chart(UiState& ui, const std::string& id, const std::vector<ChartBar>& stages,
                      float height) {
    const Frame frame = begin_chart(height);
    ImDrawList* draw = frame.draw;
    const float line = frame.line, s = frame.s;
    float label_width = 0;
    for (const auto& stage : stages)
        label_width = std::max(label_width, text_width(stage.label));
    label_width = std::min(label_width + 10 * s, frame.width * 0.34f);
    const float left = frame.origin.x + label_width;
    const float plot_width = frame.width - label_width;
    const float row = stages.empty() ? 0 : frame.height / static_cast<float>(stages.size());
    const double largest = std::max(largest_of(stages), 1.0);
    int picked = -1;
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const ChartBar& stage = stages[i];
        const float middle_y = frame.origin.y + row * (static_cast<float>(i) + 0.5f);
        const float width = std::max(static_cast<float>(stage.value / largest) * plot_width, 4 * s);
        const float middle_x = left + plot_width / 2;
        text_clipped(draw, ImVec2(frame.origin.x, middle_y - line / 2), label_width - 8 * s, kText,
                     stage.label);
        bool hovered = false;
        if (bar_button(ui, id, static_cast<int>(i), ImVec2(frame.origin.x, middle_y - row / 2),
                       ImVec2(frame.origin.x + frame.width, middle_y + row / 2), stage, hovered))
            picked = static_cast<int>(i);
        const float half = std::min(row * 0.42f, line * 1.1f);
        draw->AddRectFilled(ImVec2(middle_x - width / 2, middle_y - half),
                            ImVec2(middle_x + width / 2, middle_y + half),
                            hovered ? kBarHovered : kBar, 3 * s);
        // Inside the bar when it fits, else beside it: right, or left at the edge.
        const float text = text_width(stage.value_text);
        const bool inside = text + 8 * s <= width;
        float x = middle_x - text / 2;
        if (!inside) {
            x = middle_x + width / 2 + 6 * s;
            if (x + text > frame.origin.x + frame.width) x = middle_x - width / 2 - 6 * s - text;
        }
        draw->AddText(ImVec2(x, middle_y - line / 2), inside ? IM_COL32(255, 255, 255, 255) : kText,
                      stage.value_text.c_str());
    }
    end_chart(frame);
    return picked;
}

} // namespace crm::web
