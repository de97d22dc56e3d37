// The funnel: a lead converted into a company, contact and deal in one step
// (linking to records that exist rather than duplicating them), quote lines
// and their total, and an accepted quote becoming an order that wins the
// deal and starts onboarding.
#include "automation/rule_check.hpp"
#include "automation/rule_json.hpp"
#include "engine/undo.hpp"
#include "fixtures.hpp"
#include "model/field_values.hpp"
#include "model/line_items.hpp"
#include "process/validate.hpp"
#include "service/conversion.hpp"

#include <doctest/doctest.h>

#include <fstream>

namespace funnel_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-12-01T10:00:00Z");

// The team with the built-in schema and the lead, sales and onboarding processes.
Workspace funnel_workspace() {
    Workspace ws = team_with_pipeline();
    ws.schema = builtin_schema();
    add_processes(ws, {"onboarding"});
    ws.currency = "EUR";
    return ws;
}

std::string create(Engine& engine, const char* type, json fields, const char* by = "u-ana") {
    auto outcome = engine.apply(CreateRecord{type, std::move(fields)}, by, kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    return outcome.record_id;
}

std::size_t count_of(const Engine& engine, const char* type) {
    return engine.workspace().ids_of_type(type).size();
}

const json& value(const Engine& engine, const std::string& id, const char* field) {
    return engine.workspace().find(id)->value(field);
}

json line(const char* product, double quantity, double price, double discount = 0,
          const char* currency = "EUR") {
    json out = {{"product", product},
                {"quantity", quantity},
                {"price", {{"amount", price}, {"currency", currency}}}};
    if (discount != 0) out["discount"] = discount;
    return out;
}

} // namespace

TEST_CASE("converting a lead makes its company, contact and deal in one batch, and the lead "
          "keeps where it went") {
    Engine engine(funnel_workspace());
    const std::string lead = create(engine, "lead",
                                    {{"name", "Jana Novak"},
                                     {"company_name", "Brightline GmbH"},
                                     {"email", "jana@brightline.example"},
                                     {"country", "Germany"},
                                     {"budget", {{"amount", 30000}, {"currency", "EUR"}}},
                                     {"status", "Working"}});
    const Workspace& ws = engine.workspace();
    const ConversionPlan plan = plan_conversion(ws, *ws.directory.user("u-ana"), lead);
    CHECK_FALSE(plan.company);
    CHECK_FALSE(plan.contact);
    CHECK(plan.deal_name == "Brightline GmbH");

    const auto outcome = engine.apply(conversion_command(plan), "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(outcome.batch->cause.command == "convert");
    const std::string company = value(engine, lead, "converted_company");
    const std::string contact = value(engine, lead, "converted_contact");
    const std::string deal = value(engine, lead, "converted_deal");
    CHECK(value(engine, company, "name") == "Brightline GmbH");
    CHECK(value(engine, company, "country") == "Germany");
    CHECK(value(engine, contact, "first_name") == "Jana");
    CHECK(value(engine, contact, "last_name") == "Novak");
    CHECK(value(engine, contact, "email") == "jana@brightline.example");
    CHECK(value(engine, contact, "company") == company);
    CHECK(value(engine, deal, "name") == "Brightline GmbH");
    CHECK(value(engine, deal, "company") == company);
    CHECK(value(engine, deal, "contact") == contact);
    CHECK(value(engine, deal, "source_lead") == lead);
    CHECK(value(engine, deal, "budget") == json({{"amount", 30000}, {"currency", "EUR"}}));
    CHECK(value(engine, deal, "stage") == "Lead");
    CHECK(ws.find(deal)->flows.at("sales_pipeline").active());
    CHECK(ws.find(deal)->owner == "u-ana");
    CHECK(value(engine, lead, "status") == "Qualified");
    CHECK(value(engine, lead, "converted_at") == "2026-12-01T10:00:00Z");
    // The lead turning Qualified does not start a second deal.
    CHECK(count_of(engine, "deal") == 1);
    // Its routing ends there: no clock runs on, nobody is asked to work it.
    const FlowState& routing = ws.find(lead)->flows.at("lead_routing");
    CHECK(routing.status == "exited");
    CHECK(routing.outcome == "converted");
    const std::string other =
        create(engine, "lead", {{"name", "Ola Berg"}, {"company_name", "Berg AB"}});
    CHECK(
        engine
            .apply(MoveRecord{other, "Converted", "lead_routing", {}, "done", false}, "u-ana", kNow)
            .message == "Cannot move Ola Berg to Converted: convert the lead instead; that makes "
                        "its company, contact and deal");
    CHECK(undo_command(ws, *outcome.batch, ws.find(lead)->version).error() ==
          "Converting a lead cannot be undone here");

    SUBCASE("a second conversion is refused, and changes nothing") {
        const auto again = engine.apply(conversion_command(plan), "u-ana", kNow);
        CHECK_FALSE(again.ok);
        CHECK(again.message ==
              "Cannot convert Jana Novak: it was converted already, into Brightline GmbH");
        CHECK(count_of(engine, "company") == 1);
    }
}

TEST_CASE("converting links the company and contact that exist instead of duplicating them") {
    Engine engine(funnel_workspace());
    const std::string acme =
        create(engine, "company", {{"name", "Acme Logistics"}, {"domain", "acme.example"}});
    const std::string ines = create(engine, "contact",
                                    {{"first_name", "Ines"},
                                     {"last_name", "Moreau"},
                                     {"email", "ines@acme.example"},
                                     {"company", acme}});
    const std::string lead = create(engine, "lead",
                                    {{"name", "Inès Moreau"},
                                     {"company_name", "ACME Logistics Ltd"},
                                     {"email", "INES@acme.example"}});
    const Workspace& ws = engine.workspace();
    const ConversionPlan plan = plan_conversion(ws, *ws.directory.user("u-ana"), lead);
    REQUIRE(plan.company);
    CHECK(plan.company->id == acme);
    CHECK(plan.company->reason == "same web site acme.example");
    REQUIRE(plan.contact);
    CHECK(plan.contact->id == ines);
    CHECK(plan.deal_name == "Acme Logistics");

    const auto outcome = engine.apply(conversion_command(plan), "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(count_of(engine, "company") == 1);
    CHECK(count_of(engine, "contact") == 1);
    const std::string deal = value(engine, lead, "converted_deal");
    CHECK(value(engine, deal, "company") == acme);
    CHECK(value(engine, deal, "contact") == ines);
}

TEST_CASE("a qualified lead's deal is the one conversion uses") {
    Engine engine(funnel_workspace());
    const std::string lead = create(
        engine, "lead",
        {{"name", "Tom Berg"}, {"company_name", "Northgate Group"}, {"status", "Qualified"}});
    REQUIRE(count_of(engine, "deal") == 1); // the sales pipeline started it
    const std::string started = engine.workspace().ids_of_type("deal").front();
    const Workspace& ws = engine.workspace();
    const ConversionPlan plan = plan_conversion(ws, *ws.directory.user("u-ana"), lead);
    CHECK(plan.deal == started);
    const auto outcome = engine.apply(conversion_command(plan), "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(count_of(engine, "deal") == 1);
    CHECK(value(engine, lead, "converted_deal") == started);
    CHECK(value(engine, started, "company") == value(engine, lead, "converted_company"));
    CHECK(value(engine, started, "contact") == value(engine, lead, "converted_contact"));
}

TEST_CASE("a lead that cannot be converted says why, and nothing is made") {
    Engine engine(funnel_workspace());
    const auto refused = [&](const std::string& lead, const char* by) {
        const std::size_t companies = count_of(engine, "company");
        const auto outcome = engine.apply(ConvertLead{lead, "", "", ""}, by, kNow);
        CHECK_FALSE(outcome.ok);
        CHECK(count_of(engine, "company") == companies);
        CHECK(count_of(engine, "deal") == 0);
        return outcome.message;
    };
    const std::string single =
        create(engine, "lead", {{"name", "Madonna"}, {"company_name", "Pop Ltd"}});
    CHECK(refused(single, "u-ana") ==
          "Cannot convert Madonna: the lead's name needs a first and a last name for the "
          "contact, or choose an existing contact");
    const std::string no_company = create(engine, "lead", {{"name", "Ada Park"}});
    CHECK(refused(no_company, "u-ana") == "Cannot convert Ada Park: the lead has no company "
                                          "name; give it one, or choose an existing company");
    const std::string out =
        create(engine, "lead",
               {{"name", "Lu Chen"}, {"company_name", "Chen AG"}, {"status", "Disqualified"}});
    CHECK(refused(out, "u-ana") ==
          "Cannot convert Lu Chen: it is disqualified; set its status to Qualified first");
    const std::string bens =
        create(engine, "lead", {{"name", "Kai Roth"}, {"company_name", "Roth KG"}}, "u-ben");
    CHECK(refused(bens, "u-zed") == "there is no record \"" + bens + "\"");
    CHECK(refused("lead-nope", "u-ana") == "there is no record \"lead-nope\"");
    CHECK(engine.apply(ConvertLead{bens, "contact-9", "", ""}, "u-ben", kNow).message ==
          "Cannot convert Kai Roth: there is no record \"contact-9\"");
}

TEST_CASE("quote lines: checked line by line, totalled to the cent, read and written as text") {
    CHECK(normalize_line_items(
              json::array({line("Growth licence", 10, 1200, 10), line("Onboarding", 1, 4500)}))
              .value() ==
          json::array({line("Growth licence", 10, 1200, 10), line("Onboarding", 1, 4500)}));
    const auto problem = [](json lines) {
        auto result = normalize_line_items(lines);
        REQUIRE_FALSE(result.ok());
        return result.error();
    };
    CHECK(problem(json::array({line("Licence", 0, 10)})) ==
          "line 1 (Licence): expected a quantity above 0");
    CHECK(problem(json::array({line("A", 1, 10), line("B", 1, 10, 0, "USD")})) ==
          "line 2: the price is in USD, the lines before it in EUR; use one currency");
    CHECK(problem(json::array({line("A", 1, 10, 150)})) ==
          "line 1 (A): expected a discount from 0 to 100 (percent)");
    CHECK(problem(json::array({line(" ", 1, 10)})) == "line 1: the product is missing");
    CHECK(problem(json::array({{{"product", "A"}, {"quantity", 1}, {"colour", "red"}}})) ==
          "line 1: unknown key \"colour\" (a line has product, quantity, price and discount)");
    CHECK(problem(json::array({line("A", 1, -5)})) ==
          "line 1 (A): expected a unit price like {\"amount\": 1200, \"currency\": \"EUR\"} of "
          "0 or more");
    CHECK(problem(json::array({line("A\x1b", 1, 1)})) ==
          "line 1: the product contains the control character U+001B (character 2); remove it");
    CHECK(problem(json(std::vector<json>(201, line("A", 1, 1)))) == "at most 200 lines, got 201");
    CHECK(problem(json::array({line("A; B", 1, 10)})) ==
          "line 1: the product cannot contain ';' or a line break");
    CHECK(problem(json::array({line("A", 1e9, 9e8)})) ==
          "the lines come to 1,000,000,000,000,000 or more; money stays below that");
    CHECK(line_items_total(json::array({line("A", 3, 0.35, 50)}))["amount"] == 0.53);
    CHECK(problem("3 licences") == "expected lines as [{\"product\": text, \"quantity\": number, "
                                   "\"price\": money, \"discount\": percent}]");

    const json lines = json::array({line("Growth licence", 10, 1200, 10),
                                    line("Onboarding", 1, 4500), line("Add-on", 3, 19.99, 12.5)});
    CHECK(line_items_total(lines) == json({{"amount", 10800 + 4500 + 52.47}, {"currency", "EUR"}}));
    const std::string text = line_items_to_text(lines);
    CHECK(text == "10 x Growth licence @ 1200 EUR -10%; 1 x Onboarding @ 4500 EUR; 3 x Add-on @ "
                  "19.99 EUR -12.5%");
    CHECK(parse_line_items_text(text, "USD").value() == lines);
    CHECK(parse_line_items_text("2 x Seats @ 10", "EUR").value() ==
          json::array({line("Seats", 2, 10)}));
    CHECK(parse_line_items_text("two seats", "EUR").error() ==
          "line 1: expected \"quantity x product @ price\", like \"10 x Growth plan @ 1200 EUR "
          "-10%\", got \"two seats\"");
    CHECK(format_line_items(lines) == "10 \u00d7 Growth licence, 1 \u00d7 Onboarding, 3 \u00d7 "
                                      "Add-on");
}

TEST_CASE("a quote's total follows its lines and is never set by hand") {
    Engine engine(funnel_workspace());
    const std::string deal = create(engine, "deal", {{"name", "Fleet rollout"}});
    const std::string quote = create(engine, "quote",
                                     {{"name", "Fleet rollout quote"},
                                      {"deal", deal},
                                      {"lines", json::array({line("Licence", 10, 1200, 10)})}});
    CHECK(value(engine, quote, "total") == json({{"amount", 10800}, {"currency", "EUR"}}));
    auto outcome =
        engine.apply(UpdateRecord{quote, {{"lines", json::array({line("Licence", 12, 1200, 10)})}}},
                     "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(value(engine, quote, "total") == json({{"amount", 12960}, {"currency", "EUR"}}));
    outcome = engine.apply(UpdateRecord{quote, {{"total", {{"amount", 1}, {"currency", "EUR"}}}}},
                           "u-ana", kNow);
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.message ==
          "Cannot save Fleet rollout quote: Total: is worked out from the Lines; change those "
          "instead");
    outcome = engine.apply(UpdateRecord{quote, {{"lines", nullptr}}}, "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(value(engine, quote, "total").is_null());
    outcome = engine.apply(CreateRecord{"quote", {{"name", "Loose quote"}}}, "u-ana", kNow);
    CHECK(outcome.message == "Cannot create Quote: Deal: is required");
}

TEST_CASE("an accepted quote becomes an order, wins its deal through the gate and starts "
          "onboarding") {
    Engine engine(funnel_workspace());
    const std::string deal = create(engine, "deal",
                                    {{"name", "Fleet rollout"},
                                     {"stage", "Negotiation"},
                                     {"amount", {{"amount", 5000}, {"currency", "EUR"}}},
                                     {"pricing_discussed", true}});
    REQUIRE(engine.workspace().find(deal)->flows.at("sales_pipeline").stage == "negotiation");
    const std::string quote =
        create(engine, "quote",
               {{"name", "Fleet quote"},
                {"deal", deal},
                {"lines", json::array({line("Licence", 10, 1200, 10), line("Kickoff", 1, 900)})},
                {"status", "Sent"}});

    SUBCASE("the deal's gate stops it until the agreement is signed; nothing changes") {
        const auto outcome = engine.apply(AcceptQuote{quote}, "u-ana", kNow);
        CHECK_FALSE(outcome.ok);
        CHECK(outcome.message.rfind("Cannot accept Fleet quote: ", 0) == 0);
        CHECK(outcome.message.find("Agreement signed") != std::string::npos);
        CHECK(count_of(engine, "order") == 0);
        CHECK(value(engine, quote, "status") == "Sent");
    }
    SUBCASE("accepted once the agreement is signed") {
        REQUIRE(engine.apply(UpdateRecord{deal, {{"agreement_signed", true}}}, "u-ana", kNow).ok);
        const auto outcome = engine.apply(AcceptQuote{quote}, "u-ana", kNow);
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
        CHECK(outcome.batch->cause.command == "accept-quote");
        const std::string order = value(engine, quote, "order");
        CHECK(value(engine, quote, "status") == "Accepted");
        CHECK(value(engine, order, "name") == "Order for Fleet rollout");
        CHECK(value(engine, order, "deal") == deal);
        CHECK(value(engine, order, "quote") == quote);
        CHECK(value(engine, order, "lines") == value(engine, quote, "lines"));
        CHECK(value(engine, order, "total") == json({{"amount", 11700}, {"currency", "EUR"}}));
        const Record& won = *engine.workspace().find(deal);
        CHECK(won.flows.at("sales_pipeline").outcome == "closed_won");
        CHECK(won.value("amount") == json({{"amount", 11700}, {"currency", "EUR"}}));
        REQUIRE(won.flows.count("onboarding"));
        CHECK(won.flows.at("onboarding").stage == "kickoff_scheduled");

        const auto again = engine.apply(AcceptQuote{quote}, "u-ana", kNow);
        CHECK(again.message ==
              "Cannot accept Fleet quote: it was accepted already (order Order for Fleet rollout)");
    }
    SUBCASE("a quote without lines, or declined, is not accepted") {
        const std::string empty = create(engine, "quote", {{"name", "Empty"}, {"deal", deal}});
        CHECK(engine.apply(AcceptQuote{empty}, "u-ana", kNow).message ==
              "Cannot accept Empty: it has no lines; add what is sold first");
        REQUIRE(engine.apply(UpdateRecord{quote, {{"status", "Declined"}}}, "u-ana", kNow).ok);
        CHECK(engine.apply(AcceptQuote{quote}, "u-ana", kNow).message ==
              "Cannot accept Fleet quote: it was declined");
        CHECK(engine.apply(AcceptQuote{deal}, "u-ana", kNow).message ==
              deal + " is a deal, not a quote");
    }
    SUBCASE("a quote on a deal the rep may not change is not accepted by them") {
        const std::string bens = create(engine, "deal", {{"name", "Ben's deal"}}, "u-ben");
        const std::string own = create(engine, "quote",
                                       {{"name", "Ana's quote"},
                                        {"deal", bens},
                                        {"lines", json::array({line("Licence", 1, 10)})}});
        CHECK(engine.apply(AcceptQuote{own}, "u-ana", kNow).message ==
              "Cannot accept Ana's quote: its deal " + bens + " is not one you can see");
        CHECK(count_of(engine, "order") == 0);
    }
}

TEST_CASE("what the funnel fills in is set by its step only: not by hand, a rule or an import") {
    Engine engine(funnel_workspace());
    const std::string deal = create(engine, "deal", {{"name", "Fleet rollout"}});
    const std::string quote = create(engine, "quote",
                                     {{"name", "Fleet quote"},
                                      {"deal", deal},
                                      {"lines", json::array({line("Licence", 1, 10)})}});
    auto outcome = engine.apply(UpdateRecord{quote, {{"order", quote}}}, "u-ana", kNow);
    CHECK(outcome.message ==
          "Cannot save Fleet quote: Order: is filled in by accepting the quote, not by hand");
    outcome = engine.apply(
        CreateRecord{"order", {{"name", "Loose"}, {"ordered_at", "2026-12-01T10:00:00Z"}}}, "u-ana",
        kNow);
    CHECK(outcome.message ==
          "Cannot create Order: Ordered: is filled in by accepting the quote, not by hand");
    const std::string lead =
        create(engine, "lead", {{"name", "Jo Park"}, {"company_name", "Park AG"}});
    outcome = engine.apply(UpdateRecord{lead, {{"converted_deal", deal}}}, "u-ana", kNow);
    CHECK(
        outcome.message ==
        "Cannot save Jo Park: Converted to deal: is filled in by converting the lead, not by hand");
    // A value given back as it is kept is no change (a form sends every field).
    REQUIRE(engine.apply(ConvertLead{lead, "", "", ""}, "u-ana", kNow).ok);
    const json kept = value(engine, lead, "converted_deal");
    outcome = engine.apply(UpdateRecord{lead, {{"converted_deal", kept}, {"need", "Fleet"}}},
                           "u-ana", kNow);
    CHECK_MESSAGE(outcome.ok, outcome.message);
    outcome = engine.apply(UpdateRecord{lead, {{"converted_deal", nullptr}}}, "u-ana", kNow);
    CHECK_FALSE(outcome.ok);

    ImportRecords rows{"quote", "quotes.csv", {}};
    ImportRow row;
    row.row = 2;
    row.id = quote;
    row.fields = {{"accepted_at", "2026-12-01T10:00:00Z"}};
    rows.rows.push_back(row);
    // A CSV round trip (its times to the minute) leaves what the step filled in as it is.
    outcome = engine.apply(rows, "u-ana", kNow);
    CHECK_MESSAGE(outcome.ok, outcome.message);
    CHECK(value(engine, quote, "accepted_at").is_null());
    ImportRecords file{"", "workspace.json", {}};
    row.fields = {{"converted_deal", nullptr}, {"need", "Fleet"}};
    row.id = lead;
    row.type = "lead";
    file.rows.push_back(row);
    outcome = engine.apply(file, "u-maria", kNow);
    CHECK_MESSAGE(outcome.ok, outcome.message);
    CHECK(value(engine, lead, "converted_deal") == kept); // an older file undoes no conversion

    // Orders from before come in from a spreadsheet with the day they were ordered.
    ImportRecords orders{"order", "orders.csv", {}};
    ImportRow order;
    order.row = 2;
    order.fields = {{"name", "Order 2024-117"}, {"ordered_at", "2024-05-02T09:00:00Z"}};
    orders.rows.push_back(order);
    outcome = engine.apply(orders, "u-maria", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(value(engine,
                outcome.record_id.empty() ? engine.workspace().ids_of_type("order").front()
                                          : outcome.record_id,
                "ordered_at") == "2024-05-02T09:00:00Z");
}

TEST_CASE("an order is made once per sale: no second order for a won deal, none from an expired "
          "quote") {
    Engine engine(funnel_workspace());
    const std::string deal = create(engine, "deal",
                                    {{"name", "Fleet rollout"},
                                     {"stage", "Negotiation"},
                                     {"amount", {{"amount", 5000}, {"currency", "EUR"}}},
                                     {"pricing_discussed", true},
                                     {"agreement_signed", true}});
    const auto quote_for = [&](const char* name, const char* valid_until) {
        json fields = {
            {"name", name}, {"deal", deal}, {"lines", json::array({line("Licence", 1, 10)})}};
        if (valid_until) fields["valid_until"] = valid_until;
        return create(engine, "quote", fields);
    };
    const std::string expired = quote_for("Old offer", "2026-11-30");
    const std::string today = quote_for("Today's offer", "2026-12-01");
    const std::string other = quote_for("Second offer", nullptr);
    CHECK(engine.apply(AcceptQuote{expired}, "u-ana", kNow).message ==
          "Cannot accept Old offer: it expired on Mon 30 Nov; give it a new valid-until day first");
    const auto accepted = engine.apply(AcceptQuote{today}, "u-ana", kNow);
    REQUIRE_MESSAGE(accepted.ok, accepted.message);
    CHECK(
        engine.apply(AcceptQuote{other}, "u-ana", kNow).message ==
        "Cannot accept Second offer: Fleet rollout was won already; a further sale is a new deal");
    CHECK(count_of(engine, "order") == 1);
}

TEST_CASE("a merge keeps a quote's total with the lines that stay") {
    Engine engine(funnel_workspace());
    const std::string deal = create(engine, "deal", {{"name", "Fleet rollout"}});
    const std::string keep = create(engine, "quote",
                                    {{"name", "Fleet quote"},
                                     {"deal", deal},
                                     {"lines", json::array({line("Licence", 1, 10)})}});
    const std::string other = create(engine, "quote",
                                     {{"name", "Fleet quote"},
                                      {"deal", deal},
                                      {"lines", json::array({line("Licence", 5, 10)})}});
    auto outcome = engine.apply(MergeRecords{keep, other, {"total"}}, "u-maria", kNow);
    CHECK(outcome.message == "Cannot take Total from " + other +
                                 " in a merge: it is worked out from the Lines; change those "
                                 "instead");
    outcome = engine.apply(MergeRecords{keep, other, {"lines"}}, "u-maria", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(value(engine, keep, "total") == json({{"amount", 50}, {"currency", "EUR"}}));
}

TEST_CASE("converting joins the contact to the customer, and keeps the company the lead's deal "
          "has") {
    Engine engine(funnel_workspace());
    const std::string acme = create(engine, "company", {{"name", "Acme Logistics"}});
    const std::string globex = create(engine, "company", {{"name", "Globex"}});
    const std::string ines = create(
        engine, "contact", {{"first_name", "Ines"}, {"last_name", "Moreau"}, {"company", acme}});
    const std::string loose =
        create(engine, "contact", {{"first_name", "Pia"}, {"last_name", "Lind"}});

    const std::string lead =
        create(engine, "lead", {{"name", "Ines Moreau"}, {"company_name", "Globex"}});
    auto outcome = engine.apply(ConvertLead{lead, globex, ines, ""}, "u-ana", kNow);
    CHECK(outcome.message == "Cannot convert Ines Moreau: Ines Moreau is a contact of Acme "
                             "Logistics, not of Globex; choose a contact there, or make a new one");
    outcome = engine.apply(ConvertLead{lead, globex, loose, ""}, "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(value(engine, loose, "company") == globex);

    // The deal a qualified lead started, already with Acme: the lead becomes Acme's.
    const std::string qualified =
        create(engine, "lead",
               {{"name", "Tom Berg"}, {"company_name", "Northgate"}, {"status", "Qualified"}});
    const Workspace& ws = engine.workspace();
    const std::string started = ws.find(qualified)->flows.at("sales_pipeline").outcome;
    REQUIRE(engine.apply(UpdateRecord{started, {{"company", acme}}}, "u-ana", kNow).ok);
    const ConversionPlan plan = plan_conversion(ws, *ws.directory.user("u-ana"), qualified);
    REQUIRE(plan.company);
    CHECK(plan.company->id == acme);
    CHECK(engine.apply(ConvertLead{qualified, globex, "", ""}, "u-ana", kNow).message ==
          "Cannot convert Tom Berg: its deal Northgate is with Acme Logistics; convert it into "
          "that company");
    const std::size_t companies = count_of(engine, "company");
    outcome = engine.apply(ConvertLead{qualified, "", "", ""}, "u-ana", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(count_of(engine, "company") == companies);
    CHECK(value(engine, qualified, "converted_company") == acme);
}

TEST_CASE("a number with a decimal comma is not read as a larger one") {
    FieldDef quantity;
    quantity.id = "employees";
    quantity.label = "Employees";
    quantity.type = FieldType::Number;
    CHECK(parse_field_text(quantity, "12,000", "EUR").value() == 12000);
    CHECK(parse_field_text(quantity, "1,5", "EUR").error() == "expected a number, got \"1,5\"");
    CHECK_FALSE(parse_field_text(quantity, "1,50", "EUR").ok());
    CHECK(parse_field_text(quantity, "1,500.25", "EUR").value() == 1500.25);
}

TEST_CASE("a converted exit belongs to leads, and only converting takes it") {
    Workspace ws = funnel_workspace();
    std::vector<Flow> flows = ws.flows;
    for (auto& flow : flows)
        if (flow.id == "sales_pipeline")
            flow.exits.push_back({"converted", "Converted", "converted", {}});
    const auto problems = validate_flows(ws.schema, flows);
    REQUIRE(problems.size() == 1);
    CHECK(
        problems.front() ==
        "sales_pipeline \u203a converted: a \"converted\" exit belongs on a flow of leads, not of "
        "Deals");

    auto rules =
        rules_from_json(json::parse(R"([{"id": "r", "name": "Close leads", "record_type": "lead",
        "trigger": {"on": "created"}, "actions": [{"do": "move", "flow": "lead_routing", "to": "converted"}]}])"),
                        "$.rules");
    REQUIRE_MESSAGE(rules, (rules ? "" : rules.error()));
    const auto rule_problems = validate_rules(ws, *rules);
    REQUIRE(rule_problems.size() == 1);
    CHECK(rule_problems.front() == "rule \"Close leads\", action 1 (move): the Converted exit is "
                                   "taken by converting the lead, not by a move");
}

TEST_CASE("a journal that added a workspace's own quote type replays into that type, not beside "
          "the built-in one") {
    Engine engine(funnel_workspace());
    RecordTypeDef offer;
    offer.id = "quote";
    offer.label = "Offer";
    offer.plural = "Offers";
    offer.custom = true;
    offer.title_fields = {"title"};
    FieldDef title;
    title.id = "title";
    title.label = "Title";
    title.custom = true;
    offer.fields = {title};
    EventBatch batch;
    batch.seq = engine.last_seq() + 1;
    batch.actor = "u-sam";
    batch.at = kNow;
    batch.events.push_back(events::TypeAdded{offer});
    REQUIRE(engine.replay(batch).ok());
    const auto& types = engine.workspace().schema.types();
    CHECK(std::count_if(types.begin(), types.end(),
                        [](const RecordTypeDef& type) { return type.id == "quote"; }) == 1);
    CHECK(engine.workspace().schema.type("quote")->label == "Offer");
    const auto outcome =
        engine.apply(CreateRecord{"quote", {{"title", "Spring offer"}}}, "u-ana", kNow);
    CHECK_MESSAGE(outcome.ok, outcome.message);
}

} // namespace funnel_test
