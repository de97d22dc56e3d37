// The journaled workspace store.
//
// Files in the workspace directory:
//   workspace.snapshot   "crm-snapshot 4 seq=N bytes=L checks=C crc32=X\n" + the
//                        workspace in binary (store/snapshot_body.hpp); the checksum
//                        covers the header before it and the body. Its records passed
//                        the checks C names before it was written; a build whose checks
//                        are C does not check them again. Versions 1 and 2 (JSON) and 3
//                        (binary, checked as read) still open.
//   journal-<seq>.log    "crm-journal 2\n" + one line per command: "<crc32> <batch JSON>\n",
//                        then, natively, zero bytes up to the segment limit: the
//                        segment is written zero-filled when it starts and each line
//                        overwrites zeros (Storage::fills_segments_ahead). Version 1
//                        segments, from earlier builds, still read.
//   journal.head         "crm-head 1 seq=N crc32=X\n": the last entry known to be on disk
//   history-journal-<seq>.log  segments compaction folded into the snapshot,
//                        kept as the workspace's history and never replayed
//   device               "crm-device 1 tag=k7m2qx\n": the tag this copy makes ids with
//   *.damaged            damaged files set aside, kept, never read
// An edit is one journal line, synced before it is acknowledged. Segments stay
// small (kDefaultSegmentLimit) because IndexedDB-backed storage rewrites a
// whole file whenever it changes. compact() folds the journal into a new
// snapshot. Opening only reads: damage is reported and left out, and set
// aside by the next write, so a full disk never makes a workspace unreadable.
// The store does not lock: callers keep to one writer per directory (the CLI
// locks the directory, the browser elects one writing tab).
#pragma once

#include "engine/engine.hpp"
#include "store/storage.hpp"
#include "util/result.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace crm {

inline constexpr const char* kSnapshotFile = "workspace.snapshot";
inline constexpr const char* kJournalHeadFile = "journal.head";
inline constexpr const char* kDeviceFile = "device";
inline constexpr const char* kHistoryPrefix = "history-";
// 4: a binary body read record by record, its header naming the checks its
// records passed; 3 (the same body, checked as it opens), 2 (JSON) and 1
// (JSON, seq outside the checksum) still open.
inline constexpr int kSnapshotFormatVersion = 4;
inline constexpr std::size_t kDefaultSegmentLimit = 32 * 1024;
inline constexpr std::size_t kDefaultCompactAfter = 4 * 1024 * 1024;

struct StoreOptions {
    std::size_t segment_limit = kDefaultSegmentLimit; // bytes per journal segment
    std::size_t compact_after = kDefaultCompactAfter; // journal bytes that make compaction due
};

// What the journal and its history say, for `crm history` and the timeline.
struct KeptHistory {
    std::vector<EventBatch> batches;   // oldest first
    BatchOrigins origins;              // every batch kept, wanted or not
    std::vector<std::string> problems; // damaged files or entries, skipped
};

struct OpenReport {
    std::size_t entries_replayed = 0;
    std::vector<std::string> problems; // damage found and left out
};

class WorkspaceStore : public EventSink {
  public:
    explicit WorkspaceStore(Storage& storage, StoreOptions options = {});

    bool exists() const;
    // Starts a new workspace; refuses to overwrite an existing one. Here and
    // in replace() and recover(), `workspace`'s records must have passed an
    // import's checks (every caller's comes from an import or is new): the
    // snapshot says they did, and the next open does not check them again.
    Status create(const Workspace& workspace);
    // Loads snapshot and journal into `engine` and attaches itself as its sink.
    // Reads only: damage is reported, left out, and set aside by the next write.
    Result<OpenReport> open(Engine& engine);
    // Replaces everything with `workspace` (import). Atomic: the new snapshot
    // is the commit point; the old journal is removed only after it.
    Status replace(Engine& engine, Workspace workspace);
    // When the workspace cannot be opened: sets every file aside as *.damaged
    // (kept, never read) and starts over from `workspace` (an imported backup).
    Status recover(Engine& engine, Workspace workspace);
    // Writes a snapshot of the engine's state; the journal it covers is kept
    // as history (renamed, not rewritten: O(1) per segment).
    Status compact(const Engine& engine);
    bool compaction_due() const { return m_journal_bytes >= m_options.compact_after; }
    std::size_t journal_bytes() const { return m_journal_bytes; }

    // Every batch kept here (history and journal) that `wanted` accepts,
    // from the files that may hold batches after `after`. Reads them whole:
    // O(history), for a person asking or a sync, not for each frame.
    KeptHistory read_history(const std::function<bool(const EventBatch&)>& wanted,
                             std::uint64_t after = 0) const;

    // Journals one batch, synced before it returns success.
    Status append(const EventBatch& batch) override;

  private:
    // Damage open() found, set aside by the next write.
    struct Repair {
        struct Cut {
            std::string segment;
            std::size_t keep_bytes = 0; // its intact prefix, kept in place
            bool copied = false;        // the whole file is already kept aside
        };
        std::vector<Cut> cuts;              // copied aside whole first
        std::vector<std::string> set_aside; // later segments, moved aside whole
        bool lower_head = false;            // journal.head names entries that are gone
        bool empty() const { return cuts.empty() && set_aside.empty() && !lower_head; }
    };
    struct SegmentScan;

    Status repair(std::uint64_t last_seq);
    Status cut_segment(Repair::Cut& cut);
    SegmentScan replay_segment(const std::string& name, Engine& engine, OpenReport& report);
    void note_damage(const std::vector<std::string>& segments, std::size_t damaged,
                     const SegmentScan& scan, const Engine& engine, OpenReport& report);
    Status write_snapshot(const std::string& body, std::uint64_t seq);
    std::optional<std::uint64_t> read_head() const;
    void note_head(std::uint64_t seq);
    std::vector<std::string> segment_names() const;
    std::string unused_name(const std::string& wanted) const; // never overwrite what was set aside
    void close_segment();
    Status archive_segments();
    void load_device();
    Status save_device();

    Storage& m_storage;
    StoreOptions m_options;
    Repair m_repair;
    bool m_reopen_needed = false; // an import's commit could not be confirmed
    std::string m_device;
    bool m_device_unsaved = false;
    std::string m_current_segment;
    std::size_t m_current_segment_bytes = 0;
    std::size_t m_journal_bytes = 0;
};

std::string segment_name(std::uint64_t first_seq);

} // namespace crm
