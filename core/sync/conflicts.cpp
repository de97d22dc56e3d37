#include "sync/conflicts.hpp"

#include "engine/permissions.hpp"

#include <algorithm>

namespace crm {

ConflictSide conflict_side(const Stamp& stamp, nlohmann::json value) {
    return {std::move(value), stamp.actor, stamp.device, stamp.at, stamp};
}

namespace {

SyncConflict value_conflict(const std::string& record, const std::string& key,
                            std::vector<Head> heads) {
    std::sort(heads.begin(), heads.end(),
              [](const Head& a, const Head& b) { return a.stamp.wins_over(b.stamp); });
    SyncConflict conflict;
    conflict.id = record + "/" + key;
    conflict.record = record;
    conflict.field = key;
    conflict.kept = conflict_side(heads[0].stamp, heads[0].value);
    conflict.other = conflict_side(heads[1].stamp, heads[1].value);
    return conflict;
}

// Heads that all hold one value (both devices set the same owner) disagree on nothing.
bool values_differ(const std::vector<Head>& heads) {
    for (const auto& head : heads)
        if (head.value != heads.front().value) return true;
    return false;
}

// A flow's stage field (deal.stage) mirrors where the record stands: its
// conflict is the flow's, listed once under "flow:<id>".
bool mirrors_a_stage(const Workspace& workspace, const std::string& record,
                     const std::string& key) {
    const Record* found = workspace.find(record);
    if (!found) return false;
    for (const auto& [flow_id, state] : found->flows)
        if (const Flow* flow = workspace.flow(flow_id); flow && flow->stage_field == key)
            return true;
    return false;
}

} // namespace

std::vector<SyncConflict> open_conflicts(const Workspace& workspace) {
    const TeamSync& sync = workspace.team_sync;
    std::vector<SyncConflict> open;
    for (const auto& [record, key] : sync.conflicted)
        if (const auto* heads = sync.heads_of(record, key);
            heads && values_differ(*heads) && !mirrors_a_stage(workspace, record, key))
            open.push_back(value_conflict(record, key, *heads));
    for (const auto& conflict : sync.deletions)
        if (!conflict.resolved) open.push_back(conflict);
    return open;
}

std::vector<SyncConflict> open_conflicts(const Workspace& workspace, const User& viewer) {
    auto open = open_conflicts(workspace);
    std::erase_if(open, [&](const SyncConflict& conflict) {
        const Record* record = workspace.find(conflict.record);
        return record && !can_view(workspace, viewer, *record);
    });
    return open;
}

std::optional<SyncConflict> open_conflict(const Workspace& workspace, const std::string& id) {
    for (auto& conflict : open_conflicts(workspace))
        if (conflict.id == id) return conflict;
    return std::nullopt;
}

} // namespace crm
