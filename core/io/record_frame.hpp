// A record written to and read straight from the MessagePack of its frame
// (the snapshot's records, and an import's while it reads the rest of the
// document), with no JSON tree of the whole record between: opening reads
// 100k of them, and compaction writes them.
#pragma once

#include "model/workspace.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace crm {

// How much of read_record()'s checking a record read from its frame gets.
enum class RecordChecks {
    All,
    // A snapshot whose every record passed this build's checks before it was
    // written (WorkspaceStore::compact() reads a body back with All and
    // writes what that read; an import checked each record as it came in),
    // as its header says, and whose checksum shows it unchanged since: its
    // records are read as they were written, their shape and type checked,
    // their values, owners, stages and references not again. Opening 100k
    // records spent a seventh of its time proving them valid once more.
    PassedBefore,
};

// The record `frame` holds, when it has the shape a snapshot gives it and
// passes the checks `checks` asks for of those read_record() makes, but the
// references to other records (WorkspaceReader::finish() checks those).
// Nothing otherwise, and then the frame is read the long way, which says
// what is wrong: this reader only needs to be right about records it accepts.
std::optional<Record> read_record_frame(std::string_view frame, const Workspace& ws,
                                        Instant imported_at,
                                        RecordChecks checks = RecordChecks::All);

// record_to_json(record) as a frame appended to `frames`.
void append_record_frame(std::string& frames, const Record& record);

} // namespace crm
