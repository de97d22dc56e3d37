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

// A field some flow of the type mirrors its stage in (deal.stage).
bool is_stage_field(const Workspace& ws, const std::string& type, const std::string& field) {
    for (const auto& flow : ws.flows)
        if (flow.record_type == type && flow.stage_field == field) return true;
    return false;
}

// A value copied from `other`: a link to other or to keep would be keep
// linking to itself after the merge, so it is left out.
json as_after_merge(json value, const Record& keep, const Record& other) {
    const bool self_link = value.is_string() && (value.get<std::string>() == other.id ||
                                                 value.get<std::string>() == keep.id);
    return self_link ? json() : value;
}

// The values keep takes: the fields chosen from other, and keep's blanks
// that other fills. A stage field never moves this way: that is a stage
// move, with its gates (or, for a record in no flow yet, its start).
Result<json> taken_values(const Workspace& ws, const RecordTypeDef& type, const Record& keep,
                          const Record& other, const std::vector<std::string>& from_other) {
    json taken = json::object();
    for (const auto& field : from_other) {
        if (field == "owner") continue;
        if (!type.field(field))
            return Error{type.label + " has no field \"" + field + "\" to take from " + other.id};
        if (is_stage_field(ws, type.id, field))
            return Error{"Cannot take " + type.field(field)->label + " from " + other.id +
                         " in a merge: move " + keep.id + " to that stage instead"};
        taken[field] = as_after_merge(other.value(field), keep, other);
    }
    for (const auto& field : type.fields)
        if (!keep.has_value(field.id) && other.has_value(field.id) && !taken.contains(field.id) &&
            !is_stage_field(ws, type.id, field.id))
            taken[field.id] = as_after_merge(other.value(field.id), keep, other);
    return changed_fields(keep, taken);
}

// Every record that refers to `other`, changed to refer to `keep`, each as
// its owner's edit would be checked. Keep's own links are in `taken` already.
Result<std::vector<Event>> repoint_links(const Workspace& ws, const User& actor, const Record& keep,
                                         const Record& other, const json& taken) {
    std::vector<Event> events;
    for (const auto& id : ws.referrers_of(other.id)) {
        const Record* referrer = ws.find(id);
        const RecordTypeDef* type = referrer ? ws.schema.type(referrer->type) : nullptr;
        if (!type || referrer->id == other.id) continue;
        json fields = json::object();
        for (const auto& field : type->fields) {
            if (field.type != FieldType::RecordRef) continue;
            if (referrer->id == keep.id && taken.contains(field.id)) continue;
            const json& value = referrer->value(field.id);
            if (value.is_string() && value.get<std::string>() == other.id)
                fields[field.id] = referrer->id == keep.id ? json() : json(keep.id);
        }
        if (fields.empty()) continue;
        if (auto status = check_update(ws, actor, *referrer); !status)
            return Error{"Cannot merge " + other.id + " into " + keep.id + ": " + referrer->id +
                         " links to it, and " + status.error()};
        events.push_back(field_changes(*referrer, std::move(fields)));
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
    auto links = repoint_links(ws, actor, *keep, *other, *taken);
    if (!links) return Error{links.error()};
    events::RecordUpdated update = field_changes(*keep, std::move(*taken));
    const bool owner_chosen = std::count(cmd.from_other.begin(), cmd.from_other.end(), "owner") > 0;
    if (owner_chosen && other->owner != keep->owner) {
        update.owner = other->owner;
        update.owner_before = keep->owner;
    }
    if (!update.fields.empty() || update.owner) decision.events.push_back(std::move(update));
    for (auto& event : *links)
        decision.events.push_back(std::move(event));
    decision.events.push_back(events::RecordDeleted{other->id, record_to_json(*other)});
    return decision;
}

} // namespace crm::detail
