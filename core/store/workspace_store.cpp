#include "store/workspace_store.hpp"

#include "io/workspace_json.hpp"
#include "util/crc32.hpp"

#include <cstdio>
#include <cstdlib>

namespace crm {

namespace {

constexpr const char* kJournalHeader = "crm-journal 1\n";
constexpr const char* kSegmentPrefix = "journal-";
constexpr const char* kSegmentSuffix = ".log";

std::string hex32(std::uint32_t value) {
    char buffer[9];
    std::snprintf(buffer, sizeof buffer, "%08x", value);
    return buffer;
}

bool is_segment(const std::string& name) {
    return name.rfind(kSegmentPrefix, 0) == 0 && name.size() > 12 &&
           name.compare(name.size() - 4, 4, kSegmentSuffix) == 0;
}

struct SnapshotHeader {
    std::uint64_t seq = 0;
    std::uint32_t crc = 0;
};

Result<SnapshotHeader> parse_snapshot_header(const std::string& line) {
    unsigned long long seq = 0;
    unsigned int crc = 0;
    int version = 0;
    if (std::sscanf(line.c_str(), "crm-snapshot %d seq=%llu crc32=%8x", &version, &seq, &crc) != 3)
        return Error{"workspace.snapshot has no valid header; it is not a workspace file"};
    if (version != kStoreFormatVersion)
        return Error{"workspace.snapshot has format version " + std::to_string(version) +
                     "; this build reads version " + std::to_string(kStoreFormatVersion)};
    return SnapshotHeader{seq, crc};
}

std::uint64_t first_seq(const std::string& segment) {
    return std::strtoull(segment.c_str() + std::char_traits<char>::length(kSegmentPrefix), nullptr,
                         10);
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

Status WorkspaceStore::write_snapshot(const Workspace& workspace, std::uint64_t seq) {
    const std::string body = workspace_to_json(workspace).dump();
    const std::string header = "crm-snapshot " + std::to_string(kStoreFormatVersion) +
                               " seq=" + std::to_string(seq) + " crc32=" + hex32(crc32(body)) +
                               "\n";
    return m_storage.write_atomic(kSnapshotFile, header + body);
}

Status WorkspaceStore::remove_segments() {
    for (const auto& name : segment_names())
        if (auto status = m_storage.remove(name); !status) return status;
    m_current_segment.clear();
    m_current_segment_bytes = 0;
    m_journal_bytes = 0;
    return Status::success();
}

Status WorkspaceStore::create(const Workspace& workspace) {
    if (exists()) return Error{"a workspace already exists here"};
    if (auto status = remove_segments(); !status) return status;
    return write_snapshot(workspace, 0);
}

Result<OpenReport> WorkspaceStore::open(Engine& engine) {
    if (!exists()) return Error{"no workspace here (workspace.snapshot is missing)"};
    auto text = m_storage.read(kSnapshotFile);
    if (!text) return Error{text.error()};
    const auto newline = text->find('\n');
    if (newline == std::string::npos) return Error{"workspace.snapshot is truncated"};
    auto header = parse_snapshot_header(text->substr(0, newline));
    if (!header) return Error{header.error()};
    const std::string_view body = std::string_view(*text).substr(newline + 1);
    if (crc32(body) != header->crc)
        return Error{"workspace.snapshot is damaged (checksum mismatch); it was left as it is"};
    auto workspace = import_workspace(body);
    if (!workspace) return Error{"workspace.snapshot: " + workspace.error()};
    text->clear();
    text->shrink_to_fit();

    engine = Engine(std::move(*workspace));
    engine.set_last_seq(header->seq);
    OpenReport report;
    m_journal_bytes = 0;
    m_current_segment.clear();
    m_current_segment_bytes = 0;

    const auto segments = segment_names();
    for (std::size_t s = 0; s < segments.size(); ++s) {
        const std::string& name = segments[s];
        auto content = m_storage.read(name);
        std::string problem;
        std::size_t good_bytes = 0; // length of the intact prefix
        if (!content) {
            problem = content.error();
        } else if (content->rfind(kJournalHeader, 0) != 0) {
            problem = name + " does not start with a journal header";
        } else {
            std::size_t pos = good_bytes = std::char_traits<char>::length(kJournalHeader);
            std::size_t entry = 0;
            while (pos < content->size()) {
                ++entry;
                const auto end = content->find('\n', pos);
                const std::string where = name + ", entry " + std::to_string(entry) + " (byte " +
                                          std::to_string(pos) + ")";
                if (end == std::string::npos) {
                    problem = where + " is incomplete (torn write)";
                    break;
                }
                const std::string_view line = std::string_view(*content).substr(pos, end - pos);
                if (line.size() < 10 || line[8] != ' ') {
                    problem = where + " is malformed";
                    break;
                }
                const std::string_view payload = line.substr(9);
                if (std::strtoul(std::string(line.substr(0, 8)).c_str(), nullptr, 16) !=
                    crc32(payload)) {
                    problem = where + " is damaged (checksum mismatch)";
                    break;
                }
                auto json = parse_json_text(payload);
                auto batch =
                    json ? batch_from_json(*json) : Result<EventBatch>(Error{json.error()});
                if (!batch) {
                    problem = where + ": " + batch.error();
                    break;
                }
                if (batch->seq > engine.last_seq()) {
                    if (auto status = engine.replay(*batch); !status) {
                        problem = where + " cannot be applied: " + status.error();
                        break;
                    }
                    ++report.entries_replayed;
                }
                pos = end + 1;
                good_bytes = pos;
            }
        }
        if (problem.empty()) {
            m_journal_bytes += content->size();
            m_current_segment = name;
            m_current_segment_bytes = content->size();
            continue;
        }
        // Keep a copy of the whole file aside first, then the intact prefix in place.
        const std::string aside = unused_name(name + ".damaged");
        if (content) {
            if (auto status = m_storage.write_atomic(aside, *content); !status)
                return Error{status.error()};
        } else if (auto status = m_storage.rename(name, aside); !status) {
            return Error{status.error()};
        }
        if (content && good_bytes > std::char_traits<char>::length(kJournalHeader)) {
            if (auto status = m_storage.write_atomic(name, content->substr(0, good_bytes)); !status)
                return Error{status.error()};
            m_journal_bytes += good_bytes;
        } else if (content) {
            if (auto status = m_storage.remove(name); !status) return Error{status.error()};
        }
        m_current_segment.clear(); // the next append opens a fresh segment
        // A later segment that starts right after the last good entry was written
        // after an earlier recovery: it follows on, so it is read as usual.
        if (s + 1 < segments.size() && first_seq(segments[s + 1]) == engine.last_seq() + 1) {
            report.problems.push_back(problem + "; the damaged part was set aside as " + aside);
            continue;
        }
        std::string set_aside = aside;
        for (std::size_t later = s + 1; later < segments.size(); ++later) {
            const std::string later_aside = unused_name(segments[later] + ".damaged");
            if (auto status = m_storage.rename(segments[later], later_aside); !status)
                return Error{status.error()};
            set_aside += ", " + later_aside;
        }
        report.problems.push_back(problem + "; it and everything after it were set aside as " +
                                  set_aside);
        break;
    }
    engine.set_sink(this);
    return report;
}

Status WorkspaceStore::append(const EventBatch& batch) {
    const std::string payload = batch_to_json(batch).dump();
    const std::string line = hex32(crc32(payload)) + " " + payload + "\n";
    if (m_current_segment.empty() ||
        m_current_segment_bytes + line.size() > m_options.segment_limit) {
        const std::string name = segment_name(batch.seq);
        if (auto status = m_storage.write_atomic(name, kJournalHeader); !status) return status;
        m_current_segment = name;
        m_current_segment_bytes = std::char_traits<char>::length(kJournalHeader);
        m_journal_bytes += m_current_segment_bytes;
    }
    if (auto status = m_storage.append(m_current_segment, line); !status) {
        // Cut off a possibly torn line; if even that fails, never append after it.
        if (!m_storage.truncate(m_current_segment, m_current_segment_bytes))
            m_current_segment.clear();
        return status;
    }
    m_current_segment_bytes += line.size();
    m_journal_bytes += line.size();
    return Status::success();
}

Status WorkspaceStore::compact(const Engine& engine) {
    if (auto status = write_snapshot(engine.workspace(), engine.last_seq()); !status) return status;
    return remove_segments();
}

Status WorkspaceStore::recover(Engine& engine, Workspace workspace) {
    std::vector<std::string> files = segment_names();
    if (exists()) files.push_back(kSnapshotFile);
    for (const auto& name : files)
        if (auto status = m_storage.rename(name, unused_name(name + ".damaged")); !status)
            return status;
    engine = Engine();
    return replace(engine, std::move(workspace));
}

Status WorkspaceStore::replace(Engine& engine, Workspace workspace) {
    const std::uint64_t seq = engine.last_seq() + 1; // above every journaled entry
    if (auto status = write_snapshot(workspace, seq); !status) return status;
    if (auto status = remove_segments(); !status) return status;
    engine = Engine(std::move(workspace));
    engine.set_last_seq(seq);
    engine.set_sink(this);
    return Status::success();
}

} // namespace crm
