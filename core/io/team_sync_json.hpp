// TeamSync as the snapshot and the journal hold it (docs/sync.md). Not part
// of the JSON export: an exported workspace belongs to no team.
#pragma once

#include "model/team_sync.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace crm {

nlohmann::json stamp_to_json(const Stamp& stamp); // [clock, "device", seq, "actor", seconds]
Result<Stamp> stamp_from_json(const nlohmann::json& value, const std::string& path);

nlohmann::json heads_to_json(const std::vector<Head>& heads); // [[stamp, value?], ...]
Result<std::vector<Head>> heads_from_json(const nlohmann::json& value, const std::string& path);

nlohmann::json seen_to_json(const SeenBatches& seen);
Result<SeenBatches> seen_from_json(const nlohmann::json& value, const std::string& path);

nlohmann::json conflict_to_json(const SyncConflict& conflict);
Result<SyncConflict> conflict_from_json(const nlohmann::json& value, const std::string& path);
nlohmann::json problem_to_json(const SyncProblem& problem);
Result<SyncProblem> problem_from_json(const nlohmann::json& value, const std::string& path);

nlohmann::json team_sync_to_json(const TeamSync& sync);
Result<TeamSync> team_sync_from_json(const nlohmann::json& value, const std::string& path);

} // namespace crm
