// What each metric measures, one sample per thing it counts (a closed deal, a
// stay in a stage, a logged activity), before run_report() groups and adds
// them up. Internal to core/report.
#pragma once

#include "engine/permissions.hpp"
#include "model/workspace.hpp"
#include "report/metrics.hpp"
#include "sla/calendar.hpp"

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace crm::report {

struct Sample {
    const Record* record = nullptr; // the record behind it (a ticket, a deal, an activity)
    double value = 0;               // hours, days, cents, 0 or 1, a score
    // The metric's own row: a stage, a bucket, a close month, a record type.
    std::string key, label;
    int order = 0; // rows in this order, then by label
    // The day it belongs to, for grouping by month; none for an open deal
    // without an Expected close (it keeps its own row under --by month).
    std::optional<CivilDate> day;
};

// How a metric adds its samples up, per row and over all.
enum class Aggregate {
    Count,     // how many samples
    Sum,       // their values added
    Mean,      // their average (a rate when values are 0 or 1)
    Median,    // the middle value
    SumPerKey, // total only: the sum over the number of distinct rows
    PerWeek,   // rows: samples per week of the period
    Distinct,  // total only: how many distinct owners
};

struct MetricSamples {
    std::vector<Sample> samples;
    // When the total is not an aggregate of the rows' samples (overall
    // conversion, time in the whole flow): these are added up for it instead.
    std::optional<std::vector<Sample>> total_samples;
    std::vector<std::string> notes;
};

struct Context {
    const Workspace& workspace;
    const User& viewer;
    const ReportQuery& query;
    Instant now;
    BusinessCalendar calendar;

    CivilDate day_of(Instant at) const;
    bool in_period(CivilDate day) const;
    // Visible to the viewer and passing the owner, team, flow and field filters.
    bool included(const Record& record) const;
    ViewableByOwner visible{workspace, viewer};
};

// The flow a stage metric reads: --flow, else the first flow on `type` with an
// outcome of `kind` ("won"). Null when the workspace has none.
const Flow* metric_flow(const Context& context, const std::string& type, const std::string& kind);

// Rows by month: "2026-11", "Nov 2026", in calendar order (a sample without
// a day keeps its row).
void key_by_month(Sample& sample);
// "2026-11" and "Nov 2026" for the month of `day`.
std::string month_key(CivilDate day);
std::string month_label(CivilDate day);

using SampleMaker = std::function<MetricSamples(const Context&)>;
// The sample maker of a metric in metric_catalog(); null for an unknown name.
SampleMaker sample_maker(const std::string& metric);

} // namespace crm::report
