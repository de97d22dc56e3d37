// Power cuts at random moments of a random workload (edits, deletions,
// compactions, imports), on a disk that forgets what was not synced: no
// acknowledged edit is ever lost and the store always opens.
#include "crash_storage.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace crm;
using namespace crm::test;

namespace {

const Instant kNow = at("2026-11-20T10:00:00Z");
constexpr int kRuns = 50;
constexpr int kCutsPerRun = 20;
const StoreOptions kOptions{600, 6000}; // small segments and early compaction: more to cut

// One step of the workload, as the app or the CLI would take it.
struct Step {
    enum Kind { Command, Compact, Import } kind = Command;
    crm::Command command = DeleteRecord{};
    Workspace imported;
};

Step random_step(std::mt19937& random, const Workspace& ws, int& counter) {
    const auto deals = ws.ids_of_type("deal");
    const int roll = static_cast<int>(random() % 100);
    Step step;
    if (roll < 6) {
        step.kind = Step::Compact;
    } else if (roll < 8) {
        step.kind = Step::Import;
        step.imported = team_workspace();
        step.imported.name = "Imported " + std::to_string(++counter);
    } else if (roll < 50 || deals.empty()) {
        step.command =
            CreateRecord{"deal", {{"name", "Deal " + std::to_string(++counter)}}, std::nullopt};
    } else if (roll < 90) {
        step.command = UpdateRecord{deals[random() % deals.size()],
                                    {{"probability", static_cast<int>(random() % 101)}}};
    } else {
        step.command = DeleteRecord{deals[random() % deals.size()]};
    }
    return step;
}

// Takes the step on the live store; false when it was not saved.
bool take(const Step& step, WorkspaceStore& store, Engine& engine) {
    if (step.kind == Step::Compact) return store.compact(engine).ok();
    if (step.kind == Step::Import) return store.replace(engine, step.imported).ok();
    const auto outcome = engine.apply(step.command, "u-maria", kNow);
    if (outcome.ok && store.compaction_due()) store.compact(engine); // as the app does
    return outcome.ok || !outcome.not_saved;
}

// The same step on the model, which holds only what was acknowledged.
void follow(const Step& step, Engine& model) {
    if (step.kind == Step::Import) model = Engine(step.imported);
    if (step.kind == Step::Command) model.apply(step.command, "u-maria", kNow);
}

nlohmann::json state(const Engine& engine) {
    return workspace_to_json(engine.workspace());
}

} // namespace

TEST_CASE("power cuts at random moments lose no acknowledged edit, and the store always opens") {
    int cuts = 0, cuts_with_damage = 0, in_flight_kept = 0;
    for (int run = 0; run < kRuns; ++run) {
        CAPTURE(run);
        CrashStorage storage(static_cast<std::uint32_t>(1000 + run));
        std::mt19937 random(static_cast<std::uint32_t>(run));
        REQUIRE(WorkspaceStore(storage, kOptions).create(team_workspace()));
        Engine model(team_workspace()); // what was acknowledged
        Engine model_with_last = model; // ... plus the step the power cut interrupted
        int counter = 0;
        for (int cut = 0; cut < kCutsPerRun; ++cut, ++cuts) {
            CAPTURE(cut);
            WorkspaceStore store(storage, kOptions);
            Engine live;
            const auto report = store.open(live);
            REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error()));
            cuts_with_damage += !report->problems.empty();
            const auto recovered = state(live);
            if (recovered != state(model)) {
                REQUIRE(recovered == state(model_with_last)); // the interrupted step, whole
                ++in_flight_kept;
                model = model_with_last;
            }
            storage.lose_power_after(1 + random() % 30);
            for (;;) {
                const Step step = random_step(random, live.workspace(), counter);
                model_with_last = model;
                follow(step, model_with_last);
                if (!take(step, store, live)) break;
                model = model_with_last;
            }
            REQUIRE(storage.power_lost());
            storage.power_cut();
        }
    }
    CHECK(cuts >= 1000);
    // The cuts must land in the hard places too: torn entries, and steps that
    // made it to disk although they were never acknowledged.
    CHECK(cuts_with_damage > 50);
    CHECK(in_flight_kept > 10);
    MESSAGE(cuts << " power cuts, " << cuts_with_damage << " left damage to set aside, "
                 << in_flight_kept << " kept an unacknowledged step whole");
}
