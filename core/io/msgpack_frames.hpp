// Values as a run of frames, each a 4-byte little-endian length and that
// many bytes of MessagePack: the snapshot's body, and the records an import
// holds while it reads the rest of the document (a tenth of their size as
// JSON trees).
#pragma once

#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace crm {

void append_frame(std::string& frames, const nlohmann::json& value);

// A frame written piece by piece, for values too costly to copy into one
// tree first: start it, append a map header and its keys and values, end it.
std::size_t start_frame(std::string& frames);
void end_frame(std::string& frames, std::size_t started);
void append_map_header(std::string& out, std::size_t entries);
void append_array_header(std::string& out, std::size_t items);
void append_key(std::string& out, std::string_view key);
// Values, in the forms nlohmann::json::to_msgpack writes them.
void append_text(std::string& out, std::string_view text);
void append_unsigned(std::string& out, std::uint64_t value);
void append_bool(std::string& out, bool value);
// The frame at `at`, moving `at` past it. Errors say "is cut short" or "is
// not valid MessagePack": the caller names the frame.
Result<nlohmann::json> read_frame(std::string_view frames, std::size_t& at);
// The MessagePack bytes of the frame at `at`, moving `at` past it, and the
// value they hold: read_frame() in two steps.
Result<std::string_view> frame_bytes(std::string_view frames, std::size_t& at);
Result<nlohmann::json> decode_frame(std::string_view frame);
// How many whole frames `frames` holds, read from their lengths alone.
std::size_t count_frames(std::string_view frames);

} // namespace crm
