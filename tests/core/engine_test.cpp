#include "engine/engine.hpp"
#include "engine/permissions.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>

namespace engine_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

// Records every batch, so tests can see exactly what would be journaled.
struct RecordingSink : EventSink {
    std::vector<EventBatch> batches;
    bool fail = false;
    Status append(const EventBatch& batch) override {
        if (fail) return Error{"disk full"};
        batches.push_back(batch);
        return Status::success();
    }
};

const Instant kNow = at("2026-11-20T10:00:00Z");

} // namespace

TEST_CASE("creating records") {
    Engine engine(team_workspace());
    RecordingSink sink;
    engine.set_sink(&sink);

    SUBCASE("a valid record gets the next id, the actor as owner, and one journal entry") {
        const auto outcome =
            engine.apply(CreateRecord{"deal",
                                      {{"name", "Fleet rollout"},
                                       {"amount", {{"amount", 48000}, {"currency", "USD"}}}}},
                         "u-ana", kNow);
        REQUIRE(outcome.ok);
        CHECK(outcome.record_id == "deal-1");
        const Record* deal = engine.workspace().find("deal-1");
        REQUIRE(deal);
        CHECK(deal->owner == "u-ana");
        CHECK(deal->created_by == "u-ana");
        CHECK(deal->created_at == kNow);
        REQUIRE(sink.batches.size() == 1);
        CHECK(sink.batches[0].seq == 1);
        CHECK(engine.apply(CreateRecord{"deal", {{"name", "Second"}}}, "u-ana", kNow).record_id ==
              "deal-2");
    }
    SUBCASE("missing required fields and bad values are listed per field and change nothing") {
        const auto outcome = engine.apply(
            CreateRecord{"contact", {{"email", "not-an-email"}, {"first_name", "Dana"}}}, "u-ana",
            kNow);
        CHECK_FALSE(outcome.ok);
        CHECK(outcome.message ==
              "Cannot create Contact: Email: expected an email address like name@example.com, got "
              "\"not-an-email\"; Last name: is required");
        REQUIRE(outcome.problems.size() == 2);
        CHECK(outcome.problems[0].field == "email");
        CHECK(outcome.problems[1].field == "last_name");
        CHECK(engine.workspace().record_count() == 0);
        CHECK(sink.batches.empty());
    }
    SUBCASE("unknown fields and types are named") {
        CHECK(engine.apply(CreateRecord{"deal", {{"name", "X"}, {"colour", "red"}}}, "u-ana", kNow)
                  .message == "Cannot create Deal: colour: is not a field of Deal");
        CHECK(engine.apply(CreateRecord{"invoice", {}}, "u-ana", kNow).message ==
              "there is no record type \"invoice\"");
    }
    SUBCASE("references must point at an existing record of the right type") {
        engine.apply(CreateRecord{"company", {{"name", "Acme"}}}, "u-ana", kNow);
        CHECK(engine
                  .apply(CreateRecord{"deal", {{"name", "X"}, {"company", "company-9"}}}, "u-ana",
                         kNow)
                  .message == "Cannot create Deal: Company: there is no record \"company-9\"");
        engine.apply(CreateRecord{"deal", {{"name", "D"}}}, "u-ana", kNow);
        CHECK(
            engine
                .apply(CreateRecord{"deal", {{"name", "X"}, {"company", "deal-1"}}}, "u-ana", kNow)
                .message == "Cannot create Deal: Company: deal-1 is a deal, expected a company");
        CHECK(engine
                  .apply(CreateRecord{"deal", {{"name", "X"}, {"company", "company-1"}}}, "u-ana",
                         kNow)
                  .ok);
    }
    SUBCASE("an unknown actor is refused") {
        CHECK(engine.apply(CreateRecord{"deal", {{"name", "X"}}}, "u-nobody", kNow).message ==
              "there is no user \"u-nobody\"; choose who you are first");
    }
    SUBCASE("when the journal cannot be written, the state does not change") {
        sink.fail = true;
        const auto outcome = engine.apply(CreateRecord{"deal", {{"name", "X"}}}, "u-ana", kNow);
        CHECK_FALSE(outcome.ok);
        CHECK(outcome.message == "Not saved: disk full");
        CHECK(engine.workspace().record_count() == 0);
    }
}

TEST_CASE("updating and deleting records") {
    Engine engine(team_workspace());
    RecordingSink sink;
    engine.set_sink(&sink);
    REQUIRE(
        engine
            .apply(CreateRecord{"deal", {{"name", "Fleet"}, {"next_step", "Call"}}}, "u-ana", kNow)
            .ok);
    const Instant later = at("2026-11-21T09:00:00Z");

    SUBCASE("only changed fields are journaled; null clears") {
        REQUIRE(
            engine
                .apply(
                    UpdateRecord{"deal-1",
                                 {{"name", "Fleet"}, {"next_step", nullptr}, {"probability", 40}}},
                    "u-ana", later)
                .ok);
        const auto* update = sink.batches.back().events.at(0).as<events::RecordUpdated>();
        REQUIRE(update);
        CHECK(update->fields == json{{"next_step", nullptr}, {"probability", 40}});
        CHECK(update->before == json{{"next_step", "Call"}, {"probability", nullptr}});
        const Record* deal = engine.workspace().find("deal-1");
        CHECK_FALSE(deal->fields.contains("next_step"));
        CHECK(deal->updated_at == later);
    }
    SUBCASE("an update that changes nothing writes nothing") {
        CHECK(engine.apply(UpdateRecord{"deal-1", {{"name", "Fleet"}}}, "u-ana", later).ok);
        CHECK(sink.batches.size() == 1);
    }
    SUBCASE("a required field cannot be cleared") {
        CHECK(engine.apply(UpdateRecord{"deal-1", {{"name", ""}}}, "u-ana", later).message ==
              "Cannot save Fleet: Name: is required");
    }
    SUBCASE("delete removes the record") {
        CHECK(engine.apply(DeleteRecord{"deal-1"}, "u-maria", later).ok);
        CHECK_FALSE(engine.workspace().find("deal-1"));
        CHECK(engine.apply(DeleteRecord{"deal-1"}, "u-maria", later).message ==
              "there is no record \"deal-1\"");
    }
}

TEST_CASE("permissions: reps own, managers run their team, admins run everything") {
    Engine engine(team_workspace());
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Ana's deal"}}}, "u-ana", kNow).ok);
    REQUIRE(engine.apply(CreateRecord{"deal", {{"name", "Zed's deal"}}}, "u-zed", kNow).ok);
    const Workspace& ws = engine.workspace();
    const Record& anas = *ws.find("deal-1");

    SUBCASE("visibility") {
        CHECK(can_view(ws, *ws.directory.user("u-ana"), anas));
        CHECK_FALSE(can_view(ws, *ws.directory.user("u-ben"), anas));
        CHECK(can_view(ws, *ws.directory.user("u-maria"), anas));
        CHECK_FALSE(can_view(ws, *ws.directory.user("u-wes"), anas));
        CHECK(can_view(ws, *ws.directory.user("u-sam"), anas));
    }
    SUBCASE("a reader of many records gets can_view's answer for each, asked again") {
        const Record& zeds = *ws.find("deal-2");
        for (const char* id : {"u-ana", "u-ben", "u-maria", "u-wes", "u-sam", "u-zed"}) {
            const User& viewer = *ws.directory.user(id);
            const ViewableByOwner viewable(ws, viewer);
            for (int pass = 0; pass < 2; ++pass) {
                CHECK(viewable(anas) == can_view(ws, viewer, anas));
                CHECK(viewable(zeds) == can_view(ws, viewer, zeds));
            }
        }
    }
    SUBCASE("a rep cannot edit someone else's record, and nothing changes") {
        const auto outcome =
            engine.apply(UpdateRecord{"deal-1", {{"name", "Mine now"}}}, "u-ben", kNow);
        CHECK(outcome.message ==
              "Ben Okafor (rep) can only edit records they own; deal-1 is owned by Ana Reyes");
        CHECK(ws.find("deal-1")->fields["name"] == "Ana's deal");
    }
    SUBCASE("a rep cannot reassign or delete") {
        CHECK(engine.apply(UpdateRecord{"deal-1", {}, "u-ben"}, "u-ana", kNow).message ==
              "Ana Reyes (rep) cannot change owners; ask a manager to reassign deal-1");
        CHECK(engine.apply(DeleteRecord{"deal-1"}, "u-ana", kNow).message ==
              "Ana Reyes (rep) cannot delete records; ask a manager or an admin to delete deal-1");
        CHECK(engine.apply(CreateRecord{"deal", {{"name", "For Ben"}}, "u-ben"}, "u-ana", kNow)
                  .message == "Ana Reyes (rep) can only create records they own themselves");
        CHECK(
            engine.apply(CreateRecord{"deal", {{"name", "Nobody's"}}, ""}, "u-ana", kNow).message ==
            "Ana Reyes (rep) can only create records they own themselves; unassigned work is for "
            "managers to hand out");
        CHECK(engine.apply(CreateRecord{"deal", {{"name", "Unassigned"}}, ""}, "u-maria", kNow).ok);
    }
    SUBCASE("a manager reassigns within the team only") {
        CHECK(engine.apply(UpdateRecord{"deal-1", {}, "u-ben"}, "u-maria", kNow).ok);
        CHECK(ws.find("deal-1")->owner == "u-ben");
        CHECK(engine.apply(UpdateRecord{"deal-1", {}, "u-zed"}, "u-maria", kNow).message ==
              "Maria Lindqvist (manager) can only assign records to their own team; Zed Ito is not "
              "on it");
        CHECK(engine.apply(UpdateRecord{"deal-2", {{"name", "x"}}}, "u-maria", kNow).message ==
              "Maria Lindqvist (manager) can only edit their team's records; deal-2 is owned by "
              "Zed Ito");
    }
    SUBCASE("only admins change the schema") {
        FieldDef field;
        field.id = "region";
        field.label = "Region";
        CHECK(engine.apply(AddField{"deal", field}, "u-maria", kNow).message ==
              "Maria Lindqvist (manager) cannot change the schema; only admins can");
        CHECK(engine.apply(AddField{"deal", field}, "u-sam", kNow).ok);
        CHECK(ws.schema.type("deal")->field("region"));
        CHECK(engine.apply(AddField{"deal", field}, "u-sam", kNow).message ==
              "Deal already has a field \"region\"");
        field.id = "segment";
        field.label = "Segment";
        field.required = true;
        CHECK(engine.apply(AddField{"deal", field}, "u-sam", kNow).message ==
              "Cannot add Segment as required: 2 existing Deals have no value for it; add it as "
              "optional");
    }
}

TEST_CASE("custom record types work like built-in ones") {
    Engine engine(team_workspace());
    RecordTypeDef type;
    type.id = "site_visit";
    type.label = "Site visit";
    type.plural = "Site visits";
    FieldDef place;
    place.id = "place";
    place.label = "Place";
    place.required = true;
    FieldDef rating;
    rating.id = "rating";
    rating.label = "Rating";
    rating.type = FieldType::Picklist;
    rating.options = {"Good", "Bad"};
    type.fields = {place, rating};
    REQUIRE(engine.apply(AddRecordType{type}, "u-sam", kNow).ok);
    const auto outcome = engine.apply(
        CreateRecord{"site_visit", {{"place", "Depot 4"}, {"rating", "good"}}}, "u-ana", kNow);
    REQUIRE(outcome.ok);
    CHECK(outcome.record_id == "site_visit-1");
    CHECK(engine.workspace().title_of(*engine.workspace().find("site_visit-1")) == "Depot 4");
    RecordTypeDef bad = type;
    bad.id = "Bad Type";
    CHECK(engine.apply(AddRecordType{bad}, "u-sam", kNow).message ==
          "type.id: \"Bad Type\" is not a valid id (lower-case letters, digits and _, starting "
          "with a letter)");
}

TEST_CASE("who a person may hand a record to") {
    Engine engine(team_workspace());
    const Workspace& ws = engine.workspace();
    REQUIRE(engine
                .apply(CreateRecord{"lead", {{"name", "Dana Whitfield"}}, std::string()}, "u-sam",
                       at("2026-11-20T10:00:00Z"))
                .ok);
    const Record& unowned = *ws.find("lead-1");
    auto ids = [](const std::vector<const User*>& users) {
        std::vector<std::string> out;
        for (const User* user : users)
            out.push_back(user->id);
        return out;
    };
    CHECK(ids(assignable_owners(ws, *ws.directory.user("u-maria"), unowned)) ==
          std::vector<std::string>{"u-ana", "u-ben", "u-maria"}); // her own team
    CHECK(ids(assignable_owners(ws, *ws.directory.user("u-sam"), unowned)).size() == 6);
    CHECK(assignable_owners(ws, *ws.directory.user("u-ana"), unowned).empty()); // reps cannot
}

TEST_CASE("the Exceptions screen is for managers and admins; reps work from My work") {
    const Workspace ws = team_workspace();
    CHECK_FALSE(can_review_exceptions(*ws.directory.user("u-ana")));
    CHECK(can_review_exceptions(*ws.directory.user("u-maria")));
    CHECK(can_review_exceptions(*ws.directory.user("u-sam")));
}

} // namespace engine_test
