// Team sync (core/sync): devices that edit offline and sync through a team
// database in memory reach the same records, list the same conflicts, and
// lose nothing; a sync cut off half way resumes without duplicates.
#include "fake_team_server.hpp"
#include "fixtures.hpp"

#include "engine/engine.hpp"
#include "io/workspace_json.hpp"
#include "model/field_values.hpp"
#include "query/exceptions.hpp"
#include "service/bootstrap.hpp"
#include "service/timers.hpp"
#include "store/snapshot_body.hpp"
#include "sync/conflicts.hpp"
#include "sync/merge.hpp"
#include "sync/replication.hpp"
#include "sync/team_database.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>

using namespace crm;
using crm::test::at;
using crm::test::FakeTeamServer;
using nlohmann::json;

namespace {

constexpr const char* kDatabase = "http://127.0.0.1:5984/team";

// The journal a device keeps, in memory: what it would send comes from here.
class JournalSink : public EventSink {
  public:
    std::vector<EventBatch> batches;
    Status append(const EventBatch& batch) override {
        batches.push_back(batch);
        return Status::success();
    }
};

const Workspace& demo() {
    static const Workspace workspace = [] {
        std::ifstream in(CRM_DEMO_WORKSPACE);
        std::stringstream text;
        text << in.rdbuf();
        auto loaded = demo_workspace(text.str(), at("2026-12-07T09:00:00Z"));
        REQUIRE(loaded.ok());
        return std::move(*loaded);
    }();
    return workspace;
}

template <typename Session> void run(Session& session, FakeTeamServer& server) {
    run_to_end(session, [&](const HttpRequest& request) { return server.handle(request); });
}

struct Device {
    JournalSink journal;
    Engine engine;

    Device(Workspace workspace, std::string tag) {
        engine.set_device(std::move(tag));
        engine.set_deadlines_on_load(false);
        engine.load(std::move(workspace), 0);
        engine.set_sink(&journal);
    }

    OutboxReader outbox() {
        return [this](std::uint64_t after) -> Result<std::vector<EventBatch>> {
            std::vector<EventBatch> out;
            for (const auto& batch : journal.batches)
                if (batch.seq > after && sent_to_team(batch, engine.device())) out.push_back(batch);
            return out;
        };
    }
    SyncReport sync(FakeTeamServer& server, Instant now = at("2026-12-07T10:00:00Z")) {
        SyncSession session(engine, kDatabase, outbox(), "u-ana", now);
        run(session, server);
        return session.report();
    }
    Outcome set(const std::string& id, json fields, const std::string& actor, const char* when) {
        return engine.apply(UpdateRecord{id, std::move(fields)}, actor, at(when));
    }
    const Record& record(const std::string& id) const {
        const Record* found = engine.workspace().find(id);
        REQUIRE(found);
        return *found;
    }
};

// The device as a backup of its files holds it now: the same tag and journal.
std::unique_ptr<Device> backup_of(const Device& device) {
    auto copy = std::make_unique<Device>(device.engine.workspace(), device.engine.device());
    copy->engine.load(Workspace(device.engine.workspace()), device.engine.last_seq());
    copy->journal.batches = device.journal.batches;
    return copy;
}

// A published workspace and the devices that joined it.
struct SyncedTeam {
    FakeTeamServer server;
    std::vector<std::unique_ptr<Device>> devices;

    explicit SyncedTeam(std::size_t count) {
        devices.push_back(std::make_unique<Device>(demo(), "dev000"));
        PublishSession publish(devices[0]->engine, kDatabase, "u-sam", at("2026-12-07T09:00:00Z"));
        run(publish, server);
        REQUIRE(publish.error().empty());
        while (devices.size() < count) {
            JoinSession join(kDatabase);
            run(join, server);
            auto joined = join.workspace();
            REQUIRE(joined.ok());
            devices.push_back(std::make_unique<Device>(std::move(*joined),
                                                       "dev00" + std::to_string(devices.size())));
        }
    }
    Device& operator[](std::size_t i) { return *devices[i]; }
    // Syncs every device until none pulls anything more.
    void settle() {
        for (int round = 0; round < 4; ++round)
            for (auto& device : devices)
                REQUIRE(device->sync(server).error.empty());
    }
};

// What a person sees of a record: its values, owner and where it stands.
json visible(const Record& record) {
    json flows = json::object();
    // Where it stands: its stage, or its outcome once ended (the stage it
    // ended from is history, which devices may have seen in another order).
    for (const auto& [flow, state] : record.flows)
        flows[flow] = {state.active() ? state.stage : "", state.status, state.outcome};
    return {{"fields", record.fields}, {"owner", record.owner}, {"flows", flows}};
}

std::map<std::string, json> visible_records(const Workspace& ws) {
    std::map<std::string, json> out;
    for (const Record* record : ws.all_records())
        out[record->id] = visible(*record);
    return out;
}

std::vector<std::string> open_conflict_ids(const Workspace& ws) {
    std::vector<std::string> ids;
    for (const auto& conflict : open_conflicts(ws))
        ids.push_back(conflict.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

json money(double amount) {
    return {{"amount", amount}, {"currency", "USD"}};
}

// A command that must be accepted; its message when it is not.
void accepted(const Outcome& outcome) {
    INFO(outcome.message);
    REQUIRE(outcome.ok);
}

} // namespace

TEST_CASE("two devices that edited one record offline show the same record after syncing") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    CHECK(visible_records(a.engine.workspace()) == visible_records(b.engine.workspace()));

    accepted(a.set("deal-1", {{"close_date", "2027-03-31"}}, "u-ana", "2026-12-07T09:10:00Z"));
    accepted(b.set("deal-1", {{"amount", money(9100)}}, "u-ana", "2026-12-07T09:11:00Z"));
    team.settle();

    SUBCASE("different fields: both changes stand, with no conflict") {
        for (Device* device : {&a, &b}) {
            CHECK(device->record("deal-1").value("close_date") == "2027-03-31");
            CHECK(device->record("deal-1").value("amount") == money(9100));
            CHECK(open_conflicts(device->engine.workspace()).empty());
        }
    }
    SUBCASE("the same field: the later change stands on both, and both list the conflict") {
        accepted(a.set("deal-2", {{"amount", money(5000)}}, "u-ben", "2026-12-07T09:20:00Z"));
        accepted(b.set("deal-2", {{"amount", money(7000)}}, "u-maria", "2026-12-07T09:21:00Z"));
        team.settle();
        for (Device* device : {&a, &b}) {
            CHECK(device->record("deal-2").value("amount") == money(7000));
            const auto conflicts = open_conflicts(device->engine.workspace());
            REQUIRE(conflicts.size() == 1);
            CHECK(conflicts[0].id == "deal-2/amount");
            CHECK(conflicts[0].record == "deal-2");
            CHECK(conflicts[0].field == "amount");
            CHECK(conflicts[0].kept.value == money(7000));
            CHECK(conflicts[0].kept.actor == "u-maria");
            CHECK(conflicts[0].kept.device == "dev001");
            CHECK(conflicts[0].other.value == money(5000));
            CHECK(conflicts[0].other.actor == "u-ben");
            CHECK(conflicts[0].other.device == "dev000");
            CHECK(format_instant(conflicts[0].other.at) == "2026-12-07T09:20:00Z");
        }
        CHECK(open_conflict_ids(a.engine.workspace()) == open_conflict_ids(b.engine.workspace()));

        SUBCASE("keeping the other value on one device settles it on both") {
            accepted(a.engine.apply(ResolveConflict{"deal-2/amount", true}, "u-ben",
                                    at("2026-12-07T09:30:00Z")));
            team.settle();
            for (Device* device : {&a, &b}) {
                CHECK(device->record("deal-2").value("amount") == money(5000));
                CHECK(open_conflict_ids(device->engine.workspace()).empty());
            }
        }
        SUBCASE("keeping the value that stands settles it on both, and it stays") {
            accepted(b.engine.apply(ResolveConflict{"deal-2/amount", false}, "u-maria",
                                    at("2026-12-07T09:30:00Z")));
            team.settle();
            for (Device* device : {&a, &b}) {
                CHECK(device->record("deal-2").value("amount") == money(7000));
                CHECK(open_conflict_ids(device->engine.workspace()).empty());
            }
        }
        SUBCASE("a conflict nobody has is refused") {
            const Outcome refused = a.engine.apply(ResolveConflict{"deal-2/amount/1-x/2-y", false},
                                                   "u-ben", at("2026-12-07T09:30:00Z"));
            CHECK_FALSE(refused.ok);
            CHECK(refused.message == "There is no open conflict \"deal-2/amount/1-x/2-y\"");
        }
    }
    CHECK(visible_records(a.engine.workspace()) == visible_records(b.engine.workspace()));
}

TEST_CASE("a change to a record another device deleted is listed, not lost silently") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    const Outcome task = a.engine.apply(CreateRecord{"task", {{"title", "Call back"}}}, "u-ana",
                                        at("2026-12-07T09:05:00Z"));
    REQUIRE(task.ok);
    team.settle();
    REQUIRE(b.engine.workspace().find(task.record_id));
    accepted(a.engine.apply(DeleteRecord{task.record_id}, "u-sam", at("2026-12-07T09:10:00Z")));
    accepted(
        b.set(task.record_id, {{"title", "Call back on Monday"}}, "u-ana", "2026-12-07T09:11:00Z"));
    team.settle();
    for (Device* device : {&a, &b}) {
        CHECK_FALSE(device->engine.workspace().find(task.record_id));
        const auto conflicts = open_conflicts(device->engine.workspace());
        REQUIRE(conflicts.size() == 1);
        CHECK(conflicts[0].record == task.record_id);
        CHECK(conflicts[0].field == "");
        CHECK(conflicts[0].kept.actor == "u-sam");
        CHECK(conflicts[0].kept.device == "dev000");
        CHECK(conflicts[0].other.value == json{{"title", "Call back on Monday"}});
        CHECK(conflicts[0].other.actor == "u-ana");
        CHECK(conflicts[0].other.device == "dev001");
    }
}

TEST_CASE("a sync cut off half way resumes from its checkpoint and sends nothing twice") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    for (int i = 0; i < 450; ++i)
        accepted(a.set("deal-" + std::to_string(1 + i % 20), {{"amount", money(1000 + i)}}, "u-sam",
                       "2026-12-07T09:10:00Z"));
    team.server.answers_left = 5; // the database, the checkpoint, one page asked, checked, sent
    const SyncReport cut = a.sync(team.server);
    CHECK(cut.error ==
          std::string("Cannot reach the team server at ") + kDatabase + ": Connection refused");
    CHECK(team.server.documents_starting("b-dev000-") == kSyncPageSize);
    team.server.answers_left.reset();

    const SyncReport resumed = a.sync(team.server);
    CHECK(resumed.error.empty());
    CHECK(resumed.pushed == 450 - kSyncPageSize);
    CHECK(team.server.documents_starting("b-dev000-") == 450);

    team.server.answers_left = 5; // b pulls one page of changes, then the server dies
    CHECK_FALSE(b.sync(team.server).error.empty());
    team.server.answers_left.reset();
    const SyncReport pulled = b.sync(team.server);
    CHECK(pulled.error.empty());
    std::uint64_t last_edit = 0;
    for (const auto& batch : a.journal.batches)
        if (sent_to_team(batch, "dev000")) last_edit = batch.seq;
    CHECK(b.engine.workspace().team_sync.applied.at("dev000") == last_edit);
    std::size_t merged = 0;
    for (const auto& batch : b.journal.batches)
        merged += batch.device == "dev000";
    CHECK(merged == 450);
    CHECK(visible_records(a.engine.workspace()) == visible_records(b.engine.workspace()));
}

TEST_CASE("wrong credentials or no server: a message in words, and nothing here changes") {
    SyncedTeam team(2);
    Device& a = team[0];
    accepted(a.set("deal-1", {{"amount", money(1234)}}, "u-ana", "2026-12-07T09:10:00Z"));
    const auto before = visible_records(a.engine.workspace());
    const std::uint64_t seq = a.engine.last_seq();

    SUBCASE("wrong password") {
        team.server.password = "secret";
        CHECK(a.sync(team.server).error ==
              std::string("The team server at ") + kDatabase +
                  " did not accept the user name or password (HTTP 401)");
    }
    SUBCASE("no server") {
        team.server.answers_left = 0;
        CHECK(a.sync(team.server).error ==
              std::string("Cannot reach the team server at ") + kDatabase + ": Connection refused");
    }
    CHECK(visible_records(a.engine.workspace()) == before);
    CHECK(a.engine.last_seq() == seq);
    team.server.password.clear();
    team.server.answers_left.reset();
    CHECK(a.sync(team.server).pushed == 1);
}

TEST_CASE("sync state survives the snapshot: stamps, batches held and conflicts") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    accepted(a.set("deal-2", {{"amount", money(5000)}}, "u-ben", "2026-12-07T09:20:00Z"));
    accepted(b.set("deal-2", {{"amount", money(7000)}}, "u-maria", "2026-12-07T09:21:00Z"));
    team.settle();
    auto reread = decode_snapshot_body(encode_snapshot_body(a.engine.workspace()));
    REQUIRE(reread.ok());
    const TeamSync& kept = reread->team_sync;
    const TeamSync& live = a.engine.workspace().team_sync;
    CHECK(kept.clock == live.clock);
    CHECK(kept.applied == live.applied);
    CHECK(kept.since == live.since);
    CHECK(kept.database == kDatabase);
    CHECK(kept.stamp_of("deal-2", "amount") == live.stamp_of("deal-2", "amount"));
    CHECK(kept.conflicted == live.conflicted);
    Workspace reopened = std::move(*reread);
    const auto conflicts = open_conflicts(reopened);
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].id == "deal-2/amount");
    CHECK(conflicts[0].kept.value == money(7000));
    CHECK(conflicts[0].other.value == money(5000));
}

namespace {

// One random command of a rep's day on a few deals and tasks.
void random_command(Device& device, std::mt19937& random, int step) {
    static const std::vector<std::string> actors = {"u-ana", "u-ben", "u-maria", "u-sam"};
    const std::string actor = actors[random() % actors.size()];
    // deal-51 to deal-56 have no records that link to them: those can be deleted.
    const int number = int(random() % 14);
    const std::string deal = "deal-" + std::to_string(number < 8 ? 1 + number : 43 + number);
    const Instant now{at("2026-12-07T09:00:00Z").seconds + step};
    Engine& engine = device.engine;
    switch (random() % 10) {
    case 7:
        engine.apply(DeleteRecord{deal}, "u-sam", now);
        break;
    case 8: { // restores a record deleted here or elsewhere, as it was deleted
        std::vector<const events::RecordDeleted*> gone;
        for (const auto& batch : device.journal.batches)
            for (const auto& event : batch.events)
                if (const auto* deleted = event.as<events::RecordDeleted>();
                    deleted && !engine.workspace().find(deleted->id))
                    gone.push_back(deleted);
        if (!gone.empty()) {
            const events::RecordDeleted deleted = *gone[random() % gone.size()];
            engine.apply(RestoreRecord{deleted.id, deleted.record}, "u-sam", now);
        }
        break;
    }
    case 9: {
        MoveRecord lost{deal, "closed_lost"};
        lost.reason = "Went with a competitor";
        lost.confirm_warnings = true;
        engine.apply(lost, "u-sam", now);
        break;
    }
    case 0:
    case 1:
        engine.apply(UpdateRecord{deal, {{"amount", money(double(random() % 50) * 1000)}}}, actor,
                     now);
        break;
    case 2:
        engine.apply(
            UpdateRecord{deal,
                         {{"close_date", "2027-0" + std::to_string(1 + random() % 9) + "-15"}}},
            actor, now);
        break;
    case 3: {
        UpdateRecord reassign{deal};
        reassign.owner = std::vector<std::string>{"u-ana", "u-ben", "u-chloe"}[random() % 3];
        engine.apply(reassign, "u-sam", now);
        break;
    }
    case 4:
        engine.apply(CreateRecord{"task", {{"title", "Task " + std::to_string(step)}}}, actor, now);
        break;
    case 5: {
        const auto& tasks = engine.workspace().ids_of_type("task");
        if (!tasks.empty())
            engine.apply(DeleteRecord{tasks[random() % tasks.size()]}, "u-sam", now);
        break;
    }
    default: {
        const Flow* flow = engine.workspace().flow("sales_pipeline");
        REQUIRE(flow);
        const Stage& stage = flow->stages[random() % flow->stages.size()];
        MoveRecord move{deal, stage.id};
        move.confirm_warnings = true;
        engine.apply(move, "u-sam", now);
        break;
    }
    }
}

// Every value a device acknowledged, by (record, field): the one with the
// greatest stamp is the one every device must show.
std::map<std::pair<std::string, std::string>, std::pair<Stamp, json>>
acknowledged_values(const std::vector<std::unique_ptr<Device>>& devices) {
    std::map<std::pair<std::string, std::string>, std::pair<Stamp, json>> latest;
    const auto note = [&](const std::string& id, const std::string& field, const Stamp& stamp,
                          const json& value) {
        auto& slot = latest[{id, field}];
        if (stamp.wins_over(slot.first)) slot = {stamp, value};
    };
    // A restore writes every field the record had, as its deletion kept it.
    std::map<std::string, std::set<std::string>> fields_of;
    for (const auto& device : devices)
        for (const auto& batch : device->journal.batches)
            for (const auto& event : batch.events)
                if (const auto* updated = event.as<events::RecordUpdated>())
                    for (const auto& [field, value] : updated->fields.items())
                        fields_of[updated->id].insert(field);
    for (const auto& device : devices)
        for (const auto& batch : device->journal.batches) {
            if (!sent_to_team(batch, device->engine.device())) continue;
            const Stamp stamp{batch.clock, batch.device, batch.seq, batch.actor};
            for (const auto& event : batch.events) {
                if (const auto* restored = event.as<events::RecordRestored>())
                    for (const auto& field : fields_of[restored->id])
                        note(restored->id, field, stamp, value_in_record(restored->record, field));
                if (const auto* created = event.as<events::RecordCreated>())
                    for (const auto& [field, value] : created->fields.items())
                        note(created->id, field, stamp, value);
                if (const auto* updated = event.as<events::RecordUpdated>())
                    for (const auto& [field, value] : updated->fields.items())
                        note(updated->id, field, stamp, value);
            }
        }
    return latest;
}

} // namespace

TEST_CASE("three devices x 3,000 random commands with random syncs reach the same records") {
    const int commands = 3000;
    SyncedTeam team(3);
    std::mt19937 random(20261207);
    std::size_t syncs = 0;
    for (int step = 0; step < commands; ++step)
        for (std::size_t d = 0; d < 3; ++d) {
            random_command(team[d], random, step * 3 + int(d));
            if (random() % 60 == 0) {
                REQUIRE(team[d].sync(team.server).error.empty());
                ++syncs;
            }
        }
    team.settle();
    CHECK(syncs > 100);
    std::size_t deletions = 0, restores = 0;
    for (const auto& batch : team[0].journal.batches)
        for (const auto& event : batch.events) {
            deletions += event.as<events::RecordDeleted>() != nullptr;
            restores += event.as<events::RecordRestored>() != nullptr;
        }
    MESSAGE(deletions << " deletions and " << restores << " restores on device 0");
    CHECK(deletions > 50);
    CHECK(restores > 20);
    const auto first = visible_records(team[0].engine.workspace());
    for (std::size_t d = 1; d < 3; ++d) {
        const auto other = visible_records(team[d].engine.workspace());
        CHECK(other.size() == first.size());
        std::size_t differ = 0;
        for (const auto& [id, record] : first)
            if (!other.count(id) || other.at(id) != record) {
                if (++differ <= 3)
                    MESSAGE(id << " on device 0: " << record << "\non device " << d << ": "
                               << (other.count(id) ? other.at(id) : json()));
            }
        CHECK(differ == 0);
        CHECK(open_conflict_ids(team[d].engine.workspace()) ==
              open_conflict_ids(team[0].engine.workspace()));
    }
    std::size_t lost = 0, checked = 0;
    for (const auto& [key, latest] : acknowledged_values(team.devices)) {
        const Record* record = team[0].engine.workspace().find(key.first);
        if (!record) continue; // deleted
        ++checked;
        if (record->value(key.second) != latest.second) {
            if (++lost <= 5)
                MESSAGE(key.first << "." << key.second << " = " << record->value(key.second)
                                  << ", acknowledged last: " << latest.second);
        }
    }
    CHECK(checked > 100);
    CHECK(lost == 0);
    CHECK_FALSE(open_conflicts(team[0].engine.workspace()).empty());
    // Each command was allowed where it was made, reassignments meanwhile or not.
    for (std::size_t d = 0; d < 3; ++d)
        for (const auto& problem : team[d].engine.workspace().team_sync.problems)
            CHECK_MESSAGE(problem.kind != kPermissionProblem, problem.why);
}

TEST_CASE("time-driven work that comes due on two devices happens once for the team") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    const Instant later = at("2026-12-09T09:00:00Z");
    // Devices whose own counters differ, as they do after a day's work.
    accepted(b.engine.apply(CreateRecord{"task", {{"title", "Call back"}}}, "u-ana",
                            at("2026-12-07T09:05:00Z")));
    team.settle();
    // Both offline when the time comes: each raises the breaches and runs the rules.
    const TickReport on_a = tick(a.engine, later);
    const TickReport on_b = tick(b.engine, later);
    REQUIRE_FALSE(on_a.alerts.empty());
    REQUIRE_FALSE(on_a.rules.empty());
    CHECK(on_a.alerts.size() == on_b.alerts.size());
    const std::size_t tasks_alone = a.engine.workspace().ids_of_type("task").size();
    const std::size_t notices_alone = a.engine.workspace().notifications.size();
    const std::size_t runs_alone = a.engine.workspace().automation.log.size();
    team.settle();
    for (Device* device : {&a, &b}) {
        const Workspace& ws = device->engine.workspace();
        CHECK(ws.ids_of_type("task").size() == tasks_alone);
        CHECK(ws.notifications.size() == notices_alone);
        CHECK(ws.automation.log.size() == runs_alone);
        CHECK(open_conflicts(ws).empty());
    }
    CHECK(visible_records(a.engine.workspace()) == visible_records(b.engine.workspace()));
    for (const auto& user : a.engine.workspace().notifications.users()) {
        std::set<std::string> on_a_ids, on_b_ids;
        for (const auto& notice : a.engine.workspace().notifications.of(user))
            on_a_ids.insert(notice.id);
        for (const auto& notice : b.engine.workspace().notifications.of(user))
            on_b_ids.insert(notice.id);
        CHECK(on_a_ids == on_b_ids);
    }
}

TEST_CASE("what a sync sends is read from the files after its checkpoint, across compactions") {
    test::ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage, StoreOptions{.segment_limit = 600, .compact_after = 1 << 20});
    REQUIRE(store.create(demo()).ok());
    Engine engine;
    REQUIRE(store.open(engine).ok());
    const auto edit = [&](int i) {
        accepted(engine.apply(UpdateRecord{"deal-" + std::to_string(1 + i % 9),
                                           {{"next_step", "Step " + std::to_string(i)}}},
                              "u-sam", at("2026-12-07T09:00:00Z")));
    };
    for (int i = 0; i < 30; ++i)
        edit(i);
    REQUIRE(store.compact(engine).ok());
    for (int i = 30; i < 40; ++i)
        edit(i);
    const auto seqs_after = [&](std::uint64_t after, bool skip_files) {
        std::vector<std::uint64_t> seqs;
        const auto wanted = [&](const EventBatch& batch) { return batch.seq > after; };
        for (const auto& batch : store.read_history(wanted, skip_files ? after : 0).batches)
            seqs.push_back(batch.seq);
        return seqs;
    };
    for (std::uint64_t after : {0, 1, 7, 15, 29, 30, 31, 38, 40}) {
        CAPTURE(after);
        CHECK(seqs_after(after, true) == seqs_after(after, false));
        CHECK(seqs_after(after, true).size() == 40 - after);
    }
}

TEST_CASE("resolving a conflict while someone else changed the value again converges") {
    SyncedTeam team(3);
    Device& a = team[0];
    Device& b = team[1];
    Device& c = team[2];
    accepted(a.set("deal-2", {{"amount", money(5000)}}, "u-ben", "2026-12-07T09:20:00Z"));
    accepted(b.set("deal-2", {{"amount", money(7000)}}, "u-maria", "2026-12-07T09:21:00Z"));
    team.settle();
    accepted(c.set("deal-2", {{"amount", money(9000)}}, "u-sam", "2026-12-07T09:30:00Z"));
    REQUIRE(c.sync(team.server).error.empty());
    accepted(a.engine.apply(ResolveConflict{"deal-2/amount", false}, "u-ben",
                            at("2026-12-07T09:31:00Z")));
    team.settle();
    const json amount = a.record("deal-2").value("amount");
    for (Device* device : {&b, &c})
        CHECK(device->record("deal-2").value("amount") == amount);
    CHECK(visible_records(a.engine.workspace()) == visible_records(c.engine.workspace()));
}

TEST_CASE("a move that stands over an outcome reached elsewhere takes the process up again") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    MoveRecord lost{"deal-5", "closed_lost"};
    lost.reason = "Went with a competitor";
    accepted(a.engine.apply(lost, "u-sam", at("2026-12-07T09:20:00Z")));
    MoveRecord back{"deal-5", "proposal_sent"};
    back.confirm_warnings = true;
    accepted(b.engine.apply(back, "u-sam", at("2026-12-07T09:25:00Z")));
    team.settle();
    CHECK(visible_records(a.engine.workspace()) == visible_records(b.engine.workspace()));
    CHECK(a.record("deal-5").flows.at("sales_pipeline").active());
}

TEST_CASE("keeping the other side of a conflict is checked like the change itself") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    UpdateRecord to_chloe{"deal-2"};
    to_chloe.owner = "u-chloe";
    accepted(a.engine.apply(to_chloe, "u-sam", at("2026-12-07T09:20:00Z")));
    UpdateRecord to_ana{"deal-2"};
    to_ana.owner = "u-ana";
    accepted(b.engine.apply(to_ana, "u-sam", at("2026-12-07T09:21:00Z")));
    team.settle();
    REQUIRE(open_conflict_ids(b.engine.workspace()) == std::vector<std::string>{"deal-2/owner"});
    const Outcome refused =
        b.engine.apply(ResolveConflict{"deal-2/owner", true}, "u-ana", at("2026-12-07T09:30:00Z"));
    CHECK_FALSE(refused.ok);
    CHECK(b.record("deal-2").owner == "u-ana");
}

TEST_CASE("a team server's answers of the wrong shape end the sync in words") {
    SyncedTeam team(2);
    Device& b = team[1];
    accepted(team[0].set("deal-1", {{"amount", money(4321)}}, "u-sam", "2026-12-07T09:20:00Z"));
    REQUIRE(team[0].sync(team.server).error.empty());
    for (const char* feed :
         {R"({"results":[5],"last_seq":1})", R"({"results":[{"id":7}],"last_seq":1})",
          R"({"results":"none","last_seq":1})"}) {
        CAPTURE(feed);
        SyncSession session(b.engine, kDatabase, b.outbox(), "u-ana", at("2026-12-07T10:00:00Z"));
        while (auto request = session.next()) {
            const bool changes = request->path.rfind("_changes", 0) == 0;
            session.take(changes ? HttpResponse{200, feed, ""} : team.server.handle(*request));
        }
        CHECK(session.report().error.rfind("The team server", 0) == 0);
    }
    CHECK(b.record("deal-1").value("amount") != money(4321));
    CHECK(b.sync(team.server).pulled == 1);
}

TEST_CASE("keeping the other stage of a conflict moves the record there, through the gate") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    MoveRecord to_proposal{"deal-5", "proposal_sent"};
    to_proposal.confirm_warnings = true;
    accepted(a.engine.apply(to_proposal, "u-sam", at("2026-12-07T09:20:00Z")));
    MoveRecord to_meeting{"deal-5", "meeting_scheduled"};
    to_meeting.confirm_warnings = true;
    accepted(b.engine.apply(to_meeting, "u-sam", at("2026-12-07T09:25:00Z")));
    team.settle();
    const std::string id = "deal-5/flow:sales_pipeline";
    REQUIRE(open_conflict_ids(a.engine.workspace()) == std::vector<std::string>{id});
    CHECK(a.record("deal-5").flows.at("sales_pipeline").stage == "meeting_scheduled");
    accepted(a.engine.apply(ResolveConflict{id, true}, "u-sam", at("2026-12-07T09:30:00Z")));
    team.settle();
    for (Device* device : {&a, &b}) {
        CHECK(device->record("deal-5").flows.at("sales_pipeline").stage == "proposal_sent");
        CHECK(open_conflict_ids(device->engine.workspace()).empty());
    }
}

TEST_CASE("a person sees the conflicts on records they can see, and on records deleted") {
    SyncedTeam team(2);
    accepted(team[0].set("deal-1", {{"amount", money(1000)}}, "u-sam", "2026-12-07T09:20:00Z"));
    accepted(team[1].set("deal-1", {{"amount", money(2000)}}, "u-sam", "2026-12-07T09:21:00Z"));
    accepted(team[0].set("deal-2", {{"amount", money(3000)}}, "u-sam", "2026-12-07T09:20:00Z"));
    accepted(team[1].set("deal-2", {{"amount", money(4000)}}, "u-sam", "2026-12-07T09:21:00Z"));
    team.settle();
    const Workspace& ws = team[0].engine.workspace();
    const auto ids_for = [&](const char* user) {
        std::vector<std::string> ids;
        for (const auto& conflict : open_conflicts(ws, *ws.directory.user(user)))
            ids.push_back(conflict.id);
        return ids;
    };
    CHECK(ids_for("u-sam") == std::vector<std::string>{"deal-1/amount", "deal-2/amount"});
    CHECK(ids_for("u-ana") == std::vector<std::string>{"deal-1/amount"});
    CHECK(ids_for("u-ben") == std::vector<std::string>{"deal-2/amount"});
}

TEST_CASE("only an admin starts a team database from a workspace") {
    Device rep(demo(), "dev000");
    FakeTeamServer server;
    PublishSession publish(rep.engine, kDatabase, "u-ana", at("2026-12-07T09:00:00Z"));
    CHECK(publish.done());
    CHECK_FALSE(publish.next());
    CHECK(publish.error() == "Only an admin can start a team database from this workspace, and "
                             "Ana Reyes (rep) is not one");
    CHECK(rep.engine.workspace().team_sync.database.empty());
}

TEST_CASE("a device that joins keeps what it did before to itself and sends what it does after") {
    test::ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    REQUIRE(store.create(demo()).ok());
    Engine engine;
    REQUIRE(store.open(engine).ok());
    for (int i = 0; i < 3; ++i) // a workspace of its own, before joining
        accepted(engine.apply(UpdateRecord{"deal-1", {{"next_step", "Mine " + std::to_string(i)}}},
                              "u-sam", at("2026-12-07T08:00:00Z")));

    SyncedTeam team(1);
    JoinSession join(kDatabase);
    run(join, team.server);
    auto joined = join.workspace();
    REQUIRE(joined.ok());
    const std::string before = engine.device();
    REQUIRE(store.replace(engine, std::move(*joined)).ok());
    CHECK(engine.device() != before); // a new device to the team
    accepted(engine.apply(UpdateRecord{"deal-1", {{"next_step", "Call on Monday"}}}, "u-ana",
                          at("2026-12-07T09:40:00Z")));
    const OutboxReader outbox = [&](std::uint64_t after) -> Result<std::vector<EventBatch>> {
        const auto wanted = [&](const EventBatch& batch) {
            return batch.seq > after && sent_to_team(batch, engine.device());
        };
        return store.read_history(wanted, after).batches;
    };
    SyncSession session(engine, kDatabase, outbox, "u-ana", at("2026-12-07T10:00:00Z"));
    run(session, team.server);
    CHECK(session.report().error.empty());
    CHECK(session.report().pushed == 1);
    CHECK(team[0].sync(team.server).pulled == 1);
    CHECK(team[0].record("deal-1").value("next_step") == "Call on Monday");
}

namespace {

// Deletes a record and restores it from what the deletion kept, as undo does.
void delete_and_restore(Device& device, const std::string& id, const char* deleted,
                        const char* restored) {
    const json kept = record_to_json(device.record(id));
    const Outcome deletion = device.engine.apply(DeleteRecord{id}, "u-sam", at(deleted));
    INFO(deletion.message);
    REQUIRE(deletion.ok);
    const Outcome restore = device.engine.apply(RestoreRecord{id, kept}, "u-sam", at(restored));
    INFO(restore.message);
    REQUIRE(restore.ok);
}

// The records that differ between two devices, named; none when they agree.
std::vector<std::string> differing_records(const Workspace& one, const Workspace& other) {
    auto first = visible_records(one);
    auto second = visible_records(other);
    std::vector<std::string> ids;
    for (const auto& [id, record] : first)
        if (!second.count(id) || second.at(id) != record) ids.push_back(id);
    for (const auto& [id, record] : second)
        if (!first.count(id)) ids.push_back(id);
    return ids;
}

void same_everywhere(SyncedTeam& team) {
    for (std::size_t d = 1; d < team.devices.size(); ++d) {
        CAPTURE(d);
        CHECK(json(differing_records(team[0].engine.workspace(), team[d].engine.workspace()))
                  .dump() == "[]");
        CHECK(json(open_conflict_ids(team[d].engine.workspace())).dump() ==
              json(open_conflict_ids(team[0].engine.workspace())).dump());
    }
}

} // namespace

TEST_CASE(
    "a restore after a delete, beside an edit made elsewhere, keeps the edit on every device") {
    for (const char* edited : {"2026-12-07T09:05:00Z", "2026-12-07T09:30:00Z"}) {
        CAPTURE(edited);
        SyncedTeam team(3);
        delete_and_restore(team[0], "deal-53", "2026-12-07T09:10:00Z", "2026-12-07T09:20:00Z");
        accepted(team[1].set("deal-53", {{"amount", money(4242)}}, "u-sam", edited));
        team.settle();
        same_everywhere(team);
        REQUIRE(team[2].engine.workspace().find("deal-53"));
        const bool edit_is_later = std::string(edited) > "2026-12-07T09:20:00Z";
        CHECK((team[2].record("deal-53").value("amount") == money(4242)) == edit_is_later);
        // Not lost either way: it stands, or it is listed beside the restored value.
        CHECK((edit_is_later || !open_conflicts(team[2].engine.workspace()).empty()));
    }
}

TEST_CASE("a delete beside a delete and restore made elsewhere ends the same on every device") {
    for (const char* deleted : {"2026-12-07T09:05:00Z", "2026-12-07T09:30:00Z"}) {
        CAPTURE(deleted);
        SyncedTeam team(3);
        accepted(team[0].engine.apply(DeleteRecord{"deal-54"}, "u-sam", at(deleted)));
        delete_and_restore(team[1], "deal-54", "2026-12-07T09:10:00Z", "2026-12-07T09:20:00Z");
        team.settle();
        same_everywhere(team);
        const bool delete_is_later = std::string(deleted) > "2026-12-07T09:20:00Z";
        CHECK(!team[2].engine.workspace().find("deal-54") == delete_is_later);
        // The side that lost is listed either way.
        CHECK(open_conflict_ids(team[2].engine.workspace()).size() == 1);
    }
}

TEST_CASE("a record made for a cause and deleted on one device stays deleted on every device") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    const Instant later = at("2026-12-09T09:00:00Z");
    tick(a.engine, later);
    tick(b.engine, later);
    std::string made;
    for (const auto& id : a.engine.workspace().ids_of_type("task"))
        if (is_made_for_a_cause(id)) made = id;
    REQUIRE_FALSE(made.empty());
    REQUIRE(b.engine.workspace().find(made));
    accepted(a.engine.apply(DeleteRecord{made}, "u-sam", at("2026-12-09T09:05:00Z")));
    team.settle();
    for (Device* device : {&a, &b})
        CHECK_FALSE(device->engine.workspace().find(made));
    same_everywhere(team);
}

TEST_CASE("a copy restored from a backup is refused before it sends what would hide its changes") {
    SyncedTeam team(2);
    const auto restored = backup_of(team[1]);
    accepted(team[1].set("deal-2", {{"next_step", "Sent"}}, "u-ben", "2026-12-07T09:10:00Z"));
    accepted(team[1].set("deal-2", {{"next_step", "Sent twice"}}, "u-ben", "2026-12-07T09:11:00Z"));
    REQUIRE(team[1].sync(team.server).pushed == 2);

    const std::string words =
        "The team server holds changes from this device that this copy of the workspace does "
        "not: it was restored from a backup or copied from another device. Nothing more was sent; "
        "join the team again as a new device (this copy keeps everything it holds)";
    CHECK(restored->sync(team.server).error == words);
    for (int i = 0; i < 3; ++i)
        accepted(restored->set("deal-2", {{"next_step", "Restored " + std::to_string(i)}}, "u-ben",
                               "2026-12-07T09:20:00Z"));
    const SyncReport refused = restored->sync(team.server);
    CHECK(refused.error == words);
    CHECK(refused.pushed == 0);
    CHECK(team[0].sync(team.server).pulled == 2);
    CHECK(team[0].record("deal-2").value("next_step") == "Sent twice");
}

TEST_CASE("a fork is caught even when the server's checkpoint never heard of the batches sent") {
    SyncedTeam team(2);
    const auto restored = backup_of(team[1]);
    accepted(team[1].set("deal-2", {{"next_step", "Sent"}}, "u-ben", "2026-12-07T09:10:00Z"));
    // The database, the checkpoint, the page asked, checked and sent; then the line drops.
    team.server.answers_left = 5;
    CHECK_FALSE(team[1].sync(team.server).error.empty());
    team.server.answers_left.reset();
    REQUIRE(team.server.documents_starting("b-" + team[1].engine.device()) == 1);

    accepted(restored->set("deal-2", {{"next_step", "Other"}}, "u-ben", "2026-12-07T09:20:00Z"));
    const SyncReport refused = restored->sync(team.server);
    CHECK(refused.error.rfind("The team server holds changes from this device", 0) == 0);
    CHECK(refused.pushed == 0);
    CHECK(team[0].sync(team.server).pulled == 1);
    CHECK(team[0].record("deal-2").value("next_step") == "Sent");
}

TEST_CASE("a conflict on a deleted record is shown to those who could see the record") {
    SyncedTeam team(2);
    accepted(team[0].engine.apply(DeleteRecord{"deal-52"}, "u-sam", at("2026-12-07T09:10:00Z")));
    accepted(team[1].set("deal-52", {{"next_step", "Call"}}, "u-ben", "2026-12-07T09:11:00Z"));
    team.settle();
    const Workspace& ws = team[0].engine.workspace();
    REQUIRE_FALSE(ws.find("deal-52"));
    CHECK(open_conflicts(ws, *ws.directory.user("u-ben")).size() == 1); // deal-52 was Ben's
    CHECK(open_conflicts(ws, *ws.directory.user("u-ana")).empty());
    CHECK(open_conflicts(ws, *ws.directory.user("u-sam")).size() == 1);
}

TEST_CASE("a value of the wrong shape from another device is shown, not thrown") {
    const Workspace& ws = demo();
    const FieldDef* amount = ws.schema.type("deal")->field("amount");
    REQUIRE(amount);
    CHECK(format_field_value(*amount, json{{"amount", 5}, {"currency", 7}}) == " 5");
    const FieldDef* lines = nullptr;
    for (const auto& type : ws.schema.types())
        for (const auto& field : type.fields)
            if (field.type == FieldType::LineItems) lines = &field;
    REQUIRE(lines);
    CHECK(format_field_value(*lines, json::array({7, {{"quantity", 2}, {"product", 3}}})) ==
          "2 \u00d7 ");
}

namespace {

// The exception queue of `kind` that `viewer` sees, if there is one.
std::optional<ExceptionQueue> queue_of(const Device& device, const char* viewer, const char* kind) {
    for (auto& queue :
         exception_queues(device.engine.workspace(), viewer, at("2026-12-07T10:00:00Z")))
        if (queue.kind == kind) return queue;
    return std::nullopt;
}

} // namespace

TEST_CASE("changes that each passed a gate but together leave a record past it are listed") {
    SyncedTeam team(2);
    Device& a = team[0];
    Device& b = team[1];
    accepted(a.set("deal-1", {{"budget", money(20000)}}, "u-ana", "2026-12-07T09:10:00Z"));
    team.settle();
    // Ana moves the deal on (its budget is set); Maria clears the budget, offline.
    accepted(
        a.engine.apply(MoveRecord{"deal-1", "qualified"}, "u-ana", at("2026-12-07T09:20:00Z")));
    accepted(b.set("deal-1", {{"budget", nullptr}}, "u-maria", "2026-12-07T09:21:00Z"));
    team.settle();
    for (Device* device : {&a, &b}) {
        CHECK(device->record("deal-1").flows.at("sales_pipeline").stage == "qualified");
        CHECK(device->record("deal-1").value("budget").is_null());
        const auto queue = queue_of(*device, "u-maria", "past_gate");
        REQUIRE(queue);
        CHECK(queue->title == "Synced past a gate: Qualified (Sales pipeline)");
        REQUIRE(queue->items.size() ==
                1); // deal-2 stood there without a budget before: not a merge's
        CHECK(queue->items[0].record_id == "deal-1");
        CHECK(queue->items[0].detail.rfind("missing Budget · after ", 0) == 0);
        CHECK_FALSE(queue_of(*device, "u-ana", "past_gate")); // the manager's to review
    }
    CHECK(a.engine
              .apply(ResolveConflict{"gate/deal-1/sales_pipeline/qualified"}, "u-maria",
                     at("2026-12-07T09:30:00Z"))
              .message ==
          "A record past its gate stays listed until its data passes the gate or it moves to "
          "another stage");

    accepted(b.set("deal-1", {{"budget", money(18000)}}, "u-ana", "2026-12-07T09:40:00Z"));
    team.settle();
    for (Device* device : {&a, &b})
        CHECK_FALSE(queue_of(*device, "u-maria", "past_gate"));
}

TEST_CASE("a change its author's role does not allow is kept and listed for a manager") {
    SyncedTeam team(3);
    // A device whose copy calls Ana an admin (an old or altered copy) deletes Ben's ticket.
    Workspace altered = team[1].engine.workspace();
    User ana = *altered.directory.user("u-ana");
    ana.role = Role::Admin;
    altered.directory.update_user(ana);
    auto tampered = std::make_unique<Device>(std::move(altered), team[1].engine.device());
    tampered->engine.load(Workspace(tampered->engine.workspace()), team[1].engine.last_seq());
    tampered->journal.batches = team[1].journal.batches;
    team.devices[1] = std::move(tampered);
    const std::string title = team[0].engine.workspace().title_of(team[0].record("ticket-2"));
    accepted(team[1].engine.apply(DeleteRecord{"ticket-2"}, "u-ana", at("2026-12-07T09:20:00Z")));
    const std::string id =
        "permission/dev001-" + std::to_string(team[1].engine.last_seq()) + "/ticket-2";
    team.settle();

    for (std::size_t i : {0, 2}) {
        Device& device = team[i];
        CHECK_FALSE(device.engine.workspace().find("ticket-2")); // kept, as every device holds it
        const auto queue = queue_of(device, "u-maria", "not_permitted");
        REQUIRE(queue);
        CHECK(queue->title == "Changed without permission: Ana Reyes (rep)");
        REQUIRE(queue->items.size() == 1);
        CHECK(queue->items[0].problem == id);
        CHECK(queue->items[0].title == title + " (deleted)");
        CHECK(queue->items[0].detail.rfind("Ana Reyes (rep) cannot delete records; ask a manager "
                                           "or an admin to delete ticket-2 · ",
                                           0) == 0);
        CHECK_FALSE(queue_of(device, "u-priya", "not_permitted")); // not her team's ticket
    }
    const std::string& problem = id;
    CHECK(team[0]
              .engine.apply(ResolveConflict{problem}, "u-ben", at("2026-12-07T09:30:00Z"))
              .message == "Ben Okafor (rep) cannot dismiss it; managers and admins review what "
                          "a sync merged");
    accepted(team[0].engine.apply(ResolveConflict{problem}, "u-maria", at("2026-12-07T09:30:00Z")));
    team.settle();
    for (std::size_t i : {0, 2})
        CHECK_FALSE(queue_of(team[i], "u-maria", "not_permitted"));

    auto reread = decode_snapshot_body(encode_snapshot_body(team[2].engine.workspace()));
    REQUIRE(reread.ok());
    CHECK(reread->team_sync.problems == team[2].engine.workspace().team_sync.problems);
    CHECK(reread->team_sync.problems.size() == 1);
}

TEST_CASE("two admins who change the processes at once end with the same processes everywhere") {
    SyncedTeam team(3);
    const auto renamed = [&](Device& device, const char* name, const char* when) {
        std::vector<Flow> flows = device.engine.workspace().flows;
        for (auto& flow : flows)
            if (flow.id == "sales_pipeline") flow.stages[1].next_action.text = name;
        accepted(device.engine.apply(SetProcesses{flows, {}}, "u-sam", at(when)));
    };
    renamed(team[0], "Call Sam first", "2026-12-07T09:20:00Z");
    renamed(team[1], "Call Ana first", "2026-12-07T09:21:00Z");
    // Device 2 hears of the later change first, then of the earlier one.
    REQUIRE(team[1].sync(team.server).error.empty());
    REQUIRE(team[2].sync(team.server).error.empty());
    const SyncReport replaced = team[0].sync(team.server);
    CHECK(replaced.dropped == std::vector<std::string>{"a change to the processes made meanwhile "
                                                       "gave way to Sam Patel's"});
    const SyncReport kept = team[2].sync(team.server);
    CHECK(kept.dropped == std::vector<std::string>{"Sam Patel's change to the processes: a later "
                                                   "change made meanwhile stands"});
    team.settle();
    for (std::size_t d = 0; d < 3; ++d)
        CHECK(team[d].engine.workspace().flow("sales_pipeline")->stages[1].next_action.text ==
              "Call Ana first");
    CHECK(
        open_conflicts(team[0].engine.workspace()).empty()); // settings are not values of a record
}

TEST_CASE("a person changed by two admins at once, and added on two devices, ends alike") {
    SyncedTeam team(2);
    const auto changed = [&](Device& device, PersonRow row, const char* when) {
        accepted(
            device.engine.apply(ImportPeople{"people.csv", {std::move(row)}}, "u-sam", at(when)));
    };
    const auto person = [](const char* id, const char* name, const char* email) {
        PersonRow row;
        row.id = id;
        row.name = name;
        row.email = email;
        return row;
    };
    changed(team[0], person("u-chloe", "Chloe Martin", "chloe@example.com"),
            "2026-12-07T09:20:00Z");
    changed(team[1], person("u-chloe", "Chloe Martin-Diaz", "chloe.md@example.com"),
            "2026-12-07T09:21:00Z");
    changed(team[1], person("u-dev", "Dev Shah", "dev@example.com"), "2026-12-07T09:22:00Z");
    changed(team[0], person("u-dev", "Devendra Shah", "dev@example.com"), "2026-12-07T09:23:00Z");
    team.settle();
    const auto people = [](const Device& device) {
        std::map<std::string, std::string> names;
        for (const auto& user : device.engine.workspace().directory.users())
            names[user.id] = user.name + " <" + user.email + ">";
        return names;
    };
    CHECK(people(team[0]) == people(team[1]));
    CHECK(people(team[0]).at("u-chloe") == "Chloe Martin-Diaz <chloe.md@example.com>");
    CHECK(people(team[0]).at("u-dev") == "Devendra Shah <dev@example.com>");
}

TEST_CASE("joining another team is refused while this copy holds changes its team has not got") {
    SyncedTeam team(1);
    const Workspace& copy = team[0].engine.workspace();
    const std::string other = "http://127.0.0.1:5984/other";
    CHECK(check_join(copy, other, 2).error() ==
          std::string("This device has 2 changes not yet sent to ") + kDatabase + ", and joining " +
              other + " would replace them. Sign in to " + kDatabase +
              " again and sync first; nothing has changed");
    CHECK(check_join(copy, other, 0));     // everything is on its server
    CHECK(check_join(copy, kDatabase, 3)); // its own team: signing in again keeps them
    CHECK(check_join(demo(), other, 3));   // no team's copy: joining replaces it, as asked
}

TEST_CASE("a change too big for one document (an import) travels in parts and arrives whole") {
    SyncedTeam team(2);
    team.server.max_document_bytes = 1'000'000; // as IBM Cloudant
    ImportRecords import{"contact", "contacts.csv", {}};
    for (int i = 0; i < 4000; ++i) {
        ImportRow row;
        row.row = std::size_t(i) + 2;
        row.fields = {
            {"first_name", "Imported"},
            {"last_name", "Contact " + std::to_string(i)},
            {"email", "contact" + std::to_string(i) + "@example.com"},
            {"job_title", "Head of operations for the northern region, fleet and depots"}};
        import.rows.push_back(std::move(row));
    }
    const Outcome imported = team[0].engine.apply(import, "u-sam", at("2026-12-07T09:20:00Z"));
    accepted(imported);
    const SyncReport sent = team[0].sync(team.server);
    REQUIRE(sent.error.empty());
    CHECK(team.server.documents_starting("p-") > 1);
    const SyncReport received = team[1].sync(team.server);
    REQUIRE(received.error.empty());
    CHECK(received.dropped.empty());
    CHECK(team[1].engine.workspace().ids_of_type("contact").size() ==
          team[0].engine.workspace().ids_of_type("contact").size());
    CHECK(visible_records(team[1].engine.workspace()) ==
          visible_records(team[0].engine.workspace()));
    // Sending it again sends nothing: its parts and head are the same documents.
    const std::size_t documents = team.server.documents_starting("");
    REQUIRE(team[0].sync(team.server).error.empty());
    CHECK(team.server.documents_starting("") == documents);
}

namespace {

// An import big enough to travel in parts.
ImportRecords many_tasks() {
    ImportRecords import{"task", "tasks.csv", {}};
    for (int i = 0; i < 3000; ++i) {
        ImportRow row;
        row.fields = {{"title", "Imported task " + std::to_string(i) + std::string(300, '.')}};
        import.rows.push_back(std::move(row));
    }
    return import;
}

// One sync of `device` whose answers `alter` may change first.
template <typename Alter>
std::string sync_through(Device& device, FakeTeamServer& server, Alter alter) {
    SyncSession session(device.engine, kDatabase, device.outbox(), "u-maria",
                        at("2026-12-07T10:00:00Z"));
    run_to_end(session, [&](const HttpRequest& request) {
        HttpResponse response = server.handle(request);
        alter(request, response);
        return response;
    });
    return session.report().error;
}

} // namespace

TEST_CASE("a large change's head is sent only once the server took its parts") {
    SyncedTeam team(2);
    accepted(team[0].engine.apply(many_tasks(), "u-ana", at("2026-12-07T09:20:00Z")));
    // The server refuses the parts (as it would one over its size limit).
    const std::string error =
        sync_through(team[0], team.server, [](const HttpRequest& request, HttpResponse& response) {
            if (request.path == "_bulk_docs" &&
                request.body.find(R"("_id":"p-)") != std::string::npos)
                response = {201, R"([{"id":"p-x","error":"too_large","reason":"too big"}])", ""};
        });
    CHECK(error == "The team server did not take p-x: too big");
    CHECK(team.server.documents_starting("b-dev000-") == 0); // no head without its parts
    CHECK(team[1].sync(team.server).error.empty());
    REQUIRE(team[0].sync(team.server).error.empty()); // taken this time
    REQUIRE(team[1].sync(team.server).error.empty());
    CHECK(team[1].engine.workspace().ids_of_type("task").size() ==
          team[0].engine.workspace().ids_of_type("task").size());
}

TEST_CASE("a server that leaves out or mangles a large change's parts ends the sync in words") {
    SyncedTeam team(2);
    accepted(team[0].engine.apply(many_tasks(), "u-ana", at("2026-12-07T09:20:00Z")));
    REQUIRE(team[0].sync(team.server).error.empty());
    REQUIRE(team.server.documents_starting("p-") > 1);
    const auto asks_parts = [](const HttpRequest& request) {
        return request.path == "_bulk_get" && request.body.find("\"rev\"") != std::string::npos;
    };
    CHECK(
        sync_through(team[1], team.server, [&](const HttpRequest& request, HttpResponse& response) {
            if (asks_parts(request)) response.body = R"({"results":[]})";
        }) == "The team server did not give the parts of a large change asked for");
    CHECK(
        sync_through(team[1], team.server, [&](const HttpRequest& request, HttpResponse& response) {
            if (request.path == "_bulk_get" && !asks_parts(request)) {
                auto answer = json::parse(response.body);
                for (auto& result : answer["results"])
                    for (auto& doc : result["docs"])
                        if (doc.contains("ok")) doc["ok"].erase("_id");
                response.body = answer.dump();
            }
        }).rfind("A batch on the team server cannot be read: document  names parts", 0) == 0);
    CHECK(team[1].engine.workspace().ids_of_type("task").size() <
          team[0].engine.workspace().ids_of_type("task").size());
    REQUIRE(team[1].sync(team.server).error.empty()); // an honest server: all of it
    CHECK(team[1].engine.workspace().ids_of_type("task").size() ==
          team[0].engine.workspace().ids_of_type("task").size());
}

TEST_CASE("a rep's spreadsheet import is not listed as changed without permission") {
    SyncedTeam team(2);
    ImportRecords import{"task", "tasks.csv", {}};
    ImportRow row;
    row.fields = {{"title", "Call the depot"}};
    import.rows.push_back(row);
    accepted(team[1].engine.apply(import, "u-ana", at("2026-12-07T09:20:00Z")));
    team.settle();
    CHECK(team[0].engine.workspace().team_sync.problems.empty());
}

// A stage mapping is applied where the process change arrives; a move into
// the removed stage made meanwhile goes where the mapping sent its records.
TEST_CASE("a move into a stage an admin removed meanwhile ends alike on every device") {
    SyncedTeam team(2);
    Device& admin = team[0];
    Device& rep = team[1];
    // The rep, offline, moves deal-1 from Lead to Qualified (its budget set).
    accepted(rep.set("deal-1", {{"budget", money(20000)}}, "u-ana", "2026-12-07T09:10:00Z"));
    accepted(
        rep.engine.apply(MoveRecord{"deal-1", "qualified"}, "u-ana", at("2026-12-07T09:11:00Z")));
    // The admin, meanwhile, removes Qualified, mapping its records to Lead.
    std::vector<Flow> flows = admin.engine.workspace().flows;
    Flow& sales = *std::find_if(flows.begin(), flows.end(),
                                [](const Flow& f) { return f.id == "sales_pipeline"; });
    sales.stages.erase(sales.stages.begin() + 1); // "qualified"
    accepted(admin.engine.apply(SetProcesses{flows, {{"sales_pipeline", {{"qualified", "lead"}}}}},
                                "u-sam", at("2026-12-07T09:12:00Z")));
    team.settle();
    const auto stage = [](const Device& device) {
        return device.record("deal-1").flows.at("sales_pipeline").stage;
    };
    CHECK(stage(admin) == stage(rep));
    CHECK(admin.engine.workspace().flow("sales_pipeline")->stage(stage(admin)) != nullptr);
    // Where removed stages sent their records is kept across a compaction.
    auto reread = decode_snapshot_body(encode_snapshot_body(admin.engine.workspace()));
    REQUIRE(reread.ok());
    CHECK(reread->team_sync.retired_stages.at("sales_pipeline").at("qualified") == "lead");
}

TEST_CASE(
    "records one admin mapped out of a removed stage stand alike when another's change wins") {
    SyncedTeam team(2);
    // Admin 0 removes Qualified, mapping its deals to Lead; admin 1 changes
    // a next action a minute later, from the processes as they were.
    std::vector<Flow> removed = team[0].engine.workspace().flows;
    Flow& sales = *std::find_if(removed.begin(), removed.end(),
                                [](const Flow& f) { return f.id == "sales_pipeline"; });
    sales.stages.erase(sales.stages.begin() + 1); // "qualified"
    accepted(
        team[0].engine.apply(SetProcesses{removed, {{"sales_pipeline", {{"qualified", "lead"}}}}},
                             "u-sam", at("2026-12-07T09:20:00Z")));
    std::vector<Flow> edited = team[1].engine.workspace().flows;
    for (auto& flow : edited)
        if (flow.id == "sales_pipeline") flow.stages[0].next_action.text = "Call first";
    accepted(team[1].engine.apply(SetProcesses{edited, {}}, "u-sam", at("2026-12-07T09:21:00Z")));
    team.settle();
    for (std::size_t d = 0; d < 2; ++d) {
        const Workspace& ws = team[d].engine.workspace();
        CHECK(ws.flow("sales_pipeline")->stages[0].next_action.text == "Call first");
        CHECK(team[d].record("deal-2").flows.at("sales_pipeline").stage == "lead");
    }
    CHECK(visible_records(team[0].engine.workspace()) ==
          visible_records(team[1].engine.workspace()));
}
