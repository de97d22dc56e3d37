// "My work" and the exception queues as JSON: one object per work item and
// one per queue, the same for `crm next-actions` and `crm exceptions` (one
// line each) and for the web app's test hooks.
#pragma once

#include "query/exceptions.hpp"
#include "query/my_work.hpp"

#include <nlohmann/json.hpp>

namespace crm {

// {"record", "title", "kind", "what", "state", "due" (time or null), "flow" (next actions),
//  "reason" (when an SLA sets the due time), "about" (a task's record, when it has one),
//  "more" (a row's other items on the same record, each in this shape)}
nlohmann::json work_item_json(const WorkItem& item);

// {"kind", "group", "title", "count", "handlers",
//  "items": [{"record", "title", "detail", "owner"}, ...]}
nlohmann::json exception_queue_json(const ExceptionQueue& queue);

} // namespace crm
