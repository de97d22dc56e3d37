// CSV import: cells read as people write them, a precise report per row, one
// batch that changes nothing unless every row passes, re-runs that update
// instead of duplicating, and an undo of the whole import.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/csv.hpp"
#include "query/history.hpp"
#include "service/batch_undo.hpp"
#include "service/csv_import.hpp"
#include "service/import_values.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace csv_import_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-03-02T09:00:00Z");

std::string date_of(std::string_view text, DateOrder order = DateOrder::Unknown) {
    const auto date = read_date_text(text, order);
    return date ? format_date(*date) : "-";
}

CsvTable table_of(const std::string& text) {
    auto decoded = decode_text(text);
    REQUIRE(decoded.ok());
    auto table = parse_csv(decoded->text, detect_delimiter(decoded->text));
    REQUIRE_MESSAGE(table.ok(), (table.ok() ? "" : table.error()));
    return *table;
}

std::vector<std::string> problem_lines(const ImportPlan& plan) {
    std::vector<std::string> lines;
    for (const auto& problem : plan.problems)
        lines.push_back(describe_problem(problem));
    return lines;
}

// A team with two companies, Ana's email known, and the sales pipeline.
Engine team_engine() {
    Workspace ws = team_with_pipeline();
    ws.directory = Directory{};
    ws.directory.add_team({"t-east", "East", "u-maria"});
    ws.directory.add_user({"u-ana", "Ana Reyes", "ana@example.com", Role::Rep, "t-east"});
    ws.directory.add_user({"u-ben", "Ben Okafor", "ben@example.com", Role::Rep, "t-east"});
    ws.directory.add_user({"u-maria", "Maria Lindqvist", "", Role::Manager, "t-east"});
    ws.directory.add_user({"u-sam", "Sam Patel", "", Role::Admin, ""});
    Engine engine(std::move(ws));
    for (const char* name : {"Acme Corp", "Globex"})
        REQUIRE(engine.apply(CreateRecord{"company", {{"name", name}}, std::nullopt}, "u-sam", kNow)
                    .ok);
    return engine;
}

ImportMapping contact_mapping() {
    ImportMapping mapping;
    mapping.columns = {{"First Name", "first_name"}, {"Last Name", "last_name"},
                       {"E-mail", "email"},          {"Company", "company"},
                       {"Owner", "owner"},           {"Decision maker", "decision_maker"}};
    mapping.key = "email";
    return mapping;
}

Result<ImportPlan> plan(const Engine& engine, const std::string& csv, const std::string& type,
                        const ImportMapping& mapping) {
    return plan_import(engine, table_of(csv), type, mapping, "u-sam", "people.csv", kNow);
}

} // namespace

TEST_CASE("dates are read in the forms spreadsheets hold, and ambiguous ones are not guessed") {
    CHECK(date_of("2025-04-03") == "2025-04-03");
    CHECK(date_of("2025-04-03 00:00:00") == "2025-04-03");
    CHECK(date_of("3 Apr 2025") == "2025-04-03");
    CHECK(date_of("April 3, 2025") == "2025-04-03");
    CHECK(date_of("03-Apr-25") == "2025-04-03");
    CHECK(date_of("25/03/2025") == "2025-03-25");
    CHECK(date_of("03/25/2025") == "2025-03-25");
    CHECK(date_of("03/04/25") == "-"); // March or April: not guessed
    CHECK(date_of("03/04/25", DateOrder::DayFirst) == "2025-04-03");
    CHECK(date_of("03/04/25", DateOrder::MonthFirst) == "2025-03-04");
    CHECK(date_of("3.4.1999", DateOrder::DayFirst) == "1999-04-03");
    CHECK(date_of("25/03/2025", DateOrder::MonthFirst) == "-");
    CHECK(date_of("31/02/2025") == "-");
    CHECK(date_of("soon") == "-");
    CHECK(date_order_from_format("DD-MM-YY") == DateOrder::DayFirst);
    CHECK(date_order_from_format("mm/dd/yyyy") == DateOrder::MonthFirst);
    CHECK_FALSE(date_order_from_format("D/M/Y"));
    CHECK(date_order_evidence("25/03/2025") == DateOrder::DayFirst);
    CHECK(date_order_evidence("03/04/2025") == DateOrder::Unknown);
    CHECK_FALSE(date_order_evidence("2025-03-04"));

    const TimeZone berlin = *TimeZone::named("Europe/Berlin");
    CHECK(format_instant(*read_datetime_text("2025-04-03 14:30", DateOrder::Unknown, berlin)) ==
          "2025-04-03T12:30:00Z");
    CHECK(format_instant(*read_datetime_text("3 Apr 2025 2:30 PM", DateOrder::Unknown, berlin)) ==
          "2025-04-03T12:30:00Z");
    CHECK(format_instant(*read_datetime_text("2025-04-03T14:30:00Z", DateOrder::Unknown, berlin)) ==
          "2025-04-03T14:30:00Z");
    CHECK_FALSE(read_datetime_text("2025-04-03 25:00", DateOrder::Unknown, berlin));
}

TEST_CASE("amounts are read with currency signs, codes and either decimal mark") {
    auto amount = [](std::string_view text) {
        const auto read = read_amount_text(text);
        return read ? read->number + "|" + read->currency : std::string("-");
    };
    CHECK(amount("$12,000.50") == "12000.50|USD");
    CHECK(amount("12.000,50 \xE2\x82\xAC") == "12000.50|EUR");
    CHECK(amount("EUR 1,200") == "1200|EUR");
    CHECK(amount("1200 usd") == "1200|USD");
    CHECK(amount("(300)") == "-300|");
    CHECK(amount("-$1,200") == "-1200|USD");
    CHECK(amount("1'250.5 CHF") == "1250.5|CHF");
    CHECK(amount("12,5") == "12.5|");
    CHECK(amount("1,234") == "1234|");
    CHECK(amount("1,23,4") == "-");
    CHECK(amount("lots") == "-");
    CHECK(*plain_number_text("1 234 567,89") == "1234567.89");
    CHECK(*plain_number_text("1.234.567") == "1234567");
}

TEST_CASE("a messy file gets a report for every row that would fail, and changes nothing") {
    Engine engine = team_engine();
    const std::size_t before = engine.workspace().record_count();
    // A BOM, semicolons, a quoted line break, mixed dates and a repeated row.
    const std::string csv =
        "\xEF\xBB\xBF"
        "First Name;Last Name;E-mail;Company;Owner;Decision maker;Notes\r\n"
        "Dana;Whitfield;dana@acme.com;Acme Corp;Ana Reyes;yes;\"first\r\nline\"\r\n"
        "Liam;Novak;liam@@globex;Globex;ben@example.com;no;\r\n"
        "Zoë;Ng;zoe@initech.com;Initech;Ana Reyes;x;\r\n"
        "Omar;Haddad;omar@acme.com;acme corp;Bob Smith;;\r\n"
        "Dana;Whitfield;DANA@acme.com;Acme Corp;Ana Reyes;yes;again\r\n"
        ";Blank;blank@acme.com;Acme Corp;;maybe;\r\n";
    auto result = plan(engine, csv, "contact", contact_mapping());
    REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.error()));
    CHECK(problem_lines(*result) ==
          std::vector<std::string>{
              "row 3, column \"E-mail\": expected an email address like name@example.com, got "
              "\"liam@@globex\"",
              "row 4, column \"Company\": there is no Company called \"Initech\"",
              "row 5, column \"Owner\": there is no user \"Bob Smith\" (give a user's name, email "
              "or id)",
              "row 6: has the same E-mail as row 2",
              "row 7, column \"Decision maker\": expected yes or no, got \"maybe\"",
          });
    CHECK(result->summary() == "1 added, 0 updated, 0 unchanged, 5 failed");
    CHECK(result->ignored_columns == std::vector<std::string>{"Notes"});
    CHECK(engine.workspace().record_count() == before);
}

TEST_CASE("the fixed file imports as one batch, and importing it again changes nothing") {
    Engine engine = team_engine();
    const std::string csv = "First Name,Last Name,E-mail,Company,Owner,Decision maker\n"
                            "Dana,Whitfield,dana@acme.com,Acme Corp,Ana Reyes,yes\n"
                            "Liam,Novak,liam@globex.com,Globex,ben@example.com,no\n"
                            "Omar,Haddad,omar@acme.com,acme corp,,\n";
    auto first = plan(engine, csv, "contact", contact_mapping());
    REQUIRE(first.ok());
    CHECK(first->problems.empty());
    CHECK(first->summary() == "3 added, 0 updated, 0 unchanged, 0 failed");
    const std::uint64_t seq_before = engine.last_seq();
    const Outcome outcome = engine.apply(first->command, "u-sam", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    REQUIRE(outcome.batch);
    CHECK(outcome.batch->seq == seq_before + 1);
    CHECK(outcome.batch->events.front().kind() == std::string("records.imported"));
    const Workspace& ws = engine.workspace();
    REQUIRE(ws.ids_of_type("contact").size() == 3);
    const Record& dana = *ws.find(ws.ids_of_type("contact")[0]);
    CHECK(dana.owner == "u-ana");
    CHECK(dana.value("company") == ws.ids_of_type("company")[0]);
    CHECK(dana.value("decision_maker") == true);
    CHECK(ws.find(ws.ids_of_type("contact")[2])->owner == "u-sam"); // no owner: the importer
    // Ana and Ben hear once each that records came to them.
    CHECK(ws.notifications.of("u-ana").size() == 1);
    CHECK(ws.notifications.of("u-ana").front().text ==
          "Sam Patel imported 1 Contact for you from people.csv");

    auto again = plan(engine, csv, "contact", contact_mapping());
    REQUIRE(again.ok());
    CHECK(again->summary() == "0 added, 0 updated, 3 unchanged, 0 failed");
    const std::uint64_t seq = engine.last_seq();
    CHECK(engine.apply(again->command, "u-sam", kNow).ok);
    CHECK(engine.last_seq() == seq); // nothing to journal

    // A changed cell updates that record and no other.
    const std::string changed = "First Name,Last Name,E-mail,Company,Owner,Decision maker\n"
                                "Dana,Whitfield-Ross,dana@acme.com,Acme Corp,Ana Reyes,yes\n";
    auto update = plan(engine, changed, "contact", contact_mapping());
    REQUIRE(update.ok());
    CHECK(update->summary() == "0 added, 1 updated, 0 unchanged, 0 failed");
    REQUIRE(engine.apply(update->command, "u-sam", kNow).ok);
    CHECK(ws.find(dana.id)->value("last_name") == "Whitfield-Ross");
}

TEST_CASE("a plan counts each action once, and its counts and summary match its rows") {
    Engine engine = team_engine();
    const std::string first = "First Name,Last Name,E-mail,Company,Owner,Decision maker\n"
                              "Dana,Whitfield,dana@acme.com,Acme Corp,,\n"
                              "Liam,Novak,liam@globex.com,Globex,,\n";
    auto made = plan(engine, first, "contact", contact_mapping());
    REQUIRE(made.ok());
    REQUIRE(engine.apply(made->command, "u-sam", kNow).ok);

    // One row of each: Dana changed, Liam as he is, Omar new, Zoë's email bad.
    const std::string csv = "First Name,Last Name,E-mail,Company,Owner,Decision maker\n"
                            "Dana,Whitfield-Ross,dana@acme.com,Acme Corp,,\n"
                            "Liam,Novak,liam@globex.com,Globex,,\n"
                            "Omar,Haddad,omar@acme.com,Acme Corp,,\n"
                            "Zoë,Ng,zoe@@initech,Acme Corp,,\n"
                            "Ida,Berg,ida@acme.com,Acme Corp,,\n";
    auto result = plan(engine, csv, "contact", contact_mapping());
    REQUIRE(result.ok());
    CHECK(result->count(RowAction::Add) == 2);
    CHECK(result->count(RowAction::Update) == 1);
    CHECK(result->count(RowAction::Unchanged) == 1);
    CHECK(result->count(RowAction::Fail) == 1);
    CHECK(result->summary() == "2 added, 1 updated, 1 unchanged, 1 failed");
    for (const RowAction action :
         {RowAction::Add, RowAction::Update, RowAction::Unchanged, RowAction::Fail})
        CHECK(result->count(action) ==
              static_cast<std::size_t>(
                  std::count_if(result->rows.begin(), result->rows.end(),
                                [&](const PlannedRow& row) { return row.action == action; })));

    // The commit takes the batch out of the plan; its counts stay.
    const Outcome outcome = commit_import(engine, *result, "u-sam", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    CHECK(result->summary() == "2 added, 1 updated, 1 unchanged, 1 failed");

    // Rows the engine fails after the cells read well are counted failed.
    ImportMapping no_last;
    no_last.columns = {{"First Name", "first_name"}, {"E-mail", "email"}};
    no_last.key = "email";
    auto engine_failed = plan(engine,
                              "First Name,E-mail\n"
                              "Dana,dana@acme.com\n"
                              "Nia,nia@acme.com\n"
                              "Zoë,zoe@@initech\n",
                              "contact", no_last);
    REQUIRE(engine_failed.ok());
    CHECK(problem_lines(*engine_failed) ==
          std::vector<std::string>{"row 3: Last name is required (no column goes to it)",
                                   "row 4, column \"E-mail\": expected an email address like "
                                   "name@example.com, got \"zoe@@initech\""});
    CHECK(engine_failed->summary() == "0 added, 0 updated, 1 unchanged, 2 failed");
}

TEST_CASE("a mapping that does not fit the file or the type is refused as a whole") {
    Engine engine = team_engine();
    const std::string csv = "Name,Email\nDana,dana@acme.com\n";
    ImportMapping mapping;
    mapping.columns = {{"Mail", "email"}};
    CHECK(plan(engine, csv, "contact", mapping).error() ==
          "$.columns: the file has no column \"Mail\"");
    mapping.columns = {{"Email", "emial"}};
    CHECK(plan(engine, csv, "contact", mapping).error() ==
          "$.columns.Email: Contact has no field \"emial\"");
    mapping.columns = {{"Email", "email"}, {"Name", "email"}};
    CHECK(plan(engine, csv, "contact", mapping).error() ==
          "$.columns: \"Email\" and \"Name\" both go to email");
    mapping.columns = {{"Email", "email"}};
    mapping.key = "first_name";
    CHECK(plan(engine, csv, "contact", mapping).error() ==
          "$.key: no column goes to \"first_name\"");
    CHECK(plan(engine, csv, "gadget", mapping).error() == "there is no record type \"gadget\"");
    CHECK(import_mapping_from_json(json::parse(R"({"columns": {"A": 1}})")).error() ==
          "$.columns.A: expected a field id as a string");
    CHECK(import_mapping_from_json(json::parse(R"({"columns": {}, "date": "x"})")).error() ==
          "$.date: is not a mapping setting (columns, key, values, date_format)");
    CHECK(
        import_mapping_from_json(json::parse(R"({"columns": {}, "date_format": "D/M"})")).error() ==
        "$.date_format: expected a form like DD-MM-YY, MM/DD/YYYY or YYYY-MM-DD");
}

TEST_CASE("a required field without a column is named once per row, by its label") {
    Engine engine = team_engine();
    ImportMapping mapping;
    mapping.columns = {{"First", "first_name"}};
    auto result = plan(engine, "First\nDana\n", "contact", mapping);
    REQUIRE(result.ok());
    CHECK(problem_lines(*result) ==
          std::vector<std::string>{"row 2: Last name is required (no column goes to it)"});
}

TEST_CASE("deals come in with values mapped, dates detected, amounts in any form, and join their "
          "stage") {
    Engine engine = team_engine();
    ImportMapping mapping;
    mapping.columns = {{"Deal", "name"},
                       {"Account", "company"},
                       {"Value", "amount"},
                       {"Stage", "stage"},
                       {"Close", "close_date"}};
    mapping.key = "name";
    mapping.values["stage"] = {{"Won", "Closed won"}, {"Prop", "Proposal sent"}};
    const std::string csv = "Deal,Account,Value,Stage,Close\n"
                            "Acme renewal,Acme Corp,\"$12,000\",Won,25/03/2025\n"
                            "Globex pilot,Globex,\"8.500,00 EUR\",prop,03/04/2025\n"
                            "Globex rollout,Globex,3000,Negotiation,3 Apr 2025\n";
    auto result = plan(engine, csv, "deal", mapping);
    REQUIRE(result.ok());
    CHECK(problem_lines(*result).empty());
    const Outcome outcome = engine.apply(result->command, "u-sam", kNow);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    const Workspace& ws = engine.workspace();
    const auto& deals = ws.ids_of_type("deal");
    REQUIRE(deals.size() == 3);
    const Record& won = *ws.find(deals[0]);
    CHECK(won.value("amount") == json{{"amount", 12000}, {"currency", "USD"}});
    CHECK(won.value("stage") == "Closed won");
    CHECK(won.value("close_date") == "2025-03-25");
    // 25/03 shows the column puts the day first, so 03/04 is the 3rd of April.
    CHECK(ws.find(deals[1])->value("close_date") == "2025-04-03");
    CHECK(ws.find(deals[1])->value("amount") == json{{"amount", 8500}, {"currency", "EUR"}});
    // Every deal stands in the pipeline at its stage, joined in one batch.
    for (const auto& id : deals)
        CHECK(ws.find(id)->flows.count("sales_pipeline") == 1);
    CHECK(ws.find(deals[2])->flows.at("sales_pipeline").stage == "negotiation");
    CHECK(engine.last_seq() <= outcome.batch->seq + 2); // the import, its joins, the inbox
}

// "Won · 3 rows -> Closed won": what the wizard's Values part lists.
std::vector<std::string> unmatched_lines(const std::vector<UnmatchedField>& fields) {
    std::vector<std::string> lines;
    for (const auto& field : fields) {
        for (const auto& value : field.values)
            lines.push_back(field.field + "/" + field.column + ": " + value.text + " · " +
                            std::to_string(value.rows) + " -> " + value.suggestion);
        if (field.more) lines.push_back(field.field + ": " + std::to_string(field.more) + " more");
    }
    return lines;
}

TEST_CASE("picklist values that match no option are listed with their rows and a close option") {
    Engine engine = team_engine();
    const RecordTypeDef& deal = *engine.workspace().schema.type("deal");
    ImportMapping mapping;
    mapping.columns = {{"Deal", "name"}, {"Stage", "stage"}};
    const CsvTable table = table_of("Deal,Stage\n"
                                    "A,Won\n"
                                    "B,  won \n"
                                    "C,Closed won\n"
                                    "D,closed WON\n"
                                    "E,N\xC3\xA9gotiation\n"
                                    "F,Closed\n"
                                    "G,\n"
                                    "H,Won\n"
                                    "I,Meeting\n"
                                    "J,Lost deal\n");
    // Options match in any case; a close one is suggested when only one is
    // close ("Closed" could be won or lost: none).
    const std::vector<std::string> expected = {
        "stage/Stage: Won · 3 -> Closed won", "stage/Stage: N\xC3\xA9gotiation · 1 -> Negotiation",
        "stage/Stage: Closed · 1 -> ",        "stage/Stage: Meeting · 1 -> Meeting scheduled",
        "stage/Stage: Lost deal · 1 -> ",
    };
    CHECK(unmatched_lines(unmatched_values(deal, table, mapping)) == expected);
    CHECK(unmatched_lines(unmatched_values(deal, table, mapping, 2)) ==
          std::vector<std::string>{"stage/Stage: Won · 3 -> Closed won",
                                   "stage/Stage: N\xC3\xA9gotiation · 1 -> Negotiation",
                                   "stage: 3 more"});

    // The values mapped stay listed (a screen shows the choice), and the
    // import takes them; the rest fail.
    const auto listed = unmatched_values(deal, table, mapping);
    for (const auto& value : listed.front().values)
        if (!value.suggestion.empty()) mapping.values["stage"][value.text] = value.suggestion;
    CHECK(unmatched_lines(unmatched_values(deal, table, mapping)) == expected);
    auto result = plan_import(engine, table, "deal", mapping, "u-sam", "deals.csv", kNow);
    REQUIRE(result.ok());
    CHECK(result->summary() == "8 added, 0 updated, 0 unchanged, 2 failed");
    CHECK(problem_lines(*result) ==
          std::vector<std::string>{
              "row 7, column \"Stage\": expected one of: Lead, Qualified, Meeting scheduled, "
              "Proposal sent, Negotiation, Closed won, Closed lost, got \"Closed\"",
              "row 11, column \"Stage\": expected one of: Lead, Qualified, Meeting scheduled, "
              "Proposal sent, Negotiation, Closed won, Closed lost, got \"Lost deal\""});

    // A column whose values all match, or that is no picklist, is not listed.
    mapping.columns = {{"Deal", "name"}};
    CHECK(unmatched_values(deal, table, mapping).empty());
}

TEST_CASE("a multi-picklist's items are listed and mapped one by one") {
    Engine engine = team_engine();
    REQUIRE(engine
                .apply(AddField{"lead",
                                {"interests",
                                 "Interests",
                                 FieldType::MultiPicklist,
                                 false,
                                 {"Demo", "Pricing", "Support"}}},
                       "u-sam", kNow)
                .ok);
    const RecordTypeDef& lead = *engine.workspace().schema.type("lead");
    ImportMapping mapping;
    mapping.columns = {{"Name", "name"}, {"Status", "status"}, {"Interests", "interests"}};
    const CsvTable table = table_of("Name,Status,Interests\n"
                                    "Ann,New,demo call; Pricing\n"
                                    "Bo,working,\"Pricing, Suport; Demo Call\"\n"
                                    "Cy,Qualified,\n");
    CHECK(unmatched_lines(unmatched_values(lead, table, mapping)) ==
          std::vector<std::string>{"interests/Interests: demo call · 2 -> Demo",
                                   "interests/Interests: Suport · 1 -> "});

    mapping.values["interests"] = {{"Demo call", "Demo"}, {"suport", "Support"}};
    auto result = plan_import(engine, table, "lead", mapping, "u-sam", "leads.csv", kNow);
    REQUIRE(result.ok());
    CHECK(problem_lines(*result).empty());
    REQUIRE(engine.apply(result->command, "u-sam", kNow).ok);
    const Workspace& ws = engine.workspace();
    std::map<std::string, json> interests;
    for (const auto& id : ws.ids_of_type("lead"))
        interests[ws.find(id)->value("name").get<std::string>()] = ws.find(id)->value("interests");
    CHECK(interests.at("Ann") == json::array({"Demo", "Pricing"}));
    CHECK(interests.at("Bo") == json::array({"Pricing", "Support", "Demo"}));
    CHECK(interests.at("Cy").is_null());

    // A whole cell with an entry of its own is mapped as one, as before.
    mapping.values["interests"] = {{"demo call; pricing", "Demo"},
                                   {"Pricing, Suport; Demo Call", "Support"}};
    result = plan_import(engine, table, "lead", mapping, "u-sam", "leads.csv", kNow);
    REQUIRE(result.ok());
    CHECK(problem_lines(*result).empty());
    CHECK(result->command.rows.at(0).fields.at("interests") == json::array({"Demo"}));
}

TEST_CASE("an ambiguous date column asks for the format, and the format settles it") {
    Engine engine = team_engine();
    ImportMapping mapping;
    mapping.columns = {{"Deal", "name"}, {"Close", "close_date"}};
    const std::string csv = "Deal,Close\nA,03/04/25\nB,2025-05-01\n";
    auto result = plan(engine, csv, "deal", mapping);
    REQUIRE(result.ok());
    CHECK(problem_lines(*result) ==
          std::vector<std::string>{"row 2, column \"Close\": \"03/04/25\" can be read as "
                                   "DD/MM/YYYY or MM/DD/YYYY; choose the date format"});
    mapping.date_format = "MM-DD-YY";
    result = plan(engine, csv, "deal", mapping);
    REQUIRE(result.ok());
    CHECK(result->problems.empty());
    REQUIRE(engine.apply(result->command, "u-sam", kNow).ok);
    CHECK(engine.workspace().find(engine.workspace().ids_of_type("deal")[0])->value("close_date") ==
          "2025-03-04");
    mapping.date_format = "DD-MM-YY";
    result = plan(engine, "Deal,Close\nC,12/31/25\n", "deal", mapping);
    CHECK(problem_lines(*result) ==
          std::vector<std::string>{
              "row 2, column \"Close\": \"12/31/25\" is not a date as DD/MM/YYYY"});
}

TEST_CASE("the rows that fail can be set aside with their reason") {
    Engine engine = team_engine();
    const std::string csv = "First Name,Last Name,E-mail,Company,Owner,Decision maker\n"
                            "Dana,Whitfield,dana@acme.com,Acme Corp,,\n"
                            "Liam,Novak,liam@@globex,Globex,,\n";
    const CsvTable table = table_of(csv);
    auto result = plan_import(engine, table, "contact", contact_mapping(), "u-sam", "p.csv", kNow);
    REQUIRE(result.ok());
    CHECK(result->command.rows.size() == 1);
    CHECK(rejected_rows_csv(table, *result) ==
          "\xEF\xBB\xBF"
          "First Name,Last Name,E-mail,Company,Owner,Decision maker,Reason\r\n"
          "Liam,Novak,liam@@globex,Globex,,,\"column \"\"E-mail\"\": expected an email address "
          "like name@example.com, got \"\"liam@@globex\"\"\"\r\n");
}

TEST_CASE("an import is undone as a whole, unless its records changed since") {
    ScratchDir dir;
    DirectoryStorage storage(dir.path());
    WorkspaceStore store(storage);
    Engine seeded = team_engine();
    REQUIRE(store.create(seeded.workspace()).ok());
    Engine engine;
    REQUIRE(store.open(engine).ok());
    const std::string csv = "First Name,Last Name,E-mail,Company,Owner,Decision maker\n"
                            "Dana,Whitfield,dana@acme.com,Acme Corp,Ana Reyes,\n"
                            "Liam,Novak,liam@globex.com,Globex,Ben Okafor,\n";
    auto imported = plan(engine, csv, "contact", contact_mapping());
    REQUIRE(imported.ok());
    const Outcome outcome = engine.apply(imported->command, "u-sam", kNow);
    REQUIRE(outcome.ok);
    const std::uint64_t seq = outcome.batch->seq;
    auto everything = [](const EventBatch&) { return true; };

    // A later edit by a person blocks the undo, naming the record.
    const std::string dana = engine.workspace().ids_of_type("contact")[0];
    REQUIRE(
        engine.apply(UpdateRecord{dana, {{"job_title", "CTO"}}, std::nullopt, false}, "u-sam", kNow)
            .ok);
    auto refused = undo_batch_command(engine.workspace(), store.read_history(everything), seq);
    CHECK(refused.error() == "Cannot undo the import of people.csv: Dana Whitfield has changed "
                             "since (batch " +
                                 std::to_string(engine.last_seq()) +
                                 "); undo that first or change it by hand");
    REQUIRE(
        engine
            .apply(UpdateRecord{dana, {{"job_title", nullptr}}, std::nullopt, false}, "u-sam", kNow)
            .ok);
    // Taken back by undoing the edits first? The edits are later batches all the same.
    CHECK_FALSE(undo_batch_command(engine.workspace(), store.read_history(everything), seq).ok());

    // A second import, left alone, comes out whole and in one batch.
    const std::string more = "First Name,Last Name,E-mail,Company,Owner,Decision maker\n"
                             "Omar,Haddad,omar@acme.com,Acme Corp,,\n"
                             "Zoë,Ng,zoe@globex.com,Globex,,\n";
    auto second = plan(engine, more, "contact", contact_mapping());
    REQUIRE(engine.apply(second->command, "u-sam", kNow).ok);
    const std::uint64_t second_seq = engine.last_seq();
    const std::size_t contacts = engine.workspace().ids_of_type("contact").size();
    auto undo = undo_batch_command(engine.workspace(), store.read_history(everything), second_seq);
    REQUIRE_MESSAGE(undo.ok(), (undo.ok() ? "" : undo.error()));
    const Outcome undone = engine.apply(*undo, "u-sam", kNow);
    REQUIRE_MESSAGE(undone.ok, undone.message);
    CHECK(engine.workspace().ids_of_type("contact").size() == contacts - 2);
    CHECK(undone.batch->events.front().kind() == std::string("batch.reverted"));
    // The journal writes large batches straight to text: the same JSON.
    CHECK(json::parse(batch_to_text(*undone.batch)) == batch_to_json(*undone.batch));
    CHECK(json::parse(batch_to_text(*outcome.batch)) == batch_to_json(*outcome.batch));
    CHECK(undo_batch_command(engine.workspace(), store.read_history(everything), second_seq)
              .error() == "Cannot undo the import of people.csv: it was undone already (batch " +
                              std::to_string(undone.batch->seq) + ")");

    // The timeline says where a record came from and where it went.
    const std::string omar = undone.batch->events.back().record_id();
    const KeptHistory kept = store.read_history(everything);
    const auto timeline = record_timeline(engine.workspace(), kept.batches, kept.origins, omar);
    REQUIRE(timeline.size() >= 2);
    CHECK(timeline.front().what == "Created, owned by Sam Patel (imported from people.csv)");
    CHECK(timeline.back().what == "Deleted (undoing the import of people.csv)");

    // And the undo survives a reopen.
    Engine reopened;
    REQUIRE(store.open(reopened).ok());
    CHECK(reopened.workspace().ids_of_type("contact").size() == contacts - 2);
}

} // namespace csv_import_test
