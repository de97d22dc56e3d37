// What a workspace knows for syncing with its team (docs/sync.md): who wrote
// each value of each record and what they had seen, which batches of other
// devices it holds, and the conflicts among them. Every workspace keeps the
// stamps, synced or not, so that joining a team later changes nothing here.
#pragma once

#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace crm {

// When and where a value was written: the batch's clock (milliseconds since
// 1970, never below the clock of anything its device had seen), its device,
// and its seq there. A greater (clock, device) wins; no two batches share one.
struct Stamp {
    std::uint64_t clock = 0;
    std::string device;
    std::uint64_t seq = 0;
    std::string actor; // who wrote it, and when by its device's clock: for the conflict queue
    Instant at;
    bool wins_over(const Stamp& other) const {
        return std::tie(clock, device) > std::tie(other.clock, other.device);
    }
    bool operator==(const Stamp&) const = default;
};

// device -> the last of its batches a device had applied when it made a batch.
using SeenBatches = std::map<std::string, std::uint64_t>;

// Whether the write stamped `earlier` was seen by the batch that made
// `later` (so `later` replaces it rather than competing with it).
inline bool was_seen(const Stamp& earlier, const Stamp& later, const SeenBatches& later_saw) {
    if (earlier.device.empty()) return true; // before stamps, or an import
    if (earlier.device == later.device) return earlier.seq <= later.seq;
    const auto seen = later_saw.find(earlier.device);
    return seen != later_saw.end() && seen->second >= earlier.seq;
}

// One of the current values of a record's field (owner, stage): the
// writes no later write has seen. More than one is a conflict.
struct Head {
    Stamp stamp;
    nlohmann::json value; // kept only while there is more than one
};

// What a stamp is kept for on a record: a field id, "owner", or
// "flow:<flow id>" for where the record stands in a process. A new record
// keeps one stamp under "" for all its values until they change.
inline std::string flow_stamp_key(const std::string& flow) {
    return "flow:" + flow;
}
// The flow a key names ("flow:sales_pipeline" names "sales_pipeline"), if it names one.
inline std::optional<std::string> flow_of_stamp_key(const std::string& key) {
    const std::string prefix = flow_stamp_key("");
    if (key.rfind(prefix, 0) != 0) return std::nullopt;
    return key.substr(prefix.size());
}
inline constexpr const char* kOwnerStampKey = "owner";
// The workspace's settings (processes, rules, scoring, people, saved views)
// keep their stamps as the values of one record by this id, which is never
// a record's: concurrent changes of one setting end alike everywhere.
inline constexpr const char* kSettingsStampId = "~settings";
inline constexpr const char* kCreatedStampKey = "";

// Whether a record exists is a value with heads of its own (docs/sync.md,
// "Deleted while changed"), so every device decides it alike whatever order
// the batches came in: creating writes "created", restoring "restored",
// deleting "deleted". The record is deleted while a deletion is among the
// heads and no restore has a greater stamp. A creation never undoes a
// deletion: only a record made for a cause can be made on two devices, and
// it is then one record, which the deletion meant. Its heads always keep
// their values; without its own heads, the record's creation stamp stands.
inline constexpr const char* kExistsStampKey = "record:exists";
inline constexpr const char* kCreatedValue = "created";
inline constexpr const char* kRestoredValue = "restored";
inline constexpr const char* kDeletedValue = "deleted";

// The head that stands: the one with the greatest stamp (null when none).
inline const Head* top_head(const std::vector<Head>& heads) {
    const Head* top = nullptr;
    for (const auto& head : heads)
        if (!top || head.stamp.wins_over(top->stamp)) top = &head;
    return top;
}

// The deletion that stands among existence heads, if the record is deleted.
inline const Head* standing_deletion(const std::vector<Head>& heads) {
    const Head* top = nullptr;
    const Head* deletion = nullptr;
    for (const auto& head : heads) {
        if (head.value == kDeletedValue && (!deletion || head.stamp.wins_over(deletion->stamp)))
            deletion = &head;
        if (head.value != kCreatedValue && !head.value.is_null() &&
            (!top || head.stamp.wins_over(top->stamp)))
            top = &head;
    }
    return top && top->value == kDeletedValue ? deletion : nullptr;
}

// The value a stamp key names in a record as record_to_json() writes it:
// a field, the owner, or where it stands in a process (its stage, or its
// outcome once ended).
inline nlohmann::json value_in_record(const nlohmann::json& record, const std::string& key) {
    if (!record.is_object()) return nullptr;
    if (key == kOwnerStampKey) return record.value("owner", "");
    if (const auto flow = flow_of_stamp_key(key)) {
        const auto state =
            record.value("flows", nlohmann::json::object()).value(*flow, nlohmann::json());
        if (!state.is_object()) return "";
        return state.value("status", "") == "active" ? state.value("stage", "")
                                                     : state.value("outcome", "");
    }
    return record.value("fields", nlohmann::json::object()).value(key, nlohmann::json());
}

// One side of a conflict: a value, who wrote it and when.
struct ConflictSide {
    nlohmann::json value; // null: cleared (or, for a deleted record, deleted)
    std::string actor, device;
    Instant at;
    Stamp stamp;
};

// Two devices changed one value without seeing each other's change: the
// value that stands (`kept`, the greater stamp) and the one that lost.
// For a record one device deleted while another changed it, `field` is ""
// and `other` holds the changes.
struct SyncConflict {
    std::string id; // the same on every device that has both changes
    std::string record, field;
    ConflictSide kept, other;
    bool resolved = false;
};

// A change merged from another device that breaks a rule here (docs/sync.md,
// "Merges that break a rule"): a record left past its stage's gate, or a
// change its author's role does not allow. The change is kept, as its own
// device acknowledged it and every device holds it alike, and the exception
// queues list it for a manager.
struct SyncProblem {
    std::string id;            // from its cause: the same on every device that finds it
    std::string kind;          // "gate" or "permission"
    std::string record;        // "" for a change to the workspace's settings
    std::string flow, stage;   // a gate's: where the record stands without its data
    std::string why;           // a permission's: why the author may not, in words
    std::string actor, device; // whose change it was
    Instant at;
    bool operator==(const SyncProblem&) const = default;
};
inline constexpr const char* kGateProblem = "gate";
inline constexpr const char* kPermissionProblem = "permission";

struct TeamSync {
    std::uint64_t clock = 0; // the highest clock seen
    // The team database this workspace syncs with ("" until it joins one).
    std::string database;
    SeenBatches applied;              // per other device, the last of its batches applied here
    std::uint64_t pushed_through = 0; // this device's batches up to this seq are on the server
    // The seq the workspace was replaced at on this device (by joining): the
    // batches before it belong to the workspace it replaced, never to a team.
    std::uint64_t joined_after = 0;
    std::string since = "0"; // where the server's change feed was read up to
    // record id -> stamp key -> its current heads (usually one).
    std::unordered_map<std::string, std::map<std::string, std::vector<Head>>> heads;
    std::set<std::pair<std::string, std::string>> conflicted; // (record, key) with 2+ heads
    std::map<std::string, Stamp> deleted;                     // record id -> its deletion
    std::vector<SyncConflict> deletions; // changes to records deleted elsewhere, in the order found
    std::vector<SyncProblem> problems;   // merges that broke a rule, in the order found
    std::set<std::string> resolved;      // ids of deletion conflicts and problems someone dismissed
    // flow -> removed stage -> the stage its records were mapped to, so that
    // a move into it made meanwhile elsewhere goes there too, on every device.
    std::map<std::string, std::map<std::string, std::string>> retired_stages;

    // This device's batches after this seq are the team's and not on its server yet.
    std::uint64_t unsent_after() const { return std::max(pushed_through, joined_after); }

    // The heads of one value: its own, or the record's creation stamp.
    const std::vector<Head>* heads_of(const std::string& record, const std::string& key) const {
        const auto found = heads.find(record);
        if (found == heads.end()) return nullptr;
        auto of_key = found->second.find(key);
        if (of_key == found->second.end()) of_key = found->second.find(kCreatedStampKey);
        return of_key == found->second.end() ? nullptr : &of_key->second;
    }
    // The stamp of the value that stands.
    Stamp stamp_of(const std::string& record, const std::string& key) const {
        const auto* found = heads_of(record, key);
        const Head* top = found ? top_head(*found) : nullptr;
        return top ? top->stamp : Stamp{};
    }
};

} // namespace crm
