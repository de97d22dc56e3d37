// Imports (many records as one batch) and taking a whole batch back.
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "io/workspace_json.hpp"
#include "model/field_values.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace crm::detail {

namespace {

Result<Decision> decide_import_update(const Workspace& ws, const User& actor,
                                      const RecordTypeDef& type, const ImportRow& row, Instant now,
                                      DecideDetails& details, const BatchRecords& added,
                                      Setter setter) {
    const Record* record = ws.find(row.id);
    if (!record) return Error{"there is no record \"" + row.id + "\""};
    if (record->type != type.id)
        return Error{row.id + " is a " + record->type + ", not a " + type.id};
    return decide_update(ws, actor, UpdateRecord{row.id, row.fields, row.owner, false}, now,
                         details, &added, setter);
}

void note_row_problems(const ImportRow& row, const std::string& error, const DecideDetails& details,
                       std::vector<RowProblem>& out) {
    if (details.problems.empty()) {
        out.push_back({row.row, "", error});
        return;
    }
    for (const auto& problem : details.problems)
        out.push_back({row.row, problem.field, problem.message, problem.own_words});
}

const std::string& type_of_row(const ImportRecords& cmd, const ImportRow& row) {
    return row.type.empty() ? cmd.type : row.type;
}

// The records the rows add with ids of their own: other rows may refer to them.
BatchRecords records_rows_add(const ImportRecords& cmd) {
    BatchRecords added;
    for (const auto& row : cmd.rows)
        if (row.id.empty() && !row.new_id.empty()) added.emplace(row.new_id, type_of_row(cmd, row));
    return added;
}

// What history keeps of an import: per type, in the order the rows name them.
struct ImportCounts {
    std::vector<events::RecordsImported> types;

    events::RecordsImported& of(const ImportRecords& cmd, const std::string& type) {
        for (auto& counted : types)
            if (counted.type == type) return counted;
        return types.emplace_back(events::RecordsImported{type, cmd.source, 0, 0});
    }
    bool any() const {
        return std::any_of(types.begin(), types.end(),
                           [](const auto& counted) { return counted.added + counted.updated > 0; });
    }
};

} // namespace

std::string describe_row_problems(const std::vector<RowProblem>& rows,
                                  const std::function<std::string(const std::string&)>& label_of) {
    const RowProblem& first = rows.front();
    std::string text = "Cannot import: row " + std::to_string(first.row) + ": ";
    if (!first.own_words && !first.field.empty()) // the admin's message says it all
        text += label_of(first.field) + ": ";
    text += first.message;
    std::unordered_set<std::size_t> others;
    for (const auto& problem : rows)
        if (problem.row != first.row) others.insert(problem.row);
    if (!others.empty())
        text += "; and " + std::to_string(others.size()) +
                (others.size() == 1 ? " more row" : " more rows");
    return text;
}

Result<Decision> decide_import(const Workspace& ws, const User& actor, const ImportRecords& cmd,
                               Instant now, const std::string& device, DecideDetails& details) {
    if (!cmd.type.empty() && !ws.schema.type(cmd.type))
        return Error{"there is no record type \"" + cmd.type + "\""};
    if (auto problem = text_problem(cmd.source, kMaxSourceBytes))
        return Error{"the import's source name " + *problem};
    const BatchRecords added = records_rows_add(cmd);
    // A workspace file merged in brings what its funnel steps filled in.
    const Setter setter = cmd.type.empty() ? Setter::WorkspaceFile : Setter::Import;
    Decision decision;
    decision.events.reserve(cmd.rows.size() + 1);
    ImportCounts counts;
    std::unordered_map<std::string, std::size_t> fresh_ids; // type -> records given the next id
    std::unordered_set<std::string> updating, adding;
    const RecordTypeDef* first_failed_type = nullptr; // names the first problem's field
    for (const auto& row : cmd.rows) {
        DecideDetails one;
        const std::string& type_id = type_of_row(cmd, row);
        const RecordTypeDef* type = ws.schema.type(type_id);
        const std::size_t problems_before = details.rows.size();
        if (!type)
            details.rows.push_back({row.row, "", "there is no record type \"" + type_id + "\""});
        else if (!row.id.empty() && !updating.insert(row.id).second)
            details.rows.push_back({row.row, "", "changes " + row.id + " a second time"});
        else if (row.id.empty() && !row.new_id.empty() && !adding.insert(row.new_id).second)
            details.rows.push_back({row.row, "", "adds " + row.new_id + " a second time"});
        if (details.rows.size() > problems_before) continue;
        const bool creates = row.id.empty();
        std::size_t& fresh = fresh_ids[type->id];
        auto decided =
            creates ? decide_create(ws, actor, type->id, row.fields, row.owner, now, device,
                                    one.problems, BatchCreate{row.new_id, fresh, &added, setter})
                    : decide_import_update(ws, actor, *type, row, now, one, added, setter);
        if (decided && creates && row.new_id.empty() && added.count(decided->record_id))
            decided = Error{"the next id for " + type->plural + " (" + decided->record_id +
                            ") is one this import brings for another record"};
        if (!decided) {
            if (!first_failed_type) first_failed_type = type;
            note_row_problems(row, decided.error(), one, details.rows);
            continue;
        }
        auto& counted = counts.of(cmd, type->id);
        if (creates) {
            ++counted.added;
            if (row.new_id.empty()) ++fresh;
        } else if (!decided->events.empty()) {
            ++counted.updated;
        }
        for (auto& event : decided->events)
            decision.events.push_back(std::move(event));
    }
    if (!details.rows.empty())
        return Error{describe_row_problems(details.rows, [&](const std::string& field) {
            const FieldDef* def = first_failed_type ? first_failed_type->field(field) : nullptr;
            return def ? def->label : field;
        })};
    if (!counts.any()) return Decision{}; // everything is as the file says
    // History's note of the import comes first, as describe_batch() reads it.
    std::erase_if(counts.types,
                  [](const auto& counted) { return counted.added + counted.updated == 0; });
    decision.events.insert(decision.events.begin(), counts.types.begin(), counts.types.end());
    return decision;
}

namespace {

// Everything a revert needs to know about the batch before undoing it.
struct BatchToRevert {
    std::unordered_set<std::string> created; // records it made: deleted, not edited back
};

Status check_revertible(const Workspace& ws, const RevertBatch& cmd, const BatchToRevert& seen) {
    const std::string what = cmd.what.empty() ? "this change" : cmd.what;
    for (const auto& event : cmd.batch.events) {
        if (event.as<events::PeopleImported>())
            return Error{"Cannot undo " + what +
                         ": imported people cannot be undone; change them with another import"};
        const bool on_created = seen.created.count(event.record_id()) > 0;
        if (event.as<events::RecordCreated>() || event.as<events::RecordUpdated>() ||
            event.as<events::RecordDeleted>() || event.as<events::RecordsImported>() ||
            event.as<events::BatchReverted>() || event.as<events::RecordsMerged>())
            continue;
        if (on_created && (event.as<events::FlowStarted>() || event.as<events::FlowJoined>() ||
                           event.as<events::FlowSpawned>()))
            continue;
        if (event.as<events::StageMoved>() || event.as<events::FlowEnded>())
            return Error{"Cannot undo " + what + " as a whole: it moved " +
                         ws.title_of(*ws.find(event.record_id())) +
                         " to another stage; move it back first"};
        return Error{"Cannot undo " + what + " as a whole (" + event.kind() + ")"};
    }
    return Status::success();
}

Result<events::RecordDeleted> undo_create(const Workspace& ws, const User& actor,
                                          const events::RecordCreated& created,
                                          const BatchToRevert& seen) {
    const Record* record = ws.find(created.id);
    if (!record) return Error{"Cannot undo: " + created.id + " no longer exists"};
    if (auto status = check_delete(ws, actor, *record); !status) return Error{status.error()};
    std::vector<std::string> outside;
    for (const auto& referrer : ws.referrers_of(record->id))
        if (!seen.created.count(referrer)) outside.push_back(referrer);
    if (!outside.empty())
        return Error{"Cannot undo: " + std::to_string(outside.size()) +
                     " other record(s) refer to " + ws.title_of(*record) + " (" + outside.front() +
                     (outside.size() > 1 ? ", ..." : "") + "); remove or change those links first"};
    return events::RecordDeleted{record->id, record_to_json(*record)};
}

Result<events::RecordUpdated> undo_update(const Workspace& ws, const User& actor,
                                          const events::RecordUpdated& updated) {
    const Record* record = ws.find(updated.id);
    if (!record) return Error{"Cannot undo: " + updated.id + " no longer exists"};
    if (auto status = check_update(ws, actor, *record); !status) return Error{status.error()};
    // A later change is never overwritten by putting the old values back.
    bool changed = updated.owner && record->owner != *updated.owner;
    for (const auto& [field, value] : updated.fields.items())
        changed = changed || record->value(field) != value;
    if (changed)
        return Error{"Cannot undo: " + ws.title_of(*record) +
                     " has changed since; see its history"};
    events::RecordUpdated back;
    back.id = record->id;
    for (const auto& [field, value] : updated.fields.items()) {
        back.fields[field] = updated.before.is_object() && updated.before.contains(field)
                                 ? updated.before[field]
                                 : nlohmann::json();
        back.before[field] = record->value(field);
    }
    if (updated.owner) {
        back.owner = updated.owner_before;
        back.owner_before = record->owner;
    }
    return back;
}

} // namespace

Result<Decision> decide_revert(const Workspace& ws, const User& actor, const RevertBatch& cmd) {
    const EventBatch& batch = cmd.batch;
    BatchToRevert seen;
    for (const auto& event : batch.events)
        if (const auto* created = event.as<events::RecordCreated>())
            seen.created.insert(created->id);
    if (auto status = check_revertible(ws, cmd, seen); !status) return Error{status.error()};
    Decision decision;
    decision.events.push_back(events::BatchReverted{batch.seq, cmd.what});
    // Newest first: what the batch did last is taken back first.
    for (auto it = batch.events.rbegin(); it != batch.events.rend(); ++it) {
        if (const auto* created = it->as<events::RecordCreated>()) {
            auto deleted = undo_create(ws, actor, *created, seen);
            if (!deleted) return Error{deleted.error()};
            decision.events.push_back(std::move(*deleted));
        } else if (const auto* updated = it->as<events::RecordUpdated>()) {
            if (seen.created.count(updated->id)) continue; // deleted above
            auto back = undo_update(ws, actor, *updated);
            if (!back) return Error{back.error()};
            decision.events.push_back(std::move(*back));
        } else if (const auto* deleted = it->as<events::RecordDeleted>()) {
            if (ws.find(deleted->id)) return Error{"Cannot undo: " + deleted->id + " exists again"};
            if (!deleted->record.is_object())
                return Error{"Cannot undo: this journal did not keep the deleted record"};
            if (auto status = check_create(ws, actor, deleted->record.value("owner", "")); !status)
                return Error{status.error()};
            decision.events.push_back(events::RecordRestored{deleted->id, deleted->record});
        }
    }
    return decision;
}

} // namespace crm::detail
