// A record: one company, contact, deal, ... Field values are JSON in the
// shapes documented in docs/workspace-format.md (money is {"amount","currency"}).
#pragma once

#include "util/time.hpp"

#include <nlohmann/json.hpp>

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
};

} // namespace crm
