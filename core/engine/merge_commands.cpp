// Merging a likely duplicate into the record that stays: one batch of plain
// record events (an update, re-pointed links, a deletion that keeps the
// data), so replay, history and undo need nothing new.
#include "engine/decisions.hpp"
#include "engine/merge.hpp"
#include "engine/permissions.hpp"
#include "io/workspace_json.hpp"
#include "model/line_items.hpp"

#include <algorithm>

namespace crm {

using nlohmann::json;

namespace {

// A field some flow of the type mirrors its stage in (deal.stage).
bool is_stage_field(const Workspace& ws, const std::string& type, const std::string& field) {
    for (const auto& flow : ws.flows)
        if (flow.record_type == type && flow.stage_field == field) return true;
    return false;
}

MergeOutcome outcome_of(const json& keep_value, const json& other_value) {
    if (other_value.is_null()) return MergeOutcome::KeepsOwn;
    if (keep_value == other_value) return MergeOutcome::Same;
    return keep_value.is_null() ? MergeOutcome::FillsBlank : MergeOutcome::Choice;
}

} // namespace

std::vector<MergeField> merge_fields(const Workspace& ws, const Record& keep, const Record& other) {
    std::vector<MergeField> fields;
    const RecordTypeDef* type = ws.schema.type(keep.type);
    if (!type) return fields;
    for (const auto& field : type->fields) {
        MergeField merged{&field, keep.value(field.id), other.value(field.id)};
        if (merged.keep_value.is_null() && merged.other_value.is_null()) continue;
        // A link from other to other or to keep would be keep linking to itself.
        const json& link = merged.other_value;
        if (field.type == FieldType::RecordRef && link.is_string() &&
            (link.get<std::string>() == other.id || link.get<std::string>() == keep.id))
            merged.other_value = nullptr;
        merged.outcome = is_stage_field(ws, type->id, field.id) ? MergeOutcome::Fixed
                         : !field.sum_of.empty()
                             ? MergeOutcome::Worked
                             : outcome_of(merged.keep_value, merged.other_value);
        fields.push_back(std::move(merged));
    }
    return fields;
}

namespace detail {

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
    // Its flags would leave the data-quality queue with it, unseen.
    if (!other->data_problems.empty())
        return Error{"Cannot merge " + other->id + " into " + keep->id + ": " +
                     ws.title_of(*other) +
                     " has open data problems; resolve them first, or keep that record"};
    return std::make_pair(keep, other);
}

// The values keep takes: the fields chosen from other where they differ, and
// keep's blanks that other fills (merge_fields() says which is which).
Result<json> taken_values(const Workspace& ws, const RecordTypeDef& type, const Record& keep,
                          const Record& other, const std::vector<std::string>& from_other) {
    for (const auto& field : from_other)
        if (field != "owner" && !type.field(field))
            return Error{type.label + " has no field \"" + field + "\" to take from " + other.id};
    auto chosen = [&](const std::string& field) {
        return std::count(from_other.begin(), from_other.end(), field) > 0;
    };
    json taken = json::object();
    for (const auto& merged : merge_fields(ws, keep, other)) {
        const FieldDef& field = *merged.field;
        if (merged.outcome == MergeOutcome::Fixed && chosen(field.id))
            return Error{"Cannot take " + field.label + " from " + other.id + " in a merge: move " +
                         keep.id + " to that stage instead"};
        if (merged.outcome == MergeOutcome::Worked && chosen(field.id))
            return Error{"Cannot take " + field.label + " from " + other.id + " in a merge: it " +
                         *not_set_by_hand(type, field)};
        if (merged.outcome == MergeOutcome::FillsBlank ||
            (merged.outcome == MergeOutcome::Choice && chosen(field.id)))
            taken[field.id] = merged.other_value;
    }
    for (const auto& field : type.fields) // totals follow the lines taken
        if (!field.sum_of.empty() && taken.contains(field.sum_of))
            taken[field.id] = line_items_total(taken[field.sum_of]);
    return taken;
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

} // namespace detail
} // namespace crm
