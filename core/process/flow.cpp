#include "process/flow.hpp"

namespace crm {

const Stage* Flow::stage(const std::string& stage_id) const {
    for (const auto& s : stages)
        if (s.id == stage_id) return &s;
    return nullptr;
}

const FlowOutcome* Flow::outcome(const std::string& outcome_id) const {
    for (const auto& o : outcomes)
        if (o.id == outcome_id) return &o;
    return nullptr;
}

const FlowExit* Flow::exit(const std::string& exit_id) const {
    for (const auto& e : exits)
        if (e.id == exit_id) return &e;
    return nullptr;
}

int Flow::stage_index(const std::string& stage_id) const {
    for (std::size_t i = 0; i < stages.size(); ++i)
        if (stages[i].id == stage_id) return static_cast<int>(i);
    return -1;
}

int stale_after_days(const Flow& flow, const Stage& stage) {
    if (stage.stale_after_days) return *stage.stale_after_days;
    if (flow.stale_after_days) return *flow.stale_after_days;
    return kDefaultStaleAfterDays;
}

} // namespace crm
