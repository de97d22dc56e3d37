// JsonLogic (https://jsonlogic.com): the rule language process admins use for
// stage conditions, gates and automations. Rules are plain JSON, so they live
// in the workspace file next to the data they judge.
//
// evaluate() follows the reference implementation (json-logic-js) and passes
// the official conformance suite, including JavaScript's loose equality and
// number coercion. Where it differs, on purpose:
//   - arrays and objects compare by value in ==, ===, !=, !== and "in" (JavaScript
//     compares them by identity, which means nothing for JSON data);
//   - {"*": [x]} returns x as a number ("*" with one argument returns x
//     unchanged in JavaScript);
//   - "substr" counts characters (code points), not UTF-16 units;
//   - "log" returns its argument without printing: the core has no console.
// Whole-number results come back as JSON integers (6, not 6.0).
//
// CRM extensions on top of the standard operators:
//   {"is_set": X}       true unless X is null, "" or an empty array (0 and false
//                       are set). {"is_set": "budget"} is short for
//                       {"is_set": {"var": "budget"}}.
//   {"days_since": X}   whole days from X (a "YYYY-MM-DD" date or an ISO 8601
//                       instant) to Context::now, rounded down; null when X is
//                       unset or not a date.
//   {"days_until": X}   whole days from Context::now until X, rounded down;
//                       null when X is unset or not a date.
//   {"hours_since": X}  whole hours from X to Context::now, rounded down.
//   {"now": []}         Context::now as "YYYY-MM-DDTHH:MM:SSZ".
// ">" and ">=" also take the three-argument form, like "<" and "<=":
// {">": [20, {"var": "score"}, 10]} is true when 20 > score > 10.
// Dates written as "YYYY-MM-DD" compare correctly as strings with < and >.
#pragma once

#include "util/result.hpp"
#include "util/time.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace crm::logic {

// What a rule may know about the world besides its data. Rules never read the
// wall clock: "now" for the date operators comes from here.
struct Context {
    Instant now;
};

// Applies a rule to data. Fails only for rules that cannot be run (unknown
// operators, impossible arguments, nesting too deep); check() finds those
// before a rule goes live.
Result<nlohmann::json> evaluate(const nlohmann::json& rule, const nlohmann::json& data,
                                const Context& context = {});

// JsonLogic truthiness: null, false, 0, NaN, "" and [] are false; everything
// else (including "0" and {}) is true.
bool truthy(const nlohmann::json& value);

// Static check before a rule goes live: unknown operators, wrong argument
// counts, non-string var names, objects with more than one key. Each problem
// names where in the rule it is, e.g. "and[1].>: expects 2 or 3 arguments, got 1".
// An empty list means the rule is well formed.
std::vector<std::string> check(const nlohmann::json& rule);

// Every variable a rule reads from its data ("budget", "contact.email"), once
// each, in the order they first appear. Names read inside map/filter/reduce/
// all/none/some refer to the array items, not to the data, and are left out.
std::vector<std::string> variables(const nlohmann::json& rule);
// variables(), when they are everything the rule reads of its data; none
// when it works a name out ({"missing": {"merge": [...]}}, {"var": {"cat":
// ...}}) or reads the whole data ({"var": ""}).
std::optional<std::vector<std::string>> all_variables(const nlohmann::json& rule);

// True when the rule's result can change with time alone: it uses now,
// days_since, days_until or hours_since.
bool depends_on_time(const nlohmann::json& rule);

// Plain words for people: {"and": [{"is_set": {"var": "budget"}}, {"is_set":
// {"var": "timeline"}}]} -> "Budget is set and Timeline is set". label_of maps a
// variable name to its label; names it does not know should come back as given
// (an empty label_of shows every name as given). Never fails: shapes it has no
// words for are shown compactly.
std::string describe(const nlohmann::json& rule,
                     const std::function<std::string(const std::string&)>& label_of);

} // namespace crm::logic
