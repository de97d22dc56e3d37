// Read models for lists: which records a person sees, filtered and sorted.
// Views call these only when their inputs change, never once per frame.
#pragma once

#include "model/workspace.hpp"

#include <string>
#include <vector>

namespace crm {

struct RecordQuery {
    std::string type;
    std::string viewer;  // user id; only records they may see
    std::string search;  // case-insensitive, any shown field
    std::string sort_by; // a field id, "title", "owner" or "updated"
    bool ascending = true;
    ListFilter filter; // owners, stage, dates: a record must pass all, and the search
};

// One pass over the type's records; nothing is copied per record.
std::vector<std::string> query_records(const Workspace& workspace, const RecordQuery& query);

// What a saved view shows `viewer` (only what they may see, as always).
RecordQuery query_of(const SavedView& view, const std::string& viewer);

// Whether a record passes the filters (not the search, not who may see it),
// for callers that list in an order of their own (the CLI lists oldest first).
bool passes_filter(const Workspace& workspace, const RecordTypeDef& type, const Record& record,
                   const ListFilter& filter);

// A field value as a person reads it, with references shown by name
// ("Acme Logistics", "Ana Reyes") instead of by id.
std::string display_value(const Workspace& workspace, const FieldDef& field,
                          const nlohmann::json& value);

// The fields a list shows for a type after the title: up to `count` short ones.
std::vector<const FieldDef*> list_columns(const RecordTypeDef& type, std::size_t count = 4);

} // namespace crm
