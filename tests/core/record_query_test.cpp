// Lists: what a person finds when they search, and in which order.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "query/record_query.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <fstream>

namespace record_query_test {

using namespace crm;
using namespace crm::test;

TEST_CASE("text folds case and Latin accents, and keeps everything else") {
    CHECK(fold_text("Zoë Łukasz") == "zoe lukasz");
    CHECK(fold_text("Straße Æbeltoft Œuvre") == "strasse aebeltoft oeuvre");
    CHECK(fold_text("ÀÉÎÕÜ çñ ğş ž") == "aeiou cn gs z");
    CHECK(fold_text("Москва 東京 ×") == "Москва 東京 ×");                 // not Latin: as it was
    CHECK(fold_text(std::string("bad \xC3")) == std::string("bad \xC3")); // a cut-off character
}

TEST_CASE("searching ignores accents and sorting puts accented names among their letters") {
    Engine engine(team_workspace());
    for (const char* name : {"Zoë Novak", "Łukasz Berg", "Lena Ortiz", "Émile Roux", "Anna Kay"})
        REQUIRE(engine
                    .apply(CreateRecord{"lead", {{"name", name}}, std::string("u-ana")}, "u-ana",
                           at("2026-11-20T10:00:00Z"))
                    .ok);
    const Workspace& ws = engine.workspace();
    auto names = [&](const std::vector<std::string>& ids) {
        std::vector<std::string> out;
        for (const auto& id : ids)
            out.push_back(ws.title_of(*ws.find(id)));
        return out;
    };
    CHECK(names(query_records(ws, {"lead", "u-ana", "", "title", true})) ==
          std::vector<std::string>{"Anna Kay", "Émile Roux", "Lena Ortiz", "Łukasz Berg",
                                   "Zoë Novak"});
    CHECK(names(query_records(ws, {"lead", "u-ana", "zoe", "title", true})) ==
          std::vector<std::string>{"Zoë Novak"});
    CHECK(names(query_records(ws, {"lead", "u-ana", "LUKASZ", "title", true})) ==
          std::vector<std::string>{"Łukasz Berg"});
}

namespace {

// The deals standing at `stage` of the sales pipeline, by looking at each one.
std::vector<std::string> deals_at_by_scan(const Workspace& ws, const std::string& stage) {
    std::vector<std::string> ids;
    for (const Record* deal : ws.records_of_type("deal"))
        if (const auto state = deal->flows.find("sales_pipeline"); state != deal->flows.end())
            if (const std::string* at = listed_stage(state->second); at && *at == stage)
                ids.push_back(deal->id);
    return ids;
}

std::vector<std::string> deals_at(const Workspace& ws, const std::string& stage) {
    RecordQuery query{"deal", "u-sam", "", "", true, {}};
    query.filter.stage = {"sales_pipeline", {stage}};
    auto ids = query_records(ws, query);
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace

TEST_CASE("a list filtered by stage follows deals as they move, win, lose and are deleted") {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    auto demo = import_workspace(std::string{std::istreambuf_iterator<char>(in), {}});
    REQUIRE(demo.ok());
    Engine engine(std::move(*demo));
    const Flow& pipeline = *engine.workspace().flow("sales_pipeline");
    std::vector<std::string> places;
    for (const auto& stage : pipeline.stages)
        places.push_back(stage.id);
    for (const auto& outcome : pipeline.outcomes)
        places.push_back(outcome.id);
    const auto agree = [&] {
        for (const auto& place : places) {
            auto scanned = deals_at_by_scan(engine.workspace(), place);
            std::sort(scanned.begin(), scanned.end());
            CHECK_MESSAGE(deals_at(engine.workspace(), place) == scanned, place);
        }
    };
    agree();
    std::vector<std::string> deals;
    for (const Record* deal : engine.workspace().records_of_type("deal"))
        deals.push_back(deal->id);
    REQUIRE(deals.size() >= 3);
    int moved = 0;
    Instant when = at("2026-11-24T09:00:00Z");
    for (const auto& deal : deals)
        for (const auto& place : places) {
            MoveRecord move{deal, place, "sales_pipeline", {}, "Budget went elsewhere", true};
            const auto result = engine.apply(move, "u-sam", when);
            when.seconds += 60;
            if (result.ok) {
                ++moved;
                const auto here = deals_at(engine.workspace(), place);
                CHECK(std::find(here.begin(), here.end(), deal) != here.end());
            }
            agree();
        }
    CHECK(moved > 2);
    const auto unlinked = std::find_if(deals.begin(), deals.end(), [&](const std::string& id) {
        return engine.workspace().referrers_of(id).empty();
    });
    REQUIRE(unlinked != deals.end());
    REQUIRE(engine.apply(DeleteRecord{*unlinked}, "u-sam", when).ok);
    agree();
}

} // namespace record_query_test
