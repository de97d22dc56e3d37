#include "model/notification.hpp"

#include "model/workspace.hpp"

#include <algorithm>
#include <charconv>

namespace crm {

namespace {

// The number at the end of "note-7" or "note-k7m2qx-7"; 0 when there is none.
long long note_number(std::string_view id) {
    const auto dash = id.rfind('-');
    if (dash == std::string_view::npos) return 0;
    long long number = 0;
    const char* end = id.data() + id.size();
    if (std::from_chars(id.data() + dash + 1, end, number).ptr != end) return 0;
    return number;
}

} // namespace

bool is_notification_kind(std::string_view kind) {
    return kind == kNotifySlaBreach || kind == kNotifyEscalation || kind == kNotifyAssignment ||
           kind == kNotifyAutomation || kind == kNotifyMql;
}

const std::vector<Notification>& Notifications::of(std::string_view user) const {
    static const std::vector<Notification> kNone;
    const auto it = m_by_user.find(user);
    return it == m_by_user.end() ? kNone : it->second;
}

const Notification* Notifications::find(std::string_view id) const {
    const auto user = m_user_of.find(std::string(id));
    if (user == m_user_of.end()) return nullptr;
    for (const auto& notification : of(user->second))
        if (notification.id == id) return &notification;
    return nullptr;
}

std::vector<std::string> Notifications::users() const {
    std::vector<std::string> users;
    for (const auto& [user, list] : m_by_user)
        if (!list.empty()) users.push_back(user);
    return users;
}

void Notifications::add(Notification notification) {
    m_next = std::max(m_next, note_number(notification.id) + 1);
    m_user_of[notification.id] = notification.user;
    auto& list = m_by_user[notification.user];
    list.push_back(std::move(notification));
    if (list.size() <= kMaxNotificationsPerUser) return;
    auto gone =
        std::find_if(list.begin(), list.end(), [](const Notification& n) { return n.read; });
    if (gone == list.end()) gone = list.begin();
    m_user_of.erase(gone->id);
    list.erase(gone);
}

void Notifications::mark_read(std::string_view id) {
    const auto user = m_user_of.find(std::string(id));
    if (user == m_user_of.end()) return;
    for (auto& notification : m_by_user[user->second])
        if (notification.id == id) notification.read = true;
}

std::string Notifications::peek_next_id(std::string_view device, std::size_t offset) const {
    std::string id = "note-";
    if (!device.empty()) id.append(device).append("-");
    const long long first = is_cause_tag(device) ? 1 : m_next; // the same on every device
    return id + std::to_string(first + static_cast<long long>(offset));
}

} // namespace crm
