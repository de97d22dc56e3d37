#include "crash_storage.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "store/snapshot_body.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"
#include "util/crc32.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace store_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-11-20T10:00:00Z");

// Opens the storage into a fresh engine, failing the test on error.
OpenReport reopen(Storage& storage, Engine& engine, StoreOptions options = {}) {
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

// A journal segment's entries, without the zeros it was filled with ahead.
std::string entries_of(std::string segment) {
    segment.erase(segment.find_last_not_of('\0') + 1);
    return segment;
}

void write_all(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

// Every file and its content: what "opening changed nothing" compares.
std::map<std::string, std::string> files_of(Storage& storage) {
    std::map<std::string, std::string> files;
    for (const auto& name : storage.list())
        files[name] = *storage.read(name);
    return files;
}

// Ids made here read "deal-dev1-3": the tag of a device named in its own file.
void name_device(Storage& storage) {
    REQUIRE(storage.write_atomic(kDeviceFile, "crm-device 1 tag=dev1\n"));
}

void add_deals(Engine& engine, int count, const std::string& prefix = "Deal ") {
    for (int i = 0; i < count; ++i)
        REQUIRE(
            engine
                .apply(CreateRecord{"deal", {{"name", prefix + std::to_string(i)}}}, "u-ana", kNow)
                .ok);
}

// A new team workspace in a scratch directory, open in `engine`.
struct Opened {
    ScratchDir dir;
    DirectoryStorage storage{dir.path()};
    WorkspaceStore store;
    Engine engine;
    explicit Opened(StoreOptions options = {}) : store(storage, options) {
        REQUIRE(store.create(team_workspace()));
        name_device(storage);
        REQUIRE(store.open(engine));
    }
    std::string path(const std::string& name) const { return dir.path() + "/" + name; }
};

} // namespace

TEST_CASE("a file written over holds exactly the new bytes, longer or shorter") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    REQUIRE(storage.write("journal.head", "crm-head 1 seq=9 crc32=00000000\n", Sync::No));
    REQUIRE(storage.write("journal.head", "crm-head 1 seq=10 crc32=00000000\n", Sync::Yes));
    CHECK(*storage.read("journal.head") == "crm-head 1 seq=10 crc32=00000000\n");
    REQUIRE(storage.write("journal.head", "short\n", Sync::No));
    CHECK(*storage.read("journal.head") == "short\n");
    REQUIRE(storage.write("journal.head", "", Sync::No));
    CHECK(storage.read("journal.head")->empty());
}

TEST_CASE("the store keeps every accepted edit across reopen") {
    Opened opened;
    auto& [dir, storage, store, engine] = opened;
    CHECK(store.create(team_workspace()).error() == "a workspace already exists here");
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Fleet"}}}, "u-ana", kNow).ok);
    REQUIRE(engine.apply(UpdateRecord{"deal-dev1-1", {{"probability", 40}}}, "u-ana", kNow).ok);
    CHECK_FALSE(
        engine.apply(UpdateRecord{"deal-dev1-1", {{"probability", "high"}}}, "u-ana", kNow).ok);

    Engine reopened;
    const auto report = reopen(storage, reopened);
    CHECK(report.entries_replayed == 2);
    CHECK(report.problems.empty());
    CHECK(reopened.workspace().find("deal-dev1-1")->fields["probability"] == 40);
    CHECK(reopened.last_seq() == 2);
}

TEST_CASE("an acknowledged edit is on disk before it is acknowledged") {
    CrashStorage storage(7);
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    name_device(storage);
    Engine engine;
    REQUIRE(store.open(engine));
    add_deals(engine, 5);
    storage.power_cut(); // forgets everything that was not synced

    Engine reopened;
    const auto report = reopen(storage, reopened);
    CHECK(report.problems.empty());
    REQUIRE(reopened.workspace().record_count() == 5);
    CHECK(reopened.workspace().find("deal-dev1-5")->fields["name"] == "Deal 4");
}

TEST_CASE("journal damage is detected, reported and left out; earlier data survives") {
    Opened opened;
    auto& [dir, storage, store, engine] = opened;
    add_deals(engine, 3);
    const std::string segment = opened.path(segment_name(1));
    const std::string intact = entries_of(read_all(segment));

    SUBCASE("a torn last entry (crash mid-write): set aside only at the next change") {
        write_all(segment, intact.substr(0, intact.size() - 20));
        const auto before = files_of(storage);
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0] ==
              "journal-000000000001.log, entry 3 (byte " +
                  std::to_string(intact.rfind("\n", intact.size() - 2) + 1) +
                  ") is incomplete (torn write); it and everything after it are left out (kept "
                  "as journal-000000000001.log.damaged at the next change)");
        CHECK(reopened.workspace().record_count() == 2);
        CHECK(files_of(storage) == before); // opening only reads

        WorkspaceStore again(storage);
        Engine live;
        REQUIRE(again.open(live));
        REQUIRE(live.apply(CreateRecord{"deal", {{"name", "After"}}}, "u-ana", kNow).ok);
        CHECK(storage.exists(segment_name(1) + ".damaged"));
        Engine last;
        const auto final_report = reopen(storage, last);
        CHECK(final_report.problems.empty());
        CHECK(last.workspace().record_count() == 3);
        CHECK(last.workspace().find("deal-dev1-3")->fields["name"] == "After");
    }
    SUBCASE("a last entry that landed only in part in the space filled ahead") {
        const std::string filled = read_all(segment);
        REQUIRE(filled.size() == kDefaultSegmentLimit); // written zero-filled when it started
        std::string torn = filled;
        torn.replace(intact.size() - 20, 20, std::string(20, '\0'));
        write_all(segment, torn);
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find(", entry 3 (byte " +
                                      std::to_string(intact.rfind("\n", intact.size() - 2) + 1) +
                                      ") is incomplete (torn write)") != std::string::npos);
        CHECK(reopened.workspace().record_count() == 2);
    }
    SUBCASE("a last entry whose first bytes never landed, though its end did") {
        std::string torn = read_all(segment);
        const std::size_t last = intact.rfind("\n", intact.size() - 2) + 1;
        torn.replace(last, 8, std::string(8, '\0'));
        write_all(segment, torn);
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find(", entry 3 (byte " + std::to_string(last) +
                                      ") is incomplete (torn write)") != std::string::npos);
        CHECK(reopened.workspace().record_count() == 2);
    }
    SUBCASE("zeros inside an entry that others follow are damage, not a torn write") {
        std::string damaged = read_all(segment);
        damaged.replace(damaged.find("Deal 1"), 6, std::string(6, '\0'));
        write_all(segment, damaged);
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find(", entry 2 (byte ") != std::string::npos);
        CHECK(report.problems[0].find(") is damaged (zero bytes in its text); it and everything "
                                      "after it are left out") != std::string::npos);
        CHECK(reopened.workspace().record_count() == 1);
    }
    SUBCASE("a flipped byte fails the checksum") {
        std::string damaged = intact;
        damaged[damaged.find("Deal 1")] = 'X';
        write_all(segment, damaged);
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find("entry 2") != std::string::npos);
        CHECK(report.problems[0].find("is damaged (checksum mismatch)") != std::string::npos);
        CHECK(reopened.workspace().record_count() == 1);
        CHECK(reopened.workspace().find("deal-dev1-1"));
    }
    SUBCASE("a journal cut exactly at an entry boundary is reported") {
        write_all(segment, intact.substr(0, intact.rfind("\n", intact.size() - 2) + 1));
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0] == "the journal was saved up to entry 3 but can be read only up "
                                    "to entry 2: the changes after it are missing (the journal "
                                    "was cut short)");
        CHECK(reopened.workspace().record_count() == 2);

        SUBCASE("the next change takes the loss as known") {
            WorkspaceStore again(storage);
            Engine live;
            REQUIRE(again.open(live));
            REQUIRE(live.apply(CreateRecord{"deal", {{"name", "After"}}}, "u-ana", kNow).ok);
            Engine last;
            CHECK(reopen(storage, last).problems.empty());
            CHECK(last.workspace().find("deal-dev1-3")->fields["name"] == "After");
        }
    }
}

TEST_CASE("the snapshot's header is checksummed with its body") {
    Opened opened;
    auto& [dir, storage, store, engine] = opened;
    add_deals(engine, 3);
    REQUIRE(store.compact(engine));
    add_deals(engine, 2, "Later ");
    const std::string path = opened.path(kSnapshotFile);
    const std::string snapshot = read_all(path);
    REQUIRE(snapshot.rfind("crm-snapshot 4 seq=3 bytes=", 0) == 0);

    // One bit flipped at `offset`: refused as damaged, and the file left as it is.
    auto check_refused = [&](std::size_t offset, unsigned char bit) {
        std::string damaged = snapshot;
        damaged[offset] = static_cast<char>(damaged[offset] ^ bit);
        write_all(path, damaged);
        WorkspaceStore again(opened.storage); // (clang 14 cannot capture a structured binding)
        Engine reopened;
        auto report = again.open(reopened);
        REQUIRE_FALSE(report);
        CHECK(report.error() ==
              "workspace.snapshot is damaged (checksum mismatch); it was left as it is");
        CHECK(read_all(path) == damaged);
    };
    SUBCASE("one flipped bit in the seq is refused, not read as fewer entries") {
        check_refused(std::string("crm-snapshot 4 seq=").size(), 0x01); // seq=3 -> seq=2
    }
    SUBCASE("a damaged body is refused and left as it is") {
        check_refused(snapshot.size() / 2, 0x20);
    }
    SUBCASE("a missing journal segment is reported as such") {
        REQUIRE(storage.remove(segment_name(4)));
        Engine reopened;
        const auto report = reopen(storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0] == "the journal was saved up to entry 5 but can be read only up "
                                    "to entry 3: the changes after it are missing (the journal "
                                    "was cut short)");
        CHECK(reopened.workspace().record_count() == 3);
    }
}

TEST_CASE("a gap inside the journal stops replay there") {
    StoreOptions options;
    options.segment_limit = 300; // about one entry per segment
    Opened opened(options);
    auto& [dir, storage, store, engine] = opened;
    add_deals(engine, 4);
    REQUIRE(storage.exists(segment_name(3)));
    REQUIRE(storage.remove(segment_name(2)));

    Engine reopened;
    const auto report = reopen(storage, reopened, options);
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0] ==
          "journal-000000000003.log, entry 1 (byte 14) is entry 3, but entries 2 to 2 are missing "
          "(a journal segment was removed or cut short); it and everything after it are left out "
          "(kept as journal-000000000003.log.damaged, journal-000000000004.log.damaged at the "
          "next change)");
    CHECK(reopened.workspace().record_count() == 1);
}

TEST_CASE("a version-1 snapshot (seq outside the checksum) still opens") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    Workspace workspace = team_workspace();
    workspace.name = "From version 1";
    const std::string body = workspace_to_json(workspace).dump();
    char crc[9];
    std::snprintf(crc, sizeof crc, "%08x", crc32(body));
    REQUIRE(storage.write("workspace.snapshot",
                          std::string("crm-snapshot 1 seq=0 crc32=") + crc + "\n" + body,
                          Sync::Yes));
    Engine engine;
    reopen(storage, engine);
    CHECK(engine.workspace().name == "From version 1");

    WorkspaceStore store(storage);
    REQUIRE(store.open(engine));
    add_deals(engine, 1);
    REQUIRE(store.compact(engine));
    CHECK(storage.read("workspace.snapshot")->rfind("crm-snapshot 4 seq=1 ", 0) == 0);
}

TEST_CASE("a snapshot is checked record by record as it opens unless this build's checks passed "
          "it") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    Workspace workspace = team_workspace();
    Record deal{"deal-1", "deal", "u-ana", {{"name", "Big one"}, {"probability", "high"}}};
    REQUIRE(workspace.add(std::move(deal)));
    const std::string body = encode_snapshot_body(workspace);
    const auto snapshot = [&](int version, std::optional<std::uint32_t> checks) {
        std::string header = "crm-snapshot " + std::to_string(version) +
                             " seq=0 bytes=" + std::to_string(body.size());
        char hex[9];
        if (checks) {
            std::snprintf(hex, sizeof hex, "%08x", *checks);
            header += std::string(" checks=") + hex;
        }
        std::snprintf(hex, sizeof hex, "%08x", crc32_extend(crc32(header + "\n"), body));
        return header + " crc32=" + hex + "\n" + body;
    };
    const auto open = [&](const std::string& text) {
        REQUIRE(storage.write("workspace.snapshot", text, Sync::Yes));
        WorkspaceStore store(storage);
        Engine engine;
        const auto report = store.open(engine);
        return report ? "opened: " + engine.workspace().find("deal-1")->value("name").dump()
                      : report.error();
    };
    const std::string refused =
        "workspace.snapshot: $.records[0].fields.probability: expected a number, got \"high\"";
    // From builds that did not say which checks their records passed.
    CHECK(open(snapshot(3, std::nullopt)) == refused);
    // Passed by other checks (another build's built-in fields or rules).
    CHECK(open(snapshot(4, record_checks_fingerprint() ^ 1u)) == refused);
    // Passed by this build's checks (compaction reads each snapshot back
    // first): only its records' shape and types are read.
    CHECK(open(snapshot(4, record_checks_fingerprint())) == "opened: \"Big one\"");
}

TEST_CASE("compaction writes values as the checks read them back") {
    Opened opened;
    add_deals(opened.engine, 1);
    Workspace loose = opened.engine.workspace();
    Record record = *loose.find("deal-dev1-1");
    record.fields["name"] = "  Spaced out  "; // an earlier build's journal could hold this
    loose.put(std::move(record));
    Engine engine(std::move(loose));
    REQUIRE(opened.store.compact(engine));
    Engine reopened;
    reopen(opened.storage, reopened);
    CHECK(reopened.workspace().find("deal-dev1-1")->value("name") == "Spaced out");
}

TEST_CASE("segments stay small and compaction folds them into the snapshot") {
    StoreOptions options;
    options.segment_limit = 1024;
    options.compact_after = 8 * 1024;
    Opened opened(options);
    auto& [dir, storage, store, engine] = opened;
    for (int i = 0; i < 60; ++i)
        REQUIRE(engine
                    .apply(CreateRecord{"task", {{"title", "Call back #" + std::to_string(i)}}},
                           "u-ana", kNow)
                    .ok);
    std::size_t segments = 0;
    for (const auto& name : storage.list()) {
        if (name.rfind("journal-", 0) != 0 || name == kJournalHeadFile) continue;
        ++segments;
        CHECK(storage.read(name)->size() <= 1024);
    }
    CHECK(segments > 5);
    CHECK(store.compaction_due());

    REQUIRE(store.compact(engine));
    // The journal is kept as history, renamed: nothing is replayed from it again.
    std::size_t kept = 0;
    for (const auto& name : storage.list()) {
        CHECK(name.rfind("journal-", 0) != 0);
        if (name.rfind("history-journal-", 0) != 0) continue;
        ++kept;
        // History keeps what was written, not the space segments were filled ahead with.
        const std::string segment = *storage.read(name);
        CHECK(entries_of(segment) == segment);
    }
    CHECK(kept == segments);
    REQUIRE(engine.apply(UpdateRecord{"task-dev1-60", {{"done", true}}}, "u-ana", kNow).ok);

    Engine reopened;
    const auto report = reopen(storage, reopened, options);
    CHECK(report.problems.empty());
    CHECK(report.entries_replayed == 1);
    CHECK(reopened.workspace().record_count() == 60);
    CHECK(reopened.workspace().find("task-dev1-60")->fields["done"] == true);
}

TEST_CASE("replace (import) swaps the whole workspace atomically") {
    Opened opened;
    auto& [dir, storage, store, engine] = opened;
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Old"}}}, "u-ana", kNow).ok);

    Workspace incoming = team_workspace();
    incoming.name = "Imported";
    REQUIRE(store.replace(engine, std::move(incoming)));
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "New"}}}, "u-ana", kNow).ok);

    Engine reopened;
    CHECK(reopen(storage, reopened).problems.empty());
    CHECK(reopened.workspace().name == "Imported");
    CHECK(reopened.workspace().record_count() == 1);
    CHECK(reopened.workspace().find("deal-dev1-1")->fields["name"] == "New");
}

TEST_CASE("opening a directory that holds no workspace says so") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    Engine engine;
    CHECK(store.open(engine).error() == "no workspace here (workspace.snapshot is missing)");
}

TEST_CASE("a full disk: the failed edit is cut off, later edits are kept") {
    CrashStorage storage(11);
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    name_device(storage);
    Engine engine;
    REQUIRE(store.open(engine));
    add_deals(engine, 1, "First ");
    storage.fill_disk();
    const auto failed = engine.apply(CreateRecord{"deal", {{"name", "Lost"}}}, "u-ana", kNow);
    CHECK(failed.message == "Not saved: cannot write: the disk is full");
    CHECK(failed.not_saved);
    CHECK(engine.workspace().record_count() == 1);
    storage.disk_freed();
    add_deals(engine, 2, "Later ");

    Engine reopened;
    const auto report = reopen(storage, reopened);
    CHECK(report.problems.empty());
    CHECK(reopened.workspace().record_count() == 3);
    CHECK(reopened.workspace().find("deal-dev1-3")->fields["name"] == "Later 1");
}

TEST_CASE("a full disk never makes a damaged workspace unreadable") {
    std::uint32_t seed = 13; // odd seeds fill segments ahead, even ones grow them
    SUBCASE("segments filled ahead, as on a disk") {
        seed = 13;
    }
    SUBCASE("segments that grow, as in IndexedDB") {
        seed = 14;
    }
    CrashStorage storage(seed);
    REQUIRE(storage.fills_segments_ahead() == (seed == 13));
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    name_device(storage);
    {
        Engine engine;
        REQUIRE(store.open(engine));
        add_deals(engine, 3);
    }
    const std::string segment = segment_name(1);
    const std::string intact = entries_of(*storage.read(segment));
    REQUIRE(storage.write(segment, intact.substr(0, intact.size() - 4), Sync::Yes)); // torn
    storage.fill_disk();

    WorkspaceStore again(storage);
    Engine engine;
    const auto report = again.open(engine);
    REQUIRE(report);
    CHECK(report->problems.size() == 1);
    CHECK(engine.workspace().record_count() == 2);
    const auto refused = engine.apply(CreateRecord{"deal", {{"name", "X"}}}, "u-ana", kNow);
    CHECK(refused.not_saved);
    CHECK(refused.message == "Not saved: cannot write: the disk is full");

    storage.disk_freed();
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "After"}}}, "u-ana", kNow).ok);
    Engine reopened;
    CHECK(reopen(storage, reopened).problems.empty());
    CHECK(reopened.workspace().record_count() == 3);
    CHECK(storage.exists(segment + ".damaged"));
}

TEST_CASE("after a repair, segments that follow on are still read") {
    Opened opened;
    auto& [dir, storage, store, engine] = opened;
    add_deals(engine, 2);
    const std::string segment = opened.path(segment_name(1));
    const std::string intact = entries_of(read_all(segment));
    write_all(segment, intact.substr(0, intact.size() - 3)); // the second entry is torn
    {
        WorkspaceStore again(storage);
        Engine engine;
        REQUIRE(again.open(engine));
        add_deals(engine, 1, "After "); // sets the torn entry aside first
    }
    // Damage the first segment again: its good part must not hide the later one.
    const std::string first = entries_of(read_all(segment));
    write_all(segment, first + "0000");
    Engine reopened;
    const auto report = reopen(storage, reopened);
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0].find("the damaged part is left out (kept as "
                                  "journal-000000000001.log.damaged.2 at the next change)") !=
          std::string::npos);
    CHECK(reopened.workspace().record_count() == 2);
    CHECK(reopened.workspace().find("deal-dev1-2")->fields["name"] == "After 0");
}

TEST_CASE("a process change at the nesting limit is journaled and read back") {
    Opened opened;
    auto& engine = opened.engine;
    json condition = {{"var", "pricing_discussed"}};
    for (int i = 0; i < 58; ++i) // with the flow around it, the limit of a process file
        condition = {{"!!", condition}};
    auto flows = engine.workspace().flows;
    Flow flow;
    flow.id = "deep";
    flow.name = "Deep";
    flow.record_type = "deal";
    flow.start.when = true;
    Stage first, second;
    first.id = "first";
    first.name = "First";
    first.next_action.text = "Call";
    second.id = "second";
    second.name = "Second";
    second.next_action.text = "Write";
    second.gate.entry = condition;
    flow.stages = {first, second};
    FlowOutcome won;
    won.id = "won";
    won.name = "Won";
    won.kind = "won";
    flow.outcomes = {won};
    flows.push_back(flow);
    const auto changed = engine.apply(SetProcesses{flows, {}}, "u-sam", kNow);
    REQUIRE_MESSAGE(changed.ok, changed.message);

    Engine reopened;
    const auto report = reopen(opened.storage, reopened);
    CHECK(report.problems.empty());
    CHECK(reopened.workspace().flow("deep"));
}

TEST_CASE("a journal entry whose events do not fit is reported, never half applied") {
    Opened opened;
    add_deals(opened.engine, 1);
    // Entries with a valid checksum that no engine would write.
    const auto entry = [](std::uint64_t seq, const json& events) {
        const std::string payload = json{
            {"seq", seq},
            {"at", "2026-11-20T10:00:00Z"},
            {"actor", "u-ana"},
            {"events", events}}.dump();
        char crc[9];
        std::snprintf(crc, sizeof crc, "%08x", crc32(payload));
        return std::string(crc) + " " + payload + "\n";
    };
    const std::string segment = opened.path(segment_name(1));
    const std::string intact = entries_of(read_all(segment));
    const auto check_left_out = [&](const json& events, const std::string& why) {
        write_all(segment, intact + entry(2, events));
        Engine reopened;
        const auto report = reopen(opened.storage, reopened);
        REQUIRE(report.problems.size() == 1);
        CHECK(report.problems[0].find(why) != std::string::npos);
        CHECK(reopened.workspace().find("deal-dev1-1")->fields.value("probability", json()) ==
              json());
    };
    SUBCASE("a change to a record the same batch deleted") {
        check_left_out({{{"kind", "record.updated"},
                         {"data", {{"id", "deal-dev1-1"}, {"fields", {{"probability", 77}}}}}},
                        {{"kind", "record.deleted"}, {"data", {{"id", "deal-dev1-1"}}}},
                        {{"kind", "record.updated"},
                         {"data", {{"id", "deal-dev1-1"}, {"fields", {{"probability", 78}}}}}}},
                       "cannot be applied: record deal-dev1-1 does not exist");
    }
    SUBCASE("a move of a record that is not in the flow") {
        check_left_out({{{"kind", "record.updated"},
                         {"data", {{"id", "deal-dev1-1"}, {"fields", {{"probability", 77}}}}}},
                        {{"kind", "process.moved"},
                         {"data", {{"id", "deal-dev1-1"}, {"flow", "nowhere"}, {"to", "won"}}}}},
                       "cannot be applied: unknown flow for deal-dev1-1");
    }
    SUBCASE("an event missing what it carries") {
        check_left_out({{{"kind", "record.updated"},
                         {"data", {{"id", "deal-dev1-1"}, {"fields", {{"probability", 77}}}}}},
                        {{"kind", "sla.paused"}, {"data", {{"id", "deal-dev1-1"}}}}},
                       "sla.paused: \"policy\" is missing or of the wrong type");
    }
}

TEST_CASE("a compaction that would not read back keeps the journal") {
    Opened opened;
    add_deals(opened.engine, 1);
    const auto before = files_of(opened.storage);
    Workspace broken = opened.engine.workspace();
    Record record = *broken.find("deal-dev1-1");
    record.fields["probability"] = "high"; // no command writes this; a bug could
    broken.put(std::move(record));
    Engine engine(std::move(broken));
    const auto status = opened.store.compact(engine);
    REQUIRE_FALSE(status);
    CHECK(status.error() ==
          "the workspace was not compacted, its journal is kept: the snapshot would not read back "
          "($.records[0].fields.probability: expected a number, got \"high\")");
    CHECK(files_of(opened.storage) == before);
}

TEST_CASE("a journal without its snapshot is set aside, never deleted, by a new workspace") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    REQUIRE(storage.write(segment_name(1), "crm-journal 1\n", Sync::Yes));
    WorkspaceStore store(storage);
    REQUIRE(store.create(team_workspace()));
    CHECK(storage.exists(segment_name(1) + ".damaged"));
    CHECK_FALSE(storage.exists(segment_name(1)));
}

TEST_CASE("after setting a cut journal aside, a power cut does not bring the loss back") {
    CrashStorage storage(17);
    REQUIRE(WorkspaceStore(storage).create(team_workspace()));
    name_device(storage);
    {
        WorkspaceStore store(storage);
        Engine engine;
        REQUIRE(store.open(engine));
        add_deals(engine, 3);
    }
    const std::string intact = entries_of(*storage.read(segment_name(1)));
    REQUIRE(storage.write(segment_name(1),
                          intact.substr(0, intact.rfind('\n', intact.size() - 2) + 1),
                          Sync::Yes)); // cut at an entry boundary: the head says 3
    {
        WorkspaceStore store(storage);
        Engine engine;
        REQUIRE(store.open(engine)->problems.size() == 1);
        add_deals(engine, 1, "After "); // takes the loss as known, durably
    }
    storage.power_cut();
    Engine reopened;
    CHECK(reopen(storage, reopened).problems.empty());
    CHECK(reopened.workspace().find("deal-dev1-3")->fields["name"] == "After 0");
}

} // namespace store_test
