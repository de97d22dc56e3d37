// The engine room: reactions after commit, kept history, ids that never
// collide across devices, and records that join their process by stage.
#include "crash_storage.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "query/board.hpp"
#include "query/exceptions.hpp"
#include "query/history.hpp"
#include "query/my_work.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

namespace engine_room_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-11-20T10:00:00Z");

std::vector<TimelineEntry> timeline_of(const WorkspaceStore& store, const Engine& engine,
                                       const std::string& id) {
    auto kept =
        store.read_history([&](const EventBatch& batch) { return batch_mentions(batch, id); });
    REQUIRE(kept.problems.empty());
    return record_timeline(engine.workspace(), kept.batches, kept.origins, id);
}

std::vector<std::string> said(const std::vector<TimelineEntry>& timeline) {
    std::vector<std::string> lines;
    for (const auto& entry : timeline)
        lines.push_back(format_instant(entry.at) + " " + entry.by + ": " + entry.what);
    return lines;
}

// Changes a deal's probability whenever its data changes: it never settles.
class RestlessReactor : public Reactor {
  public:
    std::vector<Reaction> react(const Workspace& ws, const EventBatch& batch,
                                Instant) const override {
        std::vector<Reaction> reactions;
        for (const auto& event : batch.events) {
            const auto* update = event.as<events::RecordUpdated>();
            const auto* created = event.as<events::RecordCreated>();
            if ((!update && !created) || event.record_id().rfind("deal-", 0) != 0) continue;
            const Record* deal = ws.find(event.record_id());
            const int probability = deal->value("probability").is_number_integer()
                                        ? deal->value("probability").get<int>()
                                        : 0;
            reactions.push_back({UpdateRecord{deal->id, {{"probability", (probability + 1) % 100}}},
                                 deal->id, "Restless rule"});
        }
        return reactions;
    }
};

} // namespace

TEST_CASE("a record's history survives three compactions: every change, in order, with who and "
          "when") {
    OpenStore opened(team_with_pipeline());
    auto& [dir, storage, store, engine, later_stores] = opened;
    const auto created =
        engine.apply(CreateRecord{"deal",
                                  {{"name", "Fleet"},
                                   {"amount", {{"amount", 12000}, {"currency", "USD"}}},
                                   {"stage", "Lead"}}},
                     "u-ana", at("2026-11-02T09:00:00Z"));
    REQUIRE_MESSAGE(created.ok, created.message);
    const std::string id = created.record_id;
    REQUIRE(engine
                .apply(UpdateRecord{id, {{"amount", {{"amount", 15000}, {"currency", "USD"}}}}},
                       "u-ana", at("2026-11-03T09:00:00Z"))
                .ok);
    REQUIRE(store.compact(engine));
    CHECK(engine.apply(MoveRecord{id, "Qualified"}, "u-ana", at("2026-11-04T09:00:00Z")).blocked);
    REQUIRE(engine
                .apply(MoveRecord{id,
                                  "Qualified",
                                  "",
                                  {{"budget", {{"amount", 15000}, {"currency", "USD"}}}}},
                       "u-ana", at("2026-11-05T09:00:00Z"))
                .ok);
    REQUIRE(store.compact(engine));
    UpdateRecord reassign{id, json::object(), "u-ben"};
    REQUIRE(engine.apply(reassign, "u-maria", at("2026-11-06T09:00:00Z")).ok);
    REQUIRE(store.compact(engine));

    Engine reopened;
    REQUIRE(WorkspaceStore(storage).open(reopened));
    const auto lines = said(timeline_of(store, reopened, id));
    const std::vector<std::string> expected = {
        "2026-11-02T09:00:00Z Ana Reyes: Created, owned by Ana Reyes",
        "2026-11-02T09:00:00Z automation (Sales pipeline start), after Ana Reyes's change: Joined "
        "the Sales pipeline at Lead (its stage)",
        "2026-11-03T09:00:00Z Ana Reyes: Amount: USD 12,000 → USD 15,000",
        "2026-11-04T09:00:00Z Ana Reyes: Move to Qualified blocked: missing Budget",
        "2026-11-05T09:00:00Z Ana Reyes: Budget: (empty) → USD 15,000; Stage: Lead → Qualified",
        "2026-11-05T09:00:00Z Ana Reyes: Sales pipeline: Lead → Qualified",
        "2026-11-06T09:00:00Z Maria Lindqvist: Reassigned from Ana Reyes to Ben Okafor"};
    CHECK(lines == expected);
    CHECK(reopened.workspace().find(id)->version == 5); // made, joined, amount, moved, reassigned
}

TEST_CASE("a deleted record comes back with its history") {
    OpenStore opened(team_with_pipeline());
    auto& [dir, storage, store, engine, later_stores] = opened;
    const std::string id =
        engine.apply(CreateRecord{"deal", {{"name", "Fleet"}, {"stage", "Lead"}}}, "u-ana", kNow)
            .record_id;
    REQUIRE(engine.apply(UpdateRecord{id, {{"probability", 30}}}, "u-ana", kNow).ok);
    const json before = record_to_json(*engine.workspace().find(id));
    REQUIRE(engine.apply(DeleteRecord{id}, "u-maria", kNow).ok);
    REQUIRE(store.compact(engine)); // the deletion is history now, not journal

    auto kept = store.read_history([&](const EventBatch& b) { return batch_mentions(b, id); });
    const json record = deleted_record(kept.batches, id);
    REQUIRE(record.is_object());
    SUBCASE("a rep may not restore what a rep may not create for someone else") {
        CHECK(engine.apply(RestoreRecord{id, record}, "u-zed", kNow).message ==
              "Zed Ito (rep) can only create records they own themselves");
    }
    SUBCASE("restored as it was, with its flow, and its timeline says so") {
        const auto restored = engine.apply(RestoreRecord{id, record}, "u-maria", kNow);
        REQUIRE_MESSAGE(restored.ok, restored.message);
        json after = record_to_json(*engine.workspace().find(id));
        CHECK(after["fields"] == before["fields"]);
        CHECK(after["flows"] == before["flows"]);
        CHECK(after["version"] == before["version"].get<int>() + 1);
        CHECK(engine.apply(RestoreRecord{id, record}, "u-maria", kNow).message ==
              id + " exists; there is nothing to restore");
        const auto lines = said(timeline_of(store, engine, id));
        REQUIRE(lines.size() == 5);
        CHECK(lines[3] == "2026-11-20T10:00:00Z Maria Lindqvist: Deleted");
        CHECK(lines[4] == "2026-11-20T10:00:00Z Maria Lindqvist: Restored");
    }
}

TEST_CASE("two devices opened from the same export create 10,000 records each, no id in common") {
    Engine original(team_workspace());
    for (int i = 0; i < 20; ++i)
        REQUIRE(
            original
                .apply(CreateRecord{"deal", {{"name", "Old " + std::to_string(i)}}}, "u-ana", kNow)
                .ok);
    const std::string exported = export_workspace(original.workspace());

    std::vector<std::set<std::string>> ids(2);
    std::vector<std::string> devices;
    for (int device = 0; device < 2; ++device) {
        CrashStorage storage(static_cast<std::uint32_t>(device + 1));
        WorkspaceStore store(storage);
        REQUIRE(store.create(*import_workspace(exported)));
        Engine engine;
        REQUIRE(store.open(engine));
        devices.push_back(engine.device());
        for (int i = 0; i < 10000; ++i) {
            const auto made = engine.apply(
                CreateRecord{i % 2 ? "deal" : "task", {{i % 2 ? "name" : "title", "New"}}}, "u-ana",
                kNow);
            REQUIRE(made.ok);
            ids[device].insert(made.record_id);
        }
        CHECK(ids[device].size() == 10000);
        CHECK(std::regex_match(*ids[device].begin(), std::regex("(deal|task)-[a-z2-9]{6}-[0-9]+")));
        CHECK(engine.workspace().find("deal-1")); // the old ids keep working
    }
    CHECK(devices[0] != devices[1]);
    std::vector<std::string> common;
    std::set_intersection(ids[0].begin(), ids[0].end(), ids[1].begin(), ids[1].end(),
                          std::back_inserter(common));
    CHECK(common.empty());
}

TEST_CASE("a reactor that never settles stops at the bound; what it did is kept and a person is "
          "asked") {
    OpenStore opened(team_workspace(), std::make_shared<RestlessReactor>());
    auto& [dir, storage, store, engine, later_stores] = opened;
    const auto made = engine.apply(CreateRecord{"deal", {{"name", "Fleet"}}}, "u-ana", kNow);
    REQUIRE(made.ok);
    // The change, the bounded reactions, and the note for the recovery queue.
    CHECK(engine.last_seq() == 1 + kMaxReactionsPerChange + 1);
    const Record* deal = engine.workspace().find(made.record_id);
    CHECK(deal->value("probability") == kMaxReactionsPerChange);
    const auto failure = deal->automation_failures.find("reaction:Restless rule");
    REQUIRE(failure != deal->automation_failures.end());
    CHECK(failure->second.reason ==
          "automation stopped after 64 changes in a row: Restless rule on " + made.record_id +
              " -> Restless rule on " + made.record_id + " -> Restless rule on " + made.record_id +
              " -> Restless rule on " + made.record_id + " -> ... (57 more) -> " +
              "Restless rule on " + made.record_id + " -> Restless rule on " + made.record_id +
              " -> Restless rule on " + made.record_id + " -> Restless rule on " + made.record_id);

    const auto queues = exception_queues(engine.workspace(), "u-sam", kNow);
    const auto recovery = std::find_if(queues.begin(), queues.end(), [](const ExceptionQueue& q) {
        return q.kind == "automation_failure";
    });
    REQUIRE(recovery != queues.end());
    CHECK(recovery->title == "Automation stopped: Restless rule");
    CHECK(recovery->items.front().record_id == made.record_id);

    // Each reaction names its cause; history credits automation after Ana's change.
    const auto timeline = timeline_of(store, engine, made.record_id);
    CHECK(timeline[1].by == "automation (Restless rule), after Ana Reyes's change");
    CHECK(timeline.back().by == "automation (Restless rule), after Ana Reyes's change");

    Engine reopened;
    REQUIRE(WorkspaceStore(storage).open(reopened));
    CHECK(workspace_to_json(reopened.workspace()) == workspace_to_json(engine.workspace()));
}

TEST_CASE("records that arrive with a stage stand in their flow at that stage") {
    Workspace ws = team_with_pipeline();
    const auto deal = [](const char* id, const char* stage, const char* owner) {
        return json{{"id", id},
                    {"type", "deal"},
                    {"owner", owner},
                    {"fields", {{"name", std::string("Deal ") + id}, {"stage", stage}}},
                    {"updated_at", "2026-11-10T09:00:00Z"}};
    };
    json document = workspace_to_json(ws);
    document["records"] = {deal("deal-1", "Proposal sent", "u-ana"),
                           deal("deal-2", "qualified", "u-ben"), deal("deal-3", "Lead", "u-ana"),
                           deal("deal-4", "Closed won", "u-ana")};
    auto imported = workspace_from_json(document, kNow);
    REQUIRE_MESSAGE(imported.ok(), imported.error());
    Engine engine(std::move(*imported));
    const auto said = engine.start_due_flows(kNow); // the timer's first look after import
    CHECK(std::count_if(said.begin(), said.end(), [](const std::string& line) {
              return line.find("joined the Sales pipeline at") != std::string::npos;
          }) == 4);

    const Workspace& after = engine.workspace();
    const Flow& pipeline = *after.flow("sales_pipeline");
    CHECK(after.find("deal-1")->flows.at("sales_pipeline").stage == "proposal_sent");
    CHECK(after.find("deal-2")->flows.at("sales_pipeline").stage == "qualified");
    CHECK(after.find("deal-1")->flows.at("sales_pipeline").entered_at ==
          at("2026-11-10T09:00:00Z"));
    CHECK(after.find("deal-4")->flows.at("sales_pipeline").status == "ended");
    // The board shows them where they stand, and the owner's work lists them.
    std::map<std::string, std::vector<std::string>> board;
    for (const auto& column : board_columns(after, pipeline, "u-maria"))
        board[column.id] = column.records;
    CHECK(board["proposal_sent"] == std::vector<std::string>{"deal-1"});
    CHECK(board["qualified"] == std::vector<std::string>{"deal-2"});
    CHECK(board["lead"] == std::vector<std::string>{"deal-3"});
    const auto work = next_actions(after, "u-ana", kNow);
    for (const char* id : {"deal-1", "deal-3"})
        CHECK(std::any_of(work.begin(), work.end(),
                          [&](const WorkItem& item) { return item.record_id == id; }));
    // Moves still go through the one gate: Qualified needs a budget.
    CHECK(engine.apply(MoveRecord{"deal-3", "Qualified"}, "u-ana", kNow).blocked);
    CHECK(engine.start_due_flows(kNow).empty()); // once
}

namespace {

// What a workspace means, without what format 2 adds (each record's version).
json meaning(json document) {
    document.erase("version");
    for (auto& record : document["records"])
        record.erase("version");
    return document;
}

json read_json(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
}

} // namespace

TEST_CASE("a store and an export made before format 2 open and import with the same meaning") {
    // Made by the build before typed events (tests/fixtures/v1/README.md): a
    // version 1 journal after a compaction, and that workspace's export.
    const std::string fixtures = std::string(CRM_FIXTURES) + "/v1";
    const json exported = read_json(fixtures + "/export.json");
    REQUIRE(exported["version"] == 1);

    ScratchDir dir;
    std::filesystem::copy(fixtures + "/store", dir.path());
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    Engine engine;
    const auto report = store.open(engine);
    REQUIRE_MESSAGE(report.ok(), report.error());
    CHECK(report->problems.empty());
    CHECK(report->entries_replayed == 5);
    CHECK(meaning(workspace_to_json(engine.workspace())) == meaning(exported));

    auto imported = import_workspace(exported.dump());
    REQUIRE_MESSAGE(imported.ok(), imported.error());
    CHECK(meaning(workspace_to_json(*imported)) == meaning(exported));

    SUBCASE("its history reads, and new entries go to a new segment in format 2") {
        const auto timeline = timeline_of(store, engine, "deal-2");
        REQUIRE(timeline.size() == 3); // version 1 compaction dropped the earlier entries
        CHECK(timeline[0].what == "Stage: Qualified"); // format 1 did not keep the old value
        CHECK(timeline[1].what == "Sales pipeline: Lead → Qualified");
        CHECK(timeline[2].what ==
              "Move to Meeting scheduled blocked: missing Decision maker, Meeting date");
        const auto old_segment = storage.read(segment_name(8));
        REQUIRE(engine.apply(UpdateRecord{"deal-2", {{"probability", 20}}}, "u-ana", kNow).ok);
        CHECK(*storage.read(segment_name(8)) == *old_segment);
        CHECK(storage.read(segment_name(13))->rfind("crm-journal 2\n", 0) == 0);
        Engine reopened;
        REQUIRE(WorkspaceStore(storage).open(reopened));
        CHECK(reopened.workspace().find("deal-2")->value("probability") == 20);
    }
    SUBCASE("deals that carried a stage outside the pipeline join it at the timer's first look") {
        engine.start_due_flows(kNow);
        CHECK(engine.workspace().find("deal-1")->flows.at("sales_pipeline").stage ==
              "proposal_sent");
        CHECK(engine.workspace().find("deal-3")->flows.at("sales_pipeline").stage == "lead");
    }
}

} // namespace engine_room_test
