// Bulk actions on a list's selection: reassign many records, or move many to
// one stage. Each record goes through Engine::apply on its own, with the same
// permissions and gates as a one-at-a-time change (and its own journal entry
// and reactions); one record's refusal never stops the others.
#pragma once

#include "engine/engine.hpp"

#include <optional>
#include <string>
#include <vector>

namespace crm {

struct BulkItem {
    std::string id;
    bool ok = false;
    std::string message;                // on refusal: the engine's message, as for one record
    std::optional<BlockedMove> blocked; // a gate stopped the move: what it misses
    bool not_saved = false;             // accepted, but the journal could not keep it
};

struct BulkResult {
    std::vector<BulkItem> items; // in the order given
    std::size_t done() const;    // how many went through
};

// Hands each record to `owner` ("" unassigns), as UpdateRecord{owner} would.
BulkResult bulk_reassign(Engine& engine, const std::vector<std::string>& ids,
                         const std::string& owner, const std::string& actor, Instant now);

// Moves each record to `to` (a stage, outcome or exit, by id or name) in
// `flow` ("" = each record's only active flow), as MoveRecord would. Blocked
// gates are journaled as attempts, as for one record. `reason` is given to
// every move (exits and some outcomes ask for one).
BulkResult bulk_move(Engine& engine, const std::vector<std::string>& ids, const std::string& flow,
                     const std::string& to, const std::string& actor, Instant now,
                     const std::string& reason = "");

// "3 of 4 done; deal-7: Cannot move ... " for a status line.
std::string describe_bulk(const BulkResult& result);

} // namespace crm
