#include "io/csv_export.hpp"

#include "engine/permissions.hpp"
#include "io/csv.hpp"
#include "model/field_values.hpp"
#include "util/time.hpp"

#include <vector>

namespace crm {

namespace {

// A person's name; the id when the directory no longer knows them.
std::string user_name(const Workspace& ws, const std::string& id) {
    const User* user = ws.directory.user(id);
    return user ? user->name : id;
}

// What a person reads in a list: titles for references, names for people.
std::string cell_text(const Workspace& ws, const FieldDef& field, const nlohmann::json& value) {
    if (is_unset(value) || !value.is_string()) return field_value_to_text(field, value);
    if (field.type == FieldType::UserRef) return user_name(ws, value.get<std::string>());
    if (field.type == FieldType::RecordRef) {
        const Record* target = ws.find(value.get<std::string>());
        return target ? ws.title_of(*target) : value.get<std::string>();
    }
    return field_value_to_text(field, value);
}

std::vector<std::string> header_cells(const RecordTypeDef* type) {
    std::vector<std::string> cells{"ID"};
    if (type)
        for (const auto& field : type->fields)
            cells.push_back(field.label);
    for (const char* column : {"Owner", "Created", "Updated"})
        cells.emplace_back(column);
    return cells;
}

std::vector<std::string> record_cells(const Workspace& ws, const RecordTypeDef& type,
                                      const Record& record) {
    std::vector<std::string> cells{record.id};
    for (const auto& field : type.fields)
        cells.push_back(cell_text(ws, field, record.value(field.id)));
    cells.push_back(record.owner.empty() ? "" : user_name(ws, record.owner));
    cells.push_back(format_instant(record.created_at));
    cells.push_back(format_instant(record.updated_at));
    return cells;
}

void append_neutralized_row(std::string& out, std::vector<std::string> cells) {
    for (auto& cell : cells)
        cell = neutralize_formula(cell);
    append_csv_row(out, cells);
}

} // namespace

std::string export_records_csv(const Workspace& ws, const std::string& type, const User* viewer) {
    const RecordTypeDef* type_def = ws.schema.type(type);
    std::string out(kUtf8Bom);
    append_neutralized_row(out, header_cells(type_def));
    if (!type_def) return out;
    for (const auto& id : ws.ids_of_type(type)) {
        const Record* record = ws.find(id);
        if (!record || (viewer && !can_view(ws, *viewer, *record))) continue;
        append_neutralized_row(out, record_cells(ws, *type_def, *record));
    }
    return out;
}

} // namespace crm
