// What a merge may break here (docs/sync.md, "Merges that break a rule"): a
// change its author's role does not allow, and a record left past a gate by
// changes that each passed on their own device. Both are kept, as their
// devices acknowledged them, and listed in the exception queues.
#pragma once

#include "engine/event.hpp"
#include "model/workspace.hpp"

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace crm {

// The changes in `remote` its author may not make here, judged as the
// workspace stands before they merge: one problem per record (and one for
// the settings). A change to a record whose owner changed meanwhile, unseen
// by the author, is not judged: its device saw the record as it was.
// Automation's batches are not judged.
std::vector<SyncProblem> permission_problems(const Workspace& workspace, const EventBatch& remote);

// A record standing at a stage whose blocking gate its data does not pass.
struct PastGate {
    std::string record, flow, stage;
    // (The web build's library has no <=> for strings.)
    bool operator<(const PastGate& other) const {
        return std::tie(record, flow, stage) < std::tie(other.record, other.flow, other.stage);
    }
};
// The records a batch names.
std::set<std::string> records_named(const EventBatch& batch);
// Where the records `ids` stand past a gate.
std::set<PastGate> records_past_gates(const Workspace& workspace, const std::set<std::string>& ids,
                                      Instant now);
// The gates merging `remote` left its records `ids` past that `before`
// (records_past_gates() before it merged) did not hold.
std::vector<SyncProblem> gate_problems(const Workspace& workspace, const EventBatch& remote,
                                       const std::set<std::string>& ids,
                                       const std::set<PastGate>& before, Instant now);

// The sync problem `id` names, unless someone dismissed it.
const SyncProblem* open_sync_problem(const Workspace& workspace, const std::string& id);

// Whether a gate problem still holds: the record stands where it did, and
// its data still does not pass the gate.
bool still_past_gate(const Workspace& workspace, const SyncProblem& problem, Instant now);

} // namespace crm
