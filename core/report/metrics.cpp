#include "report/metrics.hpp"

#include "io/csv.hpp"
#include "model/field_values.hpp"
#include "query/totals.hpp"
#include "report/samples.hpp"
#include "sla/clocks.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace crm {

using report::Aggregate;
using report::Sample;

namespace {

struct MetricRule {
    MetricInfo info;
    Aggregate rows;  // each row's value
    Aggregate total; // the total's
    // Rows of the metric's own kind count their samples (a histogram); grouped
    // by owner, team, month or a field they use `rows`.
    bool histogram = false;
    // Its rows are stages, several samples a record, and its total adds one
    // sample a record up: the count is the records', and grouped (--by) each
    // row is the total's figure over its records, so no record counts twice.
    bool per_record = false;
};

const std::vector<MetricRule>& metric_rules() {
    using U = MetricUnit;
    using A = Aggregate;
    static const std::vector<MetricRule> rules = {
        {{"lead_response_time", "Lead response time", U::Hours, "leads", "lead",
          "Time to first response",
          "Hours from a lead's creation to its first response: the earlier of its First "
          "follow-up time and the first call, email or meeting logged on it (notes do not "
          "count). Leads created in the period. Rows count leads per response time; the total "
          "is the median over leads that had a response."},
         A::Count,
         A::Median,
         true},
        {{"first_response_sla", "First-response SLA met", U::Fraction, "first-response clocks",
          "first-response clock", "SLA policy",
          "Of the leads created in the period, the share whose first-response SLA (policies on "
          "leads that start when the lead is created) was met on time: met, no breach raised, "
          "and the field that stops the clock set before it was due. Clocks still running are "
          "left out."},
         A::Mean,
         A::Mean},
        {{"conversion_by_stage", "Conversion by stage", U::Fraction, "records that reached it",
          "record that reached it", "Stage",
          "Records that started the flow (the sales pipeline unless --flow names another) in "
          "the period. A record reached a stage when it ever entered it or a later one, so one "
          "that moved back counts once, and one imported at a stage passed those before it. A "
          "stage's value is the share of the records that reached it that reached the next "
          "(the last stage: that were won); the total is the share of all that were won. A "
          "record imported at a lost outcome, with no stage before it known, reached the first "
          "stage only. Grouped (--by), a row is the share of its records that were won."},
         A::Mean,
         A::Mean,
         false,
         true},
        {{"time_in_stage", "Time in stage", U::Days, "records", "record", "Stage",
          "Days a record spent in each stage of the flow, every stay added up (a record that "
          "moved back and returned counts both stays), from entering the stage to leaving it, "
          "or to now while it is still there. Stays that began in the period. A stage's value "
          "is the average over the records that stayed there; the bottleneck is the stage with "
          "the longest. The total is the average time in the flow's stages per record, and so is a "
          "row when "
          "grouped (--by)."},
         A::Mean,
         A::Mean,
         false,
         true},
        {{"sales_cycle", "Sales cycle", U::Days, "deals won", "deal won", "Close month",
          "Days from the day a deal was added (or started the pipeline, when earlier) to the "
          "day it was won, for deals won in the period, in the workspace calendar's time zone. "
          "A deal imported already won closed on its Expected close date; one whose close date "
          "is before the day it was added is left out (a note counts them). Average per row and "
          "in total."},
         A::Mean,
         A::Mean},
        {{"win_rate", "Win rate", U::Fraction, "deals closed", "deal closed", "Close month",
          "Won / (won + lost) over deals that closed in the period, as a fraction 0..1. A deal "
          "closed on the day it reached a won or lost outcome; one imported closed, on its "
          "Expected close date. Deals that left through an exit (went dark, disqualified) are "
          "neither."},
         A::Mean,
         A::Mean},
        {{"pipeline_value", "Pipeline value", U::Money, "open deals", "open deal",
          "Expected close month",
          "The amounts of open deals (active in the pipeline) by the month they are expected "
          "to close, in the workspace currency; the period filters on Expected close. Deals "
          "without one show as \"No close date\" when no period is set."},
         A::Sum,
         A::Sum},
        {{"weighted_forecast", "Weighted forecast", U::Money, "open deals", "open deal",
          "Expected close month",
          "Pipeline value with each deal's amount times its Probability % (rounded to the "
          "cent per deal), as the board weighs its columns: a deal without a probability counts "
          "in full."},
         A::Sum,
         A::Sum},
        {{"revenue", "Revenue", U::Money, "deals won", "deal won", "Close month",
          "The sum of the amounts of deals won in the period, in the workspace currency; deals "
          "in other currencies are left out and counted in a note."},
         A::Sum,
         A::Sum},
        {{"renewal_rate", "Renewal rate", U::Fraction, "renewals decided", "renewal decided",
          "Renewal month",
          "Of the subscriptions whose renewal was decided in the period (their renewal flow "
          "ended renewed, downgraded or churned; ones decided before the flow existed, by "
          "their Status on their Renewal date), the share kept: renewed or downgraded."},
         A::Mean,
         A::Mean},
        {{"churn_rate", "Churn rate", U::Fraction, "renewals decided", "renewal decided",
          "Renewal month", "Of the same subscriptions as the renewal rate, the share churned."},
         A::Mean,
         A::Mean},
        {{"csat", "Customer satisfaction", U::Score, "tickets rated", "ticket rated",
          "Resolved month",
          "The average Satisfaction (1-5) of tickets resolved in the period. A ticket was "
          "resolved when it last entered its support flow's last stage or closed; a reopened "
          "ticket counts from its latest resolution, and not at all while open again. A score "
          "outside 1-5 is left out (a note counts them)."},
         A::Mean,
         A::Mean},
        {{"revenue_per_customer", "Revenue per customer", U::Money, "deals won", "deal won",
          "Customer",
          "Revenue from deals won in the period per company that bought; the total is that "
          "revenue over the number of those companies. Won deals without a company are left "
          "out (a note counts them)."},
         A::Sum,
         A::SumPerKey},
        {{"completeness", "Data completeness", U::Percent, "records", "record", "Record type",
          "The average share of a record's completeness fields (the data-quality screen's) "
          "that are filled in, over records added in the period, per record type and in total."},
         A::Mean,
         A::Mean},
        {{"adoption", "Adoption", U::PerWeek, "activities logged", "activity logged", "Person",
          "Calls, emails, meetings and notes logged in the period per week, per person (the "
          "activity's owner); the total is the number of active users: people who logged an "
          "activity or added a record in the period. Without --from the period starts at the "
          "first activity; without --to it ends today. Grouped by month, a month's rate is over "
          "its days in the period."},
         A::PerWeek,
         A::Distinct},
        {{"exceptions", "Exceptions", U::Count, "exceptions", "exception", "Kind",
          "What stands in the exception queues now, by kind: unowned work, SLA breaches, "
          "overdue next actions, blocked moves, automation failures, and (for managers and "
          "admins, who review data quality) records with a flagged data problem."},
         A::Count,
         A::Count},
    };
    return rules;
}

const MetricRule* metric_rule(std::string_view name) {
    for (const auto& rule : metric_rules())
        if (rule.info.name == name) return &rule;
    return nullptr;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

struct Span {
    CivilDate from, to; // both included
};

double weeks_of(const Span& span) {
    const auto days = days_from_civil(span.to) - days_from_civil(span.from) + 1;
    return days > 0 ? static_cast<double>(days) / 7.0 : 0;
}

// The days per-week rates are over: from --from (else the first sample's
// day) to --to (else today). None without a start.
std::optional<Span> rate_span(const report::Context& context, const std::vector<Sample>& samples) {
    std::optional<CivilDate> from = context.query.filter.from;
    if (!from)
        for (const auto& sample : samples)
            if (sample.day && (!from || *sample.day < *from)) from = sample.day;
    if (!from) return std::nullopt;
    return Span{*from, context.query.filter.to.value_or(context.day_of(context.now))};
}

// A month's row of a per-week rate is over the days of that month in the span.
double month_weeks(const Span& span, CivilDate day) {
    const CivilDate first{day.year, day.month, 1};
    const CivilDate last{day.year, day.month, days_in_month(day.year, day.month)};
    return weeks_of({std::max(first, span.from), std::min(last, span.to)});
}

std::optional<double> aggregate(Aggregate how, const std::vector<const Sample*>& samples,
                                double weeks) {
    if (how == Aggregate::Count) return static_cast<double>(samples.size());
    if (how == Aggregate::Distinct) {
        std::set<std::string> keys;
        for (const Sample* sample : samples)
            keys.insert(sample->key);
        return static_cast<double>(keys.size());
    }
    if (samples.empty()) return std::nullopt;
    std::vector<double> values;
    values.reserve(samples.size());
    for (const Sample* sample : samples)
        values.push_back(sample->value);
    double sum = 0;
    for (double value : values)
        sum += value;
    switch (how) {
    case Aggregate::Sum:
        return sum;
    case Aggregate::Mean:
        return sum / static_cast<double>(values.size());
    case Aggregate::Median:
        return median(std::move(values));
    case Aggregate::PerWeek:
        return weeks > 0 ? std::optional(static_cast<double>(values.size()) / weeks) : std::nullopt;
    case Aggregate::SumPerKey: {
        std::set<std::string> keys;
        for (const Sample* sample : samples)
            keys.insert(sample->key);
        return sum / static_cast<double>(keys.size());
    }
    default:
        return std::nullopt;
    }
}

struct Grouping {
    std::string by;
    const FieldDef* field = nullptr;
};

// Gives each sample its row under --by: owner, team, month or a field.
void regroup(const Workspace& ws, const Grouping& grouping, Sample& sample) {
    const Record* record = sample.record;
    constexpr int kLast = 1 << 30; // "Unowned", "Not set" after the named rows
    if (grouping.by == "month") {
        report::key_by_month(sample);
        return;
    }
    sample.order = 0;
    if (!record) return; // adoption's active users: already keyed by person
    if (grouping.by == "owner" || grouping.by == "team") {
        const User* owner = ws.directory.user(record->owner);
        if (grouping.by == "owner") {
            sample.key = record->owner;
            sample.label = owner ? owner->name : "Unowned";
        } else {
            const Team* team = owner ? ws.directory.team(owner->team) : nullptr;
            sample.key = team ? team->id : "";
            sample.label = team ? team->name : "No team";
        }
        if (sample.key.empty()) sample.order = kLast;
        return;
    }
    const auto& value = record->value(grouping.field->id);
    sample.key = is_unset(value) ? "" : field_value_to_text(*grouping.field, value);
    if (sample.key.empty()) {
        sample.label = "Not set";
        sample.order = kLast;
    } else if (grouping.field->type == FieldType::RecordRef) {
        const Record* target = ws.find(sample.key);
        sample.label = target ? ws.title_of(*target) : sample.key;
    } else {
        sample.label = format_field_value(*grouping.field, value);
    }
}

Result<Grouping> grouping_of(const Workspace& ws, const MetricInfo& info, const std::string& by,
                             const std::vector<Sample>& samples) {
    if (by.empty() || by == "owner" || by == "team" || by == "month") return Grouping{by};
    if (info.name == "adoption" || info.name == "exceptions")
        return Error{"--by: " + info.name + " groups by owner, team or month only"};
    std::set<std::string> types;
    for (const auto& sample : samples)
        types.insert(sample.record->type);
    const FieldDef* field = nullptr;
    for (const auto& type_id : types) {
        const RecordTypeDef* type = ws.schema.type(type_id);
        const FieldDef* found = type ? type->field(by) : nullptr;
        if (!found)
            return Error{"--by: " + (type ? type->plural : type_id) + " have no field \"" + by +
                         "\"; group by owner, team, month or one of their fields"};
        field = found;
    }
    // Nothing to group: the field must still be one some record type has, as
    // it must when there is something.
    if (!field)
        for (const auto& type : ws.schema.types())
            if (type.field(by)) return Grouping{by, nullptr};
    if (!field) return Error{"--by: no record type has a field \"" + by + "\""};
    return Grouping{by, field};
}

Status check_filter(const Workspace& ws, const ReportFilter& filter) {
    if (filter.from && filter.to && *filter.to < *filter.from)
        return Error{"the period ends (" + format_date(*filter.to) + ") before it starts (" +
                     format_date(*filter.from) + ")"};
    if (auto status = check_report_names(ws, filter); !status) return status;
    for (const auto& [field, value] : filter.where) {
        bool known = false;
        for (const auto& type : ws.schema.types())
            known = known || type.field(field);
        if (!known) return Error{"--where: no record type has a field \"" + field + "\""};
    }
    return Status::success();
}

} // namespace

Status check_report_names(const Workspace& ws, const ReportFilter& filter) {
    if (!filter.owner.empty() && !ws.directory.user(filter.owner))
        return Error{"there is no user \"" + filter.owner + "\""};
    if (!filter.team.empty() && !ws.directory.team(filter.team))
        return Error{"there is no team \"" + filter.team + "\""};
    if (!filter.flow.empty() && !ws.flow(filter.flow))
        return Error{"there is no flow \"" + filter.flow + "\""};
    return Status::success();
}

namespace {

// The ids of the samples' records, each once, in the order first seen.
std::vector<std::string> records_of(const std::vector<const Sample*>& samples) {
    std::vector<std::string> ids;
    std::unordered_set<const Record*> seen;
    seen.reserve(samples.size());
    for (const Sample* sample : samples)
        if (sample->record && seen.insert(sample->record).second) ids.push_back(sample->record->id);
    return ids;
}

// Rows of `samples`, each worked out `how`; by month, a per-week rate is over
// the weeks of its month.
std::vector<ReportRow> make_rows(Aggregate how, bool by_month, const std::vector<Sample>& samples,
                                 const std::optional<Span>& span) {
    std::unordered_map<std::string, std::vector<const Sample*>> groups;
    for (const auto& sample : samples)
        groups[sample.key].push_back(&sample);
    struct Group {
        int order;
        std::string folded;
        const std::vector<const Sample*>* members;
    };
    std::vector<Group> ordered;
    for (const auto& [key, members] : groups)
        ordered.push_back({members.front()->order, fold_text(members.front()->label), &members});
    std::sort(ordered.begin(), ordered.end(), [](const Group& a, const Group& b) {
        return std::tie(a.order, a.folded, a.members->front()->key) <
               std::tie(b.order, b.folded, b.members->front()->key);
    });
    std::vector<ReportRow> rows;
    for (const Group& group : ordered) {
        const auto& members = *group.members;
        const Sample& first = *members.front();
        double weeks = span ? weeks_of(*span) : 0;
        if (by_month && span && first.day) weeks = month_weeks(*span, *first.day);
        rows.push_back({first.key, first.label, aggregate(how, members, weeks), members.size(),
                        records_of(members)});
    }
    return rows;
}

std::string highlight_of(const MetricRule& rule, const std::vector<ReportRow>& rows) {
    if (rule.info.name != "time_in_stage") return "";
    const ReportRow* longest = nullptr;
    for (const auto& row : rows)
        if (row.value && (!longest || *row.value > *longest->value)) longest = &row;
    return longest ? longest->key : "";
}

// Money is added in cents; reports show the workspace currency's units.
void cents_to_units(const MetricRule& rule, Report& report) {
    if (rule.info.unit != MetricUnit::Money) return;
    for (auto& row : report.rows)
        if (row.value) row.value = std::round(*row.value) / 100.0;
    if (report.total) report.total = std::round(*report.total) / 100.0;
}

} // namespace

const std::vector<MetricInfo>& metric_catalog() {
    static const std::vector<MetricInfo> catalog = [] {
        std::vector<MetricInfo> infos;
        for (const auto& rule : metric_rules())
            infos.push_back(rule.info);
        return infos;
    }();
    return catalog;
}

const MetricInfo* metric_info(std::string_view name) {
    const MetricRule* rule = metric_rule(name);
    return rule ? &rule->info : nullptr;
}

Result<Report> run_report(const Workspace& ws, const std::string& viewer_id,
                          const ReportQuery& query, Instant now) {
    const MetricRule* rule = metric_rule(query.metric);
    if (!rule)
        return Error{"there is no metric \"" + query.metric +
                     "\"; crm report --list names every metric"};
    const User* viewer = ws.directory.user(viewer_id);
    if (!viewer) return Error{"there is no user \"" + viewer_id + "\""};
    if (auto status = check_filter(ws, query.filter); !status) return Error{status.error()};
    report::Context context{ws, *viewer, query, now, workspace_calendar(ws)};
    report::MetricSamples made = report::sample_maker(query.metric)(context);

    auto grouping = grouping_of(ws, rule->info, query.by, made.samples);
    if (!grouping) return Error{grouping.error()};
    const std::optional<Span> span = rate_span(context, made.samples);
    const bool own_rows = grouping->by.empty();
    const bool per_record = rule->per_record && made.total_samples;
    Report report{query.metric, {}, std::nullopt, 0, {}, "", std::move(made.notes)};
    std::vector<const Sample*> all;
    all.reserve(made.samples.size());
    for (const auto& sample : made.samples)
        all.push_back(&sample);
    report.records = records_of(all);
    report.count = per_record ? made.total_samples->size() : made.samples.size();
    // The total first: totals over distinct keys (customers, people) count
    // the metric's own keys, which grouping is about to replace.
    if (made.total_samples) {
        all.clear();
        for (const auto& sample : *made.total_samples)
            all.push_back(&sample);
    }
    report.total = aggregate(rule->total, all, span ? weeks_of(*span) : 0);
    if (own_rows) {
        report.rows =
            make_rows(rule->histogram ? Aggregate::Count : rule->rows, false, made.samples, span);
        report.highlight = highlight_of(*rule, report.rows);
    } else {
        std::vector<Sample>& grouped = per_record ? *made.total_samples : made.samples;
        for (auto& sample : grouped)
            regroup(ws, *grouping, sample);
        report.rows = make_rows(per_record ? rule->total : rule->rows, grouping->by == "month",
                                grouped, span);
    }

    cents_to_units(*rule, report);
    return report;
}

std::vector<ReportRow> rows_for_every_month(const Report& report, CivilDate from, CivilDate to) {
    std::vector<ReportRow> rows;
    for (CivilDate month{from.year, from.month, 1}; month <= to;
         month = month.month == 12 ? CivilDate{month.year + 1, 1, 1}
                                   : CivilDate{month.year, month.month + 1, 1}) {
        ReportRow row{report::month_key(month), report::month_label(month), 0.0, 0, {}};
        for (const auto& found : report.rows)
            if (found.key == row.key) row = found;
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string format_metric_value(const MetricInfo& metric, double value,
                                const std::string& currency) {
    char text[64];
    auto one_decimal = [&](double number, const char* unit) {
        const double rounded = std::round(number * 10) / 10;
        if (rounded == std::floor(rounded))
            std::snprintf(text, sizeof text, "%.0f%s", rounded, unit);
        else
            std::snprintf(text, sizeof text, "%.1f%s", rounded, unit);
        return std::string(text);
    };
    // "1 day" as written, after rounding to one decimal.
    auto one = [](double number) { return std::round(number * 10) == 10; };
    switch (metric.unit) {
    case MetricUnit::Fraction:
        return one_decimal(value * 100, "%");
    case MetricUnit::Percent:
        return one_decimal(value, "%");
    case MetricUnit::Hours:
        return value < 48 ? one_decimal(value, one(value) ? " hour" : " hours")
                          : one_decimal(value / 24, " days");
    case MetricUnit::Days:
        return one_decimal(value, one(value) ? " day" : " days");
    case MetricUnit::Money: {
        // Whole units on a dashboard, rounded: cents are noise at a glance.
        if (!(std::fabs(value) < 1e15)) { // past what an amount may be: no cents to write
            std::snprintf(text, sizeof text, "%s %.3g", currency.c_str(), value);
            return text;
        }
        return format_money_total({currency, std::llround(value) * 100, false});
    }
    case MetricUnit::Score:
        return one_decimal(value, "");
    case MetricUnit::PerWeek:
        return one_decimal(value, " a week");
    case MetricUnit::Count:
        return one_decimal(value, "");
    }
    return one_decimal(value, "");
}

std::string report_csv(const Report& report, const std::string& currency) {
    const MetricInfo* info = metric_info(report.metric);
    std::string out(kUtf8Bom);
    const bool money = info && info->unit == MetricUnit::Money;
    auto number = [money](std::optional<double> value) {
        if (!value) return std::string();
        char text[400];
        if (!money) {
            std::snprintf(text, sizeof text, "%.10g", *value);
            return std::string(text);
        }
        // Money to the cent, however large: "8960.3", "123456789012.34".
        std::snprintf(text, sizeof text, "%.2f", *value);
        std::string written(text);
        if (written.find('.') != std::string::npos) {
            while (written.back() == '0')
                written.pop_back();
            if (written.back() == '.') written.pop_back();
        }
        return written == "-0" ? std::string("0") : written;
    };
    const std::string unit = money ? " (" + currency + ")" : "";
    append_csv_row(out, {info ? info->rows : "Row", "Key", "Value" + unit, "Count"});
    for (const auto& row : report.rows)
        append_csv_row(out, {neutralize_formula(row.label), neutralize_formula(row.key),
                             number(row.value), std::to_string(row.count)});
    append_csv_row(out, {"Total", "", number(report.total), std::to_string(report.count)});
    return out;
}

} // namespace crm
