// Users, teams and roles. A local app: users are chosen, not logged in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

enum class Role { Rep, Manager, Admin };

std::string_view role_name(Role role);
std::optional<Role> role_from_name(std::string_view name);

struct User {
    std::string id;
    std::string name;
    std::string email;
    Role role = Role::Rep;
    std::string team; // team id, may be empty
};

struct Team {
    std::string id;
    std::string name;
    std::string manager; // user id of the team's manager
};

class Directory {
  public:
    const std::vector<User>& users() const { return m_users; }
    const std::vector<Team>& teams() const { return m_teams; }
    const User* user(std::string_view id) const;
    const Team* team(std::string_view id) const;
    void add_user(User user) { m_users.push_back(std::move(user)); }
    void add_team(Team team) { m_teams.push_back(std::move(team)); }

    // "Dana Ruiz, Ben Ortiz": people by name, ids kept for anyone unknown.
    std::string names(const std::vector<std::string>& ids) const;

    // True when `manager` manages the team `member` belongs to (or is `member`).
    bool manages(const User& manager, std::string_view member) const;

  private:
    std::vector<User> m_users;
    std::vector<Team> m_teams;
};

} // namespace crm
