// A report as JSON, for `crm report` and the app's test hooks alike:
// {"metric", "rows": [{"key", "label", "value", "count"(, "records")}],
//  "total", "count"(, "highlight", "notes", "records")}.
#pragma once

#include "report/metrics.hpp"

#include <nlohmann/json.hpp>

namespace crm {

nlohmann::ordered_json report_to_json(const Report& report, bool with_records);

} // namespace crm
