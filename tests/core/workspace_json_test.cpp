#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"

#include <doctest/doctest.h>

#include <fstream>

namespace workspace_json_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

json minimal_document() {
    return json::parse(R"({
      "format": "crm-workspace", "version": 1, "name": "Test",
      "teams": [{"id": "t-1", "name": "East", "manager": "u-m"}],
      "users": [{"id": "u-a", "name": "Ana", "role": "rep", "team": "t-1"},
                {"id": "u-m", "name": "Maria", "role": "manager", "team": "t-1"}],
      "records": [
        {"id": "company-1", "type": "company", "owner": "u-a", "fields": {"name": "Acme"}},
        {"id": "deal-1", "type": "deal", "owner": "u-a",
         "fields": {"name": "Fleet", "company": "company-1", "amount": {"amount": 1000, "currency": "EUR"}}}
      ]})");
}

std::string import_error(const json& document) {
    auto result = workspace_from_json(document);
    REQUIRE_FALSE(result);
    return result.error();
}

} // namespace

TEST_CASE("export then import gives back the same workspace") {
    Engine engine(team_workspace());
    FieldDef region;
    region.id = "region";
    region.label = "Region";
    region.type = FieldType::Picklist;
    region.options = {"North", "South"};
    REQUIRE(engine.apply(AddField{"deal", region}, "u-sam", at("2026-01-01T00:00:00Z")).ok);
    REQUIRE(engine
                .apply(CreateRecord{"company", {{"name", "Zoë's Café"}}}, "u-ana",
                       at("2026-01-02T00:00:00Z"))
                .ok);
    REQUIRE(engine
                .apply(CreateRecord{"deal",
                                    {{"name", "Fleet"},
                                     {"company", "company-1"},
                                     {"region", "North"},
                                     {"amount", {{"amount", 12.5}, {"currency", "EUR"}}}}},
                       "u-ana", at("2026-01-03T00:00:00Z"))
                .ok);
    // A record others refer to cannot be deleted, so an export never holds a dangling link.
    CHECK(engine.apply(DeleteRecord{"company-1"}, "u-sam", at("2026-01-04T00:00:00Z")).message ==
          "Cannot delete Zoë's Café: 1 record(s) refer to it (deal-1); remove or change those "
          "links first");
    const std::string first = export_workspace(engine.workspace());
    auto imported = import_workspace(first);
    REQUIRE_MESSAGE(imported.ok(), (imported.ok() ? "" : imported.error()));
    CHECK(export_workspace(*imported) == first);
    CHECK(imported->peek_next_id("deal", "") == "deal-2");
    CHECK(imported->schema.type("deal")->field("region")->custom);
}

TEST_CASE("records without times get the time of the import") {
    auto imported = workspace_from_json(minimal_document(), at("2026-11-22T08:00:00Z"));
    REQUIRE(imported);
    CHECK(imported->find("deal-1")->created_at == at("2026-11-22T08:00:00Z"));
    CHECK(imported->find("deal-1")->updated_at == at("2026-11-22T08:00:00Z"));
}

TEST_CASE("import errors say where and what was expected") {
    SUBCASE("syntax errors name line and column") {
        const auto result = import_workspace(
            "{\n  \"format\": \"crm-workspace\",\n  \"version\": 1,\n  \"records\": [\n}");
        REQUIRE_FALSE(result);
        CHECK(result.error() == "not valid JSON: line 5, column 1: syntax error while parsing "
                                "value - unexpected '}'; expected "
                                "'[', '{', or a literal");
    }
    SUBCASE("a file that is not a workspace") {
        CHECK(import_error(json::array()) == "$: expected a workspace object, got an array");
        CHECK(import_error(json{{"format", "other"}}) ==
              "$.format: expected \"crm-workspace\" (this is not a workspace export)");
        json doc = minimal_document();
        doc["version"] = 7;
        CHECK(import_error(doc) == "$.version: version 7 is not supported (expected 1 to 2)");
    }
    SUBCASE("unknown fields are refused, with the known ones listed") {
        json doc = minimal_document();
        doc["users"][1]["nmae"] = "typo";
        CHECK(
            import_error(doc) ==
            "$.users[1].nmae: unknown field (expected one of: id, name, email, role, team, away)");
    }
    SUBCASE("wrong types are named at their path") {
        json doc = minimal_document();
        doc["records"][1]["fields"]["amount"] = "lots";
        CHECK(import_error(doc) == "$.records[1].fields.amount: expected money as {\"amount\": "
                                   "number, \"currency\": three capital "
                                   "letters}, got \"lots\"");
        doc = minimal_document();
        doc["records"][0]["fields"]["employees"] = "many";
        CHECK(import_error(doc) ==
              "$.records[0].fields.employees: expected a number, got \"many\"");
    }
    SUBCASE("references and people must exist") {
        json doc = minimal_document();
        doc["records"][1]["fields"]["company"] = "company-7";
        CHECK(import_error(doc) == "$.records[1].fields.company: there is no record \"company-7\"");
        doc = minimal_document();
        doc["records"][1]["owner"] = "u-ghost";
        CHECK(import_error(doc) == "$.records[1].owner: there is no user \"u-ghost\"");
        doc = minimal_document();
        doc["users"][0]["role"] = "boss";
        CHECK(import_error(doc) ==
              "$.users[0].role: unknown role \"boss\" (expected rep, manager or admin)");
    }
    SUBCASE("duplicates and required data") {
        json doc = minimal_document();
        doc["records"][1]["id"] = "company-1";
        doc["records"][1]["type"] = "company";
        CHECK(import_error(doc) == "$.records[1].id: duplicate record id \"company-1\"");
        doc = minimal_document();
        doc["records"][0]["fields"].erase("name");
        CHECK(import_error(doc) == "$.records[0].fields.name: Name is required");
        doc = minimal_document();
        doc["records"][0]["fields"]["shoe_size"] = 9;
        CHECK(import_error(doc) ==
              "$.records[0].fields.shoe_size: Company has no field \"shoe_size\"");
    }
    SUBCASE("custom field definitions are checked") {
        json doc = minimal_document();
        doc["custom_fields"] = {
            {"deal", {{{"id", "tier"}, {"label", "Tier"}, {"type", "colour"}}}}};
        CHECK(import_error(doc).rfind(
                  "$.custom_fields.deal[0].type: unknown field type \"colour\" (expected one of: "
                  "text, long_text, number",
                  0) == 0);
    }
}

TEST_CASE("the demo workspace imports cleanly") {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    REQUIRE(in);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    auto workspace = import_workspace(text);
    REQUIRE_MESSAGE(workspace.ok(), (workspace.ok() ? "" : workspace.error()));
    CHECK(workspace->directory.users().size() == 6);
    CHECK(workspace->ids_of_type("company").size() >= 24);
    CHECK(workspace->ids_of_type("deal").size() >= 24);
}

TEST_CASE("values that could not be written back are refused at import") {
    SUBCASE("times outside the years 0001-9999") {
        json doc = minimal_document();
        doc["records"][0]["created_at"] = "9999-12-31T23:00:00-02:00";
        CHECK(import_error(doc) ==
              "$.records[0].created_at: expected a time as YYYY-MM-DDTHH:MM:SSZ, got "
              "\"9999-12-31T23:00:00-02:00\"");
    }
    SUBCASE("numbers too large for a double") {
        auto result = import_workspace(R"({"format":"crm-workspace","version":1,"x":1e400})");
        REQUIRE_FALSE(result);
        CHECK(result.error() == "not valid JSON: line 1, column 43: the number 1e400 is out of "
                                "range (numbers must fit a 64-bit floating-point value)");
    }
    SUBCASE("id numbers beyond 2^53") {
        json doc = minimal_document();
        doc["next_ids"] = {{"deal", 9223372036854775807LL}};
        CHECK(import_error(doc) == "$.next_ids.deal: expected a positive whole number below 2^53, "
                                   "got 9223372036854775807");
        doc = minimal_document();
        doc["records"][0]["id"] = "company-99999999999999999";
        CHECK(import_error(doc) == "$.records[0].id: \"company-99999999999999999\" should be "
                                   "\"company-\" followed by a number (at most 15 digits), or by a "
                                   "device tag, \"-\" and a "
                                   "number");
    }
    SUBCASE("picklist options holding the separators") {
        json doc = minimal_document();
        doc["custom_fields"] = {{"deal",
                                 {{{"id", "area"},
                                   {"label", "Area"},
                                   {"type", "picklist"},
                                   {"options", {"North, East"}}}}}};
        CHECK(import_error(doc) == "$.custom_fields.deal[0].options[0]: an option cannot contain "
                                   "',' or ';' (they separate choices)");
    }
    SUBCASE("a plural that is not text") {
        json doc = minimal_document();
        doc["custom_types"] = json::parse(
            R"([{"id":"visit","label":"Visit","plural":5,"fields":[{"id":"place","label":"Place","type":"text"}]}])");
        CHECK(import_error(doc) ==
              "$.custom_types[0].plural: expected a non-empty string, got a number");
    }
}

TEST_CASE("a workspace's own quote type and lead fields, from before they were built in, keep "
          "opening as they were") {
    json doc = minimal_document();
    doc["custom_types"] = json::parse(
        R"([{"id":"quote","label":"Offer","plural":"Offers","fields":[{"id":"title","label":"Title","type":"text"},{"id":"price","label":"Price","type":"number"}]}])");
    doc["custom_fields"] =
        json::parse(R"({"lead":[{"id":"converted_at","label":"Converted on","type":"date"}]})");
    doc["records"].push_back(json::parse(
        R"({"id":"quote-1","type":"quote","owner":"u-a","fields":{"title":"Spring offer","price":90}})"));
    doc["records"].push_back(json::parse(
        R"({"id":"lead-1","type":"lead","owner":"u-a","fields":{"name":"Jo Park","converted_at":"2025-03-01"}})"));
    auto opened = workspace_from_json(doc);
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error()));
    const RecordTypeDef& quote = *opened->schema.type("quote");
    CHECK(quote.label == "Offer");
    CHECK(quote.custom);
    CHECK_FALSE(quote.field("lines"));
    const FieldDef& converted = *opened->schema.type("lead")->field("converted_at");
    CHECK(converted.type == FieldType::Date);
    CHECK(converted.filled_by.empty());
    CHECK(opened->find("quote-1")->value("price") == 90);

    // Written back as the workspace's own, it opens the same again.
    auto again = import_workspace(export_workspace(*opened));
    REQUIRE_MESSAGE(again, (again ? "" : again.error()));
    CHECK(again->schema.type("quote")->label == "Offer");
    CHECK(again->find("lead-1")->value("converted_at") == "2025-03-01");

    // A built-in type from the start is still not the workspace's to redefine.
    doc["custom_types"][0]["id"] = "deal";
    CHECK(import_error(doc) == "$.custom_types[0].id: there is already a record type \"deal\"");
}

TEST_CASE("the demo can be moved to another day and stays consistent") {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    auto workspace = import_workspace(text);
    REQUIRE(workspace);
    const Instant before = latest_activity(*workspace);
    const std::string deal_close = workspace->find("deal-1")->fields["close_date"];
    shift_record_times(*workspace, 10);
    CHECK(latest_activity(*workspace).seconds == before.seconds + 10 * 86400);
    CHECK(workspace->find("deal-1")->fields["close_date"] ==
          format_date(civil_from_days(days_from_civil(*parse_date(deal_close)) + 10)));
    auto again = import_workspace(export_workspace(*workspace));
    REQUIRE_MESSAGE(again.ok(), (again.ok() ? "" : again.error()));
}

} // namespace workspace_json_test
