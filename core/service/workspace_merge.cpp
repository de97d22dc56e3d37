#include "service/workspace_merge.hpp"

#include "engine/permissions.hpp"
#include "service/csv_import.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace crm {

using nlohmann::json;

std::string describe_merge_problem(const MergeProblem& problem) {
    return "record " + problem.record_id + ": " + problem.message;
}

std::string WorkspaceMerge::summary() const {
    return std::to_string(added) + " added, " + std::to_string(updated) + " updated, " +
           std::to_string(unchanged) + " unchanged";
}

std::size_t WorkspaceMerge::failed_records() const {
    std::unordered_set<std::string> ids;
    for (const auto& problem : problems)
        ids.insert(problem.record_id);
    return ids.size();
}

namespace {

// The fields an existing record takes from the file: the file's values, and
// a clear for each field the file's type has but its record leaves empty. A
// field the file's schema does not know (added here since) stays as it is.
json fields_from_file(const Record& current, const Record& incoming,
                      const RecordTypeDef* incoming_type) {
    json fields = incoming.fields;
    for (const auto& [id, value] : current.fields.items())
        if (!fields.contains(id) && incoming_type && incoming_type->field(id)) fields[id] = nullptr;
    return fields;
}

bool same_as_file(const Record& current, const Record& incoming, const json& fields) {
    if (current.owner != incoming.owner) return false;
    for (const auto& [id, value] : fields.items())
        if (current.value(id) != value) return false;
    return true;
}

// Why a record of the file cannot be merged before the engine looks at it
// (its type is unknown here, or its id is another type's here); "" = none.
std::string record_problem(const Workspace& ws, const Record& incoming) {
    if (!ws.schema.type(incoming.type))
        return "this workspace has no record type \"" + incoming.type +
               "\"; a merge brings records only, so add the type first";
    const Record* current = ws.find(incoming.id);
    if (current && current->type != incoming.type)
        return "is a " + current->type + " in this workspace but a " + incoming.type +
               " in the file";
    return "";
}

// The rows of the merge: one per record of the file that adds or changes
// something; `row_ids` says which record each row number is.
void plan_rows(const Workspace& ws, const Workspace& incoming, WorkspaceMerge& plan) {
    std::vector<std::string>& row_ids = plan.record_of_row;
    for (const Record* record : incoming.all_records()) {
        if (auto problem = record_problem(ws, *record); !problem.empty()) {
            plan.problems.push_back({record->id, problem});
            continue;
        }
        ImportRow row;
        row.type = record->type;
        row.owner = record->owner;
        if (const Record* current = ws.find(record->id)) {
            row.id = record->id;
            row.fields = fields_from_file(*current, *record, incoming.schema.type(record->type));
            if (same_as_file(*current, *record, row.fields)) {
                ++plan.unchanged;
                continue;
            }
        } else {
            row.new_id = record->id;
            row.fields = record->fields;
        }
        row_ids.push_back(record->id);
        row.row = row_ids.size();
        plan.command.rows.push_back(std::move(row));
    }
}

// The engine's problems with rows, as problems with the records they are.
void note_row_problems(const Workspace& ws, const std::vector<RowProblem>& rows,
                       WorkspaceMerge& plan) {
    for (const auto& problem : rows) {
        const std::string& id = plan.record_of_row.at(problem.row - 1);
        std::string message = problem.message;
        if (!problem.own_words && !problem.field.empty()) {
            const Record* current = ws.find(id);
            const RecordTypeDef* type =
                ws.schema.type(current ? current->type : plan.command.rows[problem.row - 1].type);
            const FieldDef* field = type ? type->field(problem.field) : nullptr;
            message = (field ? field->label : problem.field) + ": " + message;
        }
        plan.problems.push_back({id, std::move(message)});
    }
}

// Counts the rows that pass: adds, and updates the batch really changes.
void count_rows(const EventBatch* batch, WorkspaceMerge& plan) {
    std::unordered_set<std::string> changed;
    if (batch)
        for (const auto& event : batch->events)
            if (event.as<events::RecordUpdated>() || event.as<events::StageMoved>())
                changed.insert(event.record_id());
    std::unordered_set<std::string> failed;
    for (const auto& problem : plan.problems)
        failed.insert(problem.record_id);
    for (const auto& row : plan.command.rows) {
        if (failed.count(row.id.empty() ? row.new_id : row.id)) continue;
        if (row.id.empty())
            ++plan.added;
        else if (!batch || changed.count(row.id))
            ++plan.updated; // without a batch (a problem elsewhere): what it would do
        else
            ++plan.unchanged;
    }
}

// What the engine says of the rows: their problems, or the batch to commit.
void check_with_engine(const Engine& engine, const std::string& actor, Instant now,
                       WorkspaceMerge& plan) {
    DecideDetails details;
    const std::uint64_t generation = engine.generation();
    Command command{std::move(plan.command)}; // moved: the rows may be many
    auto batch = engine.decide(command, actor, now, &details);
    plan.command = std::move(std::get<ImportRecords>(command));
    if (!batch && details.rows.empty()) { // the import as a whole
        for (const auto& id : plan.record_of_row)
            plan.problems.push_back({id, batch.error()});
    }
    note_row_problems(engine.workspace(), details.rows, plan);
    count_rows(batch ? &*batch : nullptr, plan);
    if (batch && plan.ok())
        plan.decided = DecidedBatch{std::move(*batch), std::move(details), generation};
}

// The file order of the problems: the order their records come in the file.
void sort_by_file_order(const Workspace& incoming, std::vector<MergeProblem>& problems) {
    std::unordered_map<std::string, std::size_t> place;
    for (const Record* record : incoming.all_records())
        place.emplace(record->id, place.size());
    std::stable_sort(problems.begin(), problems.end(),
                     [&](const MergeProblem& a, const MergeProblem& b) {
                         return place[a.record_id] < place[b.record_id];
                     });
}

} // namespace

Result<WorkspaceMerge> plan_workspace_merge(const Engine& engine, const Workspace& incoming,
                                            const std::string& actor_id, const std::string& source,
                                            Instant now) {
    const Workspace& ws = engine.workspace();
    const User* actor = ws.directory.user(actor_id);
    if (!actor) return Error{"there is no user \"" + actor_id + "\"; choose who you are first"};
    if (auto allowed = check_merge_workspace(*actor); !allowed) return Error{allowed.error()};
    WorkspaceMerge plan;
    plan.command.source = source;
    plan_rows(ws, incoming, plan);
    if (!plan.command.rows.empty()) check_with_engine(engine, actor_id, now, plan);
    sort_by_file_order(incoming, plan.problems);
    return plan;
}

Outcome commit_workspace_merge(Engine& engine, WorkspaceMerge& plan, const std::string& actor,
                               Instant now) {
    if (!plan.ok()) {
        Outcome refused;
        refused.message = "Cannot merge: " + describe_merge_problem(plan.problems.front());
        return refused;
    }
    const std::size_t records = plan.added + plan.updated + plan.unchanged;
    Command command{std::move(plan.command)}; // moved: the rows may be many
    Outcome outcome = commit_planned(engine, command, plan.decided, actor, now);
    plan.command = std::move(std::get<ImportRecords>(command));
    if (!outcome.ok && !outcome.rows.empty()) { // decided again: the workspace changed since
        note_row_problems(engine.workspace(), outcome.rows, plan);
        outcome.message = "Cannot merge: " + describe_merge_problem(plan.problems.front());
    }
    plan.command = ImportRecords{};
    if (!outcome.ok) return outcome;
    // Decided again when the workspace changed since the plan: count what was kept.
    plan.added = plan.updated = 0;
    if (outcome.batch)
        for (const auto& event : outcome.batch->events)
            if (const auto* imported = event.as<events::RecordsImported>()) {
                plan.added += imported->added;
                plan.updated += imported->updated;
            }
    plan.unchanged = records - plan.added - plan.updated;
    return outcome;
}

} // namespace crm
