// Validation rules and normalisation: each rule kind passes and fails in the
// words people see, the admin's message is shown as written, rules across
// fields hold after every change they concern, imports report the row and
// column, values are kept in normal form (and stay so after a reopen), and
// the rules' JSON round-trips and refuses bad definitions by place.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/csv.hpp"
#include "io/schema_json.hpp"
#include "io/workspace_json.hpp"
#include "quality/normalize.hpp"
#include "quality/validation.hpp"
#include "service/csv_import.hpp"
#include "service/duplicates.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

namespace validation_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-03-02T09:00:00Z");

// Rules on built-in deal, contact and company fields, as a workspace file holds them.
const char* kRules = R"({
  "deal": {
    "fields": {
      "probability": {"min": 0, "max": 100},
      "next_step": {"min_length": 3, "max_length": 40},
      "lost_reason": {"pattern": "[A-Z].*", "message": "Start the lost reason with a capital letter."},
      "close_date": {"min": "2020-01-01"},
      "amount": {"max": 1000000}
    },
    "rules": [
      {"rule": {"or": [{"!=": [{"var": "stage"}, "Closed won"]}, {"is_set": "close_date"}]},
       "message": "Close date is required once a deal is won.", "fields": ["close_date", "stage"]},
      {"rule": {"or": [{"<=": [{"var": "discount"}, 20]}, {"var": "approved"}]},
       "message": "Discounts above 20% need approval."}
    ]
  },
  "company": {"fields": {"country": {"pattern": "[A-Z]{2}"}}},
  "contact": {"fields": {"last_name": {"min_length": 2, "message": "Write the whole last name."}}}
})";

Workspace ruled_workspace() {
    Workspace ws = team_workspace();
    RecordTypeDef* deal = ws.schema.type("deal");
    FieldDef discount{"discount", "Discount %", FieldType::Number};
    discount.custom = true;
    FieldDef approved{"approved", "Approved", FieldType::Bool};
    approved.custom = true;
    deal->fields.push_back(discount);
    deal->fields.push_back(approved);
    const auto status = validation_from_json(json::parse(kRules), ws.schema);
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error()));
    return ws;
}

std::string create_error(Engine& engine, const std::string& type, json fields) {
    const Outcome outcome =
        engine.apply(CreateRecord{type, std::move(fields), std::nullopt}, "u-sam", kNow);
    return outcome.ok ? "(created)" : outcome.message;
}

std::string save_error(Engine& engine, const std::string& id, json fields) {
    const Outcome outcome = engine.apply(UpdateRecord{id, std::move(fields)}, "u-sam", kNow);
    return outcome.ok ? "(saved)" : outcome.message;
}

std::string rules_error(const char* text) {
    Workspace ws = team_workspace();
    const auto status = validation_from_json(json::parse(text), ws.schema);
    return status.ok() ? "(accepted)" : status.error();
}

std::string phone(const char* text, const char* country = "US") {
    const PhoneResult result = normalize_phone(text, country);
    return result.error.empty() ? result.e164 : result.error;
}

} // namespace

TEST_CASE("phone numbers are kept in E.164, read in the workspace's country") {
    struct Case {
        const char *input, *country, *e164;
    };
    const Case cases[] = {
        {"(415) 555-0123", "US", "+14155550123"},
        {"415.555.0123", "US", "+14155550123"},
        {"1 415 555 0123", "US", "+14155550123"},
        {"+1 (415) 555-0123", "GB", "+14155550123"},
        {"+44 20 7946 0958", "US", "+442079460958"},
        {"0044 20 7946 0958", "US", "+442079460958"},
        {"011 44 20 7946 0958", "US", "+442079460958"},
        {"020 7946 0958", "GB", "+442079460958"},
        {"+44 (0)20 7946 0958", "US", "+442079460958"},
        {"07700 900123", "GB", "+447700900123"},
        {"0151 12345678", "DE", "+4915112345678"},
        {"+49 151 1234 5678", "US", "+4915112345678"},
        {"01 23 45 67 89", "FR", "+33123456789"},
        {"06 1234 5678", "IT", "+390612345678"},
        {"(02) 9876 5432", "AU", "+61298765432"},
        {"03-1234-5678", "JP", "+81312345678"},
        {"098765 43210", "IN", "+919876543210"},
        {"(613) 555-0199", "CA", "+16135550199"},
        {"+972 3 123 4567", "US", "+97231234567"}, // a code the table lacks: E.164's bounds
    };
    for (const auto& c : cases) {
        CAPTURE(c.input);
        CAPTURE(c.country);
        CHECK(phone(c.input, c.country) == c.e164);
    }
    CHECK(phone("12") == "\"12\" is not a phone number (expected e.g. +1 415 555 0123)");
    CHECK(phone("555-0123") ==
          "\"555-0123\" is not a phone number (expected e.g. +1 415 555 0123)");
    CHECK(phone("020 7946 0958") ==
          "\"020 7946 0958\" is not a phone number (expected e.g. +1 415 555 0123)");
    CHECK(phone("call me") == "\"call me\" is not a phone number (expected e.g. +1 415 555 0123)");
    CHECK(phone("+1 415 555 0123 ext. 12") ==
          "\"+1 415 555 0123 ext. 12\" has an extension; a phone field keeps the number alone "
          "(without \"ext\")");
    CHECK(phone("415-555-0123 x7") ==
          "\"415-555-0123 x7\" has an extension; a phone field keeps the number alone (without "
          "\"ext\")");
    CHECK(phone("+999 12") == "\"+999 12\" is not a phone number (expected e.g. +1 415 555 0123)");
    CHECK(phone("(123) 555-0123") ==
          "\"(123) 555-0123\" is not a phone number (expected e.g. +1 415 555 0123)");
    // Matching duplicates reads the same digits from a kept number and a typed one.
    CHECK(phone_match_key("+14155550123") == phone_match_key("(415) 555-0123"));
}

TEST_CASE("web site domains, emails and names are kept in one canonical form") {
    CHECK(canonical_domain("https://www.Example.com/path") == "example.com");
    CHECK(canonical_domain("WWW.example.com.") == "example.com");
    CHECK(canonical_domain(" http://user@Shop.Example.co.uk:8080/?q=1#top ") ==
          "shop.example.co.uk");
    CHECK(canonical_domain("example.com") == "example.com");
    CHECK(canonical_domain("www.com") == "www.com");
    for (const char* bad : {"localhost", "not a domain", "https://", "10.0.0.1", "-bad.example",
                            "example..com", "example.com:http"}) {
        CAPTURE(bad);
        CHECK_FALSE(canonical_domain(bad));
    }
    CHECK(normalize_email(" Ana@Example.COM ") == "ana@example.com");
    CHECK(normalize_name("  Ana \t  Maria\nReyes ") == "Ana Maria Reyes");
}

TEST_CASE("values are normalised on entry, and what cannot be is refused with its field") {
    Workspace ws = team_workspace();
    ws.default_country = "GB";
    Engine engine(std::move(ws));
    REQUIRE(create_error(engine, "company",
                         {{"name", "  Acme   Logistics "},
                          {"domain", "https://www.Acme.example/about"},
                          {"phone", "020 7946 0958"}}) == "(created)");
    const Record& company = *engine.workspace().find(engine.workspace().ids_of_type("company")[0]);
    CHECK(company.value("name") == "Acme Logistics");
    CHECK(company.value("domain") == "acme.example");
    CHECK(company.value("phone") == "+442079460958");
    CHECK(create_error(engine, "contact",
                       {{"first_name", "Ana"}, {"last_name", "Reyes"}, {"phone", "12"}}) ==
          "Cannot create Contact: Phone: \"12\" is not a phone number (expected e.g. +1 415 555 "
          "0123)");
    CHECK(create_error(engine, "company", {{"name", "Nowhere"}, {"domain", "localhost"}}) ==
          "Cannot create Company: Website: \"localhost\" is not a web site's domain (expected e.g. "
          "example.com)");
    // A value kept before normalisation is left as it is when the form sends it back.
    Workspace legacy = team_workspace();
    legacy.put(Record{"contact-1",
                      "contact",
                      "u-ana",
                      {{"first_name", "Old"}, {"last_name", "Entry"}, {"phone", "555-0100"}}});
    Engine old(std::move(legacy));
    CHECK(save_error(old, "contact-1", {{"phone", "555-0100"}, {"last_name", "Entry-Smith"}}) ==
          "(saved)");
    CHECK(old.workspace().find("contact-1")->value("phone") == "555-0100");
    CHECK(save_error(old, "contact-1", {{"phone", "555-0101"}}) ==
          "Cannot save Old Entry-Smith: Phone: \"555-0101\" is not a phone number (expected e.g. "
          "+1 415 555 0123)");
}

TEST_CASE("each field rule passes, and fails with what was expected") {
    Engine engine(ruled_workspace());
    CHECK(create_error(engine, "deal",
                       {{"name", "Fleet"},
                        {"probability", 100},
                        {"next_step", "Call"},
                        {"lost_reason", "Price"},
                        {"close_date", "2020-01-01"},
                        {"amount", {{"amount", 1000000}, {"currency", "USD"}}}}) == "(created)");
    CHECK(create_error(engine, "deal", {{"name", "A"}, {"probability", 120}}) ==
          "Cannot create Deal: Probability %: expected a value from 0 to 100, got 120");
    CHECK(create_error(engine, "deal", {{"name", "A"}, {"probability", -0.5}}) ==
          "Cannot create Deal: Probability %: expected a value from 0 to 100, got -0.5");
    CHECK(create_error(engine, "deal", {{"name", "A"}, {"next_step", "ab"}}) ==
          "Cannot create Deal: Next step: expected 3 to 40 characters, got 2");
    CHECK(create_error(engine, "deal", {{"name", "A"}, {"close_date", "2019-05-01"}}) ==
          "Cannot create Deal: Expected close: expected at least 2020-01-01, got 2019-05-01");
    CHECK(create_error(engine, "deal",
                       {{"name", "A"}, {"amount", {{"amount", 2000000}, {"currency", "EUR"}}}}) ==
          "Cannot create Deal: Amount: expected at most 1000000, got 2000000");
    CHECK(create_error(engine, "company", {{"name", "Acme"}, {"country", "usa"}}) ==
          "Cannot create Company: Country: expected text matching [A-Z]{2}, got \"usa\"");
    CHECK(create_error(engine, "company", {{"name", "Acme"}, {"country", "US"}}) == "(created)");
    // Picklists and required fields were rules before; they still are.
    CHECK(create_error(engine, "deal", {{"name", "A"}, {"stage", "Won-ish"}}) ==
          "Cannot create Deal: Stage: expected one of: Lead, Qualified, Meeting scheduled, "
          "Proposal sent, Negotiation, Closed won, Closed lost, got \"Won-ish\"");
    CHECK(create_error(engine, "deal", {{"probability", 5}}) ==
          "Cannot create Deal: Name: is required");
}

TEST_CASE("the admin's message is shown as written") {
    Engine engine(ruled_workspace());
    CHECK(create_error(engine, "deal", {{"name", "A"}, {"lost_reason", "price"}}) ==
          "Cannot create Deal: Start the lost reason with a capital letter.");
    CHECK(create_error(engine, "contact", {{"first_name", "Ana"}, {"last_name", "R"}}) ==
          "Cannot create Contact: Write the whole last name.");
}

TEST_CASE("a rule across fields holds after each change that concerns it") {
    Workspace ws = ruled_workspace();
    // Kept before the rules: already breaks two of them.
    ws.put(Record{"deal-1",
                  "deal",
                  "u-ana",
                  {{"name", "Legacy"}, {"stage", "Closed won"}, {"probability", 150}}});
    Engine engine(std::move(ws));
    CHECK(create_error(engine, "deal", {{"name", "Won"}, {"stage", "Closed won"}}) ==
          "Cannot create Deal: Close date is required once a deal is won.");
    CHECK(create_error(engine, "deal",
                       {{"name", "Won"}, {"stage", "Closed won"}, {"close_date", "2026-02-27"}}) ==
          "(created)");
    // Editing something else is not blocked by what the record already breaks.
    CHECK(save_error(engine, "deal-1", {{"next_step", "Send invoice"}, {"probability", 150}}) ==
          "(saved)");
    // A change the rule concerns is checked.
    CHECK(save_error(engine, "deal-1", {{"stage", "Closed won"}, {"close_date", nullptr}}) ==
          "(saved)"); // nothing changes: stage and close date are as kept
    CHECK(save_error(engine, "deal-1", {{"stage", "Negotiation"}}) == "(saved)");
    CHECK(save_error(engine, "deal-1", {{"stage", "Closed won"}}) ==
          "Cannot save Legacy: Close date is required once a deal is won.");
    CHECK(save_error(engine, "deal-1", {{"stage", "Closed won"}, {"close_date", "2026-03-01"}}) ==
          "(saved)");
    // Fields read from the rule itself: discount and approved.
    CHECK(save_error(engine, "deal-1", {{"discount", 30}}) ==
          "Cannot save Legacy: Discounts above 20% need approval.");
    CHECK(save_error(engine, "deal-1", {{"discount", 30}, {"approved", true}}) == "(saved)");
    CHECK(save_error(engine, "deal-1", {{"approved", false}}) ==
          "Cannot save Legacy: Discounts above 20% need approval.");
    CHECK(engine.workspace().find("deal-1")->value("approved") == true);
}

TEST_CASE("a stage move that fills fields is checked by the record's rules") {
    Workspace ws = team_with_pipeline();
    REQUIRE(validation_from_json(json::parse(R"({"deal": {"rules": [
        {"rule": {"or": [{"!=": [{"var": "stage"}, "Qualified"]}, {">=": [{"var": "probability"}, 10]}]},
         "message": "A qualified deal has a probability of at least 10%."}]}})"),
                                 ws.schema));
    Engine engine(std::move(ws));
    REQUIRE(create_error(engine, "deal", {{"name", "Fleet"}, {"stage", "Lead"}}) == "(created)");
    const std::string id = engine.workspace().ids_of_type("deal").front();
    const Record& deal = *engine.workspace().find(id);
    REQUIRE(deal.flows.count("sales_pipeline"));
    Outcome moved = engine.apply(
        MoveRecord{id, "qualified", "sales_pipeline", {{"probability", 5}}}, "u-sam", kNow);
    CHECK_FALSE(moved.ok);
    CHECK(moved.message ==
          "Cannot move Fleet: A qualified deal has a probability of at least 10%.");
    moved = engine.apply(
        MoveRecord{id,
                   "qualified",
                   "sales_pipeline",
                   {{"probability", 20}, {"budget", {{"amount", 1000}, {"currency", "USD"}}}}},
        "u-sam", kNow);
    CHECK_MESSAGE(moved.ok, moved.message);
}

TEST_CASE("an import with a failing row reports its row and column and changes nothing") {
    Workspace ws = ruled_workspace();
    ws.default_country = "US";
    Engine engine(std::move(ws));
    const std::string csv = "First Name,Last Name,E-mail,Phone\n"
                            "Dana,Whitfield, Dana@Acme.example ,(415) 555-0123\n"
                            "Liam,N,liam@globex.example,415.555.0199\n"
                            "Omar,Haddad,omar@acme.example,12\n";
    auto decoded = decode_text(csv);
    REQUIRE(decoded.ok());
    auto table = parse_csv(decoded->text, detect_delimiter(decoded->text));
    REQUIRE(table.ok());
    ImportMapping mapping;
    mapping.columns = {{"First Name", "first_name"},
                       {"Last Name", "last_name"},
                       {"E-mail", "email"},
                       {"Phone", "phone"}};
    auto plan = plan_import(engine, *table, "contact", mapping, "u-sam", "people.csv", kNow);
    REQUIRE_MESSAGE(plan.ok(), (plan.ok() ? "" : plan.error()));
    std::vector<std::string> lines;
    for (const auto& problem : plan->problems)
        lines.push_back(describe_problem(problem));
    CHECK(lines == std::vector<std::string>{
                       "row 3, column \"Last Name\": Write the whole last name.",
                       "row 4, column \"Phone\": \"12\" is not a phone number (expected e.g. +1 "
                       "415 555 0123)"});
    // The rows as one command: all or nothing.
    ImportRecords command{"contact", "people.csv", {}};
    command.rows.push_back({2, "", {{"first_name", "Dana"}, {"last_name", "Whitfield"}}, {}});
    command.rows.push_back({3, "", {{"first_name", "Liam"}, {"last_name", "N"}}, {}});
    const std::uint64_t seq = engine.last_seq();
    const Outcome outcome = engine.apply(command, "u-sam", kNow);
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.message == "Cannot import: row 3: Write the whole last name.");
    CHECK(engine.last_seq() == seq);
    CHECK(engine.workspace().ids_of_type("contact").empty());
    // The row that passes is kept in normal form.
    command.rows.pop_back();
    command.rows.front().fields["phone"] = "(415) 555-0123";
    command.rows.front().fields["email"] = " Dana@Acme.example ";
    REQUIRE(engine.apply(command, "u-sam", kNow).ok);
    const Record& dana = *engine.workspace().find(engine.workspace().ids_of_type("contact")[0]);
    CHECK(dana.value("phone") == "+14155550123");
    CHECK(dana.value("email") == "dana@acme.example");
}

TEST_CASE("normalised values and the rules stay after the workspace is reopened") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    {
        WorkspaceStore store(storage);
        REQUIRE(store.create(ruled_workspace()));
        Engine engine;
        REQUIRE(store.open(engine));
        REQUIRE(create_error(engine, "contact",
                             {{"first_name", " Ana  "},
                              {"last_name", "Reyes"},
                              {"phone", "(415) 555-0123"},
                              {"email", "ANA@Example.com"}}) == "(created)");
    }
    WorkspaceStore store(storage);
    Engine engine;
    REQUIRE(store.open(engine));
    const Workspace& ws = engine.workspace();
    REQUIRE(ws.ids_of_type("contact").size() == 1);
    const Record& ana = *ws.find(ws.ids_of_type("contact")[0]);
    CHECK(ana.value("first_name") == "Ana");
    CHECK(ana.value("phone") == "+14155550123");
    CHECK(ana.value("email") == "ana@example.com");
    CHECK(create_error(engine, "contact", {{"first_name", "Bo"}, {"last_name", "B"}}) ==
          "Cannot create Contact: Write the whole last name.");
}

TEST_CASE("the rules' JSON round-trips") {
    const Workspace ws = ruled_workspace();
    const json validation = validation_to_json(ws.schema);
    CHECK(validation["deal"]["fields"]["probability"] == json::parse(R"({"min": 0, "max": 100})"));
    CHECK(validation["deal"]["rules"].size() == 2);
    CHECK(validation["deal"]["rules"][0]["fields"] == json::array({"close_date", "stage"}));
    CHECK_FALSE(validation["deal"]["rules"][1].contains("fields"));
    // A whole workspace, with its country.
    Workspace copy = ws;
    copy.default_country = "GB";
    auto back = import_workspace(export_workspace(copy));
    REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error()));
    CHECK(back->default_country == "GB");
    CHECK(validation_to_json(back->schema) == validation);
    CHECK(back->schema.type("contact")->field("last_name")->rules.message ==
          "Write the whole last name.");
    // A custom field and a custom type carry theirs in their definitions.
    const json field = json::parse(R"({"id": "code", "label": "Code", "type": "text",
        "pattern": "[A-Z]{3}-[0-9]+", "min_length": 5, "max_length": 12, "message": "Codes look like ABC-12."})");
    auto def = field_def_from_json(field, "field");
    REQUIRE_MESSAGE(def.ok(), (def.ok() ? "" : def.error()));
    CHECK(field_def_to_json(*def) == field);
    CHECK(field_rule_problem(*def, "ABC-12") == std::nullopt);
    CHECK(field_rule_problem(*def, "abc-12") == "Codes look like ABC-12.");
    const json type = json::parse(R"({"id": "visit", "label": "Visit", "plural": "Visits",
        "title_fields": ["place"], "fields": [{"id": "place", "label": "Place", "type": "text"},
        {"id": "day", "label": "Day", "type": "date", "min": "2026-01-01", "max": "2026-12-31"}],
        "rules": [{"rule": {"is_set": "day"}, "message": "Every visit has a day."}]})");
    auto visit = record_type_from_json(type, "type");
    REQUIRE_MESSAGE(visit.ok(), (visit.ok() ? "" : visit.error()));
    CHECK(record_type_to_json(*visit) == type);
}

TEST_CASE("bad rule definitions are refused, saying where") {
    CHECK(rules_error(R"({"deal": {"fields": {"next_step": {"pattern": "("}}}})") ==
          "$.validation.deal.fields.next_step.pattern: \"(\" is not a valid regular expression "
          "(unmatched ( or ))");
    CHECK(rules_error(R"({"deal": {"fields": {"next_step": {"pattern": "(a+)+b"}}}})") ==
          "$.validation.deal.fields.next_step.pattern: \"(a+)+b\" repeats a group that itself "
          "repeats, such as (a+)+, which can take forever to check; write it without the nesting");
    const std::string long_pattern =
        R"({"deal": {"fields": {"next_step": {"pattern": ")" + std::string(201, 'a') + "\"}}}}";
    CHECK(rules_error(long_pattern.c_str()) == "$.validation.deal.fields.next_step.pattern: \"" +
                                                   std::string(57, 'a') +
                                                   "...\" is longer than 200 characters");
    CHECK(rules_error(R"({"deal": {"fields": {"probability": {"min": 100, "max": 0}}}})") ==
          "$.validation.deal.fields.probability: min (100) is greater than max (0)");
    CHECK(
        rules_error(
            R"({"deal": {"fields": {"close_date": {"min": "2026-12-01", "max": "2026-01-01"}}}})") ==
        "$.validation.deal.fields.close_date: min (\"2026-12-01\") is greater than max "
        "(\"2026-01-01\")");
    CHECK(rules_error(R"({"deal": {"fields": {"close_date": {"min": "soon"}}}})") ==
          "$.validation.deal.fields.close_date.min: expected a date as YYYY-MM-DD, got \"soon\"");
    CHECK(rules_error(R"({"deal": {"fields": {"next_step": {"min": 1}}}})") ==
          "$.validation.deal.fields.next_step.min: only number, money, date and datetime fields "
          "have min and max");
    CHECK(rules_error(R"({"deal": {"fields": {"probability": {"max_length": 3}}}})") ==
          "$.validation.deal.fields.probability.max_length: only text and long_text fields have "
          "max_length");
    CHECK(
        rules_error(R"({"deal": {"fields": {"next_step": {"min_length": 9, "max_length": 3}}}})") ==
        "$.validation.deal.fields.next_step: min_length (9) is greater than max_length (3)");
    CHECK(rules_error(R"({"deal": {"fields": {"probability": {"pattern": "[0-9]+"}}}})") ==
          "$.validation.deal.fields.probability.pattern: only text, email, phone, url and domain "
          "fields have a pattern");
    CHECK(rules_error(R"({"deal": {"fields": {"next_step": {"message": "Hm."}}}})") ==
          "$.validation.deal.fields.next_step.message: a message needs a rule to go with it "
          "(required, pattern, min, max, min_length or max_length)");
    CHECK(rules_error(R"({"deal": {"fields": {"next_step": {"patern": "x"}}}})") ==
          "$.validation.deal.fields.next_step.patern: unknown field (expected one of: pattern, "
          "min, max, min_length, max_length, message)");
    CHECK(rules_error(R"({"deal": {"fields": {"nope": {"min": 1}}}})") ==
          "$.validation.deal.fields.nope: Deal has no field \"nope\"");
    CHECK(rules_error(R"({"dael": {}})") == "$.validation.dael: there is no record type \"dael\"");
    CHECK(rules_error(R"({"deal": {"rules": [{"rule": "yes", "message": "M"}]}})") ==
          "$.validation.deal.rules[0].rule: expected a JsonLogic rule (an object), got \"yes\"");
    CHECK(rules_error(R"({"deal": {"rules": [{"rule": {"is_set": "name"}}]}})") ==
          "$.validation.deal.rules[0]: missing required field \"message\"");
    CHECK(rules_error(R"({"deal": {"rules": [{"rule": {"is_set": "name"}, "mesage": "M"}]}})") ==
          "$.validation.deal.rules[0].mesage: unknown field (expected one of: rule, message, "
          "fields)");
    CHECK(
        rules_error(
            R"({"deal": {"rules": [{"rule": {"<": [{"var": "discount"}, 20]}, "message": "M"}]}})") ==
        "$.validation.deal.rules[0].rule: reads \"discount\", which is not a field of Deal");
    CHECK(
        rules_error(
            R"({"deal": {"rules": [{"rule": {"is_set": "name"}, "message": "M", "fields": ["nme"]}]}})") ==
        "$.validation.deal.rules[0].fields[0]: \"nme\" is not a field of Deal");
    CHECK(rules_error(R"({"deal": {"rules": [{"rule": {"bogus": []}, "message": "M"}]}})")
              .rfind("$.validation.deal.rules[0].rule: ", 0) == 0);
    auto bad_country =
        import_workspace(R"({"format": "crm-workspace", "version": 2, "default_country": "XX"})");
    REQUIRE_FALSE(bad_country.ok());
    CHECK(bad_country.error().rfind("$.default_country: expected the two-letter code of a country "
                                    "whose phone numbers the workspace knows (US, CA, GB, ",
                                    0) == 0);
}

} // namespace validation_test
