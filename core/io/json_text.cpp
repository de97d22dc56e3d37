#include "io/json_text.hpp"

#include "util/utf8.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

namespace crm {

using nlohmann::json;

namespace {

struct Position {
    std::size_t line = 1, column = 1;
};

// Line and column (both from 1, columns in bytes, as the parser counts them)
// of the byte at `offset`.
Position position_of(std::string_view text, std::size_t offset) {
    Position at;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++at.line;
            at.column = 1;
        } else {
            ++at.column;
        }
    }
    return at;
}

std::string where(std::string_view text, std::size_t offset) {
    const Position at = position_of(text, offset);
    return "line " + std::to_string(at.line) + ", column " + std::to_string(at.column);
}

// An iterator over the text that remembers how far the parser has read, so
// the handler below can say where a key or a nesting level starts.
class TrackedIterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    TrackedIterator(const char* at, const char** furthest) : m_at(at), m_furthest(furthest) {}
    reference operator*() const { return *m_at; }
    TrackedIterator& operator++() {
        *m_furthest = ++m_at;
        return *this;
    }
    TrackedIterator operator++(int) {
        TrackedIterator before = *this;
        ++*this;
        return before;
    }
    bool operator==(const TrackedIterator& other) const { return m_at == other.m_at; }
    bool operator!=(const TrackedIterator& other) const { return m_at != other.m_at; }

  private:
    const char* m_at;
    const char** m_furthest;
};

// Builds the document from the parser's events, refusing what json::parse
// would accept silently: deep nesting and keys given twice.
class DocumentBuilder {
  public:
    DocumentBuilder(std::string_view text, const char* const& read_to, std::size_t max_depth,
                    const StreamedArray* streamed)
        : m_text(text), m_read_to(read_to), m_max_depth(max_depth), m_streamed(streamed) {}

    json take() { return std::move(m_root); }
    const std::string& error() const { return m_error; }

    bool null() { return put(json(nullptr)); }
    bool boolean(bool value) { return put(json(value)); }
    bool number_integer(json::number_integer_t value) { return put(json(value)); }
    bool number_unsigned(json::number_unsigned_t value) { return put(json(value)); }
    bool number_float(json::number_float_t value, const std::string&) { return put(json(value)); }
    bool string(std::string& value) { return put(json(std::move(value))); }
    bool binary(json::binary_t& value) { return put(json::binary(std::move(value))); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(std::string& name);
    bool parse_error(std::size_t position, const std::string& token, const json::exception& error);

  private:
    std::size_t offset() const { return static_cast<std::size_t>(m_read_to - m_text.data()); }
    bool put(json value);
    bool open(json container);
    bool close();
    std::size_t key_start(std::size_t after_key) const;
    std::size_t first_place_of(const std::string& name) const;

    std::string_view m_text;
    const char* const& m_read_to;
    std::size_t m_max_depth;
    json m_root;
    std::vector<json*> m_stack;
    std::string m_key;
    // Where each key of the open objects starts, by depth: read again only
    // to name the first place of a duplicate.
    std::vector<std::vector<std::size_t>> m_key_offsets;
    std::string m_error;
    const StreamedArray* m_streamed;
    json* m_streamed_array = nullptr; // once the parser is inside it
};

bool DocumentBuilder::put(json value) {
    if (m_stack.empty()) {
        m_root = std::move(value);
        return true;
    }
    json& parent = *m_stack.back();
    if (&parent == m_streamed_array) {
        m_streamed->take(std::move(value));
        return true;
    }
    if (parent.is_array())
        parent.push_back(std::move(value));
    else
        parent[m_key] = std::move(value);
    return true;
}

bool DocumentBuilder::open(json container) {
    if (m_stack.size() >= m_max_depth) {
        m_error = where(m_text, offset() - 1) + ": nested more than " +
                  std::to_string(m_max_depth) + " levels deep (the limit for every document)";
        return false;
    }
    const bool is_object = container.is_object();
    const bool streams = m_streamed && m_stack.size() == 1 && m_stack.back()->is_object() &&
                         container.is_array() && m_key == m_streamed->key;
    json* opened = &m_root;
    if (m_stack.empty()) {
        m_root = std::move(container);
    } else if (json& parent = *m_stack.back(); parent.is_array()) {
        parent.push_back(std::move(container));
        opened = &parent.back();
    } else {
        opened = &(parent[m_key] = std::move(container));
    }
    m_stack.push_back(opened);
    if (streams) m_streamed_array = opened;
    if (is_object) {
        if (m_key_offsets.size() < m_stack.size()) m_key_offsets.resize(m_stack.size());
        m_key_offsets[m_stack.size() - 1].clear();
    }
    return true;
}

bool DocumentBuilder::close() {
    m_stack.pop_back();
    // A whole element of the streamed array: handed over, and gone from it.
    if (!m_stack.empty() && m_stack.back() == m_streamed_array) {
        auto& elements = m_streamed_array->get_ref<json::array_t&>();
        m_streamed->take(std::move(elements.back()));
        elements.pop_back();
    }
    return true;
}

// The parser reports a key just after its closing quote; find the opening one.
std::size_t DocumentBuilder::key_start(std::size_t after_key) const {
    std::size_t i = after_key >= 2 ? after_key - 2 : 0;
    while (i > 0) {
        if (m_text[i] == '"') {
            std::size_t backslashes = 0;
            while (i > backslashes && m_text[i - 1 - backslashes] == '\\')
                ++backslashes;
            if (backslashes % 2 == 0) return i;
        }
        --i;
    }
    return 0;
}

std::size_t DocumentBuilder::first_place_of(const std::string& name) const {
    for (const std::size_t start : m_key_offsets[m_stack.size() - 1]) {
        std::size_t end = start + 1;
        while (end < m_text.size() && m_text[end] != '"')
            end += m_text[end] == '\\' ? 2 : 1;
        const auto earlier = json::parse(m_text.substr(start, end - start + 1), nullptr, false);
        if (earlier.is_string() && earlier.get_ref<const std::string&>() == name) return start;
    }
    return 0;
}

bool DocumentBuilder::key(std::string& name) {
    const std::size_t start = key_start(offset());
    json& object = *m_stack.back();
    if (object.contains(name)) {
        m_error = where(m_text, start) + ": duplicate key \"" + name + "\" (first at " +
                  where(m_text, first_place_of(name)) + ")";
        return false;
    }
    m_key_offsets[m_stack.size() - 1].push_back(start);
    m_key = std::move(name);
    return true;
}

bool DocumentBuilder::parse_error(std::size_t position, const std::string& token,
                                  const json::exception& error) {
    std::string message = error.what();
    const auto at_line = message.find(" at line ");
    const auto colon = at_line == std::string::npos ? at_line : message.find(": ", at_line);
    if (colon != std::string::npos) {
        // "... parse error at line 5, column 0: syntax error ...": the parser counts a line
        // break as column 0 of the next line; say where the offending byte is instead.
        m_error = where(m_text, position > 0 ? position - 1 : 0) + message.substr(colon);
        return false;
    }
    // Numbers out of range carry no place of their own: the token ends at `position`.
    const std::size_t start = position >= token.size() ? position - token.size() : 0;
    if (error.id == 406)
        m_error = where(m_text, start) + ": the number " + token +
                  " is out of range (numbers must fit a 64-bit floating-point value)";
    else
        m_error = where(m_text, start) + ": " + message.substr(message.find("] ") + 2);
    return false;
}

// UTF-16 without a byte order mark: zero bytes in every other place (the
// high half of ASCII characters), and only there.
bool looks_like_utf16(std::string_view text) {
    const std::size_t pairs = std::min<std::size_t>(text.size(), 64) / 2;
    std::size_t even = 0, odd = 0;
    for (std::size_t i = 0; i < pairs * 2; ++i)
        (i % 2 ? odd : even) += text[i] == '\0';
    return pairs > 0 && ((even == 0 && odd * 2 >= pairs) || (odd == 0 && even * 2 >= pairs));
}

// What the bytes are when they are clearly not JSON text at all.
std::optional<std::string> not_text(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    if (text.size() >= 2 &&
        ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF)))
        return "the text is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8";
    if (looks_like_utf16(text))
        return "the text looks like UTF-16 (every other byte is zero); save it as UTF-8";
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        return "this is binary data, not JSON text (byte " + std::to_string(nul + 1) +
               " is a zero byte)";
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return text.empty() ? "expected a JSON document, got nothing (it is empty)"
                            : "expected a JSON document, got only white space";
    return std::nullopt;
}

} // namespace

namespace {

Result<json> parse(std::string_view text, std::size_t max_depth, const StreamedArray* streamed) {
    if (text.size() > kMaxImportBytes)
        return Error{"the file is " + std::to_string(text.size() / (1024 * 1024)) +
                     " MiB; the largest accepted is " +
                     std::to_string(kMaxImportBytes / (1024 * 1024)) + " MiB"};
    if (auto problem = not_text(text)) return Error{*problem};
    if (const auto bad = find_invalid_utf8(text))
        return Error{"not valid JSON: " + where(text, *bad) + ": " +
                     describe_invalid_utf8(text, *bad) + "; save the text as UTF-8"};
    const char* read_to = text.data();
    DocumentBuilder builder(text, read_to, max_depth, streamed);
    const TrackedIterator begin(text.data(), &read_to), end(text.data() + text.size(), &read_to);
    if (!json::sax_parse(begin, end, &builder)) return Error{"not valid JSON: " + builder.error()};
    return builder.take();
}

} // namespace

Result<json> parse_json_text(std::string_view text, std::size_t max_depth) {
    return parse(text, max_depth, nullptr);
}

Result<json> parse_json_text(std::string_view text, std::size_t max_depth,
                             const StreamedArray& streamed) {
    return parse(text, max_depth, &streamed);
}

} // namespace crm
