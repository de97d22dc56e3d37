// Reports: every metric of core/report worked out by hand from its definition
// (metric_rules() in core/report/metrics.cpp) over one small workspace built
// through the engine's own commands at known times: a workspace file with
// deals closed elsewhere, a CSV import of more, deals moved back and forth,
// a reopened ticket, a merged contact, a deleted deal. Then the filters, the
// groupings, what a rep sees against their manager, and bad input.
#include "fixtures.hpp"
#include "io/csv.hpp"
#include "io/workspace_json.hpp"
#include "report/metrics.hpp"
#include "service/csv_import.hpp"
#include "sla/policy.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>

namespace report_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

// Every report is worked out at this instant: Tuesday 30 June 2026, 09:00 UTC
// (the workspace has no calendar: UTC, Mon-Fri 09:00-17:00).
const Instant kNow = at("2026-06-30T09:00:00Z");

// The team (Ana and Ben East reps under Maria, Zed a West rep under Wes, Sam
// the admin) with the lead, sales, support and renewal processes, in USD, and
// a first-response SLA on leads: the first follow-up within 4 hours of the
// lead's creation. The second policy starts at a stage, so it is no
// first-response clock.
Workspace base_workspace() {
    Workspace ws = team_with_pipeline();
    ws.schema = builtin_schema();
    add_processes(ws, {"customer_support", "renewal_management"});
    ws.currency = "USD";
    auto policies = sla_policies_from_json(json::parse(R"([
        {"id": "first_response", "name": "First response in 4 hours", "record_type": "lead",
         "starts": "created", "stops": {"is_set": {"var": "first_contact_at"}},
         "within": "4 hours"},
        {"id": "qualify", "name": "Qualified in 5 days", "record_type": "lead",
         "starts": "flow:lead_routing/contacted",
         "stops": {"in": [{"var": "status"}, ["Qualified", "Disqualified"]]},
         "within": "5 days"}])"),
                                           "$.sla_policies");
    REQUIRE(policies.ok());
    ws.sla_policies = *policies;
    return ws;
}

// What the workspace file brings from the system used before: Acme and
// Globex, two deals closed there (no process history: their stage says how
// they ended, their Expected close when) and a subscription churned before
// the renewal process existed.
const char* kLegacyRecords = R"([
  {"id": "company-1", "type": "company", "owner": "u-ana", "created_by": "u-ana",
   "created_at": "2026-01-05T09:00:00Z",
   "fields": {"name": "Acme Corp", "domain": "acme.example", "industry": "Software",
              "employees": 120, "phone": "+14155550111", "city": "Oakland", "country": "USA"}},
  {"id": "company-2", "type": "company", "owner": "u-zed", "created_by": "u-zed",
   "created_at": "2026-01-05T09:00:00Z", "fields": {"name": "Globex", "country": "USA"}},
  {"id": "deal-1", "type": "deal", "owner": "u-ana", "created_by": "u-ana",
   "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-02-04T09:00:00Z",
   "fields": {"name": "Legacy Acme", "company": "company-1", "stage": "Closed won",
              "amount": {"amount": 6000, "currency": "USD"}, "close_date": "2026-02-04"}},
  {"id": "deal-2", "type": "deal", "owner": "u-zed", "created_by": "u-zed",
   "created_at": "2026-01-12T09:00:00Z", "updated_at": "2026-02-20T09:00:00Z",
   "fields": {"name": "Legacy Globex", "company": "company-2", "stage": "Closed lost",
              "amount": {"amount": 3000, "currency": "USD"}, "close_date": "2026-02-20",
              "lost_reason": "Went with a competitor"}},
  {"id": "subscription-1", "type": "subscription", "owner": "u-ana", "created_by": "u-ana",
   "created_at": "2025-03-01T09:00:00Z",
   "fields": {"name": "Acme add-on", "company": "company-1", "status": "Churned",
              "renewal_date": "2026-02-28"}}
])";

// Deals closed before they came here, as a spreadsheet exported them: they
// join the sales pipeline at their outcome (FlowJoined), without history.
const char* kClosedDealsCsv = "Deal,Account,Value,Stage,Close,Owner\n"
                              "Old rollout,,5000 USD,Closed won,2026-04-15,Ben Okafor\n"
                              "Old pilot,Acme Corp,2000 USD,Closed lost,2026-04-20,Ana Reyes\n"
                              "Old euro deal,Globex,5000 EUR,Closed won,2026-04-25,Zed Ito\n";

json usd(double amount) {
    return {{"amount", amount}, {"currency", "USD"}};
}

// The workspace every report below reads. Times are on the hour so that every
// stay, response and cycle is a whole or half number of hours or days.
struct ReportFixture {
    Engine engine;
    std::map<std::string, std::string> id; // short name -> record id

    ReportFixture() : engine(imported_workspace()) {
        id["acme"] = "company-1";
        id["globex"] = "company-2";
        id["legacy_won"] = "deal-1";
        id["legacy_lost"] = "deal-2";
        id["old_addon"] = "subscription-1";
        people();
        leads();
        deals();
        tickets();
        subscriptions();
        import_closed_deals();
        late_changes();
    }

    static Workspace imported_workspace() {
        json document = workspace_to_json(base_workspace());
        document["records"] = json::parse(kLegacyRecords);
        auto imported = import_workspace(document.dump(), at("2026-03-01T00:00:00Z"));
        REQUIRE_MESSAGE(imported.ok(), (imported.ok() ? "" : imported.error()));
        return std::move(*imported);
    }

    const Record& record(const std::string& name) const {
        const Record* found = engine.workspace().find(id.at(name));
        REQUIRE_MESSAGE(found, name);
        return *found;
    }

    void apply(const Command& command, const std::string& by, const char* when) {
        const Outcome outcome = engine.apply(command, by, at(when));
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
    }
    void create(const std::string& name, const char* type, json fields, const std::string& by,
                const char* when, std::optional<std::string> owner = std::nullopt) {
        const Outcome outcome =
            engine.apply(CreateRecord{type, std::move(fields), std::move(owner)}, by, at(when));
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
        id[name] = outcome.record_id;
    }
    // Moves a record by its owner, filling `fields` on the way.
    void move(const std::string& name, const char* to, const char* when,
              json fields = json::object(), const char* reason = "") {
        const std::string by = record(name).owner;
        apply(MoveRecord{id.at(name), to, "", std::move(fields), reason}, by, when);
    }
    void update(const std::string& name, json fields, const char* when) {
        const std::string by = record(name).owner;
        apply(UpdateRecord{id.at(name), std::move(fields)}, by, when);
    }
    void log(const std::string& name, const char* kind, const char* outcome, const char* when,
             const std::string& by) {
        LogActivity logged;
        logged.id = id.at(name);
        logged.kind = kind;
        logged.outcome = outcome;
        apply(logged, by, when);
    }

    // Initech and three contacts, added on Sunday 1 March; one of the two
    // Dana Whitfields is merged into the other later.
    void people() {
        create("initech", "company",
               {{"name", "Initech"},
                {"domain", "initech.example"},
                {"industry", "Software"},
                {"employees", 40},
                {"phone", "+14155550122"},
                {"city", "Austin"},
                {"country", "USA"}},
               "u-ben", "2026-03-01T10:00:00Z");
        create("dana", "contact",
               {{"first_name", "Dana"},
                {"last_name", "Whitfield"},
                {"email", "dana@acme.example"},
                {"company", "company-1"}},
               "u-ana", "2026-03-01T10:00:00Z");
        create("dana_twice", "contact",
               {{"first_name", "Dana"},
                {"last_name", "Whitfield"},
                {"phone", "+1 415 555 0100"},
                {"job_title", "COO"}},
               "u-ana", "2026-03-01T10:00:00Z");
        create("kim", "contact",
               {{"first_name", "Kim"}, {"last_name", "Ito"}, {"email", "kim@globex.example"}},
               "u-ana", "2026-03-01T10:00:00Z");
    }

    // Leads and how soon someone got back to them.
    void leads() {
        // 30 minutes: the first follow-up time set by hand.
        create("l1", "lead",
               {{"name", "Lena Graf"},
                {"company_name", "Brightline"},
                {"email", "lena@brightline.example"},
                {"phone", "+14155550133"}},
               "u-ana", "2026-03-01T09:00:00Z");
        update("l1", {{"first_contact_at", "2026-03-01T09:30:00Z"}}, "2026-03-01T09:30:00Z");
        // 2 hours: a note after 15 minutes is no response, the call reaching her is.
        create("l2", "lead", {{"name", "Omar Haddad"}, {"source", "Website"}}, "u-ana",
               "2026-03-02T10:00:00Z");
        log("l2", "note", "", "2026-03-02T10:15:00Z", "u-ana");
        log("l2", "call", "Reached", "2026-03-02T12:00:00Z", "u-ana");
        // 6 hours: an email in the afternoon.
        create("l3", "lead", {{"name", "Priya Nair"}}, "u-ana", "2026-03-03T09:00:00Z");
        log("l3", "email", "Sent", "2026-03-03T15:00:00Z", "u-ana");
        // No response: a note only.
        create("l4", "lead", {{"name", "Tom Berg"}}, "u-ben", "2026-03-04T09:00:00Z");
        log("l4", "note", "", "2026-03-04T12:00:00Z", "u-ben");
        // 3 hours: the noon call is written down at 15:00, after the timer
        // raised the breach at 14:00 (so the clock was not met on time).
        create("l5", "lead", {{"name", "Eva Lund"}}, "u-ben", "2026-03-05T09:00:00Z");
        CHECK(engine.raise_breaches(at("2026-03-05T14:00:00Z")).size() == 2); // L4 and L5
        update("l5", {{"first_contact_at", "2026-03-05T12:00:00Z"}}, "2026-03-05T15:00:00Z");
        REQUIRE(record("l5").sla_alerts.count("first_response"));
        // 96 hours: a meeting four days later.
        create("l6", "lead", {{"name", "Raj Patel"}}, "u-zed", "2026-04-01T09:00:00Z");
        log("l6", "meeting", "Meeting held", "2026-04-05T09:00:00Z", "u-zed");
        // 24 hours: a call nobody answered is a response, but no first follow-up.
        create("l7", "lead", {{"name", "Mia Chen"}}, "u-ana", "2026-03-06T09:00:00Z");
        log("l7", "call", "No answer", "2026-03-07T09:00:00Z", "u-ana");
        // Added an hour before the reports: its 4-hour clock still runs.
        create("l8", "lead", {{"name", "Noah Kim"}}, "u-ana", "2026-06-30T08:00:00Z");
        // Nobody's: every rep sees it, and it waits in the unowned queue.
        create("l9", "lead", {{"name", "Ida Holm"}}, "u-maria", "2026-04-01T10:00:00Z",
               std::string());
    }

    void deals() {
        const json kim = id.at("kim");
        // Alpha: proposal_sent -> qualified -> meeting_scheduled -> proposal_sent, then won.
        create("alpha", "deal",
               {{"name", "Alpha"},
                {"stage", "Lead"},
                {"company", "company-1"},
                {"contact", id.at("dana")},
                {"amount", usd(10000)},
                {"close_date", "2026-03-31"}},
               "u-ana", "2026-03-02T09:00:00Z");
        move("alpha", "qualified", "2026-03-04T09:00:00Z", {{"budget", usd(10000)}});
        move("alpha", "meeting_scheduled", "2026-03-06T09:00:00Z",
             {{"decision_maker", kim}, {"meeting_date", "2026-03-08"}});
        move("alpha", "proposal_sent", "2026-03-09T09:00:00Z", {{"demo_completed", true}});
        move("alpha", "qualified", "2026-03-12T09:00:00Z");
        move("alpha", "meeting_scheduled", "2026-03-13T09:00:00Z");
        move("alpha", "proposal_sent", "2026-03-14T09:00:00Z");
        move("alpha", "negotiation", "2026-03-16T09:00:00Z", {{"pricing_discussed", true}});
        move("alpha", "closed_won", "2026-03-20T09:00:00Z", {{"agreement_signed", true}});
        // Beta: lost at the proposal; its contact is the Dana merged away later.
        create("beta", "deal",
               {{"name", "Beta"},
                {"stage", "Lead"},
                {"company", "company-1"},
                {"contact", id.at("dana_twice")},
                {"amount", usd(5000)},
                {"close_date", "2026-04-15"}},
               "u-ana", "2026-03-02T09:00:00Z");
        move("beta", "qualified", "2026-03-03T09:00:00Z", {{"budget", usd(5000)}});
        move("beta", "meeting_scheduled", "2026-03-05T09:00:00Z",
             {{"decision_maker", kim}, {"meeting_date", "2026-03-07"}});
        move("beta", "proposal_sent", "2026-03-10T09:00:00Z", {{"demo_completed", true}});
        move("beta", "closed_lost", "2026-03-13T09:00:00Z", json::object(), "Price");
        // Gamma: won on 2 April, though expected to close on 31 March.
        create("gamma", "deal",
               {{"name", "Gamma"},
                {"stage", "Lead"},
                {"company", "company-2"},
                {"contact", kim},
                {"amount", usd(20000)},
                {"close_date", "2026-03-31"}},
               "u-zed", "2026-03-03T09:00:00Z");
        move("gamma", "qualified", "2026-03-05T09:00:00Z", {{"budget", usd(20000)}});
        move("gamma", "meeting_scheduled", "2026-03-06T09:00:00Z",
             {{"decision_maker", kim}, {"meeting_date", "2026-03-06"}});
        move("gamma", "proposal_sent", "2026-03-09T09:00:00Z", {{"demo_completed", true}});
        move("gamma", "negotiation", "2026-03-11T09:00:00Z", {{"pricing_discussed", true}});
        move("gamma", "closed_won", "2026-04-02T09:00:00Z", {{"agreement_signed", true}});
        // Delta: open, in Qualified since 6 March.
        create("delta", "deal",
               {{"name", "Delta"},
                {"stage", "Lead"},
                {"company", "company-2"},
                {"amount", usd(8000.5)},
                {"close_date", "2026-07-15"},
                {"probability", 25}},
               "u-zed", "2026-03-04T09:00:00Z");
        move("delta", "qualified", "2026-03-06T09:00:00Z", {{"budget", usd(8000)}});
        // Epsilon: open at Lead; a move to Qualified without a budget was blocked.
        create("epsilon", "deal",
               {{"name", "Epsilon"},
                {"stage", "Lead"},
                {"company", "company-1"},
                {"amount", usd(12000.5)},
                {"close_date", "2026-06-20"},
                {"probability", 33}},
               "u-ana", "2026-04-06T09:00:00Z");
        CHECK(engine
                  .apply(MoveRecord{id.at("epsilon"), "qualified"}, "u-ana",
                         at("2026-04-07T09:00:00Z"))
                  .blocked);
        // Zeta: won in a week, then deleted.
        create("zeta", "deal",
               {{"name", "Zeta"},
                {"stage", "Lead"},
                {"company", "company-2"},
                {"amount", usd(7000)},
                {"close_date", "2026-03-31"}},
               "u-ben", "2026-03-05T09:00:00Z");
        move("zeta", "qualified", "2026-03-06T09:00:00Z", {{"budget", usd(7000)}});
        move("zeta", "meeting_scheduled", "2026-03-07T09:00:00Z",
             {{"decision_maker", kim}, {"meeting_date", "2026-03-07"}});
        move("zeta", "proposal_sent", "2026-03-08T09:00:00Z", {{"demo_completed", true}});
        move("zeta", "negotiation", "2026-03-09T09:00:00Z", {{"pricing_discussed", true}});
        move("zeta", "closed_won", "2026-03-10T09:00:00Z", {{"agreement_signed", true}});
        // Iota: disqualified the next day (an exit: neither won nor lost).
        create("iota", "deal", {{"name", "Iota"}, {"stage", "Lead"}, {"amount", usd(1500)}},
               "u-ben", "2026-03-09T09:00:00Z");
        move("iota", "disqualified", "2026-03-10T09:00:00Z", json::object(), "No budget");
        // Eta: open, no close date and no probability.
        create("eta", "deal", {{"name", "Eta"}, {"stage", "Lead"}, {"amount", usd(3000)}}, "u-ana",
               "2026-05-04T09:00:00Z");
        // Theta: open, in euros.
        create("theta", "deal",
               {{"name", "Theta"},
                {"stage", "Lead"},
                {"amount", {{"amount", 4000}, {"currency", "EUR"}}},
                {"close_date", "2026-07-10"}},
               "u-ben", "2026-05-05T09:00:00Z");
    }

    void tickets() {
        const json opened = {{"first_response_at", "2026-03-02T12:00:00Z"}};
        const json plan = {{"resolution_plan", "Replace the part"}};
        // T1: resolved, reopened, resolved again on 2 April; rated 4.
        create("t1", "ticket", {{"subject", "Printer jam"}, {"priority", "High"}}, "u-ana",
               "2026-03-02T09:00:00Z");
        move("t1", "open", "2026-03-02T21:00:00Z", opened);
        move("t1", "resolved", "2026-03-03T21:00:00Z", plan);
        move("t1", "open", "2026-03-05T21:00:00Z");
        move("t1", "resolved", "2026-04-02T09:00:00Z", {{"csat", 4}});
        // T2: rated 2 when resolved, then reopened and open still.
        create("t2", "ticket", {{"subject", "Login fails"}, {"priority", "Normal"}}, "u-ben",
               "2026-03-03T09:00:00Z");
        move("t2", "open", "2026-03-03T21:00:00Z", opened);
        move("t2", "resolved", "2026-03-10T09:00:00Z", {{"resolution_plan", "Reset"}, {"csat", 2}});
        move("t2", "open", "2026-03-12T09:00:00Z");
        // T3: resolved on 30 March, closed on 1 April; rated 5.
        create("t3", "ticket", {{"subject", "Billing question"}, {"priority", "Low"}}, "u-ana",
               "2026-03-04T09:00:00Z");
        move("t3", "open", "2026-03-04T21:00:00Z", opened);
        move("t3", "resolved", "2026-03-30T09:00:00Z", plan);
        move("t3", "closed", "2026-04-01T09:00:00Z", {{"resolution_confirmed", true}, {"csat", 5}});
        // T4: resolved on 16 March; rated 3.
        create("t4", "ticket", {{"subject", "Dashboard slow"}, {"priority", "High"}}, "u-zed",
               "2026-03-05T09:00:00Z");
        move("t4", "open", "2026-03-05T21:00:00Z", opened);
        move("t4", "resolved", "2026-03-16T09:00:00Z", {{"resolution_plan", "Index"}, {"csat", 3}});
        // T5: resolved, never rated.
        create("t5", "ticket", {{"subject", "Export broken"}, {"priority", "Normal"}}, "u-ana",
               "2026-03-06T09:00:00Z");
        move("t5", "resolved", "2026-03-09T09:00:00Z", plan);
        // T6: resolved on 20 March and rated 1; the customer never confirmed,
        // so it left through the no-reply exit on 10 April.
        create("t6", "ticket", {{"subject", "Slow sync"}, {"priority", "Normal"}}, "u-ben",
               "2026-03-16T09:00:00Z");
        move("t6", "resolved", "2026-03-20T09:00:00Z", {{"resolution_plan", "Retry"}, {"csat", 1}});
        move("t6", "no_reply", "2026-04-10T09:00:00Z", json::object(), "No reply in 3 weeks");
    }

    // Subscriptions renewing within 120 days start the renewal process when added.
    void subscriptions() {
        auto subscription = [&](const char* name, const char* title, const char* renews,
                                const char* owner, const char* when) {
            create(
                name, "subscription",
                {{"name", title}, {"plan", "Growth"}, {"mrr", usd(1000)}, {"renewal_date", renews}},
                owner, when);
            REQUIRE(record(name).flows.count("renewal_management"));
        };
        subscription("s1", "Acme yearly", "2026-04-30", "u-ana", "2026-03-02T09:00:00Z");
        move("s1", "renewed", "2026-04-20T09:00:00Z");
        subscription("s2", "Globex monthly", "2026-05-15", "u-ben", "2026-03-02T09:00:00Z");
        move("s2", "churned", "2026-05-10T09:00:00Z", json::object(), "Budget cut");
        subscription("s3", "Initech plan", "2026-05-31", "u-zed", "2026-03-02T09:00:00Z");
        move("s3", "downgraded", "2026-05-20T09:00:00Z", {{"new_mrr", usd(500)}}, "Fewer seats");
        subscription("s6", "Acme support", "2026-05-28", "u-ana", "2026-03-02T09:00:00Z");
        move("s6", "renewed", "2026-05-25T09:00:00Z");
        // Still being worked on: no decision yet.
        subscription("s7", "Globex add-on", "2026-08-01", "u-ben", "2026-05-01T09:00:00Z");
    }

    void import_closed_deals() {
        auto decoded = decode_text(kClosedDealsCsv);
        REQUIRE(decoded.ok());
        auto table = parse_csv(decoded->text, ',');
        REQUIRE(table.ok());
        ImportMapping mapping;
        mapping.columns = {{"Deal", "name"},   {"Account", "company"},  {"Value", "amount"},
                           {"Stage", "stage"}, {"Close", "close_date"}, {"Owner", kOwnerTarget}};
        auto plan = plan_import(engine, *table, "deal", mapping, "u-sam", "closed-deals.csv",
                                at("2026-05-11T09:00:00Z"));
        REQUIRE_MESSAGE(plan.ok(), (plan.ok() ? "" : plan.error()));
        REQUIRE(plan->problems.empty());
        const Outcome outcome = commit_import(engine, *plan, "u-sam", at("2026-05-11T09:00:00Z"));
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
        const auto& deals = engine.workspace().ids_of_type("deal");
        REQUIRE(deals.size() >= 3);
        id["old_won"] = deals[deals.size() - 3];
        id["old_lost"] = deals[deals.size() - 2];
        id["old_euro"] = deals[deals.size() - 1];
    }

    // The merge, the deletion and a flagged data problem.
    void late_changes() {
        // Activities on the Dana that is merged away.
        log("dana_twice", "call", "Reached", "2026-03-03T10:00:00Z", "u-ana");
        log("dana_twice", "meeting", "Meeting held", "2026-03-10T10:00:00Z", "u-ana");
        apply(MergeRecords{id.at("dana"), id.at("dana_twice"), {}}, "u-maria",
              "2026-03-11T09:00:00Z");
        apply(DeleteRecord{id.at("zeta")}, "u-maria", "2026-03-11T09:00:00Z");
        apply(FlagDataProblem{id.at("kim"), "The email bounces"}, "u-ana", "2026-03-12T09:00:00Z");
    }
};

ReportQuery query(const char* metric, ReportFilter filter = {}, const char* by = "") {
    return ReportQuery{metric, by, std::move(filter)};
}

ReportFilter period(CivilDate from, CivilDate to) {
    ReportFilter filter;
    filter.from = from;
    filter.to = to;
    return filter;
}

Report run(const ReportFixture& fixture, const ReportQuery& q, const char* viewer = "u-sam") {
    auto made = run_report(fixture.engine.workspace(), viewer, q, kNow);
    REQUIRE_MESSAGE(made.ok(), (made.ok() ? "" : made.error()));
    return *made;
}

std::string refused(const ReportFixture& fixture, const ReportQuery& q,
                    const char* viewer = "u-sam") {
    auto made = run_report(fixture.engine.workspace(), viewer, q, kNow);
    REQUIRE_FALSE(made.ok());
    return made.error();
}

// One row as the test expects it; `approx` only where the division is inexact.
struct Expected {
    std::string key, label;
    double value;
    std::size_t count;
    bool approx = false;
};

void check_rows(const Report& report, const std::vector<Expected>& expected) {
    REQUIRE(report.rows.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const ReportRow& row = report.rows[i];
        const Expected& want = expected[i];
        INFO("row " << i << ": " << row.key);
        CHECK(row.key == want.key);
        CHECK(row.label == want.label);
        REQUIRE(row.value.has_value());
        if (want.approx)
            CHECK(*row.value == doctest::Approx(want.value));
        else
            CHECK(*row.value == want.value);
        CHECK(row.count == want.count);
    }
}

constexpr bool kInexact = true;

} // namespace

TEST_CASE("report: the fixture is what the tests below count on") {
    ReportFixture f;
    const Workspace& ws = f.engine.workspace();
    // The workspace file's closed deals stand in no process; the CSV's joined
    // the pipeline at their outcome, with no history before it.
    CHECK(f.record("legacy_won").flows.empty());
    const FlowState& joined = f.record("old_won").flows.at("sales_pipeline");
    CHECK(joined.status == "ended");
    CHECK(joined.outcome == "closed_won");
    REQUIRE(joined.history.size() == 1);
    CHECK(joined.history[0].joined);
    CHECK(f.record("old_won").value("close_date") == "2026-04-15");
    CHECK(f.record("old_won").owner == "u-ben");
    CHECK(f.record("old_euro").owner == "u-zed");
    // Alpha went back and forth: eight moves after joining at Lead.
    const auto& alpha = f.record("alpha").flows.at("sales_pipeline").history;
    REQUIRE(alpha.size() == 9);
    CHECK(alpha[4].stage == "qualified");
    CHECK(alpha[6].stage == "proposal_sent");
    // The reopened ticket's last entry is its second resolution.
    const FlowState& t1 = f.record("t1").flows.at("customer_support");
    CHECK(t1.stage == "resolved");
    CHECK(format_instant(t1.history.back().at) == "2026-04-02T09:00:00Z");
    CHECK(f.record("t2").flows.at("customer_support").stage == "open");
    // The merge: one Dana, with the other's phone and job title and her activities.
    CHECK(ws.find(f.id.at("dana_twice")) == nullptr);
    CHECK(f.record("dana").value("job_title") == "COO");
    CHECK(f.record("beta").value("contact") == f.id.at("dana"));
    std::size_t on_dana = 0;
    for (const auto& activity : ws.ids_of_type("activity"))
        on_dana += ws.find(activity)->value("related") == f.id.at("dana") ? 1 : 0;
    CHECK(on_dana == 2);
    CHECK(ws.find(f.id.at("zeta")) == nullptr);
    // Who got back to the leads and how: a contact made moved L2, L3 and L6 on to Assigned.
    CHECK(f.record("l2").value("first_contact_at") == "2026-03-02T12:00:00Z");
    CHECK(f.record("l3").value("first_contact_at") == "2026-03-03T15:00:00Z");
    CHECK(f.record("l6").value("first_contact_at") == "2026-04-05T09:00:00Z");
    CHECK_FALSE(f.record("l7").has_value("first_contact_at"));
    CHECK(f.record("l1").flows.at("lead_routing").stage == "new");
    for (const char* moved : {"l2", "l3", "l6"})
        CHECK(f.record(moved).flows.at("lead_routing").stage == "assigned");
    for (const char* waiting : {"l4", "l5", "l7", "l8", "l9"})
        CHECK(f.record(waiting).flows.at("lead_routing").stage == "new");
    CHECK(f.record("epsilon").flows.at("sales_pipeline").blocked.has_value());
}

TEST_CASE("report: the catalog lists the sixteen metrics in order") {
    std::vector<std::string> names;
    for (const auto& metric : metric_catalog())
        names.push_back(metric.name);
    CHECK(names == std::vector<std::string>{
                       "lead_response_time", "first_response_sla", "conversion_by_stage",
                       "time_in_stage", "sales_cycle", "win_rate", "pipeline_value",
                       "weighted_forecast", "revenue", "renewal_rate", "churn_rate", "csat",
                       "revenue_per_customer", "completeness", "adoption", "exceptions"});
    REQUIRE(metric_info("win_rate"));
    CHECK(metric_info("win_rate")->rows == "Close month");
    CHECK(metric_info("nps") == nullptr);
}

TEST_CASE("report: lead response time buckets each lead and takes the median of the responses") {
    ReportFixture f;
    const Report all = run(f, query("lead_response_time"));
    check_rows(all, {
                        {"under_1h", "Under 1 hour", 1, 1}, // L1 0.5 h
                        {"1_4h", "1 to 4 hours", 2, 2}, // L2 2 h (its earlier note is none), L5 3 h
                        {"4_24h", "4 to 24 hours", 1, 1},  // L3 6 h
                        {"1_3d", "1 to 3 days", 1, 1},     // L7 24 h (a call, unanswered)
                        {"over_3d", "Over 3 days", 1, 1},  // L6 96 h
                        {"none", "No response yet", 3, 3}, // L4 (a note only), L8, L9
                    });
    CHECK(*all.total == 4.5); // median of 0.5, 2, 3, 6, 24, 96 = (3 + 6) / 2 hours
    CHECK(all.count == 9);

    // Leads created in March (L1 on 1 March to L7 on 6 March).
    const Report march = run(f, query("lead_response_time", period({2026, 3, 1}, {2026, 3, 31})));
    check_rows(march, {
                          {"under_1h", "Under 1 hour", 1, 1}, // L1
                          {"1_4h", "1 to 4 hours", 2, 2},     // L2, L5
                          {"4_24h", "4 to 24 hours", 1, 1},   // L3
                          {"1_3d", "1 to 3 days", 1, 1},      // L7
                          {"none", "No response yet", 1, 1},  // L4
                      });
    CHECK(*march.total == 3); // median of 0.5, 2, 3, 6, 24 hours

    // Grouped by owner, the rows count each person's leads (nobody's last).
    check_rows(run(f, query("lead_response_time", {}, "owner")),
               {
                   {"u-ana", "Ana Reyes", 5, 5},  // L1, L2, L3, L7, L8
                   {"u-ben", "Ben Okafor", 2, 2}, // L4, L5
                   {"u-zed", "Zed Ito", 1, 1},    // L6
                   {"", "Unowned", 1, 1},         // L9
               });
}

TEST_CASE("report: the first-response SLA counts clocks met on time, not those still running") {
    ReportFixture f;
    const Report all = run(f, query("first_response_sla"));
    // L1 (30 min) and L2 (2 h) met on time; L3 (6 h) and L6 (96 h) met late;
    // L5's follow-up at noon was in time but written down after its breach was
    // raised; L4, L7 (a call, but no first follow-up) and L9 overdue; L8 still running.
    check_rows(all, {{"first_response", "First response in 4 hours", 0.25, 8}}); // 2 / 8
    CHECK(*all.total == 0.25);
    CHECK(all.count == 8);
    const Report march = run(f, query("first_response_sla", period({2026, 3, 2}, {2026, 3, 31})));
    check_rows(march, {{"first_response", "First response in 4 hours", 0.2, 5}}); // L2 of L2-L5, L7
    CHECK(*march.total == 0.2);
}

TEST_CASE("report: conversion by stage counts a deal that moved back once per stage") {
    ReportFixture f;
    // Deals that started the pipeline in March: Alpha, Beta, Gamma, Delta and
    // Iota (Zeta is deleted). Alpha reached Proposal sent twice: once here.
    const Report march = run(f, query("conversion_by_stage", period({2026, 3, 1}, {2026, 3, 31})));
    check_rows(march,
               {
                   {"lead", "Lead", 0.8, 5},                         // 4 / 5: all but Iota went on
                   {"qualified", "Qualified", 0.75, 4},              // 3 / 4: Delta stays
                   {"meeting_scheduled", "Meeting scheduled", 1, 3}, // 3 / 3
                   {"proposal_sent", "Proposal sent", 2.0 / 3, 3, kInexact}, // Alpha, Gamma of 3
                   {"negotiation", "Negotiation", 1, 2},                     // 2 / 2 won
               });
    CHECK(*march.total == 0.4); // 2 won (Alpha, Gamma) / 5 started
    CHECK(march.count == 5);    // the records behind the total, each once (rows: 5 + 4 + 3 + 3 + 2)
    CHECK(march.rows[3].records ==
          std::vector<std::string>{f.id.at("alpha"), f.id.at("beta"), f.id.at("gamma")});

    // Over all time the CSV's deals count too: the two won passed every stage,
    // the lost one reached Lead only. The workspace file's deals are in no process.
    const Report all = run(f, query("conversion_by_stage"));
    // 11 started: Alpha, Beta, Gamma, Delta, Epsilon, Iota, Eta, Theta and the 3 imports.
    check_rows(all, {
                        // 6 / 11 went on: Alpha, Beta, Gamma, Delta, Old rollout, Old euro deal
                        {"lead", "Lead", 6.0 / 11, 11, kInexact},
                        {"qualified", "Qualified", 5.0 / 6, 6, kInexact}, // 5 / 6: Delta stays
                        {"meeting_scheduled", "Meeting scheduled", 1, 5}, // 5 / 5
                        {"proposal_sent", "Proposal sent", 0.8, 5},       // 4 / 5: Beta lost
                        {"negotiation", "Negotiation", 1, 4},             // 4 / 4 won
                    });
    CHECK(*all.total == doctest::Approx(4.0 / 11)); // Alpha, Gamma, Old rollout, Old euro deal
    CHECK(all.count == 11);                         // not 11 + 6 + 5 + 5 + 4
}

TEST_CASE("report: time in stage adds up every stay, open ones to now") {
    ReportFixture f;
    const Report all = run(f, query("time_in_stage"));
    check_rows(all,
               {
                   // Alpha 2, Beta 1, Gamma 2, Delta 2, Epsilon 85, Iota 1, Eta 57, Theta 56
                   {"lead", "Lead", 25.75, 8},                       // 206 / 8 days
                   {"qualified", "Qualified", 30.5, 4},              // (3 + 2 + 1 + 116) / 4
                   {"meeting_scheduled", "Meeting scheduled", 4, 3}, // (4 + 5 + 3) / 3
                   {"proposal_sent", "Proposal sent", 10.0 / 3, 3, kInexact}, // (5 + 3 + 2) / 3
                   {"negotiation", "Negotiation", 13, 2},                     // (4 + 22) / 2
               });
    // Alpha's two proposal stays: 3 days (9-12 March) and 2 (14-16 March).
    // Per deal: 18 + 11 + 30 + 118 + 85 + 1 + 57 + 56 = 376 days over 8 deals.
    CHECK(*all.total == 47);
    CHECK(all.count == 8); // deals, not their 20 stays
    CHECK(all.highlight == "qualified");

    // Stays that began from 12 March: Alpha's second round only.
    const Report late = run(f, query("time_in_stage", period({2026, 3, 12}, {2026, 3, 31})));
    check_rows(late, {
                         {"qualified", "Qualified", 1, 1},                 // 12 to 13 March
                         {"meeting_scheduled", "Meeting scheduled", 1, 1}, // 13 to 14 March
                         {"proposal_sent", "Proposal sent", 2, 1},         // 14 to 16 March
                         {"negotiation", "Negotiation", 4, 1},             // 16 to 20 March
                     });
    CHECK(*late.total == 8); // 1 + 1 + 2 + 4
    CHECK(late.highlight == "negotiation");

    // Another flow: the tickets' stays in customer support.
    const Report support = run(f, query("time_in_stage", [] {
                                   ReportFilter filter;
                                   filter.flow = "customer_support";
                                   return filter;
                               }()));
    check_rows(support,
               {
                   // T1-T4 half a day each, T5 3 days, T6 4 days: (0.5 * 4 + 3 + 4) / 6
                   {"new", "New", 1.5, 6},
                   {"open", "Open", 45.25,
                    4}, // (28.5 + 116.5 + 25.5 + 10.5) / 4
                        // T1 2 + 89, T2 2, T3 2, T4 106, T5 113, T6 21 (to its exit): 335 / 6
                   {"resolved", "Resolved", 335.0 / 6, 6, kInexact},
               });
    // T1 0.5 + (1 + 27.5) + (2 + 89); T2 0.5 + (6.5 + 110) + 2; T3 0.5 + 25.5 + 2;
    // T4 0.5 + 10.5 + 106; T5 3 + 113; T6 4 + 21:
    // (120 + 119 + 28 + 117 + 116 + 25) / 6 tickets
    CHECK(*support.total == 87.5);
    CHECK(support.count == 6); // tickets, not their 16 stays
    CHECK(support.highlight == "resolved");
}

TEST_CASE("report: the sales cycle runs from added to won; imported deals close on their date") {
    ReportFixture f;
    const Report all = run(f, query("sales_cycle"));
    check_rows(all,
               {
                   {"2026-02", "Feb 2026", 30, 1}, // Legacy Acme: 5 Jan to its close date 4 Feb
                   {"2026-03", "Mar 2026", 18, 1}, // Alpha: 2 to 20 March
                   {"2026-04", "Apr 2026", 30, 1}, // Gamma: 3 March to 2 April
               });
    CHECK(*all.total == 26); // (30 + 18 + 30) / 3 days
    CHECK(all.count == 3);
    // The CSV's won deals were added on 11 May, after they closed (15 and 25 April).
    CHECK(all.notes == std::vector<std::string>{
                           "2 won deals left out: they closed before the day they were added "
                           "(imported with an old close date)"});
}

TEST_CASE("report: win rate over deals closed, by the day they closed") {
    ReportFixture f;
    const Report all = run(f, query("win_rate"));
    check_rows(all, {
                        {"2026-02", "Feb 2026", 0.5, 2}, // Legacy Acme won, Legacy Globex lost
                        {"2026-03", "Mar 2026", 0.5, 2}, // Alpha won, Beta lost (Zeta deleted)
                        // Gamma, Old rollout, Old euro deal won; Old pilot lost: 3 / 4
                        {"2026-04", "Apr 2026", 0.75, 4},
                    });
    CHECK(*all.total == 0.625); // 5 won / 8 closed; Iota left through an exit
    CHECK(all.count == 8);

    const Report april = run(f, query("win_rate", period({2026, 4, 1}, {2026, 4, 30})));
    check_rows(april, {{"2026-04", "Apr 2026", 0.75, 4}});
    CHECK(*april.total == 0.75);

    // Grouped by team: East is Ana's and Ben's, West Zed's.
    const Report teams = run(f, query("win_rate", {}, "team"));
    check_rows(teams,
               {
                   {"t-east", "East", 0.6, 5},               // Legacy Acme, Alpha, Old rollout of 5
                   {"t-west", "West", 2.0 / 3, 3, kInexact}, // Gamma, Old euro; Legacy Globex lost
               });
    CHECK(*teams.total == 0.625);
}

TEST_CASE("report: a rep sees their own deals, their manager the team's") {
    ReportFixture f;
    const Report ana = run(f, query("win_rate"), "u-ana");
    check_rows(ana, {
                        {"2026-02", "Feb 2026", 1, 1},   // Legacy Acme won
                        {"2026-03", "Mar 2026", 0.5, 2}, // Alpha won, Beta lost
                        {"2026-04", "Apr 2026", 0, 1},   // Old pilot lost
                    });
    CHECK(*ana.total == 0.5); // 2 / 4
    const Report maria = run(f, query("win_rate"), "u-maria");
    check_rows(maria, {
                          {"2026-02", "Feb 2026", 1, 1},   // Legacy Acme
                          {"2026-03", "Mar 2026", 0.5, 2}, // Alpha, Beta
                          {"2026-04", "Apr 2026", 0.5, 2}, // Old rollout won (Ben), Old pilot lost
                      });
    CHECK(*maria.total == 0.6); // 3 / 5: Zed's deals are West's
    // Ana's time in stage: Alpha, Beta, Epsilon and Eta.
    const Report stays = run(f, query("time_in_stage"), "u-ana");
    check_rows(stays, {
                          {"lead", "Lead", 36.25, 4},         // (2 + 1 + 85 + 57) / 4
                          {"qualified", "Qualified", 2.5, 2}, // (3 + 2) / 2
                          {"meeting_scheduled", "Meeting scheduled", 4.5, 2}, // (4 + 5) / 2
                          {"proposal_sent", "Proposal sent", 4, 2},           // (5 + 3) / 2
                          {"negotiation", "Negotiation", 4, 1},
                      });
    CHECK(*stays.total == 42.75); // (18 + 11 + 85 + 57) / 4
    CHECK(stays.highlight == "lead");
}

TEST_CASE("report: pipeline value and weighted forecast of open deals by expected close month") {
    ReportFixture f;
    const std::vector<std::string> euro = {
        "1 open deals in EUR left out: reports add up the workspace currency (USD) only"};
    const Report pipeline = run(f, query("pipeline_value"));
    check_rows(pipeline, {
                             {"2026-06", "Jun 2026", 12000.5, 1}, // Epsilon
                             {"2026-07", "Jul 2026", 8000.5, 1},  // Delta (Theta is in euros)
                             {"none", "No close date", 3000, 1},  // Eta
                         });
    CHECK(*pipeline.total == 23001); // 12000.50 + 8000.50 + 3000
    CHECK(pipeline.count == 3);
    CHECK(pipeline.notes == euro);

    const Report weighted = run(f, query("weighted_forecast"));
    check_rows(weighted, {
                             {"2026-06", "Jun 2026", 3960.17, 1}, // 12000.50 * 33 % = 3960.165
                             {"2026-07", "Jul 2026", 2000.13, 1}, // 8000.50 * 25 % = 2000.125
                             {"none", "No close date", 3000, 1},  // no probability: in full
                         });
    // Each deal rounded to the cent first: 3960.17 + 2000.13 + 3000, not
    // 3960.165 + 2000.125 + 3000 = 8960.29 rounded once.
    CHECK(*weighted.total == 8960.3);

    // A period filters on Expected close, and leaves deals without one out.
    const Report july = run(f, query("pipeline_value", period({2026, 7, 1}, {2026, 7, 31})));
    check_rows(july, {{"2026-07", "Jul 2026", 8000.5, 1}});
    CHECK(july.notes == euro); // Theta closes in July
    const Report june = run(f, query("pipeline_value", period({2026, 6, 1}, {2026, 6, 30})));
    check_rows(june, {{"2026-06", "Jun 2026", 12000.5, 1}});
    CHECK(june.notes.empty()); // Theta is not in June's pipeline at all
}

TEST_CASE("report: revenue of deals won, filtered by owner, team, flow and field, grouped") {
    ReportFixture f;
    const std::vector<std::string> euro = {
        "1 won deals in EUR left out: reports add up the workspace currency (USD) only"};
    const Report all = run(f, query("revenue"));
    check_rows(all, {
                        {"2026-02", "Feb 2026", 6000, 1},  // Legacy Acme, closed on its date
                        {"2026-03", "Mar 2026", 10000, 1}, // Alpha (Zeta's 7000 deleted)
                        {"2026-04", "Apr 2026", 25000, 2}, // Gamma 20000 + Old rollout 5000
                    });
    CHECK(*all.total == 41000);
    CHECK(all.count == 4);
    CHECK(all.notes == euro);

    check_rows(run(f, query("revenue", {}, "owner")),
               {
                   {"u-ana", "Ana Reyes", 16000, 2}, // 6000 + 10000
                   {"u-ben", "Ben Okafor", 5000, 1},
                   {"u-zed", "Zed Ito", 20000, 1},
               });
    ReportFilter ana;
    ana.owner = "u-ana";
    const Report own = run(f, query("revenue", ana));
    check_rows(own, {{"2026-02", "Feb 2026", 6000, 1}, {"2026-03", "Mar 2026", 10000, 1}});
    CHECK(*own.total == 16000);
    ReportFilter west;
    west.team = "t-west";
    const Report zed = run(f, query("revenue", west));
    check_rows(zed, {{"2026-04", "Apr 2026", 20000, 1}}); // Gamma; Old euro deal in a note
    CHECK(zed.notes == euro);
    ReportFilter pipeline;
    pipeline.flow = "sales_pipeline";
    const Report in_flow = run(f, query("revenue", pipeline));
    check_rows(in_flow, {{"2026-03", "Mar 2026", 10000, 1}, {"2026-04", "Apr 2026", 25000, 2}});
    CHECK(*in_flow.total == 35000); // Legacy Acme is in no process
    ReportFilter acme;
    acme.where = {{"company", "company-1"}};
    const Report at_acme = run(f, query("revenue", acme));
    CHECK(*at_acme.total == 16000); // Legacy Acme + Alpha
    check_rows(run(f, query("revenue", {}, "company")), {
                                                            {"company-1", "Acme Corp", 16000, 2},
                                                            {"company-2", "Globex", 20000, 1},
                                                            {"", "Not set", 5000, 1}, // Old rollout
                                                        });
    check_rows(run(f, query("revenue", {}, "month")), {
                                                          {"2026-02", "Feb 2026", 6000, 1},
                                                          {"2026-03", "Mar 2026", 10000, 1},
                                                          {"2026-04", "Apr 2026", 25000, 2},
                                                      });
}

TEST_CASE("report: renewal and churn rates over renewals decided, in the flow and before it") {
    ReportFixture f;
    const Report renewal = run(f, query("renewal_rate"));
    check_rows(renewal,
               {
                   {"2026-02", "Feb 2026", 0, 1}, // Acme add-on churned (its status, its date)
                   {"2026-04", "Apr 2026", 1, 1}, // Acme yearly renewed
                   // Acme support renewed, Initech plan downgraded, Globex monthly churned
                   {"2026-05", "May 2026", 2.0 / 3, 3, kInexact},
               });
    CHECK(*renewal.total == 0.6); // 3 kept / 5 decided; Globex add-on undecided
    CHECK(renewal.count == 5);
    const Report churn = run(f, query("churn_rate"));
    check_rows(churn, {
                          {"2026-02", "Feb 2026", 1, 1},
                          {"2026-04", "Apr 2026", 0, 1},
                          {"2026-05", "May 2026", 1.0 / 3, 3, kInexact},
                      });
    CHECK(*churn.total == 0.4); // 2 / 5
    check_rows(run(f, query("renewal_rate", {}, "team")),
               {
                   {"t-east", "East", 0.5, 4}, // Acme yearly, Acme support of 4
                   {"t-west", "West", 1, 1},   // Initech plan downgraded: kept
               });
}

TEST_CASE("report: csat counts a reopened ticket once, at its latest resolution") {
    ReportFixture f;
    const Report all = run(f, query("csat"));
    check_rows(all, {
                        {"2026-03", "Mar 2026", 2, 2},   // T4 3, T6 1 (resolved 20 March): 4 / 2
                        {"2026-04", "Apr 2026", 4.5, 2}, // T1 (resolved again 2 April) 4, T3 5
                    });
    CHECK(*all.total == 3.25); // (3 + 1 + 4 + 5) / 4; T2 is open again, T5 unrated
    CHECK(all.count == 4);
    CHECK(all.records ==
          std::vector<std::string>{f.id.at("t1"), f.id.at("t3"), f.id.at("t4"), f.id.at("t6")});
    // T3 was resolved on 30 March and closed on 1 April: it counts from its
    // close. T6 left through the no-reply exit in April: it counts from its
    // resolution in March.
    const Report march = run(f, query("csat", period({2026, 3, 1}, {2026, 3, 31})));
    check_rows(march, {{"2026-03", "Mar 2026", 2, 2}});
    CHECK(march.records == std::vector<std::string>{f.id.at("t4"), f.id.at("t6")});
    ReportFilter high;
    high.where = {{"priority", "high"}};
    const Report urgent = run(f, query("csat", high));
    check_rows(urgent, {{"2026-03", "Mar 2026", 3, 1}, {"2026-04", "Apr 2026", 4, 1}});
    CHECK(*urgent.total == 3.5); // (3 + 4) / 2
    check_rows(run(f, query("csat", {}, "priority")), {
                                                          {"High", "High", 3.5, 2},   // T1 4, T4 3
                                                          {"Low", "Low", 5, 1},       // T3
                                                          {"Normal", "Normal", 1, 1}, // T6
                                                      });
    const Report ana = run(f, query("csat"), "u-ana");
    check_rows(ana, {{"2026-04", "Apr 2026", 4.5, 2}}); // T1, T3: (4 + 5) / 2
}

TEST_CASE("report: revenue per customer counts the companies that bought") {
    ReportFixture f;
    const Report all = run(f, query("revenue_per_customer"));
    check_rows(all, {
                        {"company-1", "Acme Corp", 16000, 2}, // Legacy Acme 6000 + Alpha 10000
                        {"company-2", "Globex", 20000, 1},    // Gamma
                    });
    CHECK(*all.total == 18000); // 36000 / 2 companies
    CHECK(all.notes ==
          std::vector<std::string>{
              "1 won deals in EUR left out: reports add up the workspace currency (USD) only",
              "1 won deals without a company left out"});
    // Grouped by month, the total still divides by the companies.
    const Report by_month = run(f, query("revenue_per_customer", {}, "month"));
    check_rows(by_month, {
                             {"2026-02", "Feb 2026", 6000, 1},
                             {"2026-03", "Mar 2026", 10000, 1},
                             {"2026-04", "Apr 2026", 20000, 1},
                         });
    CHECK(*by_month.total == 18000);
}

TEST_CASE("report: completeness counts the merged contact's survivor only") {
    ReportFixture f;
    // Added on 1 March: Initech, the two Danas (one merged away), Kim and Lena Graf.
    const Report day = run(f, query("completeness", period({2026, 3, 1}, {2026, 3, 1})));
    check_rows(day, {
                        {"company", "Companies", 100, 1}, // Initech: 7 of 7
                        // Dana 6 of 6 after the merge, Kim 3 of 6: (100 + 50) / 2
                        {"contact", "Contacts", 75, 2},
                        {"lead", "Leads", 80, 1}, // Lena: 4 of 5 (no source)
                    });
    CHECK(*day.total == 82.5); // (100 + 100 + 50 + 80) / 4
    CHECK(day.count == 4);
    const Report ana = run(f, query("completeness", period({2026, 3, 1}, {2026, 3, 1})), "u-ana");
    check_rows(ana, {{"contact", "Contacts", 75, 2}, {"lead", "Leads", 80, 1}});
    CHECK(*ana.total == doctest::Approx(230.0 / 3)); // (100 + 50 + 80) / 3: Initech is Ben's
}

TEST_CASE("report: adoption counts activities per week per person and the active people") {
    ReportFixture f;
    // Two weeks, 2-15 March.
    const Report weeks = run(f, query("adoption", period({2026, 3, 2}, {2026, 3, 15})));
    check_rows(weeks, {
                          // L2 note and call, L3 email, L7 call, and the call and meeting
                          // logged on the Dana merged away (now on the survivor): 6 / 2 weeks
                          {"u-ana", "Ana Reyes", 3, 6},
                          {"u-ben", "Ben Okafor", 0.5, 1}, // L4's note: 1 / 2 weeks
                      });
    CHECK(*weeks.total == 3); // Ana and Ben logged; Zed added Gamma, Delta, T4 and a subscription
    CHECK(weeks.count == 7);
    check_rows(run(f, query("adoption", period({2026, 3, 2}, {2026, 3, 15}), "team")),
               {{"t-east", "East", 3.5, 7}}); // 7 / 2 weeks
    // Without a period: from the first activity (2 March) to today (30 June), 121 days.
    const Report all = run(f, query("adoption"));
    check_rows(all, {
                        {"u-ana", "Ana Reyes", 6 * 7.0 / 121, 6, kInexact},
                        {"u-ben", "Ben Okafor", 7.0 / 121, 1, kInexact},
                        {"u-zed", "Zed Ito", 7.0 / 121, 1, kInexact}, // L6's meeting
                    });
    CHECK(*all.total == 5); // and Maria (L9) and Sam (the CSV import) added records
}

TEST_CASE("report: exceptions as they stand now, by kind") {
    ReportFixture f;
    const Report all = run(f, query("exceptions"));
    check_rows(all, {
                        {"unowned", "Unowned work", 1, 1},    // L9
                        {"sla_breach", "SLA breaches", 3, 3}, // L4, L7, L9
                        // Stage tasks past due: leads L1-L7 (7), open deals Delta, Epsilon,
                        // Eta, Theta (4), tickets T1, T4, T5 in Resolved (3), the Globex
                        // add-on in Health review (1): 7 + 4 + 3 + 1. L8's is due at 10:00.
                        {"overdue_next_action", "Overdue next actions", 15, 15},
                        {"blocked_move", "Blocked moves", 1, 1},         // Epsilon
                        {"data_problem", "Data problems flagged", 1, 1}, // Kim
                    });
    CHECK(*all.total == 21); // 1 + 3 + 15 + 1 + 1
    // A rep: the unowned lead and breaches on what they may see, their blocked move.
    const Report ana = run(f, query("exceptions"), "u-ana");
    check_rows(ana, {
                        {"unowned", "Unowned work", 1, 1},
                        {"sla_breach", "SLA breaches", 2, 2}, // L7, L9
                        {"blocked_move", "Blocked moves", 1, 1},
                    });
    CHECK(*ana.total == 4); // 1 + 2 + 1
    const Report dated = run(f, query("exceptions", period({2026, 3, 1}, {2026, 3, 31})));
    CHECK(*dated.total == 21);
    CHECK(dated.notes ==
          std::vector<std::string>{
              "exceptions are counted as they stand now; the period does not apply"});
}

TEST_CASE("report: bad input is refused in words") {
    ReportFixture f;
    CHECK(refused(f, query("nps")) == "there is no metric \"nps\"; crm report --list names every "
                                      "metric");
    CHECK(refused(f, query("win_rate"), "u-nobody") == "there is no user \"u-nobody\"");
    CHECK(refused(f, query("win_rate", period({2026, 4, 1}, {2026, 3, 1}))) ==
          "the period ends (2026-03-01) before it starts (2026-04-01)");
    CHECK(refused(f, query("win_rate", {}, "colour")) ==
          "--by: Deals have no field \"colour\"; group by owner, team, month or one of their "
          "fields");
    CHECK(refused(f, query("adoption", {}, "priority")) ==
          "--by: adoption groups by owner, team or month only");
    ReportFilter filter;
    filter.owner = "u-nobody";
    CHECK(refused(f, query("win_rate", filter)) == "there is no user \"u-nobody\"");
    filter = {};
    filter.team = "t-north";
    CHECK(refused(f, query("win_rate", filter)) == "there is no team \"t-north\"");
    filter = {};
    filter.flow = "upsell";
    CHECK(refused(f, query("win_rate", filter)) == "there is no flow \"upsell\"");
    filter = {};
    filter.where = {{"colour", "red"}};
    CHECK(refused(f, query("win_rate", filter)) ==
          "--where: no record type has a field \"colour\"");
}

TEST_CASE("report: as a spreadsheet, a header, the rows and the total") {
    ReportFixture f;
    const Report report = run(f, query("revenue"));
    CHECK(report_csv(report, "USD") == std::string(kUtf8Bom) +
                                           "Close month,Key,Value (USD),Count\r\n"
                                           "Feb 2026,2026-02,6000,1\r\n"
                                           "Mar 2026,2026-03,10000,1\r\n"
                                           "Apr 2026,2026-04,25000,2\r\n"
                                           "Total,,41000,4\r\n");
}

TEST_CASE("report: the stage metrics grouped count each record once, by the total's figure") {
    ReportFixture f;
    // Each row is the share won of the deals its people started, not a mean
    // over every stage a deal reached (Alpha would count five times).
    const Report conversion = run(f, query("conversion_by_stage", {}, "owner"));
    check_rows(conversion, {
                               // Alpha won; Beta, Old pilot lost; Epsilon, Eta open
                               {"u-ana", "Ana Reyes", 0.2, 5},
                               // Old rollout won; Iota exited; Theta open
                               {"u-ben", "Ben Okafor", 1.0 / 3, 3, kInexact},
                               // Gamma, Old euro deal won; Delta open
                               {"u-zed", "Zed Ito", 2.0 / 3, 3, kInexact},
                           });
    CHECK(*conversion.total == doctest::Approx(4.0 / 11));
    CHECK(conversion.count == 11);
    CHECK(conversion.rows[0].records.size() == 5);

    // Days in the flow per deal: Alpha 18, Beta 11, Epsilon 85, Eta 57 (Ana);
    // Iota 1, Theta 56 (Ben); Gamma 30, Delta 118 (Zed).
    const Report stays = run(f, query("time_in_stage", {}, "owner"));
    check_rows(stays, {
                          {"u-ana", "Ana Reyes", 42.75, 4}, // 171 / 4
                          {"u-ben", "Ben Okafor", 28.5, 2}, // 57 / 2
                          {"u-zed", "Zed Ito", 74, 2},      // 148 / 2
                      });
    CHECK(*stays.total == 47);
    CHECK(stays.count == 8);
    // By month: the month of each deal's first stay.
    check_rows(run(f, query("time_in_stage", {}, "month")),
               {
                   {"2026-03", "Mar 2026", 35.6, 5, kInexact}, // (18 + 11 + 30 + 118 + 1) / 5
                   {"2026-04", "Apr 2026", 85, 1},             // Epsilon
                   {"2026-05", "May 2026", 56.5, 2},           // (57 + 56) / 2: Eta, Theta
               });
}

TEST_CASE("report: adoption by month is per week of each month in the period") {
    ReportFixture f;
    // March: L2 note and call, L3 email, L4 note, L7 call, and the call and
    // meeting on the merged Dana (7); April: L6's meeting (1).
    const Report months = run(f, query("adoption", period({2026, 3, 1}, {2026, 4, 30}), "month"));
    check_rows(months, {
                           {"2026-03", "Mar 2026", 7 * 7.0 / 31, 7, kInexact}, // 31 days
                           {"2026-04", "Apr 2026", 7.0 / 30, 1, kInexact},     // 30 days
                       });
    // Ana, Ben and Zed logged; Maria added L9 on 1 April.
    CHECK(*months.total == 4);
    // A period that starts in the middle of a month: its days in the period.
    const Report late = run(f, query("adoption", period({2026, 3, 2}, {2026, 4, 30}), "month"));
    CHECK(*late.rows.at(0).value == doctest::Approx(7 * 7.0 / 30)); // 2-31 March
}

TEST_CASE("report: open deals without an Expected close keep their row by month") {
    ReportFixture f;
    check_rows(run(f, query("pipeline_value", {}, "month")),
               {
                   {"2026-06", "Jun 2026", 12000.5, 1},
                   {"2026-07", "Jul 2026", 8000.5, 1},
                   {"none", "No close date", 3000, 1}, // Eta, not "Jan 1970"
               });
    check_rows(run(f, query("weighted_forecast", {}, "month")),
               {
                   {"2026-06", "Jun 2026", 3960.17, 1},
                   {"2026-07", "Jul 2026", 2000.13, 1},
                   {"none", "No close date", 3000, 1},
               });
}

TEST_CASE("report: satisfaction off the 1-5 scale is left out and noted") {
    ReportFixture f;
    // T5 (resolved on 9 March, unrated) rated 50 by a slip of the finger.
    f.update("t5", {{"csat", 50}}, "2026-04-03T09:00:00Z");
    const Report all = run(f, query("csat"));
    check_rows(all, {{"2026-03", "Mar 2026", 2, 2}, {"2026-04", "Apr 2026", 4.5, 2}});
    CHECK(*all.total == 3.25);
    CHECK(all.notes == std::vector<std::string>{"1 tickets rated outside 1-5 left out: "
                                                "satisfaction is a score from 1 to 5"});
}

TEST_CASE("report: grouping by a field no record type has is refused with nothing to group") {
    ReportFixture f;
    const ReportFilter later = period({2030, 1, 1}, {2030, 12, 31});
    CHECK(refused(f, query("win_rate", later, "colour")) ==
          "--by: no record type has a field \"colour\"");
    const Report empty = run(f, query("win_rate", later, "priority")); // tickets have one
    CHECK(empty.rows.empty());
    CHECK_FALSE(empty.total.has_value());
}

TEST_CASE("report: a stay in a stage the process no longer has adds no stay and stops nothing") {
    ReportFixture f;
    // A copy of the workspace (its records_of_type() rebuilt), with Alpha's
    // fifth entry into a stage since removed from the pipeline.
    Workspace ws = f.engine.workspace();
    Record alpha = *ws.find(f.id.at("alpha"));
    auto& history = alpha.flows.at("sales_pipeline").history;
    history[4].stage = "site_visit";
    ws.put(alpha);
    ReportQuery q = query("time_in_stage");
    q.filter.where = {{"name", "Alpha"}};
    auto stays = run_report(ws, "u-sam", q, kNow);
    REQUIRE(stays.ok());
    // Lead 2 to 4 March, Qualified 4 to 6 (the second stay, 12 to 13, was
    // in the removed stage), Meeting 3 + 1 days, Proposal 3 + 2, Negotiation 4.
    check_rows(*stays, {
                           {"lead", "Lead", 2, 1},
                           {"qualified", "Qualified", 2, 1},
                           {"meeting_scheduled", "Meeting scheduled", 4, 1},
                           {"proposal_sent", "Proposal sent", 5, 1},
                           {"negotiation", "Negotiation", 4, 1},
                       });
    CHECK(*stays->total == 17);
    q.metric = "sales_cycle";
    auto cycle = run_report(ws, "u-sam", q, kNow);
    REQUIRE(cycle.ok());
    check_rows(*cycle, {{"2026-03", "Mar 2026", 18, 1}}); // still 2 to 20 March
    q.metric = "conversion_by_stage";
    REQUIRE(run_report(ws, "u-sam", q, kNow).ok());
}

TEST_CASE("report: money is written to the cent in a spreadsheet and rounded on screen") {
    const MetricInfo& revenue = *metric_info("revenue");
    CHECK(format_metric_value(revenue, 1999.99, "USD") == "USD 2,000");
    CHECK(format_metric_value(revenue, 1999.49, "USD") == "USD 1,999");
    CHECK(format_metric_value(revenue, -0.6, "USD") == "USD -1");
    Report big{"revenue", {}, 123456789012.34, 2, {}, "", {}};
    big.rows.push_back({"2026-03", "Mar 2026", 123456789012.34, 1, {}});
    big.rows.push_back({"2026-04", "Apr 2026", 0.5, 1, {}});
    CHECK(report_csv(big, "USD") == std::string(kUtf8Bom) + "Close month,Key,Value (USD),Count\r\n"
                                                            "Mar 2026,2026-03,123456789012.34,1\r\n"
                                                            "Apr 2026,2026-04,0.5,1\r\n"
                                                            "Total,,123456789012.34,2\r\n");
    Report rate{"win_rate", {{"2026-03", "Mar 2026", 2.0 / 3, 3, {}}}, 2.0 / 3, 3, {}, "", {}};
    CHECK(report_csv(rate, "USD") == std::string(kUtf8Bom) + "Close month,Key,Value,Count\r\n"
                                                             "Mar 2026,2026-03,0.6666666667,3\r\n"
                                                             "Total,,0.6666666667,3\r\n");
}

TEST_CASE("report: deals without an amount are left out of money and noted") {
    ReportFixture f;
    // Alpha (won in March) and Eta (open, no close date) lose their amounts.
    Workspace ws = f.engine.workspace();
    for (const char* name : {"alpha", "eta"}) {
        Record deal = *ws.find(f.id.at(name));
        deal.fields.erase("amount");
        ws.put(deal);
    }
    auto revenue = run_report(ws, "u-sam", query("revenue"), kNow);
    REQUIRE(revenue.ok());
    check_rows(*revenue, {{"2026-02", "Feb 2026", 6000, 1}, {"2026-04", "Apr 2026", 25000, 2}});
    CHECK(*revenue->total == 31000);
    CHECK(revenue->notes ==
          std::vector<std::string>{
              "1 won deals without an amount left out",
              "1 won deals in EUR left out: reports add up the workspace currency (USD) only"});
    auto pipeline = run_report(ws, "u-sam", query("pipeline_value"), kNow);
    REQUIRE(pipeline.ok());
    CHECK(*pipeline->total == 20001); // Epsilon and Delta; Eta has no amount
    CHECK(pipeline->notes.front() == "1 open deals without an amount left out");
}

TEST_CASE("a report by month lists every month of the period, the quiet ones at 0") {
    Report revenue;
    revenue.metric = "revenue";
    revenue.rows = {{"2026-11", "Nov 2026", 234000.0, 5, {"deal-1"}}};
    const auto rows = rows_for_every_month(revenue, CivilDate{2026, 9, 15}, CivilDate{2027, 1, 3});
    REQUIRE(rows.size() == 5); // Sep to Jan, across the year's end
    CHECK(rows[0].key == "2026-09");
    CHECK(rows[0].label == "Sep 2026");
    CHECK(rows[0].value == 0.0);
    CHECK(rows[0].count == 0);
    CHECK(rows[2].key == "2026-11");
    CHECK(rows[2].value == 234000.0);
    CHECK(rows[2].records == std::vector<std::string>{"deal-1"});
    CHECK(rows[4].label == "Jan 2027");
}

} // namespace report_test
