#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "process/conditions.hpp"
#include "process/flow_json.hpp"
#include "process/validate.hpp"
#include "query/exceptions.hpp"

#include <doctest/doctest.h>

#include <fstream>

namespace process_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-11-20T10:00:00Z");

std::vector<Flow> load_template(const std::string& name) {
    std::ifstream in(std::string(CRM_PROCESS_DIR) + "/" + name + ".json");
    REQUIRE(in);
    auto flows = processes_from_document(json::parse(in));
    REQUIRE_MESSAGE(flows.ok(), (flows.ok() ? "" : flows.error()));
    return *flows;
}

std::vector<Flow> all_templates() {
    std::vector<Flow> flows;
    for (const char* name : {"lead_routing", "sales_pipeline", "onboarding", "customer_support",
                             "renewal_management", "expansion"})
        for (auto& flow : load_template(name))
            flows.push_back(flow);
    return flows;
}

// A team workspace running the six template flows.
Engine process_engine() {
    Workspace ws = team_workspace();
    ws.flows = all_templates();
    return Engine(std::move(ws));
}

// Harbor Foods' subscription (subscription-1), renewing on 30 April 2027.
void add_subscription(Engine& engine) {
    const auto created = engine.apply(
        CreateRecord{"subscription",
                     {{"name", "Harbor Foods – Growth"}, {"renewal_date", "2027-04-30"}}},
        "u-ana", kNow);
    REQUIRE_MESSAGE(created.ok, created.message);
}

// Qualifies a lead; the sales pipeline starts on a new deal, whose id is returned.
std::string qualified_deal(Engine& engine, const json& budget = nullptr) {
    json fields = {{"name", "Dana Whitfield"}, {"company_name", "Harbor Foods"}};
    auto lead = engine.apply(CreateRecord{"lead", fields}, "u-ana", kNow);
    REQUIRE(lead.ok);
    json update = {{"status", "Qualified"}};
    if (!budget.is_null()) update["budget"] = budget;
    auto qualified = engine.apply(UpdateRecord{lead.record_id, update}, "u-ana", kNow);
    REQUIRE(qualified.ok);
    const auto& spawn = engine.workspace().find(lead.record_id)->flows.at("sales_pipeline");
    REQUIRE(spawn.status == "spawned");
    return spawn.outcome;
}

} // namespace

TEST_CASE("the six template flows validate against the built-in schema") {
    const auto flows = all_templates();
    CHECK(flows.size() == 6);
    CHECK(validate_flows(builtin_schema(), flows).empty());
}

TEST_CASE("broken definitions get precise errors") {
    Flow flow = load_template("sales_pipeline").front();
    const Schema schema = builtin_schema();
    auto problems_of = [&](const Flow& f) { return validate_flows(schema, {f}); };

    SUBCASE("an unknown required field") {
        Flow f = flow;
        f.stages[2].gate.required.push_back("budjet");
        CHECK(problems_of(f) ==
              std::vector<std::string>{"sales_pipeline › meeting_scheduled › required: \"budjet\" "
                                       "is not a field of Deal"});
    }
    SUBCASE("a date compared with text") {
        Flow f = flow;
        f.stages[3].gate.entry = json::parse(R"({"<": [{"var": "close_date"}, "soon"]})");
        CHECK(problems_of(f) ==
              std::vector<std::string>{"sales_pipeline › proposal_sent › entry: compares Expected "
                                       "close (a date) with \"soon\" (not a date)"});
    }
    SUBCASE("a choice that does not exist") {
        Flow f = flow;
        f.start.when = json::parse(R"({"==": [{"var": "status"}, "Qualifed"]})");
        CHECK(problems_of(f) ==
              std::vector<std::string>{
                  "sales_pipeline › start › when: \"Qualifed\" is not one of Status's choices"});
    }
    SUBCASE("bad JsonLogic") {
        Flow f = flow;
        f.stages[1].gate.entry = json::parse(R"({"is set": {"var": "budget"}})");
        CHECK(problems_of(f).front() == "sales_pipeline › qualified › entry: the condition is not "
                                        "valid JsonLogic: is set: unknown operator "
                                        "\"is set\"; did you mean \"is_set\"?");
    }
    SUBCASE("an unreachable stage and a flow with no end") {
        Flow f = flow;
        f.stages[0].next = {"qualified"};
        f.stages[1].next = {"qualified"};
        const auto problems = problems_of(f);
        CHECK(std::find(problems.begin(), problems.end(),
                        "sales_pipeline › meeting_scheduled: unreachable: no move from \"Lead\" "
                        "leads here") != problems.end());
        CHECK(std::find(problems.begin(), problems.end(),
                        "sales_pipeline: no outcome can be reached, so the flow never ends") !=
              problems.end());
        Flow endless = flow;
        endless.outcomes.clear();
        CHECK(problems_of(endless).front() ==
              "sales_pipeline: has no end: add at least one outcome (e.g. won and lost)");
    }
    SUBCASE("duplicate ids") {
        Flow f = flow;
        f.stages[1].id = "lead";
        CHECK(problems_of(f).front() == "sales_pipeline › lead: duplicate id \"lead\" (stage, "
                                        "outcome and exit ids must differ)");
        CHECK(validate_flows(schema, {flow, flow}).front() == "sales_pipeline: duplicate flow id");
    }
    SUBCASE("a stage name the stage field cannot hold") {
        Flow f = flow;
        f.stages[1].name = "Qualified lead";
        CHECK(problems_of(f).front() ==
              "sales_pipeline › stage_field: \"Qualified lead\" is not one of Stage's choices");
    }
}

TEST_CASE("a qualified lead starts the sales pipeline on a linked deal") {
    Engine engine = process_engine();
    const std::string deal_id = qualified_deal(engine, {{"amount", 30000}, {"currency", "USD"}});
    const Record* deal = engine.workspace().find(deal_id);
    REQUIRE(deal);
    CHECK(deal->fields["name"] == "Harbor Foods");
    CHECK(deal->fields["stage"] == "Lead");
    CHECK(deal->fields["budget"]["amount"] == 30000);
    CHECK(deal->owner == "u-ana");
    CHECK(deal->flows.at("sales_pipeline").stage == "lead");
    // The lead keeps its own routing flow, and qualifying twice starts nothing new.
    const std::size_t count = engine.workspace().record_count();
    const std::string lead_id = deal->fields["source_lead"];
    REQUIRE(
        engine.apply(UpdateRecord{lead_id, {{"need", "Cold storage tracking"}}}, "u-ana", kNow).ok);
    CHECK(engine.workspace().record_count() == count);
}

TEST_CASE("gates: a blocked move names what is missing and leaves the record as it was") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine);

    const auto blocked = engine.apply(MoveRecord{deal, "Qualified"}, "u-ana", kNow);
    CHECK_FALSE(blocked.ok);
    CHECK(blocked.message == "Cannot move Harbor Foods to Qualified: missing Budget");
    REQUIRE(blocked.blocked);
    CHECK(blocked.blocked->missing == std::vector<std::string>{"budget"});
    CHECK(engine.workspace().find(deal)->flows.at("sales_pipeline").stage == "lead");

    // Filling the field in as part of the move lets it through.
    MoveRecord move{deal, "qualified"};
    move.fields = {{"budget", {{"amount", 25000}, {"currency", "USD"}}}};
    REQUIRE(engine.apply(move, "u-ana", kNow).ok);
    CHECK(engine.workspace().find(deal)->flows.at("sales_pipeline").stage == "qualified");
    CHECK(engine.workspace().find(deal)->fields["stage"] == "Qualified");

    SUBCASE("a deal in Qualified with no budget cannot reach Meeting scheduled") {
        REQUIRE(engine.apply(UpdateRecord{deal, {{"budget", nullptr}}}, "u-ana", kNow).ok);
        const auto outcome = engine.apply(MoveRecord{deal, "meeting_scheduled"}, "u-ana", kNow);
        CHECK(outcome.message == "Cannot move Harbor Foods to Meeting scheduled: missing Budget, "
                                 "Decision maker and Meeting date");
        SUBCASE("and editing the stage field is the same move") {
            const auto edit =
                engine.apply(UpdateRecord{deal, {{"stage", "Meeting scheduled"}}}, "u-ana", kNow);
            CHECK(edit.message == outcome.message);
            CHECK(engine.workspace().find(deal)->fields["stage"] == "Qualified");
        }
    }
    SUBCASE("skipping and unknown targets are refused in words") {
        CHECK(engine.apply(MoveRecord{deal, "negotiation"}, "u-ana", kNow).message ==
              "Cannot move Harbor Foods to Negotiation: the Sales pipeline does not skip stages; "
              "move through "
              "Meeting scheduled, Proposal sent first");
        CHECK(engine.apply(MoveRecord{deal, "qualified"}, "u-ana", kNow).message ==
              "Cannot move Harbor Foods to Qualified: it is already in Qualified");
    }
    SUBCASE("another rep cannot move it") {
        CHECK(engine.apply(MoveRecord{deal, "lead"}, "u-ben", kNow).message ==
              "Ben Okafor (rep) can only edit records they own; " + deal +
                  " is owned by Ana Reyes");
    }
}

TEST_CASE("warn gates record the override; outcomes and exits end the flow with a reason") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine, {{"amount", 25000}, {"currency", "USD"}});
    auto move = [&](const std::string& to, json fields = json::object()) {
        MoveRecord m{deal, to};
        m.fields = std::move(fields);
        const auto outcome = engine.apply(m, "u-ana", kNow);
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
    };
    engine.apply(CreateRecord{"contact", {{"first_name", "Kim"}, {"last_name", "Ito"}}}, "u-ana",
                 kNow);
    move("qualified");
    move("meeting_scheduled", {{"decision_maker", "contact-1"}, {"meeting_date", "2026-11-25"}});
    move("proposal_sent", {{"demo_completed", true},
                           {"amount", {{"amount", 25000}, {"currency", "USD"}}},
                           {"close_date", "2026-12-20"}});

    const auto warned = engine.apply(MoveRecord{deal, "negotiation"}, "u-ana", kNow);
    CHECK_FALSE(warned.ok);
    REQUIRE(warned.blocked);
    CHECK(warned.blocked->warning);
    // A warning waiting for confirmation is not a move someone gave up on.
    CHECK(engine.workspace().find(deal)->flows.at("sales_pipeline").blocked.has_value() == false);
    MoveRecord confirmed{deal, "negotiation"};
    confirmed.confirm_warnings = true;
    const auto passed = engine.apply(confirmed, "u-ana", kNow);
    REQUIRE(passed.ok);
    const auto& history = engine.workspace().find(deal)->flows.at("sales_pipeline").history;
    CHECK(history.back().warnings.at(0) ==
          "moved to Negotiation by Ana Reyes although not met: Pricing discussed is yes");
    CHECK(history.back().by == "u-ana");

    CHECK(engine.apply(MoveRecord{deal, "Closed lost"}, "u-ana", kNow).message ==
          "Cannot move Harbor Foods to Closed lost: a reason is required");
    MoveRecord lost{deal, "closed_lost"};
    lost.reason = "Chose a competitor";
    REQUIRE(engine.apply(lost, "u-ana", kNow).ok);
    const FlowState& state = engine.workspace().find(deal)->flows.at("sales_pipeline");
    CHECK(state.status == "ended");
    CHECK(state.outcome == "closed_lost");
    CHECK(state.reason == "Chose a competitor");
    CHECK(engine.workspace().find(deal)->fields["stage"] == "Closed lost");
}

TEST_CASE("a won deal starts onboarding; time-driven starts wait for their day") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine, {{"amount", 25000}, {"currency", "USD"}});
    engine.apply(CreateRecord{"contact", {{"first_name", "Kim"}, {"last_name", "Ito"}}}, "u-ana",
                 kNow);
    for (const auto& [to, fields] : std::vector<std::pair<std::string, json>>{
             {"qualified", json::object()},
             {"meeting_scheduled",
              {{"decision_maker", "contact-1"}, {"meeting_date", "2026-11-25"}}},
             {"proposal_sent",
              {{"demo_completed", true},
               {"amount", {{"amount", 1}, {"currency", "USD"}}},
               {"close_date", "2026-12-20"}}},
             {"negotiation", {{"pricing_discussed", true}}},
             {"closed_won", {{"agreement_signed", true}}}}) {
        MoveRecord m{deal, to};
        m.flow = "sales_pipeline";
        m.fields = fields;
        const auto outcome = engine.apply(m, "u-ana", kNow);
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
    }
    CHECK(engine.workspace().find(deal)->flows.at("onboarding").stage == "kickoff_scheduled");

    // Renewal management starts 120 days before the renewal date, not before.
    add_subscription(engine);
    CHECK(engine.workspace().find("subscription-1")->flows.count("renewal_management") == 0);
    CHECK(engine.start_due_flows(at("2026-12-28T09:00:00Z")).empty());
    const auto started = engine.start_due_flows(at("2027-01-01T09:00:00Z"));
    REQUIRE(started.size() == 1);
    CHECK(started[0] == "started the Renewal management for Harbor Foods – Growth");
    CHECK(engine.start_due_flows(at("2027-01-02T09:00:00Z")).empty()); // once only
}

TEST_CASE("a time-driven start whose condition works out the names it reads still starts") {
    Workspace ws = team_workspace();
    ws.flows = all_templates();
    for (auto& flow : ws.flows)
        if (flow.id == "renewal_management")
            flow.start.when = json::parse(R"({"and": [
                {"!": {"missing": {"merge": ["renewal_date"]}}},
                {"<=": [{"days_until": {"var": {"cat": ["renewal", "_date"]}}}, 120]}]})");
    Engine engine(std::move(ws));
    add_subscription(engine);
    CHECK(engine.start_due_flows(at("2026-12-28T09:00:00Z")).empty());
    const auto started = engine.start_due_flows(at("2027-01-01T09:00:00Z"));
    CHECK(started ==
          std::vector<std::string>{"started the Renewal management for Harbor Foods – Growth"});
}

TEST_CASE("editing a live process keeps records in flight valid") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine, {{"amount", 25000}, {"currency", "USD"}});
    REQUIRE(engine.apply(MoveRecord{deal, "qualified"}, "u-ana", kNow).ok);
    std::vector<Flow> flows = engine.workspace().flows;
    Flow& sales = *std::find_if(flows.begin(), flows.end(),
                                [](const Flow& f) { return f.id == "sales_pipeline"; });

    SUBCASE("only admins change processes") {
        CHECK(engine.apply(SetProcesses{flows, {}}, "u-maria", kNow).message ==
              "Maria Lindqvist (manager) cannot change processes; only admins can");
    }
    SUBCASE("removing an occupied stage asks where its records go") {
        sales.stages.erase(sales.stages.begin() + 1); // "qualified"
        sales.stages[1].gate.required.push_back("probability");
        CHECK(engine.apply(SetProcesses{flows, {}}, "u-sam", kNow).message ==
              "Sales pipeline: stage \"qualified\" is removed but 1 record(s) are in it (" + deal +
                  "); say which stage they move to");
        REQUIRE(engine
                    .apply(SetProcesses{flows, {{"sales_pipeline", {{"qualified", "lead"}}}}},
                           "u-sam", kNow)
                    .ok);
        CHECK(engine.workspace().find(deal)->flows.at("sales_pipeline").stage == "lead");
    }
    SUBCASE("invalid definitions are refused whole") {
        sales.stages[0].gate.required.push_back("budjet");
        CHECK(engine.apply(SetProcesses{flows, {}}, "u-sam", kNow).message ==
              "The processes have problems:\nsales_pipeline › lead › required: \"budjet\" is not a "
              "field of Deal");
    }
}

TEST_CASE("process definitions and record states survive export and import") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine, {{"amount", 25000}, {"currency", "USD"}});
    REQUIRE(engine.apply(MoveRecord{deal, "qualified"}, "u-ana", kNow).ok);
    const std::string text = export_workspace(engine.workspace());
    auto imported = import_workspace(text);
    REQUIRE_MESSAGE(imported.ok(), (imported.ok() ? "" : imported.error()));
    CHECK(export_workspace(*imported) == text);
    CHECK(imported->find(deal)->flows.at("sales_pipeline").stage == "qualified");

    json doc = json::parse(text);
    for (auto& record : doc["records"])
        if (record["id"] == deal) record["flows"]["sales_pipeline"]["stage"] = "won";
    auto broken = workspace_from_json(doc);
    REQUIRE_FALSE(broken);
    CHECK(broken.error().find(".flows.sales_pipeline.stage: Sales pipeline has no stage \"won\"") !=
          std::string::npos);
}

TEST_CASE("conditions read as plain words with field labels") {
    const Schema schema = builtin_schema();
    const RecordTypeDef& deal = *schema.type("deal");
    CHECK(
        describe_condition(
            deal,
            json::parse(
                R"({"and":[{"is_set":{"var":"budget"}},{"is_set":{"var":"decision_maker"}}]})")) ==
        "Budget is set and Decision maker is set");
    Record record;
    record.id = "deal-1";
    record.type = "deal";
    record.fields = {{"amount", {{"amount", 5000}, {"currency", "EUR"}}}};
    const json data = logic_data(record, deal);
    CHECK(data["amount"] == 5000);
    CHECK(data["amount_currency"] == "EUR");
    Gate gate;
    gate.required = {"budget"};
    gate.entry =
        json::parse(R"({"and":[{">":[{"var":"amount"},10000]},{"is_set":{"var":"close_date"}}]})");
    const GateCheck check = check_gate(gate, deal, data, kNow);
    CHECK(describe_gate_check(check, deal) ==
          "missing Budget; not met: Amount is more than 10000 and Expected close is set");
}

TEST_CASE("moves keep records whole and follow the flow's shape") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine, {{"amount", 25000}, {"currency", "USD"}});

    SUBCASE("a move cannot clear a required field") {
        MoveRecord move{deal, "qualified"};
        move.fields = {{"name", ""}};
        CHECK(engine.apply(move, "u-ana", kNow).message ==
              "Cannot move Harbor Foods: Name: is required");
    }
    SUBCASE("an outcome is reached only from the stages it names") {
        MoveRecord won{deal, "closed_won"};
        won.fields = {{"agreement_signed", true}};
        CHECK(
            engine.apply(won, "u-ana", kNow).message ==
            "Cannot move Harbor Foods to Closed won: Closed won is reached from Negotiation only");
        MoveRecord lost{deal, "closed_lost"};
        lost.reason = "No budget";
        CHECK(engine.apply(lost, "u-ana", kNow).ok); // lost from any stage
    }
}

TEST_CASE("a flow start that would make an invalid record does not happen, and says why") {
    Workspace ws = team_workspace();
    ws.flows = all_templates();
    Flow visit;
    visit.id = "follow_up";
    visit.name = "Follow-up";
    visit.record_type = "activity";
    visit.start.on = "lead";
    visit.start.when = json::parse(R"({"==": [{"var": "source"}, "Webinar"]})");
    visit.start.link_field = "related";
    Stage stage;
    stage.id = "planned";
    stage.name = "Planned";
    stage.next_action.text = "Call";
    visit.stages = {stage};
    FlowOutcome done;
    done.id = "done";
    done.name = "Done";
    done.kind = "done";
    visit.outcomes = {done};
    ws.flows.push_back(visit);
    Engine engine(std::move(ws));
    const auto outcome = engine.apply(
        CreateRecord{"lead", {{"name", "Kim Ito"}, {"source", "Webinar"}}}, "u-ana", kNow);
    REQUIRE(outcome.ok);
    REQUIRE(outcome.warnings.size() == 2); // lead routing started; the follow-up could not
    CHECK(outcome.warnings[1] ==
          "could not start the Follow-up for Kim Ito: Kind: is required; When: is required");
    CHECK(engine.workspace().ids_of_type("activity").empty());
}

TEST_CASE("live edits that would strand history or records are refused; history stays readable") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine, {{"amount", 25000}, {"currency", "USD"}});
    std::vector<Flow> flows = engine.workspace().flows;
    auto find = [&](const std::string& id) -> Flow& {
        return *std::find_if(flows.begin(), flows.end(), [&](const Flow& f) { return f.id == id; });
    };
    SUBCASE("a flow in use cannot change the type it runs on") {
        find("sales_pipeline").record_type = "lead";
        CHECK(engine.apply(SetProcesses{flows, {}}, "u-sam", kNow)
                  .message.rfind("Sales pipeline runs on deal records (" + deal + ", ...)", 0) ==
              0);
    }
    SUBCASE("removing an outcome that ended records used keeps them readable") {
        MoveRecord lost{deal, "closed_lost"};
        lost.reason = "No budget";
        REQUIRE(engine.apply(lost, "u-ana", kNow).ok);
        Flow& sales = find("sales_pipeline");
        sales.outcomes.erase(sales.outcomes.begin() + 1); // closed_lost
        sales.stage_field.clear();
        REQUIRE(engine.apply(SetProcesses{flows, {}}, "u-sam", kNow).ok);
        auto again = import_workspace(export_workspace(engine.workspace()));
        REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
        CHECK(again->find(deal)->flows.at("sales_pipeline").outcome == "closed_lost");
    }
    SUBCASE("conditions on other flows must name a real flow") {
        find("onboarding").start.when =
            json::parse(R"({"==": [{"var": "flows.sales_pipline.outcome"}, "closed_won"]})");
        CHECK(engine.apply(SetProcesses{flows, {}}, "u-sam", kNow).message ==
              "The processes have problems:\nonboarding › start › when: the condition reads "
              "\"flows.sales_pipline.outcome\", but there is no flow \"sales_pipline\"");
    }
}

TEST_CASE("blocked moves are kept for the manager until the record moves on") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine);
    const auto before = engine.workspace().find(deal)->fields;
    CHECK_FALSE(engine.apply(MoveRecord{deal, "qualified"}, "u-ana", kNow).ok);
    CHECK_FALSE(
        engine.apply(MoveRecord{deal, "qualified"}, "u-ana", at("2026-11-20T11:00:00Z")).ok);
    const Record& record = *engine.workspace().find(deal);
    CHECK(record.fields == before); // the data stays as it was
    CHECK(record.flows.at("sales_pipeline").stage == "lead");
    REQUIRE(record.flows.at("sales_pipeline").blocked);
    CHECK(record.flows.at("sales_pipeline").blocked->attempts == 2);

    const auto queues = exception_queues(engine.workspace(), "u-maria", at("2026-11-20T12:00:00Z"));
    const auto blocked = std::find_if(queues.begin(), queues.end(), [](const ExceptionQueue& q) {
        return q.kind == "blocked_move";
    });
    REQUIRE(blocked != queues.end());
    CHECK(blocked->group == "sales_pipeline/qualified");
    CHECK(blocked->title == "Blocked: Sales pipeline → Qualified");
    REQUIRE(blocked->items.size() == 1);
    CHECK(blocked->items.front().detail == "missing Budget · Ana Reyes, 2 tries, last 1h ago");

    SUBCASE("completing the move takes it out of the queue") {
        const auto seq = engine.last_seq();
        MoveRecord move{deal, "qualified"};
        move.fields = {{"budget", {{"amount", 25000}, {"currency", "USD"}}}};
        REQUIRE(engine.apply(move, "u-ana", kNow).ok);
        CHECK(engine.last_seq() > seq);
        CHECK(engine.workspace().find(deal)->flows.at("sales_pipeline").blocked.has_value() ==
              false);
        const auto after = exception_queues(engine.workspace(), "u-maria", kNow);
        CHECK(std::none_of(after.begin(), after.end(),
                           [](const ExceptionQueue& q) { return q.kind == "blocked_move"; }));
    }
}

TEST_CASE("an automation that cannot run goes to the recovery queue once, with the reason") {
    Workspace ws = team_workspace();
    ws.flows = all_templates();
    // A deal field the lead cannot fill: the sales pipeline cannot create its deal.
    FieldDef region;
    region.id = "region";
    region.label = "Region";
    region.required = true;
    ws.schema.type("deal")->fields.push_back(region);
    Engine engine(ws);
    const auto lead =
        engine.apply(CreateRecord{"lead", {{"name", "Dana Whitfield"}}}, "u-ana", kNow);
    REQUIRE(lead.ok);
    const auto qualified =
        engine.apply(UpdateRecord{lead.record_id, {{"status", "Qualified"}}}, "u-ana", kNow);
    REQUIRE(qualified.ok); // the person's change stands
    CHECK(qualified.warnings ==
          std::vector<std::string>{"could not start the Sales pipeline for Dana Whitfield: "
                                   "Region: is required"});
    const Record& record = *engine.workspace().find(lead.record_id);
    CHECK(record.automation_failures.at("start:sales_pipeline").reason == "Region: is required");

    // Trying again with the same reason adds nothing; the queue shows it to the admins.
    const auto seq = engine.last_seq();
    CHECK(engine.start_due_flows(at("2026-11-20T11:00:00Z")).empty());
    CHECK(engine.last_seq() == seq);
    const auto queues = exception_queues(engine.workspace(), "u-sam", kNow);
    const auto failed = std::find_if(queues.begin(), queues.end(), [](const ExceptionQueue& q) {
        return q.kind == "automation_failure";
    });
    REQUIRE(failed != queues.end());
    CHECK(failed->title == "Could not start: Sales pipeline");
    CHECK(failed->handlers == std::vector<std::string>{"u-sam"});
    CHECK(failed->items.front().detail == "Region: is required");

    SUBCASE("a start that is no longer wanted leaves the queue") {
        REQUIRE(engine
                    .apply(UpdateRecord{lead.record_id, {{"status", "Working"}}}, "u-ana",
                           at("2026-11-20T12:00:00Z"))
                    .ok);
        CHECK(engine.workspace().find(lead.record_id)->automation_failures.empty());
    }
    SUBCASE("so does the start of a flow that was removed") {
        SetProcesses without;
        for (const auto& flow : engine.workspace().flows) // those after it go with it
            if (flow.id == "lead_routing" || flow.id == "customer_support")
                without.flows.push_back(flow);
        const auto removed = engine.apply(without, "u-sam", kNow);
        REQUIRE_MESSAGE(removed.ok, removed.message);
        CHECK(engine.workspace().find(lead.record_id)->automation_failures.empty());
    }
    SUBCASE("once the cause is fixed, the start goes through and leaves the queue") {
        Workspace fixed = engine.workspace();
        fixed.schema.type("deal")->fields.back().required = false;
        Engine recovered(std::move(fixed));
        CHECK(recovered.start_due_flows(at("2026-11-20T12:00:00Z")).size() == 1);
        CHECK(recovered.workspace().find(lead.record_id)->automation_failures.empty());
    }
}

TEST_CASE("a blocked move with the wrong shape is refused on import") {
    Engine engine = process_engine();
    const std::string deal = qualified_deal(engine);
    CHECK_FALSE(engine.apply(MoveRecord{deal, "qualified"}, "u-ana", kNow).ok);
    json document = workspace_to_json(engine.workspace());
    for (auto& record : document["records"])
        if (record["id"] == deal) {
            auto& blocked = record["flows"]["sales_pipeline"]["blocked"];
            SUBCASE("missing fields that are not names") {
                blocked["missing"] = json::array({1});
            }
            SUBCASE("a count that is not a number") {
                blocked["attempts"] = "x";
            }
        }
    auto result = workspace_from_json(document, kNow);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().find(".flows.sales_pipeline.blocked.") != std::string::npos);
}

namespace {

// A journal that refuses one append: a full disk, a blocked IndexedDB.
class FailOnceSink : public EventSink {
  public:
    explicit FailOnceSink(int fail_at) : m_fail_at(fail_at) {}
    Status append(const EventBatch&) override {
        return ++m_count == m_fail_at ? Status(Error{"disk full"}) : Status::success();
    }

  private:
    int m_fail_at, m_count = 0;
};

} // namespace

TEST_CASE("a flow start that could not be saved is tried again by the timer") {
    Engine engine = process_engine();
    FailOnceSink sink(2); // the lead saves; starting its routing flow does not
    engine.set_sink(&sink);
    const auto start_time = at("2026-11-20T10:00:00Z");
    CHECK(engine.start_due_flows(start_time).empty()); // the timer's first full look
    const auto lead =
        engine.apply(CreateRecord{"lead", {{"name", "Dana Whitfield"}}}, "u-ana", start_time);
    REQUIRE(lead.ok);
    CHECK(engine.workspace().find(lead.record_id)->flows.empty());
    CHECK(engine.start_due_flows(at("2026-11-20T10:01:00Z")).size() == 1);
    CHECK(engine.workspace().find(lead.record_id)->flows.count("lead_routing") == 1);
    engine.set_sink(nullptr);
}

} // namespace process_test
