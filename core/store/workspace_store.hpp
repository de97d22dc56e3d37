// The journaled workspace store.
//
// Files in the workspace directory:
//   workspace.snapshot        "crm-snapshot 1 seq=N crc32=XXXXXXXX\n" + the workspace JSON
//   journal-<first seq>.log   "crm-journal 1\n" + one line per command:
//                             "<crc32 hex> <batch JSON>\n"
// Appending an edit writes one line to the newest segment; segments stay
// small (kDefaultSegmentLimit) because IndexedDB-backed storage rewrites a
// whole file whenever it changes. compact() folds the journal into a new
// snapshot. On open, a torn or damaged entry is reported, it and everything
// after it are set aside as *.damaged files, and all earlier data is kept.
#pragma once

#include "engine/engine.hpp"
#include "store/storage.hpp"
#include "util/result.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace crm {

inline constexpr const char* kSnapshotFile = "workspace.snapshot";
inline constexpr int kStoreFormatVersion = 1;
inline constexpr std::size_t kDefaultSegmentLimit = 32 * 1024;
inline constexpr std::size_t kDefaultCompactAfter = 4 * 1024 * 1024;

struct StoreOptions {
    std::size_t segment_limit = kDefaultSegmentLimit; // bytes per journal segment
    std::size_t compact_after = kDefaultCompactAfter; // journal bytes that make compaction due
};

struct OpenReport {
    std::size_t entries_replayed = 0;
    std::vector<std::string> problems; // damaged entries found and set aside
};

class WorkspaceStore : public EventSink {
  public:
    explicit WorkspaceStore(Storage& storage, StoreOptions options = {});

    bool exists() const;
    // Starts a new workspace; refuses to overwrite an existing one.
    Status create(const Workspace& workspace);
    // Loads snapshot and journal into `engine` and attaches itself as its sink.
    Result<OpenReport> open(Engine& engine);
    // Replaces everything with `workspace` (import). Atomic: the new snapshot
    // is the commit point; the old journal is removed only after it.
    Status replace(Engine& engine, Workspace workspace);
    // When the workspace cannot be opened: sets every file aside as *.damaged
    // (kept, never read) and starts over from `workspace` (an imported backup).
    Status recover(Engine& engine, Workspace workspace);
    // Writes a snapshot of the engine's state and drops the journal it covers.
    Status compact(const Engine& engine);
    bool compaction_due() const { return m_journal_bytes >= m_options.compact_after; }
    std::size_t journal_bytes() const { return m_journal_bytes; }

    Status append(const EventBatch& batch) override;

  private:
    Status write_snapshot(const Workspace& workspace, std::uint64_t seq);
    std::vector<std::string> segment_names() const;
    std::string unused_name(const std::string& wanted) const; // never overwrite what was set aside
    Status remove_segments();

    Storage& m_storage;
    StoreOptions m_options;
    std::string m_current_segment;
    std::size_t m_current_segment_bytes = 0;
    std::size_t m_journal_bytes = 0;
};

std::string segment_name(std::uint64_t first_seq);

} // namespace crm
