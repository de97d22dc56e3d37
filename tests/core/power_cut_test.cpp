// Power cuts at random moments of a random workload (new leads, qualified
// leads that start the sales pipeline on a new deal, stage moves through
// gates, deletions, compactions, imports), on a disk that forgets what was not
// synced: every batch the store acknowledged survives, the store always
// opens, and what it holds is exactly what was acknowledged, or that plus the
// one batch or import the cut interrupted.
#include "crash_storage.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "process/flow_json.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <random>

namespace power_cut_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-11-20T10:00:00Z");
constexpr int kRuns = 50;
constexpr int kCutsPerRun = 20;
const StoreOptions kOptions{600, 6000}; // small segments and early compaction: more to cut

// The team, running lead routing and the sales pipeline: one command may
// journal several batches (a qualified lead starts the pipeline on a new deal).
// Hands batches to the store and follows, on a model engine, those it acknowledged.
struct Witness : EventSink {
    WorkspaceStore& store;
    Engine model;                          // what the store acknowledged
    std::optional<EventBatch> interrupted; // the first batch it did not

    Witness(WorkspaceStore& store, const Engine& recovered) : store(store), model(recovered) {
        model.set_sink(nullptr);
    }
    Status append(const EventBatch& batch) override {
        auto status = store.append(batch);
        if (status)
            REQUIRE(model.replay(batch));
        else if (!interrupted)
            interrupted = batch;
        return status;
    }
};

// One step of the workload, as the app or the CLI would take it.
void take_step(std::mt19937& random, WorkspaceStore& store, Engine& live, Witness& witness,
               std::optional<Workspace>& interrupted_import, int& counter) {
    const Workspace& ws = live.workspace();
    const auto leads = ws.ids_of_type("lead"), deals = ws.ids_of_type("deal");
    const auto pick = [&](const std::vector<std::string>& from) {
        return from[random() % from.size()];
    };
    const int roll = static_cast<int>(random() % 100);
    if (roll < 5) {
        store.compact(live);
    } else if (roll < 7) {
        Workspace imported = team_with_pipeline();
        imported.name = "Imported " + std::to_string(++counter);
        if (store.replace(live, imported)) {
            witness.model = Engine(imported);
            witness.model.set_last_seq(live.last_seq());
            live.set_sink(&witness);
        } else if (!interrupted_import && !witness.interrupted) {
            interrupted_import = std::move(imported);
        }
    } else if (roll < 40 || leads.empty()) {
        live.apply(CreateRecord{"lead", {{"name", "Lead " + std::to_string(++counter)}}, {}},
                   "u-maria", kNow);
    } else if (roll < 60) {
        live.apply(UpdateRecord{pick(leads), {{"status", "Qualified"}}}, "u-maria", kNow);
    } else if (roll < 85 && !deals.empty()) {
        static const char* stages[] = {"Qualified", "Meeting scheduled", "Proposal sent", "Lead"};
        json fields = {{"stage", stages[random() % 4]}};
        if (random() % 2) fields["budget"] = {{"amount", 1000 + counter}, {"currency", "USD"}};
        live.apply(UpdateRecord{pick(deals), fields}, "u-maria", kNow);
    } else if (!deals.empty()) {
        live.apply(DeleteRecord{pick(random() % 2 ? deals : leads)}, "u-maria", kNow);
    }
    if (store.compaction_due()) store.compact(live); // as the app does
}

json state(const Engine& engine) {
    return workspace_to_json(engine.workspace());
}

// Of the deals the run left, how many a gate stopped at least once: the
// workload must reach the gates, not only plain edits.
std::size_t blocked_deals(const Workspace& ws) {
    std::size_t blocked = 0;
    for (const auto& id : ws.ids_of_type("deal"))
        for (const auto& [flow, progress] : ws.find(id)->flows)
            blocked += progress.blocked.has_value();
    return blocked;
}

} // namespace

TEST_CASE("power cuts at random moments lose no acknowledged batch, and the store always opens") {
    int cuts = 0, cuts_with_damage = 0, interrupted_kept = 0;
    std::size_t deals = 0, blocked = 0;
    for (int run = 0; run < kRuns; ++run) {
        CAPTURE(run);
        CrashStorage storage(static_cast<std::uint32_t>(1000 + run));
        std::mt19937 random(static_cast<std::uint32_t>(run));
        REQUIRE(WorkspaceStore(storage, kOptions).create(team_with_pipeline()));
        json acknowledged = state(Engine(team_with_pipeline()));
        json with_interrupted = acknowledged;
        int counter = 0;
        for (int cut = 0; cut < kCutsPerRun; ++cut, ++cuts) {
            CAPTURE(cut);
            WorkspaceStore store(storage, kOptions);
            Engine live;
            const auto report = store.open(live);
            REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error()));
            cuts_with_damage += !report->problems.empty();
            const json recovered = state(live);
            if (recovered != acknowledged) {
                REQUIRE(recovered == with_interrupted); // the interrupted batch, whole
                ++interrupted_kept;
            }

            Witness witness(store, live);
            live.set_sink(&witness);
            std::optional<Workspace> interrupted_import;
            storage.lose_power_after(1 + random() % 40);
            while (!storage.power_lost())
                take_step(random, store, live, witness, interrupted_import, counter);
            acknowledged = state(witness.model);
            with_interrupted = acknowledged;
            deals += witness.model.workspace().ids_of_type("deal").size();
            blocked += blocked_deals(witness.model.workspace());
            if (witness.interrupted) {
                Engine model = witness.model;
                REQUIRE(model.replay(*witness.interrupted));
                with_interrupted = state(model);
            } else if (interrupted_import) {
                with_interrupted = state(Engine(*interrupted_import));
            }
            storage.power_cut();
        }
    }
    CHECK(cuts >= 1000);
    // The cuts must land in the hard places too: torn entries, and batches
    // that reached the disk although they were never acknowledged; and the
    // workload must start flows and meet gates, not only make plain edits.
    CHECK(cuts_with_damage > 50);
    CHECK(interrupted_kept > 20);
    CHECK(deals > 500);
    CHECK(blocked > 50);
    MESSAGE(cuts << " power cuts, " << cuts_with_damage << " left damage to set aside, "
                 << interrupted_kept << " kept an interrupted batch or import whole");
}

} // namespace power_cut_test
