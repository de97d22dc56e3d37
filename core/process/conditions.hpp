// Conditions on records: what a JsonLogic rule sees of a record, whether a
// gate lets a record in, and how both read to a person.
#pragma once

#include "model/workspace.hpp"
#include "process/flow.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace crm {

// The data a rule reads for a record: every field by id (money as its amount,
// with "<field>_currency" beside it), plus "id", "type", "owner",
// "created_at", "updated_at", and "flows": {flow id: {"stage", "status",
// "outcome", "entered_at", "started_at"}}. `fields` overrides the record's own
// values (a move may fill fields in).
nlohmann::json logic_data(const Record& record, const RecordTypeDef& type,
                          const nlohmann::json& fields);
nlohmann::json logic_data(const Record& record, const RecordTypeDef& type);
// The fields `rules` read of records of `type`, worked out once for checking
// them on many records: logic_data_of() those fields reads to the rules as
// logic_data() does. None when a rule needs the whole record: a system
// variable ("owner", "flows"), a name it works out or the whole data
// (logic::all_variables()).
std::optional<std::vector<const FieldDef*>>
fields_read(const RecordTypeDef& type, std::initializer_list<const nlohmann::json*> rules);
// The record's data holding only `fields`.
nlohmann::json logic_data_of(const Record& record, const std::vector<const FieldDef*>& fields);

// Names every rule may read besides the type's fields.
bool is_system_variable(const std::string& name);

// "Budget is set and Decision maker is set", with field labels.
std::string describe_condition(const RecordTypeDef& type, const nlohmann::json& rule);

struct GateCheck {
    std::vector<std::string> missing; // required field ids that are not set
    std::vector<std::string> failing; // entry conditions not met, in plain words
    bool passes() const { return missing.empty() && failing.empty(); }
};

// Checks a gate against a record's data (from logic_data). An "and" entry
// condition is checked part by part, so each unmet part is named.
GateCheck check_gate(const Gate& gate, const RecordTypeDef& type, const nlohmann::json& data,
                     Instant now);

// "missing Budget and Decision maker; not met: Demo completed is yes"
std::string describe_gate_check(const GateCheck& check, const RecordTypeDef& type);

} // namespace crm
