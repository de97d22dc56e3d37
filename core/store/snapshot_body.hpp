// The body of workspace.snapshot, formats 3 and 4: binary, read one record at a time.
//
// A sequence of frames, each a 4-byte little-endian length and that many
// bytes of MessagePack: first the workspace without its records
// (workspace_settings_to_json), then one frame per record (record_to_json).
// Opening decodes a record, checks it and drops its tree before the next,
// so it never holds a tree of the whole workspace, as reading the JSON
// export must. The store's header checksums the body; the JSON export stays
// the portable format.
#pragma once

#include "io/record_frame.hpp"
#include "model/workspace.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace crm {

std::string encode_snapshot_body(const Workspace& workspace);
// What this build's checks of a record are: kRecordRulesVersion and the
// built-in types and fields (the snapshot holds only the custom ones, so a
// build that changed a built-in field reads records another checked). A
// snapshot whose header names the same fingerprint was checked as this
// build would check it, and opens with RecordChecks::PassedBefore.
std::uint32_t record_checks_fingerprint();
// Messages name the frame or record that is wrong.
Result<Workspace> decode_snapshot_body(std::string_view body,
                                       RecordChecks checks = RecordChecks::All);

} // namespace crm
