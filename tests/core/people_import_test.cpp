// People import: users and teams from a spreadsheet as one batch, matched by
// email, teams made on the way, managers found among the file's people, every
// problem named by row and column, kept across a reopen and a compaction,
// and refused by undo in words.
#include "engine/engine.hpp"
#include "engine/undo.hpp"
#include "fixtures.hpp"
#include "io/csv.hpp"
#include "io/workspace_json.hpp"
#include "service/batch_undo.hpp"
#include "service/people_import.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

namespace people_import_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-03-02T09:00:00Z");

const char* kHeader = "Full name,E-mail,Role,Team,Manager\n";

CsvTable table_of(const std::string& text) {
    auto table = parse_csv(text, ',');
    REQUIRE_MESSAGE(table.ok(), (table.ok() ? "" : table.error()));
    return *table;
}

ImportMapping people_mapping() {
    ImportMapping mapping;
    mapping.columns = {{"Full name", "name"},
                       {"E-mail", "email"},
                       {"Role", "role"},
                       {"Team", "team"},
                       {"Manager", "manager"}};
    return mapping;
}

// The team workspace with emails, so people are found by them.
Engine people_engine() {
    Workspace ws = team_workspace();
    for (User user : ws.directory.users()) {
        user.email = user.id.substr(2) + "@example.com";
        ws.directory.update_user(user);
    }
    return Engine(std::move(ws));
}

Result<PeoplePlan> plan(const Engine& engine, const std::string& rows,
                        const std::string& actor = "u-sam") {
    return plan_people_import(engine, table_of(kHeader + rows), people_mapping(), actor,
                              "people.csv", kNow);
}

std::vector<std::string> problem_lines(const ImportReport& report) {
    std::vector<std::string> lines;
    for (const auto& problem : report.problems)
        lines.push_back(describe_problem(problem));
    return lines;
}

const User* user_by_email(const Workspace& ws, const std::string& email) {
    for (const auto& user : ws.directory.users())
        if (user.email == email) return &user;
    return nullptr;
}

const Team* team_by_name(const Workspace& ws, const std::string& name) {
    for (const auto& team : ws.directory.teams())
        if (team.name == name) return &team;
    return nullptr;
}

Outcome commit(Engine& engine, PeoplePlan& plan) {
    return commit_people_import(engine, plan, "u-sam", kNow);
}

} // namespace

TEST_CASE("people import: new people, a new team and its manager from the same file") {
    Engine engine = people_engine();
    auto planned = plan(engine, "Nora Vance,Nora.Vance@Example.com , Manager ,North,\n"
                                "Piet Jansen,piet@example.com,rep,north,nora.vance@example.com\n"
                                "Ida Berg,ida@example.com,,East,\n");
    REQUIRE(planned.ok());
    CHECK(problem_lines(*planned).empty());
    CHECK(planned->summary() == "3 added, 0 updated, 0 unchanged, 0 failed");
    const Outcome outcome = commit(engine, *planned);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    const Workspace& ws = engine.workspace();

    const User* nora = user_by_email(ws, "nora.vance@example.com");
    REQUIRE(nora);
    CHECK(nora->id == "u-nora-vance");
    CHECK(nora->name == "Nora Vance");
    CHECK(nora->role == Role::Manager);
    const Team* north = team_by_name(ws, "North");
    REQUIRE(north);
    CHECK(north->id == "t-north");
    CHECK(north->manager == nora->id);
    CHECK(nora->team == "t-north");
    CHECK(user_by_email(ws, "piet@example.com")->team == "t-north");
    const User* ida = user_by_email(ws, "ida@example.com");
    CHECK(ida->role == Role::Rep);
    CHECK(ida->team == "t-east"); // an existing team by its name
    CHECK(ws.directory.manages(*nora, "u-piet"));

    // One batch, named for history as the record import is.
    const auto& events = outcome.batch->events;
    CHECK(events.front().kind() == std::string("people.imported"));
    CHECK(describe_batch(*outcome.batch) == "the import of people.csv");
    CHECK(json::parse(batch_to_text(*outcome.batch)) == batch_to_json(*outcome.batch));
    auto read_back = batch_from_json(json::parse(batch_to_text(*outcome.batch)));
    REQUIRE_MESSAGE(read_back.ok(), (read_back.ok() ? "" : read_back.error()));
    CHECK(read_back->events.size() == events.size());
}

TEST_CASE("people import: the same file again changes nothing; a changed row updates") {
    Engine engine = people_engine();
    const std::string rows = "Nora Vance,nora@example.com,manager,North,nora@example.com\n"
                             "Piet Jansen,piet@example.com,rep,North,\n";
    auto first = plan(engine, rows);
    REQUIRE(commit(engine, *first).ok);
    const std::size_t users = engine.workspace().directory.users().size();
    const std::uint64_t seq = engine.last_seq();

    auto again = plan(engine, rows);
    REQUIRE(again.ok());
    CHECK(again->summary() == "0 added, 0 updated, 2 unchanged, 0 failed");
    CHECK(commit(engine, *again).ok);
    CHECK(engine.last_seq() == seq); // nothing to journal
    CHECK(engine.workspace().directory.users().size() == users);

    // By email, any case: the same person, renamed and promoted.
    auto changed = plan(engine, "Piet de Jong,PIET@example.com,Admin,,\n");
    REQUIRE(changed.ok());
    CHECK(changed->summary() == "0 added, 1 updated, 0 unchanged, 0 failed");
    REQUIRE(commit(engine, *changed).ok);
    const User* piet = user_by_email(engine.workspace(), "piet@example.com");
    CHECK(piet->name == "Piet de Jong");
    CHECK(piet->role == Role::Admin);
    CHECK(piet->team == "t-north"); // an empty cell sets nothing
    CHECK(engine.workspace().directory.users().size() == users);
}

TEST_CASE("people import: every problem by row and column, and nothing is kept") {
    Engine engine = people_engine();
    const std::size_t users = engine.workspace().directory.users().size();
    auto planned = plan(engine, "Nora Vance,nora@@example,rep,East,\n"
                                ",lea@example.com,rep,East,\n"
                                "Ravi Shah,ravi@example.com,boss,East,\n"
                                "Ravi Again,Ravi@example.com,rep,East,\n"
                                "Omar Haddad,omar@example.com,rep,South,Bob Smith\n"
                                "Ida Berg,ida@example.com,rep,,Ana Reyes\n"
                                "Zoe Ng,zoe@example.com,rep,,\n");
    REQUIRE(planned.ok());
    CHECK(problem_lines(*planned) ==
          std::vector<std::string>{
              "row 2, column \"E-mail\": expected an email address like name@example.com, got "
              "\"nora@@example\"",
              "row 3, column \"Full name\": is required",
              "row 4, column \"Role\": unknown role \"boss\" (expected rep, manager or admin)",
              "row 5, column \"E-mail\": has the same email as row 4",
              "row 6, column \"Manager\": there is no user \"Bob Smith\" (give a user's name, "
              "email or id)",
              "row 7, column \"Manager\": is the manager of the person's team, but Ida Berg has "
              "no team; fill in the team"});
    CHECK(planned->summary() == "1 added, 0 updated, 0 unchanged, 6 failed");
    CHECK(planned->command.rows.size() == 1);

    // The command itself refuses the whole file with the first problem.
    ImportPeople whole{
        "people.csv",
        {{2, "", "", "nora@@example", "", "", ""}, {3, "", "Zoe", "zoe@example.com", "", "", ""}}};
    const Outcome refused = engine.apply(whole, "u-sam", kNow);
    CHECK_FALSE(refused.ok);
    CHECK(refused.message == "Cannot import: row 2: Name: is required");
    CHECK(engine.workspace().directory.users().size() == users);
    CHECK(engine.last_seq() == 0);
}

TEST_CASE("people import: admins only, and the last admin stays one") {
    Engine engine = people_engine();
    auto by_rep = plan(engine, "Nora Vance,nora@example.com,rep,East,\n", "u-ana");
    REQUIRE(by_rep.ok());
    CHECK(problem_lines(*by_rep) ==
          std::vector<std::string>{"row 2: Ana Reyes (rep) cannot import people; only admins can"});
    const Outcome refused =
        engine.apply(ImportPeople{"people.csv", {{2, "", "Nora", "nora@example.com", "", "", ""}}},
                     "u-maria", kNow);
    CHECK(refused.message == "Maria Lindqvist (manager) cannot import people; only admins can");

    auto demoted = plan(engine, "Sam Patel,sam@example.com,rep,,\n");
    CHECK(problem_lines(*demoted) ==
          std::vector<std::string>{
              "row 2, column \"Role\": would leave the workspace without an admin"});
}

TEST_CASE("people import: a name two users share, a team with two managers, new ids kept apart") {
    Engine engine = people_engine();
    auto planned = plan(engine, "Ana Reyes,ana.r@other.example,rep,West,\n"
                                "Kim Lee,kim@example.com,rep,Ops,Ana Reyes\n"
                                "Lou Park,lou@example.com,rep,Ops,u-sam\n"
                                "Ana Two,ana@other.example,rep,West,\n");
    REQUIRE(planned.ok());
    CHECK(problem_lines(*planned) ==
          std::vector<std::string>{
              "row 3, column \"Manager\": 2 users are called \"Ana Reyes\"; give their email",
          });
    auto fixed = plan(engine, "Ana Reyes,ana.r@other.example,rep,West,\n"
                              "Kim Lee,kim@example.com,rep,Ops,ana.r@other.example\n"
                              "Lou Park,lou@example.com,rep,Ops,u-sam\n"
                              "Ana Two,ana@other.example,rep,West,\n");
    CHECK(problem_lines(*fixed) ==
          std::vector<std::string>{
              "row 4, column \"Manager\": row 3 gives Ops another manager; a team has one"});
    auto apart = plan(engine, "Ana Reyes,ana.r@other.example,rep,West,\n"
                              "Ana Two,ana@other.example,rep,West,\n");
    REQUIRE(commit(engine, *apart).ok);
    // u-ana is taken by the workspace's Ana: the new ones get their own ids.
    CHECK(user_by_email(engine.workspace(), "ana@other.example")->id == "u-ana-2");
    CHECK(user_by_email(engine.workspace(), "ana.r@other.example")->id == "u-ana-r");
}

TEST_CASE("people import: kept across a reopen and a compaction; undo refuses it in words") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    REQUIRE(store.create(people_engine().workspace()).ok());
    Engine engine;
    REQUIRE(store.open(engine).ok());
    auto planned = plan(engine, "Nora Vance,nora@example.com,manager,North,nora@example.com\n"
                                "Piet Jansen,piet@example.com,rep,North,\n");
    const Outcome outcome = commit(engine, *planned);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    const json directory_after = workspace_to_json(engine.workspace());

    auto same_people = [&](const Engine& other) {
        const json shown = workspace_to_json(other.workspace());
        CHECK(shown["users"] == directory_after["users"]);
        CHECK(shown["teams"] == directory_after["teams"]);
    };
    Engine reopened;
    REQUIRE(store.open(reopened).ok()); // from the journal
    same_people(reopened);
    REQUIRE(store.compact(reopened).ok());
    Engine compacted;
    REQUIRE(store.open(compacted).ok()); // from the snapshot
    same_people(compacted);

    // Undo: the batch as crm undo finds it, and the last change as the app undoes it.
    const KeptHistory kept = store.read_history([](const EventBatch&) { return true; });
    auto revert = undo_batch_command(compacted.workspace(), kept, outcome.batch->seq);
    REQUIRE(revert.ok());
    const Outcome undone = compacted.apply(*revert, "u-sam", kNow);
    CHECK_FALSE(undone.ok);
    CHECK(undone.message == "Cannot undo the import of people.csv: imported people cannot be "
                            "undone; change them with another import");
    auto last = undo_command(compacted.workspace(), *outcome.batch, 0);
    CHECK(last.error() == "Importing people cannot be undone here");
    same_people(compacted);
}

TEST_CASE("people import: a mapping that does not fit is refused as a whole") {
    Engine engine = people_engine();
    const CsvTable table = table_of(std::string(kHeader) + "Nora,nora@example.com,rep,,\n");
    auto with = [&](ImportMapping mapping) {
        auto planned = plan_people_import(engine, table, mapping, "u-sam", "people.csv", kNow);
        return planned.ok() ? std::string("ok") : planned.error();
    };
    ImportMapping no_email = people_mapping();
    no_email.columns.erase("E-mail");
    CHECK(with(no_email) == "$.columns: no column goes to email (people are matched by it)");
    ImportMapping unknown = people_mapping();
    unknown.columns["Role"] = "title";
    CHECK(with(unknown) ==
          "$.columns.Role: people have no field \"title\" (id, name, email, role, team, manager)");
    ImportMapping keyed = people_mapping();
    keyed.key = "name";
    CHECK(with(keyed) == "$.key: people are matched by email");
    ImportMapping roles = people_mapping();
    roles.values["role"] = {{"Sales Rep", "rep"}};
    CHECK(with(roles) == "ok");
}

} // namespace people_import_test
