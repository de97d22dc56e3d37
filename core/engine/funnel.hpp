// Whether a funnel step can be taken on a record, for the engine (which
// refuses with these reasons) and for the app (which offers the step only
// where it can be taken). Permissions are checked separately.
#pragma once

#include "model/workspace.hpp"
#include "util/result.hpp"

namespace crm {

// A lead not yet converted and not disqualified.
Status may_convert(const Workspace& workspace, const Record& lead);
// A quote not yet accepted, not declined, with lines.
Status may_accept(const Workspace& workspace, const Record& quote);
// The deal the lead already started (its status was set to Qualified), if it
// is still there: converting the lead uses it instead of making one.
const Record* deal_started_by(const Workspace& workspace, const Record& lead);

} // namespace crm
