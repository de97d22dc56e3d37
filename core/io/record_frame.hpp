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

// The record `frame` holds, when it has the shape a snapshot gives it and
// passes every check read_record() makes, but the references to other records
// (WorkspaceReader::finish() checks those). Nothing otherwise, and then the
// frame is read the long way, which says what is wrong: this reader only
// needs to be right about records it accepts.
std::optional<Record> read_record_frame(std::string_view frame, const Workspace& ws,
                                        Instant imported_at);

// record_to_json(record) as a frame appended to `frames`.
void append_record_frame(std::string& frames, const Record& record);

} // namespace crm
