#include "store/workspace_store.hpp"

#include "io/workspace_json.hpp"
#include "store/snapshot_body.hpp"
#include "util/crc32.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

namespace crm {

namespace {

// Segments written now say version 2 (batches with device, cause and the
// values changes replaced); version 1 segments still read.
constexpr const char* kJournalHeader = "crm-journal 2\n";
constexpr std::size_t kJournalHeaderBytes = 14;

bool has_journal_header(std::string_view content) {
    return content.substr(0, kJournalHeaderBytes) == kJournalHeader ||
           content.substr(0, kJournalHeaderBytes) == "crm-journal 1\n";
}
constexpr const char* kSegmentPrefix = "journal-";
constexpr const char* kSegmentSuffix = ".log";
// A journal entry wraps what a command carried ({"events":[{"data":{"flows":...}}]}):
// whatever a document may nest, its entry may nest this much more.
constexpr std::size_t kJournalNesting = 8;

std::string hex32(std::uint32_t value) {
    char buffer[9];
    std::snprintf(buffer, sizeof buffer, "%08x", value);
    return buffer;
}

// Where a segment's entries end. A segment may be written zero-filled ahead
// (Storage::fills_segments_ahead): its entries end where only zeros follow.
bool entries_end_at(std::string_view content, std::size_t pos) {
    return pos >= content.size() ||
           (content[pos] == '\0' && content.find_first_not_of('\0', pos) == std::string_view::npos);
}

// A journal line as read: whole, torn by a crash (only ever the last one
// written), or damaged since.
struct EntryRead {
    enum class State { Whole, Torn, Damaged } state;
    std::string_view line; // when whole: the entry, without its newline
};

// The entry starting at `pos`. A write cut short leaves a line without its
// newline; one that landed only in part in space filled ahead leaves zeros
// in it (an entry holds no zero byte: JSON escapes it), which only the last
// line may show.
EntryRead entry_at(std::string_view content, std::size_t pos) {
    const auto end = content.find('\n', pos);
    if (end == std::string_view::npos) return {EntryRead::State::Torn, {}};
    const std::string_view line = content.substr(pos, end - pos);
    if (line.find('\0') == std::string_view::npos) return {EntryRead::State::Whole, line};
    return {entries_end_at(content, end + 1) ? EntryRead::State::Torn : EntryRead::State::Damaged,
            {}};
}

bool is_segment(const std::string& name) {
    return name.rfind(kSegmentPrefix, 0) == 0 && name.size() > 12 &&
           name.compare(name.size() - 4, 4, kSegmentSuffix) == 0;
}

std::uint64_t first_seq(const std::string& segment) {
    return std::strtoull(segment.c_str() + std::strlen(kSegmentPrefix), nullptr, 10);
}

struct Snapshot {
    std::uint64_t seq = 0;
    std::string_view body;
    int version = kSnapshotFormatVersion;
    // Version 4: the record_checks_fingerprint() of the build that wrote it.
    std::optional<std::uint32_t> checked_by;
};

// Versions 2 to 4 checksum their header's seq and length together with the
// body; version 1 (seq outside the checksum) is still read. Versions 1 and 2
// hold the workspace as JSON, versions 3 and 4 in binary
// (store/snapshot_body.hpp). Version 4 names the checks its records passed
// (record_checks_fingerprint()): when they are this build's, its records are
// not checked again (RecordChecks::PassedBefore). Earlier versions, and
// snapshots other checks passed, are checked as they are read.
Result<Snapshot> parse_snapshot(std::string_view text) {
    const auto newline = text.find('\n');
    if (newline == std::string_view::npos || newline > 200)
        return Error{"workspace.snapshot has no valid header; it is not a workspace file"};
    const std::string header(text.substr(0, newline));
    Snapshot snapshot{0, text.substr(newline + 1)};
    unsigned long long seq = 0, bytes = 0;
    unsigned int crc = 0;
    int version = 0;
    if (std::sscanf(header.c_str(), "crm-snapshot %d", &version) != 1)
        return Error{"workspace.snapshot has no valid header; it is not a workspace file"};
    if (version == 1 &&
        std::sscanf(header.c_str(), "crm-snapshot 1 seq=%llu crc32=%8x", &seq, &crc) == 2) {
        if (crc32(snapshot.body) != crc)
            return Error{"workspace.snapshot is damaged (checksum mismatch); it was left as it is"};
        snapshot.seq = seq;
        snapshot.version = 1;
        return snapshot;
    }
    if (version < 1 || version > kSnapshotFormatVersion)
        return Error{"workspace.snapshot has format version " + std::to_string(version) +
                     "; this build reads versions 1 to " + std::to_string(kSnapshotFormatVersion)};
    snapshot.version = version;
    const auto checksum_at = header.find(" crc32=");
    unsigned int checks = 0;
    const bool parsed =
        version >= 4 ? std::sscanf(header.c_str(),
                                   "crm-snapshot %*d seq=%llu bytes=%llu checks=%8x crc32=%8x",
                                   &seq, &bytes, &checks, &crc) == 4
                     : std::sscanf(header.c_str(), "crm-snapshot %*d seq=%llu bytes=%llu crc32=%8x",
                                   &seq, &bytes, &crc) == 3;
    if (!parsed || checksum_at == std::string::npos)
        return Error{"workspace.snapshot has a damaged header; it was left as it is"};
    if (version >= 4) snapshot.checked_by = checks;
    if (crc32_extend(crc32(header.substr(0, checksum_at) + "\n"), snapshot.body) != crc)
        return Error{"workspace.snapshot is damaged (checksum mismatch); it was left as it is"};
    if (bytes != snapshot.body.size())
        return Error{"workspace.snapshot is damaged: its header says " + std::to_string(bytes) +
                     " bytes, it holds " + std::to_string(snapshot.body.size()) +
                     "; it was left as it is"};
    snapshot.seq = seq;
    return snapshot;
}

Result<Workspace> read_snapshot_body(const Snapshot& snapshot) {
    const RecordChecks checks = snapshot.checked_by == record_checks_fingerprint()
                                    ? RecordChecks::PassedBefore
                                    : RecordChecks::All;
    auto workspace = snapshot.version >= 3 ? decode_snapshot_body(snapshot.body, checks)
                                           : import_workspace(snapshot.body);
    if (!workspace) return Error{"workspace.snapshot: " + workspace.error()};
    return workspace;
}

std::string snapshot_text(const std::string& body, std::uint64_t seq) {
    const std::string header =
        "crm-snapshot " + std::to_string(kSnapshotFormatVersion) + " seq=" + std::to_string(seq) +
        " bytes=" + std::to_string(body.size()) + " checks=" + hex32(record_checks_fingerprint());
    const std::uint32_t crc = crc32_extend(crc32(header + "\n"), body);
    return header + " crc32=" + hex32(crc) + "\n" + body;
}

// 30 random bits as six letters and digits (no 0/1/i/l/o to misread): ids
// made on two devices differ by this tag.
std::string new_device_tag() {
    static constexpr char kAlphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
    std::random_device random;
    std::uint32_t bits = random();
    std::string tag;
    for (int i = 0; i < 6; ++i, bits /= 31)
        tag += kAlphabet[bits % 31];
    return tag;
}

std::string device_text(const std::string& tag) {
    return "crm-device 1 tag=" + tag + "\n";
}

std::string head_text(std::uint64_t seq) {
    const std::string line = "crm-head 1 seq=" + std::to_string(seq);
    return line + " crc32=" + hex32(crc32(line)) + "\n";
}

} // namespace

std::string segment_name(std::uint64_t first_seq) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s%012llu%s", kSegmentPrefix,
                  static_cast<unsigned long long>(first_seq), kSegmentSuffix);
    return buffer;
}

WorkspaceStore::WorkspaceStore(Storage& storage, StoreOptions options)
    : m_storage(storage), m_options(options) {}

bool WorkspaceStore::exists() const {
    return m_storage.exists(kSnapshotFile);
}

std::vector<std::string> WorkspaceStore::segment_names() const {
    std::vector<std::string> names;
    for (auto& name : m_storage.list())
        if (is_segment(name)) names.push_back(name);
    return names; // sorted: the zero-padded first seq orders them
}

std::string WorkspaceStore::unused_name(const std::string& wanted) const {
    std::string name = wanted;
    for (int n = 2; m_storage.exists(name); ++n)
        name = wanted + "." + std::to_string(n);
    return name;
}

Status WorkspaceStore::write_snapshot(const std::string& body, std::uint64_t seq) {
    return m_storage.write_atomic(kSnapshotFile, snapshot_text(body, seq));
}

// journal.head is a hint, written after each synced append and never synced
// itself: after a power cut it may be older than the journal, never newer. A
// journal that ends before it lost entries it had kept.
std::optional<std::uint64_t> WorkspaceStore::read_head() const {
    if (!m_storage.exists(kJournalHeadFile)) return std::nullopt;
    const auto text = m_storage.read(kJournalHeadFile);
    unsigned long long seq = 0;
    if (!text || std::sscanf(text->c_str(), "crm-head 1 seq=%llu", &seq) != 1 ||
        *text != head_text(seq))
        return std::nullopt; // torn by a power cut: no hint
    return seq;
}

void WorkspaceStore::note_head(std::uint64_t seq) {
    m_storage.write(kJournalHeadFile, head_text(seq), Sync::No); // a hint: failure costs nothing
}

// The device tag this directory makes ids with. A workspace from before
// tags (or whose file is damaged) gets a new one, written by the next write.
void WorkspaceStore::load_device() {
    m_device_unsaved = false;
    if (m_storage.exists(kDeviceFile)) {
        const auto text = m_storage.read(kDeviceFile);
        char tag[16] = {};
        if (text && std::sscanf(text->c_str(), "crm-device 1 tag=%12[a-z0-9]", tag) == 1 &&
            *text == device_text(tag) && is_device_tag(tag)) {
            m_device = tag;
            return;
        }
    }
    m_device = new_device_tag();
    m_device_unsaved = true;
}

Status WorkspaceStore::save_device() {
    if (!m_device_unsaved) return Status::success();
    if (auto status = m_storage.write_atomic(kDeviceFile, device_text(m_device)); !status)
        return status;
    m_device_unsaved = false;
    return Status::success();
}

// The current segment takes no more entries. What is kept of it is what was
// written, not the space filled ahead; unsynced, as it reads the same either
// way. A failed cut only leaves zeros that readers skip.
void WorkspaceStore::close_segment() {
    if (!m_current_segment.empty() && m_storage.fills_segments_ahead())
        m_storage.truncate(m_current_segment, m_current_segment_bytes);
    m_current_segment.clear();
    m_current_segment_bytes = 0;
}

Status WorkspaceStore::archive_segments() {
    close_segment(); // whatever happens below, the next append starts a fresh one
    m_journal_bytes = 0;
    for (const auto& name : segment_names())
        if (auto status = m_storage.rename(name, unused_name(kHistoryPrefix + name)); !status)
            return status;
    return m_storage.sync_directory();
}

Status WorkspaceStore::create(const Workspace& workspace) {
    if (exists()) return Error{"a workspace already exists here"};
    // A journal without its snapshot cannot be read, but it is kept, never deleted.
    for (const auto& name : segment_names())
        if (auto status = m_storage.rename(name, unused_name(name + ".damaged")); !status)
            return status;
    if (auto status = m_storage.remove(kJournalHeadFile); !status) return status;
    load_device();
    if (auto status = save_device(); !status) return status;
    return write_snapshot(encode_snapshot_body(workspace), 0);
}

struct WorkspaceStore::SegmentScan {
    std::size_t good_bytes = 0; // length of the intact prefix: its entries' end
    bool readable = false;
    bool current_format = false; // a version 1 segment takes no new entries
    std::string problem;         // empty when the whole segment was read
};

WorkspaceStore::SegmentScan WorkspaceStore::replay_segment(const std::string& name, Engine& engine,
                                                           OpenReport& report) {
    SegmentScan scan;
    auto content = m_storage.read(name);
    if (!content) {
        scan.problem = content.error();
        return scan;
    }
    scan.readable = true;
    scan.current_format = content->rfind(kJournalHeader, 0) == 0;
    if (!has_journal_header(*content)) {
        scan.problem = name + " does not start with a journal header";
        return scan;
    }
    std::size_t pos = scan.good_bytes = kJournalHeaderBytes;
    for (std::size_t entry = 1; !entries_end_at(*content, pos); ++entry) {
        const auto read = entry_at(*content, pos);
        const std::string where =
            name + ", entry " + std::to_string(entry) + " (byte " + std::to_string(pos) + ")";
        if (read.state == EntryRead::State::Torn) {
            scan.problem = where + " is incomplete (torn write)";
            return scan;
        }
        if (read.state == EntryRead::State::Damaged) {
            scan.problem = where + " is damaged (zero bytes in its text)";
            return scan;
        }
        const std::string_view line = read.line;
        if (line.size() < 10 || line[8] != ' ') {
            scan.problem = where + " is malformed";
            return scan;
        }
        const std::string_view payload = line.substr(9);
        if (std::strtoul(std::string(line.substr(0, 8)).c_str(), nullptr, 16) != crc32(payload)) {
            scan.problem = where + " is damaged (checksum mismatch)";
            return scan;
        }
        auto json = parse_json_text(payload, kMaxJsonDepth + kJournalNesting);
        auto batch = json ? batch_from_json(*json) : Result<EventBatch>(Error{json.error()});
        if (!batch) {
            scan.problem = where + ": " + batch.error();
            return scan;
        }
        if (batch->seq > engine.last_seq() + 1) {
            scan.problem = where + " is entry " + std::to_string(batch->seq) + ", but entries " +
                           std::to_string(engine.last_seq() + 1) + " to " +
                           std::to_string(batch->seq - 1) +
                           " are missing (a journal segment was removed or cut short)";
            return scan;
        }
        if (batch->seq == engine.last_seq() + 1) { // earlier ones are in the snapshot
            if (auto status = engine.replay(*batch); !status) {
                scan.problem = where + " cannot be applied: " + status.error();
                return scan;
            }
            ++report.entries_replayed;
        }
        pos += line.size() + 1;
        scan.good_bytes = pos;
    }
    return scan;
}

Result<OpenReport> WorkspaceStore::open(Engine& engine) {
    if (!exists()) return Error{"no workspace here (workspace.snapshot is missing)"};
    auto text = m_storage.read(kSnapshotFile);
    if (!text) return Error{text.error()};
    auto snapshot = parse_snapshot(*text);
    if (!snapshot) return Error{snapshot.error()};
    auto workspace = read_snapshot_body(*snapshot);
    if (!workspace) return Error{workspace.error()};
    const std::uint64_t snapshot_seq = snapshot->seq;
    text->clear();
    text->shrink_to_fit();

    engine.load(std::move(*workspace), snapshot_seq);
    load_device();
    engine.set_device(m_device);
    OpenReport report;
    m_repair = Repair{};
    m_reopen_needed = false;
    m_journal_bytes = 0;
    m_current_segment.clear();
    m_current_segment_bytes = 0;

    const auto segments = segment_names();
    for (std::size_t s = 0; s < segments.size(); ++s) {
        const SegmentScan scan = replay_segment(segments[s], engine, report);
        if (scan.problem.empty()) {
            m_journal_bytes += scan.good_bytes;
            m_current_segment = scan.current_format ? segments[s] : std::string();
            m_current_segment_bytes = scan.good_bytes;
            continue;
        }
        note_damage(segments, s, scan, engine, report);
        // A later segment that starts right after the last good entry was written
        // after an earlier repair: it follows on, so it is read as usual.
        if (s + 1 < segments.size() && first_seq(segments[s + 1]) == engine.last_seq() + 1)
            continue;
        break;
    }
    // Damage already reported explains the loss; otherwise the head tells of
    // a journal cut short with nothing torn to show for it.
    if (const auto head = read_head(); head && *head > engine.last_seq()) {
        m_repair.lower_head = true;
        if (report.problems.empty())
            report.problems.push_back(
                "the journal was saved up to entry " + std::to_string(*head) +
                " but can be read only up to entry " + std::to_string(engine.last_seq()) +
                ": the changes after it are missing (the journal was cut short)");
    }
    engine.set_sink(this);
    return report;
}

// Plans to set the damaged part aside and says what was left out.
void WorkspaceStore::note_damage(const std::vector<std::string>& segments, std::size_t damaged,
                                 const SegmentScan& scan, const Engine& engine,
                                 OpenReport& report) {
    const std::string& name = segments[damaged];
    m_repair.cuts.push_back({name, scan.readable ? scan.good_bytes : 0});
    m_current_segment.clear(); // the next append opens a fresh segment
    m_journal_bytes += scan.good_bytes > kJournalHeaderBytes ? scan.good_bytes : 0;
    const std::string aside = unused_name(name + ".damaged");
    const bool follows_on =
        damaged + 1 < segments.size() && first_seq(segments[damaged + 1]) == engine.last_seq() + 1;
    if (follows_on) {
        report.problems.push_back(scan.problem + "; the damaged part is left out (kept as " +
                                  aside + " at the next change)");
        return;
    }
    std::string kept = aside;
    for (std::size_t later = damaged + 1; later < segments.size(); ++later) {
        m_repair.set_aside.push_back(segments[later]);
        kept += ", " + unused_name(segments[later] + ".damaged");
    }
    report.problems.push_back(scan.problem + "; it and everything after it are left out (kept as " +
                              kept + " at the next change)");
}

// Sets aside what open() found damaged: a copy of each damaged segment first,
// then its intact prefix in place, so a crash midway loses nothing. Each step
// leaves the plan once done, so a failed repair (a full disk) is taken up
// again where it stopped by the next write.
Status WorkspaceStore::repair(std::uint64_t last_seq) {
    if (m_reopen_needed)
        return Error{"an import could not be confirmed on disk; open the workspace again"};
    if (m_repair.empty()) return Status::success();
    if (m_repair.lower_head) {
        // Durably: a higher head coming back after a power cut would report a loss.
        if (auto status = m_storage.write_atomic(kJournalHeadFile, head_text(last_seq)); !status)
            return status;
        m_repair.lower_head = false;
    }
    while (!m_repair.cuts.empty()) {
        if (auto status = cut_segment(m_repair.cuts.front()); !status) return status;
        m_repair.cuts.erase(m_repair.cuts.begin());
    }
    while (!m_repair.set_aside.empty()) {
        const std::string segment = m_repair.set_aside.front();
        if (m_storage.exists(segment))
            if (auto status = m_storage.rename(segment, unused_name(segment + ".damaged")); !status)
                return status;
        m_repair.set_aside.erase(m_repair.set_aside.begin());
    }
    return m_storage.sync_directory();
}

Status WorkspaceStore::cut_segment(Repair::Cut& cut) {
    if (!m_storage.exists(cut.segment)) return Status::success();
    auto content = m_storage.read(cut.segment);
    if (!content) return m_storage.rename(cut.segment, unused_name(cut.segment + ".damaged"));
    if (!cut.copied) {
        if (auto status = m_storage.write_atomic(unused_name(cut.segment + ".damaged"), *content);
            !status)
            return status;
        cut.copied = true;
    }
    if (cut.keep_bytes <= kJournalHeaderBytes) return m_storage.remove(cut.segment);
    return m_storage.write_atomic(cut.segment, content->substr(0, cut.keep_bytes));
}

Status WorkspaceStore::append(const EventBatch& batch) {
    if (auto status = repair(batch.seq - 1); !status) return status;
    // Before any id made with it is acknowledged.
    if (auto status = save_device(); !status) return status;
    // The checksum goes in front of the text it covers; an import's line is
    // tens of megabytes, so it is built once rather than copied into place.
    std::string line = hex32(0) + " ";
    const std::size_t payload_at = line.size();
    append_batch_text(line, batch);
    line.replace(0, payload_at - 1, hex32(crc32(std::string_view(line).substr(payload_at))));
    line += '\n';
    if (m_current_segment.empty() ||
        m_current_segment_bytes + line.size() > m_options.segment_limit) {
        const std::string name = segment_name(batch.seq);
        std::string start = kJournalHeader;
        if (m_storage.fills_segments_ahead()) start.resize(m_options.segment_limit, '\0');
        if (auto status = m_storage.write_atomic(name, start); !status) return status;
        close_segment(); // only now: a refused edit changes no file
        m_current_segment = name;
        m_current_segment_bytes = kJournalHeaderBytes;
        m_journal_bytes += m_current_segment_bytes;
    }
    if (auto status =
            m_storage.write_at(m_current_segment, m_current_segment_bytes, line, Sync::Yes);
        !status) {
        // Cut off a possibly torn line; if even that fails, the next write sets it aside.
        if (!m_storage.truncate(m_current_segment, m_current_segment_bytes)) {
            m_repair.cuts.push_back({m_current_segment, m_current_segment_bytes});
            m_current_segment.clear();
        }
        return status;
    }
    m_current_segment_bytes += line.size();
    m_journal_bytes += line.size();
    note_head(batch.seq);
    return Status::success();
}

namespace {

// The journal and history files in seq order, without those whose every
// entry is at most `after`: a file ends before the next one starts.
std::vector<std::string> files_after(std::vector<std::string> names, std::uint64_t after) {
    std::vector<std::pair<std::uint64_t, std::string>> files;
    for (auto& name : names) {
        const bool history = name.rfind(kHistoryPrefix, 0) == 0;
        if (!history && !is_segment(name)) continue;
        const std::string segment = history ? name.substr(std::strlen(kHistoryPrefix)) : name;
        // A name that gives no seq (a copy set aside) is read whatever `after` is.
        files.emplace_back(is_segment(segment) ? first_seq(segment) : 0, std::move(name));
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const bool all_before = i + 1 < files.size() && files[i].first != 0 &&
                                files[i + 1].first != 0 && files[i + 1].first <= after + 1;
        if (!all_before) kept.push_back(std::move(files[i].second));
    }
    return kept;
}

} // namespace

KeptHistory WorkspaceStore::read_history(const std::function<bool(const EventBatch&)>& wanted,
                                         std::uint64_t after) const {
    KeptHistory history;
    for (const auto& name : files_after(m_storage.list(), after)) {
        auto content = m_storage.read(name);
        if (!content) {
            history.problems.push_back(content.error());
            continue;
        }
        if (!has_journal_header(*content)) {
            history.problems.push_back(name + " does not start with a journal header");
            continue;
        }
        for (std::size_t pos = kJournalHeaderBytes; !entries_end_at(*content, pos);) {
            const auto entry = entry_at(*content, pos);
            if (entry.state != EntryRead::State::Whole) break; // open() reports it
            const std::string_view line = entry.line;
            pos += line.size() + 1;
            if (line.size() < 10 || line[8] != ' ' ||
                std::strtoul(std::string(line.substr(0, 8)).c_str(), nullptr, 16) !=
                    crc32(line.substr(9))) {
                history.problems.push_back(name +
                                           " has a damaged entry; the rest of it is skipped");
                break;
            }
            auto json = parse_json_text(line.substr(9), kMaxJsonDepth + kJournalNesting);
            auto batch = json ? batch_from_json(*json) : Result<EventBatch>(Error{json.error()});
            if (!batch) {
                history.problems.push_back(name + ": " + batch.error());
                break;
            }
            history.origins[batch->seq] = {batch->actor, batch->cause.after, batch->cause.reactor};
            if (wanted(*batch)) history.batches.push_back(std::move(*batch));
        }
    }
    // Oldest first; an entry kept twice (a compaction cut short) counts once.
    std::stable_sort(history.batches.begin(), history.batches.end(),
                     [](const EventBatch& a, const EventBatch& b) { return a.seq < b.seq; });
    history.batches.erase(std::unique(history.batches.begin(), history.batches.end(),
                                      [](const EventBatch& a, const EventBatch& b) {
                                          return a.seq == b.seq && a.device == b.device;
                                      }),
                          history.batches.end());
    return history;
}

Status WorkspaceStore::compact(const Engine& engine) {
    if (auto status = repair(engine.last_seq()); !status) return status;
    // The journal goes only once a snapshot holds everything it held.
    // Every check an import makes, which is what lets the next open skip
    // them. What is written is what they read back: values normalised (a
    // journal from an earlier build may hold some that are not).
    auto readable = decode_snapshot_body(encode_snapshot_body(engine.workspace()));
    if (!readable)
        return Error{"the workspace was not compacted, its journal is kept: the snapshot would "
                     "not read back (" +
                     readable.error() + ")"};
    if (auto status = write_snapshot(encode_snapshot_body(*readable), engine.last_seq()); !status)
        return status;
    // Kept as history, never replayed again: what happened is not thrown away.
    return archive_segments();
}

Status WorkspaceStore::recover(Engine& engine, Workspace workspace) {
    std::uint64_t highest_seq_seen = std::max(engine.last_seq(), read_head().value_or(0));
    for (const auto& name : m_storage.list()) {
        const std::string segment =
            name.rfind(kHistoryPrefix, 0) == 0 ? name.substr(std::strlen(kHistoryPrefix)) : name;
        if (is_segment(segment)) highest_seq_seen = std::max(highest_seq_seen, first_seq(segment));
    }
    std::vector<std::string> files = segment_names();
    for (const char* name : {kSnapshotFile, kJournalHeadFile})
        if (m_storage.exists(name)) files.push_back(name);
    for (const auto& name : files)
        if (auto status = m_storage.rename(name, unused_name(name + ".damaged")); !status)
            return status;
    m_repair = Repair{};
    // Numbered above every entry kept here, so history never mixes two timelines.
    engine.load(Workspace{}, highest_seq_seen);
    return replace(engine, std::move(workspace));
}

Status WorkspaceStore::replace(Engine& engine, Workspace workspace) {
    if (auto status = repair(engine.last_seq()); !status) return status;
    // Above every entry ever journaled here, so none of them is replayed on top.
    const std::uint64_t seq = std::max(engine.last_seq(), read_head().value_or(0)) + 1;
    // What this device journaled before belongs to the workspace replaced:
    // none of it goes to a team this one syncs with (joining replaces).
    workspace.team_sync.joined_after = seq;
    const std::string temporary = std::string(kSnapshotFile) + ".tmp";
    const std::string text = snapshot_text(encode_snapshot_body(workspace), seq);
    if (auto status = m_storage.write(temporary, text, Sync::Yes); !status) {
        m_storage.remove(temporary);
        return status;
    }
    if (auto status = m_storage.rename(temporary, kSnapshotFile); !status) return status;
    if (auto status = m_storage.sync_directory(); !status) {
        // The import may or may not have reached the disk: write nothing more
        // until the workspace is opened again and shows which.
        m_reopen_needed = true;
        return status;
    }
    // Committed. The old journal's entries are all below `seq`: any left behind
    // are skipped. They stay as history of what the workspace was before.
    archive_segments();
    note_head(seq);
    if (m_device.empty()) load_device();
    if (!workspace.team_sync.database.empty()) {
        // Joining a team: to it, this is a new device. Under its old tag the
        // team may hold batches of an earlier life here, which a device never
        // takes back from the server as its own.
        m_device = new_device_tag();
        m_device_unsaved = true;
    }
    save_device(); // if it fails, the next write tries again
    engine.load(std::move(workspace), seq);
    engine.set_device(m_device);
    engine.set_sink(this);
    return Status::success();
}

} // namespace crm
