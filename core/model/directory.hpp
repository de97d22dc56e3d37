// Users, teams and roles. A local app: users are chosen, not logged in.
#pragma once

#include "util/result.hpp"
#include "util/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crm {

enum class Role { Rep, Manager, Admin };

std::string_view role_name(Role role);
std::optional<Role> role_from_name(std::string_view name);

// Days a person is away (local dates, both included): routing skips them.
struct AwayPeriod {
    CivilDate from, to;
    bool operator==(const AwayPeriod&) const = default;
};

struct User {
    std::string id;
    std::string name;
    std::string email;
    Role role = Role::Rep;
    std::string team;             // team id, may be empty
    std::vector<AwayPeriod> away; // out of office, oldest first

    // The period covering `day`, if the person is away then.
    const AwayPeriod* away_on(CivilDate day) const;

    bool operator==(const User&) const = default;
};

struct Team {
    std::string id;
    std::string name;
    std::string manager; // user id of the team's manager

    bool operator==(const Team&) const = default;
};

class Directory {
  public:
    const std::vector<User>& users() const { return m_users; }
    const std::vector<Team>& teams() const { return m_teams; }
    const User* user(std::string_view id) const;
    const Team* team(std::string_view id) const;
    void add_user(User user) { m_users.push_back(std::move(user)); }
    void add_team(Team team) { m_teams.push_back(std::move(team)); }
    // Replaces the user (the team) with the same id; false when there is none.
    bool update_user(const User& user);
    bool update_team(const Team& team);

    // "Dana Ruiz, Ben Ortiz": people by name, ids kept for anyone unknown.
    std::string names(const std::vector<std::string>& ids) const;

    // True when `manager` manages the team `member` belongs to (or is `member`).
    bool manages(const User& manager, std::string_view member) const;

  private:
    std::vector<User> m_users;
    std::vector<Team> m_teams;
};

// People by id, email or name (case and accents ignored), as a spreadsheet
// cell or a person names them.
class PeopleIndex {
  public:
    explicit PeopleIndex(const Directory& directory);
    // The user's id, or "there is no user ..." / "2 users are called ...; give their email".
    Result<std::string> find(const std::string& text) const;

  private:
    std::unordered_map<std::string, std::vector<std::string>> m_by_text;
};

} // namespace crm
