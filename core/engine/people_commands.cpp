// People imports: users and teams from a spreadsheet, decided as one batch.
// The rows are laid over a copy of the directory; the events are what differs.
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "model/field_values.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace crm::detail {

namespace {

// The longest name, email, team or id a person's row may hold, in bytes.
constexpr std::size_t kMaxPersonTextBytes = 200;
// The longest generated id part taken from an email or a team's name.
constexpr std::size_t kMaxSlugBytes = 40;

std::string person_field_label(const std::string& field) {
    static const std::map<std::string, std::string> labels = {
        {"id", "Id"},     {"name", "Name"}, {"email", "Email"},
        {"role", "Role"}, {"team", "Team"}, {"manager", "Manager"}};
    const auto it = labels.find(field);
    return it == labels.end() ? field : it->second;
}

// "nora.vance" -> "nora-vance": ASCII letters and digits, anything else one dash.
std::string id_slug(std::string_view text, const char* fallback) {
    std::string slug;
    for (const char c : fold_text(text)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 128 && std::isalnum(byte))
            slug += c;
        else if (!slug.empty() && slug.back() != '-')
            slug += '-';
    }
    if (slug.size() > kMaxSlugBytes) slug.resize(kMaxSlugBytes);
    while (!slug.empty() && slug.back() == '-')
        slug.pop_back();
    return slug.empty() ? fallback : slug;
}

// `base`, or `base-2`, `base-3`, ... when the directory already has it.
template <typename Taken> std::string unique_id(const std::string& base, Taken taken) {
    if (!taken(base)) return base;
    for (int n = 2;; ++n)
        if (std::string id = base + "-" + std::to_string(n); !taken(id)) return id;
}

// A row's cells, trimmed and checked on their own.
struct PersonCells {
    std::string id, name, email;
    std::optional<Role> role; // unset: a new person is a rep, a known one keeps theirs
    std::string team, manager;
};

// One row's problems, as RowProblem.
struct RowProblems {
    std::size_t row;
    std::vector<RowProblem>& out;
    void add(const char* field, std::string message) { out.push_back({row, field, message}); }
};

// Lower case and plausible, by the same rule as an email field of a record.
Result<std::string> person_email(const std::string& text) {
    static const FieldDef email_field{"email", "Email", FieldType::Email, false, {}, "", false};
    auto email = normalize_field_value(email_field, text);
    if (!email) return Error{email.error()};
    return email->is_string() ? email->get<std::string>() : std::string();
}

void check_text(RowProblems& problems, const char* field, const std::string& text) {
    if (auto problem = text_problem(text, kMaxPersonTextBytes)) problems.add(field, *problem);
}

// The cells, with what is wrong with each going to `out` (an email only when
// it reads well).
PersonCells read_cells(const PersonRow& row, std::vector<RowProblem>& out) {
    RowProblems problems{row.row, out};
    PersonCells cells{trim_space(row.id), trim_space(row.name), "",
                      std::nullopt,       trim_space(row.team), trim_space(row.manager)};
    if (cells.id.find_first_of(" \t\r\n") != std::string::npos)
        problems.add("id", "an id has no spaces, got \"" + cells.id + "\"");
    check_text(problems, "id", cells.id);
    if (cells.name.empty()) problems.add("name", "is required");
    check_text(problems, "name", cells.name);
    if (trim_space(row.email).empty()) {
        problems.add("email", "is required");
    } else if (auto email = person_email(row.email); !email) {
        problems.add("email", email.error());
    } else {
        cells.email = *email;
        check_text(problems, "email", cells.email);
    }
    if (const std::string role = trim_space(row.role); !role.empty()) {
        cells.role = role_from_name(fold_text(role));
        if (!cells.role)
            problems.add("role", "unknown role \"" + role + "\" (expected rep, manager or admin)");
    }
    check_text(problems, "team", cells.team);
    check_text(problems, "manager", cells.manager);
    return cells;
}

// A manager cell, resolved once every user of the file is known.
struct ManagerCell {
    std::size_t row = 0;
    std::string team, text;
};

// The directory as the import leaves it, built row by row.
struct PeopleDraft {
    const Directory& before;
    Directory after;
    std::unordered_map<std::string, std::vector<std::string>> users_by_email; // before the import
    std::unordered_map<std::string, std::size_t> row_of_email, row_of_user;
    std::map<std::size_t, std::string> user_of_row; // the rows that passed, in order
    std::vector<ManagerCell> managers;
    std::set<std::size_t> rows_changing_teams; // rows whose manager cell changed a team
    std::vector<RowProblem> problems;

    explicit PeopleDraft(const Directory& directory) : before(directory), after(directory) {
        for (const auto& user : directory.users())
            if (!user.email.empty())
                users_by_email[fold_text(trim_space(user.email))].push_back(user.id);
    }
};

// "Ben Okafor (u-ben)"
std::string describe_person(const User& user) {
    return user.name + " (" + user.id + ")";
}

// The user a row is about: its id, else the user with its email; "" = a new person.
Result<std::string> match_user(const PeopleDraft& draft, const PersonCells& cells) {
    const auto found = draft.users_by_email.find(fold_text(cells.email));
    const std::vector<std::string> none;
    const auto& holders = found == draft.users_by_email.end() ? none : found->second;
    if (!cells.id.empty()) {
        for (const auto& holder : holders)
            if (holder != cells.id)
                return Error{"belongs to " + describe_person(*draft.before.user(holder)) +
                             ", not to " + cells.id};
        return cells.id;
    }
    if (holders.size() > 1)
        return Error{std::to_string(holders.size()) + " users have this email (" + holders[0] +
                     ", " + holders[1] + "); give the id"};
    return holders.empty() ? std::string() : holders.front();
}

// The team a cell names, by id or name (case and accents aside); a new one
// when none has it.
Result<std::string> team_of(PeopleDraft& draft, const std::string& text) {
    std::vector<std::string> named;
    for (const auto& team : draft.after.teams()) {
        if (team.id == text) return team.id;
        if (fold_text(team.name) == fold_text(text)) named.push_back(team.id);
    }
    if (named.size() > 1)
        return Error{std::to_string(named.size()) + " teams are called \"" + text + "\" (" +
                     named[0] + ", " + named[1] + "); give the id"};
    if (named.size() == 1) return named.front();
    const std::string id = unique_id("t-" + id_slug(text, "team"),
                                     [&](const std::string& id) { return draft.after.team(id); });
    draft.after.add_team({id, text, ""});
    return id;
}

std::string new_user_id(const PeopleDraft& draft, const std::string& email) {
    const std::string local = email.substr(0, email.find('@'));
    return unique_id("u-" + id_slug(local, "user"),
                     [&](const std::string& id) { return draft.after.user(id); });
}

// Notes `key` (an email, a user id) as the row's; false when an earlier row has it.
bool claim(std::unordered_map<std::string, std::size_t>& rows, const std::string& key,
           RowProblems& problems, const char* field, const std::string& what) {
    const auto [first, fresh] = rows.emplace(key, problems.row);
    if (!fresh) problems.add(field, what + std::to_string(first->second));
    return fresh;
}

// The person a row makes or changes, as they stand before it; the problems
// go to `problems`.
std::optional<User> person_of(PeopleDraft& draft, const PersonCells& cells, RowProblems& problems) {
    auto matched = match_user(draft, cells);
    if (!matched) {
        problems.add("email", matched.error());
        return std::nullopt;
    }
    const std::string id = matched->empty() ? new_user_id(draft, cells.email) : *matched;
    if (!claim(draft.row_of_user, id, problems, "id", "is the same person as row "))
        return std::nullopt;
    const User* known = draft.before.user(id);
    return known ? *known : User{id, "", "", Role::Rep, ""};
}

// Lays one row over the draft directory.
void place_person(PeopleDraft& draft, const PersonRow& row) {
    const std::size_t known_problems = draft.problems.size();
    const auto cells = read_cells(row, draft.problems);
    RowProblems problems{row.row, draft.problems};
    // A repeated email is named even when its first row fails for another cell.
    if (!cells.email.empty() &&
        !claim(draft.row_of_email, cells.email, problems, "email", "has the same email as row "))
        return;
    if (draft.problems.size() != known_problems) return;
    auto person = person_of(draft, cells, problems);
    if (!person) return;
    User user = std::move(*person);
    const bool known = draft.before.user(user.id) != nullptr;
    user.name = cells.name;
    user.email = cells.email;
    if (cells.role) user.role = *cells.role;
    if (!cells.team.empty()) {
        auto team = team_of(draft, cells.team);
        if (!team) return problems.add("team", team.error());
        user.team = *team;
    }
    if (!cells.manager.empty()) {
        if (user.team.empty())
            return problems.add("manager", "is the manager of the person's team, but " + user.name +
                                               " has no team; fill in the team");
        draft.managers.push_back({row.row, user.team, cells.manager});
    }
    if (known)
        draft.after.update_user(user);
    else
        draft.after.add_user(user);
    draft.user_of_row.emplace(row.row, user.id);
}

// Sets each named team's manager, among the users as the import leaves them.
void place_managers(PeopleDraft& draft) {
    const PeopleIndex people(draft.after);
    std::map<std::string, ManagerCell> chosen; // team -> the first row naming its manager
    for (const auto& cell : draft.managers) {
        RowProblems problems{cell.row, draft.problems};
        auto manager = people.find(cell.text);
        if (!manager) {
            problems.add("manager", manager.error());
            continue;
        }
        Team team = *draft.after.team(cell.team);
        const auto [first, fresh] =
            chosen.emplace(team.id, ManagerCell{cell.row, team.id, *manager});
        if (!fresh && first->second.text != *manager) {
            problems.add("manager", "row " + std::to_string(first->second.row) + " gives " +
                                        team.name + " another manager; a team has one");
            continue;
        }
        if (team.manager == *manager) continue;
        team.manager = *manager;
        draft.after.update_team(team);
        draft.rows_changing_teams.insert(cell.row);
    }
}

bool has_admin(const Directory& directory) {
    return std::any_of(directory.users().begin(), directory.users().end(),
                       [](const User& user) { return user.role == Role::Admin; });
}

// Somebody must still be able to change the schema and import.
void check_admins_remain(PeopleDraft& draft) {
    if (!has_admin(draft.before) || has_admin(draft.after)) return;
    for (const auto& [row, id] : draft.user_of_row)
        if (const User* was = draft.before.user(id); was && was->role == Role::Admin)
            draft.problems.push_back({row, "role", "would leave the workspace without an admin"});
}

// What each row that passed does.
std::vector<PlannedRow> planned_rows(const PeopleDraft& draft) {
    std::set<std::size_t> failed;
    for (const auto& problem : draft.problems)
        failed.insert(problem.row);
    std::vector<PlannedRow> rows;
    for (const auto& [row, id] : draft.user_of_row) {
        if (failed.count(row)) continue;
        const User* was = draft.before.user(id);
        RowAction action = RowAction::Add;
        if (was)
            action = *was != *draft.after.user(id) || draft.rows_changing_teams.count(row)
                         ? RowAction::Update
                         : RowAction::Unchanged;
        rows.push_back({row, action, was ? id : ""});
    }
    return rows;
}

// New teams first (users join them), then users, then the teams they manage.
std::vector<Event> directory_changes(const Directory& before, const Directory& after) {
    std::vector<Event> changes;
    for (const auto& team : after.teams())
        if (!before.team(team.id)) changes.push_back(events::TeamAdded{team});
    for (const auto& user : after.users())
        if (!before.user(user.id)) changes.push_back(events::UserAdded{user});
    for (const auto& user : after.users())
        if (const User* was = before.user(user.id); was && *was != user)
            changes.push_back(events::UserUpdated{user, *was});
    for (const auto& team : after.teams())
        if (const Team* was = before.team(team.id); was && *was != team)
            changes.push_back(events::TeamUpdated{team, *was});
    return changes;
}

} // namespace

Result<Decision> decide_import_people(const Workspace& ws, const User& actor,
                                      const ImportPeople& cmd, DecideDetails& details) {
    if (auto status = check_import_people(actor); !status) return Error{status.error()};
    if (auto problem = text_problem(cmd.source, kMaxSourceBytes))
        return Error{"the import's source name " + *problem};
    PeopleDraft draft(ws.directory);
    for (const auto& row : cmd.rows)
        place_person(draft, row);
    place_managers(draft);
    check_admins_remain(draft);
    details.planned_rows = planned_rows(draft);
    if (!draft.problems.empty()) {
        std::stable_sort(draft.problems.begin(), draft.problems.end(),
                         [](const RowProblem& a, const RowProblem& b) { return a.row < b.row; });
        details.rows = draft.problems;
        return Error{describe_row_problems(details.rows, person_field_label)};
    }
    auto changes = directory_changes(ws.directory, draft.after);
    if (changes.empty()) return Decision{}; // everything is as the file says
    events::PeopleImported note{cmd.source, 0, 0};
    for (const auto& row : details.planned_rows) {
        note.added += row.action == RowAction::Add;
        note.updated += row.action == RowAction::Update;
    }
    Decision decision;
    decision.events.push_back(std::move(note));
    for (auto& event : changes)
        decision.events.push_back(std::move(event));
    return decision;
}

} // namespace crm::detail
