// "My work" and the exception queues as the CLI prints them and the app's
// test hooks read them.
#include "io/queue_json.hpp"

#include <doctest/doctest.h>

namespace queue_json_test {

using namespace crm;
using nlohmann::json;

TEST_CASE("a work item as JSON: due is a time or null, flow only for next actions") {
    WorkItem task{"task-3", "Send the contract", "task", "Send the contract", std::nullopt, "ok",
                  ""};
    CHECK(work_item_json(task) == json::parse(R"({"record": "task-3", "title": "Send the contract",
        "kind": "task", "what": "Send the contract", "state": "ok", "due": null})"));

    WorkItem next{"deal-2",
                  "Harbor Foods",
                  "next_action",
                  "Book a meeting",
                  *parse_instant("2026-11-23T17:00:00Z"),
                  "at-risk",
                  "sales_pipeline"};
    const json out = work_item_json(next);
    CHECK(out["due"] == "2026-11-23T17:00:00Z");
    CHECK(out["flow"] == "sales_pipeline");
    CHECK(out["state"] == "at-risk");
}

TEST_CASE("an exception queue as JSON counts its items and lists them") {
    ExceptionQueue queue{"unowned",
                         "lead",
                         "Unowned leads",
                         {"u-maria", "u-sam"},
                         {{"lead-1", "Dana Whitfield", "Lead routing: New", ""},
                          {"lead-4", "Ola Berg", "Lead routing: New", ""}}};
    const json out = exception_queue_json(queue);
    CHECK(out["kind"] == "unowned");
    CHECK(out["group"] == "lead");
    CHECK(out["title"] == "Unowned leads");
    CHECK(out["count"] == 2);
    CHECK(out["handlers"] == json::array({"u-maria", "u-sam"}));
    CHECK(out["items"][1] == json::parse(R"({"record": "lead-4", "title": "Ola Berg",
        "detail": "Lead routing: New", "owner": ""})"));
}

} // namespace queue_json_test
