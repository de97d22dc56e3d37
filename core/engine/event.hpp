// Events: the facts a command produced. They are journaled in batches (one
// batch per command) and are the only way state changes after load.
#pragma once

#include "model/workspace.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace crm {

// Event kinds and their data:
//   record.created  {id, type, owner, fields}
//   record.updated  {id, fields (changed values; null clears), owner?}
//   record.deleted  {id}
//   schema.field_added {type, field}
//   schema.type_added  {type}
//   process.started {id, flow, stage}, process.moved {id, flow, from, to, ...},
//   process.ended {id, flow, status, outcome, reason?}, process.spawned {id, flow, record},
//   process.move_blocked {id, flow, to, missing, failing}: an attempt its gate stopped
//   process.definitions_changed {flows, mapping?}
//   sla.breached {id, policy, due, recipients, escalated_to?}
//   sla.paused / sla.resumed {id, policy}: the clock stands still from the batch's time
//   automation.failed {id, automation, reason}: kept on the record until it runs
//   automation.cleared {id, automation}: no longer wanted (its start condition went false)
struct Event {
    std::string kind;
    nlohmann::json data;
};

// Everything one command did, as one atomic journal entry.
struct EventBatch {
    std::uint64_t seq = 0;
    Instant at;
    std::string actor;
    std::vector<Event> events;
};

nlohmann::json batch_to_json(const EventBatch& batch);
Result<EventBatch> batch_from_json(const nlohmann::json& json);

// Checks that a batch fits the workspace (ids exist or are new, types known)
// without changing it. apply_batch() runs it first.
Status check_batch(const Workspace& workspace, const EventBatch& batch);

// Applies one batch to the workspace. Replay uses the same function, so a
// batch that no longer fits (damaged journal) is reported, not half-applied.
Status apply_batch(Workspace& workspace, const EventBatch& batch);

} // namespace crm
