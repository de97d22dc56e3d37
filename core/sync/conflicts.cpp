#include "sync/conflicts.hpp"

#include "engine/permissions.hpp"

#include <algorithm>
#include <set>

namespace crm {

using nlohmann::json;

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

// A value of a record that is here: a deleted record's are listed under its deletion.
bool lists_value(const Workspace& workspace, const std::string& record, const std::string& key) {
    return key != kCreatedStampKey && key != kExistsStampKey && workspace.find(record) &&
           !mirrors_a_stage(workspace, record, key);
}

bool same_write(const Stamp& one, const Stamp& other) {
    return one.clock == other.clock && one.device == other.device;
}

// A deletion that lost to a restore with a greater stamp, or a restore that
// lost to a deletion: the side that lost, listed as a deletion is.
std::optional<SyncConflict> existence_conflict(const Workspace& workspace,
                                               const std::string& record, std::vector<Head> heads) {
    std::erase_if(heads, [](const Head& head) { return head.value == kCreatedValue; });
    std::sort(heads.begin(), heads.end(),
              [](const Head& a, const Head& b) { return a.stamp.wins_over(b.stamp); });
    const auto lost = std::find_if(heads.begin(), heads.end(),
                                   [&](const Head& head) { return head.value != heads[0].value; });
    if (heads.empty() || lost == heads.end()) return std::nullopt;
    SyncConflict conflict;
    const bool deleted = heads[0].value == kDeletedValue;
    conflict.id = record + (deleted ? "/deleted/" : "/restored/") +
                  std::to_string(heads[0].stamp.clock) + "-" + heads[0].stamp.device;
    conflict.record = record;
    const nlohmann::json restored = {{kExistsStampKey, kRestoredValue}};
    conflict.kept = conflict_side(heads[0].stamp, deleted ? nlohmann::json() : restored);
    conflict.other = conflict_side(lost->stamp, deleted ? restored : nlohmann::json());
    if (deleted == (workspace.find(record) != nullptr)) return std::nullopt;
    return conflict;
}

// Changes to a record deleted elsewhere, while that deletion stands.
bool still_deleted(const Workspace& workspace, const SyncConflict& conflict) {
    const auto deletion = workspace.team_sync.deleted.find(conflict.record);
    return !workspace.find(conflict.record) && deletion != workspace.team_sync.deleted.end() &&
           same_write(deletion->second, conflict.kept.stamp);
}

} // namespace

std::vector<SyncConflict> open_conflicts(const Workspace& workspace) {
    const TeamSync& sync = workspace.team_sync;
    std::vector<SyncConflict> open;
    std::set<std::string> listed;
    for (const auto& [record, key] : sync.conflicted)
        if (const auto* heads = sync.heads_of(record, key);
            heads && values_differ(*heads) && lists_value(workspace, record, key))
            open.push_back(value_conflict(record, key, *heads));
    for (const auto& conflict : sync.deletions)
        if (!conflict.resolved && still_deleted(workspace, conflict) &&
            listed.insert(conflict.id).second)
            open.push_back(conflict);
    for (const auto& [record, key] : sync.conflicted)
        if (key == kExistsStampKey)
            if (auto conflict = existence_conflict(workspace, record, *sync.heads_of(record, key));
                conflict && !sync.resolved.count(conflict->id) &&
                listed.insert(conflict->id).second)
                open.push_back(std::move(*conflict));
    return open;
}

std::vector<SyncConflict> open_conflicts(const Workspace& workspace, const User& viewer) {
    auto open = open_conflicts(workspace);
    std::erase_if(open, [&](const SyncConflict& conflict) {
        if (const Record* record = workspace.find(conflict.record))
            return !can_view(workspace, viewer, *record);
        const json kept = deleted_record(workspace, conflict.record);
        const json owner = kept.is_object() ? kept.value("owner", json()) : json();
        return !can_view_owned_by(workspace, viewer,
                                  owner.is_string() ? owner.get<std::string>() : "");
    });
    return open;
}

json deleted_record(const Workspace& workspace, const std::string& id) {
    const auto* created = workspace.team_sync.heads_of(id, kCreatedStampKey);
    return created && !created->empty() ? created->front().value : json();
}

std::optional<SyncConflict> open_conflict(const Workspace& workspace, const std::string& id) {
    for (auto& conflict : open_conflicts(workspace))
        if (conflict.id == id) return conflict;
    return std::nullopt;
}

} // namespace crm
