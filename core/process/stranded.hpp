// Stages a new process definition would remove while records stand in them:
// what the designer asks a mapping for and the engine refuses without one.
#pragma once

#include "model/workspace.hpp"
#include "process/flow.hpp"

#include <string>
#include <vector>

namespace crm {

// Stages a new process definition removes while records are still in them.
struct StrandedStage {
    std::string flow;
    std::string stage;      // the removed stage's id
    std::string stage_name; // as it was called
    std::vector<std::string> records;
};
std::vector<StrandedStage> stranded_stages(const Workspace& workspace,
                                           const std::vector<Flow>& new_flows);

} // namespace crm
