#include "logic/jsonlogic.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>

namespace jsonlogic_test {

using namespace crm;
using nlohmann::json;

namespace {

// JSON equality where 1 and 1.0 are the same number: results are compared by
// value, not by how nlohmann happened to store them.
bool same(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!same(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it)
            if (!b.contains(it.key()) || !same(it.value(), b.at(it.key()))) return false;
        return true;
    }
    return a == b;
}

json run(const json& rule, const json& data = json::object(), const logic::Context& context = {}) {
    const auto result = logic::evaluate(rule, data, context);
    REQUIRE_MESSAGE(result.ok(), result.error());
    return *result;
}

logic::Context at(const char* now) {
    return logic::Context{*parse_instant(now)};
}

std::string label(const std::string& name) {
    static const std::map<std::string, std::string> labels = {
        {"budget", "Budget"},
        {"timeline", "Timeline"},
        {"stage", "Stage"},
        {"amount", "Amount"},
        {"score", "Score"},
        {"source", "Source"},
        {"notes", "Notes"},
        {"close_date", "Close date"},
        {"stage_entered_at", "Stage entered"},
        {"decision_maker_known", "Decision maker known"},
    };
    const auto it = labels.find(name);
    return it == labels.end() ? name : it->second;
}

std::string words(const json& rule) {
    return logic::describe(rule, label);
}

} // namespace

TEST_CASE("the official JsonLogic conformance suite passes in full") {
    std::ifstream file(CRM_JSONLOGIC_TESTS);
    REQUIRE_MESSAGE(file.good(), "cannot open " CRM_JSONLOGIC_TESTS);
    const json suite = json::parse(file);
    int ran = 0;
    int passed = 0;
    for (const auto& test : suite) {
        if (test.is_string()) continue; // section comments
        ++ran;
        const auto got = logic::evaluate(test[0], test[1]);
        if (got.ok() && same(*got, test[2])) {
            ++passed;
        } else {
            FAIL_CHECK("rule: " << test[0].dump() << "\n  data: " << test[1].dump()
                                << "\n  expected: " << test[2].dump() << "\n  got: "
                                << (got.ok() ? got->dump() : "error: " + got.error()));
        }
    }
    CHECK(ran == 277);
    CHECK(passed == ran);
}

TEST_CASE("every rule in the conformance suite passes the static check") {
    std::ifstream file(CRM_JSONLOGIC_TESTS);
    REQUIRE(file.good());
    for (const auto& test : json::parse(file))
        if (!test.is_string()) CHECK_MESSAGE(logic::check(test[0]).empty(), test[0].dump());
}

TEST_CASE("results come back as JSON integers when they are whole") {
    CHECK(run({{"+", {1, 2}}}).is_number_integer());
    CHECK(run({{"*", {1.5, 2}}}).is_number_integer());
    CHECK(run({{"/", {1, 4}}}) == 0.25);
    CHECK(run({{"-", {0.5, 0.25}}}) == 0.25);
    CHECK(run({{"%", {-7, 3}}}) == -1); // the sign follows the dividend, as in JavaScript
}

TEST_CASE("coercion follows JavaScript") {
    SUBCASE("loose equality") {
        CHECK(run({{"==", {nullptr, nullptr}}}) == true);
        CHECK(run({{"==", {nullptr, 0}}}) == false);
        CHECK(run({{"==", {"", 0}}}) == true);
        CHECK(run({{"==", {" 12 ", 12}}}) == true);
        CHECK(run({{"==", {"1e3", 1000}}}) == true);
        CHECK(run({{"==", {"0x10", 16}}}) == true);
        CHECK(run({{"==", {"12abc", 12}}}) == false);
        CHECK(run({{"==", {true, "1"}}}) == true);
        CHECK(run({{"==", {false, ""}}}) == true);
        CHECK(run({{"==", {json::array({1}), 1}}}) == true);
        CHECK(run({{"==", {json::array({1, 2}), "1,2"}}}) == true);
    }
    SUBCASE("arrays and objects compare by value, not identity") {
        CHECK(run({{"===", {json::array({1, "a"}), json::array({1, "a"})}}}) == true);
        CHECK(run({{"==", {json::array({1}), json::array({1.0})}}}) == true);
        CHECK(run({{"in", {json::array({1}), json::array({json::array({1}), 2})}}}) == true);
    }
    SUBCASE("ordering") {
        CHECK(run({{"<", {nullptr, 1}}}) == true); // null counts as 0
        CHECK(run({{"<", {"a", 1}}}) == false);    // NaN: every comparison fails
        CHECK(run({{">=", {"a", 1}}}) == false);
        CHECK(run({{"<", {"10", "9"}}}) == true); // two strings compare as text
        CHECK(run({{"<", {"2026-01-31", "2026-02-01"}}}) == true);
        CHECK(run({{">", {20, 15, 10}}}) == true); // the three-argument form, descending
        CHECK(run({{">=", {20, 21, 10}}}) == false);
    }
    SUBCASE("text") {
        CHECK(run({{"cat", {{{"+", {0.1, 0.2}}}, "|", 1e21, "|", 1.5, "|", nullptr, "|", true}}}) ==
              "0.30000000000000004|1e+21|1.5||true");
        CHECK(run({{"cat", {json::array({1, nullptr, "a"})}}}) == "1,,a");
        CHECK(run({{"+", {"3.5 apples", 1}}}) == 4.5); // + reads the number a string starts with
        CHECK(run({{"substr", {"Müller", 1, 3}}}) == "üll"); // counted in characters
        CHECK(run({{"in", {"", ""}}}) == false);
    }
}

TEST_CASE("var reads dot paths, indexes and defaults") {
    const json data = {{"contact", {{"email", "ana@example.com"}, {"phones", {"111", "222"}}}},
                       {"empty", nullptr}};
    CHECK(run({{"var", "contact.email"}}, data) == "ana@example.com");
    CHECK(run({{"var", "contact.phones.1"}}, data) == "222");
    CHECK(run({{"var", "contact.phones.01"}}, data).is_null()); // not how an index is written
    CHECK(run({{"var", {"contact.fax", "none"}}}, data) == "none");
    CHECK(run({{"var", {"empty", "none"}}}, data).is_null()); // present but null: no default
    CHECK(same(run({{"var", ""}}, data), data));
}

TEST_CASE("CRM extensions") {
    const auto now = at("2026-03-01T09:00:00Z");
    const json data = {{"entered", "2026-01-31T10:00:00Z"},
                       {"closed", "2026-02-27"},
                       {"due", "2026-03-05"},
                       {"overdue", "2026-02-28"},
                       {"blank", ""},
                       {"none", json::array()},
                       {"zero", 0},
                       {"no", false},
                       {"nothing", nullptr},
                       {"name", "Ana"},
                       {"junk", "soon"}};
    SUBCASE("days_since counts whole days across a month end") {
        CHECK(run({{"days_since", "2026-02-27"}}, data, now) == 2);
        CHECK(run({{"days_since", {{"var", "closed"}}}}, data, now) == 2);
        CHECK(run({{"days_since", {{"var", "entered"}}}}, data, now) == 28); // 28 days 23 hours
        CHECK(run({{"days_since", "2026-03-01T08:00:00Z"}}, data, now) == 0);
        CHECK(run({{"days_since", {{"var", "unset"}}}}, data, now).is_null());
        CHECK(run({{"days_since", {{"var", "nothing"}}}}, data, now).is_null());
        CHECK(run({{"days_since", {{"var", "junk"}}}}, data, now).is_null());
    }
    SUBCASE("days_until and hours_since round down") {
        CHECK(run({{"days_until", {{"var", "due"}}}}, data, now) == 3);      // 3 days 15 hours
        CHECK(run({{"days_until", {{"var", "overdue"}}}}, data, now) == -2); // -1 day 9 hours
        CHECK(run({{"days_until", {{"var", "unset"}}}}, data, now).is_null());
        CHECK(run({{"hours_since", "2026-03-01T06:30:00Z"}}, data, now) == 2);
        CHECK(run({{"hours_since", "2026-02-28"}}, data, now) == 33);
    }
    SUBCASE("now") {
        CHECK(run({{"now", json::array()}}, data, now) == "2026-03-01T09:00:00Z");
        CHECK(run({{"now", json::array()}}) == "1970-01-01T00:00:00Z");
    }
    SUBCASE("is_set: 0 and false are set; null, \"\" and [] are not") {
        CHECK(run({{"is_set", {{"var", "zero"}}}}, data) == true);
        CHECK(run({{"is_set", {{"var", "no"}}}}, data) == true);
        CHECK(run({{"is_set", {{"var", "name"}}}}, data) == true);
        CHECK(run({{"is_set", {{"var", "blank"}}}}, data) == false);
        CHECK(run({{"is_set", {{"var", "none"}}}}, data) == false);
        CHECK(run({{"is_set", {{"var", "nothing"}}}}, data) == false);
        CHECK(run({{"is_set", {{"var", "unset"}}}}, data) == false);
        CHECK(run({{"is_set", "zero"}}, data) == true); // a bare name means that variable
        CHECK(run({{"is_set", "blank"}}, data) == false);
        CHECK(run({{"is_set", json::array({"name"})}}, data) == true);
    }
    SUBCASE("together in a stage condition") {
        const json rule = {
            {"and", {{{"is_set", "name"}}, {{">", {{{"days_since", {{"var", "entered"}}}}, 14}}}}}};
        CHECK(run(rule, data, now) == true);
        CHECK(run(rule, data, at("2026-02-10T00:00:00Z")) == false);
    }
}

TEST_CASE("evaluation fails with a message only for rules that cannot run") {
    const auto unknown = logic::evaluate({{"foo", 1}}, json::object());
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error() == "unknown operator \"foo\"");
    const auto typo = logic::evaluate({{"and", {{{"Var", "x"}}}}}, json::object());
    REQUIRE_FALSE(typo);
    CHECK(typo.error() == "unknown operator \"Var\"; did you mean \"var\"?");
    json deep = true;
    for (int i = 0; i < 300; ++i)
        deep = {{"!!", deep}};
    const auto nested = logic::evaluate(deep, json::object());
    REQUIRE_FALSE(nested);
    CHECK(nested.error() ==
          "the rule is nested more than 256 levels deep; split it into simpler rules");
    // A multi-key object is data, not a rule, and passes through.
    CHECK(same(run({{"a", 1}, {"b", 2}}), {{"a", 1}, {"b", 2}}));
}

TEST_CASE("a rule that multiplies its data stops with a message, not a crash") {
    SUBCASE("a reduce that nests its accumulator deeper each step") {
        json wrapped = {{"var", "accumulator"}};
        for (int i = 0; i < 10; ++i)
            wrapped = json::array({wrapped});
        const json rule = {{"reduce", {json(std::vector<int>(3000, 0)), wrapped, 0}}};
        const auto result = logic::evaluate(rule, json::object());
        REQUIRE_FALSE(result);
        CHECK(result.error() ==
              "the rule builds a value nested more than 64 levels deep; simplify it");
    }
    SUBCASE("a reduce that doubles its accumulator each step") {
        const json twice = {{"merge", {{{"var", "accumulator"}}, {{"var", "accumulator"}}}}};
        const json rule = {{"reduce", {json(std::vector<int>(40, 0)), twice, json::array({1})}}};
        const auto result = logic::evaluate(rule, json::object());
        REQUIRE_FALSE(result);
        CHECK(result.error() == "the rule does too much work (over 1000000 steps); simplify it");
    }
    SUBCASE("ordinary list work stays well inside the limit") {
        const json rule = {
            {"reduce",
             {{{"var", "items"}}, {{"+", {{{"var", "current"}}, {{"var", "accumulator"}}}}}, 0}}};
        CHECK(run(rule, {{"items", std::vector<int>(10000, 1)}}) == 10000);
    }
}

TEST_CASE("check names each problem and where it is") {
    using Problems = std::vector<std::string>;
    CHECK(logic::check({{"and", {{{"var", "a"}}, {{">", {1}}}}}}) ==
          Problems{"and[1].>: expects 2 or 3 arguments, got 1"});
    CHECK(logic::check({{"foo", {1}}}) == Problems{"foo: unknown operator \"foo\""});
    CHECK(logic::check({{"or", {{{"is set", "budget"}}}}}) ==
          Problems{"or[0].is set: unknown operator \"is set\"; did you mean \"is_set\"?"});
    CHECK(logic::check({{"if", {{{"=", {1, 1}}}, "a"}}}) ==
          Problems{"if[0].=: unknown operator \"=\"; did you mean \"==\"?"});
    CHECK(logic::check({{"var", true}}) ==
          Problems{"var: the variable name must be a string or a number, got true"});
    CHECK(logic::check({{"!", {{{"var", json::array({json::array({"a"})})}}}}}) ==
          Problems{"![0].var: the variable name must be a string or a number, got [\"a\"]"});
    CHECK(logic::check({{"==", {{{"var", "a"}, {"b", 1}}, 2}}}) ==
          Problems{"==[0]: an object with 2 keys (\"b\", \"var\") is not a rule; a rule has "
                   "exactly one operator"});
    CHECK(logic::check({{"a", 1}, {"b", 2}}) ==
          Problems{"an object with 2 keys (\"a\", \"b\") is not a rule; a rule has exactly "
                   "one operator"});
    CHECK(logic::check({{"!", {1, 2}}}) == Problems{"!: expects 1 argument, got 2"});
    CHECK(logic::check({{"now", {1}}}) == Problems{"now: expects no arguments, got 1"});
    CHECK(logic::check({{"var", {"a", 1, 2}}}) ==
          Problems{"var: expects at most 2 arguments, got 3"});
    CHECK(logic::check({{"-", json::array()}}) == Problems{"-: expects 1 or 2 arguments, got 0"});
    CHECK(logic::check({{"and", json::array()}}) ==
          Problems{"and: expects at least 1 argument, got 0"});
    CHECK(logic::check({{"?:", {true, 1}}}) == Problems{"?:: expects 3 arguments, got 2"});
    SUBCASE("every problem is reported, in order") {
        CHECK(logic::check({{"or", {{{"nope", 1}}, {{"in", {{{"var", 1.5}}}}}}}}) ==
              Problems{"or[0].nope: unknown operator \"nope\"; did you mean \"none\"?",
                       "or[1].in: expects 2 arguments, got 1"});
    }
    SUBCASE("well-formed rules have no problems") {
        CHECK(logic::check({{"and",
                             {{{"is_set", "budget"}},
                              {{"<=", {10, {{"var", "score"}}, 20}}},
                              {{">", {{{"days_since", {{"var", "stage_entered_at"}}}}, 14}}},
                              {{"==", {{{"now", json::array()}}, "x"}}}}}})
                  .empty());
        CHECK(logic::check(json::array({1, "a", nullptr})).empty());
    }
}

TEST_CASE("variables lists what a rule reads, once each") {
    using Names = std::vector<std::string>;
    const json rule = {{"and",
                        {{{"var", "budget"}},
                         {{"missing", {"contact.email", "budget"}}},
                         {{"is_set", "timeline"}},
                         {{"missing_some", {1, {"phone", "email"}}}},
                         {{"some", {{{"var", "lines"}}, {{">", {{{"var", "qty"}}, 1}}}}}},
                         {{"var", {"owner", {{"var", "fallback_owner"}}}}},
                         {{"var", ""}}}}};
    CHECK(logic::variables(rule) == Names{"budget", "contact.email", "timeline", "phone", "email",
                                          "lines", "owner", "fallback_owner"});
    CHECK(logic::variables(json::parse(R"({"missing": [["a", "b"]]})")) == Names{"a", "b"});
    CHECK(logic::variables(true).empty());
}

TEST_CASE("a rule that works out the names it reads, or reads everything, is told apart") {
    const auto named = [](const char* rule) {
        return logic::all_variables(json::parse(rule)).has_value();
    };
    CHECK(logic::all_variables(json::parse(R"({"missing_some": [1, ["phone", "email"]]})")) ==
          std::vector<std::string>{"phone", "email"});
    CHECK(named(R"({"and": [{"is_set": {"var": "budget"}}, {"missing": ["a", "b"]}]})"));
    CHECK(named(R"({"missing_some": [1, ["phone", "email"]]})"));
    CHECK(named(R"({"some": [{"var": "lines"}, {">": [{"var": ""}, 1]}]})")); // "" is each line
    CHECK(named("true"));
    CHECK_FALSE(named(R"({"!": {"missing": {"merge": ["renewal_date"]}}})"));
    CHECK_FALSE(named(R"({"var": {"cat": ["renewal", "_date"]}})"));
    CHECK_FALSE(named(R"({"missing_some": [1, {"merge": ["phone", "email"]}]})"));
    CHECK_FALSE(named(R"({"==": [{"var": ""}, null]})"));
    CHECK_FALSE(named(R"({"var": []})"));
}

TEST_CASE("describe puts rules in plain words") {
    const json budget = {{"var", "budget"}};
    const json timeline = {{"var", "timeline"}};
    const json score = {{"var", "score"}};
    SUBCASE("and, or and grouping") {
        CHECK(words({{"and", {{{"is_set", budget}}, {{"is_set", timeline}}}}}) ==
              "Budget is set and Timeline is set");
        CHECK(words({{"or", {{{"is_set", "budget"}}, {{"is_set", "timeline"}}, {{"var", "x"}}}}}) ==
              "Budget is set, Timeline is set or x");
        CHECK(words({{"or", {{{"and", {budget, timeline}}}, {{"var", "decision_maker_known"}}}}}) ==
              "(Budget and Timeline) or Decision maker known");
    }
    SUBCASE("not") {
        CHECK(words({{"!", {{"is_set", budget}}}}) == "Budget is not set");
        CHECK(words({{"!", {{"var", "decision_maker_known"}}}}) == "not Decision maker known");
        CHECK(words({{"!", {{"and", {budget, timeline}}}}}) == "not (Budget and Timeline)");
        CHECK(words({{"!", {{"==", {{{"var", "stage"}}, "Qualified"}}}}}) ==
              "Stage is not Qualified");
    }
    SUBCASE("equality against a value") {
        CHECK(words({{"==", {{{"var", "stage"}}, "Qualified"}}}) == "Stage is Qualified");
        CHECK(words({{"!=", {{{"var", "stage"}}, "Closed lost"}}}) == "Stage is not Closed lost");
        CHECK(words({{"===", {"Qualified", {{"var", "stage"}}}}}) == "Stage is Qualified");
        CHECK(words({{"==", {{{"var", "vip"}}, true}}}) == "vip is yes");
        CHECK(words({{"!=", {{{"var", "notes"}}, ""}}}) == "Notes is not empty");
    }
    SUBCASE("ordering") {
        const json amount = {{"var", "amount"}};
        CHECK(words({{">", {amount, 1000}}}) == "Amount is more than 1000");
        CHECK(words({{">=", {amount, 1000}}}) == "Amount is at least 1000");
        CHECK(words({{"<", {amount, 1000}}}) == "Amount is less than 1000");
        CHECK(words({{"<=", {amount, 1000}}}) == "Amount is at most 1000");
        CHECK(words({{"<", {1000, amount}}}) == "Amount is more than 1000");
        CHECK(words({{"<", {{{"var", "close_date"}}, "2026-04-01"}}}) ==
              "Close date is before 2026-04-01");
        CHECK(words({{"!", {{">", {amount, 1000}}}}}) == "Amount is not more than 1000");
    }
    SUBCASE("between") {
        CHECK(words({{"<=", {10, score, 20}}}) == "Score is between 10 and 20");
        CHECK(words({{"<", {10, score, 20}}}) == "Score is strictly between 10 and 20");
        CHECK(words({{">=", {20, score, 10}}}) == "Score is between 10 and 20");
    }
    SUBCASE("missing reads as true when something is missing") {
        CHECK(words({{"missing", {"budget", "timeline"}}}) == "Budget or Timeline is missing");
        CHECK(words({{"missing", "budget"}}) == "Budget is missing");
        CHECK(words({{"!", {{"missing", {"budget", "timeline"}}}}}) ==
              "Budget and Timeline are filled in");
        CHECK(words({{"missing_some", {2, {"budget", "timeline", "score"}}}}) ==
              "fewer than 2 of Budget, Timeline and Score are filled in");
    }
    SUBCASE("CRM operators") {
        CHECK(words({{"is_set", "budget"}}) == "Budget is set");
        CHECK(words({{"days_since", {{"var", "stage_entered_at"}}}}) == "days since Stage entered");
        CHECK(words({{">", {{{"days_since", {{"var", "stage_entered_at"}}}}, 14}}}) ==
              "days since Stage entered is more than 14");
    }
    SUBCASE("in") {
        CHECK(words({{"in", {{{"var", "source"}}, {"Website", "Referral"}}}}) ==
              "Source is one of Website, Referral");
        CHECK(words({{"in", {"x", {{"var", "notes"}}}}}) == "Notes contains \"x\"");
        CHECK(words({{"!", {{"in", {"x", {{"var", "notes"}}}}}}}) ==
              "Notes does not contain \"x\"");
    }
    SUBCASE("if and bare values") {
        CHECK(words({{"if", {{{"var", "decision_maker_known"}}, "call", "research"}}}) ==
              "if Decision maker known then \"call\" otherwise \"research\"");
        CHECK(words({{"if", {budget, 1, timeline, 2, 3}}}) ==
              "if Budget then 1 otherwise if Timeline then 2 otherwise 3");
        CHECK(words({{"var", "decision_maker_known"}}) == "Decision maker known");
        CHECK(words(true) == "true");
        CHECK(words("text") == "\"text\"");
    }
    SUBCASE("other shapes fall back to a compact form") {
        CHECK(words({{">", {{{"+", {{{"var", "amount"}}, {{"var", "tax"}}}}}, 1000}}}) ==
              "Amount + tax is more than 1000");
        CHECK(words({{"cat", {"Mr ", {{"var", "name"}}}}}) == "cat(\"Mr \", name)");
        CHECK(words({{"frobnicate", {1, "a"}}}) == "frobnicate(1, \"a\")");
        CHECK(words({{"a", 1}, {"b", 2}}) == "{\"a\":1,\"b\":2}");
        CHECK(words({{">", {1}}}) == ">(1)");
        CHECK(logic::describe({{"is_set", "budget"}}, nullptr) == "budget is set");
        json deep = true;
        for (int i = 0; i < 1000; ++i)
            deep = {{"!", deep}};
        CHECK_FALSE(words(deep).empty());
    }
}

} // namespace jsonlogic_test
