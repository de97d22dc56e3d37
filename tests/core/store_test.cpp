#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-11-20T10:00:00Z");

// Opens the directory into a fresh engine, failing the test on error.
OpenReport reopen(DirectoryStorage& storage, Engine& engine, StoreOptions options = {}) {
    WorkspaceStore store(storage, options);
    auto report = store.open(engine);
    REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error()));
    engine.set_sink(nullptr);
    return *report;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_all(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

} // namespace

TEST_CASE("the store keeps every accepted edit across reopen") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    CHECK(store.create(team_workspace()).error() == "a workspace already exists here");

    Engine engine;
    REQUIRE(store.open(engine));
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Fleet"}}}, "u-ana", kNow).ok);
    REQUIRE(engine.apply(UpdateRecord{"deal-1", {{"probability", 40}}}, "u-ana", kNow).ok);
    CHECK_FALSE(engine.apply(UpdateRecord{"deal-1", {{"probability", "high"}}}, "u-ana", kNow).ok);

    Engine reopened;
    const auto report = reopen(storage, reopened);
    CHECK(report.entries_replayed == 2);
    CHECK(report.problems.empty());
    CHECK(reopened.workspace().find("deal-1")->fields["probability"] == 40);
    CHECK(reopened.last_seq() == 2);
}

TEST_CASE("journal damage is detected, reported and set aside; earlier data survives") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    Engine engine;
    REQUIRE(store.open(engine));
    for (int i = 0; i < 3; ++i)
        REQUIRE(
            engine
                .apply(CreateRecord{"deal", {{"name", "Deal " + std::to_string(i)}}}, "u-ana", kNow)
                .ok);
    const std::string segment = dir.path() + "/" + segment_name(1);
    const std::string intact = read_all(segment);

    SUBCASE("a torn last entry (crash mid-write)") {
        write_all(segment, intact.substr(0, intact.size() - 20));
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find("journal-000000000001.log, entry 3") != std::string::npos);
        CHECK(report.problems[0].find("is incomplete (torn write)") != std::string::npos);
        CHECK(reopened.workspace().record_count() == 2);
        CHECK(storage.exists(segment_name(1) + ".damaged"));

        SUBCASE("new edits after recovery are kept on the next open") {
            WorkspaceStore again(storage);
            Engine live;
            REQUIRE(again.open(live));
            REQUIRE(live.apply(CreateRecord{"deal", {{"name", "After"}}}, "u-ana", kNow).ok);
            Engine last;
            const auto final_report = reopen(storage, last);
            CHECK(final_report.problems.empty());
            CHECK(last.workspace().record_count() == 3);
            CHECK(last.workspace().find("deal-3")->fields["name"] == "After");
        }
    }
    SUBCASE("a flipped byte fails the checksum") {
        std::string damaged = intact;
        const auto second_entry = damaged.find("Deal 1");
        damaged[second_entry] = 'X';
        write_all(segment, damaged);
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find("entry 2") != std::string::npos);
        CHECK(report.problems[0].find("is damaged (checksum mismatch)") != std::string::npos);
        CHECK(reopened.workspace().record_count() == 1);
        CHECK(reopened.workspace().find("deal-1"));
    }
    SUBCASE("a damaged snapshot is refused, not overwritten") {
        std::string snapshot = read_all(dir.path() + "/workspace.snapshot");
        snapshot[snapshot.size() / 2] ^= 0x20;
        write_all(dir.path() + "/workspace.snapshot", snapshot);
        WorkspaceStore again(storage);
        Engine reopened;
        auto report = again.open(reopened);
        REQUIRE_FALSE(report);
        CHECK(report.error() ==
              "workspace.snapshot is damaged (checksum mismatch); it was left as it is");
        CHECK(read_all(dir.path() + "/workspace.snapshot") == snapshot);
    }
}

TEST_CASE("segments stay small and compaction folds them into the snapshot") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    StoreOptions options;
    options.segment_limit = 1024;
    options.compact_after = 8 * 1024;
    WorkspaceStore store(storage, options);
    REQUIRE(store.create(team_workspace()));
    Engine engine;
    REQUIRE(store.open(engine));
    for (int i = 0; i < 60; ++i)
        REQUIRE(engine
                    .apply(CreateRecord{"task", {{"title", "Call back #" + std::to_string(i)}}},
                           "u-ana", kNow)
                    .ok);
    std::size_t segments = 0;
    for (const auto& name : storage.list()) {
        if (name.rfind("journal-", 0) != 0) continue;
        ++segments;
        CHECK(storage.read(name)->size() <= 1024);
    }
    CHECK(segments > 5);
    CHECK(store.compaction_due());

    REQUIRE(store.compact(engine));
    CHECK(storage.list() == std::vector<std::string>{"workspace.snapshot"});
    REQUIRE(engine.apply(UpdateRecord{"task-60", {{"done", true}}}, "u-ana", kNow).ok);

    Engine reopened;
    const auto report = reopen(storage, reopened, options);
    CHECK(report.entries_replayed == 1);
    CHECK(reopened.workspace().record_count() == 60);
    CHECK(reopened.workspace().find("task-60")->fields["done"] == true);
}

TEST_CASE("replace (import) swaps the whole workspace atomically") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    Engine engine;
    REQUIRE(store.open(engine));
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Old"}}}, "u-ana", kNow).ok);

    Workspace incoming = team_workspace();
    incoming.name = "Imported";
    REQUIRE(store.replace(engine, std::move(incoming)));
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "New"}}}, "u-ana", kNow).ok);

    Engine reopened;
    reopen(storage, reopened);
    CHECK(reopened.workspace().name == "Imported");
    CHECK(reopened.workspace().record_count() == 1);
    CHECK(reopened.workspace().find("deal-1")->fields["name"] == "New");
}

TEST_CASE("opening a directory that holds no workspace says so") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    Engine engine;
    CHECK(store.open(engine).error() == "no workspace here (workspace.snapshot is missing)");
}

namespace {

// Storage whose next append writes half the bytes and then fails (disk full).
class FailingOnceStorage : public DirectoryStorage {
  public:
    using DirectoryStorage::DirectoryStorage;
    bool fail_next_append = false;
    Status append(const std::string& name, std::string_view bytes) override {
        if (!fail_next_append) return DirectoryStorage::append(name, bytes);
        fail_next_append = false;
        DirectoryStorage::append(name, bytes.substr(0, bytes.size() / 2));
        return Error{"disk full"};
    }
};

} // namespace

TEST_CASE("a failed append is cut off, so later edits are not lost") {
    ScratchDir dir;
    FailingOnceStorage storage(dir.path());
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    Engine engine;
    REQUIRE(store.open(engine));
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "First"}}}, "u-ana", kNow).ok);
    storage.fail_next_append = true;
    const auto failed = engine.apply(CreateRecord{"deal", {{"name", "Lost"}}}, "u-ana", kNow);
    CHECK(failed.message == "Not saved: disk full");
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Second"}}}, "u-ana", kNow).ok);
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Third"}}}, "u-ana", kNow).ok);

    Engine reopened;
    const auto report = reopen(storage, reopened);
    CHECK(report.problems.empty());
    CHECK(reopened.workspace().record_count() == 3);
    CHECK(reopened.workspace().find("deal-3")->fields["name"] == "Third");
}

TEST_CASE("after a recovery, segments that follow on are still read") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    {
        Engine engine;
        REQUIRE(store.open(engine));
        REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "One"}}}, "u-ana", kNow).ok);
        REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Two"}}}, "u-ana", kNow).ok);
    }
    const std::string segment = dir.path() + "/" + segment_name(1);
    const std::string intact = read_all(segment);
    write_all(segment, intact.substr(0, intact.size() - 3)); // the second entry is torn
    {
        WorkspaceStore again(storage);
        Engine engine;
        REQUIRE(again.open(engine)); // sets the torn entry aside
        REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "After"}}}, "u-ana", kNow).ok);
    }
    // Damage the first segment again: its good part must not hide the later one.
    const std::string first = read_all(segment);
    write_all(segment, first + "0000");
    Engine reopened;
    const auto report = reopen(storage, reopened);
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0].find(
              "the damaged part was set aside as journal-000000000001.log.damaged.2") !=
          std::string::npos);
    CHECK(reopened.workspace().record_count() == 2);
    CHECK(reopened.workspace().find("deal-2")->fields["name"] == "After");
}
