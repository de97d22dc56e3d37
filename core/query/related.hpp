// A record's neighbourhood: the records that point at it (a company's
// contacts, deals and tickets; a contact's deals, activities and tasks) for
// the record page, and the choices a reference field offers, those near the
// record first (a deal's decision maker from the deal's company's contacts).
// Both read the workspace's link index, never scan every record.
#pragma once

#include "model/workspace.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace crm {

struct RelatedItem {
    std::string record_id;
    std::string title;
    std::string stage;         // its stage in its first active process, else ""
    std::optional<Instant> at; // a task's due time, an activity's time
    bool done = false;         // a task that is done
};

struct RelatedGroup {
    std::string type;               // "deal"
    std::string label;              // "Deals"
    std::size_t count = 0;          // how many the viewer may see
    std::vector<RelatedItem> shown; // the first `limit` of them, latest first
};

// Records of each type that refer to `record` and `viewer` may see, in schema
// order; in each group the latest first (an activity's or task's time, else
// when the record last changed).
std::vector<RelatedGroup> related_records(const Workspace& workspace, const std::string& viewer,
                                          const Record& record, std::size_t limit);

struct ReferenceChoice {
    std::string record_id;
    std::string title;
    bool nearby = false; // linked to one of `context` (listed first)
};

struct ReferenceChoices {
    std::vector<ReferenceChoice> choices;
    bool more = false; // there were more than `limit`: type to narrow
};

// What `field` (a record_ref) may point at, for `viewer`, whose title holds
// `typed` (case and accents aside). First the records of the field's type
// that refer to a record in `context` (the form's other references: the
// deal's company), then the rest in creation order. At most `limit`.
ReferenceChoices reference_choices(const Workspace& workspace, const std::string& viewer,
                                   const FieldDef& field, const std::vector<std::string>& context,
                                   const std::string& typed, std::size_t limit);

} // namespace crm
