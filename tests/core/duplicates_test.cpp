// Likely duplicates: what pairs, why, how strongly, and what never pairs.
#include "fixtures.hpp"
#include "service/duplicates.hpp"

#include <doctest/doctest.h>

namespace duplicates_test {

using namespace crm;

namespace {

Workspace contacts_workspace() {
    Workspace ws = test::team_workspace();
    ws.schema = builtin_schema();
    ws.put(Record{"company-1", "company", "u-ana", {{"name", "Acme Logistics"}}});
    ws.put(Record{"company-2", "company", "u-ana", {{"name", "Cobalt Robotics"}}});
    return ws;
}

void add_contact(Workspace& ws, const std::string& id, nlohmann::json fields) {
    ws.put(Record{id, "contact", "u-ana", std::move(fields)});
}

std::vector<std::string> pair_ids(const std::vector<DuplicatePair>& pairs) {
    std::vector<std::string> out;
    for (const auto& pair : pairs)
        out.push_back(pair.first + "/" + pair.second);
    return out;
}

// A pair's reasons as one line, as doctest shows a failing string.
std::string reasons_of(const DuplicatePair& pair) {
    std::string out;
    for (const auto& reason : pair.reasons)
        out += (out.empty() ? "" : "; ") + reason;
    return out;
}

} // namespace

TEST_CASE("the same email in another case pairs, with its reason") {
    Workspace ws = contacts_workspace();
    add_contact(ws, "contact-1",
                {{"first_name", "Nora"}, {"last_name", "Vance"}, {"email", "nora@acme.example"}});
    add_contact(ws, "contact-2",
                {{"first_name", "N."}, {"last_name", "Vance"}, {"email", " NORA@acme.example"}});
    const auto pairs = find_duplicates(ws, "contact");
    REQUIRE(pairs.size() == 1);
    CHECK(pairs[0].first == "contact-1");
    CHECK(pairs[0].second == "contact-2");
    CHECK(pairs[0].score == 1.0);
    CHECK(reasons_of(pairs[0]) == "same email \"nora@acme.example\"");
}

TEST_CASE("blank values never pair") {
    Workspace ws = contacts_workspace();
    add_contact(ws, "contact-1", {{"first_name", "Ida"}, {"last_name", "Berg"}, {"email", ""}});
    add_contact(ws, "contact-2", {{"first_name", "Ravi"}, {"last_name", "Shah"}, {"phone", ""}});
    add_contact(ws, "contact-3", {{"first_name", "Lea"}, {"last_name", "Roth"}});
    CHECK(find_duplicates(ws, "contact").empty());
}

TEST_CASE("one phone number written three ways pairs") {
    Workspace ws = contacts_workspace();
    add_contact(ws, "contact-1",
                {{"first_name", "Piet"}, {"last_name", "Jansen"}, {"phone", "+49 151 1234 5678"}});
    add_contact(ws, "contact-2",
                {{"first_name", "Pieter"}, {"last_name", "J."}, {"phone", "0049151-12345678"}});
    add_contact(ws, "contact-3",
                {{"first_name", "P"}, {"last_name", "Jansen"}, {"phone", "0151 12345678"}});
    const auto pairs = find_duplicates(ws, "contact");
    CHECK(pair_ids(pairs) == std::vector<std::string>{"contact-1/contact-2", "contact-1/contact-3",
                                                      "contact-2/contact-3"});
    CHECK(reasons_of(pairs[0]) == "same phone number (ending 5678)");
    CHECK(pairs[0].score == doctest::Approx(0.9));
    CHECK(phone_match_key("12 34") == "");
}

TEST_CASE("a similar name pairs at the same company, not at another one") {
    Workspace ws = contacts_workspace();
    add_contact(ws, "contact-1",
                {{"first_name", "John"}, {"last_name", "Smith"}, {"company", "company-1"}});
    add_contact(ws, "contact-2",
                {{"first_name", "Jon"}, {"last_name", "Smith"}, {"company", "company-1"}});
    add_contact(ws, "contact-3",
                {{"first_name", "John"}, {"last_name", "Smith"}, {"company", "company-2"}});
    add_contact(ws, "contact-4",
                {{"first_name", "Ingrid"}, {"last_name", "Smith"}, {"company", "company-1"}});
    const auto pairs = find_duplicates(ws, "contact");
    REQUIRE(pair_ids(pairs) == std::vector<std::string>{"contact-1/contact-2"});
    CHECK(reasons_of(pairs[0]) == "similar name (\"John Smith\" / \"Jon Smith\", 0.92) at the "
                                  "same company \"Acme Logistics\"");
}

TEST_CASE("a shared work domain counts, a free-mail domain does not") {
    Workspace ws = contacts_workspace();
    add_contact(ws, "contact-1",
                {{"first_name", "Zoë"}, {"last_name", "Łukasz"}, {"email", "zoe@fjord.example"}});
    add_contact(
        ws, "contact-2",
        {{"first_name", "Lukasz"}, {"last_name", "Zoe"}, {"email", "z.lukasz@fjord.example"}});
    add_contact(ws, "contact-3",
                {{"first_name", "Anna"}, {"last_name", "Meyer"}, {"email", "anna@gmail.com"}});
    add_contact(ws, "contact-4",
                {{"first_name", "Anna"}, {"last_name", "Meyer"}, {"email", "meyer.a@gmail.com"}});
    const auto pairs = find_duplicates(ws, "contact");
    REQUIRE(pair_ids(pairs) == std::vector<std::string>{"contact-1/contact-2"});
    CHECK(reasons_of(pairs[0]) == "similar name (\"Zoë Łukasz\" / \"Lukasz Zoe\", 1.00) with the "
                                  "same email domain \"fjord.example\"");
}

TEST_CASE("pairs come strongest first, and a new record's likely duplicates are found") {
    Workspace ws = contacts_workspace();
    add_contact(ws, "contact-1",
                {{"first_name", "Nora"},
                 {"last_name", "Vance"},
                 {"email", "nora@acme.example"},
                 {"company", "company-1"}});
    add_contact(ws, "contact-2",
                {{"first_name", "Norah"},
                 {"last_name", "Vance"},
                 {"email", "nv@acme.example"},
                 {"company", "company-1"}});
    add_contact(ws, "contact-3",
                {{"first_name", "Nora"}, {"last_name", "Vance"}, {"email", "nora@acme.example"}});
    const auto pairs = find_duplicates(ws, "contact");
    REQUIRE(pairs.size() == 3);
    CHECK(pair_ids(pairs)[0] == "contact-1/contact-3");
    for (std::size_t i = 1; i < pairs.size(); ++i)
        CHECK(pairs[i - 1].score >= pairs[i].score);

    const auto before_creating = duplicates_of(
        ws, "contact",
        {{"first_name", "Nora"}, {"last_name", "Vance"}, {"email", "NORA@acme.example"}}, "");
    CHECK(pair_ids(before_creating) ==
          std::vector<std::string>{"(new)/contact-1", "(new)/contact-3", "(new)/contact-2"});
}

TEST_CASE("a person is shown only the pairs whose records they may see") {
    Workspace ws = contacts_workspace();
    add_contact(ws, "contact-1", {{"first_name", "Nora"}, {"email", "nora@acme.example"}});
    add_contact(ws, "contact-2", {{"first_name", "Nora"}, {"email", "nora@acme.example"}});
    ws.put(Record{"contact-3", "contact", "u-zed", {{"email", "nora@acme.example"}}});
    auto pairs = find_duplicates(ws, "contact");
    CHECK(pairs.size() == 3);
    keep_visible_pairs(ws, *ws.directory.user("u-ana"), pairs);
    CHECK(pair_ids(pairs) == std::vector<std::string>{"contact-1/contact-2"});
}

} // namespace duplicates_test
