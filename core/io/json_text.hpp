// Reading JSON text: one parser for every document the product reads
// (workspace files, process files, calendars, conditions, journal entries),
// so each gets the same limits and the same located messages.
#pragma once

#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace crm {

// Objects and arrays nest at most this deep in any document; real documents
// stay under 12 levels, and the limit keeps every recursive walk of a
// document (copying, checking, evaluating) well inside the stack.
inline constexpr std::size_t kMaxJsonDepth = 64;
// Larger documents are refused before parsing, so a wrong file cannot
// exhaust memory (a 100k-record workspace is about 40 MiB).
inline constexpr std::size_t kMaxImportBytes = 512u * 1024u * 1024u;

// Parses one JSON document. Refuses, naming line and column: syntax errors,
// text that is not UTF-8, nesting deeper than kMaxJsonDepth, a key given
// twice in one object (naming both places) and numbers out of range. Says so
// when the text is empty, UTF-16 or binary.
// `max_depth` is for the store's own files, whose entries wrap a document a
// few levels deeper than it came in.
Result<nlohmann::json> parse_json_text(std::string_view text,
                                       std::size_t max_depth = kMaxJsonDepth);

// The elements of one array at the top of the document, handed over one by
// one as they are read instead of kept in it (the array stays, empty): a
// 100k-record import never holds a tree of every record at once.
struct StreamedArray {
    std::string key; // of the document's top-level object
    std::function<void(nlohmann::json&&)> take;
};
Result<nlohmann::json> parse_json_text(std::string_view text, std::size_t max_depth,
                                       const StreamedArray& streamed);

} // namespace crm
