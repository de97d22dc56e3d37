// Merging a workspace file into the open workspace by record id: adds keep
// their ids, updates take the file's values, nothing is removed; one batch,
// all or nothing, undone as a whole and kept across a reopen.
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "service/batch_undo.hpp"
#include "service/workspace_merge.hpp"

#include <doctest/doctest.h>

namespace json_merge_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-03-02T10:00:00Z");

// A stored team with Acme (company-1) and Dana at Acme (contact-1), both
// Ana's. Ids are made without a device tag, so the tests read simply.
struct MergeInto : StoredTeam {
    MergeInto() {
        engine.set_device("");
        const std::string acme = create("company", {{"name", "Acme Corp"}, {"city", "Oslo"}});
        create("contact", {{"first_name", "Dana"}, {"last_name", "Whitfield"}, {"company", acme}});
    }
    std::string create(const char* type, json fields) {
        const Outcome outcome =
            engine.apply(CreateRecord{type, std::move(fields), "u-ana"}, "u-sam", kNow);
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
        return outcome.record_id;
    }
    // The file: the workspace as it stands, as an export would carry it.
    Workspace file() {
        auto read = import_workspace(export_workspace(engine.workspace()), kNow);
        REQUIRE_MESSAGE(read.ok(), read.error());
        return std::move(*read);
    }
    WorkspaceMerge plan(const Workspace& incoming, const std::string& actor = "u-sam") {
        auto planned = plan_workspace_merge(engine, incoming, actor, "backup.json", kNow);
        REQUIRE_MESSAGE(planned.ok(), planned.error());
        return std::move(*planned);
    }
    const Record* find(const std::string& id) const { return engine.workspace().find(id); }
};

void put(Workspace& ws, std::string id, std::string type, std::string owner, json fields) {
    Record record;
    record.id = std::move(id);
    record.type = std::move(type);
    record.owner = std::move(owner);
    record.fields = std::move(fields);
    ws.put(std::move(record));
}

std::vector<std::string> messages(const WorkspaceMerge& plan) {
    std::vector<std::string> out;
    for (const auto& problem : plan.problems)
        out.push_back(describe_merge_problem(problem));
    return out;
}

// The file with Acme renamed, Globex (company-7) and a contact at it added.
Workspace changed_file(MergeInto& setup) {
    Workspace incoming = setup.file();
    incoming.edit("company-1")->fields["name"] = "Acme Corporation";
    put(incoming, "company-7", "company", "u-ben", {{"name", "Globex"}});
    put(incoming, "contact-9", "contact", "u-ana",
        {{"first_name", "Lee"}, {"last_name", "Park"}, {"company", "company-7"}});
    return incoming;
}

} // namespace

TEST_CASE("a merge adds the file's new records with their ids and updates the others") {
    MergeInto setup;
    WorkspaceMerge plan = setup.plan(changed_file(setup));
    CHECK(messages(plan).empty());
    CHECK(plan.summary() == "2 added, 1 updated, 1 unchanged");
    CHECK(setup.find("company-7") == nullptr); // a plan changes nothing

    const Outcome outcome = commit_workspace_merge(setup.engine, plan, "u-sam", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    REQUIRE(outcome.batch);
    CHECK(plan.summary() == "2 added, 1 updated, 1 unchanged");
    CHECK(setup.find("company-1")->value("name") == "Acme Corporation");
    CHECK(setup.find("company-1")->value("city") == "Oslo");
    REQUIRE(setup.find("company-7"));
    CHECK(setup.find("company-7")->owner == "u-ben");
    CHECK(setup.find("contact-9")->value("company") == "company-7"); // a new record's new link
    CHECK(setup.engine.workspace().referrers_of("company-7") ==
          std::vector<std::string>{"contact-9"});
    CHECK(describe_batch(*outcome.batch) == "the import of backup.json");

    // Ids made here afterwards go on past the ones the file brought.
    setup.create("company", {{"name", "Initech"}});
    CHECK(setup.find("company-8")->value("name") == "Initech");
}

TEST_CASE("a record in the file as the workspace has it is unchanged, and nothing is committed") {
    MergeInto setup;
    WorkspaceMerge plan = setup.plan(setup.file());
    CHECK(plan.summary() == "0 added, 0 updated, 2 unchanged");
    const std::uint64_t seq = setup.engine.last_seq();
    const Outcome outcome = commit_workspace_merge(setup.engine, plan, "u-sam", kNow);
    CHECK(outcome.ok);
    CHECK_FALSE(outcome.batch);
    CHECK(setup.engine.last_seq() == seq);
}

TEST_CASE("an updated record takes the file's owner and loses the values the file clears") {
    MergeInto setup;
    Workspace incoming = setup.file();
    incoming.edit("company-1")->fields.erase("city");
    incoming.edit("company-1")->owner = "u-ben";
    WorkspaceMerge plan = setup.plan(incoming);
    CHECK(plan.summary() == "0 added, 1 updated, 1 unchanged");
    REQUIRE(commit_workspace_merge(setup.engine, plan, "u-sam", kNow).ok);
    CHECK(setup.find("company-1")->owner == "u-ben");
    CHECK_FALSE(setup.find("company-1")->has_value("city"));
}

TEST_CASE("one bad record in the file names its id, and nothing is merged") {
    MergeInto setup;
    Workspace incoming = changed_file(setup);
    incoming.edit("contact-9")->fields["email"] = "lee at globex";
    incoming.edit("contact-1")->fields.erase("last_name");
    WorkspaceMerge plan = setup.plan(incoming);
    CHECK(messages(plan) ==
          std::vector<std::string>{
              "record contact-1: Last name: is required",
              "record contact-9: Email: expected an email address like name@example.com, got "
              "\"lee at globex\""});
    CHECK(plan.failed_records() == 2);
    const std::uint64_t seq = setup.engine.last_seq();
    const Outcome outcome = commit_workspace_merge(setup.engine, plan, "u-sam", kNow);
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.message == "Cannot merge: record contact-1: Last name: is required");
    CHECK(setup.engine.last_seq() == seq);
    CHECK(setup.find("company-7") == nullptr);
    CHECK(setup.find("company-1")->value("name") == "Acme Corp");
}

TEST_CASE("a record of a type this workspace lacks is named with its id and type") {
    MergeInto setup;
    Workspace incoming = setup.file();
    RecordTypeDef project{"project", "Project", "Projects", {"name"}, {}};
    project.fields.push_back(FieldDef{"name", "Name", FieldType::Text});
    incoming.schema.add_type(project);
    put(incoming, "project-1", "project", "u-ana", {{"name", "Rollout"}});
    WorkspaceMerge plan = setup.plan(incoming);
    CHECK(messages(plan) == std::vector<std::string>{
                                "record project-1: this workspace has no record type \"project\"; "
                                "a merge brings records only, so add the type first"});
}

TEST_CASE("a new record's id must be an id of its type, and references must exist") {
    MergeInto setup;
    Workspace incoming = setup.file();
    put(incoming, "acme-2", "company", "u-ana", {{"name", "Acme Two"}});
    put(incoming, "deal-4", "deal", "u-ana", {{"name", "Pilot"}, {"company", "company-99"}});
    WorkspaceMerge plan = setup.plan(incoming);
    CHECK(messages(plan) ==
          std::vector<std::string>{"record acme-2: \"acme-2\" is not an id of a Company (like "
                                   "company-42)",
                                   "record deal-4: Company: there is no record \"company-99\""});
}

TEST_CASE("reps may not merge; a manager's merge is checked as the manager's edits") {
    MergeInto setup;
    const Workspace incoming = changed_file(setup);
    auto refused = plan_workspace_merge(setup.engine, incoming, "u-ana", "backup.json", kNow);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error() ==
          "Ana Reyes (rep) cannot merge a workspace file; managers and admins can import");

    WorkspaceMerge plan = setup.plan(incoming, "u-wes");
    CHECK(messages(plan) ==
          std::vector<std::string>{"record company-1: Wes Tan (manager) can only edit their "
                                   "team's records; company-1 is owned by Ana Reyes",
                                   "record company-7: Wes Tan (manager) can only give records to "
                                   "their own team; Ben Okafor is not on it",
                                   "record contact-9: Wes Tan (manager) can only give records to "
                                   "their own team; Ana Reyes is not on it"});

    WorkspaceMerge own_team = setup.plan(incoming, "u-maria");
    CHECK(messages(own_team).empty());
    CHECK(own_team.summary() == "2 added, 1 updated, 1 unchanged");
}

TEST_CASE("a merge is undone as one batch, and what it did survives a reopen") {
    MergeInto setup;
    WorkspaceMerge plan = setup.plan(changed_file(setup));
    const Outcome outcome = commit_workspace_merge(setup.engine, plan, "u-sam", kNow);
    REQUIRE(outcome.ok);
    const std::uint64_t seq = outcome.batch->seq;

    Engine reopened;
    REQUIRE(setup.store.open(reopened).ok());
    CHECK(reopened.workspace().find("company-1")->value("name") == "Acme Corporation");
    CHECK(reopened.workspace().find("contact-9")->value("company") == "company-7");

    const auto everything = [](const EventBatch&) { return true; };
    auto undo =
        undo_batch_command(setup.engine.workspace(), setup.store.read_history(everything), seq);
    REQUIRE_MESSAGE(undo.ok(), undo.error());
    CHECK(undo->what == "the import of backup.json");
    const Outcome undone = setup.engine.apply(*undo, "u-sam", kNow);
    REQUIRE_MESSAGE(undone.ok, undone.message);
    CHECK(setup.find("company-7") == nullptr);
    CHECK(setup.find("contact-9") == nullptr);
    CHECK(setup.find("company-1")->value("name") == "Acme Corp");

    Engine after_undo;
    REQUIRE(setup.store.open(after_undo).ok());
    CHECK(after_undo.workspace().find("company-7") == nullptr);
    CHECK(after_undo.workspace().find("company-1")->value("name") == "Acme Corp");
}

TEST_CASE("an import that brings an id refuses one already taken or brought twice") {
    MergeInto setup;
    ImportRecords command{"company", "ids.csv", {}};
    ImportRow taken;
    taken.row = 2;
    taken.new_id = "company-1";
    taken.fields = {{"name", "Again"}};
    ImportRow twice = taken;
    twice.row = 3;
    twice.new_id = "company-5";
    ImportRow again = twice;
    again.row = 4;
    command.rows = {taken, twice, again};
    DecideDetails details;
    auto decided = setup.engine.decide(command, "u-sam", kNow, &details);
    REQUIRE_FALSE(decided.ok());
    REQUIRE(details.rows.size() == 2);
    CHECK(details.rows[0].message == "the id company-1 is taken by Acme Corp");
    CHECK(details.rows[1].message == "adds company-5 a second time");
}

} // namespace json_merge_test
