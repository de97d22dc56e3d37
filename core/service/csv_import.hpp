// CSV import: a file's columns mapped to a record type's fields, each cell
// read as people write it (dates in several forms, amounts with currency
// signs, owners by name or email, companies by name), every row checked as
// the engine checks a person's change, and the rows that pass committed as
// one ImportRecords batch. A dry run is the plan without the commit.
#pragma once

#include "engine/engine.hpp"
#include "io/csv.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crm {

// The column target that sets a record's owner rather than a field.
inline constexpr const char* kOwnerTarget = "owner";

struct ImportMapping {
    std::map<std::string, std::string> columns; // CSV header -> field id, or kOwnerTarget
    // The field whose value finds the record a row updates; "" = every row adds.
    std::string key;
    // field -> cell -> option. A multi-picklist cell's items are mapped one
    // by one ("Web; Fair" -> "Website; Event") unless the whole cell has an entry.
    std::map<std::string, std::map<std::string, std::string>> values;
    std::string date_format; // "DD-MM-YY": how to read dates that fit two ways; "" = detect
};

// MAP.json as docs/cli.md describes it; a problem names its JSON path
// ("$.columns.Email: expected a field id as a string").
Result<ImportMapping> import_mapping_from_json(const nlohmann::json& json);
nlohmann::json import_mapping_to_json(const ImportMapping& mapping);

// What a person would choose: each header matched to a field by id or label
// (case, spaces and punctuation ignored; "E-mail" is email, "Account" a
// company reference), the owner column, and a key (the type's email field,
// else its first title field) when it is mapped.
ImportMapping suggest_mapping(const Workspace& workspace, const RecordTypeDef& type,
                              const std::vector<std::string>& header);

struct ImportProblem {
    std::size_t row = 0; // the spreadsheet row (header = 1); 0 = the column as a whole
    std::string column;  // the header of the cell; "" = the row as a whole
    std::string message;
};
// "row 5, column \"Email\": ...", "row 5: ...", "column \"Close date\": ..."
std::string describe_problem(const ImportProblem& problem);

// What an import does with each row and what is wrong with the rows that
// fail: the part of a plan the report, the counts and the rejects file read.
struct ImportReport {
    std::vector<PlannedRow> rows;             // one per data row, in file order
    std::vector<ImportProblem> problems;      // by row; column problems (row 0) first
    std::vector<std::string> ignored_columns; // headers mapped to nothing
    // How many rows take each action, indexed by RowAction: counted once
    // when the plan settles the rows (a screen asks on every frame). Code
    // that changes `rows` afterwards calls recount().
    std::array<std::size_t, 4> counts{};

    std::size_t count(RowAction action) const; // the stored count: no scan of the rows
    // "3 added, 1 updated, 0 unchanged, 2 failed"
    std::string summary() const;
    void recount(); // sets `counts` from `rows`
};

struct ImportPlan : ImportReport {
    std::string type;
    ImportRecords command; // the rows that pass (adds and updates)
    // The engine's batch for `command` when every row passed: the commit
    // reuses it unless the workspace changed in between.
    std::optional<DecidedBatch> decided;
};

// Reads every row of `table` as `type` by `mapping` and checks it as the
// engine would commit it, for `actor` at `now`; changes nothing. A mapping
// that does not fit the file or the type is an error (nothing is planned);
// problems with cells and rows are in the plan.
Result<ImportPlan> plan_import(const Engine& engine, const CsvTable& table, const std::string& type,
                               const ImportMapping& mapping, const std::string& actor,
                               const std::string& source, Instant now);

// Commits the rows that pass as one batch (the plan's own batch when nothing
// changed since the plan was made). Takes the rows and the batch out of the
// plan; its rows, problems and summary stay.
Outcome commit_import(Engine& engine, ImportPlan& plan, const std::string& actor, Instant now);

// The failed rows as CSV (UTF-8 with BOM, the file's own columns) with a
// "Reason" column, for fixing and importing again.
std::string rejected_rows_csv(const CsvTable& table, const ImportReport& plan);

// ---- values that match no option ----------------------------------------------

// A picklist cell value no option takes: how often it comes, and the option
// it most likely means.
struct UnmatchedValue {
    std::string text;       // trimmed, as the file first writes it
    std::size_t rows = 0;   // the rows that carry it
    std::string suggestion; // the one option that is close ("Won" -> "Closed won"); "" = none
};

struct UnmatchedField {
    std::string field;                  // a picklist or multi-picklist field
    std::string column;                 // the header mapped to it
    std::vector<UnmatchedValue> values; // most rows first, then in file order
    std::size_t more = 0;               // values left off past `max_values`
};

// For each picklist and multi-picklist column of `mapping` (in file order),
// the distinct values (a multi-picklist's items) that match no option as
// the import matches them, whatever mapping.values says of them, so a
// screen can show the choices made. Values differing only in case and
// accents are one; blanks are left out. Reads every row: run it when the
// columns change, not per frame.
std::vector<UnmatchedField> unmatched_values(const RecordTypeDef& type, const CsvTable& table,
                                             const ImportMapping& mapping,
                                             std::size_t max_values = 100);

// ---- shared with the people import (core/service/people_import.hpp) ----------

// A column the mapping uses: where it is in the file and what it goes to.
struct MappedColumn {
    std::size_t index = 0;
    std::string header;
    std::string target;
};
// The mapping's columns in file order. Refused when a header is not in the
// file, two headers go to one target, or `target_problem` (header, target)
// says what is wrong with a target.
Result<std::vector<MappedColumn>>
map_columns(const CsvTable& table, const ImportMapping& mapping,
            const std::function<std::optional<std::string>(const std::string&, const std::string&)>&
                target_problem);
// A cell trimmed, then through the mapping's value map for `target`
// ("Won" -> "Closed won"; case and accents ignored).
std::string mapped_cell(const ImportMapping& mapping, const std::string& target,
                        const std::string& cell);
// The problems in row order (column problems first), each row's in the order given.
void sort_problems(std::vector<ImportProblem>& problems);
// Every row not failed yet fails for `message` (the import refused as a
// whole: a permission, the type).
void fail_every_row(ImportReport& plan, const std::string& message);
// Commits an import's command, with the batch its plan decided while the
// engine has not changed since (else decided again); takes the batch out.
Outcome commit_planned(Engine& engine, const Command& command, std::optional<DecidedBatch>& decided,
                       const std::string& actor, Instant now);

} // namespace crm
