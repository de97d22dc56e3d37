// TeamSync as the snapshot and the journal hold it (docs/sync.md). Not part
// of the JSON export: an exported workspace belongs to no team.
#pragma once

#include "model/team_sync.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace crm {

nlohmann::json stamp_to_json(const Stamp& stamp); // [clock, "device", "actor"]
Result<Stamp> stamp_from_json(const nlohmann::json& value, const std::string& path);

nlohmann::json conflict_to_json(const SyncConflict& conflict);
Result<SyncConflict> conflict_from_json(const nlohmann::json& value, const std::string& path);

nlohmann::json team_sync_to_json(const TeamSync& sync);
Result<TeamSync> team_sync_from_json(const nlohmann::json& value, const std::string& path);

} // namespace crm
