// The workspace exchange format, version 2 (docs/workspace-format.md); version 1
// documents still import with the same meaning. Export
// writes it; import reads it whole and either yields a complete workspace or
// says exactly where the document is wrong. Snapshots use the same format.
#pragma once

#include "io/json_text.hpp"
#include "io/record_frame.hpp"
#include "model/workspace.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace crm {

inline constexpr const char* kWorkspaceFormat = "crm-workspace";
inline constexpr int kWorkspaceFormatVersion = 2; // adds each record's version

nlohmann::json workspace_to_json(const Workspace& workspace);
// The document without "records": what the snapshot stores before its records.
nlohmann::json workspace_settings_to_json(const Workspace& workspace);
// One record as it appears in "records": fields, flows and the engine's SLA state.
nlohmann::json record_to_json(const Record& record);
// One record as record_to_json() wrote it, checked against the workspace
// (its type, owner, field values and the records and users it refers to).
Result<Record> record_from_json(const nlohmann::json& value, const Workspace& workspace,
                                const std::string& path);
// One notification as "notifications" and the journal hold it.
nlohmann::json notification_to_json(const Notification& notification);
Result<Notification> notification_from_json(const nlohmann::json& value, const std::string& path);
std::string export_workspace(const Workspace& workspace); // pretty-printed

// One user (one team) as "users" ("teams") and the journal hold it. Reading
// checks its shape only; the teams and users it names are checked by the caller.
nlohmann::json user_to_json(const User& user);
// A person's out-of-office periods: [{"from": "2026-12-01", "to": "2026-12-10"}].
inline constexpr std::size_t kMaxAwayPeriods = 100;
nlohmann::json away_to_json(const std::vector<AwayPeriod>& away);
Result<std::vector<AwayPeriod>> away_from_json(const nlohmann::json& value,
                                               const std::string& path);
Result<User> user_from_json(const nlohmann::json& value, const std::string& path);
nlohmann::json team_to_json(const Team& team);
Result<Team> team_from_json(const nlohmann::json& value, const std::string& path);

// One saved view as it appears in "views" and in the journal. Reading checks
// its shape only: users, flows and stages it names may be gone since.
nlohmann::json view_to_json(const SavedView& view);
Result<SavedView> view_from_json(const nlohmann::json& value, const std::string& path);

// Records without created_at/updated_at get `imported_at` (the time of the
// import), so every record has a real time; exports always carry them.
Result<Workspace> workspace_from_json(const nlohmann::json& document, Instant imported_at = {});
// Parses text; syntax errors name line and column.
Result<Workspace> import_workspace(std::string_view text, Instant imported_at = {});

// A workspace read as the snapshot stores it, without one tree of the whole
// document: its settings (workspace_settings_to_json), then each record, then
// finish(), which checks the references between records. Same checks and
// messages as import (those `checks` asks for of records read from frames);
// the first error ends the reading.
class WorkspaceReader {
  public:
    explicit WorkspaceReader(Instant imported_at = {}, RecordChecks checks = RecordChecks::All);
    Status read_settings(const nlohmann::json& document);
    Status read_record(nlohmann::json&& record); // "$.records[N]" in messages
    // Each record of a run of MessagePack frames (msgpack_frames.hpp), read
    // straight from its bytes when they have the usual shape, else as
    // read_record() reads it. `frame_error` names a frame that does not
    // decode: (its index from 0, "is cut short") -> the message.
    using FrameError = std::function<std::string(std::size_t, const std::string&)>;
    Status read_record_frames(std::string_view frames, const FrameError& frame_error);
    // Room for `count` records, so that reading them does not move them again.
    void expect_records(std::size_t count);
    Result<Workspace> finish();

  private:
    Workspace m_workspace;
    Instant m_imported_at;
    RecordChecks m_checks;
    // In the order read, for the reference check; the workspace's records
    // keep their place in memory as more are added.
    std::vector<const Record*> m_read;
};

} // namespace crm

namespace crm {

// Moves every date and time in the records (fields, creation and update
// times, process history) by whole days, so a demo workspace written on one
// day looks alive on another. Calendars and holidays stay as they are.
void shift_record_times(Workspace& workspace, std::int64_t days);
// The demo's "today": the latest time any record was created.
Instant latest_activity(const Workspace& workspace);

} // namespace crm
