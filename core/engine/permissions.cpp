#include "engine/permissions.hpp"

namespace crm {

namespace {

std::string owner_name(const Workspace& workspace, const std::string& owner) {
    if (owner.empty()) return "nobody";
    const User* user = workspace.directory.user(owner);
    return user ? user->name : owner;
}

} // namespace

std::string describe_user(const User& user) {
    return user.name + " (" + std::string(role_name(user.role)) + ")";
}

bool can_view(const Workspace& workspace, const User& actor, const Record& record) {
    return can_view_owned_by(workspace, actor, record.owner);
}

bool can_view_owned_by(const Workspace& workspace, const User& actor, const std::string& owner) {
    switch (actor.role) {
    case Role::Admin:
        return true;
    case Role::Manager:
        return owner.empty() || workspace.directory.manages(actor, owner);
    case Role::Rep:
        return owner.empty() || owner == actor.id;
    }
    return false;
}

bool ViewableByOwner::operator()(const Record& record) const {
    if (m_viewer.role == Role::Admin) return true;
    const auto known = m_by_owner.find(record.owner);
    if (known != m_by_owner.end()) return known->second;
    return m_by_owner[record.owner] = can_view_owned_by(m_workspace, m_viewer, record.owner);
}

Status check_create(const Workspace& workspace, const User& actor, const std::string& owner) {
    if (owner == actor.id) return Status::success();
    if (owner.empty()) {
        if (actor.role != Role::Rep) return Status::success();
        return Error{describe_user(actor) +
                     " can only create records they own themselves; unassigned work is for "
                     "managers to hand out"};
    }
    if (!workspace.directory.user(owner)) return Error{"there is no user \"" + owner + "\""};
    if (actor.role == Role::Admin) return Status::success();
    if (actor.role == Role::Manager && workspace.directory.manages(actor, owner))
        return Status::success();
    if (actor.role == Role::Manager)
        return Error{describe_user(actor) + " can only give records to their own team; " +
                     owner_name(workspace, owner) + " is not on it"};
    return Error{describe_user(actor) + " can only create records they own themselves"};
}

Status check_update(const Workspace& workspace, const User& actor, const Record& record) {
    switch (actor.role) {
    case Role::Admin:
        return Status::success();
    case Role::Manager:
        if (can_view(workspace, actor, record)) return Status::success();
        return Error{describe_user(actor) + " can only edit their team's records; " + record.id +
                     " is owned by " + owner_name(workspace, record.owner)};
    case Role::Rep:
        if (record.owner == actor.id) return Status::success();
        return Error{describe_user(actor) + " can only edit records they own; " + record.id +
                     " is owned by " + owner_name(workspace, record.owner)};
    }
    return Error{"not allowed"};
}

Status check_assign(const Workspace& workspace, const User& actor, const Record& record,
                    const std::string& new_owner) {
    if (new_owner == record.owner) return Status::success();
    if (!new_owner.empty() && !workspace.directory.user(new_owner))
        return Error{"there is no user \"" + new_owner + "\""};
    switch (actor.role) {
    case Role::Admin:
        return Status::success();
    case Role::Manager:
        if (!can_view(workspace, actor, record))
            return Error{describe_user(actor) + " can only reassign their team's records"};
        if (new_owner.empty() || workspace.directory.manages(actor, new_owner))
            return Status::success();
        return Error{describe_user(actor) + " can only assign records to their own team; " +
                     owner_name(workspace, new_owner) + " is not on it"};
    case Role::Rep:
        return Error{describe_user(actor) + " cannot change owners; ask a manager to reassign " +
                     record.id};
    }
    return Error{"not allowed"};
}

std::vector<const User*> assignable_owners(const Workspace& workspace, const User& actor,
                                           const Record& record) {
    std::vector<const User*> people;
    for (const auto& user : workspace.directory.users())
        if (user.id != record.owner && check_assign(workspace, actor, record, user.id))
            people.push_back(&user);
    return people;
}

Status check_delete(const Workspace& workspace, const User& actor, const Record& record) {
    switch (actor.role) {
    case Role::Admin:
        return Status::success();
    case Role::Manager:
        if (can_view(workspace, actor, record)) return Status::success();
        return Error{describe_user(actor) + " can only delete their team's records"};
    case Role::Rep:
        return Error{describe_user(actor) +
                     " cannot delete records; ask a manager or an admin to delete " + record.id};
    }
    return Error{"not allowed"};
}

Status check_schema_change(const User& actor) {
    if (actor.role == Role::Admin) return Status::success();
    return Error{describe_user(actor) + " cannot change the schema; only admins can"};
}

Status check_replace_workspace(const User& actor) {
    if (actor.role == Role::Admin) return Status::success();
    return Error{describe_user(actor) + " cannot replace the workspace; only admins can import"};
}

Status check_replace_workspace(const Workspace& current, const User& actor) {
    if (auto allowed = check_replace_workspace(actor); !allowed) return allowed;
    if (current.team_sync.database.empty()) return Status::success();
    return Error{"this workspace is the team's copy from " + current.team_sync.database +
                 ", and a file cannot replace it without cutting it off from the team; merge "
                 "the file instead"};
}

Status check_merge_workspace(const User& actor) {
    if (actor.role != Role::Rep) return Status::success();
    return Error{describe_user(actor) +
                 " cannot merge a workspace file; managers and admins can import"};
}

Status check_import_people(const User& actor) {
    if (actor.role == Role::Admin) return Status::success();
    return Error{describe_user(actor) + " cannot import people; only admins can"};
}

bool can_review_exceptions(const User& actor) {
    return actor.role == Role::Manager || actor.role == Role::Admin;
}

bool can_review_data_quality(const User& actor) {
    return can_review_exceptions(actor);
}

bool can_merge_records(const User& actor) {
    return actor.role == Role::Manager || actor.role == Role::Admin;
}

} // namespace crm
