// Pauses that push SLA deadlines back, breach actions (escalate, reassign,
// set fields), and the manager's queues of blocked moves and failed automations.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "logic/jsonlogic.hpp"
#include "process/flow_json.hpp"
#include "query/exceptions.hpp"
#include "query/my_work.hpp"
#include "sla/clocks.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

namespace exceptions_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

std::vector<SlaPolicy> policies(const char* text) {
    auto parsed = sla_policies_from_json(json::parse(text), "$.sla_policies");
    REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error()));
    return *parsed;
}

// Tickets escalate after 48 elapsed hours; waiting on the customer stops the clock.
Engine ticket_engine(const char* extra = "") {
    Workspace ws = team_workspace();
    ws.sla_policies = policies((std::string(R"([{"id": "case_open", "name": "Case open 48 hours",
        "record_type": "ticket", "starts": "created",
        "stops": {"in": [{"var": "status"}, ["Resolved", "Closed"]]},
        "pauses": {"==": [{"var": "status"}, "Waiting on customer"]},
        "within": "48 hours", "alert": ["owner"])") +
                                extra + "}]")
                                   .c_str());
    REQUIRE(validate_sla_policies(ws).empty());
    return Engine(std::move(ws));
}

std::string new_ticket(Engine& engine, const char* when, const std::string& owner = "u-ana") {
    const auto created =
        engine.apply(CreateRecord{"ticket", {{"subject", "Printer jam"}}, owner}, owner, at(when));
    REQUIRE_MESSAGE(created.ok, created.message);
    return created.record_id;
}

const SlaClock clock_of(const Engine& engine, const std::string& id, const char* now) {
    const Workspace& ws = engine.workspace();
    const auto clocks = sla_clocks(ws, workspace_calendar(ws), *ws.find(id), at(now));
    REQUIRE(clocks.size() == 1);
    return clocks.front();
}

void set_status(Engine& engine, const std::string& id, const char* status, const char* when) {
    REQUIRE(engine.apply(UpdateRecord{id, {{"status", status}}}, "u-ana", at(when)).ok);
}

} // namespace

TEST_CASE("waiting on the customer stops the clock and pushes the deadline back") {
    Engine engine = ticket_engine();
    const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z");
    CHECK(format_instant(clock_of(engine, id, "2026-11-16T12:00:00Z").due) ==
          "2026-11-18T10:00:00Z");

    set_status(engine, id, "Waiting on customer", "2026-11-16T20:00:00Z");
    const SlaClock waiting = clock_of(engine, id, "2026-11-17T06:00:00Z");
    CHECK(waiting.state == ClockState::Paused);
    CHECK(engine.raise_breaches(at("2026-11-19T00:00:00Z")).empty()); // paused: no breach

    set_status(engine, id, "Open", "2026-11-17T06:00:00Z"); // 10 hours later
    const auto& spans = engine.workspace().find(id)->sla_pauses.at("case_open");
    REQUIRE(spans.size() == 1);
    CHECK(format_instant(*spans.front().to) == "2026-11-17T06:00:00Z");
    CHECK(format_instant(clock_of(engine, id, "2026-11-18T10:00:00Z").due) ==
          "2026-11-18T20:00:00Z");
    CHECK(clock_of(engine, id, "2026-11-18T10:00:00Z").state == ClockState::AtRisk);

    CHECK(engine.raise_breaches(at("2026-11-18T19:59:00Z")).empty());
    const auto raised = engine.raise_breaches(at("2026-11-18T20:00:00Z"));
    CHECK(raised == std::vector<std::string>{
                        "SLA breached: Case open 48 hours on Printer jam — Ana Reyes notified"});
    CHECK(engine.raise_breaches(at("2026-11-18T21:00:00Z")).empty()); // once

    SUBCASE("pauses survive export and import") {
        auto again =
            import_workspace(export_workspace(engine.workspace()), at("2026-11-19T00:00:00Z"));
        REQUIRE(again.ok());
        CHECK(export_workspace(*again) == export_workspace(engine.workspace()));
        Engine reopened(std::move(*again));
        CHECK(format_instant(clock_of(reopened, id, "2026-11-18T10:00:00Z").due) ==
              "2026-11-18T20:00:00Z");
    }
}

TEST_CASE("business-time pauses count only the working hours they covered") {
    Workspace ws = team_workspace(); // no calendar: Mon-Fri 09:00-17:00 UTC
    ws.sla_policies = policies(R"([{"id": "first_response", "name": "First response",
        "record_type": "ticket", "starts": "created", "within": "4 business hours",
        "pauses": {"==": [{"var": "status"}, "Waiting on customer"]}}])");
    Engine engine(std::move(ws));
    const std::string id = new_ticket(engine, "2026-11-16T09:00:00Z"); // Monday 09:00
    set_status(engine, id, "Waiting on customer", "2026-11-16T10:00:00Z");
    set_status(engine, id, "Open", "2026-11-17T10:00:00Z"); // 8 working hours later
    // 1 hour before the pause and 3 after it: due Tuesday 13:00.
    CHECK(format_instant(clock_of(engine, id, "2026-11-17T11:30:00Z").due) ==
          "2026-11-17T13:00:00Z");
    CHECK(clock_of(engine, id, "2026-11-17T11:30:00Z").state == ClockState::Ok);     // 62.5 %
    CHECK(clock_of(engine, id, "2026-11-17T12:00:00Z").state == ClockState::AtRisk); // 75 %
    CHECK(clock_of(engine, id, "2026-11-17T13:00:00Z").state == ClockState::Overdue);
}

TEST_CASE("a breach escalates, reassigns and sets fields, once") {
    Engine engine = ticket_engine(R"(, "escalate_to": ["owner_manager"], "reassign_to": "u-ben",
                                      "set": {"priority": "High"})");
    const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z");
    const auto raised = engine.raise_breaches(at("2026-11-18T10:00:00Z"));
    CHECK(raised == std::vector<std::string>{
                        "SLA breached: Case open 48 hours on Printer jam — Ana Reyes, Maria "
                        "Lindqvist notified; escalated to Maria Lindqvist; reassigned to Ben "
                        "Okafor"});
    const Record& ticket = *engine.workspace().find(id);
    CHECK(ticket.owner == "u-ben");
    CHECK(ticket.fields["priority"] == "High");
    CHECK(ticket.sla_escalations.at("case_open") == std::vector<std::string>{"u-maria"});

    // The escalation lands on the manager's plate; the new owner has the overdue clock.
    const auto maria = next_actions(engine.workspace(), "u-maria", at("2026-11-18T11:00:00Z"));
    REQUIRE(maria.size() == 1);
    CHECK(maria.front().kind == "escalation");
    CHECK(maria.front().what == "Escalated: Case open 48 hours (owner Ben Okafor)");
    CHECK(maria.front().state == "overdue");
    const auto ben = next_actions(engine.workspace(), "u-ben", at("2026-11-18T11:00:00Z"));
    REQUIRE(ben.size() == 1);
    CHECK(ben.front().kind == "sla");

    // The breach queue names the escalation and its people.
    const auto queues = exception_queues(engine.workspace(), "u-maria", at("2026-11-18T11:00:00Z"));
    REQUIRE(queues.size() == 1);
    CHECK(queues.front().items.front().detail == "overdue 1h, escalated to Maria Lindqvist");

    const auto seq = engine.last_seq();
    CHECK(engine.raise_breaches(at("2026-11-18T12:00:00Z")).empty());
    CHECK(engine.last_seq() == seq);

    // Resolving the case meets the clock: the escalation leaves the manager's list.
    REQUIRE(
        engine
            .apply(UpdateRecord{id, {{"status", "Resolved"}}}, "u-ben", at("2026-11-18T13:00:00Z"))
            .ok);
    CHECK(next_actions(engine.workspace(), "u-maria", at("2026-11-18T14:00:00Z")).empty());
}

TEST_CASE("reassigning to a role picks its least loaded member") {
    Engine engine = ticket_engine(R"(, "reassign_to": "role:rep")");
    new_ticket(engine, "2026-11-17T10:00:00Z", "u-ana");
    new_ticket(engine, "2026-11-17T10:00:00Z", "u-ben");
    const std::string late = new_ticket(engine, "2026-11-16T10:00:00Z", "u-ana");
    engine.raise_breaches(at("2026-11-18T10:00:00Z"));
    CHECK(engine.workspace().find(late)->owner == "u-zed"); // Ana 2, Ben 1, Zed 0
}

TEST_CASE("closed records do not count towards how loaded someone is") {
    Engine engine = ticket_engine(R"(, "reassign_to": "role:rep")");
    Workspace ws = engine.workspace();
    for (int i = 1; i <= 3; ++i) { // Zed's resolved cases
        Record done;
        done.id = "ticket-9" + std::to_string(i);
        done.type = "ticket";
        done.owner = "u-zed";
        done.fields = {{"subject", "Done"}, {"status", "Resolved"}};
        FlowState ended;
        ended.status = "ended";
        ended.outcome = "resolved";
        done.flows["customer_support"] = ended;
        ws.put(std::move(done));
    }
    Engine loaded(std::move(ws));
    new_ticket(loaded, "2026-11-17T10:00:00Z", "u-ana");
    new_ticket(loaded, "2026-11-17T10:00:00Z", "u-ben");
    const std::string late = new_ticket(loaded, "2026-11-16T10:00:00Z", "u-ana");
    loaded.raise_breaches(at("2026-11-18T10:00:00Z"));
    CHECK(loaded.workspace().find(late)->owner == "u-zed"); // open: Ana 2, Ben 1, Zed 0
}

TEST_CASE("breach actions that cannot work are reported when the policies are checked") {
    Workspace ws = team_workspace();
    ws.sla_policies = policies(R"([{"id": "p", "name": "P", "record_type": "ticket",
        "within": "1 day", "escalate_to": ["role:boss"], "reassign_to": "u-nobody",
        "set": {"priority": "Urgent", "colour": "red"}}])");
    CHECK(validate_sla_policies(ws) ==
          std::vector<std::string>{
              "p › escalate_to: \"boss\" is not a role (rep, manager or admin)",
              "p › reassign_to: \"u-nobody\" is not owner, owner_manager, role:NAME or a user id",
              "p › set: Ticket has no field \"colour\"",
              "p › set.priority: expected one of: Low, Normal, High, Critical, got \"Urgent\""});
    CHECK(sla_policies_from_json(json::parse(R"([{"id": "p", "name": "P", "record_type": "ticket",
        "within": "1 day", "set": ["priority"]}])"),
                                 "$.sla_policies")
              .error() ==
          "$.sla_policies[0].set: expected field values, like {\"priority\": \"High\"}");
}

TEST_CASE("a pause that begins just before the deadline pushes it back by all of its length") {
    Engine engine = ticket_engine();
    const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z"); // due 2026-11-18T10:00
    set_status(engine, id, "Waiting on customer", "2026-11-18T09:59:00Z");
    set_status(engine, id, "Open", "2026-11-19T09:59:00Z"); // a day later: one minute left
    CHECK(format_instant(clock_of(engine, id, "2026-11-19T09:59:30Z").due) ==
          "2026-11-19T10:00:00Z");
    CHECK(engine.raise_breaches(at("2026-11-19T09:59:30Z")).empty());
    CHECK(engine.raise_breaches(at("2026-11-19T10:00:00Z")).size() == 1);
}

TEST_CASE("a device clock that goes back never leaves pauses that cannot be read again") {
    Engine engine = ticket_engine();
    const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z");
    set_status(engine, id, "Waiting on customer", "2026-11-16T12:00:00Z");
    set_status(engine, id, "Open", "2026-11-16T11:00:00Z");                // an hour "earlier"
    set_status(engine, id, "Waiting on customer", "2026-11-16T10:30:00Z"); // earlier still
    const auto& spans = engine.workspace().find(id)->sla_pauses.at("case_open");
    REQUIRE(spans.size() == 2);
    CHECK(format_instant(*spans[0].to) == "2026-11-16T12:00:00Z");
    CHECK(format_instant(spans[1].from) == "2026-11-16T12:00:00Z");
    auto again = import_workspace(export_workspace(engine.workspace()), at("2026-11-17T00:00:00Z"));
    CHECK_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
}

TEST_CASE("pauses, escalations, blocked moves and failed starts come back from the journal") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    Engine first = ticket_engine(R"(, "escalate_to": ["owner_manager"])");
    REQUIRE(store.create(first.workspace()));
    Engine engine;
    REQUIRE(store.open(engine));
    const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z");
    set_status(engine, id, "Waiting on customer", "2026-11-16T20:00:00Z");
    set_status(engine, id, "Open", "2026-11-17T06:00:00Z");
    REQUIRE(engine.raise_breaches(at("2026-11-18T20:00:00Z")).size() == 1);

    Engine reopened;
    REQUIRE(WorkspaceStore(storage).open(reopened));
    CHECK(export_workspace(reopened.workspace()) == export_workspace(engine.workspace()));
    CHECK(reopened.workspace().find(id)->sla_escalations.at("case_open") ==
          std::vector<std::string>{"u-maria"});
    CHECK(reopened.raise_breaches(at("2026-11-18T21:00:00Z")).empty()); // once, across reopen
}

TEST_CASE("a later breach without escalation takes the earlier escalation back") {
    Engine engine = ticket_engine(R"(, "escalate_to": ["owner_manager"])");
    const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z");
    REQUIRE(engine.raise_breaches(at("2026-11-18T10:00:00Z")).size() == 1);
    CHECK(next_actions(engine.workspace(), "u-maria", at("2026-11-18T11:00:00Z")).size() == 1);
    // The admin gives the policy more time and drops the escalation.
    Workspace changed = engine.workspace();
    changed.sla_policies.front().within = "72 hours";
    changed.sla_policies.front().escalate_to.clear();
    Engine later(std::move(changed));
    REQUIRE(later.raise_breaches(at("2026-11-19T10:00:00Z")).size() == 1);
    CHECK(later.workspace().find(id)->sla_escalations.empty());
    CHECK(next_actions(later.workspace(), "u-maria", at("2026-11-19T11:00:00Z")).empty());
}

TEST_CASE("a breach may not change a stage behind its gates") {
    Workspace ws = team_workspace();
    std::ifstream file(std::string(CRM_PROCESS_DIR) + "/customer_support.json");
    std::stringstream text;
    text << file.rdbuf();
    auto flows = flows_from_json(json::parse(text.str()).at("flows"), "$.flows");
    REQUIRE(flows.ok());
    ws.flows = *flows;
    ws.sla_policies = policies(R"([{"id": "p", "name": "P", "record_type": "ticket",
        "within": "1 day", "set": {"status": "Resolved"}}])");
    CHECK(validate_sla_policies(ws) ==
          std::vector<std::string>{"p › set.status: Status is the stage of the Customer support; "
                                   "stages change only by moves, through their gates"});
}

TEST_CASE("pauses that cross are put in order on import, not refused") {
    const std::string text = R"({"format": "crm-workspace", "version": 1,
        "users": [{"id": "u-ana", "name": "Ana", "role": "rep"}],
        "records": [{"id": "ticket-1", "type": "ticket", "fields": {"subject": "Jam"},
            "sla_pauses": {"p": [{"from": "2026-11-16T12:00:00Z"},
                                 {"from": "2026-11-16T11:00:00Z", "to": "2026-11-16T11:30:00Z"},
                                 {"from": "2026-11-16T13:00:00Z"}]}}]})";
    auto imported = import_workspace(text, at("2026-11-20T10:00:00Z"));
    REQUIRE_MESSAGE(imported.ok(), (imported.ok() ? "" : imported.error()));
    const auto& spans = imported->find("ticket-1")->sla_pauses.at("p");
    REQUIRE(spans.size() == 3);
    CHECK(format_instant(*spans[0].to) == "2026-11-16T12:00:00Z");
    CHECK(format_instant(spans[1].from) == "2026-11-16T12:00:00Z");
    CHECK(format_instant(*spans[1].to) == "2026-11-16T12:00:00Z");
    CHECK(format_instant(spans[2].from) == "2026-11-16T13:00:00Z");
    CHECK_FALSE(spans[2].to);
}

TEST_CASE("engine state with the wrong shape is refused on import, with its place") {
    auto import_record = [](const char* extra) {
        const std::string text = std::string(R"({"format": "crm-workspace", "version": 1,
            "users": [{"id": "u-ana", "name": "Ana", "role": "rep"}],
            "records": [{"id": "ticket-1", "type": "ticket", "fields": {"subject": "Jam"})") +
                                 extra + "}]}";
        auto result = import_workspace(text, at("2026-11-20T10:00:00Z"));
        return result.ok() ? std::string("imported") : result.error();
    };
    CHECK(
        import_record(
            R"(, "sla_pauses": {"p": [{"from": "2026-11-16T12:00:00Z", "to": "2026-11-16T11:00:00Z"}]})") ==
        "$.records[0].sla_pauses.p[0].to: ends before it starts");
    CHECK(import_record(R"(, "automation_failures": {"start:x": {"reason": 3}})") ==
          "$.records[0].automation_failures.start:x.reason: expected a non-empty string, got a "
          "number");
    CHECK(import_record(R"(, "sla_escalations": {"p": "u-ana"})") ==
          "$.records[0].sla_escalations.p: expected a list of user ids");
}

TEST_CASE("the timer knows which rules can change with time alone") {
    CHECK(logic::depends_on_time(json::parse(
        R"({"and": [{"==": [1, 1]}, {">": [{"days_since": {"var": "opened"}}, 3]}]})")));
    CHECK(logic::depends_on_time(json::parse(R"({"<": [{"var": "due"}, {"now": []}]})")));
    CHECK_FALSE(logic::depends_on_time(json::parse(R"({"==": [{"var": "now"}, "Waiting"]})")));
    CHECK_FALSE(logic::depends_on_time(nullptr));
}

TEST_CASE("a clock that depends on time alone is still caught by the timer") {
    // Critical once open three days: no change to the record makes it so.
    Engine engine = ticket_engine();
    Workspace ws = engine.workspace();
    ws.sla_policies.front().applies =
        json::parse(R"({">=": [{"days_since": {"var": "opened_on"}}, 3]})");
    FieldDef opened;
    opened.id = "opened_on";
    opened.label = "Opened on";
    opened.type = FieldType::Date;
    ws.schema.type("ticket")->fields.push_back(opened);
    Engine timed(std::move(ws));
    REQUIRE(
        timed
            .apply(
                CreateRecord{"ticket", {{"subject", "Jam"}, {"opened_on", "2026-11-16"}}, "u-ana"},
                "u-ana", at("2026-11-16T10:00:00Z"))
            .ok);
    CHECK(timed.raise_breaches(at("2026-11-17T10:00:00Z")).empty()); // not yet covered
    CHECK(timed.raise_breaches(at("2026-11-19T10:00:00Z")).size() == 1);
}

TEST_CASE("a running engine and a freshly opened one reassign breaches alike") {
    Engine running = ticket_engine(R"(, "reassign_to": "role:rep")");
    for (int i = 0; i < 12; ++i)
        new_ticket(running, "2026-11-16T10:00:00Z", i % 2 ? "u-ana" : "u-zed");
    Engine fresh(running.workspace());
    CHECK(running.raise_breaches(at("2026-11-16T11:00:00Z"))
              .empty()); // a look before anything is due
    REQUIRE(running.raise_breaches(at("2026-11-18T10:00:00Z")).size() == 12);
    REQUIRE(fresh.raise_breaches(at("2026-11-18T10:00:00Z")).size() == 12);
    CHECK(export_workspace(running.workspace()) == export_workspace(fresh.workspace()));
}

TEST_CASE("the queues word only the items a screen lists, and count them all") {
    Engine engine = ticket_engine();
    for (const char* when :
         {"2026-11-16T09:00:00Z", "2026-11-16T10:00:00Z", "2026-11-16T11:00:00Z"})
        new_ticket(engine, when);
    const Instant later = at("2026-11-20T12:00:00Z");
    const auto worded = exception_queues(engine.workspace(), "u-maria", later);
    const auto listed =
        exception_queues(engine.workspace(), "u-maria", later, QueueDetail::Words, 2);
    REQUIRE(worded.size() == 1);
    REQUIRE(listed.size() == 1);
    REQUIRE(listed[0].items.size() == 3);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(listed[0].items[i].title == worded[0].items[i].title);
        CHECK(listed[0].items[i].detail == worded[0].items[i].detail);
        CHECK_FALSE(listed[0].items[i].detail.empty());
    }
    CHECK(listed[0].items[2].record_id == worded[0].items[2].record_id);
    CHECK(listed[0].items[2].title.empty());
    CHECK(listed[0].items[2].detail.empty());
    CHECK(listed[0].handlers == worded[0].handlers);
}

namespace {

// A row of My work as the rep sees it.
std::string shown(const WorkItem& item) {
    return item.record_id + " · " + item.what + " · " +
           (item.due ? format_instant(*item.due) : "no due time") + " · " + item.state + " · " +
           item.reason;
}

// One line per row.
std::string my_work_rows(const Workspace& ws, const char* user, const char* now) {
    std::string rows;
    for (const auto& item : next_actions(ws, user, at(now)))
        rows += shown(item) + "\n";
    return rows;
}

std::string queue_items(const Workspace& ws, const char* now) {
    std::string items;
    for (const auto& queue : exception_queues(ws, "u-maria", at(now)))
        for (const auto& item : queue.items)
            items += queue.title + ": " + item.record_id + " · " + item.detail + "\n";
    return items;
}

// My work and the queues read the deadlines kept with each record; a copy
// of the workspace keeps none and works them out afresh. Both must agree.
void check_kept_deadlines_current(const Engine& engine, const char* now) {
    const Workspace& kept = engine.workspace();
    const Workspace afresh = kept;
    CHECK(my_work_rows(kept, "u-ana", now) == my_work_rows(afresh, "u-ana", now));
    CHECK(queue_items(kept, now) == queue_items(afresh, now));
}

} // namespace

TEST_CASE("deadlines kept with a record follow its every change and every new definition") {
    SUBCASE("an SLA clock: paused, resumed, met") {
        Engine engine = ticket_engine();
        const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z");
        const char* now = "2026-11-18T12:00:00Z";
        REQUIRE(my_work_rows(engine.workspace(), "u-ana", now) ==
                id + " · Meet the SLA: Case open 48 hours · " +
                    "2026-11-18T10:00:00Z · overdue · SLA: Case open 48 hours\n");
        CHECK(engine.workspace().find(id)->due_facts.get() != nullptr);
        check_kept_deadlines_current(engine, now);

        set_status(engine, id, "Waiting on customer", "2026-11-16T20:00:00Z");
        CHECK(my_work_rows(engine.workspace(), "u-ana", now) == ""); // paused
        check_kept_deadlines_current(engine, now);

        set_status(engine, id, "Open", "2026-11-17T06:00:00Z");
        CHECK(my_work_rows(engine.workspace(), "u-ana", now) ==
              id + " · Meet the SLA: Case open 48 hours · " +
                  "2026-11-18T20:00:00Z · at-risk · SLA: Case open 48 hours\n");
        check_kept_deadlines_current(engine, now);

        set_status(engine, id, "Resolved", "2026-11-17T07:00:00Z");
        CHECK(my_work_rows(engine.workspace(), "u-ana", now) == ""); // met
        check_kept_deadlines_current(engine, now);
    }
    SUBCASE("a stage's next action: moved on, and its due time redefined") {
        Workspace ws = team_workspace();
        add_processes(ws, {"customer_support"});
        Engine engine(std::move(ws));
        const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z");
        const char* now = "2026-11-16T15:00:00Z";
        const std::string first_response = id + " · Reply to the customer and set the priority · ";
        CHECK(my_work_rows(engine.workspace(), "u-ana", now) ==
              first_response + "2026-11-16T14:00:00Z · overdue · \n");
        check_kept_deadlines_current(engine, now);

        std::vector<Flow> flows = engine.workspace().flows;
        flows.front().stages.front().next_action.task->due_in = "2 business days";
        REQUIRE(engine.apply(SetProcesses{flows, {}}, "u-sam", at("2026-11-16T11:00:00Z")).ok);
        CHECK(my_work_rows(engine.workspace(), "u-ana", now) ==
              first_response + "2026-11-18T17:00:00Z · ok · \n");
        check_kept_deadlines_current(engine, now);

        const auto moved = engine.apply(
            MoveRecord{id,
                       "open",
                       "",
                       {{"first_response_at", "2026-11-16T11:00:00Z"}, {"priority", "High"}}},
            "u-ana", at("2026-11-16T11:00:00Z"));
        REQUIRE_MESSAGE(moved.ok, moved.message);
        CHECK(my_work_rows(engine.workspace(), "u-ana", now) ==
              id + " · Investigate and write the resolution plan · no due time · ok · \n");
        check_kept_deadlines_current(engine, now);
    }
    SUBCASE("a workspace's policies and calendar changed in place") {
        Engine engine = ticket_engine();
        const std::string id = new_ticket(engine, "2026-11-16T10:00:00Z");
        Workspace changed = engine.workspace(); // a copy keeps nothing; put() starts keeping
        const Record& ticket = changed.put(*engine.workspace().find(id));
        const auto due = [&] {
            const BusinessCalendar calendar = workspace_calendar(changed);
            return format_instant(
                SlaClockReader(changed, calendar)(ticket, at("2026-11-16T12:00:00Z")).front().due);
        };
        CHECK(due() == "2026-11-18T10:00:00Z");
        REQUIRE(ticket.due_facts.get() != nullptr); // kept
        changed.sla_policies.front().within = "4 business hours";
        CHECK(due() == "2026-11-16T14:00:00Z");
        changed.calendar =
            json::parse(R"({"timezone": "UTC", "week": {"mon": [["09:00", "11:00"]]}})");
        CHECK(due() == "2026-11-30T10:00:00Z"); // Mondays 9 to 11: 1 + 2 + 1 hours
    }
}

TEST_CASE(
    "My work lists a task where its record stands, whether or not that record has a process") {
    Workspace ws = team_workspace();
    // Deals are timed (so My work reads the rep's deals); companies are not.
    ws.sla_policies = policies(R"([{"id": "never", "name": "Never runs", "record_type": "deal",
        "starts": "created", "applies": false, "within": "1 hour"}])");
    Engine engine(std::move(ws));
    const auto create = [&](CreateRecord command) {
        const auto created = engine.apply(command, "u-ana", at("2026-11-16T09:00:00Z"));
        REQUIRE_MESSAGE(created.ok, created.message);
        return created.record_id;
    };
    const std::string deal = create({"deal", {{"name", "Boiler retrofit"}}, "u-ana"});
    const std::string company = create({"company", {{"name", "Acme"}}, "u-ana"});
    create({"task", {{"title", "Send the contract"}, {"related", deal}}, "u-ana"});
    create({"task", {{"title", "Check the address"}, {"related", company}}, "u-ana"});
    std::vector<std::string> rows;
    for (const auto& item : next_actions(engine.workspace(), "u-ana", at("2026-11-16T10:00:00Z")))
        rows.push_back(item.title + ": " + item.what);
    // Neither is due: in the order the records are listed, companies before deals.
    CHECK(rows == std::vector<std::string>{"Acme: Check the address",
                                           "Boiler retrofit: Send the contract"});
}

} // namespace exceptions_test
