// SLA policies: what starts a clock on a record, what stops it, when it is at
// risk, and who hears of a breach. Evaluated against the workspace's business
// calendar; a breach is journaled once (an alert fires once, across reloads
// and journal replays).
//   {"id": "demo_first_response", "name": "First response to a demo request",
//    "record_type": "lead", "applies": {"==": [{"var": "source"}, "Demo request"]},
//    "starts": "created" | "flow:<flow>/<stage>",
//    "stops": {"is_set": {"var": "first_contact_at"}},
//    "within": "4 business hours", "at_risk": 0.75,
//    "alert": ["owner", "owner_manager"],
//    "escalate_to": ["owner_manager"], "reassign_to": "role:manager", "set": {"priority": "High"}}
#pragma once

#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace crm {

struct SlaPolicy {
    std::string id, name, record_type;
    nlohmann::json applies = true;  // JsonLogic on the record
    std::string starts = "created"; // or "flow:<flow id>/<stage id>": when that stage was entered
    nlohmann::json stops;           // JsonLogic: the clock stops (met) once true
    nlohmann::json pauses; // JsonLogic: no breach is raised while true (waiting on the customer)
    std::string within;    // "4 business hours"
    double at_risk = 0.75; // share of the time used that makes it at risk
    std::vector<std::string> alert; // "owner", "owner_manager", "role:manager", or a user id
    // Breach actions besides the alert:
    std::vector<std::string> escalate_to; // who takes it on (same names as alert); it shows in
                                          // their My work until the clock is met
    std::string reassign_to; // new owner: "owner_manager", "role:NAME" (whoever of that role
                             // owns the fewest open records of the type) or a user id
    nlohmann::json set = nlohmann::json::object(); // field values to set, e.g. {"priority": "High"}
};

Result<std::vector<SlaPolicy>> sla_policies_from_json(const nlohmann::json& json,
                                                      const std::string& path);
nlohmann::json sla_policies_to_json(const std::vector<SlaPolicy>& policies);
} // namespace crm
