// Charts drawn with ImGui draw lists: horizontal bars, columns (with an
// optional second series), a line, and a funnel. Each bar is a button: its
// tooltip holds the exact values, a click returns its index (the records
// behind it open), and it is marked "<id>-<index>" for end-to-end tests.
#pragma once

#include "ui_state.hpp"

#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

namespace crm::web {

struct ChartBar {
    std::string label;      // "Proposal sent", "Nov 2026"
    double value = 0;       // drawn
    std::string value_text; // "4.8 days": written beside or above it
    std::string tooltip;    // the exact values, in words
    bool highlight = false; // drawn in the warning colour (a bottleneck)
    double second = 0;      // a second series (weighted forecast), when the chart has one
};

// Axis labels: "USD 200k", "50%", "3 days".
using AxisText = std::function<std::string(double)>;

// Bars across, labels on the left; for stages, people, kinds.
int draw_bar_chart(UiState& ui, const std::string& id, const std::vector<ChartBar>& bars,
                   float height, const AxisText& axis);
// Columns up from a value axis, labels under them; for months and buckets.
// `second_label` set: each column also shows its `second` value, inside it,
// with a legend naming both series.
int draw_column_chart(UiState& ui, const std::string& id, const std::vector<ChartBar>& columns,
                      float height, const AxisText& axis, const std::string& first_label = "",
                      const std::string& second_label = "");
// Points joined by a line over months, with the value axis.
int draw_line_chart(UiState& ui, const std::string& id, const std::vector<ChartBar>& points,
                    float height, const AxisText& axis);
// Centred bars narrowing with each stage; their value is a count.
int draw_funnel_chart(UiState& ui, const std::string& id, const std::vector<ChartBar>& stages,
                      float height);

} // namespace crm::web
