// The command palette's search: what a person finds when they type a name.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "query/search.hpp"

#include <doctest/doctest.h>

namespace search_test {

using namespace crm;
using namespace crm::test;

namespace {

std::vector<std::string> titles(const std::vector<SearchHit>& hits) {
    std::vector<std::string> out;
    for (const auto& hit : hits)
        out.push_back(hit.title + " (" + hit.type_label + ")");
    return out;
}

Engine engine_with_leads() {
    Engine engine(team_workspace());
    const Instant when = at("2026-11-20T10:00:00Z");
    for (const char* name : {"Annabel Novak", "Zoë Novak", "Novak Holdings", "Ivanova Design"})
        REQUIRE(
            engine
                .apply(CreateRecord{"lead", {{"name", name}}, std::string("u-ana")}, "u-ana", when)
                .ok);
    REQUIRE(engine
                .apply(CreateRecord{"lead", {{"name", "Nova Zed"}}, std::string("u-zed")}, "u-zed",
                       when)
                .ok);
    return engine;
}

} // namespace

TEST_CASE("search puts titles that start with the text first, then words, then the rest") {
    Engine engine = engine_with_leads();
    const auto hits = search_records(engine.workspace(), "u-ana", "nova", 10);
    CHECK(titles(hits) == std::vector<std::string>{"Novak Holdings (Lead)", "Annabel Novak (Lead)",
                                                   "Zoë Novak (Lead)", "Ivanova Design (Lead)"});
}

TEST_CASE("search ignores case and accents and never shows what the person may not see") {
    Engine engine = engine_with_leads();
    CHECK(titles(search_records(engine.workspace(), "u-ana", "ZOE", 10)) ==
          std::vector<std::string>{"Zoë Novak (Lead)"});
    // Zed's lead is in another team: Ana does not find it, Zed does.
    CHECK(search_records(engine.workspace(), "u-ana", "nova zed", 10).empty());
    CHECK(titles(search_records(engine.workspace(), "u-zed", "nova zed", 10)) ==
          std::vector<std::string>{"Nova Zed (Lead)"});
}

TEST_CASE("search stops at its limit and finds nothing for blank text or an unknown person") {
    Engine engine = engine_with_leads();
    CHECK(search_records(engine.workspace(), "u-ana", "nova", 2).size() == 2);
    CHECK(search_records(engine.workspace(), "u-ana", "   ", 10).empty());
    CHECK(search_records(engine.workspace(), "u-ana", "", 10).empty());
    CHECK(search_records(engine.workspace(), "u-nobody", "nova", 10).empty());
}

TEST_CASE("search finds a record by its new name, not its old one, and not once it is deleted") {
    Engine engine = engine_with_leads();
    const Instant later = at("2026-11-21T10:00:00Z");
    const auto found = search_records(engine.workspace(), "u-ana", "annabel", 10);
    REQUIRE(titles(found) == std::vector<std::string>{"Annabel Novak (Lead)"});
    const std::string id = found.front().record_id;

    REQUIRE(
        engine.apply(UpdateRecord{id, {{"name", "Bella Marsh"}}, std::nullopt}, "u-ana", later).ok);
    CHECK(search_records(engine.workspace(), "u-ana", "annabel", 10).empty());
    CHECK(titles(search_records(engine.workspace(), "u-ana", "marsh", 10)) ==
          std::vector<std::string>{"Bella Marsh (Lead)"});

    REQUIRE(engine
                .apply(CreateRecord{"lead", {{"name", "Marsh Logistics"}}, std::string("u-ana")},
                       "u-ana", later)
                .ok);
    CHECK(titles(search_records(engine.workspace(), "u-ana", "marsh", 10)) ==
          std::vector<std::string>{"Marsh Logistics (Lead)", "Bella Marsh (Lead)"});

    REQUIRE(engine.apply(DeleteRecord{id}, "u-maria", later).ok);
    CHECK(titles(search_records(engine.workspace(), "u-ana", "marsh", 10)) ==
          std::vector<std::string>{"Marsh Logistics (Lead)"});
}

TEST_CASE("search reads titles as the record type names them now") {
    Engine engine = engine_with_leads();
    // A type whose title fields change (here straight in the schema, as a
    // designer's change lands) is searched by its new titles, even after a
    // search by the old ones.
    Workspace ws = engine.workspace();
    CHECK(search_records(ws, "u-ana", "lead-", 10).empty());
    REQUIRE(ws.schema.type("lead"));
    ws.schema.type("lead")->title_fields = {"no_such_field"}; // every title falls back to the id
    CHECK(search_records(ws, "u-ana", "lead-", 10).size() == 4);
    CHECK(search_records(ws, "u-ana", "novak", 10).empty());
}

} // namespace search_test
