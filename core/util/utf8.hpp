// Text is kept as UTF-8 everywhere (journal, exports, the screen). These say
// where a piece of text is not UTF-8, and mend it where a person asked to.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace crm {

// Byte offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF count as invalid).
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// Each invalid sequence replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view text);

// At most `max_bytes` of `text` for a message, cut between characters and
// ending in "..." when cut.
std::string shortened_utf8(std::string_view text, std::size_t max_bytes);

// For messages: "byte 4 (0xFF) is not valid UTF-8". Offsets count from 1.
std::string describe_invalid_utf8(std::string_view text, std::size_t offset);

// Checks `text` for a value the user typed or a file held:
// "byte 4 (0xFF) is not valid UTF-8; save the text as UTF-8" or nothing.
std::optional<std::string> utf8_problem(std::string_view text);

} // namespace crm
