// Global search for the command palette: records a person may see whose
// title matches what they typed, best matches first.
#pragma once

#include "model/workspace.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace crm {

struct SearchHit {
    std::string record_id;
    std::string title;
    std::string type_label; // "Deal", "Contact"
};

// Case and accents do not matter ("zoe" finds "Zoë"). Titles that start
// with the text come first, then titles with a word that starts with it,
// then titles that contain it; ties by title. At most `limit` hits; an
// empty text finds nothing.
std::vector<SearchHit> search_records(const Workspace& workspace, const std::string& viewer,
                                      const std::string& text, std::size_t limit);

} // namespace crm
