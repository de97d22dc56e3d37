#include "query/data_quality.hpp"

#include "engine/permissions.hpp"
#include "model/field_values.hpp"

#include <algorithm>

namespace crm {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

// Those who may review data quality, or nobody.
const User* reviewer(const Workspace& ws, const std::string& viewer) {
    const User* user = ws.directory.user(viewer);
    return user && can_review_data_quality(*user) ? user : nullptr;
}

// The records of `type` the reviewer may see; none for anyone else.
template <class Visit>
void visit_visible(const Workspace& ws, const std::string& viewer, const std::string& type,
                   Visit visit) {
    const User* user = reviewer(ws, viewer);
    if (!user) return;
    for (const Record* record : ws.records_of_type(type))
        if (can_view(ws, *user, *record)) visit(*record);
}

// Activities and tasks about a record count as work on it.
bool is_work_on_record(const Record& record) {
    return record.type == "activity" || record.type == "task";
}

// The last time anything was done on the record: a change to it, an
// activity or task about it, or a change to a record that points at it (a
// company's contacts and deals) or work on that one. The link index finds
// them without a scan.
Instant last_touched(const Workspace& ws, const Record& record) {
    Instant last = std::max(record.created_at, record.updated_at);
    for (const auto& id : ws.referrers_of(record.id)) {
        const Record* near = ws.find(id);
        if (!near) continue;
        last = std::max(last, near->updated_at);
        if (is_work_on_record(*near)) continue;
        for (const auto& work_id : ws.referrers_of(near->id))
            if (const Record* work = ws.find(work_id); work && is_work_on_record(*work))
                last = std::max(last, work->updated_at);
    }
    return last;
}

} // namespace

std::vector<const FieldDef*> completeness_fields(const RecordTypeDef& type) {
    std::vector<const FieldDef*> fields;
    for (const auto& field : type.fields) {
        const auto& chosen = type.completeness_fields;
        const bool counted =
            chosen.empty() ? field.type != FieldType::Bool
                           : std::find(chosen.begin(), chosen.end(), field.id) != chosen.end();
        if (counted) fields.push_back(&field);
    }
    return fields;
}

int RecordCompleteness::percent() const {
    return counted == 0 ? 100 : static_cast<int>(filled * 100 / counted);
}

RecordCompleteness record_completeness(const RecordTypeDef& type, const Record& record) {
    RecordCompleteness result;
    result.record_id = record.id;
    for (const FieldDef* field : completeness_fields(type)) {
        ++result.counted;
        if (is_unset(record.value(field->id)))
            result.missing.push_back(field->label);
        else
            ++result.filled;
    }
    return result;
}

CompletenessReport completeness_report(const Workspace& ws, const std::string& viewer,
                                       const std::string& type_id) {
    CompletenessReport report;
    report.type = type_id;
    const RecordTypeDef* type = ws.schema.type(type_id);
    if (!type) return report;
    report.target = type->completeness_target;
    const auto fields = completeness_fields(*type);
    for (const FieldDef* field : fields)
        report.fields.push_back({field->id, field->label, 0});
    std::size_t filled = 0, counted = 0;
    visit_visible(ws, viewer, type_id, [&](const Record& record) {
        ++report.records;
        RecordCompleteness one = record_completeness(*type, record);
        filled += one.filled;
        counted += one.counted;
        for (auto& fill : report.fields)
            if (!is_unset(record.value(fill.field))) ++fill.filled;
        if (one.percent() < report.target) report.least_complete.push_back(std::move(one));
    });
    report.below_target = report.least_complete.size();
    report.percent = counted == 0 ? 100 : static_cast<int>(filled * 100 / counted);
    std::stable_sort(report.fields.begin(), report.fields.end(),
                     [](const FieldFill& a, const FieldFill& b) { return a.filled < b.filled; });
    std::stable_sort(report.least_complete.begin(), report.least_complete.end(),
                     [](const RecordCompleteness& a, const RecordCompleteness& b) {
                         return a.filled * b.counted < b.filled * a.counted;
                     });
    return report;
}

std::vector<const RecordTypeDef*> measured_types(const Schema& schema) {
    std::vector<const RecordTypeDef*> types;
    for (const auto& type : schema.types())
        if (type.completeness_target > 0) types.push_back(&type);
    return types;
}

std::vector<InactiveRecord> inactive_records(const Workspace& ws, const std::string& viewer,
                                             const std::string& type, int days, Instant now) {
    const Instant before{now.seconds - static_cast<std::int64_t>(days) * kSecondsPerDay};
    std::vector<InactiveRecord> quiet;
    visit_visible(ws, viewer, type, [&](const Record& record) {
        const Instant last = last_touched(ws, record);
        if (last < before) quiet.push_back({record.id, last});
    });
    std::stable_sort(quiet.begin(), quiet.end(),
                     [](const auto& a, const auto& b) { return a.last_touched < b.last_touched; });
    return quiet;
}

std::vector<FlaggedRecord> data_problem_queue(const Workspace& ws, const std::string& viewer) {
    std::vector<FlaggedRecord> queue;
    const User* user = reviewer(ws, viewer);
    if (!user) return queue;
    for (const Record* record : ws.all_records())
        if (!record->data_problems.empty() && can_view(ws, *user, *record))
            queue.push_back({record->id, record->data_problems});
    std::stable_sort(queue.begin(), queue.end(), [](const auto& a, const auto& b) {
        return a.problems.front().at < b.problems.front().at;
    });
    return queue;
}

} // namespace crm
