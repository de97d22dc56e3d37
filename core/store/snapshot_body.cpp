#include "store/snapshot_body.hpp"

#include "io/workspace_json.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace crm {

namespace {

using nlohmann::json;

constexpr std::size_t kLengthBytes = 4;

void append_frame(std::string& body, const json& value) {
    const std::size_t at = body.size();
    body.append(kLengthBytes, '\0');
    json::to_msgpack(value, body);
    const auto length = static_cast<std::uint32_t>(body.size() - at - kLengthBytes);
    for (std::size_t i = 0; i < kLengthBytes; ++i)
        body[at + i] = static_cast<char>((length >> (8 * i)) & 0xff);
}

// Reads the frame at `at` and moves past it.
Result<json> next_frame(std::string_view body, std::size_t& at, const std::string& what) {
    if (body.size() - at < kLengthBytes) return Error{what + " is cut short"};
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < kLengthBytes; ++i)
        length |= static_cast<std::uint32_t>(static_cast<unsigned char>(body[at + i])) << (8 * i);
    at += kLengthBytes;
    if (body.size() - at < length) return Error{what + " is cut short"};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(body.data() + at);
    at += length;
    json value = json::from_msgpack(bytes, bytes + length, true, false);
    if (value.is_discarded()) return Error{what + " is not valid MessagePack"};
    return value;
}

} // namespace

std::string encode_snapshot_body(const Workspace& workspace) {
    std::string body;
    append_frame(body, workspace_settings_to_json(workspace));
    for (const Record* record : workspace.all_records())
        append_frame(body, record_to_json(*record));
    return body;
}

Result<Workspace> decode_snapshot_body(std::string_view body) {
    std::size_t at = 0;
    auto settings = next_frame(body, at, "the workspace's settings");
    if (!settings) return Error{settings.error()};
    WorkspaceReader reader;
    if (auto status = reader.read_settings(*settings); !status) return Error{status.error()};
    for (std::size_t index = 0; at < body.size(); ++index) {
        auto record = next_frame(body, at, "record " + std::to_string(index + 1));
        if (!record) return Error{record.error()};
        if (auto status = reader.read_record(*record); !status) return Error{status.error()};
    }
    return reader.finish();
}

} // namespace crm
