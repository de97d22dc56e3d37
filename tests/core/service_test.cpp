// Where a new workspace starts.
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "service/bootstrap.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace crm;
using namespace crm::test;

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
