#include "model/directory.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace crm {

const AwayPeriod* User::away_on(CivilDate day) const {
    for (const auto& period : away)
        if (period.from <= day && day <= period.to) return &period;
    return nullptr;
}

std::string_view role_name(Role role) {
    switch (role) {
    case Role::Rep:
        return "rep";
    case Role::Manager:
        return "manager";
    case Role::Admin:
        return "admin";
    }
    return "rep";
}

std::optional<Role> role_from_name(std::string_view name) {
    if (name == "rep") return Role::Rep;
    if (name == "manager") return Role::Manager;
    if (name == "admin") return Role::Admin;
    return std::nullopt;
}

const User* Directory::user(std::string_view id) const {
    for (const auto& user : m_users)
        if (user.id == id) return &user;
    return nullptr;
}

const Team* Directory::team(std::string_view id) const {
    for (const auto& team : m_teams)
        if (team.id == id) return &team;
    return nullptr;
}

bool Directory::update_user(const User& user) {
    for (auto& kept : m_users)
        if (kept.id == user.id) {
            kept = user;
            return true;
        }
    return false;
}

bool Directory::update_team(const Team& team) {
    for (auto& kept : m_teams)
        if (kept.id == team.id) {
            kept = team;
            return true;
        }
    return false;
}

bool Directory::manages(const User& manager, std::string_view member) const {
    if (manager.id == member) return true;
    const User* target = user(member);
    if (!target || target->team.empty()) return false;
    const Team* team = this->team(target->team);
    return team && team->manager == manager.id;
}

std::string Directory::names(const std::vector<std::string>& ids) const {
    std::string names;
    for (const auto& id : ids) {
        const User* person = user(id);
        names += (names.empty() ? "" : ", ") + (person ? person->name : id);
    }
    return names;
}

PeopleIndex::PeopleIndex(const Directory& directory) {
    for (const auto& user : directory.users()) {
        m_by_text[fold_text(user.id)].push_back(user.id);
        if (!user.email.empty()) m_by_text[fold_text(user.email)].push_back(user.id);
        m_by_text[fold_text(user.name)].push_back(user.id);
    }
    for (auto& [text, ids] : m_by_text) {
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    }
}

Result<std::string> PeopleIndex::find(const std::string& text) const {
    const auto it = m_by_text.find(fold_text(text));
    if (it == m_by_text.end())
        return Error{"there is no user \"" + text + "\" (give a user's name, email or id)"};
    if (it->second.size() > 1)
        return Error{std::to_string(it->second.size()) + " users are called \"" + text +
                     "\"; give their email"};
    return it->second.front();
}

} // namespace crm
