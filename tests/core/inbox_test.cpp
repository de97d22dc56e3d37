// The inbox: SLA breaches, escalations and assignments arrive once in each
// named person's inbox, survive reopening, replay and compaction, and only
// their owner marks them read.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "query/inbox.hpp"
#include "service/bootstrap.hpp"
#include "service/timers.hpp"
#include "sla/policy.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <fstream>

namespace inbox_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

std::vector<std::string> texts_of(const Workspace& ws, const std::string& user) {
    std::vector<std::string> texts;
    for (const Notification* notification : inbox(ws, user).items)
        texts.push_back(notification->kind + ": " + notification->text);
    return texts;
}

Workspace demo() {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    REQUIRE(in);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    auto workspace = demo_workspace(text, at("2026-11-16T12:00:00Z"));
    REQUIRE_MESSAGE(workspace.ok(), (workspace.ok() ? "" : workspace.error()));
    return std::move(*workspace);
}

Workspace ticket_workspace() {
    Workspace ws = team_workspace();
    ws.sla_policies = *sla_policies_from_json(json::parse(R"([{"id": "case_open",
        "name": "Case open 48 hours", "record_type": "ticket", "starts": "created",
        "within": "48 hours", "alert": ["owner"], "escalate_to": ["owner_manager"],
        "reassign_to": "u-ben"}])"),
                                              "$.sla_policies");
    return ws;
}

std::string new_ticket(Engine& engine, const std::string& owner, const std::string& actor,
                       const char* subject = "Printer jam") {
    const auto created = engine.apply(CreateRecord{"ticket", {{"subject", subject}}, owner}, actor,
                                      at("2026-11-16T10:00:00Z"));
    REQUIRE_MESSAGE(created.ok, created.message);
    return created.record_id;
}

} // namespace

TEST_CASE("a breach in the demo puts one notification in each named person's inbox, once") {
    OpenStore opened(demo());
    Engine& engine = opened.engine;
    const Instant later = at("2026-11-30T12:00:00Z");
    const TickReport report = tick(engine, later);
    REQUIRE(!report.alerts.empty());
    const std::string line = "SLA breached: First response to a demo request on Mateo Rossi — "
                             "Chloé Martin, Maria Lindqvist notified";
    CHECK(std::find(report.alerts.begin(), report.alerts.end(), line) != report.alerts.end());

    const Workspace& ws = engine.workspace();
    for (const char* user : {"u-chloe", "u-maria"}) {
        const auto texts = texts_of(ws, user);
        CHECK(std::count(texts.begin(), texts.end(),
                         "sla_breach: SLA breached: First response to a demo request on Mateo "
                         "Rossi") == 1);
    }
    for (const char* user : {"u-ana", "u-ben", "u-sam"})
        for (const auto& text : texts_of(ws, user))
            CHECK(text.find("Mateo Rossi") == std::string::npos);
    const std::size_t total = ws.notifications.size();
    CHECK(total > 0);

    SUBCASE("reopening and running the timers again adds none") {
        Engine again = opened.reopen();
        CHECK(again.workspace().notifications.size() == total);
        CHECK(tick(again, later).alerts.empty());
        CHECK(tick(again, at("2026-11-30T12:05:00Z")).alerts.empty());
        CHECK(again.workspace().notifications.size() == total);
        CHECK(export_workspace(again.workspace()) == export_workspace(ws));
    }
    SUBCASE("compaction keeps them, once") {
        REQUIRE(opened.store.compact(engine));
        Engine again = opened.reopen();
        CHECK(again.workspace().notifications.size() == total);
        CHECK(export_workspace(again.workspace()) == export_workspace(ws));
    }
    SUBCASE("an export carries them and imports them again") {
        const std::string text = export_workspace(ws);
        CHECK(text.find("\"notifications\"") != std::string::npos);
        auto again = import_workspace(text);
        REQUIRE(again.ok());
        CHECK(export_workspace(*again) == text);
    }
}

TEST_CASE("a breach alerts, escalates and reassigns: each person hears once, in words") {
    OpenStore opened(ticket_workspace());
    Engine& engine = opened.engine;
    const std::string id = new_ticket(engine, "u-ana", "u-ana");
    CHECK(engine.workspace().notifications.size() == 0); // her own ticket: nothing to say

    const auto alerts = engine.raise_breaches(at("2026-11-18T10:00:00Z"));
    CHECK(alerts == std::vector<std::string>{
                        "SLA breached: Case open 48 hours on Printer jam — Ana Reyes, Maria "
                        "Lindqvist notified; escalated to Maria Lindqvist; reassigned to Ben "
                        "Okafor"});
    const Workspace& ws = engine.workspace();
    CHECK(texts_of(ws, "u-ana") ==
          std::vector<std::string>{"sla_breach: SLA breached: Case open 48 hours on Printer jam"});
    CHECK(texts_of(ws, "u-maria") ==
          std::vector<std::string>{
              "escalation: SLA breached: Case open 48 hours on Printer jam — escalated to you"});
    CHECK(texts_of(ws, "u-ben") ==
          std::vector<std::string>{"assignment: Automation assigned Printer jam to you (SLA Case "
                                   "open 48 hours breach)"});
    const Notification& ana = *inbox(ws, "u-ana").items.front();
    CHECK(ana.record == id);
    CHECK(ana.by == kAutomationActor);
    CHECK(format_instant(ana.at) == "2026-11-18T10:00:00Z");
    CHECK(!ana.read);

    CHECK(engine.raise_breaches(at("2026-11-18T11:00:00Z")).empty());
    Engine again = opened.reopen();
    CHECK(again.raise_breaches(at("2026-11-18T12:00:00Z")).empty());
    CHECK(again.workspace().notifications.size() == 3);
}

TEST_CASE("an assignment by someone else notifies the new owner; one's own does not") {
    OpenStore opened(ticket_workspace());
    Engine& engine = opened.engine;
    const std::string id = new_ticket(engine, "u-ana", "u-maria");
    CHECK(texts_of(engine.workspace(), "u-ana") ==
          std::vector<std::string>{"assignment: Maria Lindqvist assigned Printer jam to you"});

    REQUIRE(engine
                .apply(UpdateRecord{id, json::object(), "u-maria"}, "u-maria",
                       at("2026-11-16T11:00:00Z"))
                .ok);
    CHECK(inbox(engine.workspace(), "u-maria").total == 0); // she took it herself

    REQUIRE(
        engine
            .apply(UpdateRecord{id, json::object(), "u-ben"}, "u-maria", at("2026-11-16T11:00:00Z"))
            .ok);
    CHECK(texts_of(engine.workspace(), "u-ben") ==
          std::vector<std::string>{"assignment: Maria Lindqvist assigned Printer jam to you"});
    CHECK(inbox(engine.workspace(), "u-ben").items.front()->by == "u-maria");

    new_ticket(engine, "u-ben", "u-ben", "Scanner offline"); // his own
    CHECK(inbox(engine.workspace(), "u-ben").total == 1);
}

TEST_CASE("an assigned task names the record it is for: many tasks share a title") {
    OpenStore opened(ticket_workspace());
    Engine& engine = opened.engine;
    const std::string ticket = new_ticket(engine, "u-maria", "u-maria", "Printer jam");
    const auto task =
        engine.apply(CreateRecord{"task", {{"title", "Call back"}, {"related", ticket}}, "u-ana"},
                     "u-maria", at("2026-11-16T10:30:00Z"));
    REQUIRE_MESSAGE(task.ok, task.message);
    CHECK(texts_of(engine.workspace(), "u-ana") ==
          std::vector<std::string>{
              "assignment: Maria Lindqvist assigned Call back for Printer jam to you"});
}

TEST_CASE("marking read: only one's own, counted, and kept across a reopen") {
    OpenStore opened(ticket_workspace());
    Engine& engine = opened.engine;
    new_ticket(engine, "u-ana", "u-maria", "Printer jam");
    new_ticket(engine, "u-ana", "u-maria", "Scanner offline");
    new_ticket(engine, "u-ana", "u-sam", "Label maker");
    const Inbox before = inbox(engine.workspace(), "u-ana");
    REQUIRE(before.total == 3);
    CHECK(before.unread == 3);
    CHECK(before.items.front()->text == "Sam Patel assigned Label maker to you"); // newest first
    const std::string newest = before.items.front()->id;
    const std::string oldest = before.items.back()->id;

    const auto refused =
        engine.apply(MarkNotificationsRead{{newest}}, "u-ben", at("2026-11-16T11:00:00Z"));
    CHECK(!refused.ok);
    CHECK(refused.message == "Cannot mark " + newest +
                                 " read: it is Ana Reyes's, and Ben Okafor can mark only their "
                                 "own notifications");
    const auto admin =
        engine.apply(MarkNotificationsRead{{newest}}, "u-sam", at("2026-11-16T11:00:00Z"));
    CHECK(!admin.ok); // not even an admin
    CHECK(engine.apply(MarkNotificationsRead{{"note-999"}}, "u-ana", at("2026-11-16T11:00:00Z"))
              .message == "there is no notification \"note-999\"");
    CHECK(inbox(engine.workspace(), "u-ana").unread == 3);

    const std::uint64_t seq = engine.last_seq();
    REQUIRE(engine.apply(MarkNotificationsRead{{newest}}, "u-ana", at("2026-11-16T11:00:00Z")).ok);
    CHECK(engine.last_seq() == seq + 1);
    CHECK(inbox(engine.workspace(), "u-ana").unread == 2);
    CHECK(inbox(engine.workspace(), "u-ana", true).items.size() == 2);
    REQUIRE(engine.apply(MarkNotificationsRead{{newest}}, "u-ana", at("2026-11-16T11:00:00Z")).ok);
    CHECK(engine.last_seq() == seq + 1); // already read: nothing to journal

    Engine again = opened.reopen();
    CHECK(inbox(again.workspace(), "u-ana").unread == 2);
    CHECK(again.workspace().notifications.find(newest)->read);
    CHECK(!again.workspace().notifications.find(oldest)->read);

    REQUIRE(again.apply(MarkNotificationsRead{{}, true}, "u-ana", at("2026-11-16T11:00:00Z")).ok);
    CHECK(inbox(again.workspace(), "u-ana").unread == 0);
    CHECK(inbox(again.workspace(), "u-ana").total == 3);
}

TEST_CASE("an inbox keeps at most its bound: the oldest read go first, then the oldest") {
    Notifications kept;
    auto add = [&](int n) {
        kept.add({kept.peek_next_id(""), "u-ana", at("2026-11-16T10:00:00Z"), kNotifyAssignment,
                  "ticket-1", "note " + std::to_string(n), "u-maria", "update", false});
    };
    for (std::size_t n = 1; n <= kMaxNotificationsPerUser; ++n)
        add(static_cast<int>(n));
    CHECK(kept.of("u-ana").size() == kMaxNotificationsPerUser);
    kept.mark_read("note-10");
    kept.mark_read("note-20");
    add(501);
    add(502);
    CHECK(kept.of("u-ana").size() == kMaxNotificationsPerUser);
    CHECK(!kept.find("note-10")); // read ones fold away first
    CHECK(!kept.find("note-20"));
    CHECK(kept.find("note-1"));
    add(503); // every one unread: the oldest goes
    CHECK(kept.of("u-ana").size() == kMaxNotificationsPerUser);
    CHECK(!kept.find("note-1"));
    CHECK(kept.of("u-ana").back().id == "note-503");
    CHECK(kept.peek_next_id("k7m2qx") == "note-k7m2qx-504");
    CHECK(kept.of("u-ben").empty());
}

TEST_CASE("notifications are journaled events that read back the same") {
    EventBatch batch;
    batch.seq = 4;
    batch.at = at("2026-11-18T10:00:00Z");
    batch.actor = kAutomationActor;
    batch.events.push_back(
        events::NotificationSent{{"note-3", "u-ana", batch.at, kNotifySlaBreach, "ticket-1",
                                  "SLA breached: Case open 48 hours on Printer jam",
                                  kAutomationActor, "SLA Case open 48 hours breach", false}});
    batch.events.push_back(events::NotificationsRead{"u-ana", {"note-3"}});
    const json written = batch_to_json(batch);
    CHECK(written["events"][0]["kind"] == "notification.sent");
    CHECK(written["events"][1]["kind"] == "notification.read");
    auto read = batch_from_json(json::parse(written.dump())); // as a journal line reads
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : read.error()));
    CHECK(batch_to_json(*read) == written);

    json bad = json::parse(written.dump());
    bad["events"][0]["data"]["notification"]["kind"] = "gossip";
    CHECK(batch_from_json(bad).error() ==
          "notification.sent: \"notification\" is not a notification: notification.kind: "
          "expected \"sla_breach\", \"escalation\", \"assignment\", \"automation\" or \"mql\", got "
          "\"gossip\"");
}

} // namespace inbox_test
