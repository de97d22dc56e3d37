#include "query/inbox.hpp"

#include "io/workspace_json.hpp"

namespace crm {

Inbox inbox(const Workspace& ws, const std::string& user, bool unread_only) {
    Inbox out;
    const auto& all = ws.notifications.of(user);
    out.total = all.size();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        if (!it->read) ++out.unread;
        if (!unread_only || !it->read) out.items.push_back(&*it);
    }
    return out;
}

nlohmann::json inbox_item_json(const Workspace& ws, const Notification& notification) {
    nlohmann::json out = notification_to_json(notification);
    const Record* record = ws.find(notification.record);
    out["title"] = record ? ws.title_of(*record) : "";
    const User* by = ws.directory.user(notification.by);
    out["by_name"] = by ? by->name : (notification.by == "automation" ? "Automation" : "");
    return out;
}

} // namespace crm
