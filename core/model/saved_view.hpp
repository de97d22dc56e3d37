// What a list shows: the filters a person sets on it (combined: a record must
// pass all of them), and saved views, a named set of them kept per person in
// the workspace so they survive a reload and an export.
#pragma once

#include "model/schema.hpp"
#include "util/time.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

// In an owner filter: records nobody owns.
inline constexpr const char* kUnowned = "";
// Date filters on when a record was made or last changed, besides its fields.
inline constexpr const char* kCreatedAt = "created_at";
inline constexpr const char* kUpdatedAt = "updated_at";

// Records standing at one of `stages` in `flow`: a stage id while the flow
// runs, or the outcome or exit id it ended in.
struct StageFilter {
    std::string flow; // "" = no stage filter
    std::set<std::string> stages;
};

// From/to, inclusive. Either end may be a day or an instant (the app turns
// what a person types in their zone into these). A Date field compares days
// (an instant bound counts as its UTC day); a DateTime field, created_at and
// updated_at compare instants (a day bound covers the whole UTC day).
struct DateFilter {
    std::string field; // a Date or DateTime field id, kCreatedAt or kUpdatedAt; "" = none
    std::optional<CivilDate> from_day, to_day;
    std::optional<Instant> from, to;

    bool active() const { return !field.empty() && (from_day || to_day || from || to); }
};

struct ListFilter {
    // User ids, kUnowned for unowned records; empty = anyone. An id that names
    // no user (any more) matches nothing, so a view naming a removed person
    // still opens and shows the others' records.
    std::set<std::string> owners;
    StageFilter stage;
    DateFilter date;
};

// A person's saved list: the record type, search, filters and sort. Personal:
// only its owner sees, changes or deletes it; (owner, name) names it.
struct SavedView {
    std::string name;
    std::string owner; // user id
    std::string type;  // record type id
    std::string search;
    std::string sort_by;
    bool ascending = true;
    ListFilter filter;
};

// The views of one person, in the order saved.
std::vector<const SavedView*> views_of(const std::vector<SavedView>& views, std::string_view owner);
const SavedView* find_view(const std::vector<SavedView>& views, std::string_view owner,
                           std::string_view name);

// Whether a date filter on `type` may name `field`: one of its Date or
// DateTime fields, kCreatedAt or kUpdatedAt.
bool is_date_filter_field(const RecordTypeDef& type, const std::string& field);

} // namespace crm
