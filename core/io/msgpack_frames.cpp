#include "io/msgpack_frames.hpp"

#include <cstdint>

namespace crm {

namespace {
constexpr std::size_t kLengthBytes = 4;
} // namespace

void append_frame(std::string& frames, const nlohmann::json& value) {
    const std::size_t at = frames.size();
    frames.append(kLengthBytes, '\0');
    nlohmann::json::to_msgpack(value, frames);
    const auto length = static_cast<std::uint32_t>(frames.size() - at - kLengthBytes);
    for (std::size_t i = 0; i < kLengthBytes; ++i)
        frames[at + i] = static_cast<char>((length >> (8 * i)) & 0xff);
}

Result<nlohmann::json> read_frame(std::string_view frames, std::size_t& at) {
    if (frames.size() - at < kLengthBytes) return Error{"is cut short"};
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < kLengthBytes; ++i)
        length |= static_cast<std::uint32_t>(static_cast<unsigned char>(frames[at + i])) << (8 * i);
    if (frames.size() - at - kLengthBytes < length) return Error{"is cut short"};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(frames.data() + at + kLengthBytes);
    at += kLengthBytes + length;
    auto value = nlohmann::json::from_msgpack(bytes, bytes + length, true, false);
    if (value.is_discarded()) return Error{"is not valid MessagePack"};
    return value;
}

} // namespace crm
