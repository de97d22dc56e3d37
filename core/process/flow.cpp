#include "process/flow.hpp"

#include <algorithm>
#include <cctype>

namespace crm {

namespace {

bool same_name(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

std::string stage_named(const Flow& flow, const std::string& value) {
    for (const auto& stage : flow.stages)
        if (stage.id == value || same_name(stage.name, value)) return stage.id;
    for (const auto& outcome : flow.outcomes)
        if (outcome.id == value || same_name(outcome.name, value)) return outcome.id;
    return "";
}

FlowState joined_flow_state(const Flow& flow, const std::string& target, Instant started,
                            Instant entered, const std::string& by) {
    FlowState state;
    state.stage = target;
    state.started_at = started;
    state.entered_at = entered;
    if (!flow.stage(target)) { // an outcome: the flow has ended there
        state.stage = flow.stages.empty() ? target : flow.stages.back().id;
        state.status = "ended";
        state.outcome = target;
        state.ended_at = entered;
    }
    StageEntry entry{.stage = target, .at = entered, .by = by};
    entry.joined = true;
    state.history.push_back(std::move(entry));
    return state;
}

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

std::optional<NextStep> next_step(const Flow& flow, const FlowState& state) {
    const Stage* here = state.active() ? flow.stage(state.stage) : nullptr;
    if (!here) return std::nullopt;
    if (!here->next.empty()) {
        const std::string& id = here->next.front();
        if (const Stage* stage = flow.stage(id)) return NextStep{id, stage->name, &stage->gate};
        if (const FlowOutcome* outcome = flow.outcome(id))
            return NextStep{id, outcome->name, &outcome->gate};
        return std::nullopt; // validate_flows reports a `next` that names nothing
    }
    const int index = flow.stage_index(here->id);
    if (index + 1 >= static_cast<int>(flow.stages.size())) return std::nullopt;
    const Stage& following = flow.stages[static_cast<std::size_t>(index + 1)];
    return NextStep{following.id, following.name, &following.gate};
}

} // namespace crm
