// JSON form of flows and of a record's place in them (docs/processes.md).
// Reading checks structure and says where a definition is malformed; what a
// definition means against the schema is checked by validate_flows().
#pragma once

#include "process/flow.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace crm {

inline constexpr const char* kProcessesFormat = "crm-processes";

nlohmann::json flow_to_json(const Flow& flow);
Result<Flow> flow_from_json(const nlohmann::json& json, const std::string& path);
// An array of flows; `path` names the array ("$.processes").
Result<std::vector<Flow>> flows_from_json(const nlohmann::json& json, const std::string& path);
nlohmann::json flows_to_json(const std::vector<Flow>& flows);

// A process template file: {"format": "crm-processes", "version": 1, "flows": [...]}.
Result<std::vector<Flow>> processes_from_document(const nlohmann::json& document);
nlohmann::json processes_document(const std::vector<Flow>& flows);

nlohmann::json stage_history_to_json(const std::vector<StageEntry>& history);
nlohmann::json flow_state_to_json(const FlowState& state);
nlohmann::json blocked_attempt_to_json(const BlockedAttempt& blocked);
Result<FlowState> flow_state_from_json(const nlohmann::json& json, const std::string& path);

} // namespace crm
