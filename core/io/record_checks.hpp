// What reading and writing a record share, however it is read: from a
// workspace document (workspace_json.cpp) or straight from a snapshot frame
// (record_frame.cpp). Checks name where the problem is, under `path`
// ("$.records[4]").
#pragma once

#include "model/workspace.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace crm {

// Stands for the code that checks and normalises a record's values and
// engine state (below, model/field_values.cpp): raise it whenever what a
// valid record is changes, so that snapshots an earlier build checked are
// checked again as they open (record_checks_fingerprint()).
inline constexpr int kRecordRulesVersion = 1;

// One record of a workspace document, checked against `ws` but for its
// references to other records and people, which may be read after it.
// Takes the record's fields over from `value`, which it leaves spent.
Result<Record> read_record(nlohmann::json& value, const Workspace& ws, const std::string& path,
                           Instant imported_at);

// The record's type, when `type_id` names one and `id` is an id of that type.
Result<const RecordTypeDef*> record_type_of(const std::string& id, const std::string& type_id,
                                            const Workspace& ws, const std::string& path);
// An owner, when set, is one of the workspace's people.
Status check_owner(const Record& record, const Workspace& ws, const std::string& path);
// Every value in record.fields is of a field of `type`, normalised in place;
// values that normalise to nothing are dropped.
Status normalize_record_fields(Record& record, const RecordTypeDef& type, const std::string& path);
// An active flow state names a flow of the record's type and one of its stages.
Status check_flow_state(const std::string& flow_id, const FlowState& state, const Record& record,
                        const Workspace& ws, const std::string& state_path);
Status check_required_fields(const Record& record, const RecordTypeDef& type,
                             const std::string& path);
// The engine's state kept on a record ("sla_alerts", "sla_escalations",
// "sla_pauses", "automation_failures", "rule_occasions", "data_problems"),
// read from those keys of `value`.
Status read_engine_state(const nlohmann::json& value, const std::string& path, Record& record);
// Writes those keys of `item` that the record has state for.
void write_engine_state(const Record& record, nlohmann::json& item);

} // namespace crm
