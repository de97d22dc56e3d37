// Values as a run of frames, each a 4-byte little-endian length and that
// many bytes of MessagePack: the snapshot's body, and the records an import
// holds while it reads the rest of the document (a tenth of their size as
// JSON trees).
#pragma once

#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace crm {

void append_frame(std::string& frames, const nlohmann::json& value);
// The frame at `at`, moving `at` past it. Errors say "is cut short" or "is
// not valid MessagePack": the caller names the frame.
Result<nlohmann::json> read_frame(std::string_view frames, std::size_t& at);

} // namespace crm
