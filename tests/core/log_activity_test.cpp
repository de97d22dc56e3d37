// Logging a call, meeting, email or note: the activity is linked with its
// outcome and notes, and what it satisfies is completed in the same batch
// (a task, the first contact and the move it allows, a next step). My work
// then shows one row per record, tasks under their record, SLAs as deadlines.
#include "engine/engine.hpp"
#include "engine/log_activity.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "query/exceptions.hpp"
#include "query/my_work.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

namespace log_activity_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

// The demo as shipped; Monday noon, three days after Zoë Novak (lead-7, Ana's)
// was assigned: her first follow-up is overdue.
const Instant kNow = at("2026-11-23T12:00:00Z");

Engine demo_engine() {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    auto ws = import_workspace(text);
    REQUIRE_MESSAGE(ws.ok(), (ws.ok() ? "" : ws.error()));
    Engine engine(std::move(*ws));
    return engine;
}

const WorkItem* row_for(const std::vector<WorkItem>& rows, const std::string& about) {
    for (const auto& row : rows)
        if (row.about == about) return &row;
    return nullptr;
}

bool lists(const WorkItem& row, const std::string& what) {
    if (row.what == what) return true;
    return std::any_of(row.more.begin(), row.more.end(),
                       [&](const WorkItem& item) { return item.what == what; });
}

} // namespace

TEST_CASE("a reached call on a lead in Assigned records the contact and moves it to Contacted") {
    Engine engine = demo_engine();
    const auto before = next_actions(engine.workspace(), "u-ana", kNow);
    const WorkItem* zoe = row_for(before, "lead-7");
    REQUIRE(zoe);
    CHECK(zoe->what == "Call or email the lead for the first time");
    CHECK(zoe->state == "overdue");
    const std::uint64_t seq = engine.last_seq();

    LogActivity log{"lead-7", "call", "Reached", "Wants pricing for 40 seats"};
    log.next_title = "Send pricing";
    log.next_due = at("2026-11-24T16:00:00Z");
    const auto outcome = engine.apply(log, "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(outcome.summary == "Logged a call with Zoë Novak (Reached). First follow-up recorded; "
                             "moved to Contacted. Next: Send pricing.");
    CHECK(engine.last_seq() == seq + 1); // one batch

    const Workspace& ws = engine.workspace();
    const Record* activity = ws.find(outcome.record_id);
    REQUIRE(activity);
    CHECK(activity->type == "activity");
    CHECK(activity->value("related") == "lead-7");
    CHECK(activity->value("kind") == "Call");
    CHECK(activity->value("outcome") == "Reached");
    CHECK(activity->value("body") == "Wants pricing for 40 seats");
    CHECK(activity->value("direction") == "Outbound");
    const Record* lead = ws.find("lead-7");
    CHECK(lead->value("first_contact_at") == "2026-11-23T12:00:00Z");
    CHECK(lead->flows.at("lead_routing").stage == "contacted");

    const auto after = next_actions(ws, "u-ana", kNow);
    const WorkItem* row = row_for(after, "lead-7");
    REQUIRE(row);
    CHECK_FALSE(lists(*row, "Call or email the lead for the first time"));
    CHECK(lists(*row, "Send pricing"));
    CHECK(lists(*row, "Qualify with BANT and set the status to Qualified or Disqualified"));
    const auto records = ws.all_records();
    const auto task = std::find_if(records.begin(), records.end(), [](const Record* r) {
        return r->type == "task" && r->value("title") == "Send pricing";
    });
    REQUIRE(task != records.end());
    CHECK((*task)->owner == "u-ana");
    CHECK((*task)->value("due") == "2026-11-24T16:00:00Z");
    CHECK((*task)->value("related") == "lead-7");
}

TEST_CASE("a call that did not reach the lead records the attempt and changes nothing else") {
    Engine engine = demo_engine();
    const auto outcome =
        engine.apply(LogActivity{"lead-7", "call", "Left voicemail", ""}, "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(outcome.summary == "Logged a call with Zoë Novak (Left voicemail).");
    const Record* lead = engine.workspace().find("lead-7");
    CHECK(lead->value("first_contact_at").is_null());
    CHECK(lead->flows.at("lead_routing").stage == "assigned");
}

TEST_CASE("logging on a task completes it; --oldest-task completes the record's oldest") {
    Engine engine = demo_engine();
    const auto outcome = engine.apply(
        LogActivity{"task-10", "call", "Reached", "Agreed the discount"}, "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    const Workspace& ws = engine.workspace();
    CHECK(ws.find("task-10")->value("done") == true);
    CHECK(ws.find(outcome.record_id)->value("related") == "deal-4"); // the task's record
    CHECK(outcome.summary.find("Completed Call back about pricing.") != std::string::npos);

    LogActivity oldest{"deal-16", "email", "Sent", ""};
    oldest.answers_oldest_task = true;
    const auto second = engine.apply(oldest, "u-ana", kNow);
    REQUIRE_MESSAGE(second.ok, second.message);
    CHECK(ws.find("task-4")->value("done") == true);
}

TEST_CASE("refusals say why and change nothing") {
    Engine engine = demo_engine();
    const std::uint64_t seq = engine.last_seq();
    auto refused = [&](const LogActivity& log, const std::string& who = "u-ana") {
        const auto outcome = engine.apply(log, who, kNow);
        CHECK_FALSE(outcome.ok);
        CHECK(engine.last_seq() == seq);
        return outcome.message;
    };
    CHECK(refused({"lead-999", "call", "Reached"}) == "there is no record \"lead-999\"");
    CHECK(refused({"lead-7", "fax", ""}) ==
          "Cannot log \"fax\": choose a call, meeting, email or note");
    CHECK(refused({"lead-7", "call", "Sent"}) ==
          "Cannot log a call: the outcome must be Reached, Left voicemail, No answer or Wrong "
          "number (got \"Sent\")");
    CHECK(refused({"lead-7", "note", "Reached"}) == "Cannot log a note: a note has no outcome");
    CHECK(refused({"lead-7", "note", "", std::string(100001, 'x')}) ==
          "Cannot log a note: the notes is longer than 100000 characters");
    CHECK(refused({"lead-8", "call", "Reached"}, "u-ana")
              .rfind("Cannot log a call on Hannah Chen: ", 0) == 0);
    LogActivity no_due{"lead-7", "call", "Reached"};
    no_due.next_title = "Send pricing";
    CHECK(refused(no_due) == "Cannot log a call: a next step needs a due time");
    LogActivity past{"lead-7", "call", "Reached"};
    past.next_title = "Send pricing";
    past.next_due = at("2026-11-20T09:00:00Z");
    CHECK(refused(past) == "Cannot log a call: the next step is due 2026-11-20T09:00:00Z, which "
                           "has passed; choose a later time");
    LogActivity not_its{"lead-7", "call", "Reached"};
    not_its.task = "task-10";
    CHECK(refused(not_its) == "Cannot log a call: task-10 is not a task of Zoë Novak");
    CHECK(refused({"task-1", "call", "Reached"}) ==
          "Cannot log a call: Follow up on proposal is done");
    CHECK(engine.workspace().find("lead-7")->value("first_contact_at").is_null());
}

TEST_CASE("My work: one row per record, tasks under their record, SLAs as deadlines") {
    Engine engine = demo_engine();
    const auto rows = next_actions(engine.workspace(), "u-ana", kNow);
    std::set<std::string> seen;
    for (const auto& row : rows) {
        CHECK(seen.insert(row.about).second); // one row per record
        for (const auto& more : row.more)
            CHECK(more.about == row.about);
    }
    // A task shows the record it belongs to.
    const WorkItem* deal4 = row_for(rows, "deal-4");
    REQUIRE(deal4);
    const WorkItem& task = deal4->kind == "task" ? *deal4 : deal4->more.front();
    CHECK(task.record_id == "task-10");
    CHECK(task.title == engine.workspace().title_of(*engine.workspace().find("deal-4")));

    // A running SLA is the deadline of the record's action, named as its reason.
    Workspace ws = engine.workspace();
    auto policies = sla_policies_from_json(json::parse(R"([{"id": "touch", "name":
        "Rep touch within 1 hour", "record_type": "lead", "starts": "created",
        "stops": {"is_set": {"var": "first_contact_at"}}, "within": "1000 hours"}])"),
                                           "$");
    REQUIRE(policies.ok());
    ws.sla_policies = *policies;
    const auto with_sla = next_actions(ws, "u-ana", kNow);
    const WorkItem* zoe = row_for(with_sla, "lead-7");
    REQUIRE(zoe);
    CHECK(zoe->what == "Call or email the lead for the first time");
    CHECK(zoe->reason.empty()); // its own due time is sooner than the SLA's
    for (const auto& row : with_sla)
        CHECK(row.kind != "sla"); // every clock here is the deadline of an action
}

TEST_CASE("My work shows a task on a company, which no process runs on, under the company") {
    Engine engine = demo_engine();
    Workspace ws = engine.workspace();
    CHECK_FALSE(row_for(next_actions(ws, "u-ana", kNow), "company-1")); // nothing to do there
    const auto add_task = [&](const std::string& id, const std::string& related,
                              const std::string& due) {
        Record task = *ws.find("task-10");
        task.id = id;
        task.fields["related"] = related;
        task.fields["due"] = due;
        task.fields["title"] = "Ask about " + related;
        REQUIRE(ws.add(std::move(task)));
    };
    add_task("task-901", "company-1", "2026-11-24T09:00:00Z"); // Ana's company
    add_task("task-902", "company-2", "2026-11-25T09:00:00Z"); // Ben's company
    const auto rows = next_actions(ws, "u-ana", kNow);
    const WorkItem* mine = row_for(rows, "company-1");
    REQUIRE(mine);
    CHECK(mine->record_id == "task-901");
    CHECK(mine->kind == "task");
    CHECK(mine->what == "Ask about company-1");
    CHECK(mine->title == ws.title_of(*ws.find("company-1")));
    CHECK(describe_due(*mine->due, kNow) == "21h left");
    const WorkItem* bens = row_for(rows, "company-2"); // still Ana's to do
    REQUIRE(bens);
    CHECK(bens->record_id == "task-902");
    CHECK(mine < bens); // due sooner, listed first
}

TEST_CASE("My work names only the rows asked for; the rest are named as they are shown") {
    Engine engine = demo_engine();
    const Workspace& ws = engine.workspace();
    const auto named = next_actions(ws, "u-ana", kNow);
    REQUIRE(named.size() > 2);
    auto rows = next_actions(ws, "u-ana", kNow, 1);
    REQUIRE(rows.size() == named.size());
    CHECK(rows[0].title == named[0].title);
    CHECK(rows[1].title.empty()); // found and ordered, not yet named
    CHECK(rows[1].due == named[1].due);
    name_work_items(ws, rows, 1, rows.size() + 5); // past the end is fine
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(rows[i].title == named[i].title);
        CHECK(rows[i].what == named[i].what);
        REQUIRE(rows[i].more.size() == named[i].more.size());
        for (std::size_t j = 0; j < rows[i].more.size(); ++j)
            CHECK(rows[i].more[j].what == named[i].more[j].what);
    }
    // A task is named by its own title, under its record's.
    const WorkItem* deal4 = row_for(rows, "deal-4");
    REQUIRE(deal4);
    const WorkItem& task = deal4->kind == "task" ? *deal4 : deal4->more.front();
    CHECK(task.what == ws.title_of(*ws.find("task-10")));
}

namespace {

// Everything a row shows, with the items under it.
std::string shown(const WorkItem& row) {
    std::string text = row.record_id + "|" + row.kind + "|" + row.what + "|" + row.state + "|" +
                       row.flow + "|" + row.reason + "|" + row.about + "|" + row.title + "|" +
                       (row.due ? format_instant(*row.due) : "no due time");
    for (const auto& item : row.more)
        text += " [" + shown(item) + "]";
    return text;
}

// first_actions() against the whole list's first rows, for everyone, at
// times from a month before to a month after `now`; the rows that differ.
std::vector<std::string> first_rows_differ(const Workspace& ws, Instant now) {
    std::vector<std::string> differences;
    for (const User& user : ws.directory.users())
        for (const std::int64_t days : {-30, -1, 0, 1, 3, 30}) {
            const Instant then{now.seconds + days * 86400};
            const auto all = next_actions(ws, user.id, then);
            for (const std::size_t limit : {1, 2, 3, 5, 8, 13, 50}) {
                const auto first = first_actions(ws, user.id, then, limit);
                const std::string where = user.id + " at " + format_instant(then) + ", first " +
                                          std::to_string(limit) + ": ";
                if (first.size() != std::min(limit, all.size()))
                    differences.push_back(where + std::to_string(first.size()) + " rows");
                for (std::size_t i = 0; i < first.size() && i < all.size(); ++i)
                    if (shown(first[i]) != shown(all[i]))
                        differences.push_back(where + shown(first[i]) + " for " + shown(all[i]));
            }
        }
    return differences;
}

} // namespace

TEST_CASE("My work's first rows, from the soonest deadlines only, are the whole list's first") {
    Engine engine = demo_engine();
    engine.keep_deadlines(); // as opening does: each record keeps its soonest deadline
    CHECK(first_rows_differ(engine.workspace(), kNow) == std::vector<std::string>{});
    Workspace ws = engine.workspace(); // a copy, whose records work theirs out on each read

    // Tasks on other people's records, rows due at the same time, a breach
    // escalated from someone else's record, and an SLA read against the time.
    Record task = *ws.find("task-10");
    task.id = "task-901";
    task.fields["related"] = "company-2"; // Ben's company, Ana's task
    task.fields["due"] = "2026-11-24T09:00:00Z";
    REQUIRE(ws.add(std::move(task)));
    for (const char* id : {"task-902", "task-903"}) {
        Record same = *ws.find("task-10");
        same.id = id;
        same.fields["due"] = "2026-11-24T09:00:00Z";
        same.fields["related"] = std::string(id) == "task-902" ? "lead-7" : "deal-4";
        REQUIRE(ws.add(std::move(same)));
    }
    auto policies = sla_policies_from_json(json::parse(R"([
        {"id": "touch", "name": "Rep touch", "record_type": "lead", "starts": "created",
         "stops": {"is_set": {"var": "first_contact_at"}}, "within": "4 hours"},
        {"id": "aging", "name": "Aging deal", "record_type": "deal", "starts": "created",
         "applies": {">": [{"days_since": {"var": "created_at"}}, 2]}, "within": "2 days"}])"),
                                           "$");
    REQUIRE(policies.ok());
    ws.sla_policies = *policies;
    std::vector<std::string> breached;
    for (const Record* lead : ws.records_of_type("lead"))
        if (!lead->owner.empty() && lead->owner != "u-maria" &&
            lead->value("first_contact_at").is_null())
            breached.push_back(lead->id);
    REQUIRE_FALSE(breached.empty());
    for (const auto& id : breached) // to their manager
        ws.set_escalation(id, "touch", std::vector<std::string>{"u-maria"});
    const auto marias = next_actions(ws, "u-maria", kNow);
    CHECK(std::count_if(marias.begin(), marias.end(), [](const WorkItem& row) {
              return row.kind == "escalation";
          }) == static_cast<std::ptrdiff_t>(breached.size()));
    CHECK(first_rows_differ(ws, kNow) == std::vector<std::string>{});
    CHECK(first_actions(ws, "u-ana", kNow, 0).empty());
}

TEST_CASE("the manager sees the team's overdue next actions with owner and how overdue") {
    Engine engine = demo_engine();
    const auto queues = exception_queues(engine.workspace(), "u-maria", kNow);
    const auto overdue = std::find_if(queues.begin(), queues.end(), [](const ExceptionQueue& q) {
        return q.kind == "overdue_next_action";
    });
    REQUIRE(overdue != queues.end());
    CHECK(overdue->title == "Overdue next actions");
    const auto zoe =
        std::find_if(overdue->items.begin(), overdue->items.end(),
                     [](const ExceptionItem& item) { return item.record_id == "lead-7"; });
    REQUIRE(zoe != overdue->items.end());
    CHECK(zoe->owner == "u-ana");
    CHECK(zoe->detail.rfind("Lead routing: Call or email the lead for the first time · Ana Reyes, "
                            "overdue ",
                            0) == 0);
    // Reps do not get the team's queue.
    const auto rep = exception_queues(engine.workspace(), "u-ana", kNow);
    CHECK(std::none_of(rep.begin(), rep.end(),
                       [](const ExceptionQueue& q) { return q.kind == "overdue_next_action"; }));
}

TEST_CASE("the queues find failed automations on records of any type, not only those in a "
          "process") {
    Engine engine = demo_engine();
    Workspace ws = engine.workspace();
    const Record* company = ws.records_of_type("company").front();
    const std::string id = company->id;
    CHECK(ws.failed_records("company").empty());
    ws.edit(id)->automation_failures["rule:enrich"] = {"no such field: industry", kNow};
    ws.reindex_record(id);
    REQUIRE(ws.failed_records("company").size() == 1);
    const auto failed_on = [&](const Workspace& workspace) {
        for (const auto& queue : exception_queues(workspace, "u-sam", kNow))
            if (queue.kind == "automation_failure")
                for (const auto& item : queue.items)
                    if (item.record_id == id) return true;
        return false;
    };
    CHECK(failed_on(ws));
    ws.edit(id)->automation_failures.clear();
    ws.reindex_record(id);
    CHECK(ws.failed_records("company").empty());
    CHECK_FALSE(failed_on(ws));
}

} // namespace log_activity_test
