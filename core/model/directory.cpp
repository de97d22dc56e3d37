#include "model/directory.hpp"

namespace crm {

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

} // namespace crm
