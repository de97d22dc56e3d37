// Merging a duplicate into the record that stays: which values win, links
// re-pointed, both pasts in history, one batch undone as a whole.
#include "engine/merge.hpp"
#include "fixtures.hpp"
#include "query/history.hpp"
#include "service/batch_undo.hpp"
#include "service/record_history.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace merge_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-03-02T10:00:00Z");

// A stored workspace: Acme, two Dana Whitfields at it (one typed twice), a
// deal, a task and an activity on the second.
struct MergeSetup : StoredTeam {
    std::string keep, other, deal, task, activity;

    MergeSetup() {
        const std::string acme = create("company", {{"name", "Acme Corp"}});
        keep = create("contact", {{"first_name", "Dana"},
                                  {"last_name", "Whitfield"},
                                  {"email", "dana@acme.example"},
                                  {"company", acme}});
        other = create("contact", {{"first_name", "Dana"},
                                   {"last_name", "Whitfield"},
                                   {"email", "d.whitfield@acme.example"},
                                   {"phone", "+1 415 555 0100"},
                                   {"job_title", "COO"},
                                   {"company", acme}});
        deal = create("deal", {{"name", "Acme renewal"}, {"company", acme}, {"contact", other}});
        task = create("task", {{"title", "Call Dana"}, {"related", other}});
        activity = create("activity", {{"kind", "Call"},
                                       {"subject", "Intro call"},
                                       {"at", "2026-02-20T15:00:00Z"},
                                       {"related", other}});
    }
    std::string create(const char* type, json fields) {
        const Outcome outcome =
            engine.apply(CreateRecord{type, std::move(fields), "u-ana"}, "u-sam", kNow);
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
        return outcome.record_id;
    }
    const Record& record(const std::string& id) { return *engine.workspace().find(id); }
    KeptHistory history() {
        return store.read_history([](const EventBatch&) { return true; });
    }
};

std::vector<std::string> timeline_lines(MergeSetup& setup, const std::string& id) {
    const KeptHistory kept = read_record_history(setup.store, id);
    std::vector<std::string> lines;
    for (const auto& entry :
         record_timeline(setup.engine.workspace(), kept.batches, kept.origins, id))
        lines.push_back(entry.what);
    return lines;
}

} // namespace

TEST_CASE("a merge keeps the staying record's values, fills its blanks and takes what is chosen") {
    MergeSetup setup;
    const Outcome merged =
        setup.engine.apply(MergeRecords{setup.keep, setup.other, {"email"}}, "u-sam", kNow);
    REQUIRE_MESSAGE(merged.ok, merged.message);
    CHECK(merged.record_id == setup.keep);
    const Record& kept = setup.record(setup.keep);
    CHECK(kept.value("email") == "d.whitfield@acme.example"); // chosen from the other
    CHECK(kept.value("phone") == "+14155550100");             // a blank the other filled
    CHECK(kept.value("job_title") == "COO");
    CHECK(kept.value("first_name") == "Dana");
    CHECK(setup.engine.workspace().find(setup.other) == nullptr);
    // Everything that pointed at the other now points at the one that stays.
    CHECK(setup.record(setup.deal).value("contact") == setup.keep);
    CHECK(setup.record(setup.task).value("related") == setup.keep);
    CHECK(setup.record(setup.activity).value("related") == setup.keep);
    CHECK(setup.engine.workspace().referrers_of(setup.other).empty());
    CHECK(merged.batch->events.front().kind() == std::string("records.merged"));
    CHECK(merged.batch->events.back().kind() == std::string("record.deleted"));
}

TEST_CASE("the staying record's history tells both pasts, and the merge") {
    MergeSetup setup;
    REQUIRE(setup.engine.apply(MergeRecords{setup.keep, setup.other, {}}, "u-sam", kNow).ok);
    const auto lines = timeline_lines(setup, setup.keep);
    const std::string all = [&] {
        std::string text;
        for (const auto& line : lines)
            text += line + "\n";
        return text;
    }();
    CHECK_MESSAGE(all.find("Dana Whitfield: Created, owned by Ana Reyes\n") != std::string::npos,
                  all);
    CHECK_MESSAGE(all.find("Task added: Call Dana (" + setup.task + ")\n") != std::string::npos,
                  all);
    CHECK_MESSAGE(all.find("Merged with Dana Whitfield (" + setup.other +
                           "): its activities, tasks and links now point here\n") !=
                      std::string::npos,
                  all);
    CHECK_MESSAGE(all.find("Job title: (empty) → COO; Phone: (empty) → +14155550100 (merging " +
                           setup.other + " into " + setup.keep + ")\n") != std::string::npos,
                  all);
    CHECK_MESSAGE(all.find("Deleted") == std::string::npos, all);
}

TEST_CASE("a merge is undone as a whole: the other record, its links and the old values return") {
    MergeSetup setup;
    const Outcome merged =
        setup.engine.apply(MergeRecords{setup.keep, setup.other, {"email"}}, "u-sam", kNow);
    REQUIRE(merged.ok);
    auto undo = undo_batch_command(setup.engine.workspace(), setup.history(), merged.batch->seq);
    REQUIRE_MESSAGE(undo.ok(), (undo.ok() ? "" : undo.error()));
    CHECK(undo->what == "the merge of Dana Whitfield (" + setup.other + ") into " + setup.keep);
    const Outcome undone = setup.engine.apply(*undo, "u-sam", kNow);
    REQUIRE_MESSAGE(undone.ok, undone.message);
    CHECK(setup.record(setup.keep).value("email") == "dana@acme.example");
    CHECK(setup.record(setup.keep).value("phone").is_null());
    REQUIRE(setup.engine.workspace().find(setup.other) != nullptr);
    CHECK(setup.record(setup.other).value("phone") == "+14155550100");
    CHECK(setup.record(setup.deal).value("contact") == setup.other);
    CHECK(setup.record(setup.task).value("related") == setup.other);
    // Undone, the other's past is its own again.
    for (const auto& line : timeline_lines(setup, setup.keep))
        CHECK_MESSAGE(line.find("Dana Whitfield: Created") == std::string::npos, line);
}

TEST_CASE("merges that cannot be done say why and change nothing") {
    MergeSetup setup;
    const std::size_t records = setup.engine.workspace().record_count();
    auto refused = [&](MergeRecords command, const char* actor) {
        const Outcome outcome = setup.engine.apply(command, actor, kNow);
        CHECK_FALSE(outcome.ok);
        return outcome.message;
    };
    CHECK(refused({setup.keep, setup.keep, {}}, "u-sam") ==
          "Cannot merge " + setup.keep + " with itself");
    CHECK(refused({setup.keep, setup.deal, {}}, "u-sam") ==
          "Cannot merge " + setup.keep + " (a contact) with " + setup.deal +
              " (a deal): only records of one type merge");
    CHECK(refused({setup.keep, "contact-404", {}}, "u-sam") ==
          "there is no record \"contact-404\"");
    CHECK(refused({setup.keep, setup.other, {"shoe_size"}}, "u-sam") ==
          "Contact has no field \"shoe_size\" to take from " + setup.other);
    CHECK(refused({setup.keep, setup.other, {}}, "u-ana") ==
          "Cannot merge " + setup.other + " into " + setup.keep +
              ": Ana Reyes (rep) cannot delete records; ask a manager or an admin to delete " +
              setup.other);
    CHECK(setup.engine.workspace().record_count() == records);
    CHECK(setup.record(setup.deal).value("contact") == setup.other);
}

TEST_CASE("a merge survives a reopen of the store, and so does its history") {
    MergeSetup setup;
    REQUIRE(setup.engine.apply(MergeRecords{setup.keep, setup.other, {}}, "u-maria", kNow).ok);
    Engine reopened;
    REQUIRE(setup.store.open(reopened).ok());
    CHECK(reopened.workspace().find(setup.other) == nullptr);
    CHECK(reopened.workspace().find(setup.task)->value("related") == setup.keep);
    const KeptHistory kept = read_record_history(setup.store, setup.keep);
    CHECK(merged_into(kept.batches, setup.keep) == std::vector<std::string>{setup.other});
}

TEST_CASE("the app's Undo beside the notice takes a merge back, unless the record changed since") {
    MergeSetup setup;
    const Outcome merged =
        setup.engine.apply(MergeRecords{setup.keep, setup.other, {}}, "u-sam", kNow);
    REQUIRE(merged.ok);
    const std::uint64_t version = setup.record(setup.keep).version;
    auto undo = undo_command(setup.engine.workspace(), *merged.batch, version);
    REQUIRE_MESSAGE(undo.ok(), (undo.ok() ? "" : undo.error()));
    REQUIRE(std::holds_alternative<RevertBatch>(*undo));

    // Changed since: refused rather than overwrite the later change.
    REQUIRE(setup.engine.apply(UpdateRecord{setup.keep, {{"job_title", "CEO"}}}, "u-sam", kNow).ok);
    CHECK(undo_command(setup.engine.workspace(), *merged.batch, version).error() ==
          "Cannot undo: Dana Whitfield has changed since; see its history");

    // The stale command is refused too: old values never overwrite a later change.
    const Outcome undone = setup.engine.apply(*undo, "u-sam", kNow);
    CHECK_FALSE(undone.ok);
    CHECK(undone.message == "Cannot undo: Dana Whitfield has changed since; see its history");
    CHECK(setup.engine.workspace().find(setup.other) == nullptr);
}

TEST_CASE("a merge never moves a stage, links nothing to itself, and edits links only as allowed") {
    MergeSetup setup;
    // Tasks: the other one relates to itself and the kept one has no link.
    const std::string keep_task = setup.create("task", {{"title", "Call back"}});
    const std::string other_task = setup.create("task", {{"title", "Call back"}});
    REQUIRE(
        setup.engine.apply(UpdateRecord{other_task, {{"related", other_task}}}, "u-sam", kNow).ok);
    REQUIRE(setup.engine.apply(MergeRecords{keep_task, other_task, {"related"}}, "u-sam", kNow).ok);
    CHECK(setup.record(keep_task).value("related").is_null());

    // A manager may not re-point a link on a record outside their team.
    Engine& engine = setup.engine;
    const Outcome wes_deal = engine.apply(
        CreateRecord{"deal", {{"name", "West deal"}, {"contact", setup.other}}, "u-zed"}, "u-sam",
        kNow);
    REQUIRE(wes_deal.ok);
    const Outcome refused =
        engine.apply(MergeRecords{setup.keep, setup.other, {}}, "u-maria", kNow);
    CHECK_FALSE(refused.ok);
    CHECK(refused.message == "Cannot merge " + setup.other + " into " + setup.keep + ": " +
                                 wes_deal.record_id +
                                 " links to it, and Maria Lindqvist (manager) can only edit their "
                                 "team's records; " +
                                 wes_deal.record_id + " is owned by Zed Ito");
    CHECK(setup.engine.workspace().find(setup.other) != nullptr);
}

TEST_CASE("a stage is never taken from the other record in a merge") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    Workspace ws = team_with_pipeline();
    ws.schema = builtin_schema();
    REQUIRE(store.create(ws).ok());
    Engine engine;
    REQUIRE(store.open(engine).ok());
    auto deal = [&](const char* name, const char* stage) {
        const Outcome made = engine.apply(
            CreateRecord{"deal", {{"name", name}, {"stage", stage}}, "u-ana"}, "u-sam", kNow);
        REQUIRE_MESSAGE(made.ok, made.message);
        return made.record_id;
    };
    const std::string keep = deal("Acme renewal", "Lead");
    const std::string other = deal("Acme renewal (2)", "Qualified");
    const Outcome refused = engine.apply(MergeRecords{keep, other, {"stage"}}, "u-sam", kNow);
    CHECK(refused.message == "Cannot take Stage from " + other + " in a merge: move " + keep +
                                 " to that stage instead");
    REQUIRE(engine.apply(MergeRecords{keep, other, {"name"}}, "u-sam", kNow).ok);
    CHECK(engine.workspace().find(keep)->value("stage") == "Lead");
}

TEST_CASE("merge_fields says, field by field, what the merge will do: the review shows the same") {
    MergeSetup setup;
    std::map<std::string, MergeOutcome> outcome;
    for (const auto& merged : merge_fields(setup.engine.workspace(), setup.record(setup.keep),
                                           setup.record(setup.other)))
        outcome[merged.field->id] = merged.outcome;
    CHECK(outcome.at("first_name") == MergeOutcome::Same);
    CHECK(outcome.at("email") == MergeOutcome::Choice);
    CHECK(outcome.at("phone") == MergeOutcome::FillsBlank);
    CHECK(outcome.at("job_title") == MergeOutcome::FillsBlank);
    CHECK(outcome.count("decision_maker") == 0); // blank on both
}

TEST_CASE("a merge's history, both pasts, survives compaction; an undo after it still works") {
    MergeSetup setup;
    const Outcome merged =
        setup.engine.apply(MergeRecords{setup.keep, setup.other, {"email"}}, "u-sam", kNow);
    REQUIRE(merged.ok);
    REQUIRE(setup.store.compact(setup.engine));
    REQUIRE(setup.store.compact(setup.engine)); // and again: kept history is never folded away
    const auto lines = timeline_lines(setup, setup.keep);
    const auto has = [&](const std::string& text) {
        return std::find(lines.begin(), lines.end(), text) != lines.end();
    };
    CHECK(has("Dana Whitfield: Created, owned by Ana Reyes"));
    CHECK(has("Merged with Dana Whitfield (" + setup.other +
              "): its activities, tasks and links now point here"));
    auto undo = undo_batch_command(setup.engine.workspace(), setup.history(), merged.batch->seq);
    REQUIRE_MESSAGE(undo.ok(), (undo.ok() ? "" : undo.error()));
    REQUIRE(setup.engine.apply(*undo, "u-sam", kNow).ok);
    CHECK(setup.record(setup.keep).value("email") == "dana@acme.example");
    CHECK(setup.engine.workspace().find(setup.other) != nullptr);
}

} // namespace merge_test
