// Lead scoring: a lead's score point by point, engagement that fades with
// age at known instants, the MQL hand-off exactly once (across drops,
// replays and reopening), and models that do not fit refused in words.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "query/history.hpp"
#include "query/inbox.hpp"
#include "scoring/score.hpp"
#include "service/record_history.hpp"
#include "service/timers.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <deque>

namespace scoring_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

// Northwind-like: fit on industry, size and territory; engagement by the
// activity's kind and subject; halved every 30 days; MQL at 60.
const char* kModel = R"({
  "mql_threshold": 60, "mql_status": "Working", "notify_team": "t-east",
  "decay": {"halve_every_days": 30},
  "fit": [
    {"label": "Industry is Software", "points": 10, "when": {"==": [{"var": "industry"}, "Software"]}},
    {"label": "200 employees or more", "points": 15, "when": {">=": [{"var": "employees"}, 200]}},
    {"label": "Territory is EMEA", "points": 5, "when": {"==": [{"var": "territory"}, "EMEA"]}}
  ],
  "engagement": [
    {"label": "Demo request", "points": 25, "when": {"in": ["Demo request", {"var": "subject"}]}},
    {"label": "Webinar attended", "points": 10, "when": {"in": ["Webinar", {"var": "subject"}]}},
    {"label": "Pricing page visit", "points": 5, "when": {"in": ["Pricing page", {"var": "subject"}]}}
  ]})";

LeadScoring model() {
    auto scoring = lead_scoring_from_json(json::parse(kModel), "$");
    REQUIRE_MESSAGE(scoring.ok(), (scoring.ok() ? "" : scoring.error()));
    return *scoring;
}

Workspace scored_team() {
    Workspace ws = team_workspace();
    ws.schema = builtin_schema();
    ws.lead_scoring = model();
    return ws;
}

std::string add(Engine& engine, const char* type, json fields, const char* when,
                const std::string& actor = "u-ana") {
    const auto outcome =
        engine.apply(CreateRecord{type, std::move(fields), std::nullopt}, actor, at(when));
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    return outcome.record_id;
}

std::string engagement(Engine& engine, const std::string& lead, const char* subject,
                       const char* when) {
    return add(engine, "activity",
               {{"kind", "Note"}, {"subject", subject}, {"at", when}, {"related", lead}}, when);
}

std::vector<std::string> lines_of(const Workspace& ws, const std::string& lead, const char* now) {
    std::vector<std::string> lines;
    for (const auto& line : score_lead(ws, *ws.find(lead), at(now)).lines)
        lines.push_back(score_line_text(line));
    return lines;
}

json score_of(const Engine& engine, const std::string& lead) {
    return engine.workspace().find(lead)->value("score");
}

std::size_t mql_notes(const Workspace& ws, const std::string& user) {
    std::size_t count = 0;
    for (const Notification* n : inbox(ws, user).items)
        count += n->kind == kNotifyMql;
    return count;
}

} // namespace

TEST_CASE("a lead's score is explained point by point") {
    Engine engine(scored_team());
    const auto lead = add(engine, "lead",
                          {{"name", "Mei Fischer"},
                           {"industry", "Software"},
                           {"employees", 250},
                           {"territory", "EMEA"},
                           {"status", "New"}},
                          "2026-09-20T09:00:00Z");
    engagement(engine, lead, "Webinar: route planning", "2026-10-01T15:00:00Z");
    engagement(engine, lead, "Demo request from the website", "2026-11-20T10:00:00Z");
    engagement(engine, lead, "Called about the contract", "2026-11-20T11:00:00Z"); // no points

    CHECK(lines_of(engine.workspace(), lead, "2026-11-21T09:00:00Z") ==
          std::vector<std::string>{
              "Industry is Software +10", "200 employees or more +15", "Territory is EMEA +5",
              "Webinar attended 2026-10-01 +10, halved by age: +5", "Demo request 2026-11-20 +25"});
    const auto breakdown =
        score_lead(engine.workspace(), *engine.workspace().find(lead), at("2026-11-21T09:00:00Z"));
    CHECK(breakdown.total == 60);
    // The webinar halves again 60 days after it happened.
    CHECK(format_instant(*breakdown.next_change) == "2026-11-30T15:00:00Z");
    // The stored score followed each change, by automation.
    CHECK(score_of(engine, lead) == 60); // on 2026-11-20 the webinar was 50 days old: halved
    const json shown =
        score_breakdown_json(engine.workspace(), *engine.workspace().find(lead), breakdown);
    CHECK(shown["lines"][3]["label"] == "Webinar attended 2026-10-01");
    CHECK(shown["lines"][3]["points"] == 5);
    CHECK(shown["mql_threshold"] == 60);
    CHECK(shown["mql_at"] == "2026-11-20T10:00:00Z"); // the demo request made it 60
}

TEST_CASE("engagement points halve with age at known instants, or expire") {
    Engine engine(scored_team());
    const auto lead = add(engine, "lead", {{"name", "Ravi Kowalski"}}, "2026-11-01T09:00:00Z");
    engagement(engine, lead, "Demo request", "2026-11-20T10:00:00Z");
    const Workspace& ws = engine.workspace();
    auto total_at = [&](const char* when) {
        return score_lead(ws, *ws.find(lead), at(when)).total;
    };
    CHECK(total_at("2026-12-20T09:59:59Z") == 25);
    CHECK(total_at("2026-12-20T10:00:00Z") == 12);
    CHECK(total_at("2027-01-19T10:00:00Z") == 6);
    CHECK(total_at("2027-02-18T10:00:00Z") == 3);
    CHECK(total_at("2027-03-20T10:00:00Z") == 1);
    CHECK(total_at("2027-04-19T10:00:00Z") == 0);
    CHECK_FALSE(score_lead(ws, *ws.find(lead), at("2027-04-19T10:00:00Z")).next_change);
    CHECK(lines_of(ws, lead, "2027-01-19T10:00:00Z") ==
          std::vector<std::string>{"Demo request 2026-11-20 +25, halved twice by age: +6"});

    SUBCASE("the timer brings the stored score down exactly then, as Lead scoring") {
        CHECK(tick(engine, at("2026-12-20T09:59:00Z")).scored.empty());
        CHECK(score_of(engine, lead) == 25);
        CHECK(tick(engine, at("2026-12-20T10:00:00Z")).scored ==
              std::vector<std::string>{"Score of Ravi Kowalski: 25 -> 12 (Lead scoring)"});
        CHECK(score_of(engine, lead) == 12);
        CHECK(tick(engine, at("2026-12-21T10:00:00Z")).scored.empty());
    }
    SUBCASE("expiry") {
        LeadScoring expiring = model();
        expiring.decay = {ScoreDecay::Kind::Expire, 90};
        REQUIRE(engine.apply(SetLeadScoring{expiring}, "u-sam", at("2026-11-21T00:00:00Z")).ok);
        CHECK(total_at("2027-02-18T09:59:59Z") == 25);
        CHECK(lines_of(ws, lead, "2027-02-18T10:00:00Z") ==
              std::vector<std::string>{"Demo request 2026-11-20 +25, expired by age: +0"});
    }
}

TEST_CASE("crossing the MQL threshold hands the lead to sales once") {
    OpenStore open(scored_team());
    Engine& engine = open.engine;
    const auto lead = add(
        engine, "lead",
        {{"name", "Zoë Novak"}, {"industry", "Software"}, {"employees", 300}, {"status", "New"}},
        "2026-11-16T09:00:00Z");
    engagement(engine, lead, "Pricing page visit", "2026-11-16T10:00:00Z"); // 30
    CHECK(score_of(engine, lead) == 30);
    engagement(engine, lead, "Demo request", "2026-11-17T10:00:00Z"); // 55
    CHECK_FALSE(is_mql(*engine.workspace().find(lead)));
    const auto webinar = engagement(engine, lead, "Webinar: field service", "2026-11-18T10:00:00Z");

    const Record& handed = *engine.workspace().find(lead);
    CHECK(handed.value("score") == 65);
    CHECK(handed.value("mql_at") == "2026-11-18T10:00:00Z");
    CHECK(handed.value("status") == "Working");
    REQUIRE(mql_notes(engine.workspace(), "u-maria") == 1);
    CHECK(inbox(engine.workspace(), "u-maria").items.front()->text ==
          "Zoë Novak is a marketing-qualified lead (score 65): handed to sales");

    // Drops below, crosses again: no second hand-off.
    REQUIRE(engine.apply(DeleteRecord{webinar}, "u-maria", at("2026-11-19T09:00:00Z")).ok);
    CHECK(score_of(engine, lead) == 55);
    REQUIRE(
        engine.apply(UpdateRecord{lead, {{"status", "New"}}}, "u-ana", at("2026-11-19T09:30:00Z"))
            .ok);
    engagement(engine, lead, "Webinar: pricing", "2026-11-19T10:00:00Z");
    CHECK(score_of(engine, lead) == 65);
    CHECK(engine.workspace().find(lead)->value("mql_at") == "2026-11-18T10:00:00Z");
    CHECK(engine.workspace().find(lead)->value("status") == "New");
    CHECK(mql_notes(engine.workspace(), "u-maria") == 1);

    // History says who scored it.
    const auto kept = read_record_history(open.store, lead);
    const auto timeline = record_timeline(engine.workspace(), kept.batches, kept.origins, lead);
    const bool by_scoring = std::any_of(timeline.begin(), timeline.end(), [](const auto& entry) {
        return entry.by.rfind("automation (Lead scoring)", 0) == 0 &&
               entry.what.find("Marketing-qualified") != std::string::npos;
    });
    CHECK(by_scoring);

    SUBCASE("reopening replays the journal to the same state and hands nothing off again") {
        Engine again = open.reopen();
        const Record& reopened = *again.workspace().find(lead);
        CHECK(reopened.value("score") == 65);
        CHECK(reopened.value("mql_at") == "2026-11-18T10:00:00Z");
        CHECK(tick(again, at("2026-11-19T12:00:00Z")).empty());
        CHECK(mql_notes(again.workspace(), "u-maria") == 1);
        CHECK(again.last_seq() == engine.last_seq());
    }
}

TEST_CASE("a new model rescores every lead and hands off those at the threshold") {
    Workspace ws = scored_team();
    ws.lead_scoring.reset();
    Engine engine(ws);
    const auto lead = add(engine, "lead",
                          {{"name", "Omar Haddad"},
                           {"industry", "Software"},
                           {"employees", 900},
                           {"territory", "EMEA"},
                           {"status", "New"}},
                          "2026-11-16T09:00:00Z");
    engagement(engine, lead, "Demo request", "2026-11-16T10:00:00Z");
    engagement(engine, lead, "Pricing page", "2026-11-16T11:00:00Z");
    CHECK_FALSE(engine.workspace().find(lead)->has_value("score")); // no model: nobody scores
    const auto set = engine.apply(SetLeadScoring{model()}, "u-sam", at("2026-11-17T09:00:00Z"));
    REQUIRE_MESSAGE(set.ok, set.message);
    CHECK(set.warnings ==
          std::vector<std::string>{
              "Omar Haddad reached the MQL threshold (60 points): handed to sales"});
    CHECK(score_of(engine, lead) == 60);
    CHECK(mql_notes(engine.workspace(), "u-maria") == 1);
}

TEST_CASE("a scoring model that does not fit is refused with the place and what was expected") {
    auto refused = [](const char* text) {
        auto parsed = lead_scoring_from_json(json::parse(text), "$");
        REQUIRE_FALSE(parsed.ok());
        return parsed.error();
    };
    CHECK(refused(R"({"fit": []})") ==
          "$.mql_threshold: expected the points that make a lead an MQL, got nothing");
    CHECK(
        refused(
            R"({"mql_threshold": 60, "fit": [{"label": "Big", "points": "ten", "when": true}]})") ==
        "$.fit[0].points: expected a whole number from -1000 to 1000, got \"ten\"");
    CHECK(
        refused(
            R"({"mql_threshold": 60, "engagement": [{"label": "Demo", "points": 5, "when": {"inn": [1, 2]}}]})")
            .rfind("$.engagement[0].when: ", 0) == 0);
    CHECK(refused(R"({"mql_threshold": 60, "decay": {"halve_every_days": 0}})") ==
          "$.decay.halve_every_days: expected a whole number from 1 to 3650, got 0");

    Engine engine(scored_team());
    LeadScoring typo = model();
    typo.fit[0].when = json::parse(R"({"==": [{"var": "industy"}, "Software"]})");
    typo.notify_team = "t-north";
    const auto outcome = engine.apply(SetLeadScoring{typo}, "u-sam", at("2026-11-20T09:00:00Z"));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.message ==
          "The lead scoring has a problem: $.fit[0].when: \"industy\" is not a field of Lead");
    CHECK(engine.last_seq() == 0);
    const auto by_rep = engine.apply(SetLeadScoring{model()}, "u-ana", at("2026-11-20T09:00:00Z"));
    CHECK(by_rep.message == "Ana Reyes (rep) cannot change lead scoring; only admins can");

    // The workspace file says where.
    json file = workspace_to_json(scored_team());
    file["lead_scoring"]["mql_status"] = "Hot";
    const auto imported = workspace_from_json(file, at("2026-11-20T09:00:00Z"));
    REQUIRE_FALSE(imported.ok());
    CHECK(imported.error() == "$.lead_scoring.mql_status: \"Hot\" is not a lead status (expected "
                              "one of \"New\", \"Working\", \"Qualified\", \"Disqualified\")");
}

TEST_CASE("the scoring model round-trips through the workspace file") {
    const Workspace ws = scored_team();
    const auto again = workspace_from_json(workspace_to_json(ws), at("2026-11-20T09:00:00Z"));
    REQUIRE(again.ok());
    REQUIRE(again->lead_scoring);
    CHECK(lead_scoring_to_json(*again->lead_scoring) == lead_scoring_to_json(*ws.lead_scoring));
}

} // namespace scoring_test
