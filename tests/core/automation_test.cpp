// Automation rules: routing by territory and round-robin, the cascade bound
// and the recovery queue's Retry, time-driven reminders that fire once, rules
// refused when they name what does not exist, and the plain-words summary.
#include "automation/rule_check.hpp"
#include "automation/rule_draft.hpp"
#include "automation/rule_json.hpp"
#include "fixtures.hpp"
#include "query/exceptions.hpp"
#include "query/history.hpp"
#include "service/bootstrap.hpp"
#include "service/record_history.hpp"
#include "service/timers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>

namespace automation_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

std::vector<AutomationRule> rules_of(const char* text) {
    auto rules = rules_from_json(json::parse(text), "$.rules");
    REQUIRE_MESSAGE(rules.ok(), rules.error());
    return *rules;
}

// The team plus a DACH team of two reps, with the built-in schema and the
// lead routing and sales processes.
Workspace dach_workspace() {
    Workspace ws = team_with_pipeline();
    ws.schema = builtin_schema();
    ws.directory.add_team({"t-dach", "DACH", "u-maria"});
    ws.directory.add_user({"u-hans", "Hans Becker", "", Role::Rep, "t-dach"});
    return ws;
}

constexpr const char* kRouteDach = R"([{
    "id": "route_dach", "name": "Route DACH leads", "record_type": "lead",
    "trigger": {"on": "created"},
    "condition": {"in": [{"var": "country"}, ["Germany", "Austria", "Switzerland"]]},
    "actions": [{"do": "assign", "team": "t-dach"}]}])";

std::string create_lead(Engine& engine, const char* name, const char* country, Instant now,
                        const char* by = "u-ana") {
    auto outcome =
        engine.apply(CreateRecord{"lead", {{"name", name}, {"country", country}}}, by, now);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    return outcome.record_id;
}

void set_rules(Engine& engine, const char* text, Instant now) {
    auto outcome = engine.apply(SetRules{rules_of(text)}, "u-sam", now);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
}

} // namespace

TEST_CASE("a new lead from Germany goes to the DACH rep; with the rep away it waits unowned, "
          "saying why") {
    OpenStore opened(dach_workspace());
    Engine& engine = opened.engine;
    const Instant now = at("2026-12-07T10:00:00Z"); // a Monday
    set_rules(engine, kRouteDach, now);

    const std::string berlin = create_lead(engine, "Anna Schmidt", "Germany", now);
    CHECK(engine.workspace().find(berlin)->owner == "u-hans");
    const std::string lyon = create_lead(engine, "Paul Durand", "France", now);
    CHECK(engine.workspace().find(lyon)->owner == "u-ana"); // the rule's condition does not hold

    const KeptHistory kept = read_record_history(opened.store, berlin);
    const auto entries = record_timeline(engine.workspace(), kept.batches, kept.origins, berlin);
    const bool by_rule = std::any_of(entries.begin(), entries.end(), [](const auto& entry) {
        return entry.by.rfind("rule Route DACH leads", 0) == 0 &&
               entry.what.find("Hans Becker") != std::string::npos;
    });
    CHECK(by_rule);

    auto away = engine.apply(SetAway{"u-hans", {{{2026, 12, 7}, {2026, 12, 11}}}}, "u-hans", now);
    REQUIRE_MESSAGE(away.ok, away.message);
    const std::string munich = create_lead(engine, "Jonas Weber", "Germany", now);
    const Record& waiting = *engine.workspace().find(munich);
    CHECK(waiting.owner.empty());
    REQUIRE(waiting.automation_failures.count("rule:route_dach"));
    CHECK(waiting.automation_failures.at("rule:route_dach").reason ==
          "no eligible owner: Hans Becker is out of office until Fri 11 Dec; left unowned");

    const auto queues = exception_queues(engine.workspace(), "u-maria", now);
    const auto unowned =
        std::find_if(queues.begin(), queues.end(), [](const ExceptionQueue& queue) {
            return queue.kind == "unowned" && queue.group == "lead";
        });
    REQUIRE(unowned != queues.end());
    const auto item = std::find_if(unowned->items.begin(), unowned->items.end(),
                                   [&](const ExceptionItem& i) { return i.record_id == munich; });
    REQUIRE(item != unowned->items.end());
    CHECK(item->detail.find("no eligible owner: Hans Becker is out of office until Fri 11 Dec") !=
          std::string::npos);
}

TEST_CASE(
    "round-robin with weights 2:1 over 300 leads gives 200 and 100; a rep at capacity is skipped") {
    Engine engine(dach_workspace());
    const Instant now = at("2026-12-07T10:00:00Z");
    set_rules(engine, R"([{"id": "spread", "name": "Spread leads", "record_type": "lead",
        "trigger": {"on": "created"},
        "actions": [{"do": "assign", "users": ["u-ana", "u-ben"], "weights": {"u-ana": 2}}]}])",
              now);
    for (int i = 0; i < 300; ++i)
        create_lead(engine, ("Lead " + std::to_string(i)).c_str(), "US", now, "u-sam");
    std::map<std::string, int> owned;
    for (const auto& id : engine.workspace().ids_of_type("lead"))
        ++owned[engine.workspace().find(id)->owner];
    CHECK(owned["u-ana"] == 200);
    CHECK(owned["u-ben"] == 100);

    SUBCASE("a rep at capacity is skipped") {
        set_rules(engine, R"([{"id": "capped", "name": "Capped leads", "record_type": "lead",
            "trigger": {"on": "created"},
            "actions": [{"do": "assign", "users": ["u-ana", "u-ben"], "capacity": 150}]}])",
                  now);
        // Ana has 200 open leads (over 150), Ben 100: every new one goes to Ben.
        for (int i = 0; i < 50; ++i)
            CHECK(engine.workspace().find(create_lead(engine, "More", "US", now, "u-sam"))->owner ==
                  "u-ben");
        const std::string last = create_lead(engine, "One too many", "US", now, "u-sam");
        CHECK(engine.workspace().find(last)->owner.empty());
        CHECK(engine.workspace().find(last)->automation_failures.at("rule:capped").reason ==
              "no eligible owner: Ana Reyes has 200 open Leads (capacity 150); Ben Okafor has 150 "
              "open Leads (capacity 150); left unowned");
    }
}

TEST_CASE("a rule that sets itself off stops at the bound, waits in the recovery queue, and Retry "
          "runs once it is fixed") {
    StoredTeam team;
    Engine& engine = team.engine;
    const Instant now = at("2026-12-07T10:00:00Z");
    constexpr const char* kPingPong = R"([
        {"id": "working_to_new", "name": "Back to new", "record_type": "lead",
         "trigger": {"on": "field_changed", "field": "status", "to": "Working"},
         "actions": [{"do": "set_field", "field": "status", "value": "New"}]},
        {"id": "new_to_working", "name": "Back to working", "record_type": "lead",
         "trigger": {"on": "field_changed", "field": "status", "to": "New"},
         "actions": [{"do": "set_field", "field": "status", "value": "Working"}]}])";
    set_rules(engine, kPingPong, now);
    const std::string lead = create_lead(engine, "Loop Ltd", "US", now);
    auto set = engine.apply(UpdateRecord{lead, {{"status", "Working"}}}, "u-ana", now);
    REQUIRE(set.ok);

    const Record& record = *engine.workspace().find(lead);
    REQUIRE(record.automation_failures.size() == 1);
    const auto& [key, failure] = *record.automation_failures.begin();
    CHECK(failure.reason.rfind(
              "automation stopped after 64 changes in a row: rule Back to new on " + lead, 0) == 0);
    const auto queues = exception_queues(engine.workspace(), "u-maria", now);
    CHECK(std::any_of(queues.begin(), queues.end(), [&](const ExceptionQueue& queue) {
        return queue.kind == "automation_failure" && queue.items.front().record_id == lead;
    }));

    // Consistent: what was kept reopens as the same workspace.
    Engine reopened;
    REQUIRE(team.store.open(reopened).ok());
    CHECK(reopened.workspace().find(lead)->fields == record.fields);
    CHECK(reopened.workspace().find(lead)->automation_failures.count(key));

    // Retry before the fix fails the same way; after it, it runs and leaves the queue.
    set_rules(engine, R"([
        {"id": "working_to_new", "name": "Back to new", "record_type": "lead",
         "trigger": {"on": "field_changed", "field": "status", "to": "Working"},
         "actions": [{"do": "set_field", "field": "status", "value": "New"}]},
        {"id": "new_to_working", "name": "Back to working", "record_type": "lead", "enabled": false,
         "trigger": {"on": "field_changed", "field": "status", "to": "New"},
         "actions": [{"do": "set_field", "field": "status", "value": "Working"}]}])",
              now);
    auto retried = engine.apply(RetryAutomation{lead, key}, "u-ana", now);
    REQUIRE_MESSAGE(retried.ok, retried.message);
    CHECK(engine.workspace().find(lead)->automation_failures.empty());
    const auto& log = engine.workspace().automation.log;
    CHECK(log.back().failed.empty());
}

TEST_CASE("renewal reminders at 120, 90 and 60 days fire once each, however often the timer runs "
          "and across a reopen") {
    StoredTeam team;
    const Instant start = at("2027-01-04T09:00:00Z");
    set_rules(team.engine, R"([{"id": "renewal_reminders", "name": "Renewal reminders",
        "record_type": "subscription",
        "trigger": {"on": "date", "field": "renewal_date", "days": [-120, -90, -60]},
        "actions": [{"do": "create_task", "title": "Prepare the renewal", "due_in": "2 business days"}]}])",
              start);
    auto created = team.engine.apply(
        CreateRecord{"subscription", {{"name", "Acme yearly"}, {"renewal_date", "2027-06-30"}}},
        "u-ana", start);
    REQUIRE(created.ok);
    auto tasks = [&](const Engine& engine) {
        int count = 0;
        for (const auto& id : engine.workspace().ids_of_type("task"))
            count += engine.workspace().find(id)->value("related") == created.record_id;
        return count;
    };
    auto run = [&](Engine& engine, const char* when) {
        return tick(engine, at(when)).rules.size();
    };

    CHECK(run(team.engine, "2027-03-01T12:00:00Z") == 0);
    CHECK(run(team.engine, "2027-03-02T00:30:00Z") == 1); // 120 days before
    CHECK(run(team.engine, "2027-03-02T00:30:00Z") == 0);
    CHECK(run(team.engine, "2027-03-20T08:00:00Z") == 0);
    CHECK(run(team.engine, "2027-04-01T08:00:00Z") == 1); // 90 days before
    CHECK(tasks(team.engine) == 2);

    Engine reopened;
    REQUIRE(team.store.open(reopened).ok());
    CHECK(run(reopened, "2027-04-01T09:00:00Z") == 0);
    CHECK(run(reopened, "2027-05-01T08:00:00Z") == 1); // 60 days before
    CHECK(run(reopened, "2027-07-15T08:00:00Z") == 0);
    CHECK(run(reopened, "2027-07-15T08:00:00Z") == 0);
    CHECK(tasks(reopened) == 3);
    const auto& log = reopened.workspace().automation.log;
    REQUIRE(log.size() == 3);
    CHECK(log[0].occasion == "renewal_date=2027-06-30:-120");
    CHECK(log[2].occasion == "renewal_date=2027-06-30:-60");
    CHECK(log[2].did ==
          "created the task \"Prepare the renewal\" for Ana Reyes, due Tue 4 May, 17:00");
}

TEST_CASE("rules that name what does not exist are refused when saved, naming the rule, the part "
          "and the name") {
    Engine engine(dach_workspace());
    const Instant now = at("2026-12-07T10:00:00Z");
    auto refused = [&](const char* text) {
        auto outcome = engine.apply(SetRules{rules_of(text)}, "u-sam", now);
        CHECK_FALSE(outcome.ok);
        return outcome.message;
    };
    CHECK(
        refused(
            R"([{"id": "r", "name": "Route", "record_type": "lead", "trigger": {"on": "created"},
        "actions": [{"do": "assign", "users": ["u-nobody"]}]}])") ==
        "Cannot save the rules: rule \"Route\", action 1 (assign): there is no user \"u-nobody\"");
    CHECK(refused(
              R"([{"id": "r", "name": "Route", "record_type": "lead", "trigger": {"on": "created"},
        "actions": [{"do": "set_field", "field": "stauts", "value": "New"}]}])") ==
          "Cannot save the rules: rule \"Route\", action 1 (set field): \"stauts\" is not a field "
          "of Lead");
    CHECK(refused(R"([{"id": "r", "name": "Route", "record_type": "lead",
        "trigger": {"on": "field_changed", "field": "status", "to": "Won"},
        "actions": [{"do": "notify", "to": ["owner"], "message": "Hi"}]}])") ==
          "Cannot save the rules: rule \"Route\", trigger: \"Won\" is not a value of Status");
    auto rep = engine.apply(SetRules{rules_of(kRouteDach)}, "u-ana", now);
    CHECK(rep.message == "Ana Reyes (rep) cannot change automation rules; only admins can");
    CHECK(engine.workspace().automation.rules.empty());

    CHECK(
        rules_from_json(json::parse(R"([{"id": "r", "name": "R", "record_type": "lead",
        "trigger": {"on": "whenever"}, "actions": []}])"),
                        "$.rules")
            .error() ==
        "$.rules[0].trigger.on: expected one of created, field_changed, stage_entered, stage_left, "
        "flow_started, flow_ended, sla_at_risk, sla_breached, idle, date, score_crossed, "
        "satisfaction_received, got \"whenever\"");
}

TEST_CASE("a rule reads as a sentence") {
    Workspace ws = dach_workspace();
    auto rules = rules_of(kRouteDach);
    CHECK(describe_rule(ws, rules.front()) ==
          "When a Lead is created and Country is one of Germany, Austria, Switzerland: assign it "
          "to the DACH team by round-robin (skipping people out of office).");
}

namespace {

Workspace demo_at(Instant now) {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    auto workspace = demo_workspace(text, now);
    REQUIRE_MESSAGE(workspace.ok(), (workspace.ok() ? "" : workspace.error()));
    return std::move(*workspace);
}

// The notifications a rule put in a person's inbox.
std::vector<Notification> from_rule(const Engine& engine, const char* user, const char* rule) {
    std::vector<Notification> found;
    for (const auto& notification : engine.workspace().notifications.of(user))
        if (notification.cause == std::string("rule ") + rule) found.push_back(notification);
    return found;
}

std::size_t runs_of(const Engine& engine, const char* rule) {
    const auto& log = engine.workspace().automation.log;
    return std::count_if(log.begin(), log.end(), [&](const RuleRun& run) {
        return run.rule == rule && run.failed.empty();
    });
}

const Record* first_where(const Engine& engine, const char* type,
                          const std::function<bool(const Record&)>& wanted) {
    for (const auto& id : engine.workspace().ids_of_type(type))
        if (wanted(*engine.workspace().find(id))) return engine.workspace().find(id);
    return nullptr;
}

} // namespace

TEST_CASE("every rule template runs on the demo workspace") {
    const Instant now = at("2026-11-16T12:00:00Z"); // a Monday
    Engine engine(demo_at(now));
    tick(engine, now);
    REQUIRE(engine.workspace().automation.rules.size() == 9);

    // Routing by territory, and round-robin for the rest.
    CHECK(engine.workspace()
              .find(create_lead(engine, "Lena Graf", "Germany", now, "u-maria"))
              ->owner == "u-chloe");
    const std::string other =
        engine.workspace().find(create_lead(engine, "Tom Hill", "Canada", now, "u-maria"))->owner;
    CHECK((other == "u-ana" || other == "u-ben"));

    // A big deal entering Negotiation tells the owner's manager; winning it
    // starts onboarding, whose welcome and kickoff tasks follow.
    const Record* deal = first_where(engine, "deal", [](const Record& r) {
        const auto state = r.flows.find("sales_pipeline");
        return state != r.flows.end() && state->second.stage == "proposal_sent" &&
               state->second.active();
    });
    REQUIRE(deal);
    const std::string deal_id = deal->id;
    REQUIRE(
        engine
            .apply(UpdateRecord{deal_id, {{"amount", {{"amount", 80000}, {"currency", "USD"}}}}},
                   "u-maria", now)
            .ok);
    auto moved = engine.apply(
        MoveRecord{deal_id, "negotiation", "sales_pipeline", {{"pricing_discussed", true}}},
        "u-maria", now);
    REQUIRE_MESSAGE(moved.ok, moved.message);
    CHECK(from_rule(engine, "u-maria", "Big deal in negotiation").size() == 1);
    auto won = engine.apply(
        MoveRecord{deal_id, "closed_won", "sales_pipeline", {{"agreement_signed", true}}},
        "u-maria", now);
    REQUIRE_MESSAGE(won.ok, won.message);
    std::set<std::string> titles;
    for (const std::string& id : engine.workspace().referrers_of(deal_id))
        if (engine.workspace().find(id)->type == "task")
            titles.insert(engine.workspace().find(id)->value("title").get<std::string>());
    CHECK(titles.count("Send the welcome pack"));
    CHECK(titles.count("Hold the kickoff call"));

    // A low satisfaction score, and a bug flagged by support.
    const Record* ticket =
        first_where(engine, "ticket", [](const Record& r) { return r.value("category") != "Bug"; });
    REQUIRE(ticket);
    const std::string ticket_id = ticket->id;
    REQUIRE(engine.apply(UpdateRecord{ticket_id, {{"csat", 1}}}, "u-maria", now).ok);
    CHECK(from_rule(engine, "u-maria", "Low satisfaction score").size() == 1);
    REQUIRE(engine.apply(UpdateRecord{ticket_id, {{"category", "Bug"}}}, "u-maria", now).ok);
    CHECK(from_rule(engine, "u-priya", "Bugs go to product").size() == 1);

    // Time: quiet leads get a follow-up, open cases escalate, renewals come up.
    tick(engine, at("2026-11-23T12:00:00Z"));
    CHECK(runs_of(engine, "follow_up_quiet_leads") > 0);
    CHECK_FALSE(from_rule(engine, "u-maria", "Escalate cases open over 48 hours").empty());
    tick(engine, at("2026-12-20T12:00:00Z"));
    CHECK(runs_of(engine, "renewal_reminders") > 0);
    for (const auto& run : engine.workspace().automation.log)
        CHECK_MESSAGE(run.failed.empty(),
                      std::string(run.rule + " on " + run.record + ": " + run.failed));
}

TEST_CASE("what a rule says to people is short text, and out-of-office periods are bounded") {
    Engine engine(dach_workspace());
    const Instant now = at("2026-12-07T10:00:00Z");
    auto rules = rules_of(kRouteDach);
    rules.front().name = std::string(300, 'x');
    auto long_name = engine.apply(SetRules{rules}, "u-sam", now);
    CHECK(long_name.message.rfind("Cannot save the rules: rule \"" + std::string(300, 'x') +
                                      "\", name: the name is longer than 200 characters",
                                  0) == 0);
    std::vector<AwayPeriod> away(101, AwayPeriod{{2026, 12, 7}, {2026, 12, 8}});
    CHECK(engine.apply(SetAway{"u-hans", away}, "u-hans", now).message ==
          "At most 100 out-of-office periods are kept; remove past ones first");
    CHECK(
        engine.apply(SetAway{"u-hans", {{{2026, 12, 9}, {2026, 12, 1}}}}, "u-hans", now).message ==
        "An out-of-office period ends (2026-12-01) before it starts (2026-12-09)");
}

namespace {

// The editor's draft of "when a ticket's priority changes to Critical, tell
// the owner's manager".
RuleDraft critical_tickets_draft(const Workspace& ws) {
    RuleDraft draft = new_rule_draft(ws);
    draft.rule.name = "Critical tickets";
    draft.rule.record_type = "ticket";
    draft.rule.trigger = blank_trigger(TriggerKind::FieldChanged);
    draft.rule.trigger.field = "priority";
    draft.to = "Critical";
    draft.actions = {blank_action(ActionKind::Notify)};
    draft.actions[0].action.to = {"owner_manager"};
    draft.actions[0].action.message = "A ticket turned critical";
    return draft;
}

} // namespace

TEST_CASE("a rule drafted in the editor is read and checked as saving would check it") {
    Workspace ws = dach_workspace();
    ws.automation.rules = rules_of(kRouteDach);
    RuleDraft draft = critical_tickets_draft(ws);

    SUBCASE("a rule that fits reads as a sentence, with an id from its name") {
        const auto checked = check_rule_draft(ws, draft);
        CHECK(checked.problems.empty());
        CHECK(checked.rule.id == "critical_tickets");
        CHECK(checked.rule.trigger.to == json("Critical"));
        CHECK_FALSE(checked.rule.trigger.from.has_value());
        CHECK(checked.sentence == "When a Ticket's Priority changes to Critical: notify the "
                                  "owner's manager: \"A ticket turned critical\".");
        const auto rules = rules_with(ws.automation.rules, checked.rule, draft.replacing);
        REQUIRE(rules.size() == 2);
        CHECK(rules[1].id == "critical_tickets");
        Engine engine(ws);
        auto saved = engine.apply(SetRules{rules}, "u-sam", at("2026-12-07T10:00:00Z"));
        CHECK_MESSAGE(saved.ok, saved.message);
    }
    SUBCASE("a condition that is not JSON is named, and the rest still checked") {
        draft.condition = "{\"==\": [{\"var\": \"category\"}, \"Bug\"]";
        draft.actions[0].action.message.clear();
        const auto problems = check_rule_draft(ws, draft).problems;
        REQUIRE(problems.size() == 2);
        CHECK(problems[0] == "rule \"Critical tickets\", condition: not valid JSON: line 1, "
                             "column 36: syntax error while parsing object - unexpected end of "
                             "input; expected '}'");
        CHECK(problems[1] == "rule \"Critical tickets\", action 1 (notify): write the message");
    }
    SUBCASE("a condition naming a field the record does not have") {
        draft.condition = R"({"==": [{"var": "severity"}, "High"]})";
        const auto problems = check_rule_draft(ws, draft).problems;
        REQUIRE(problems.size() == 1);
        CHECK(problems[0] == "rule \"Critical tickets\", condition: the condition reads "
                             "\"severity\", which is not a field of Ticket");
    }
    SUBCASE("an empty name, a value the field does not hold, nobody to notify") {
        draft.rule.name.clear();
        draft.to = "Urgent";
        draft.actions[0].action.to.clear();
        const auto checked = check_rule_draft(ws, draft);
        CHECK(checked.problems ==
              std::vector<std::string>{"a rule without a name, trigger (to): Priority: expected "
                                       "one of: Low, Normal, High, Critical, got \"Urgent\"",
                                       "a rule without a name: give it a name",
                                       "a rule without a name, action 1 (notify): choose who to "
                                       "notify"});
        CHECK(checked.rule.id == "rule");
    }
    SUBCASE("day offsets, a value to set and a new record's fields are read from text") {
        draft.rule.record_type = "subscription";
        draft.rule.trigger = blank_trigger(TriggerKind::DateReached);
        draft.rule.trigger.field = "renewal_date";
        draft.days = "-120, soon";
        draft.actions = {blank_action(ActionKind::SetField),
                         blank_action(ActionKind::CreateRecord)};
        draft.actions[0].action.field = "usage_pct";
        draft.actions[0].value = "lots";
        draft.actions[1].action.type = "task";
        draft.actions[1].fields = "[1]";
        CHECK(check_rule_draft(ws, draft).problems ==
              std::vector<std::string>{
                  "rule \"Critical tickets\", trigger: days: \"soon\" is not a whole number of "
                  "days (-120 = 120 days before, 7 = a week after)",
                  "rule \"Critical tickets\", action 1 (set field): Usage %: expected a number, "
                  "got \"lots\"",
                  "rule \"Critical tickets\", action 2 (create record): the fields are an object "
                  "of field -> value, like {\"title\": \"Kickoff\"}"});
        draft.days = "-120, -90";
        draft.actions[0].value = "75";
        draft.actions[1].fields = R"({"title": "Renewal call"})";
        const auto checked = check_rule_draft(ws, draft);
        CHECK(checked.problems.empty());
        CHECK(checked.rule.trigger.days == std::vector<int>{-120, -90});
        CHECK(checked.rule.actions[0].value == json(75));
        CHECK(checked.rule.actions[1].fields == json{{"title", "Renewal call"}});
    }
    SUBCASE("an existing rule is edited in its place, under its id") {
        RuleDraft edit = draft_of_rule(ws, ws.automation.rules.front());
        CHECK(edit.condition ==
              R"({"in":[{"var":"country"},["Germany","Austria","Switzerland"]]})");
        edit.rule.name = "Route DACH leads to the team";
        const auto checked = check_rule_draft(ws, edit);
        CHECK(checked.problems.empty());
        CHECK(checked.rule.id == "route_dach");
        const auto rules = rules_with(ws.automation.rules, checked.rule, edit.replacing);
        REQUIRE(rules.size() == 1);
        CHECK(rules[0].name == "Route DACH leads to the team");
        CHECK(rules_without(rules, "route_dach").empty());
    }
}

TEST_CASE("the engine refuses rules missing what the rules file requires, so the journal reads "
          "back what it kept") {
    Engine engine(dach_workspace());
    const Instant now = at("2026-12-07T10:00:00Z");
    auto rules = rules_of(kRouteDach);
    SUBCASE("a move with no stage") {
        rules[0].actions = {RuleAction{}};
        rules[0].actions[0].kind = ActionKind::Move;
        rules[0].actions[0].flow = "lead_routing";
        CHECK(engine.apply(SetRules{rules}, "u-sam", now).message ==
              "Cannot save the rules: rule \"Route DACH leads\", action 1 (move): choose the "
              "stage to move to");
    }
    SUBCASE("no actions") {
        rules[0].actions.clear();
        CHECK(engine.apply(SetRules{rules}, "u-sam", now).message ==
              "Cannot save the rules: rule \"Route DACH leads\": add an action: what the rule "
              "does");
    }
    SUBCASE("two rules with one id") {
        rules.push_back(rules[0]);
        rules[1].name = "Copy";
        CHECK(engine.apply(SetRules{rules}, "u-sam", now).message ==
              "Cannot save the rules: rule \"Copy\": the id \"route_dach\" is used by another "
              "rule (\"Route DACH leads\")");
    }
    SUBCASE("routing to people and a team at once") {
        rules[0].actions[0].routing.users = {"u-hans"};
        CHECK(engine.apply(SetRules{rules}, "u-sam", now).message ==
              "Cannot save the rules: rule \"Route DACH leads\", action 1 (assign): choose "
              "people or a team, not both");
    }
    CHECK(engine.workspace().automation.rules.empty());
}

TEST_CASE("a new rule's id comes from its name, unused") {
    const auto rules = rules_of(kRouteDach);
    CHECK(new_rule_id(rules, "Critical tickets!") == "critical_tickets");
    CHECK(new_rule_id(rules, "route dach") == "route_dach_2");
    CHECK(new_rule_id(rules, "Chloé's leads") == "chlo_s_leads");
    CHECK(new_rule_id(rules, "90 days out") == "rule_90_days_out");
    CHECK(new_rule_id(rules, "") == "rule");
    CHECK(new_rule_id(rules, std::string(60, 'a')) == std::string(36, 'a'));
    CHECK(*parse_day_offsets(" -120 ,-90, 7") == std::vector<int>{-120, -90, 7});
    CHECK(parse_day_offsets(" ").error() ==
          "days: give at least one day offset (-120 = 120 days before)");
    CHECK(day_offsets_text({-120, -90, 7}) == "-120, -90, 7");
}

} // namespace automation_test
