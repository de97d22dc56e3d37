// One record type as a CSV file for spreadsheets: the columns a person reads
// (labels, names, titles), safe to open in Excel.
#pragma once

#include "model/workspace.hpp"

#include <string>

namespace crm {

// UTF-8 with a BOM, CRLF rows. Columns: "ID", each field of the type by its
// label, "Owner", "Created", "Updated". References show the target's title,
// people their names, times ISO 8601; every cell is passed through
// neutralize_formula(). With a viewer, only the records they may see (nullptr:
// everyone's), in creation order. An unknown type gives the header alone.
std::string export_records_csv(const Workspace& ws, const std::string& type, const User* viewer);

} // namespace crm
