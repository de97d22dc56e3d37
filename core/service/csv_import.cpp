#include "service/csv_import.hpp"

#include "model/field_values.hpp"
#include "service/import_values.hpp"
#include "sla/clocks.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace crm {

using nlohmann::json;

namespace {

// ---- the mapping -------------------------------------------------------------

Result<std::map<std::string, std::string>> read_text_map(const json& value, const std::string& path,
                                                         const char* expected) {
    if (!value.is_object()) return Error{path + ": expected an object"};
    std::map<std::string, std::string> out;
    for (const auto& [key, item] : value.items()) {
        if (!item.is_string()) return Error{path + "." + key + ": expected " + expected};
        out[key] = item.get<std::string>();
    }
    return out;
}

} // namespace

Result<ImportMapping> import_mapping_from_json(const json& document) {
    if (!document.is_object()) return Error{"$: expected an object with \"columns\""};
    for (const auto& [key, value] : document.items())
        if (key != "columns" && key != "key" && key != "values" && key != "date_format")
            return Error{"$." + key +
                         ": is not a mapping setting (columns, key, values, date_format)"};
    ImportMapping mapping;
    const auto columns = document.find("columns");
    if (columns == document.end()) return Error{"$.columns: is missing"};
    auto read = read_text_map(*columns, "$.columns", "a field id as a string");
    if (!read) return Error{read.error()};
    mapping.columns = std::move(*read);
    if (const auto key = document.find("key"); key != document.end()) {
        if (!key->is_string()) return Error{"$.key: expected a field id as a string"};
        mapping.key = key->get<std::string>();
    }
    if (const auto values = document.find("values"); values != document.end()) {
        if (!values->is_object()) return Error{"$.values: expected an object of field -> values"};
        for (const auto& [field, map] : values->items()) {
            auto options = read_text_map(map, "$.values." + field, "an option as a string");
            if (!options) return Error{options.error()};
            mapping.values[field] = std::move(*options);
        }
    }
    if (const auto format = document.find("date_format"); format != document.end()) {
        if (!format->is_string() || !date_order_from_format(format->get<std::string>()))
            return Error{"$.date_format: expected a form like DD-MM-YY, MM/DD/YYYY or YYYY-MM-DD"};
        mapping.date_format = format->get<std::string>();
    }
    return mapping;
}

json import_mapping_to_json(const ImportMapping& mapping) {
    json out = {{"columns", mapping.columns}};
    if (!mapping.key.empty()) out["key"] = mapping.key;
    if (!mapping.values.empty()) out["values"] = mapping.values;
    if (!mapping.date_format.empty()) out["date_format"] = mapping.date_format;
    return out;
}

namespace {

// "E-mail address" -> "emailaddress": what matching headers ignores.
std::string header_key(std::string_view text) {
    std::string out;
    for (char c : fold_text(text))
        if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    return out;
}

// Other names spreadsheets and other CRMs give common fields.
std::string synonym_of(const std::string& key) {
    static const std::map<std::string, std::string> synonyms = {{"emailaddress", "email"},
                                                                {"mail", "email"},
                                                                {"phonenumber", "phone"},
                                                                {"telephone", "phone"},
                                                                {"tel", "phone"},
                                                                {"mobile", "phone"},
                                                                {"account", "company"},
                                                                {"accountname", "company"},
                                                                {"companyname", "company"},
                                                                {"organisation", "company"},
                                                                {"organization", "company"},
                                                                {"firstname", "first_name"},
                                                                {"givenname", "first_name"},
                                                                {"lastname", "last_name"},
                                                                {"surname", "last_name"},
                                                                {"familyname", "last_name"},
                                                                {"dealname", "name"},
                                                                {"value", "amount"},
                                                                {"dealvalue", "amount"},
                                                                {"assignedto", kOwnerTarget},
                                                                {"dealowner", kOwnerTarget},
                                                                {"accountowner", kOwnerTarget},
                                                                {"contactowner", kOwnerTarget},
                                                                {"salesrep", kOwnerTarget},
                                                                {"rep", kOwnerTarget},
                                                                {"url", "domain"},
                                                                {"web", "domain"},
                                                                {"homepage", "domain"}};
    const auto it = synonyms.find(key);
    return it == synonyms.end() ? "" : it->second;
}

} // namespace

ImportMapping suggest_mapping(const Workspace&, const RecordTypeDef& type,
                              const std::vector<std::string>& header) {
    ImportMapping mapping;
    std::unordered_set<std::string> taken;
    for (const auto& column : header) {
        const std::string key = header_key(column);
        std::string target;
        for (const auto& field : type.fields)
            if (header_key(field.id) == key || header_key(field.label) == key) target = field.id;
        if (target.empty() && (key == "owner" || key == "ownername" || key == "owneremail"))
            target = kOwnerTarget;
        if (target.empty()) {
            const std::string synonym = synonym_of(key);
            if (synonym == kOwnerTarget || type.field(synonym)) target = synonym;
        }
        if (!target.empty() && taken.insert(target).second) mapping.columns[column] = target;
    }
    auto mapped = [&](const std::string& field) { return taken.count(field) > 0; };
    for (const auto& field : type.fields)
        if (field.type == FieldType::Email && mapped(field.id)) {
            mapping.key = field.id;
            return mapping;
        }
    if (!type.title_fields.empty() && type.title_fields.size() == 1 &&
        mapped(type.title_fields.front()))
        mapping.key = type.title_fields.front();
    return mapping;
}

std::string describe_problem(const ImportProblem& problem) {
    if (!problem.row && problem.column.empty()) return problem.message;
    std::string text;
    if (problem.row) text = "row " + std::to_string(problem.row);
    if (!problem.column.empty())
        text += (text.empty() ? "column \"" : ", column \"") + problem.column + "\"";
    return text + ": " + problem.message;
}

static_assert(std::tuple_size_v<decltype(ImportReport::counts)> ==
              static_cast<std::size_t>(RowAction::Fail) + 1);

std::size_t ImportReport::count(RowAction action) const {
    return counts[static_cast<std::size_t>(action)];
}

void ImportReport::recount() {
    counts.fill(0);
    for (const auto& row : rows)
        ++counts[static_cast<std::size_t>(row.action)];
}

std::string ImportReport::summary() const {
    return std::to_string(count(RowAction::Add)) + " added, " +
           std::to_string(count(RowAction::Update)) + " updated, " +
           std::to_string(count(RowAction::Unchanged)) + " unchanged, " +
           std::to_string(count(RowAction::Fail)) + " failed";
}

namespace {

// ---- reading cells -----------------------------------------------------------

// A multi-picklist cell's items, split and trimmed as parse_field_text() does.
std::vector<std::string> multi_picklist_items(std::string_view cell) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= cell.size()) {
        const auto end = cell.find_first_of(";,", start);
        std::string item = trim_space(cell.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (!item.empty()) items.push_back(std::move(item));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return items;
}

// Each item through the value map ("Web; Fair" -> "Website; Event"), unless
// the whole cell has an entry of its own.
std::string mapped_items(const ImportMapping& mapping, const std::string& field,
                         const std::string& cell) {
    const std::string trimmed = trim_space(cell);
    if (!mapping.values.count(field)) return trimmed;
    if (std::string whole = mapped_cell(mapping, field, trimmed); whole != trimmed) return whole;
    std::string out;
    for (const auto& item : multi_picklist_items(trimmed))
        out += (out.empty() ? "" : "; ") + mapped_cell(mapping, field, item);
    return out;
}

struct Column {
    std::size_t index = 0;
    std::string header;
    const FieldDef* field = nullptr; // nullptr: the owner column
    DateOrder order = DateOrder::Unknown;
};

// Records of one type by id and title, for reference cells ("Acme Corp").
class TitleIndex {
  public:
    TitleIndex(const Workspace& ws, const RecordTypeDef& type) : m_type(type) {
        for (const auto& id : ws.ids_of_type(type.id))
            m_by_title[fold_text(ws.title_of(*ws.find(id)))].push_back(id);
    }
    Result<std::string> find(const Workspace& ws, const std::string& text) const {
        if (const Record* record = ws.find(text); record && record->type == m_type.id)
            return record->id;
        const auto it = m_by_title.find(fold_text(text));
        if (it == m_by_title.end())
            return Error{"there is no " + m_type.label + " called \"" + text + "\""};
        if (it->second.size() > 1)
            return Error{std::to_string(it->second.size()) + " " + m_type.plural +
                         " are called \"" + text + "\" (" + it->second[0] + ", " + it->second[1] +
                         (it->second.size() > 2 ? ", ..." : "") + "); give the id"};
        return it->second.front();
    }

  private:
    const RecordTypeDef& m_type;
    std::unordered_map<std::string, std::vector<std::string>> m_by_title;
};

class CellReader {
  public:
    CellReader(const Workspace& ws, const ImportMapping& mapping)
        : m_ws(ws), m_mapping(mapping), m_people(ws.directory),
          m_zone(workspace_calendar(ws).zone) {}

    // The value a cell gives its field (null: empty), or what is wrong with it.
    Result<json> field_value(const Column& column, const std::string& cell) {
        const FieldDef& field = *column.field;
        const std::string text = field.type == FieldType::MultiPicklist
                                     ? mapped_items(m_mapping, field.id, cell)
                                     : mapped_value(field.id, cell);
        if (text.empty()) return json(nullptr);
        switch (field.type) {
        case FieldType::Date:
            return date_value(column, text);
        case FieldType::DateTime:
            return datetime_value(column, text);
        case FieldType::Money:
            return money_value(field, text);
        case FieldType::Number: {
            const auto plain = plain_number_text(text);
            return parse_field_text(field, plain ? *plain : text, m_ws.currency);
        }
        case FieldType::Bool:
            return parse_field_text(field, fold_text(text) == "x" ? "yes" : text, m_ws.currency);
        case FieldType::UserRef: {
            auto user = m_people.find(text);
            if (!user) return Error{user.error()};
            return json(*user);
        }
        case FieldType::RecordRef:
            return reference_value(field, text);
        default:
            return parse_field_text(field, text, m_ws.currency);
        }
    }

    Result<std::string> owner(const std::string& cell) {
        const std::string text = mapped_value(kOwnerTarget, cell);
        if (text.empty()) return std::string();
        return m_people.find(text);
    }

  private:
    std::string mapped_value(const std::string& field, const std::string& cell) const {
        return mapped_cell(m_mapping, field, cell);
    }

    Result<json> date_value(const Column& column, const std::string& text) const {
        if (const auto date = read_date_text(text, column.order)) return json(format_date(*date));
        return Error{date_problem(column, text, "a date")};
    }

    Result<json> datetime_value(const Column& column, const std::string& text) const {
        if (const auto at = read_datetime_text(text, column.order, m_zone))
            return json(format_instant(*at));
        return Error{date_problem(column, text, "a date and time")};
    }

    static std::string date_problem(const Column& column, const std::string& text,
                                    const char* what) {
        const auto evidence = date_order_evidence(text);
        if (evidence == DateOrder::Unknown && column.order == DateOrder::Unknown)
            return "\"" + text +
                   "\" can be read as DD/MM/YYYY or MM/DD/YYYY; choose the date format";
        if (evidence && column.order != DateOrder::Unknown)
            return "\"" + text + "\" is not " + what + " as " + date_order_name(column.order);
        return std::string("expected ") + what + " like 2025-04-03, 3 Apr 2025 or 03/04/2025" +
               ", got \"" + text + "\"";
    }

    Result<json> money_value(const FieldDef& field, const std::string& text) const {
        const auto amount = read_amount_text(text);
        if (!amount)
            return Error{"expected an amount like 12000, $12,000.50 or 12.000,50 EUR, got \"" +
                         text + "\""};
        const std::string currency = amount->currency.empty() ? m_ws.currency : amount->currency;
        return parse_field_text(field, amount->number + " " + currency, m_ws.currency);
    }

    Result<json> reference_value(const FieldDef& field, const std::string& text) {
        const RecordTypeDef* target = m_ws.schema.type(field.target_type);
        if (!target) { // any type: only ids name the record
            if (m_ws.find(text)) return json(text);
            return Error{"there is no record \"" + text + "\""};
        }
        auto index = m_titles.find(target->id);
        if (index == m_titles.end())
            index = m_titles.emplace(target->id, TitleIndex(m_ws, *target)).first;
        auto id = index->second.find(m_ws, text);
        if (!id) return Error{id.error()};
        return json(*id);
    }

    const Workspace& m_ws;
    const ImportMapping& m_mapping;
    PeopleIndex m_people;
    TimeZone m_zone;
    std::unordered_map<std::string, TitleIndex> m_titles;
};

// ---- planning ------------------------------------------------------------------

struct PlanContext {
    const Workspace& ws;
    const RecordTypeDef& type;
    const ImportMapping& mapping;
    const CsvTable& table;
    std::vector<Column> columns;
    const Column* key_column = nullptr;
    const Column* owner_column = nullptr;
};

Result<std::vector<Column>> mapped_columns(const PlanContext& context) {
    const RecordTypeDef& type = context.type;
    auto mapped = map_columns(
        context.table, context.mapping,
        [&](const std::string& header, const std::string& target) -> std::optional<std::string> {
            if (target == kOwnerTarget || type.field(target)) return std::nullopt;
            return "$.columns." + header + ": " + type.label + " has no field \"" + target + "\"";
        });
    if (!mapped) return Error{mapped.error()};
    std::vector<Column> columns;
    for (const auto& column : *mapped)
        columns.push_back({column.index, column.header, type.field(column.target)});
    return columns;
}

Status check_mapping_fields(const PlanContext& context) {
    const ImportMapping& mapping = context.mapping;
    if (!mapping.key.empty() && !context.key_column)
        return Error{"$.key: no column goes to \"" + mapping.key + "\""};
    for (const auto& [field, values] : mapping.values) {
        const FieldDef* def = context.type.field(field);
        if (!def && field != kOwnerTarget)
            return Error{"$.values." + field + ": " + context.type.label + " has no field \"" +
                         field + "\""};
        if (!def || (def->type != FieldType::Picklist && def->type != FieldType::MultiPicklist))
            continue;
        for (const auto& [from, to] : values)
            if (std::find(def->options.begin(), def->options.end(), to) == def->options.end())
                return Error{"$.values." + field + "." + from + ": \"" + to +
                             "\" is not an option of " + def->label};
    }
    return Status::success();
}

// Detects how each date column writes dates, unless the mapping says.
void settle_date_orders(PlanContext& context) {
    const auto chosen = date_order_from_format(context.mapping.date_format);
    for (auto& column : context.columns) {
        if (!column.field ||
            (column.field->type != FieldType::Date && column.field->type != FieldType::DateTime))
            continue;
        if (chosen) {
            column.order = *chosen;
            continue;
        }
        bool day_first = false, month_first = false;
        for (const auto& row : context.table.rows) {
            const auto evidence = date_order_evidence(row[column.index]);
            day_first = day_first || evidence == DateOrder::DayFirst;
            month_first = month_first || evidence == DateOrder::MonthFirst;
        }
        if (day_first != month_first)
            column.order = day_first ? DateOrder::DayFirst : DateOrder::MonthFirst;
    }
}

// A key's value as compared: case and accents aside.
std::string key_text(const json& value) {
    return value.is_string() ? fold_text(value.get<std::string>()) : value.dump();
}

// The records of the type by their key value.
std::unordered_map<std::string, std::vector<std::string>> index_by_key(const PlanContext& context) {
    std::unordered_map<std::string, std::vector<std::string>> index;
    if (context.mapping.key.empty()) return index;
    for (const auto& id : context.ws.ids_of_type(context.type.id)) {
        const auto& value = context.ws.find(id)->value(context.mapping.key);
        if (!value.is_null()) index[key_text(value)].push_back(id);
    }
    return index;
}

struct ReadRow {
    ImportRow row;
    std::vector<ImportProblem> problems;
    std::string key; // key_text() of its key value, or its cells when there is no key
};

ReadRow read_row(PlanContext& context, CellReader& reader, std::size_t index) {
    const auto& cells = context.table.rows[index];
    ReadRow read;
    read.row.row = csv_row_number(index);
    for (const auto& column : context.columns) {
        const std::string& cell = cells[column.index];
        if (!column.field) {
            auto owner = reader.owner(cell);
            if (!owner)
                read.problems.push_back({read.row.row, column.header, owner.error()});
            else if (!owner->empty())
                read.row.owner = *owner;
            continue;
        }
        auto value = reader.field_value(column, cell);
        if (!value) {
            read.problems.push_back({read.row.row, column.header, value.error()});
            continue;
        }
        if (&column == context.key_column) {
            if (value->is_null())
                read.problems.push_back({read.row.row, column.header,
                                         "is empty, but it is the key that finds the record"});
            else
                read.key = key_text(*value);
        }
        if (!value->is_null()) read.row.fields[column.field->id] = std::move(*value);
    }
    if (!context.key_column) // no key: a row is its cells
        for (const auto& column : context.columns)
            read.key += cells[column.index] + '\x1f';
    return read;
}

std::string column_of(const PlanContext& context, const std::string& field) {
    for (const auto& column : context.columns)
        if ((column.field ? column.field->id : std::string(kOwnerTarget)) == field)
            return column.header;
    return "";
}

// The engine's verdict on the rows that read well: problems the cells alone
// do not show (a required field with no column, a permission, a gate).
void check_with_engine(const Engine& engine, const PlanContext& context, const std::string& actor,
                       Instant now, ImportPlan& plan) {
    DecideDetails details;
    const std::uint64_t generation = engine.generation();
    // Moved into a Command and back: the rows are too many to copy.
    Command command{std::move(plan.command)};
    auto batch = engine.decide(command, actor, now, &details);
    plan.command = std::move(std::get<ImportRecords>(command));
    if (!batch && details.rows.empty()) { // the import as a whole (a permission, the type)
        fail_every_row(plan, batch.error());
        plan.command.rows.clear();
        return;
    }
    std::unordered_set<std::size_t> failed;
    for (const auto& problem : details.rows) {
        failed.insert(problem.row);
        std::string column = column_of(context, problem.field);
        std::string message = problem.message;
        if (column.empty() && !problem.field.empty() && !problem.own_words) {
            const FieldDef* field = context.type.field(problem.field);
            message =
                (field ? field->label : problem.field) + " " + message + " (no column goes to it)";
        }
        plan.problems.push_back({problem.row, column, message});
    }
    std::unordered_set<std::string> changed;
    if (batch)
        for (const auto& event : batch->events)
            if (event.as<events::RecordUpdated>() || event.as<events::StageMoved>())
                changed.insert(event.record_id());
    for (auto& row : plan.rows) {
        if (failed.count(row.row))
            row.action = RowAction::Fail;
        else if (row.action == RowAction::Update && !changed.count(row.record_id))
            row.action = RowAction::Unchanged;
    }
    std::erase_if(plan.command.rows, [&](const ImportRow& row) { return failed.count(row.row); });
    if (batch) plan.decided = DecidedBatch{std::move(*batch), std::move(details), generation};
}

} // namespace

Result<ImportPlan> plan_import(const Engine& engine, const CsvTable& table,
                               const std::string& type_id, const ImportMapping& mapping,
                               const std::string& actor, const std::string& source, Instant now) {
    const Workspace& ws = engine.workspace();
    const RecordTypeDef* type = ws.schema.type(type_id);
    if (!type) return Error{"there is no record type \"" + type_id + "\""};
    PlanContext context{ws, *type, mapping, table, {}, nullptr, nullptr};
    auto columns = mapped_columns(context);
    if (!columns) return Error{columns.error()};
    context.columns = std::move(*columns);
    for (const auto& column : context.columns) {
        if (column.field && column.field->id == mapping.key) context.key_column = &column;
        if (!column.field) context.owner_column = &column;
    }
    if (auto status = check_mapping_fields(context); !status) return Error{status.error()};
    settle_date_orders(context);

    ImportPlan plan;
    plan.type = type->id;
    plan.command.type = type->id;
    plan.command.source = source;
    for (const auto& header : table.header)
        if (!mapping.columns.count(header)) plan.ignored_columns.push_back(header);
    CellReader reader(ws, mapping);
    const auto existing = index_by_key(context);
    std::unordered_map<std::string, std::size_t> first_row_of; // key -> row
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        ReadRow read = read_row(context, reader, i);
        PlannedRow planned{read.row.row, RowAction::Add, ""};
        if (read.problems.empty() && !read.key.empty()) {
            const auto [first, fresh] = first_row_of.emplace(read.key, read.row.row);
            if (!fresh) {
                const std::string what =
                    context.key_column ? "has the same " + context.key_column->header + " as row " +
                                             std::to_string(first->second)
                                       : "is the same as row " + std::to_string(first->second);
                read.problems.push_back({read.row.row, "", what});
            }
        }
        if (read.problems.empty() && context.key_column) {
            if (const auto match = existing.find(read.key); match != existing.end()) {
                if (match->second.size() > 1)
                    read.problems.push_back({read.row.row, context.key_column->header,
                                             std::to_string(match->second.size()) + " " +
                                                 type->plural + " already have this value (" +
                                                 match->second[0] + ", " + match->second[1] +
                                                 "); merge them first"});
                read.row.id = planned.record_id = match->second.front();
                planned.action = RowAction::Update;
            }
        }
        if (!read.problems.empty()) {
            planned.action = RowAction::Fail;
            plan.problems.insert(plan.problems.end(), read.problems.begin(), read.problems.end());
        } else {
            plan.command.rows.push_back(std::move(read.row));
        }
        plan.rows.push_back(std::move(planned));
    }
    if (!plan.command.rows.empty()) check_with_engine(engine, context, actor, now, plan);
    plan.recount(); // the rows' actions are final: count them once
    sort_problems(plan.problems);
    return plan;
}

Outcome commit_import(Engine& engine, ImportPlan& plan, const std::string& actor, Instant now) {
    Command command{std::move(plan.command)}; // moved: the rows are too many to copy
    plan.command = ImportRecords{};
    return commit_planned(engine, command, plan.decided, actor, now);
}

std::string rejected_rows_csv(const CsvTable& table, const ImportReport& plan) {
    std::unordered_map<std::size_t, std::string> reasons;
    for (const auto& problem : plan.problems) {
        std::string& reason = reasons[problem.row];
        ImportProblem text = problem;
        text.row = 0;
        reason += (reason.empty() ? "" : "; ") + describe_problem(text);
    }
    std::string out(kUtf8Bom);
    auto header = table.header;
    header.push_back("Reason");
    append_csv_row(out, header);
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        if (plan.rows[i].action != RowAction::Fail) continue;
        auto cells = table.rows[i];
        cells.push_back(reasons[plan.rows[i].row]);
        append_csv_row(out, cells);
    }
    return out;
}

namespace {

// The option a value most likely means: the one equal to it with accents
// aside, else the one that contains it or that it contains ("Won" ->
// "Closed won"). Several that fit are a guess: none.
std::string suggested_option(const FieldDef& field, const std::string& value) {
    const std::string folded = fold_text(value);
    for (const auto& option : field.options)
        if (fold_text(option) == folded) return option;
    std::string found;
    for (const auto& option : field.options) {
        const std::string other = fold_text(option);
        if (other.find(folded) == std::string::npos && folded.find(other) == std::string::npos)
            continue;
        if (!found.empty()) return "";
        found = option;
    }
    return found;
}

// Whether the import takes the value as an option of `field`.
bool is_option(const FieldDef& field, const std::string& value) {
    return parse_field_text(field, value, "").ok();
}

// A value as the value map sees it: spellings equal with case and accents
// aside are one (mapped_cell() maps them alike).
struct ValueCount {
    std::string text;     // its first spelling that is no option, else its first
    std::size_t rows = 0; // the rows carrying it
    bool unmatched = false;
};

// The distinct values of one column, in file order.
std::vector<ValueCount> count_values(const CsvTable& table, std::size_t index,
                                     const FieldDef& field) {
    const bool items = field.type == FieldType::MultiPicklist;
    std::vector<ValueCount> counts;
    std::unordered_map<std::string, std::size_t> group_of; // folded text -> place in `counts`
    std::unordered_set<std::string> spellings, in_row;
    for (const auto& row : table.rows) {
        const std::string cell = trim_space(row[index]);
        if (cell.empty()) continue;
        in_row.clear();
        for (auto& value : items ? multi_picklist_items(cell) : std::vector<std::string>{cell}) {
            std::string folded = fold_text(value);
            if (!in_row.insert(folded).second) continue; // "A; a" counts the row once
            const auto [it, fresh] = group_of.emplace(std::move(folded), counts.size());
            if (fresh) counts.push_back({value, 0, false});
            ValueCount& count = counts[it->second];
            ++count.rows;
            if (!count.unmatched && spellings.insert(value).second && !is_option(field, value)) {
                count.unmatched = true;
                count.text = value;
            }
        }
    }
    return counts;
}

// One column's values that are no option, most rows first.
UnmatchedField unmatched_in_column(const CsvTable& table, std::size_t index, const FieldDef& field,
                                   std::size_t max_values) {
    UnmatchedField unmatched{field.id, table.header[index], {}, 0};
    for (auto& value : count_values(table, index, field)) {
        if (!value.unmatched) continue;
        std::string suggestion = suggested_option(field, value.text);
        unmatched.values.push_back({std::move(value.text), value.rows, std::move(suggestion)});
    }
    std::stable_sort(
        unmatched.values.begin(), unmatched.values.end(),
        [](const UnmatchedValue& a, const UnmatchedValue& b) { return a.rows > b.rows; });
    if (unmatched.values.size() > max_values) {
        unmatched.more = unmatched.values.size() - max_values;
        unmatched.values.resize(max_values);
    }
    return unmatched;
}

} // namespace

std::vector<UnmatchedField> unmatched_values(const RecordTypeDef& type, const CsvTable& table,
                                             const ImportMapping& mapping, std::size_t max_values) {
    std::vector<UnmatchedField> fields;
    for (std::size_t index = 0; index < table.header.size(); ++index) {
        const auto target = mapping.columns.find(table.header[index]);
        const FieldDef* field =
            target == mapping.columns.end() ? nullptr : type.field(target->second);
        if (!field ||
            (field->type != FieldType::Picklist && field->type != FieldType::MultiPicklist))
            continue;
        UnmatchedField unmatched = unmatched_in_column(table, index, *field, max_values);
        if (!unmatched.values.empty()) fields.push_back(std::move(unmatched));
    }
    return fields;
}

Result<std::vector<MappedColumn>>
map_columns(const CsvTable& table, const ImportMapping& mapping,
            const std::function<std::optional<std::string>(const std::string&, const std::string&)>&
                target_problem) {
    std::vector<MappedColumn> columns;
    std::map<std::string, std::string> target_of; // target -> the first header going to it
    for (const auto& [header, target] : mapping.columns) {
        const auto at = std::find(table.header.begin(), table.header.end(), header);
        if (at == table.header.end())
            return Error{"$.columns: the file has no column \"" + header + "\""};
        if (auto problem = target_problem(header, target)) return Error{*problem};
        if (const auto [it, fresh] = target_of.emplace(target, header); !fresh)
            return Error{"$.columns: \"" + it->second + "\" and \"" + header + "\" both go to " +
                         target};
        columns.push_back({static_cast<std::size_t>(at - table.header.begin()), header, target});
    }
    std::sort(columns.begin(), columns.end(),
              [](const MappedColumn& a, const MappedColumn& b) { return a.index < b.index; });
    return columns;
}

std::string mapped_cell(const ImportMapping& mapping, const std::string& target,
                        const std::string& cell) {
    std::string text = trim_space(cell);
    const auto map = mapping.values.find(target);
    if (map == mapping.values.end() || text.empty()) return text;
    if (const auto exact = map->second.find(text); exact != map->second.end()) return exact->second;
    const std::string folded = fold_text(text);
    for (const auto& [from, to] : map->second)
        if (fold_text(from) == folded) return to;
    return text;
}

void sort_problems(std::vector<ImportProblem>& problems) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const ImportProblem& a, const ImportProblem& b) { return a.row < b.row; });
}

void fail_every_row(ImportReport& plan, const std::string& message) {
    for (auto& row : plan.rows)
        if (row.action != RowAction::Fail) {
            plan.problems.push_back({row.row, "", message});
            row.action = RowAction::Fail;
        }
}

Outcome commit_planned(Engine& engine, const Command& command, std::optional<DecidedBatch>& decided,
                       const std::string& actor, Instant now) {
    if (!decided) return engine.apply(command, actor, now);
    DecidedBatch batch = std::move(*decided);
    decided.reset();
    return engine.apply_decided(command, std::move(batch), actor, now);
}

} // namespace crm
