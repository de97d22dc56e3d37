#include "store/snapshot_body.hpp"

#include "io/msgpack_frames.hpp"
#include "io/record_checks.hpp"
#include "io/record_frame.hpp"
#include "io/schema_json.hpp"
#include "io/team_sync_json.hpp"
#include "io/workspace_json.hpp"
#include "util/crc32.hpp"

namespace crm {

// The settings frame's member that holds TeamSync (not in JSON exports).
constexpr const char* kTeamSyncKey = "team_sync";

namespace {

// What frame `index` holds, for messages: the settings, then records from 1.
std::string frame_name(std::size_t index) {
    return index == 0 ? "the workspace's settings" : "record " + std::to_string(index);
}

} // namespace

std::uint32_t record_checks_fingerprint() {
    static const std::uint32_t fingerprint = [] {
        nlohmann::json builtin = nlohmann::json::array();
        const Schema schema = builtin_schema();
        for (const auto& type : schema.types())
            builtin.push_back(record_type_to_json(type));
        return crc32("record rules " + std::to_string(kRecordRulesVersion) + "\n" + builtin.dump());
    }();
    return fingerprint;
}

std::string encode_snapshot_body(const Workspace& workspace) {
    std::string body;
    nlohmann::json settings = workspace_settings_to_json(workspace);
    settings[kTeamSyncKey] = team_sync_to_json(workspace.team_sync);
    append_frame(body, settings);
    for (const Record* record : workspace.all_records())
        append_record_frame(body, *record);
    return body;
}

Result<Workspace> decode_snapshot_body(std::string_view body, RecordChecks checks) {
    std::size_t at = 0;
    auto settings = read_frame(body, at);
    if (!settings) return Error{frame_name(0) + " " + settings.error()};
    // Snapshots from before sync have none: a workspace starts with no stamps.
    TeamSync team_sync;
    if (const auto kept = settings->find(kTeamSyncKey); kept != settings->end()) {
        auto read = team_sync_from_json(*kept, frame_name(0) + " " + kTeamSyncKey);
        if (!read) return Error{read.error()};
        team_sync = std::move(*read);
        settings->erase(kept);
    }
    WorkspaceReader reader({}, checks);
    if (auto status = reader.read_settings(*settings); !status) return Error{status.error()};
    reader.expect_records(count_frames(body.substr(at)));
    const auto frame_error = [](std::size_t index, const std::string& problem) {
        return frame_name(index + 1) + " " + problem;
    };
    if (auto status = reader.read_record_frames(body.substr(at), frame_error); !status)
        return Error{status.error()};
    auto workspace = reader.finish();
    if (workspace) workspace->team_sync = std::move(team_sync);
    return workspace;
}

} // namespace crm
