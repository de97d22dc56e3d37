// One JSON reader for every document: what it refuses, and where it says the
// problem is.
#include "io/json_text.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace json_text_test {

using namespace crm;

namespace {

std::string error_of(std::string_view text) {
    const auto parsed = parse_json_text(text);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error();
}

std::string nested(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

} // namespace

TEST_CASE("syntax errors name line and column") {
    CHECK(error_of("{\n  \"a\": 1,\n}") ==
          "not valid JSON: line 3, column 1: syntax error while parsing object key - unexpected "
          "'}'; expected string literal");
}

TEST_CASE("a key given twice is refused, naming both places") {
    CHECK(error_of(
              "{\n  \"name\": \"Acme\",\n  \"owner\": \"u-ana\",\n  \"name\": \"Acme Ltd\"\n}") ==
          "not valid JSON: line 4, column 3: duplicate key \"name\" (first at line 2, column 3)");
    SUBCASE("also when one of them is spelled with escapes") {
        CHECK(error_of(R"({"a": {"b": 1, "\u0062": 2}})") ==
              "not valid JSON: line 1, column 16: duplicate key \"b\" (first at line 1, column 8)");
    }
    SUBCASE("the same key in different objects is fine") {
        CHECK(parse_json_text(R"([{"a": 1}, {"a": 2}, {"b": {"a": 3}}])").ok());
    }
}

TEST_CASE("nesting is limited in every document") {
    CHECK(parse_json_text(nested(kMaxJsonDepth)).ok());
    CHECK(error_of(nested(kMaxJsonDepth + 1)) ==
          "not valid JSON: line 1, column 65: nested more than 64 levels deep (the limit for "
          "every document)");
    SUBCASE("100,000 levels are refused without running out of stack") {
        CHECK(error_of(std::string(100000, '[')).find("nested more than 64 levels deep") !=
              std::string::npos);
        std::string objects;
        for (int i = 0; i < 100000; ++i)
            objects += "{\"a\":";
        CHECK(error_of(objects).find("line 1, column 321: nested more than 64 levels") !=
              std::string::npos);
    }
}

TEST_CASE("numbers out of range say where they are") {
    CHECK(error_of("{\n  \"amount\": -1e400\n}") ==
          "not valid JSON: line 2, column 13: the number -1e400 is out of range (numbers must fit "
          "a 64-bit floating-point value)");
}

TEST_CASE("text that is not UTF-8 JSON is named for what it is") {
    CHECK(error_of("") == "expected a JSON document, got nothing (it is empty)");
    CHECK(error_of(" \n\t ") == "expected a JSON document, got only white space");
    CHECK(error_of(std::string("\xFF\xFE{\0}\0", 6)) ==
          "the text is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
    CHECK(error_of(std::string("{\0\"\0a\0\"\0:\0", 10)) ==
          "the text looks like UTF-16 (every other byte is zero); save it as UTF-8");
    CHECK(error_of(std::string("\0\0\0\x01\x02", 5)) ==
          "this is binary data, not JSON text (byte 1 is a zero byte)");
    CHECK(error_of("{\"name\": \"Caf\xE9\"}") ==
          "not valid JSON: line 1, column 14: byte 14 (0xE9) is not valid UTF-8; save the text "
          "as UTF-8");
    CHECK(error_of("[\"\xC0\xAF\"]") == // an overlong '/'
          "not valid JSON: line 1, column 3: byte 3 (0xC0) is not valid UTF-8; save the text as "
          "UTF-8");
    SUBCASE("a UTF-8 byte order mark is read past") {
        const auto parsed = parse_json_text("\xEF\xBB\xBF{\"a\": \"Zo\xC3\xAB\"}");
        REQUIRE(parsed.ok());
        CHECK((*parsed)["a"] == "Zo\xC3\xAB");
    }
}

TEST_CASE("a streamed array's elements are handed over as they are read, not kept") {
    std::vector<nlohmann::json> taken;
    const StreamedArray streamed{"records",
                                 [&](nlohmann::json&& element) { taken.push_back(element); }};
    const auto parsed = parse_json_text(
        R"({"name": "W", "records": [{"id": "a", "tags": [1, 2]}, 7, [3]],
            "other": {"records": [{"id": "kept"}]}})",
        kMaxJsonDepth, streamed);
    REQUIRE(parsed.ok());
    CHECK(taken == std::vector<nlohmann::json>{{{"id", "a"}, {"tags", {1, 2}}}, 7, {3}});
    CHECK((*parsed)["records"] == nlohmann::json::array());
    CHECK((*parsed)["other"]["records"][0]["id"] == "kept"); // only the top-level array
    CHECK((*parsed)["name"] == "W");

    SUBCASE("the reader's refusals still hold inside it") {
        const auto twice =
            parse_json_text("{\"records\": [{\"id\": 1,\n \"id\": 2}]}", kMaxJsonDepth, streamed);
        CHECK(
            twice.error() ==
            "not valid JSON: line 2, column 2: duplicate key \"id\" (first at line 1, column 15)");
        CHECK(
            parse_json_text(R"({"records": [], "records": []})", kMaxJsonDepth, streamed).error() ==
            "not valid JSON: line 1, column 17: duplicate key \"records\" (first at line 1, "
            "column 2)");
        CHECK(parse_json_text("{\"records\": [" + nested(kMaxJsonDepth) + "]}", kMaxJsonDepth,
                              streamed)
                  .error()
                  .find("nested more than 64 levels deep") != std::string::npos);
    }
}

} // namespace json_text_test
