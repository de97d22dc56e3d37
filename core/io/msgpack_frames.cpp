#include "io/msgpack_frames.hpp"

#include <cstdint>

namespace crm {

namespace {

constexpr std::size_t kLengthBytes = 4;

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

} // namespace

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

void append_key(std::string& out, std::string_view key) {
    if (key.size() < 32) {
        out += static_cast<char>(0xa0 | key.size());
    } else if (key.size() <= 0xff) {
        out += '\xd9';
        append_big_endian(out, key.size(), 1);
    } else if (key.size() <= 0xffff) {
        out += '\xda';
        append_big_endian(out, key.size(), 2);
    } else {
        out += '\xdb';
        append_big_endian(out, key.size(), 4);
    }
    out += key;
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

Result<nlohmann::json> read_frame(std::string_view frames, std::size_t& at) {
    if (frames.size() - at < kLengthBytes) return Error{"is cut short"};
    const std::uint32_t length = frame_length(frames, at);
    if (frames.size() - at - kLengthBytes < length) return Error{"is cut short"};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(frames.data() + at + kLengthBytes);
    at += kLengthBytes + length;
    auto value = nlohmann::json::from_msgpack(bytes, bytes + length, true, false);
    if (value.is_discarded()) return Error{"is not valid MessagePack"};
    return value;
}

} // namespace crm
