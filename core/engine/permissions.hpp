// Who may see and change what. Reps work their own records, managers their
// team's (and reassign within it), admins everything including the schema.
// A denial says why in words the person can act on.
#pragma once

#include "model/workspace.hpp"
#include "util/result.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace crm {

bool can_view(const Workspace& workspace, const User& actor, const Record& record);
// Whether `actor` may see the records `owner` owns ("" = unowned): can_view()
// decides by owner alone, so a reader of many records may ask once per owner.
bool can_view_owned_by(const Workspace& workspace, const User& actor, const std::string& owner);

// can_view() for a reader of many records (queues, reports): asks the
// directory once per owner instead of once per record.
class ViewableByOwner {
  public:
    ViewableByOwner(const Workspace& workspace, const User& viewer)
        : m_workspace(workspace), m_viewer(viewer) {}
    bool operator()(const Record& record) const;

  private:
    const Workspace& m_workspace;
    const User& m_viewer;
    mutable std::unordered_map<std::string, bool> m_by_owner;
};
Status check_create(const Workspace& workspace, const User& actor, const std::string& owner);
Status check_update(const Workspace& workspace, const User& actor, const Record& record);
Status check_assign(const Workspace& workspace, const User& actor, const Record& record,
                    const std::string& new_owner);
// The people `actor` may hand `record` to, in directory order (its owner left out).
std::vector<const User*> assignable_owners(const Workspace& workspace, const User& actor,
                                           const Record& record);
Status check_delete(const Workspace& workspace, const User& actor, const Record& record);
Status check_schema_change(const User& actor);
// Importing replaces the whole workspace: admins only.
Status check_replace_workspace(const User& actor);
// As above, for this workspace: a team's copy is never replaced from a file,
// which would cut it off from the team with every change not synced yet.
Status check_replace_workspace(const Workspace& current, const User& actor);
// Merging a workspace file adds and updates records in bulk: managers and
// admins, each record still checked as their own edit would be.
Status check_merge_workspace(const User& actor);
// Adding and changing users and teams decides who may see what: admins only.
Status check_import_people(const User& actor);
// The Exceptions screen (the team's queues of unowned work, breaches, blocked
// moves and failed automations) is for managers and admins; reps work from My work.
bool can_review_exceptions(const User& actor);
// The data-quality screen (completeness, inactive records, the queue of
// flagged problems) is the team's, for managers and admins; reps flag.
bool can_review_data_quality(const User& actor);
// Merging deletes the duplicate, so it is for those who may delete (not reps).
bool can_merge_records(const User& actor);

// "Ana Reyes (rep)"
std::string describe_user(const User& user);

} // namespace crm
