// The board: where a record goes next, and which field is its value on the card.
#include "fixtures.hpp"
#include "model/schema.hpp"
#include "process/flow_json.hpp"
#include "query/board.hpp"

#include <doctest/doctest.h>

#include <fstream>

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
