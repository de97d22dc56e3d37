#include "io/msgpack_frames.hpp"

#include "io/json_text.hpp"
#include "io/msgpack_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace crm {

namespace {

constexpr std::size_t kLengthBytes = 4;
// Deeper than any document the product reads (kMaxJsonDepth), as the
// settings hold rules whose conditions may reach that limit on their own;
// shallow enough to keep the reader's recursion well inside the stack.
constexpr std::size_t kMaxFrameDepth = 4 * kMaxJsonDepth;

// MessagePack's big-endian length fields.
void append_big_endian(std::string& out, std::uint64_t value, std::size_t bytes) {
    for (std::size_t i = bytes; i-- > 0;)
        out += static_cast<char>((value >> (8 * i)) & 0xff);
}

// The length of the frame at `at`, which the caller checked has its length bytes.
std::uint32_t frame_length(std::string_view frames, std::size_t at) {
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < kLengthBytes; ++i)
        length |= static_cast<std::uint32_t>(static_cast<unsigned char>(frames[at + i])) << (8 * i);
    return length;
}

bool is_string_lead(std::uint8_t lead) {
    return (lead & 0xe0) == 0xa0 || (lead >= 0xd9 && lead <= 0xdb);
}

} // namespace

bool MessagePackReader::read(nlohmann::json& out, std::size_t depth) {
    if (m_at == m_end) return fail();
    const std::uint8_t lead = *m_at++;
    if (lead <= 0x7f) return set(out, nlohmann::json(std::uint64_t{lead}));
    if (lead >= 0xe0) return set(out, nlohmann::json(std::int64_t{static_cast<std::int8_t>(lead)}));
    if ((lead & 0xf0) == 0x80) return read_map(out, lead & 0x0f, depth);
    if ((lead & 0xf0) == 0x90) return read_array(out, lead & 0x0f, depth);
    if ((lead & 0xe0) == 0xa0) return read_string(out, lead & 0x1f);
    // uint 8-64, int 8-64, str 8-32: the low bits give the width, 1 << n bytes.
    if (lead >= 0xcc && lead <= 0xcf) return read_unsigned(out, std::size_t{1} << (lead - 0xcc));
    if (lead >= 0xd0 && lead <= 0xd3) return read_signed(out, std::size_t{1} << (lead - 0xd0));
    if (lead >= 0xd9 && lead <= 0xdb)
        return read_sized(out, std::size_t{1} << (lead - 0xd9), &MessagePackReader::read_string,
                          depth);
    switch (lead) {
    case 0xc0:
        return set(out, nullptr);
    case 0xc2:
        return set(out, false);
    case 0xc3:
        return set(out, true);
    case 0xca:
        return read_float32(out);
    case 0xcb:
        return read_float64(out);
    case 0xdc:
        return read_sized(out, 2, &MessagePackReader::read_array, depth);
    case 0xdd:
        return read_sized(out, 4, &MessagePackReader::read_array, depth);
    case 0xde:
        return read_sized(out, 2, &MessagePackReader::read_map, depth);
    case 0xdf:
        return read_sized(out, 4, &MessagePackReader::read_map, depth);
    default:
        return fail(); // 0xc1 is never used; binary and extensions are not JSON
    }
}

bool MessagePackReader::fail() {
    m_problem = "is not valid MessagePack";
    return false;
}

bool MessagePackReader::read_big_endian(std::size_t bytes, std::uint64_t& value) {
    if (left() < bytes) return fail();
    value = 0;
    for (std::size_t i = 0; i < bytes; ++i)
        value = value << 8 | *m_at++;
    return true;
}

bool MessagePackReader::read_unsigned(nlohmann::json& out, std::size_t bytes) {
    std::uint64_t value = 0;
    return read_big_endian(bytes, value) && set(out, nlohmann::json(value));
}

bool MessagePackReader::read_signed(nlohmann::json& out, std::size_t bytes) {
    std::uint64_t value = 0;
    if (!read_big_endian(bytes, value)) return false;
    const unsigned shift = static_cast<unsigned>(64 - 8 * bytes);
    // Sign-extends from the width read.
    const auto signed_value = static_cast<std::int64_t>(value << shift) >> shift;
    return set(out, nlohmann::json(signed_value));
}

bool MessagePackReader::read_float32(nlohmann::json& out) {
    std::uint64_t bits = 0;
    if (!read_big_endian(4, bits)) return false;
    const auto narrow = static_cast<std::uint32_t>(bits);
    float value = 0;
    std::memcpy(&value, &narrow, sizeof value);
    return set(out, nlohmann::json(static_cast<double>(value)));
}

bool MessagePackReader::read_float64(nlohmann::json& out) {
    std::uint64_t bits = 0;
    if (!read_big_endian(8, bits)) return false;
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return set(out, nlohmann::json(value));
}

bool MessagePackReader::read_sized(nlohmann::json& out, std::size_t length_bytes, Reading reading,
                                   std::size_t depth) {
    std::uint64_t size = 0;
    return read_big_endian(length_bytes, size) &&
           (this->*reading)(out, static_cast<std::size_t>(size), depth);
}

bool MessagePackReader::read_string(nlohmann::json& out, std::size_t size, std::size_t) {
    if (left() < size) return fail();
    out = nlohmann::json::string_t(reinterpret_cast<const char*>(m_at), size);
    m_at += size;
    return true;
}

bool MessagePackReader::read_array(nlohmann::json& out, std::size_t size, std::size_t depth) {
    // Each element takes a byte at least: a count beyond that is a lie.
    if (depth >= kMaxFrameDepth || size > left()) return fail();
    out = nlohmann::json::array();
    auto& elements = out.get_ref<nlohmann::json::array_t&>();
    // Grown as elements are read, not sized by the count: arrays nested in
    // one another may each claim all the bytes left, and memory would then
    // grow with the depth times the frame's size.
    elements.reserve(std::min<std::size_t>(size, 1024));
    for (std::size_t i = 0; i < size; ++i)
        if (!read(elements.emplace_back(), depth + 1)) return false;
    return true;
}

bool MessagePackReader::read_map(nlohmann::json& out, std::size_t size, std::size_t depth) {
    if (depth >= kMaxFrameDepth || size > left() / 2) return fail();
    out = nlohmann::json::object();
    auto& entries = out.get_ref<nlohmann::json::object_t&>();
    nlohmann::json key;
    for (std::size_t i = 0; i < size; ++i) {
        if (m_at == m_end || !is_string_lead(*m_at) || !read(key, depth + 1)) return fail();
        // A key given twice keeps its last value, as from_msgpack does.
        auto entry = entries.emplace_hint(
            entries.end(), std::move(key.get_ref<nlohmann::json::string_t&>()), nullptr);
        if (!read(entry->second, depth + 1)) return false;
    }
    return true;
}

std::optional<std::size_t> MessagePackReader::header(const HeaderForm& form) {
    if (m_at == m_end) return std::nullopt;
    const std::uint8_t* const started = m_at;
    const std::uint8_t lead = *m_at;
    std::uint64_t size = 0;
    if ((lead & form.fix_mask) == form.fix_lead) {
        size = lead & static_cast<std::uint8_t>(~form.fix_mask);
        ++m_at;
    } else if (lead >= form.sized_lead && lead < form.sized_lead + form.sized_forms) {
        ++m_at;
        if (!read_big_endian(form.first_width << (lead - form.sized_lead), size)) {
            m_at = started;
            return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    if (size > left() / form.min_item_bytes) {
        m_at = started;
        return std::nullopt;
    }
    return static_cast<std::size_t>(size);
}

std::optional<std::size_t> MessagePackReader::map_header() {
    return header({0xf0, 0x80, 0xde, 2, 2, 2});
}

std::optional<std::size_t> MessagePackReader::array_header() {
    return header({0xf0, 0x90, 0xdc, 2, 2, 1});
}

std::optional<std::string_view> MessagePackReader::text() {
    const auto size = header({0xe0, 0xa0, 0xd9, 3, 1, 1});
    if (!size) return std::nullopt;
    const std::string_view read(reinterpret_cast<const char*>(m_at), *size);
    m_at += *size;
    return read;
}

std::optional<std::uint64_t> MessagePackReader::unsigned_number() {
    if (m_at == m_end) return std::nullopt;
    const std::uint8_t lead = *m_at;
    if (lead <= 0x7f) {
        ++m_at;
        return lead;
    }
    if (lead < 0xcc || lead > 0xcf) return std::nullopt;
    ++m_at;
    std::uint64_t value = 0;
    if (!read_big_endian(std::size_t{1} << (lead - 0xcc), value)) {
        --m_at;
        return std::nullopt;
    }
    return value;
}

std::optional<bool> MessagePackReader::boolean() {
    if (m_at == m_end || (*m_at != 0xc2 && *m_at != 0xc3)) return std::nullopt;
    return *m_at++ == 0xc3;
}

std::size_t start_frame(std::string& frames) {
    const std::size_t started = frames.size();
    frames.append(kLengthBytes, '\0');
    return started;
}

void end_frame(std::string& frames, std::size_t started) {
    const auto length = static_cast<std::uint32_t>(frames.size() - started - kLengthBytes);
    for (std::size_t i = 0; i < kLengthBytes; ++i)
        frames[started + i] = static_cast<char>((length >> (8 * i)) & 0xff);
}

void append_frame(std::string& frames, const nlohmann::json& value) {
    const std::size_t started = start_frame(frames);
    nlohmann::json::to_msgpack(value, frames);
    end_frame(frames, started);
}

void append_map_header(std::string& out, std::size_t entries) {
    if (entries < 16) {
        out += static_cast<char>(0x80 | entries);
    } else if (entries <= 0xffff) {
        out += '\xde';
        append_big_endian(out, entries, 2);
    } else {
        out += '\xdf';
        append_big_endian(out, entries, 4);
    }
}

void append_array_header(std::string& out, std::size_t items) {
    if (items < 16) {
        out += static_cast<char>(0x90 | items);
    } else if (items <= 0xffff) {
        out += '\xdc';
        append_big_endian(out, items, 2);
    } else {
        out += '\xdd';
        append_big_endian(out, items, 4);
    }
}

void append_key(std::string& out, std::string_view key) {
    append_text(out, key);
}

void append_text(std::string& out, std::string_view text) {
    if (text.size() < 32) {
        out += static_cast<char>(0xa0 | text.size());
    } else if (text.size() <= 0xff) {
        out += '\xd9';
        append_big_endian(out, text.size(), 1);
    } else if (text.size() <= 0xffff) {
        out += '\xda';
        append_big_endian(out, text.size(), 2);
    } else {
        out += '\xdb';
        append_big_endian(out, text.size(), 4);
    }
    out += text;
}

void append_unsigned(std::string& out, std::uint64_t value) {
    if (value < 128) {
        out += static_cast<char>(value);
    } else if (value <= 0xff) {
        out += '\xcc';
        append_big_endian(out, value, 1);
    } else if (value <= 0xffff) {
        out += '\xcd';
        append_big_endian(out, value, 2);
    } else if (value <= 0xffffffff) {
        out += '\xce';
        append_big_endian(out, value, 4);
    } else {
        out += '\xcf';
        append_big_endian(out, value, 8);
    }
}

void append_bool(std::string& out, bool value) {
    out += value ? '\xc3' : '\xc2';
}

std::size_t count_frames(std::string_view frames) {
    std::size_t count = 0;
    for (std::size_t at = 0; frames.size() - at >= kLengthBytes; ++count) {
        const std::uint32_t length = frame_length(frames, at);
        if (frames.size() - at - kLengthBytes < length) break;
        at += kLengthBytes + length;
    }
    return count;
}

Result<std::string_view> frame_bytes(std::string_view frames, std::size_t& at) {
    if (frames.size() - at < kLengthBytes) return Error{"is cut short"};
    const std::uint32_t length = frame_length(frames, at);
    if (frames.size() - at - kLengthBytes < length) return Error{"is cut short"};
    const std::string_view bytes = frames.substr(at + kLengthBytes, length);
    at += kLengthBytes + length;
    return bytes;
}

Result<nlohmann::json> decode_frame(std::string_view frame) {
    nlohmann::json value;
    MessagePackReader reader(frame);
    if (!reader.read(value) || !reader.at_end()) return Error{reader.problem()};
    return value;
}

Result<nlohmann::json> read_frame(std::string_view frames, std::size_t& at) {
    const auto bytes = frame_bytes(frames, at);
    if (!bytes) return Error{bytes.error()};
    return decode_frame(*bytes);
}

} // namespace crm
