// The board: where a record goes next, when it has been in a stage too long,
// and which field is its value on the card.
#include "fixtures.hpp"
#include "model/schema.hpp"
#include "process/flow_json.hpp"
#include "process/validate.hpp"
#include "query/board.hpp"

#include <doctest/doctest.h>

#include <fstream>

namespace board_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

Flow sales_pipeline() {
    std::ifstream in(std::string(CRM_PROCESS_DIR) + "/sales_pipeline.json");
    REQUIRE(in);
    auto flows = processes_from_document(json::parse(in));
    REQUIRE_MESSAGE(flows.ok(), (flows.ok() ? "" : flows.error()));
    return flows->front();
}

FlowState in_stage(const std::string& stage, const char* since = "2026-11-01T10:00:00Z") {
    FlowState state;
    state.stage = stage;
    state.started_at = at(since);
    state.entered_at = at(since);
    return state;
}

} // namespace

TEST_CASE("a record's next step follows its stage's `next`, not the order of the stages") {
    Flow flow = sales_pipeline();
    const FlowState qualified = in_stage("qualified");

    SUBCASE("without `next`, a deal in Qualified goes on to the stage after it") {
        const auto next = next_step(flow, qualified);
        REQUIRE(next);
        CHECK(next->id == "meeting_scheduled");
        CHECK(next->name == "Meeting scheduled");
        CHECK(next->gate->required ==
              std::vector<std::string>{"budget", "decision_maker", "meeting_date"});
    }
    SUBCASE("a deal in Qualified moves next to the stage its `next` names, not the one after it") {
        flow.stages[1].next = {"proposal_sent", "closed_lost"};
        const auto next = next_step(flow, qualified);
        REQUIRE(next);
        CHECK(next->id == "proposal_sent");
        CHECK(next->name == "Proposal sent");
        CHECK(next->gate == &flow.stage("proposal_sent")->gate);
    }
    SUBCASE("`next` may lead straight to an outcome, with the outcome's gate") {
        flow.stages[1].next = {"closed_lost"};
        const auto next = next_step(flow, qualified);
        REQUIRE(next);
        CHECK(next->name == "Closed lost");
        CHECK(next->gate == &flow.outcome("closed_lost")->gate);
    }
    SUBCASE("the last stage leads on only through its outcomes (End as…)") {
        CHECK_FALSE(next_step(flow, in_stage("negotiation")));
    }
    SUBCASE("a flow that has ended has no next step") {
        FlowState won = in_stage("negotiation");
        won.status = "ended";
        won.outcome = "closed_won";
        CHECK_FALSE(next_step(flow, won));
    }
}

TEST_CASE("a record is stale after the days its stage or flow allows, 14 when neither says") {
    Flow flow = sales_pipeline();
    const FlowState qualified = in_stage("qualified", "2026-11-01T10:00:00Z");
    const Instant day_14 = at("2026-11-15T10:00:00Z"), day_15 = at("2026-11-16T10:00:00Z");

    CHECK_FALSE(flow.stale_after_days); // the templates do not say
    CHECK_FALSE(stage_position(flow, qualified, day_14).stale);
    CHECK(stage_position(flow, qualified, day_15).stale);

    flow.stale_after_days = 30; // a slower flow
    CHECK_FALSE(stage_position(flow, qualified, day_15).stale);
    flow.stages[1].stale_after_days = 3; // a stage that should move quickly
    CHECK(stage_position(flow, qualified, at("2026-11-05T10:00:00Z")).stale);
    CHECK_FALSE(stage_position(flow, in_stage("lead"), day_15).stale); // the flow's 30 days

    FlowState ended = qualified;
    ended.status = "ended";
    ended.outcome = "closed_lost";
    CHECK_FALSE(stage_position(flow, ended, day_15).stale); // only open stages age
}

TEST_CASE("stale_after_days is kept in the flow JSON; flows without it still load") {
    Flow flow = sales_pipeline();
    flow.stale_after_days = 21;
    flow.stages[2].stale_after_days = 5;
    const json saved = flow_to_json(flow);
    CHECK(saved["stale_after_days"] == 21);
    CHECK(saved["stages"][2]["stale_after_days"] == 5);
    CHECK_FALSE(saved["stages"][1].contains("stale_after_days"));
    auto loaded = flow_from_json(saved, "$.flows[0]");
    REQUIRE(loaded.ok());
    CHECK(loaded->stale_after_days == 21);
    CHECK(loaded->stages[2].stale_after_days == 5);
    CHECK_FALSE(loaded->stages[1].stale_after_days);
    CHECK(validate_flows(builtin_schema(), {*loaded}).empty());

    json bad = saved;
    bad["stale_after_days"] = 0;
    CHECK(flow_from_json(bad, "$.flows[0]").error() ==
          "$.flows[0].stale_after_days: expected a whole number of days from 1 to 3650, got 0");
    bad = saved;
    bad["stages"][0]["stale_after_days"] = "two weeks";
    CHECK(flow_from_json(bad, "$.flows[0]").error() ==
          "$.flows[0].stages[0].stale_after_days: expected a whole number of days from 1 to "
          "3650, got \"two weeks\"");
}

TEST_CASE("a record's value on its card is the first money field of its type") {
    const Schema schema = builtin_schema();
    CHECK(value_field(*schema.type("deal"))->id == "amount");
    CHECK(value_field(*schema.type("subscription"))->id == "mrr");
    CHECK(value_field(*schema.type("lead"))->id == "budget");
    CHECK(value_field(*schema.type("ticket")) == nullptr); // no money: the card shows none

    RecordTypeDef project{"project", "Project", "Projects", {"name"}, {}, true};
    project.fields = {{"name", "Name", FieldType::Text},
                      {"hours", "Hours", FieldType::Number},
                      {"fee", "Fee", FieldType::Money}};
    CHECK(value_field(project)->id == "fee");
}

} // namespace board_test
