// What the reports screen shows, for end-to-end tests: the dashboard's
// reports (rows with their records) and the records a click opened.
#include "app.hpp"

#include "io/report_json.hpp"

namespace crm::web {

using nlohmann::json;

json App::reports_json() const {
    const ReportsScreen& screen = m_ui.reports;
    json panels = json::object();
    for (const auto& [key, report] : screen.dashboard.value.shown)
        panels[key] = json(report_to_json(report, true));
    return {{"from", format_date(screen.dashboard.value.from)},
            {"to", format_date(screen.dashboard.value.to)},
            {"team", screen.scope == ReportScope::Team},
            {"complete", reports_ready()},
            {"panels", panels},
            {"drill_title", screen.drill_title},
            {"drill_ids", screen.drill_ids}};
}

bool App::reports_ready() const {
    const auto& cache = m_ui.reports.dashboard;
    return m_ui.screen == Screen::Reports && cache.workspace_version == m_version &&
           cache.user == m_ui.user && cache.value.complete();
}

} // namespace crm::web
