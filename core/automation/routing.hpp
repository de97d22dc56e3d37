// Who an Assign action gives a record to: the people of its rotation that
// are in, not out of office and below their capacity, taken by weighted
// round-robin (the one furthest behind their share goes next), so weights
// 2:1 over 300 records give 200 and 100 however the timer and reloads fall.
#pragma once

#include "automation/rule.hpp"
#include "model/workspace.hpp"

#include <string>
#include <vector>

namespace crm {

struct RoutingChoice {
    std::string user;   // "" when nobody may take it
    std::string reason; // then why: who was skipped and for what
};

// `counts`: how many records the rule's rotation has given each person so far.
RoutingChoice choose_owner(const Workspace& workspace, const Routing& routing,
                           const std::string& record_type,
                           const std::map<std::string, std::size_t>& counts, Instant now);

// Records of `type` owned by `user` that are still being worked: in a flow
// that has not ended, or in no flow at all.
std::size_t open_records_of(const Workspace& workspace, const std::string& type,
                            const std::string& user);

} // namespace crm
