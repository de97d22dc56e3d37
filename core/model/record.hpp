// A record: one company, contact, deal, ... Field values are JSON in the
// shapes documented in docs/workspace-format.md (money is {"amount","currency"}).
#pragma once

#include "process/flow.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace crm {

struct Record {
    std::string id;    // "deal-42"
    std::string type;  // "deal"
    std::string owner; // user id; empty means unowned
    nlohmann::json fields = nlohmann::json::object();
    Instant created_at;
    std::string created_by;
    Instant updated_at;
    std::string updated_by;
    std::map<std::string, FlowState> flows; // by flow id: where this record stands in each
    std::map<std::string, std::string> sla_alerts; // policy id -> the due time whose breach was raised
};

} // namespace crm
