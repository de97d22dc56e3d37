// Where a new workspace starts, and the timer's one sequence.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "process/flow_json.hpp"
#include "service/bootstrap.hpp"
#include "service/timers.hpp"
#include "sla/policy.hpp"

#include <doctest/doctest.h>

#include <fstream>

namespace service_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

TEST_CASE("the demo starts out looking alive: its latest activity is today") {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    REQUIRE(in);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    const Instant now = at("2031-06-15T12:00:00Z");
    auto demo = demo_workspace(text, now);
    REQUIRE_MESSAGE(demo.ok(), (demo.ok() ? "" : demo.error()));
    CHECK(demo->record_count() == import_workspace(text)->record_count());
    const std::int64_t latest = latest_activity(*demo).seconds;
    CHECK(latest <= now.seconds);
    CHECK(now.seconds - latest < 86400);

    CHECK(demo_workspace("{\"format\": \"crm-workspace\"", now).error().find("line 1") !=
          std::string::npos);
}

TEST_CASE("without the demo, a workspace starts with an administrator only") {
    const Workspace ws = starter_workspace();
    REQUIRE(ws.directory.users().size() == 1);
    CHECK(ws.directory.users().front().id == "admin");
    CHECK(ws.directory.users().front().role == Role::Admin);
    CHECK(ws.record_count() == 0);
}

TEST_CASE("the timer starts flows that came due and raises breaches, each once") {
    Workspace ws = team_workspace();
    std::ifstream in(std::string(CRM_PROCESS_DIR) + "/renewal_management.json");
    REQUIRE(in);
    ws.flows = *processes_from_document(json::parse(in));
    ws.sla_policies = *sla_policies_from_json(json::parse(R"([{"id": "case_open",
        "name": "Case open 48 hours", "record_type": "ticket", "starts": "created",
        "within": "48 hours", "alert": ["owner"]}])"),
                                              "$.sla_policies");
    Engine engine(std::move(ws));
    const Instant created = at("2026-11-20T10:00:00Z");
    REQUIRE(engine
                .apply(CreateRecord{"subscription",
                                    {{"name", "Harbor Foods – Growth"},
                                     {"renewal_date", "2027-04-30"}}},
                       "u-ana", created)
                .ok);
    REQUIRE(
        engine.apply(CreateRecord{"ticket", {{"subject", "Printer jam"}}}, "u-ana", created).ok);

    CHECK(tick(engine, at("2026-11-21T10:00:00Z")).empty()); // nothing due yet

    // Renewal is 120 days out and the ticket's 48 hours are long gone.
    const TickReport report = tick(engine, at("2027-01-01T09:00:00Z"));
    CHECK(report.started ==
          std::vector<std::string>{"started the Renewal management for Harbor Foods – Growth"});
    REQUIRE(report.alerts.size() == 1);
    CHECK(report.alerts.front().find("Printer jam") != std::string::npos);
    CHECK(engine.workspace().find("subscription-1")->flows.count("renewal_management") == 1);

    CHECK(tick(engine, at("2027-01-01T09:01:00Z")).empty()); // once each
}

} // namespace service_test
