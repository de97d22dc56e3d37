// Merging a workspace file (an export, a backup from another device) into the
// open workspace by record id: records the workspace has take the file's
// field values and owner, records it lacks are added with the file's ids,
// nothing is removed. Only records are merged: the file's schema, processes,
// people and settings are not. Every record is checked as the engine checks
// an edit by the person merging, and the whole merge is one ImportRecords
// batch (all or nothing, undone as a whole with undo_batch_command).
#pragma once

#include "engine/engine.hpp"
#include "model/workspace.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace crm {

// What is wrong with one record of the file.
struct MergeProblem {
    std::string record_id;
    std::string message; // "Amount: expected an amount ..."
};
// "record deal-7: Amount: expected an amount ..."
std::string describe_merge_problem(const MergeProblem& problem);

struct WorkspaceMerge {
    std::size_t added = 0;              // in the file, not in the workspace: added with their ids
    std::size_t updated = 0;            // in both, and the file's values differ
    std::size_t unchanged = 0;          // in both, as the file has them
    std::vector<MergeProblem> problems; // any problem: nothing is merged
    ImportRecords command;              // the adds and updates, one batch
    // The engine's batch for `command`, reused by the commit while the
    // workspace has not changed since the plan.
    std::optional<DecidedBatch> decided;
    std::vector<std::string> record_of_row; // row number - 1 -> the record it merges

    bool ok() const { return problems.empty(); }
    // "3 added, 5 updated, 10 unchanged"
    std::string summary() const;
    // The problems' records, each once.
    std::size_t failed_records() const;
};

// Plans merging `incoming` (read by import_workspace) into the engine's
// workspace, for `actor` at `now`; changes nothing. Refused as a whole when
// the actor may not merge (reps); problems with single records are in the
// plan, one per problem, in file order. `source` ("backup.json") is what
// history names.
Result<WorkspaceMerge> plan_workspace_merge(const Engine& engine, const Workspace& incoming,
                                            const std::string& actor, const std::string& source,
                                            Instant now);

// Commits a plan without problems as one batch (the plan's own when nothing
// changed since); a plan with nothing to add or update commits nothing. The
// plan's counts are then those of what was committed.
Outcome commit_workspace_merge(Engine& engine, WorkspaceMerge& plan, const std::string& actor,
                               Instant now);

} // namespace crm
