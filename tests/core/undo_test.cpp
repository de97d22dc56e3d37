// Undo: the command that takes back a person's last change, run through the
// engine like any other (journaled, in history, through the gates).
#include "engine/undo.hpp"
#include "fixtures.hpp"
#include "query/history.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

namespace undo_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-11-20T10:00:00Z");

// Journals into the store and keeps the first batch of each apply(): the
// person's own, before automation answers it.
class KeepingSink : public EventSink {
  public:
    explicit KeepingSink(EventSink& next) : m_next(next) {}
    Status append(const EventBatch& batch) override {
        if (!m_last && !batch.cause.command.empty()) m_last = batch;
        return m_next.append(batch);
    }
    void forget() { m_last.reset(); }
    const EventBatch& last() const { return *m_last; }

  private:
    EventSink& m_next;
    std::optional<EventBatch> m_last;
};

struct Desk {
    ScratchDir dir;
    DirectoryStorage storage{dir.path()};
    WorkspaceStore store{storage};
    Engine engine;
    KeepingSink sink{store};
    Desk() {
        REQUIRE(store.create(team_with_pipeline()));
        REQUIRE(store.open(engine));
        engine.set_sink(&sink);
    }
    // Applies a person's command; returns what undo needs: its batch and the
    // record's version once automation has answered.
    std::pair<EventBatch, std::uint64_t> apply(const Command& command, const std::string& actor) {
        sink.forget();
        const auto outcome = engine.apply(command, actor, kNow);
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
        const Record* record = engine.workspace().find(outcome.record_id);
        return {sink.last(), record ? record->version : 0};
    }
    Outcome undo(const std::pair<EventBatch, std::uint64_t>& point, const std::string& actor) {
        auto command = undo_command(engine.workspace(), point.first, point.second);
        REQUIRE_MESSAGE(command.ok(), command.error());
        sink.forget();
        return engine.apply(*command, actor, kNow);
    }
    std::vector<std::string> history(const std::string& id) {
        auto kept = store.read_history([&](const EventBatch& b) { return batch_mentions(b, id); });
        std::vector<std::string> lines;
        for (const auto& entry :
             record_timeline(engine.workspace(), kept.batches, kept.origins, id))
            lines.push_back(entry.by + ": " + entry.what);
        return lines;
    }
};

json usd(int amount) {
    return {{"amount", amount}, {"currency", "USD"}};
}

} // namespace

TEST_CASE("undo takes back a person's last change through the engine") {
    Desk desk;
    const auto created = desk.apply(
        CreateRecord{"deal", {{"name", "Fleet"}, {"amount", usd(12000)}, {"stage", "Lead"}}},
        "u-ana");
    const std::string id = created.first.events.front().record_id();
    const auto& ws = desk.engine.workspace();

    SUBCASE("an edit: the value comes back and history shows both") {
        const auto edited = desk.apply(UpdateRecord{id, {{"amount", usd(15000)}}}, "u-ana");
        const auto undone = desk.undo(edited, "u-ana");
        REQUIRE_MESSAGE(undone.ok, undone.message);
        CHECK(ws.find(id)->value("amount") == usd(12000));
        const auto lines = desk.history(id);
        REQUIRE(lines.size() >= 2);
        CHECK(lines[lines.size() - 2] == "Ana Reyes: Amount: USD 12,000 → USD 15,000");
        CHECK(lines.back() == "Ana Reyes: Amount: USD 15,000 → USD 12,000");
    }
    SUBCASE("a reassignment and a cleared field come back") {
        UpdateRecord change{id, {{"amount", nullptr}}, "u-ben"};
        const auto edited = desk.apply(change, "u-maria");
        REQUIRE(desk.undo(edited, "u-maria").ok);
        CHECK(ws.find(id)->owner == "u-ana");
        CHECK(ws.find(id)->value("amount") == usd(12000));
    }
    SUBCASE("a create: undo deletes the record") {
        const auto command = undo_command(ws, created.first, created.second);
        REQUIRE(command.ok());
        CHECK(std::holds_alternative<DeleteRecord>(*command));
        // It is a delete like any other: a rep may not delete, so the rep hears why.
        CHECK(desk.undo(created, "u-ana").message ==
              "Ana Reyes (rep) cannot delete records; ask a manager or an admin to delete " + id);
        const auto undone = desk.undo(created, "u-maria");
        REQUIRE_MESSAGE(undone.ok, undone.message);
        CHECK(ws.find(id) == nullptr);
    }
    SUBCASE("a delete: undo restores it, and undoing that deletes it again") {
        const auto deleted = desk.apply(DeleteRecord{id}, "u-maria");
        CHECK(ws.find(id) == nullptr);
        const auto restored = desk.undo(deleted, "u-maria");
        REQUIRE_MESSAGE(restored.ok, restored.message);
        REQUIRE(ws.find(id) != nullptr);
        CHECK(ws.find(id)->value("name") == "Fleet");
        CHECK(desk.history(id).back() == "Maria Lindqvist: Restored");
        CHECK(undo_command(ws, deleted.first, deleted.second).error() ==
              "Cannot undo: " + id + " exists again");
    }
    SUBCASE("a stage move: undo moves it back, through the gates") {
        const auto moved =
            desk.apply(MoveRecord{id, "Qualified", "", {{"budget", usd(15000)}}}, "u-ana");
        CHECK(ws.find(id)->flows.at("sales_pipeline").stage == "qualified");
        const auto command = undo_command(ws, moved.first, moved.second);
        REQUIRE(command.ok());
        const auto* back = std::get_if<MoveRecord>(&*command);
        REQUIRE(back != nullptr);
        CHECK(back->to == "lead");
        REQUIRE(desk.undo(moved, "u-ana").ok);
        CHECK(ws.find(id)->flows.at("sales_pipeline").stage == "lead");
        CHECK(ws.find(id)->value("stage") == "Lead");
        CHECK(ws.find(id)->value("budget") == usd(15000)); // filled in with the move: kept
        CHECK(desk.history(id).back() == "Ana Reyes: Sales pipeline: Qualified → Lead");
    }
    SUBCASE("stale: the record changed since, so undo would overwrite that") {
        const auto edited = desk.apply(UpdateRecord{id, {{"amount", usd(15000)}}}, "u-ana");
        desk.apply(UpdateRecord{id, {{"probability", 40}}}, "u-maria");
        CHECK(undo_command(ws, edited.first, edited.second).error() ==
              "Cannot undo: Fleet has changed since; see its history");
        desk.apply(DeleteRecord{id}, "u-maria");
        CHECK(undo_command(ws, edited.first, edited.second).error() ==
              "Cannot undo: " + id + " no longer exists");
    }
    SUBCASE("what cannot be undone here says so") {
        EventBatch processes{0,
                             "",
                             kNow,
                             "u-sam",
                             {"set-processes", 0, ""},
                             {events::ProcessesChanged{ws.flows, {}}}};
        CHECK(undo_command(ws, processes, 0).error() ==
              "Saving the processes cannot be undone here");
        EventBatch automatic{0,
                             "",
                             kNow,
                             kAutomationActor,
                             {"", 1, "Sales pipeline start"},
                             {events::FlowStarted{id, "sales_pipeline", "lead"}}};
        CHECK(undo_command(ws, automatic, 0).error() ==
              "Changes made by automation cannot be undone here");
        CHECK(undo_command(ws, EventBatch{}, 0).error() == "There is nothing to undo");
        EventBatch old_delete{
            0, "", kNow, "u-sam", {"delete", 0, ""}, {events::RecordDeleted{"deal-999", nullptr}}};
        CHECK(undo_command(ws, old_delete, 0).error() ==
              "Cannot undo: this journal did not keep the deleted record");
    }
}

} // namespace undo_test
