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
};

std::vector<std::string> query_records(const Workspace& workspace, const RecordQuery& query);

// A field value as a person reads it, with references shown by name
// ("Acme Logistics", "Ana Reyes") instead of by id.
std::string display_value(const Workspace& workspace, const FieldDef& field,
                          const nlohmann::json& value);

// The fields a list shows for a type after the title: up to `count` short ones.
std::vector<const FieldDef*> list_columns(const RecordTypeDef& type, std::size_t count = 4);

} // namespace crm
