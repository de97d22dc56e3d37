#include "process/stranded.hpp"

#include <algorithm>

namespace crm {

std::vector<StrandedStage> stranded_stages(const Workspace& ws,
                                           const std::vector<Flow>& new_flows) {
    std::vector<StrandedStage> stranded;
    for (const auto& old_flow : ws.flows) {
        const Flow* new_flow = nullptr;
        for (const auto& f : new_flows)
            if (f.id == old_flow.id) new_flow = &f;
        if (!new_flow) continue; // removing a whole flow is refused by the engine
        for (const auto& id : ws.ids_of_type(old_flow.record_type)) {
            const auto state = ws.find(id)->flows.find(old_flow.id);
            if (state == ws.find(id)->flows.end() || !state->second.active() ||
                new_flow->stage(state->second.stage))
                continue;
            auto it = std::find_if(stranded.begin(), stranded.end(), [&](const StrandedStage& s) {
                return s.flow == old_flow.id && s.stage == state->second.stage;
            });
            if (it == stranded.end()) {
                const Stage* stage = old_flow.stage(state->second.stage);
                stranded.push_back({old_flow.id,
                                    state->second.stage,
                                    stage ? stage->name : state->second.stage,
                                    {}});
                it = stranded.end() - 1;
            }
            it->records.push_back(id);
        }
    }
    return stranded;
}

} // namespace crm
