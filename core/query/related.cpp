#include "query/related.hpp"

#include "engine/permissions.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <unordered_set>

namespace crm {

namespace {

std::string current_stage(const Workspace& ws, const Record& record) {
    for (const auto& [flow_id, state] : record.flows) {
        if (!state.active()) continue;
        const Flow* flow = ws.flow(flow_id);
        const Stage* stage = flow ? flow->stage(state.stage) : nullptr;
        return stage ? stage->name : state.stage;
    }
    return "";
}

std::optional<Instant> instant_field(const Record& record, std::string_view field) {
    const auto& value = record.value(field);
    return value.is_string() ? parse_instant(value.get<std::string>()) : std::nullopt;
}

RelatedItem related_item(const Workspace& ws, const Record& record) {
    RelatedItem item{record.id, ws.title_of(record), current_stage(ws, record), std::nullopt,
                     false};
    if (record.type == "task") {
        item.at = instant_field(record, "due");
        const auto& done = record.value("done");
        item.done = done.is_boolean() && done.get<bool>();
    } else if (record.type == "activity") {
        item.at = instant_field(record, "at");
    }
    return item;
}

Instant latest_of(const Record& record, const RelatedItem& item) {
    return item.at.value_or(record.updated_at);
}

} // namespace

std::vector<RelatedGroup> related_records(const Workspace& ws, const std::string& viewer,
                                          const Record& record, std::size_t limit) {
    const User* user = ws.directory.user(viewer);
    if (!user) return {};
    std::vector<RelatedGroup> groups;
    const auto& referrers = ws.referrers_of(record.id);
    for (const auto& type : ws.schema.types()) {
        std::vector<std::pair<Instant, RelatedItem>> found;
        for (const auto& id : referrers) {
            const Record* other = ws.find(id);
            if (!other || other->type != type.id || !can_view(ws, *user, *other)) continue;
            RelatedItem item = related_item(ws, *other);
            found.emplace_back(latest_of(*other, item), std::move(item));
        }
        if (found.empty()) continue;
        std::stable_sort(found.begin(), found.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        RelatedGroup group{type.id, type.plural, found.size(), {}};
        for (std::size_t i = 0; i < found.size() && i < limit; ++i)
            group.shown.push_back(std::move(found[i].second));
        groups.push_back(std::move(group));
    }
    return groups;
}

ReferenceChoices reference_choices(const Workspace& ws, const std::string& viewer,
                                   const FieldDef& field, const std::vector<std::string>& context,
                                   const std::string& typed, std::size_t limit) {
    ReferenceChoices result;
    const User* user = ws.directory.user(viewer);
    if (!user) return result;
    const std::string needle = fold_text(typed);
    std::unordered_set<std::string> offered;
    // False once the list is full and one more matched: the rest is "more".
    auto offer = [&](const std::string& id, bool nearby) {
        if (offered.count(id)) return true;
        const Record* record = ws.find(id);
        if (!record || (!field.target_type.empty() && record->type != field.target_type) ||
            !can_view(ws, *user, *record))
            return true;
        std::string title = ws.title_of(*record);
        if (!needle.empty() && fold_text(title).find(needle) == std::string::npos) return true;
        if (result.choices.size() >= limit) {
            result.more = true;
            return false;
        }
        offered.insert(id);
        result.choices.push_back({id, std::move(title), nearby});
        return true;
    };
    for (const auto& near : context) {
        if (!offer(near, true)) return result;
        for (const auto& id : ws.referrers_of(near))
            if (!offer(id, true)) return result;
    }
    for (const auto& type : ws.schema.types()) {
        if (!field.target_type.empty() && type.id != field.target_type) continue;
        if (needle.empty()) { // the first records will do: no title needs folding
            for (const auto& id : ws.ids_of_type(type.id))
                if (!offer(id, false)) return result;
            continue;
        }
        for (const auto& [record, folded] : ws.titled_records(type.id))
            if (folded.find(needle) != std::string::npos && !offer(record->id, false))
                return result;
    }
    return result;
}

} // namespace crm
