// A person's inbox: their notifications, newest first, and how many are
// unread. The web app's inbox and `crm inbox` read it.
#pragma once

#include "model/notification.hpp"
#include "model/workspace.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace crm {

struct Inbox {
    std::vector<const Notification*> items; // newest first
    std::size_t unread = 0;                 // of all the user's, whatever the filter
    std::size_t total = 0;
};

// `user`'s notifications, newest first (only the unread ones with unread_only).
Inbox inbox(const Workspace& workspace, const std::string& user, bool unread_only = false);

// One notification as a JSON line: the stored fields plus the record's
// current title ("" when it is gone) and the cause's actor by name.
nlohmann::json inbox_item_json(const Workspace& workspace, const Notification& notification);

} // namespace crm
