// The reports screen: a manager's team dashboard or anyone's own numbers over
// a period picked in local time. Key figures on top, then charts; every
// number and bar opens the records behind it, and every chart downloads as
// CSV. The numbers are the core's (report/metrics.hpp), worked out when the
// workspace, the person, the minute or a choice changes, never per frame.
#include "theme.hpp"
#include "views.hpp"
#include "views/charts.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"
#include "model/field_values.hpp"
#include "query/board.hpp"
#include "sla/clocks.hpp"
#include "util/local_time.hpp"

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace crm::web {

namespace {

// One report on the dashboard. `period`: the picked period applies (open
// deals are shown by when they should close, whatever the period);
// `team_only`: on the team's dashboard only.
struct Panel {
    const char* key;
    const char* metric;
    const char* by;
    bool period;
    bool team_only;
};

constexpr Panel kPanels[] = {
    {"revenue", "revenue", "", true, false},
    {"win_rate", "win_rate", "", true, false},
    {"pipeline_value", "pipeline_value", "", false, false},
    {"weighted_forecast", "weighted_forecast", "", false, false},
    {"sales_cycle", "sales_cycle", "", true, false},
    {"lead_response_time", "lead_response_time", "", true, false},
    {"first_response_sla", "first_response_sla", "", true, false},
    {"conversion_by_stage", "conversion_by_stage", "", true, false},
    {"time_in_stage", "time_in_stage", "", true, false},
    {"adoption", "adoption", "", true, false},
    {"csat", "csat", "", true, true},
    {"churn_rate", "churn_rate", "", true, true},
    {"win_rate_by_owner", "win_rate", "owner", true, true},
    {"revenue_per_customer", "revenue_per_customer", "", true, true},
    {"exceptions", "exceptions", "", false, true},
};

bool team_view(const ViewContext& view) {
    const User* me = view.workspace.directory.user(view.ui.user);
    return me && me->role != Role::Rep && view.ui.reports.scope == ReportScope::Team;
}

CivilDate first_of_month(CivilDate day) {
    return {day.year, day.month, 1};
}

CivilDate months_before(CivilDate first, int months) {
    int index = first.year * 12 + (first.month - 1) - months;
    return {index / 12, index % 12 + 1, 1};
}

// The period's first and last day, in the person's time zone.
std::pair<CivilDate, CivilDate> period_days(ReportPeriod period, CivilDate today) {
    const CivilDate month = first_of_month(today);
    switch (period) {
    case ReportPeriod::ThisMonth:
        return {month, today};
    case ReportPeriod::LastMonth:
        return {months_before(month, 1), add_days(month, -1)};
    case ReportPeriod::ThisQuarter:
        return {CivilDate{today.year, (today.month - 1) / 3 * 3 + 1, 1}, today};
    case ReportPeriod::LastSixMonths:
        return {months_before(month, 5), today};
    case ReportPeriod::ThisYear:
        return {CivilDate{today.year, 1, 1}, today};
    }
    return {month, today};
}

constexpr double kFrameBudgetMs = 12;

// What a card shows, shaped once when worked out rather than every frame:
// revenue for every month of the period (quiet ones at 0), customers with
// the largest first (the card draws the top ones; the CSV has them all).
Report shaped_for_card(const Panel& panel, Report report, const Dashboard& board) {
    const std::string key = panel.key;
    if (key == "revenue") report.rows = rows_for_every_month(report, board.from, board.to);
    if (key == "revenue_per_customer")
        std::stable_sort(report.rows.begin(), report.rows.end(),
                         [](const ReportRow& a, const ReportRow& b) {
                             return a.value.value_or(0) > b.value.value_or(0);
                         });
    return report;
}

// Works out panels until the frame's budget is spent (one at least); the
// rest follow on the next frames, the app drawing until all are done.
void work_out_panels(ViewContext& view, Dashboard& board, bool team) {
    const auto start = std::chrono::steady_clock::now();
    auto spent = [&] {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count();
    };
    for (; board.next_panel < std::size(kPanels); ++board.next_panel) {
        if (board.next_panel > 0 && spent() > kFrameBudgetMs) return;
        const Panel& panel = kPanels[board.next_panel];
        if (panel.team_only && !team) continue;
        ReportQuery query{panel.metric, panel.by, {}};
        if (panel.period) {
            query.filter.from = board.from;
            query.filter.to = board.to;
        }
        if (!team) query.filter.owner = view.ui.user;
        auto report = run_report(view.workspace, view.ui.user, query, view.now);
        if (report)
            board.shown.insert_or_assign(panel.key,
                                         shaped_for_card(panel, std::move(*report), board));
        else
            board.shown.erase(panel.key);
    }
}

const Dashboard& dashboard(ViewContext& view) {
    ReportsScreen& screen = view.ui.reports;
    const bool team = team_view(view);
    const std::string wanted =
        std::string(team ? "team|" : "mine|") + std::to_string(static_cast<int>(screen.period));
    auto& cache = screen.dashboard;
    Dashboard& board = cache.value;
    if (cache.refresh(view.version, view.ui.user, view.now) || screen.computed_for != wanted) {
        // Another period or person: nothing shown belongs to it. A change or
        // the minute: the figures shown stay until their update is ready.
        if (screen.computed_for != wanted) board.shown.clear();
        screen.computed_for = wanted;
        // Today where the team works: reports count days in the workspace
        // calendar's zone, so "this month" is the same month for everyone.
        std::tie(board.from, board.to) = period_days(
            screen.period, local_date(view.now, workspace_calendar(view.workspace).zone));
        board.next_panel = 0;
    }
    if (!board.complete()) work_out_panels(view, board, team);
    return board;
}

const Report* report_of(const Dashboard& board, const std::string& key) {
    const auto it = board.shown.find(key);
    return it == board.shown.end() ? nullptr : &it->second;
}

std::string value_text(const ViewContext& view, const std::string& metric,
                       std::optional<double> value) {
    const MetricInfo* info = metric_info(metric);
    if (!info || !value) return "–";
    return format_metric_value(*info, *value, view.workspace.currency);
}

// "USD 200k", "50%": short enough for an axis.
AxisText axis_for(const ViewContext& view, const std::string& metric) {
    const MetricInfo* info = metric_info(metric);
    const MetricUnit unit = info ? info->unit : MetricUnit::Count;
    const std::string currency = view.workspace.currency;
    return [unit, currency](double value) -> std::string {
        char text[48];
        if (unit == MetricUnit::Fraction) {
            std::snprintf(text, sizeof text, "%.0f%%", value * 100);
        } else if (unit == MetricUnit::Money) {
            if (value >= 1e6)
                std::snprintf(text, sizeof text, "%s %.3gM", currency.c_str(), value / 1e6);
            else if (value >= 1e3)
                std::snprintf(text, sizeof text, "%s %.0fk", currency.c_str(), value / 1e3);
            else
                std::snprintf(text, sizeof text, "%s %g", currency.c_str(), value);
        } else {
            std::snprintf(text, sizeof text, "%g", value);
        }
        return text;
    };
}

void show_records(ViewContext& view, const std::string& title,
                  const std::vector<std::string>& ids) {
    view.ui.reports.drill_title = title;
    view.ui.reports.drill_ids = ids;
}

std::string things(std::size_t count, const std::string& what) {
    return std::to_string(count) + " " + what;
}

// "1 deal won", "5 deals won".
std::string counted(std::size_t count, const MetricInfo& info) {
    return std::to_string(count) + " " + (count == 1 ? info.count_one : info.counts);
}

// ---- Key figures ------------------------------------------------------------

struct Tile {
    const char* panel;
    const char* label;
};

void draw_tile(ViewContext& view, const Dashboard& board, const Tile& tile, float width) {
    const Report* report = report_of(board, tile.panel);
    if (!report) return;
    const MetricInfo* info = metric_info(report->metric);
    const float s = scale();
    const float line = ImGui::GetTextLineHeight();
    ImFont* big = heading_font();
    const float figure_size = big->FontSize * 1.15f;
    const float pad = 12 * s;
    const float height = pad * 2 + line * 2 + figure_size + 8 * s;
    const ImVec2 top = ImGui::GetCursorScreenPos();
    ImGui::PushID(tile.panel);
    const bool clicked = ImGui::InvisibleButton("##tile", ImVec2(width, height));
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    mark(view.ui, std::string("tile-") + tile.panel);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(top, ImVec2(top.x + width, top.y + height),
                        hovered ? IM_COL32(239, 246, 255, 255) : IM_COL32(255, 255, 255, 255),
                        8 * s);
    draw->AddRect(top, ImVec2(top.x + width, top.y + height), IM_COL32(226, 232, 240, 255), 8 * s);
    draw->AddText(ImVec2(top.x + pad, top.y + pad), IM_COL32(100, 116, 139, 255), tile.label);
    const std::string figure = value_text(view, report->metric, report->total);
    // A long figure on a narrow tile gets smaller rather than spilling over.
    const float figure_width = big->CalcTextSizeA(figure_size, FLT_MAX, 0, figure.c_str()).x;
    const float fitted = std::min(figure_size, figure_size * (width - 2 * pad) / figure_width);
    draw->AddText(big, fitted,
                  ImVec2(top.x + pad, top.y + pad + line + 4 * s + (figure_size - fitted) / 2),
                  IM_COL32(15, 23, 42, 255), figure.c_str());
    const std::string under = info ? counted(report->count, *info) : "";
    draw->AddText(ImVec2(top.x + pad, top.y + height - pad - line), IM_COL32(100, 116, 139, 255),
                  under.c_str());
    if (hovered && info)
        ImGui::SetTooltip("%s: %s\n%s\n(click to see the records)", info->title.c_str(),
                          figure.c_str(), info->definition.c_str());
    if (clicked) show_records(view, std::string(tile.label) + ": " + figure, report->records);
}

void draw_tiles(ViewContext& view, const Dashboard& board) {
    static const Tile kTeamTiles[] = {
        {"revenue", "Revenue"},         {"win_rate", "Win rate"},
        {"pipeline_value", "Pipeline"}, {"weighted_forecast", "Weighted forecast"},
        {"sales_cycle", "Sales cycle"}, {"lead_response_time", "Lead response (median)"},
        {"csat", "Satisfaction (1-5)"}, {"churn_rate", "Churn rate"}};
    const float s = scale();
    const float width = ImGui::GetContentRegionAvail().x;
    const float spacing = 10 * s;
    const int columns = width > 520 * s ? 4 : 2;
    const float tile =
        (width - spacing * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    int placed = 0;
    for (const Tile& candidate : kTeamTiles) {
        if (!report_of(board, candidate.panel)) continue;
        if (placed % columns != 0) ImGui::SameLine(0, spacing);
        draw_tile(view, board, candidate, tile);
        ++placed;
    }
}

// ---- Chart cards ------------------------------------------------------------

float card_height() {
    return 300 * scale();
}

// A card's heading, its CSV download, and a muted line under it.
void card_heading(ViewContext& view, const Dashboard& board, const std::string& key,
                  const std::string& title, const std::string& subtitle) {
    const Report* report = report_of(board, key);
    const float s = scale();
    ImGui::PushFont(strong_font());
    ImGui::TextUnformatted(title.c_str());
    ImGui::PopFont();
    if (report) {
        const char* label = "CSV";
        const float button = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
        ImGui::SameLine(ImGui::GetContentRegionMax().x - button);
        ImGui::PushID(key.c_str());
        ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(6 * s, 1 * s));
        if (ImGui::SmallButton(label))
            download_text(report->metric + "_" + format_date(board.from) + "_" +
                              format_date(board.to) + ".csv",
                          report_csv(*report, view.workspace.currency));
        ImGui::PopStyleVar();
        ImGui::PopID();
        mark(view.ui, "csv-" + key);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Download this report as CSV");
    }
    text_colored_wrapped(colors::kMuted, subtitle);
    // What the figure leaves out (other currencies, off-scale scores), in words.
    if (report && !report->notes.empty()) {
        std::string notes;
        for (const auto& note : report->notes)
            notes += (notes.empty() ? "" : "; ") + note;
        text_fitted(notes, ImGui::GetContentRegionAvail().x, &colors::kWarning);
    }
}

// A white card; end it with end_card() whatever ImGui says of its visibility.
void begin_card(const std::string& key, float width) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1, 1, 1, 1));
    ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0.886f, 0.91f, 0.94f, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 8 * scale());
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12 * scale(), 10 * scale()));
    ImGui::BeginChild(("##card-" + key).c_str(), ImVec2(width, card_height()),
                      ImGuiChildFlags_Border, ImGuiWindowFlags_NoScrollbar);
}

void end_card() {
    ImGui::EndChild();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor(2);
}

// What is left of the card for its chart.
float chart_height() {
    return std::max(80.0f, ImGui::GetContentRegionAvail().y - 4 * scale());
}

// The report's first `most` rows as bars.
std::vector<ChartBar> bars_of(const ViewContext& view, const Report& report,
                              const std::string& what, std::size_t most = SIZE_MAX) {
    const MetricInfo* info = metric_info(report.metric);
    std::vector<ChartBar> bars;
    for (const auto& row : report.rows) {
        if (bars.size() == most) break;
        ChartBar bar;
        bar.label = row.label;
        bar.value = row.value.value_or(0);
        // Money on a bar is short ("USD 234k"); the tooltip has it exactly.
        const std::string exact = value_text(view, report.metric, row.value);
        bar.value_text = info && info->unit == MetricUnit::Money && row.value
                             ? axis_for(view, report.metric)(*row.value)
                             : exact;
        bar.tooltip = row.label + ": " + exact + " (" +
                      (info ? counted(row.count, *info) : things(row.count, what)) + ")";
        bar.highlight = !report.highlight.empty() && row.key == report.highlight;
        bars.push_back(std::move(bar));
    }
    return bars;
}

void open_row(ViewContext& view, const Report& report, int picked, const std::string& title) {
    if (picked < 0 || picked >= static_cast<int>(report.rows.size())) return;
    const ReportRow& row = report.rows[static_cast<std::size_t>(picked)];
    show_records(view, title + ": " + row.label, row.records);
}

void draw_revenue_card(ViewContext& view, const Dashboard& board, float width) {
    const Report* revenue = report_of(board, "revenue");
    if (!revenue) return;
    begin_card("revenue", width);
    card_heading(view, board, "revenue", "Revenue by month",
                 "Won deals, " + view.workspace.currency + ", by the month they closed");
    const int picked =
        draw_line_chart(view.ui, "chart-revenue", bars_of(view, *revenue, "deals won"),
                        chart_height(), axis_for(view, "revenue"));
    open_row(view, *revenue, picked, "Revenue");
    end_card();
}

void draw_pipeline_card(ViewContext& view, const Dashboard& board, float width) {
    const Report* pipeline = report_of(board, "pipeline_value");
    const Report* weighted = report_of(board, "weighted_forecast");
    if (!pipeline || !weighted) return;
    begin_card("pipeline", width);
    card_heading(view, board, "pipeline_value", "Pipeline by expected close",
                 "Open deals: their amount, and weighted by probability");
    std::vector<ChartBar> bars = bars_of(view, *pipeline, "open deals");
    // By month, not by position: the two reports may be a frame apart.
    for (std::size_t i = 0; i < bars.size(); ++i)
        for (const auto& row : weighted->rows)
            if (row.key == pipeline->rows[i].key) {
                bars[i].second = row.value.value_or(0);
                bars[i].tooltip +=
                    "\nWeighted: " + value_text(view, "weighted_forecast", row.value);
            }
    const int picked = draw_column_chart(view.ui, "chart-pipeline", bars, chart_height(),
                                         axis_for(view, "pipeline_value"), "Amount", "Weighted");
    open_row(view, *pipeline, picked, "Pipeline");
    end_card();
}

void draw_funnel_card(ViewContext& view, const Dashboard& board, float width) {
    const Report* funnel = report_of(board, "conversion_by_stage");
    if (!funnel) return;
    begin_card("funnel", width);
    card_heading(view, board, "conversion_by_stage", "Conversion funnel",
                 "Deals that reached each stage · the share that went on; won " +
                     value_text(view, funnel->metric, funnel->total));
    std::vector<ChartBar> stages;
    for (const auto& row : funnel->rows) {
        const std::string on = value_text(view, funnel->metric, row.value);
        stages.push_back({row.label, static_cast<double>(row.count),
                          std::to_string(row.count) + " · " + on,
                          row.label + ": " + std::to_string(row.count) + " reached it, " + on +
                              " of them went on to the next stage",
                          false, 0});
    }
    const int picked = draw_funnel_chart(view.ui, "chart-funnel", stages, chart_height());
    open_row(view, *funnel, picked, "Reached");
    end_card();
}

void draw_stage_time_card(ViewContext& view, const Dashboard& board, float width) {
    const Report* stages = report_of(board, "time_in_stage");
    if (!stages) return;
    begin_card("stages", width);
    std::string bottleneck = "No stays in the period";
    for (const auto& row : stages->rows)
        if (row.key == stages->highlight)
            bottleneck = "Bottleneck: " + row.label + ", " +
                         value_text(view, stages->metric, row.value) + " on average";
    card_heading(view, board, "time_in_stage", "Time in stage", bottleneck);
    const int picked = draw_bar_chart(view.ui, "chart-stages", bars_of(view, *stages, "records"),
                                      chart_height(), axis_for(view, "time_in_stage"));
    open_row(view, *stages, picked, "Time in stage");
    end_card();
}

void draw_response_card(ViewContext& view, const Dashboard& board, float width) {
    const Report* response = report_of(board, "lead_response_time");
    if (!response) return;
    begin_card("response", width);
    card_heading(view, board, "lead_response_time", "Lead response time",
                 "Leads by time to first call, email or meeting; median " +
                     value_text(view, response->metric, response->total));
    std::vector<ChartBar> buckets;
    for (const auto& row : response->rows)
        buckets.push_back({row.label, static_cast<double>(row.count), std::to_string(row.count),
                           row.label + ": " + things(row.count, "leads"), row.key == "none", 0});
    const int picked = draw_column_chart(view.ui, "chart-response", buckets, chart_height(),
                                         axis_for(view, "exceptions"));
    open_row(view, *response, picked, "Lead response");
    end_card();
}

void draw_bars_card(ViewContext& view, const Dashboard& board, float width, const char* key,
                    const std::string& title, const std::string& subtitle) {
    const Report* report = report_of(board, key);
    if (!report) return;
    begin_card(key, width);
    card_heading(view, board, key, title, subtitle);
    const MetricInfo* info = metric_info(report->metric);
    if (report->rows.empty()) text_colored_wrapped(colors::kMuted, "Nothing in this period.");
    // About eight bars fit a card; the CSV has every row.
    const int picked = draw_bar_chart(view.ui, std::string("chart-") + key,
                                      bars_of(view, *report, info ? info->counts : "", 8),
                                      chart_height(), axis_for(view, report->metric));
    open_row(view, *report, picked, title);
    end_card();
}

void draw_cards(ViewContext& view, const Dashboard& board) {
    const float s = scale();
    const float width = ImGui::GetContentRegionAvail().x;
    const float spacing = 12 * s;
    const int columns = width >= 760 * s ? 2 : 1;
    const float card =
        (width - spacing * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    int placed = 0;
    auto next = [&] {
        if (placed++ % columns != 0) ImGui::SameLine(0, spacing);
    };
    const bool team = team_view(view);
    next(), draw_revenue_card(view, board, card);
    next(), draw_funnel_card(view, board, card);
    next(), draw_stage_time_card(view, board, card);
    next(), draw_pipeline_card(view, board, card);
    next(), draw_response_card(view, board, card);
    if (team) {
        next(), draw_bars_card(view, board, card, "win_rate_by_owner", "Win rate by rep",
                               "Won / (won + lost), deals closed in the period");
    }
    next(), draw_bars_card(view, board, card, "adoption", "Activities per week",
                           "Calls, emails, meetings and notes logged");
    if (team) {
        next(), draw_bars_card(view, board, card, "exceptions", "Exceptions now",
                               "What waits in the exception queues, by kind");
        next(), draw_bars_card(view, board, card, "revenue_per_customer", "Revenue per customer",
                               "Won in the period: the top companies");
    }
}

// ---- The records behind a number --------------------------------------------

void draw_drill_down(ViewContext& view) {
    ReportsScreen& screen = view.ui.reports;
    if (ImGui::Button("< Dashboard", ImVec2(0, tap_height()))) {
        screen.drill_title.clear();
        screen.drill_ids.clear();
        return;
    }
    mark(view.ui, "drill-back");
    ImGui::PushFont(strong_font());
    ImGui::TextWrapped("%s", screen.drill_title.c_str());
    ImGui::PopFont();
    text_colored_wrapped(colors::kMuted,
                         things(screen.drill_ids.size(), "records") +
                             (screen.drill_ids.empty() ? "" : " · tap one to open it"));
    const Workspace& ws = view.workspace;
    draw_record_rows(view, screen.drill_ids, "drill-row", [&](std::size_t row) {
        const Record* record = ws.find(screen.drill_ids[row]);
        if (!record) return std::string("deleted since");
        const RecordTypeDef* type = ws.schema.type(record->type);
        const User* owner = ws.directory.user(record->owner);
        std::string detail =
            (type ? type->label : record->type) + " · " + (owner ? owner->name : "Unassigned");
        // A deal's amount and stage: what a manager looks for in the list.
        const FieldDef* amount = type ? value_field(*type) : nullptr;
        if (amount && record->has_value(amount->id))
            detail += " · " + format_field_value(*amount, record->value(amount->id));
        const FieldDef* stage = type ? type->field("stage") : nullptr;
        if (stage && record->has_value(stage->id))
            detail += " · " + format_field_value(*stage, record->value(stage->id));
        return detail;
    });
}

// ---- Choices ------------------------------------------------------------------

void draw_choices(ViewContext& view, const Dashboard& board) {
    ReportsScreen& screen = view.ui.reports;
    const User* me = view.workspace.directory.user(view.ui.user);
    if (me && me->role != Role::Rep) {
        if (choice_button(view.ui, "Team", screen.scope == ReportScope::Team, "reports-team", true))
            screen.scope = ReportScope::Team;
        if (choice_button(view.ui, "My numbers", screen.scope == ReportScope::Mine, "reports-mine"))
            screen.scope = ReportScope::Mine;
    }
    const struct {
        ReportPeriod period;
        const char* label;
        const char* name;
    } periods[] = {{ReportPeriod::ThisMonth, "This month", "period-month"},
                   {ReportPeriod::LastMonth, "Last month", "period-last-month"},
                   {ReportPeriod::ThisQuarter, "This quarter", "period-quarter"},
                   {ReportPeriod::LastSixMonths, "Last 6 months", "period-six-months"},
                   {ReportPeriod::ThisYear, "This year", "period-year"}};
    bool first = !me || me->role == Role::Rep;
    for (const auto& choice : periods) {
        if (choice_button(view.ui, choice.label, screen.period == choice.period, choice.name,
                          first))
            screen.period = choice.period;
        first = false;
    }
    text_colored_wrapped(colors::kMuted,
                         format_local_date(board.from, view.now, view.ui.zone) + " to " +
                             format_local_date(board.to, view.now, view.ui.zone) +
                             (team_view(view) ? " · the team's records" : " · your records"));
}

} // namespace

bool Dashboard::complete() const {
    return next_panel >= std::size(kPanels);
}

void draw_reports(ViewContext& view) {
    place_main_area(view.ui.form.open);
    ImGui::Begin("##reports", nullptr, kPanel);
    if (!is_phone()) {
        ImGui::PushFont(heading_font());
        ImGui::TextUnformatted("Reports");
        ImGui::PopFont();
    }
    if (!view.ui.reports.drill_title.empty()) {
        draw_drill_down(view);
        ImGui::End();
        return;
    }
    const Dashboard& board = dashboard(view);
    draw_choices(view, board);
    ImGui::Spacing();
    draw_tiles(view, board);
    ImGui::Spacing();
    draw_cards(view, board);
    ImGui::End();
}

} // namespace crm::web
