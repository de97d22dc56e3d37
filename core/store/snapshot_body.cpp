#include "store/snapshot_body.hpp"

#include "io/msgpack_frames.hpp"
#include "io/workspace_json.hpp"
#include "process/flow_json.hpp"

namespace crm {

namespace {

// What frame `index` holds, for messages: the settings, then records from 1.
std::string frame_name(std::size_t index) {
    return index == 0 ? "the workspace's settings" : "record " + std::to_string(index);
}

using nlohmann::json;

void append_entries(std::string& out, const json& object) {
    for (const auto& [key, value] : object.items()) {
        append_key(out, key);
        json::to_msgpack(value, out);
    }
}

// record_to_json(record) as a frame, with its fields and flow histories
// written from where they are rather than copied into a tree first.
void append_record_frame(std::string& body, const Record& record) {
    const std::size_t started = start_frame(body);
    const json rest = record_without_fields_and_flows_to_json(record);
    append_map_header(body, rest.size() + 1 + (record.flows.empty() ? 0 : 1));
    append_entries(body, rest);
    append_key(body, "fields");
    json::to_msgpack(record.fields, body);
    if (!record.flows.empty()) {
        append_key(body, "flows");
        append_map_header(body, record.flows.size());
        for (const auto& [flow_id, state] : record.flows) {
            append_key(body, flow_id);
            const json state_rest = flow_state_without_history_to_json(state);
            append_map_header(body, state_rest.size() + 1);
            append_entries(body, state_rest);
            append_key(body, "history");
            json::to_msgpack(stage_history_to_json(state.history), body);
        }
    }
    end_frame(body, started);
}

} // namespace

std::string encode_snapshot_body(const Workspace& workspace) {
    std::string body;
    append_frame(body, workspace_settings_to_json(workspace));
    for (const Record* record : workspace.all_records())
        append_record_frame(body, *record);
    return body;
}

Result<Workspace> decode_snapshot_body(std::string_view body) {
    std::size_t at = 0;
    auto settings = read_frame(body, at);
    if (!settings) return Error{frame_name(0) + " " + settings.error()};
    WorkspaceReader reader;
    if (auto status = reader.read_settings(*settings); !status) return Error{status.error()};
    reader.expect_records(count_frames(body.substr(at)));
    const auto frame_error = [](std::size_t index, const std::string& problem) {
        return frame_name(index + 1) + " " + problem;
    };
    if (auto status = reader.read_record_frames(body.substr(at), frame_error); !status)
        return Error{status.error()};
    return reader.finish();
}

} // namespace crm
