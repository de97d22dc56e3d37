// What the reports screen shows, for end-to-end tests: the dashboard's
// reports (rows with their records) and the records a click opened.
#include "app.hpp"

namespace crm::web {

using nlohmann::json;

json App::reports_json() const {
    const ReportsScreen& screen = m_ui.reports;
    json panels = json::object();
    for (const auto& [key, report] : screen.dashboard.value.shown) {
        json rows = json::array();
        for (const auto& row : report.rows)
            rows.push_back({{"key", row.key},
                            {"label", row.label},
                            {"value", row.value ? json(*row.value) : json(nullptr)},
                            {"count", row.count},
                            {"records", row.records}});
        panels[key] = {{"metric", report.metric},
                       {"total", report.total ? json(*report.total) : json(nullptr)},
                       {"count", report.count},
                       {"highlight", report.highlight},
                       {"rows", rows}};
    }
    return {{"from", format_date(screen.dashboard.value.from)},
            {"to", format_date(screen.dashboard.value.to)},
            {"team", screen.scope == ReportScope::Team},
            {"complete", screen.dashboard.value.complete()},
            {"panels", panels},
            {"drill_title", screen.drill_title},
            {"drill_ids", screen.drill_ids}};
}

} // namespace crm::web
