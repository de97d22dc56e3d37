// Notifications: what the engine tells a person (an SLA breach, an escalation,
// a record someone else made theirs), kept per user in the workspace. They
// arrive through events (engine/event.hpp), so a reload, a replay or a
// compaction keeps each one exactly once. Bounded per user: past the bound the
// oldest read one folds away (the oldest of all when every one is unread);
// the record's history keeps the facts.
#pragma once

#include "util/time.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crm {

inline constexpr std::size_t kMaxNotificationsPerUser = 500;

// The kinds, as the journal, exports and the CLI name them.
inline constexpr const char* kNotifySlaBreach = "sla_breach";
inline constexpr const char* kNotifyEscalation = "escalation";
inline constexpr const char* kNotifyAssignment = "assignment";
inline constexpr const char* kNotifyAutomation = "automation"; // a rule's message
inline constexpr const char* kNotifyMql = "mql"; // a lead handed to sales by its score

struct Notification {
    std::string id;     // "note-7", or "note-k7m2qx-7" when made on a tagged device
    std::string user;   // who it is for
    Instant at;         // when it was made
    std::string kind;   // one of the kNotify* kinds
    std::string record; // the record it is about
    std::string text;   // in words, naming the record by its title
    std::string by;     // who caused it: a user id, or "automation"
    std::string cause;  // what caused it, in words ("SLA Case open 48 hours breach"); may be ""
    bool read = false;
};

bool is_notification_kind(std::string_view kind);

class Notifications {
  public:
    // One user's notifications, oldest first.
    const std::vector<Notification>& of(std::string_view user) const;
    const Notification* find(std::string_view id) const;
    // Users with notifications, by id.
    std::vector<std::string> users() const;
    std::size_t size() const { return m_user_of.size(); }

    // Adds one; past kMaxNotificationsPerUser for its user, the oldest read one
    // folds away (the oldest, when every one is unread).
    void add(Notification notification);
    void mark_read(std::string_view id);

    // The id the `offset`-th next notification made on `device` gets.
    std::string peek_next_id(std::string_view device, std::size_t offset = 0) const;

  private:
    std::map<std::string, std::vector<Notification>, std::less<>> m_by_user;
    std::unordered_map<std::string, std::string> m_user_of; // id -> user
    long long m_next = 1;
};

} // namespace crm
