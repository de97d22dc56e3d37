// People import: a spreadsheet's rows as users and teams. Its columns go to
// the people fields (name, email, role, team, manager; id to name a known
// user by id); every row is checked as the engine checks ImportPeople, and
// the rows that pass are committed as one batch. A dry run is the plan
// without the commit. The file, the mapping and the report are the record
// import's (core/service/csv_import.hpp).
#pragma once

#include "service/csv_import.hpp"

#include <optional>
#include <string>
#include <vector>

namespace crm {

// What `crm import-csv --type` calls people.
inline constexpr const char* kPeopleImportType = "user";

// The fields a people mapping's columns may go to.
const std::vector<std::string>& people_fields();

struct PeoplePlan : ImportReport {
    ImportPeople command; // the rows that pass
    // The engine's batch for `command` when every row passed (see ImportPlan).
    std::optional<DecidedBatch> decided;
};

// Reads every row of `table` by `mapping` and checks it as the engine would
// commit it, for `actor` at `now`; changes nothing. A mapping that does not
// fit the file or the people fields is an error (nothing is planned).
Result<PeoplePlan> plan_people_import(const Engine& engine, const CsvTable& table,
                                      const ImportMapping& mapping, const std::string& actor,
                                      const std::string& source, Instant now);

// Commits the rows that pass as one batch, as commit_import() does.
Outcome commit_people_import(Engine& engine, PeoplePlan& plan, const std::string& actor,
                             Instant now);

} // namespace crm
