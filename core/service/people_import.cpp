#include "service/people_import.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace crm {

const std::vector<std::string>& people_fields() {
    static const std::vector<std::string> fields = {"id",   "name", "email",
                                                    "role", "team", "manager"};
    return fields;
}

namespace {

bool is_people_field(const std::string& field) {
    const auto& fields = people_fields();
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

std::string people_field_list() {
    std::string list;
    for (const auto& field : people_fields())
        list += (list.empty() ? "" : ", ") + field;
    return list;
}

Status check_people_mapping(const ImportMapping& mapping) {
    if (!mapping.key.empty() && mapping.key != "email")
        return Error{"$.key: people are matched by email"};
    if (!mapping.date_format.empty()) return Error{"$.date_format: people have no dates"};
    for (const auto& [field, values] : mapping.values)
        if (!is_people_field(field))
            return Error{"$.values." + field + ": people have no field \"" + field + "\" (" +
                         people_field_list() + ")"};
    return Status::success();
}

Result<std::vector<MappedColumn>> people_columns(const CsvTable& table,
                                                 const ImportMapping& mapping) {
    auto columns = map_columns(
        table, mapping,
        [](const std::string& header, const std::string& target) -> std::optional<std::string> {
            if (is_people_field(target)) return std::nullopt;
            return "$.columns." + header + ": people have no field \"" + target + "\" (" +
                   people_field_list() + ")";
        });
    if (!columns) return Error{columns.error()};
    for (const char* needed : {"name", "email"}) {
        const bool mapped = std::any_of(columns->begin(), columns->end(),
                                        [&](const MappedColumn& c) { return c.target == needed; });
        if (!mapped)
            return Error{std::string("$.columns: no column goes to ") + needed +
                         (std::string(needed) == "email" ? " (people are matched by it)" : "")};
    }
    return columns;
}

std::string& cell_of(PersonRow& row, const std::string& field) {
    if (field == "id") return row.id;
    if (field == "name") return row.name;
    if (field == "email") return row.email;
    if (field == "role") return row.role;
    if (field == "team") return row.team;
    return row.manager;
}

PersonRow read_person_row(const CsvTable& table, const ImportMapping& mapping,
                          const std::vector<MappedColumn>& columns, std::size_t index) {
    PersonRow row;
    row.row = csv_row_number(index);
    for (const auto& column : columns)
        cell_of(row, column.target) =
            mapped_cell(mapping, column.target, table.rows[index][column.index]);
    return row;
}

// Each problem at its column, in the file's column order within a row.
void note_row_problems(const std::vector<MappedColumn>& columns,
                       const std::vector<RowProblem>& rows, std::vector<ImportProblem>& out) {
    std::vector<std::pair<std::size_t, ImportProblem>> placed; // (column index, problem)
    for (const auto& problem : rows) {
        const auto column = std::find_if(columns.begin(), columns.end(),
                                         [&](const auto& c) { return c.target == problem.field; });
        if (column == columns.end())
            placed.push_back({0, {problem.row, "", problem.message}});
        else
            placed.push_back({column->index + 1, {problem.row, column->header, problem.message}});
    }
    std::stable_sort(placed.begin(), placed.end(), [](const auto& a, const auto& b) {
        return std::tie(a.second.row, a.first) < std::tie(b.second.row, b.first);
    });
    for (auto& [index, problem] : placed)
        out.push_back(std::move(problem));
}

// The engine's verdict: each row's action, or what is wrong with it.
void check_people_with_engine(const Engine& engine, const std::vector<MappedColumn>& columns,
                              const std::string& actor, Instant now, PeoplePlan& plan) {
    DecideDetails details;
    const std::uint64_t generation = engine.generation();
    Command command{std::move(plan.command)};
    auto batch = engine.decide(command, actor, now, &details);
    plan.command = std::move(std::get<ImportPeople>(command));
    if (!batch && details.rows.empty()) { // the import as a whole (a permission)
        fail_every_row(plan, batch.error());
        plan.command.rows.clear();
        return;
    }
    note_row_problems(columns, details.rows, plan.problems);
    std::unordered_map<std::size_t, PlannedRow> planned;
    for (const auto& row : details.planned_rows)
        planned.emplace(row.row, row);
    for (auto& row : plan.rows) {
        const auto found = planned.find(row.row);
        row = found != planned.end() ? found->second : PlannedRow{row.row, RowAction::Fail, ""};
    }
    std::erase_if(plan.command.rows,
                  [&](const PersonRow& row) { return planned.count(row.row) == 0; });
    if (batch) plan.decided = DecidedBatch{std::move(*batch), std::move(details), generation};
}

} // namespace

Result<PeoplePlan> plan_people_import(const Engine& engine, const CsvTable& table,
                                      const ImportMapping& mapping, const std::string& actor,
                                      const std::string& source, Instant now) {
    if (auto status = check_people_mapping(mapping); !status) return Error{status.error()};
    auto columns = people_columns(table, mapping);
    if (!columns) return Error{columns.error()};
    PeoplePlan plan;
    plan.command.source = source;
    for (const auto& header : table.header)
        if (!mapping.columns.count(header)) plan.ignored_columns.push_back(header);
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        plan.command.rows.push_back(read_person_row(table, mapping, *columns, i));
        plan.rows.push_back({csv_row_number(i), RowAction::Add, ""}); // until the engine says
    }
    if (!plan.command.rows.empty()) check_people_with_engine(engine, *columns, actor, now, plan);
    plan.recount();
    sort_problems(plan.problems);
    return plan;
}

Outcome commit_people_import(Engine& engine, PeoplePlan& plan, const std::string& actor,
                             Instant now) {
    Command command{std::move(plan.command)};
    plan.command = ImportPeople{};
    return commit_planned(engine, command, plan.decided, actor, now);
}

} // namespace crm
