// What a workspace knows for syncing with its team (docs/sync.md): who last
// wrote each field of each record, which batches of other devices it holds,
// and the conflicts found while merging them. Every workspace keeps the
// stamps, synced or not, so that joining a team later changes nothing here.
#pragma once

#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <compare>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace crm {

// When and where a value was written: the batch's clock (milliseconds since
// 1970, never below the clock of anything its device had seen) and its
// device. A greater stamp wins; no two batches share one.
struct Stamp {
    std::uint64_t clock = 0;
    std::string device;
    std::string actor; // who wrote it, for the conflict queue (not compared first)
    auto operator<=>(const Stamp&) const = default;
    bool operator==(const Stamp&) const = default;
};

// What a stamp is kept for on a record: a field id, "owner", or
// "flow:<flow id>" for where the record stands in a process.
inline std::string flow_stamp_key(const std::string& flow) {
    return "flow:" + flow;
}
inline constexpr const char* kOwnerStampKey = "owner";

// One side of a conflict: a value, who wrote it and when.
struct ConflictSide {
    nlohmann::json value; // null: cleared
    std::string actor, device;
    Instant at;
    Stamp stamp;
};

// Two devices changed the same field of a record without seeing each other's
// change. The greater stamp's value stands (`kept`); `other` is what lost.
struct SyncConflict {
    std::string id; // from the record, field and both stamps: the same on every device
    std::string record, field;
    ConflictSide kept, other;
    bool resolved = false;
};

struct TeamSync {
    std::uint64_t clock = 0; // the highest clock seen
    // The team database this workspace syncs with ("" until it joins one).
    std::string database;
    // Per other device, the last of its batches applied here (all before it are).
    std::map<std::string, std::uint64_t> applied;
    std::uint64_t pushed_through = 0; // this device's batches up to this seq are on the server
    std::string since = "0";          // where the server's change feed was read up to
    // record id -> stamp key -> the stamp of its current value. A key without
    // a stamp was last written before stamps existed, or by an import.
    std::unordered_map<std::string, std::map<std::string, Stamp>> stamps;
    std::vector<SyncConflict> conflicts; // in the order found
    std::set<std::string> resolved;      // conflict ids someone resolved, perhaps elsewhere

    Stamp stamp_of(const std::string& record, const std::string& key) const {
        const auto found = stamps.find(record);
        if (found == stamps.end()) return {};
        auto stamp = found->second.find(key);
        if (stamp == found->second.end()) stamp = found->second.find(""); // as created
        return stamp == found->second.end() ? Stamp{} : stamp->second;
    }
    std::size_t open_conflicts() const {
        std::size_t open = 0;
        for (const auto& conflict : conflicts)
            open += !conflict.resolved;
        return open;
    }
};

} // namespace crm
