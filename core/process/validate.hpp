// Checks process definitions against the schema before they go live. Each
// problem names the flow, the stage (or outcome, exit), the field and what is
// wrong, e.g. `sales_pipeline › meeting_scheduled › required: "budjet" is not
// a field of Deal`.
#pragma once

#include "model/schema.hpp"
#include "process/flow.hpp"

#include <string>
#include <vector>

namespace crm {

std::vector<std::string> validate_flows(const Schema& schema, const std::vector<Flow>& flows);

// Checks one condition on records of `type` the same way (valid JsonLogic,
// fields that exist, values that fit them); problems start with `where`.
std::vector<std::string> validate_condition(const Schema& schema, const std::vector<Flow>& flows,
                                            const RecordTypeDef& type, const nlohmann::json& rule,
                                            const std::string& where);

// "2 days", "4 business hours", "30 minutes": the durations due offsets use.
bool is_valid_duration(const std::string& text);

} // namespace crm
