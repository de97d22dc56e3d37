#include "query/record_query.hpp"

#include "engine/permissions.hpp"
#include "model/field_values.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace crm {

namespace {

bool matches(const Workspace& ws, const RecordTypeDef& type, const Record& record,
             const std::string& needle) {
    if (fold_text(ws.title_of(record)).find(needle) != std::string::npos) return true;
    if (fold_text(record.id).find(needle) != std::string::npos) return true;
    for (const auto& field : type.fields) {
        const auto& value = record.value(field.id);
        if (value.is_null()) continue;
        if (fold_text(display_value(ws, field, value)).find(needle) != std::string::npos)
            return true;
    }
    return false;
}

// Sort key: numbers compare as numbers, everything else as folded text.
struct SortKey {
    bool missing = true;
    double number = 0;
    std::string text;
};

SortKey sort_key(const Workspace& ws, const RecordTypeDef& type, const Record& record,
                 const std::string& sort_by) {
    SortKey key;
    if (sort_by.empty() || sort_by == "title") {
        key.missing = false;
        key.text = fold_text(ws.title_of(record));
        return key;
    }
    if (sort_by == "owner") {
        const User* user = ws.directory.user(record.owner);
        key.missing = user == nullptr;
        key.text = user ? fold_text(user->name) : "";
        return key;
    }
    if (sort_by == "updated") {
        key.missing = false;
        key.number = static_cast<double>(record.updated_at.seconds);
        return key;
    }
    const FieldDef* field = type.field(sort_by);
    if (!field) return key;
    const auto& value = record.value(sort_by);
    if (value.is_null()) return key;
    key.missing = false;
    if (value.is_number())
        key.number = value.get<double>();
    else if (field->type == FieldType::Money && value.is_object())
        key.number = value.value("amount", 0.0);
    else if (field->type == FieldType::Bool)
        key.number = value.get<bool>() ? 1 : 0;
    else if (field->type == FieldType::Picklist && value.is_string()) {
        // Picklists sort in their defined order (stages read left to right).
        const auto pos =
            std::find(field->options.begin(), field->options.end(), value.get<std::string>());
        key.number = static_cast<double>(pos - field->options.begin());
    } else
        key.text = fold_text(display_value(ws, *field, value));
    return key;
}

// The UTC day an instant falls on.
CivilDate day_of(Instant instant) {
    const std::int64_t days =
        instant.seconds >= 0 ? instant.seconds / 86400 : -((-instant.seconds + 86399) / 86400);
    return civil_from_days(days);
}

Instant start_of(CivilDate day) {
    return Instant{days_from_civil(day) * 86400};
}

bool in_days(const DateFilter& range, CivilDate day) {
    const auto from = range.from_day ? range.from_day
                      : range.from   ? std::optional(day_of(*range.from))
                                     : std::nullopt;
    const auto to = range.to_day ? range.to_day
                    : range.to   ? std::optional(day_of(*range.to))
                                 : std::nullopt;
    return (!from || *from <= day) && (!to || day <= *to);
}

bool in_instants(const DateFilter& range, Instant at) {
    const auto from = range.from       ? range.from
                      : range.from_day ? std::optional(start_of(*range.from_day))
                                       : std::nullopt;
    // A day as the upper end covers the whole day: up to the next one's start.
    const auto to = range.to       ? range.to
                    : range.to_day ? std::optional(Instant{start_of(*range.to_day).seconds + 86399})
                                   : std::nullopt;
    return (!from || *from <= at) && (!to || at <= *to);
}

bool passes_dates(const RecordTypeDef& type, const Record& record, const DateFilter& range) {
    if (!range.active()) return true;
    if (const FieldDef* field = type.field(range.field)) {
        const auto& value = record.value(field->id);
        if (!value.is_string()) return false; // unset: outside any range
        const std::string& text = value.get_ref<const std::string&>();
        if (field->type == FieldType::Date) {
            const auto day = parse_date(text);
            return day && in_days(range, *day);
        }
        if (field->type == FieldType::DateTime) {
            const auto instant = parse_instant(text);
            return instant && in_instants(range, *instant);
        }
        return false;
    }
    if (range.field == kCreatedAt) return in_instants(range, record.created_at);
    if (range.field == kUpdatedAt) return in_instants(range, record.updated_at);
    return false; // names no date: nothing matches
}

bool passes_stage(const Record& record, const StageFilter& filter) {
    if (filter.flow.empty()) return true;
    const auto state = record.flows.find(filter.flow);
    if (state == record.flows.end()) return false;
    const std::string* stage = listed_stage(state->second);
    return stage && filter.stages.count(*stage) > 0;
}

} // namespace

bool passes_filter(const Workspace&, const RecordTypeDef& type, const Record& record,
                   const ListFilter& filter) {
    if (!filter.owners.empty() && !filter.owners.count(record.owner)) return false;
    return passes_stage(record, filter.stage) && passes_dates(type, record, filter.date);
}

RecordQuery query_of(const SavedView& view, const std::string& viewer) {
    return {view.type, viewer, view.search, view.sort_by, view.ascending, view.filter};
}

std::vector<std::string> query_records(const Workspace& ws, const RecordQuery& query) {
    std::vector<std::string> ids;
    const RecordTypeDef* type = ws.schema.type(query.type);
    const User* viewer = ws.directory.user(query.viewer);
    if (!type || !viewer) return ids;
    const std::string needle = fold_text(query.search);
    struct Row {
        SortKey key;
        const std::string* id;
    };
    std::vector<Row> rows;
    // The type's records as held, not looked up by id: at 100k records the
    // lookups were most of the time a list took. Filtered by stage, only
    // those at the stages asked for.
    const StageFilter& stage = query.filter.stage;
    const std::vector<const Record*> at_stages =
        stage.flow.empty() ? std::vector<const Record*>()
                           : ws.records_at_stages(query.type, stage.flow, stage.stages);
    for (const Record* record : stage.flow.empty() ? ws.records_of_type(query.type) : at_stages) {
        if (!can_view(ws, *viewer, *record)) continue;
        if (!passes_filter(ws, *type, *record, query.filter)) continue;
        if (!needle.empty() && !matches(ws, *type, *record, needle)) continue;
        rows.push_back({sort_key(ws, *type, *record, query.sort_by), &record->id});
    }
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        if (a.key.missing != b.key.missing) return b.key.missing; // unset values last
        const bool less =
            a.key.text != b.key.text ? a.key.text < b.key.text : a.key.number < b.key.number;
        const bool greater =
            a.key.text != b.key.text ? a.key.text > b.key.text : a.key.number > b.key.number;
        return query.ascending ? less : greater;
    });
    ids.reserve(rows.size());
    for (const auto& row : rows)
        ids.push_back(*row.id);
    return ids;
}

std::string display_value(const Workspace& ws, const FieldDef& field, const nlohmann::json& value) {
    if (field.type == FieldType::RecordRef && value.is_string()) {
        const Record* target = ws.find(value.get<std::string>());
        return target ? ws.title_of(*target) : value.get<std::string>();
    }
    if (field.type == FieldType::UserRef && value.is_string()) {
        const User* user = ws.directory.user(value.get<std::string>());
        return user ? user->name : value.get<std::string>();
    }
    return format_field_value(field, value);
}

std::vector<const FieldDef*> list_columns(const RecordTypeDef& type, std::size_t count) {
    std::vector<const FieldDef*> columns;
    for (const auto& field : type.fields) {
        if (columns.size() >= count) break;
        if (field.type == FieldType::LongText) continue;
        if (std::find(type.title_fields.begin(), type.title_fields.end(), field.id) !=
            type.title_fields.end())
            continue;
        columns.push_back(&field);
    }
    return columns;
}

} // namespace crm
