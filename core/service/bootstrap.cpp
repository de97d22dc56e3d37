#include "service/bootstrap.hpp"

#include "io/workspace_json.hpp"

namespace crm {

Result<Workspace> demo_workspace(std::string_view text, Instant now) {
    auto demo = import_workspace(text, now);
    if (!demo) return demo;
    // The demo was written on one day; move it to `now` so it looks alive.
    shift_record_times(*demo, (now.seconds - latest_activity(*demo).seconds) / 86400);
    return demo;
}

Workspace starter_workspace() {
    Workspace workspace;
    workspace.directory.add_user({"admin", "Administrator", "", Role::Admin, ""});
    return workspace;
}

} // namespace crm
