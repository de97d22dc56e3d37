// Reports: the team's KPIs worked out from what the workspace keeps (each
// record's stage history, its fields and dates, activities, SLA clocks, the
// exception queues), filtered and grouped. docs/reports.md defines every
// metric exactly; the dashboards and `crm report` show the same numbers.
#pragma once

#include "model/workspace.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm {

struct ReportFilter {
    // Days in the workspace calendar's time zone, both included; none: no bound.
    std::optional<CivilDate> from, to;
    std::string owner; // user id: their records only
    std::string team;  // team id: records its members own
    std::string flow;  // records in this flow; the flow a stage metric reads
    std::vector<std::pair<std::string, std::string>> where; // field id = value as text
};

struct ReportQuery {
    std::string metric;
    std::string by; // "" (the metric's own rows), "owner", "team", "month" or a field id
    ReportFilter filter;
};

struct ReportRow {
    std::string key;                  // "proposal_sent", "u-ana", "2026-11", "" for not set
    std::string label;                // "Proposal sent", "Ana Reyes", "Nov 2026", "Not set"
    std::optional<double> value;      // none when there is nothing to measure
    std::size_t count = 0;            // how many things stand behind the value
    std::vector<std::string> records; // the records behind it, each once
};

enum class MetricUnit { Hours, Days, Fraction, Money, Count, Score, Percent, PerWeek };

struct MetricInfo {
    std::string name;  // "win_rate"
    std::string title; // "Win rate"
    MetricUnit unit;
    std::string counts;     // what `count` counts: "deals closed"
    std::string count_one;  // the same for one: "deal closed"
    std::string rows;       // what the rows are when not grouped: "Close month"
    std::string definition; // one paragraph, as docs/reports.md has it
};

struct Report {
    std::string metric;
    std::vector<ReportRow> rows;
    std::optional<double> total; // over every row (not always their sum: a median, a rate)
    std::size_t count = 0;
    std::vector<std::string> records; // every record behind the total
    std::string highlight;            // the row that stands out: time in stage's bottleneck
    std::vector<std::string> notes;   // what was left out and why, in words
};

// Every metric, in the order `crm report --list` and the docs give them.
const std::vector<MetricInfo>& metric_catalog();
const MetricInfo* metric_info(std::string_view name);

// The metric over what `viewer` may see, at `now`. Refuses an unknown metric,
// user, team, flow or field, and a period that ends before it starts.
Result<Report> run_report(const Workspace& workspace, const std::string& viewer,
                          const ReportQuery& query, Instant now);

// The user, team and flow a filter names: an error for one the workspace does
// not hold (`crm report` exits 1 for these; its other mistakes exit 2).
Status check_report_names(const Workspace& workspace, const ReportFilter& filter);

// Rows by month for every month from `from` to `to`, those the report has
// no row for at 0 (a chart over time shows the quiet months too). For
// reports grouped by month ("2026-11"); other rows are left out.
std::vector<ReportRow> rows_for_every_month(const Report& report, CivilDate from, CivilDate to);

// "42%", "3.5 days", "USD 12,000", "4.2": a value as a person reads it.
std::string format_metric_value(const MetricInfo& metric, double value,
                                const std::string& currency);

// The report as a spreadsheet: a header, one row per report row, the total last.
std::string report_csv(const Report& report, const std::string& currency);

} // namespace crm
