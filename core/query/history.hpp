// A record's timeline, read from the kept journal: what happened to it, in
// words a person reads, with who (a person, or automation and what it
// answered) and when. Built on demand from WorkspaceStore::read_history().
#pragma once

#include "engine/event.hpp"
#include "model/workspace.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace crm {

struct TimelineEntry {
    Instant at;
    std::uint64_t seq = 0;
    std::string device;
    std::string actor; // a user id, or kAutomationActor
    std::string by;    // "Ana Reyes", "automation (Sales pipeline start), after Ana Reyes's change"
    std::string kind;  // the event's kind: "record.updated"
    std::string what;  // "Amount: USD 12,000 → USD 15,000"
    nlohmann::json data; // the event as journaled
};

// Whether a batch says anything about `record_id`: its own events, or a
// record created or changed to refer to it (a task or activity on it).
bool batch_mentions(const EventBatch& batch, const std::string& record_id);

// The records merged into `record_id` by merges that still stand (and into
// those): their past is part of the record's timeline. Read the journal
// again for the batches that mention them (service/record_history.hpp).
std::vector<std::string> merged_into(const std::vector<EventBatch>& batches,
                                     const std::string& record_id);

// The record's timeline, oldest first, from batches that mention it or a
// record merged into it (whose lines begin with that record's title).
std::vector<TimelineEntry> record_timeline(const Workspace& workspace,
                                           const std::vector<EventBatch>& batches,
                                           const BatchOrigins& origins,
                                           const std::string& record_id);

// The record as its deletion kept it (for restore), from the newest deletion
// in `batches`; null when none is kept.
nlohmann::json deleted_record(const std::vector<EventBatch>& batches, const std::string& record_id);

} // namespace crm
