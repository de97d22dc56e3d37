// Resolving a conflict sync found: the conflict queue's command.
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "sync/conflicts.hpp"
#include "sync/merge_checks.hpp"

namespace crm::detail {

namespace {

// A manager has looked at a change merged without its author's permission.
Result<Decision> dismiss_sync_problem(const User& actor, const SyncProblem& problem,
                                      bool keep_other) {
    if (!can_review_exceptions(actor))
        return Error{describe_user(actor) + " cannot dismiss it; managers and admins review "
                                            "what a sync merged"};
    if (problem.kind == kGateProblem)
        return Error{"A record past its gate stays listed until its data passes the gate or it "
                     "moves to another stage"};
    if (keep_other) return Error{"The change is kept; to take it back, change it again"};
    Decision decision;
    decision.record_id = problem.record;
    decision.events.push_back(events::ConflictResolved{problem.id});
    return decision;
}

} // namespace

Result<Decision> decide_resolve_conflict(const Workspace& ws, const User& actor,
                                         const ResolveConflict& command, Instant now) {
    if (const SyncProblem* problem = open_sync_problem(ws, command.conflict))
        return dismiss_sync_problem(actor, *problem, command.keep_other);
    const auto conflict = open_conflict(ws, command.conflict);
    const Record* record = conflict ? ws.find(conflict->record) : nullptr;
    if (!conflict || (record && !can_view(ws, actor, *record)))
        return Error{"There is no open conflict \"" + command.conflict + "\""};
    Decision decision;
    decision.record_id = conflict->record;
    if (conflict->field.empty()) { // a change to a record deleted elsewhere
        if (command.keep_other)
            return Error{"The record was deleted; restore it from history to keep the change"};
        decision.events.push_back(events::ConflictResolved{conflict->id});
        return decision;
    }
    if (!record) return Error{"There is no open conflict \"" + command.conflict + "\""};
    if (auto status = check_update(ws, actor, *record); !status)
        return Error{"Cannot change " + ws.title_of(*record) + ": " + status.error()};
    if (!command.keep_other) {
        decision.events.push_back(
            events::ValueConfirmed{record->id, conflict->field, conflict->kept.value});
        return decision;
    }
    // Keeping the other value is a change like any other: the same checks.
    DecideDetails details;
    if (const auto flow = flow_of_stamp_key(conflict->field)) {
        if (!conflict->other.value.is_string()) return Error{"The other stage is not a stage"};
        // The person chose this side knowing the stage: its warnings are taken as seen.
        return decide_move(ws, actor,
                           MoveRecord{.id = record->id,
                                      .to = conflict->other.value.get<std::string>(),
                                      .flow = *flow,
                                      .confirm_warnings = true},
                           now, details);
    }
    UpdateRecord update{record->id};
    if (conflict->field == kOwnerStampKey) {
        if (!conflict->other.value.is_string()) return Error{"The other owner is not a person"};
        update.owner = conflict->other.value.get<std::string>();
    } else {
        update.fields[conflict->field] = conflict->other.value;
    }
    return decide_update(ws, actor, update, now, details);
}

} // namespace crm::detail
