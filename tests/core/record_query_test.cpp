// Lists: what a person finds when they search, and in which order.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "query/record_query.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

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

} // namespace record_query_test
