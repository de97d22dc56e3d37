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

} // namespace search_test
