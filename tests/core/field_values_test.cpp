#include "model/field_values.hpp"

#include <doctest/doctest.h>

namespace field_values_test {

using namespace crm;
using nlohmann::json;

namespace {
FieldDef def(FieldType type, std::vector<std::string> options = {}) {
    FieldDef field;
    field.id = "f";
    field.label = "F";
    field.type = type;
    field.options = std::move(options);
    return field;
}
} // namespace

TEST_CASE("each field type accepts its own shape and names what it expected") {
    SUBCASE("money") {
        const auto money = def(FieldType::Money);
        CHECK(*normalize_field_value(money, json{{"amount", 12}, {"currency", "EUR"}}) ==
              json{{"amount", 12}, {"currency", "EUR"}});
        const auto bad = normalize_field_value(money, "lots");
        REQUIRE_FALSE(bad);
        CHECK(bad.error() == "expected money as {\"amount\": number, \"currency\": three capital "
                             "letters}, got \"lots\"");
        CHECK_FALSE(normalize_field_value(money, json{{"amount", 1}, {"currency", "euro"}}));
    }
    SUBCASE("dates and times") {
        CHECK(normalize_field_value(def(FieldType::Date), "2026-03-01"));
        CHECK(normalize_field_value(def(FieldType::Date), "03/01/2026").error() ==
              "expected a date as YYYY-MM-DD, got \"03/01/2026\"");
        CHECK(*normalize_field_value(def(FieldType::DateTime), "2026-03-01T10:00:00+02:00") ==
              "2026-03-01T08:00:00Z");
    }
    SUBCASE("picklists keep the defined spelling") {
        const auto stage = def(FieldType::Picklist, {"Qualified", "Closed won"});
        CHECK(*normalize_field_value(stage, "closed WON") == "Closed won");
        CHECK(normalize_field_value(stage, "Won").error() ==
              "expected one of: Qualified, Closed won, got \"Won\"");
        const auto tags = def(FieldType::MultiPicklist, {"A", "B"});
        CHECK(*normalize_field_value(tags, json{"b", "A", "B"}) == json{"B", "A"});
    }
    SUBCASE("contact details are checked and tidied") {
        CHECK(*normalize_field_value(def(FieldType::Email), "  Dana@Acme.Example ") ==
              "dana@acme.example");
        CHECK_FALSE(normalize_field_value(def(FieldType::Email), "dana@"));
        CHECK(normalize_field_value(def(FieldType::Phone), "+1 (555) 010-2030"));
        CHECK_FALSE(normalize_field_value(def(FieldType::Phone), "call me"));
        CHECK(normalize_field_value(def(FieldType::Url), "acme.example"));
    }
    SUBCASE("wrong JSON types are refused") {
        CHECK(normalize_field_value(def(FieldType::Number), "12").error() ==
              "expected a number, got \"12\"");
        CHECK(normalize_field_value(def(FieldType::Bool), 1).error() ==
              "expected true or false, got 1");
    }
    SUBCASE("empty text means not set") {
        CHECK(normalize_field_value(def(FieldType::Text), "   ")->is_null());
    }
}

TEST_CASE("typed text becomes the field's value") {
    CHECK(*parse_field_text(def(FieldType::Money), "12,000 EUR", "USD") ==
          json{{"amount", 12000}, {"currency", "EUR"}});
    CHECK(*parse_field_text(def(FieldType::Money), "99.5", "USD") ==
          json{{"amount", 99.5}, {"currency", "USD"}});
    CHECK(*parse_field_text(def(FieldType::Bool), "Yes", "USD") == true);
    CHECK(*parse_field_text(def(FieldType::MultiPicklist, {"A", "B"}), "a; b", "USD") ==
          json{"A", "B"});
    CHECK(parse_field_text(def(FieldType::Number), "twelve", "USD").error() ==
          "expected a number, got \"twelve\"");
    CHECK(parse_field_text(def(FieldType::Number), "", "USD")->is_null());
}

TEST_CASE("values are shown the way people read them") {
    CHECK(format_field_value(def(FieldType::Money),
                             json{{"amount", 1234567.5}, {"currency", "USD"}}) ==
          "USD 1,234,567.50");
    CHECK(format_field_value(def(FieldType::Money), json{{"amount", 48000}, {"currency", "EUR"}}) ==
          "EUR 48,000");
    CHECK(format_field_value(def(FieldType::Bool), true) == "Yes");
    CHECK(format_field_value(def(FieldType::DateTime), "2026-03-01T08:00:00Z") ==
          "2026-03-01 08:00 UTC");
}

TEST_CASE("editor text round-trips through parsing for every type") {
    const std::vector<std::pair<FieldDef, json>> cases = {
        {def(FieldType::Money), json{{"amount", 48000}, {"currency", "EUR"}}},
        {def(FieldType::Money), json{{"amount", 99.5}, {"currency", "USD"}}},
        {def(FieldType::DateTime), "2026-03-01T08:00:00Z"},
        {def(FieldType::Date), "2026-03-01"},
        {def(FieldType::Bool), false},
        {def(FieldType::Number), 1234567},
        {def(FieldType::Number), 1234567.5},
        {def(FieldType::Number), 0.1},
        {def(FieldType::Money), json{{"amount", 123456.78}, {"currency", "USD"}}},
        {def(FieldType::MultiPicklist, {"A", "B"}), json{"B", "A"}},
        {def(FieldType::Email), "dana@acme.example"},
    };
    for (const auto& item : cases) { // no structured bindings: clang 14 cannot capture them
        const std::string shown = item.second.dump();
        CAPTURE(shown);
        const auto text = field_value_to_text(item.first, item.second);
        CHECK(*parse_field_text(item.first, text, "USD") == item.second);
    }
}

TEST_CASE("text a field keeps is UTF-8 without control characters, within its size") {
    const auto text = def(FieldType::Text);
    CHECK(normalize_field_value(text, "Caf\xE9 Central").error() ==
          "the text is not valid UTF-8 (byte 4 (0xE9) is not valid UTF-8)");
    SUBCASE("control characters are refused in what people add, and read where kept") {
        CHECK(parse_field_text(text, "a\x1B[31mred", "USD").error() ==
              "the text contains the control character U+001B (character 2); remove it");
        CHECK(*new_value_problem(def(FieldType::MultiPicklist), json::array({"ok", "b\x07"})) ==
              "the text contains the control character U+0007 (character 2); remove it");
        CHECK(normalize_field_value(text, "a\x1B[31mred")); // an earlier version kept it
    }
    CHECK(parse_field_text(def(FieldType::LongText), "line one\n\tline two", "USD"));
    CHECK(normalize_field_value(def(FieldType::Email), "ana\xFF@example.com").error() ==
          "the text is not valid UTF-8 (byte 4 (0xFF) is not valid UTF-8)");
    CHECK(normalize_field_value(text, std::string(kMaxTextBytes + 1, 'x')).error() ==
          "the text is longer than 100000 characters");
    SUBCASE("a message quoting a long value cuts it between characters") {
        const auto error =
            normalize_field_value(def(FieldType::Date),
                                  "a" + std::string(40 * 2, 'x') + "\xC3\xA9\xC3\xA9")
                .error();
        CHECK(error.size() < 120);
        CHECK(text_problem(error, 1000) == std::nullopt);
    }
}

TEST_CASE("numbers are decimal, and money stays within what a cent can count") {
    CHECK(parse_field_text(def(FieldType::Number), "0x1A", "USD").error() ==
          "expected a number, got \"0x1A\"");
    CHECK(parse_field_text(def(FieldType::Number), "inf", "USD").error() ==
          "expected a number, got \"inf\"");
    CHECK(*parse_field_text(def(FieldType::Number), "12 000", "USD") == 12000);
    CHECK(parse_field_text(def(FieldType::Money), "1e300", "USD").error() ==
          "expected an amount below 1,000,000,000,000,000, got 1e+300");
    const auto largest = *parse_field_text(def(FieldType::Money), "999999999999999", "USD");
    CHECK(format_field_value(def(FieldType::Money), largest) == "USD 999,999,999,999,999");
}

} // namespace field_values_test
