// Where a new workspace starts: the demo, moved so that it looks alive today,
// or an empty one with an administrator. The web app's first visit and
// `crm init` start from the same places.
#pragma once

#include "model/workspace.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <string_view>

namespace crm {

// The demo workspace export (assets/demo-workspace.json) read from `text`, its
// records' dates and times moved by whole days so its latest activity is `now`.
Result<Workspace> demo_workspace(std::string_view text, Instant now);

// A workspace with nobody but an administrator ("admin"), who adds the rest.
Workspace starter_workspace();

} // namespace crm
