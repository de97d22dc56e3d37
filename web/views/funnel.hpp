// The funnel's parts of the record page (views/funnel.cpp).
#pragma once

#include "views.hpp"

namespace crm::web {

// "Convert lead": what will be linked and what made; draw it every frame.
void draw_convert_dialog(ViewContext& view);
// Convert (a lead), New quote (a deal), Accept quote (a quote), for those who
// may edit the record, in the record page's button row.
void draw_funnel_buttons(ViewContext& view, const Record& record);
// The editor of a line_items field over its text form (the form's value).
void edit_line_items(const ViewContext& view, const FieldDef& field, std::string& value);
// What the lines being typed come to, for the total beside them ("—" until they read).
std::string live_total(const ViewContext& view, const FieldDef& total_field,
                       const std::string& lines_text);

} // namespace crm::web
