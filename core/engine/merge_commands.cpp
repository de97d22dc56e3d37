// Merging a likely duplicate into the record that stays: one batch of plain
// record events (an update, re-pointed links, a deletion that keeps the
// data), so replay, history and undo need nothing new.
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "io/workspace_json.hpp"

#include <algorithm>

namespace crm::detail {

using nlohmann::json;

namespace {

Result<std::pair<const Record*, const Record*>> merge_pair(const Workspace& ws, const User& actor,
                                                           const MergeRecords& cmd) {
    const Record* keep = ws.find(cmd.keep);
    if (!keep) return Error{"there is no record \"" + cmd.keep + "\""};
    const Record* other = ws.find(cmd.other);
    if (!other) return Error{"there is no record \"" + cmd.other + "\""};
    if (keep == other) return Error{"Cannot merge " + keep->id + " with itself"};
    if (keep->type != other->type)
        return Error{"Cannot merge " + keep->id + " (a " + keep->type + ") with " + other->id +
                     " (a " + other->type + "): only records of one type merge"};
    // Deleting the other is what a rep may never do: said first.
    if (auto status = check_delete(ws, actor, *other); !status)
        return Error{"Cannot merge " + other->id + " into " + keep->id + ": " + status.error()};
    if (auto status = check_update(ws, actor, *keep); !status) return Error{status.error()};
    return std::make_pair(keep, other);
}

// The values keep takes: the fields chosen from other, and keep's blanks
// that other fills. A stage field never moves this way: that is a stage
// move, with its gates.
Result<json> taken_values(const Workspace& ws, const RecordTypeDef& type, const Record& keep,
                          const Record& other, const std::vector<std::string>& from_other) {
    json taken = json::object();
    for (const auto& field : from_other) {
        if (field == "owner") continue;
        if (!type.field(field))
            return Error{type.label + " has no field \"" + field + "\" to take from " + other.id};
        taken[field] = other.value(field);
    }
    for (const auto& field : type.fields)
        if (!keep.has_value(field.id) && other.has_value(field.id) && !taken.contains(field.id))
            taken[field.id] = other.value(field.id);
    for (auto it = taken.begin(); it != taken.end();) {
        const bool stage = stage_field_flow(ws, keep, json{{it.key(), it.value()}}) != nullptr;
        const bool chosen = std::count(from_other.begin(), from_other.end(), it.key()) > 0;
        if (stage && chosen)
            return Error{"Cannot take " + type.field(it.key())->label + " from " + other.id +
                         " in a merge: move " + keep.id + " to that stage instead"};
        it = stage ? taken.erase(it) : ++it;
    }
    return changed_fields(keep, taken);
}

// Every record that refers to `other`, changed to refer to `keep` (a link
// from keep itself to other is cleared: a record does not point at itself).
std::vector<Event> repoint_links(const Workspace& ws, const Record& keep, const Record& other) {
    std::vector<Event> events;
    for (const auto& id : ws.referrers_of(other.id)) {
        const Record* referrer = ws.find(id);
        const RecordTypeDef* type = referrer ? ws.schema.type(referrer->type) : nullptr;
        if (!type || referrer->id == other.id) continue;
        json fields = json::object();
        for (const auto& field : type->fields) {
            if (field.type != FieldType::RecordRef) continue;
            const json& value = referrer->value(field.id);
            if (value.is_string() && value.get<std::string>() == other.id)
                fields[field.id] = referrer->id == keep.id ? json() : json(keep.id);
        }
        if (!fields.empty()) events.push_back(field_changes(*referrer, std::move(fields)));
    }
    return events;
}

} // namespace

Result<Decision> decide_merge(const Workspace& ws, const User& actor, const MergeRecords& cmd) {
    auto pair = merge_pair(ws, actor, cmd);
    if (!pair) return Error{pair.error()};
    const auto [keep, other] = *pair;
    const RecordTypeDef& type = *ws.schema.type(keep->type);
    auto taken = taken_values(ws, type, *keep, *other, cmd.from_other);
    if (!taken) return Error{taken.error()};

    Decision decision;
    decision.record_id = keep->id;
    decision.events.push_back(events::RecordsMerged{keep->id, other->id, ws.title_of(*other)});
    events::RecordUpdated update = field_changes(*keep, std::move(*taken));
    const bool owner_chosen = std::count(cmd.from_other.begin(), cmd.from_other.end(), "owner") > 0;
    if (owner_chosen && other->owner != keep->owner) {
        update.owner = other->owner;
        update.owner_before = keep->owner;
    }
    if (!update.fields.empty() || update.owner) decision.events.push_back(std::move(update));
    for (auto& event : repoint_links(ws, *keep, *other))
        decision.events.push_back(std::move(event));
    decision.events.push_back(events::RecordDeleted{other->id, record_to_json(*other)});
    return decision;
}

} // namespace crm::detail
