#include "logic/jsonlogic.hpp"

#include "io/json_text.hpp"

#include "util/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

namespace crm::logic {

using nlohmann::json;

namespace {

// Rules come from admins and files; a bound on nesting keeps a hostile or
// broken rule from exhausting the (small, in wasm) stack.
constexpr int max_depth = 256;

// ---- Operators --------------------------------------------------------------

struct OpSpec {
    std::string_view name;
    int min_args;
    int max_args; // -1: no upper limit
};

// Every operator and how many arguments it takes; ordered so that suggestions
// for near misses prefer the likelier operator.
std::span<const OpSpec> operators() {
    static constexpr OpSpec specs[] = {
        {"var", 0, 2},        {"missing", 0, -1},   {"missing_some", 2, 2},
        {"if", 0, -1},        {"?:", 3, 3},         {"==", 2, 2},
        {"===", 2, 2},        {"!=", 2, 2},         {"!==", 2, 2},
        {"!", 1, 1},          {"!!", 1, 1},         {"or", 1, -1},
        {"and", 1, -1},       {">", 2, 3},          {">=", 2, 3},
        {"<", 2, 3},          {"<=", 2, 3},         {"max", 1, -1},
        {"min", 1, -1},       {"+", 1, -1},         {"-", 1, 2},
        {"*", 1, -1},         {"/", 2, 2},          {"%", 2, 2},
        {"map", 2, 2},        {"filter", 2, 2},     {"reduce", 2, 3},
        {"all", 2, 2},        {"none", 2, 2},       {"some", 2, 2},
        {"merge", 0, -1},     {"in", 2, 2},         {"cat", 0, -1},
        {"substr", 2, 3},     {"log", 1, 1},        {"is_set", 1, 1},
        {"days_since", 1, 1}, {"days_until", 1, 1}, {"hours_since", 1, 1},
        {"now", 0, 0},
    };
    return specs;
}

std::optional<OpSpec> find_op(std::string_view name) {
    for (const auto& spec : operators())
        if (spec.name == name) return spec;
    return std::nullopt;
}

std::string squash(std::string_view name) {
    std::string out;
    for (const char c : name)
        if (c != '_' && c != '-' && c != ' ')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool within_one_edit(std::string_view a, std::string_view b) {
    if (a.size() > b.size()) std::swap(a, b);
    if (b.size() - a.size() > 1) return false;
    std::size_t i = 0;
    while (i < a.size() && a[i] == b[i])
        ++i;
    if (i == a.size()) return true;
    if (a.size() == b.size()) return a.substr(i + 1) == b.substr(i + 1);
    return a.substr(i) == b.substr(i + 1);
}

// "did you mean" for the usual slips: case, separators, one typo, "=" for "==".
std::string suggestion(std::string_view name) {
    if (name == "=") return "==";
    for (const auto& spec : operators())
        if (squash(spec.name) == squash(name)) return std::string(spec.name);
    if (name.size() >= 3)
        for (const auto& spec : operators())
            if (spec.name.size() >= 3 && within_one_edit(spec.name, name))
                return std::string(spec.name);
    return {};
}

std::string unknown_operator(const std::string& name) {
    const std::string hint = suggestion(name);
    return "unknown operator \"" + name + "\"" +
           (hint.empty() ? std::string() : "; did you mean \"" + hint + "\"?");
}

bool is_rule(const json& value) {
    return value.is_object() && value.size() == 1;
}

// The arguments of an operator: a single argument may skip its array.
class Args {
  public:
    explicit Args(const json& value) : m_value(&value) {}
    std::size_t size() const { return m_value->is_array() ? m_value->size() : 1; }
    const json& operator[](std::size_t i) const {
        return m_value->is_array() ? (*m_value)[i] : *m_value;
    }

  private:
    const json* m_value;
};

// ---- JavaScript values --------------------------------------------------------
// JsonLogic is defined by its JavaScript implementation, so coercions follow
// ECMAScript: ToNumber, parseFloat, String() and the == algorithm.

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Length of the longest decimal literal (sign, digits, fraction, exponent or
// "Infinity") starting at pos; 0 when there is none.
std::size_t scan_decimal(std::string_view text, std::size_t pos) {
    std::size_t i = pos;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (text.substr(i, 8) == "Infinity") return i + 8 - pos;
    std::size_t digits = 0;
    while (i < text.size() && is_digit(text[i]))
        ++i, ++digits;
    if (i < text.size() && text[i] == '.') {
        std::size_t j = i + 1;
        while (j < text.size() && is_digit(text[j]))
            ++j, ++digits;
        if (digits > 0) i = j;
    }
    if (digits == 0) return 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
        const std::size_t exponent_start = j;
        while (j < text.size() && is_digit(text[j]))
            ++j;
        if (j > exponent_start) i = j;
    }
    return i - pos;
}

double decimal_value(std::string_view literal) {
    std::string_view body = literal;
    const bool negative = !body.empty() && body[0] == '-';
    if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
    if (body == "Infinity") return negative ? -infinity : infinity;
    return std::strtod(std::string(literal).c_str(), nullptr);
}

// JavaScript's Number(string).
double string_to_number(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    if (text.empty()) return 0;
    if (text.size() > 2 && text[0] == '0') {
        int radix = 0;
        const char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(text[1])));
        if (kind == 'x') radix = 16;
        if (kind == 'o') radix = 8;
        if (kind == 'b') radix = 2;
        if (radix != 0) {
            double value = 0;
            for (const char c : text.substr(2)) {
                const int lower = std::tolower(static_cast<unsigned char>(c));
                const int digit = is_digit(c)                      ? c - '0'
                                  : (lower >= 'a' && lower <= 'f') ? lower - 'a' + 10
                                                                   : 99;
                if (digit >= radix) return nan_value;
                value = value * radix + digit;
            }
            return value;
        }
    }
    return scan_decimal(text, 0) == text.size() ? decimal_value(text) : nan_value;
}

// Number::toString: the shortest digits that read back as the same double.
std::string number_text(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
    if (value == 0) return "0";
    const std::string sign = value < 0 ? "-" : "";
    value = std::fabs(value);
    char buffer[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, value);
        if (std::strtod(buffer, nullptr) == value) break;
    }
    const std::string scientific = buffer;
    const auto e = scientific.find('e');
    std::string digits;
    for (std::size_t i = 0; i < e; ++i)
        if (scientific[i] != '.') digits += scientific[i];
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    const int n = std::atoi(scientific.c_str() + e + 1) + 1; // decimal point position
    const int k = static_cast<int>(digits.size());
    if (k <= n && n <= 21) return sign + digits + std::string(static_cast<std::size_t>(n - k), '0');
    if (0 < n && n <= 21)
        return sign + digits.substr(0, static_cast<std::size_t>(n)) + "." +
               digits.substr(static_cast<std::size_t>(n));
    if (-6 < n && n <= 0)
        return sign + "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    const int exponent = n - 1;
    const std::string exponent_text =
        (exponent >= 0 ? "+" : "-") + std::to_string(exponent >= 0 ? exponent : -exponent);
    if (k == 1) return sign + digits + "e" + exponent_text;
    return sign + digits.substr(0, 1) + "." + digits.substr(1) + "e" + exponent_text;
}

// JavaScript's String(value); arrays join their items with "," and show null as "".
std::string to_text(const json& value) {
    switch (value.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::boolean:
        return value.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
        return std::to_string(value.get<std::int64_t>());
    case json::value_t::number_unsigned:
        return std::to_string(value.get<std::uint64_t>());
    case json::value_t::number_float:
        return number_text(value.get<double>());
    case json::value_t::string:
        return value.get<std::string>();
    case json::value_t::array: {
        std::string out;
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i > 0) out += ',';
            if (!value[i].is_null()) out += to_text(value[i]);
        }
        return out;
    }
    case json::value_t::object:
        return "[object Object]";
    default:
        return "";
    }
}

// JavaScript's Number(value).
double to_number(const json& value) {
    if (value.is_number()) return value.get<double>();
    if (value.is_null()) return 0;
    if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
    if (value.is_string()) return string_to_number(value.get_ref<const std::string&>());
    if (value.is_array()) return string_to_number(to_text(value));
    return nan_value;
}

// JavaScript's parseFloat(value): the longest numeric prefix, NaN when none.
double parse_float(const json& value) {
    if (value.is_number()) return value.get<double>();
    const std::string text = to_text(value);
    std::size_t start = 0;
    while (start < text.size() && is_space(text[start]))
        ++start;
    const std::size_t length = scan_decimal(text, start);
    if (length == 0) return nan_value;
    return decimal_value(std::string_view(text).substr(start, length));
}

// Whole results become JSON integers so 6 reads as 6, not 6.0.
json number(double value) {
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9007199254740992.0)
        return static_cast<std::int64_t>(value);
    return value;
}

bool strict_equal(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!strict_equal(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            const auto other = b.find(it.key());
            if (other == b.end() || !strict_equal(it.value(), *other)) return false;
        }
        return true;
    }
    return a == b;
}

// JavaScript's == (IsLooselyEqual), with arrays and objects compared by value.
bool loose_equal(const json& a, const json& b) {
    if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
    const bool a_compound = a.is_array() || a.is_object();
    const bool b_compound = b.is_array() || b.is_object();
    if ((a.is_number() && b.is_number()) || a.type() == b.type() || (a_compound && b_compound))
        return strict_equal(a, b);
    if (a.is_boolean()) return loose_equal(json(a.get<bool>() ? 1 : 0), b);
    if (b.is_boolean()) return loose_equal(a, json(b.get<bool>() ? 1 : 0));
    if (a_compound) return loose_equal(json(to_text(a)), b);
    if (b_compound) return loose_equal(a, json(to_text(b)));
    // One number, one string.
    return to_number(a) == to_number(b);
}

// JavaScript's relational comparison: two strings (arrays and objects count,
// by their String() form) compare as text, anything else as numbers. nullopt
// when NaN makes every comparison false.
std::optional<int> compare(const json& a, const json& b) {
    const bool a_text = a.is_string() || a.is_array() || a.is_object();
    const bool b_text = b.is_string() || b.is_array() || b.is_object();
    if (a_text && b_text) {
        const int order = to_text(a).compare(to_text(b));
        return order < 0 ? -1 : order > 0 ? 1 : 0;
    }
    const double x = to_number(a);
    const double y = to_number(b);
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return x < y ? -1 : x > y ? 1 : 0;
}

// ---- Data access -----------------------------------------------------------------

// An array index as JavaScript spells it: digits, no leading zero.
std::optional<std::size_t> array_index(const std::string& key, std::size_t size) {
    if (key.empty() || key.size() > 15 || (key.size() > 1 && key[0] == '0')) return std::nullopt;
    std::uint64_t index = 0;
    for (const char c : key) {
        if (!is_digit(c)) return std::nullopt;
        index = index * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (index >= size) return std::nullopt;
    return static_cast<std::size_t>(index);
}

// "var": a dot path into data. Only an absent key yields the fallback; a null
// found at the end of the path is returned as null, as in json-logic-js.
json lookup(const json& data, const json& name, const json& fallback) {
    if (name.is_null() || (name.is_string() && name.get_ref<const std::string&>().empty()))
        return data;
    const std::string path = to_text(name);
    const json* current = &data;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = path.find('.', start);
        const std::string key =
            path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (current->is_object()) {
            const auto it = current->find(key);
            if (it == current->end()) return fallback;
            current = &*it;
        } else if (current->is_array()) {
            const auto index = array_index(key, current->size());
            if (!index) return fallback;
            current = &(*current)[*index];
        } else {
            return fallback;
        }
        if (dot == std::string::npos) return *current;
        start = dot + 1;
    }
}

bool is_blank(const json& value) {
    return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
           (value.is_array() && value.empty());
}

// ---- Strings by code point -------------------------------------------------------

// Byte offsets where each UTF-8 code point starts, plus the end.
std::vector<std::size_t> code_point_offsets(const std::string& text) {
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(i);
    offsets.push_back(text.size());
    return offsets;
}

// ToIntegerOrInfinity, clamped into [low, high] so it fits a size_t.
double clamp_integer(double value, double low, double high) {
    if (std::isnan(value)) return 0 < low ? low : (0 > high ? high : 0);
    return std::min(std::max(std::trunc(value), low), high);
}

// String.prototype.substr, counting code points rather than UTF-16 units.
std::string js_substr(const std::string& text, double start, std::optional<double> length) {
    const auto offsets = code_point_offsets(text);
    const double size = static_cast<double>(offsets.size() - 1);
    double from = clamp_integer(start, -size - 1, size);
    if (from < 0) from = std::max(size + from, 0.0);
    const double count = length ? clamp_integer(*length, 0, size - from) : size - from;
    const auto begin = static_cast<std::size_t>(from);
    const auto end = static_cast<std::size_t>(from + count);
    return text.substr(offsets[begin], offsets[end] - offsets[begin]);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t quotient = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) --quotient;
    return quotient;
}

std::optional<Instant> instant_of(const json& value) {
    if (!value.is_string()) return std::nullopt;
    return parse_instant(value.get_ref<const std::string&>());
}

// ---- Evaluation -------------------------------------------------------------------

// Work one evaluation may do: each value it computes counts, with the elements
// of the lists and objects it builds. A rule that multiplies its data (a
// reduce that nests its accumulator, merges of merges) stops with a message
// instead of exhausting memory or the stack.
constexpr std::size_t kMaxWork = 1'000'000;

// Whether a value nests deeper than `limit`, looked at without recursion.
bool nested_deeper_than(const json& value, std::size_t limit) {
    std::vector<std::pair<const json*, std::size_t>> todo{{&value, 0}};
    while (!todo.empty()) {
        const auto [node, depth] = todo.back();
        todo.pop_back();
        if (!node->is_structured()) continue;
        if (depth >= limit) return true;
        for (const auto& child : *node)
            todo.push_back({&child, depth + 1});
    }
    return false;
}

class Evaluator {
  public:
    explicit Evaluator(const Context& context) : m_context(context) {}

    Result<json> run(const json& rule, const json& data, int depth) const {
        auto value = run_node(rule, data, depth);
        if (!value) return value;
        m_work += 1 + (value->is_structured() ? value->size() : 0);
        if (m_work > kMaxWork)
            return Error{"the rule does too much work (over " + std::to_string(kMaxWork) +
                         " steps); simplify it"};
        return value;
    }

  private:
    Result<json> run_node(const json& rule, const json& data, int depth) const {
        if (depth > max_depth)
            return Error{"the rule is nested more than " + std::to_string(max_depth) +
                         " levels deep; split it into simpler rules"};
        if (rule.is_array()) {
            json out = json::array();
            for (const auto& item : rule) {
                auto value = run(item, data, depth + 1);
                if (!value) return value;
                out.push_back(std::move(*value));
            }
            return out;
        }
        if (!is_rule(rule)) return rule;
        const auto it = rule.begin();
        const std::string& op = it.key();
        if (!find_op(op)) return Error{unknown_operator(op)};
        return apply(op, Args(it.value()), data, depth + 1);
    }

    Result<json> arg(const Args& args, std::size_t i, const json& data, int depth) const {
        if (i >= args.size()) return json();
        return run(args[i], data, depth);
    }

    Result<json> apply(std::string_view op, const Args& args, const json& data, int depth) const {
        const std::size_t n = args.size();

        // Operators that decide which arguments to evaluate, or evaluate them
        // against other data, come first.
        if (op == "if" || op == "?:") {
            std::size_t i = 0;
            for (; i + 1 < n; i += 2) {
                auto condition = run(args[i], data, depth);
                if (!condition) return condition;
                if (truthy(*condition)) return run(args[i + 1], data, depth);
            }
            if (i + 1 == n) return run(args[i], data, depth);
            return json();
        }
        if (op == "and" || op == "or") {
            const bool stop_when = op == "or";
            json current;
            for (std::size_t i = 0; i < n; ++i) {
                auto value = run(args[i], data, depth);
                if (!value) return value;
                current = std::move(*value);
                if (truthy(current) == stop_when) break;
            }
            return current;
        }
        if (op == "map" || op == "filter" || op == "all" || op == "none" || op == "some" ||
            op == "reduce")
            return apply_scoped(op, args, data, depth);
        if (op == "is_set") {
            if (n == 0) return json(false);
            // {"is_set": "budget"} names the variable directly.
            if (args[0].is_string()) return json(!is_blank(lookup(data, args[0], json())));
            auto value = run(args[0], data, depth);
            if (!value) return value;
            return json(!is_blank(*value));
        }

        std::vector<json> values;
        values.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            auto value = run(args[i], data, depth);
            if (!value) return value;
            values.push_back(std::move(*value));
        }
        const json none;
        const auto at = [&values, &none](std::size_t i) -> const json& {
            return i < values.size() ? values[i] : none;
        };

        if (op == "var") return lookup(data, at(0), at(1));
        if (op == "missing") return missing(values, data);
        if (op == "missing_some") {
            std::vector<json> options;
            if (at(1).is_array())
                options.assign(at(1).begin(), at(1).end());
            else
                options.push_back(at(1));
            json absent = missing(options, data);
            const double found = static_cast<double>(options.size() - absent.size());
            if (found >= to_number(at(0))) return json::array();
            return absent;
        }
        if (op == "==") return json(loose_equal(at(0), at(1)));
        if (op == "===") return json(strict_equal(at(0), at(1)));
        if (op == "!=") return json(!loose_equal(at(0), at(1)));
        if (op == "!==") return json(!strict_equal(at(0), at(1)));
        if (op == "!") return json(!truthy(at(0)));
        if (op == "!!") return json(truthy(at(0)));
        if (op == "<" || op == "<=" || op == ">" || op == ">=") {
            if (n < 2) return json(false); // compares with undefined: always false
            const auto holds = [&op](const json& a, const json& b) {
                const auto order = compare(a, b);
                if (!order) return false;
                if (op == "<") return *order < 0;
                if (op == "<=") return *order <= 0;
                if (op == ">") return *order > 0;
                return *order >= 0;
            };
            return json(holds(values[0], values[1]) && (n < 3 || holds(values[1], values[2])));
        }
        if (op == "max" || op == "min") {
            const bool is_max = op == "max";
            double result = is_max ? -infinity : infinity;
            for (const auto& value : values) {
                const double x = to_number(value);
                if (std::isnan(x)) return number(nan_value);
                result = is_max ? std::max(result, x) : std::min(result, x);
            }
            return number(result);
        }
        if (op == "+") {
            double sum = 0;
            for (const auto& value : values)
                sum += parse_float(value);
            return number(sum);
        }
        if (op == "*") {
            if (values.empty()) return Error{"*: expects at least 1 argument, got 0"};
            double product = parse_float(values[0]);
            for (std::size_t i = 1; i < values.size(); ++i)
                product *= parse_float(values[i]);
            return number(product);
        }
        if (op == "-") {
            if (n == 1) return number(-to_number(values[0]));
            return number(n == 0 ? nan_value : to_number(values[0]) - to_number(values[1]));
        }
        if (op == "/") return number(to_number(at(0)) / (n < 2 ? nan_value : to_number(at(1))));
        if (op == "%")
            return number(std::fmod(to_number(at(0)), n < 2 ? nan_value : to_number(at(1))));
        if (op == "merge") {
            json out = json::array();
            for (const auto& value : values) {
                if (value.is_array())
                    for (const auto& item : value)
                        out.push_back(item);
                else
                    out.push_back(value);
            }
            return out;
        }
        if (op == "in") {
            const json& haystack = at(1);
            if (haystack.is_string())
                return json(!haystack.get_ref<const std::string&>().empty() &&
                            haystack.get_ref<const std::string&>().find(to_text(at(0))) !=
                                std::string::npos);
            if (haystack.is_array())
                return json(
                    std::any_of(haystack.begin(), haystack.end(), [&values](const json& item) {
                        return strict_equal(item, values[0]);
                    }));
            return json(false);
        }
        if (op == "cat") {
            std::string out;
            for (const auto& value : values)
                if (!value.is_null()) out += to_text(value);
            return json(out);
        }
        if (op == "substr") {
            const std::string source = n == 0 ? std::string("undefined") : to_text(values[0]);
            const double start = n < 2 ? 0 : to_number(values[1]);
            if (n < 3) return json(js_substr(source, start, std::nullopt));
            const double length = to_number(values[2]);
            // A negative length counts back from the end of the string.
            if (length < 0) {
                const std::string tail = js_substr(source, start, std::nullopt);
                const double tail_size = static_cast<double>(code_point_offsets(tail).size() - 1);
                return json(js_substr(tail, 0, tail_size + length));
            }
            return json(js_substr(source, start, length));
        }
        if (op == "log") return at(0); // core code has nowhere to print; it passes through
        if (op == "days_since" || op == "days_until" || op == "hours_since") {
            const auto when = instant_of(at(0));
            if (!when) return json();
            const std::int64_t now = m_context.now.seconds;
            if (op == "days_since") return json(floor_div(now - when->seconds, 86400));
            if (op == "days_until") return json(floor_div(when->seconds - now, 86400));
            return json(floor_div(now - when->seconds, 3600));
        }
        if (op == "now") return json(format_instant(m_context.now));
        return Error{unknown_operator(std::string(op))};
    }

    static json missing(const std::vector<json>& values, const json& data) {
        // {"missing": ["a", "b"]} and {"missing": [["a", "b"]]} mean the same.
        const bool listed = !values.empty() && values[0].is_array();
        json absent = json::array();
        const auto note = [&absent, &data](const json& key) {
            const json value = lookup(data, key, json());
            if (value.is_null() ||
                (value.is_string() && value.get_ref<const std::string&>().empty()))
                absent.push_back(key);
        };
        if (listed)
            for (const auto& key : values[0])
                note(key);
        else
            for (const auto& key : values)
                note(key);
        return absent;
    }

    Result<json> apply_scoped(std::string_view op, const Args& args, const json& data,
                              int depth) const {
        auto items = arg(args, 0, data, depth);
        if (!items) return items;
        const json none;
        const json& logic = args.size() > 1 ? args[1] : none;
        if (op == "reduce") {
            auto accumulator = arg(args, 2, data, depth);
            if (!accumulator || !items->is_array()) return accumulator;
            json current = std::move(*accumulator);
            for (const auto& item : *items) {
                auto next = run(logic, json{{"current", item}, {"accumulator", current}}, depth);
                if (!next) return next;
                current = std::move(*next);
                if (nested_deeper_than(current, kMaxJsonDepth))
                    return Error{"the rule builds a value nested more than " +
                                 std::to_string(kMaxJsonDepth) + " levels deep; simplify it"};
            }
            return current;
        }
        if (op == "map") {
            json out = json::array();
            if (!items->is_array()) return out;
            for (const auto& item : *items) {
                auto value = run(logic, item, depth);
                if (!value) return value;
                out.push_back(std::move(*value));
            }
            return out;
        }
        json kept = json::array();
        if (!items->is_array()) return op == "filter" ? kept : json(op == "none");
        if (op == "all" && items->empty()) return json(false);
        for (const auto& item : *items) {
            auto value = run(logic, item, depth);
            if (!value) return value;
            const bool pass = truthy(*value);
            if (op == "all" && !pass) return json(false);
            if (op == "some" && pass) return json(true);
            if (op == "none" && pass) return json(false);
            if (op == "filter" && pass) kept.push_back(item);
        }
        if (op == "filter") return kept;
        return json(op != "some");
    }

    const Context& m_context;
    mutable std::size_t m_work = 0;
};

// ---- Static checks ----------------------------------------------------------------

std::string arity_text(int min_args, int max_args) {
    const auto count = [](int n) {
        return std::to_string(n) + (n == 1 ? " argument" : " arguments");
    };
    if (max_args < 0) return "at least " + count(min_args);
    if (min_args == max_args) return min_args == 0 ? "no arguments" : count(min_args);
    if (min_args == 0) return "at most " + count(max_args);
    if (max_args == min_args + 1) return std::to_string(min_args) + " or " + count(max_args);
    return std::to_string(min_args) + " to " + count(max_args);
}

std::string short_json(const json& value) {
    return shortened_utf8(value.dump(-1, ' ', false, json::error_handler_t::replace), 40);
}

void check_node(const json& rule, const std::string& path, int depth,
                std::vector<std::string>& problems) {
    const std::string where = path.empty() ? "" : path + ": "; // the caller names the rule
    if (depth > max_depth) {
        problems.push_back(where + "nested more than " + std::to_string(max_depth) +
                           " levels deep");
        return;
    }
    if (rule.is_array()) {
        for (std::size_t i = 0; i < rule.size(); ++i)
            check_node(rule[i], path + "[" + std::to_string(i) + "]", depth + 1, problems);
        return;
    }
    if (!rule.is_object() || rule.empty()) return;
    if (rule.size() > 1) {
        std::string keys;
        for (auto it = rule.begin(); it != rule.end(); ++it)
            keys += (keys.empty() ? "\"" : ", \"") + it.key() + "\"";
        problems.push_back(where + "an object with " + std::to_string(rule.size()) + " keys (" +
                           keys + ") is not a rule; a rule has exactly one operator");
        return;
    }
    const auto it = rule.begin();
    const std::string& op = it.key();
    const std::string here = path.empty() ? op : path + "." + op;
    const Args args(it.value());
    const int count = static_cast<int>(std::min<std::size_t>(args.size(), 1000000));
    const auto spec = find_op(op);
    if (!spec) {
        problems.push_back(here + ": " + unknown_operator(op));
    } else if (count < spec->min_args || (spec->max_args >= 0 && count > spec->max_args)) {
        problems.push_back(here + ": expects " + arity_text(spec->min_args, spec->max_args) +
                           ", got " + std::to_string(count));
    }
    if (op == "var" && count > 0) {
        const json& name = args[0];
        if (!name.is_string() && !name.is_number() && !name.is_null() && !is_rule(name))
            problems.push_back(here + ": the variable name must be a string or a number, got " +
                               short_json(name));
    }
    for (std::size_t i = 0; i < args.size(); ++i)
        check_node(args[i], here + "[" + std::to_string(i) + "]", depth + 1, problems);
}

// What a rule reads of its data: the names written out in it, and whether it
// also reads names it works out ({"var": {"cat": ...}}) or the whole data
// ({"var": ""}), which no list of names covers.
struct Reads {
    std::vector<std::string> names;
    bool unnamed = false;
};

void add_name(const json& name, Reads& reads) {
    if (!name.is_string() && !name.is_number()) {
        reads.unnamed = true;
        return;
    }
    const std::string text = to_text(name);
    if (text.empty()) reads.unnamed = true;
    if (text.empty() ||
        std::find(reads.names.begin(), reads.names.end(), text) != reads.names.end())
        return;
    reads.names.push_back(text);
}

void collect(const json& rule, int depth, Reads& reads) {
    if (depth > max_depth) {
        reads.unnamed = true; // not looked into
        return;
    }
    if (rule.is_array()) {
        for (const auto& item : rule)
            collect(item, depth + 1, reads);
        return;
    }
    if (!is_rule(rule)) return;
    const auto it = rule.begin();
    const std::string& op = it.key();
    const Args args(it.value());
    const std::size_t n = args.size();
    if (op == "var") {
        if (n == 0) reads.unnamed = true; // the whole data
        if (n > 0) {
            if (is_rule(args[0])) {
                reads.unnamed = true;
                collect(args[0], depth + 1, reads);
            } else {
                add_name(args[0], reads);
            }
        }
        if (n > 1) collect(args[1], depth + 1, reads);
        return;
    }
    if (op == "missing" || op == "missing_some" || op == "is_set") {
        const std::size_t first = op == "missing_some" ? 1 : 0;
        for (std::size_t i = 0; i < n; ++i) {
            const json& item = args[i];
            if (i < first) {
                collect(item, depth + 1, reads);
            } else if (item.is_array() && op != "is_set") {
                for (const auto& name : item)
                    add_name(name, reads);
            } else if (is_rule(item) || item.is_array()) {
                // is_set reads the value a rule gives; missing, the names it gives.
                if (op != "is_set") reads.unnamed = true;
                collect(item, depth + 1, reads);
            } else {
                add_name(item, reads);
            }
        }
        return;
    }
    // The logic of these runs against each item, not against the data.
    const bool scoped = op == "map" || op == "filter" || op == "reduce" || op == "all" ||
                        op == "none" || op == "some";
    for (std::size_t i = 0; i < n; ++i)
        if (!scoped || i != 1) collect(args[i], depth + 1, reads);
}

// ---- Plain words -----------------------------------------------------------------

std::string join_list(const std::vector<std::string>& items, const std::string& last) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? last : ", ";
        out += items[i];
    }
    return out;
}

std::string op_of(const json& rule) {
    return is_rule(rule) ? rule.begin().key() : std::string();
}

bool is_comparison(const std::string& op) {
    return op == "==" || op == "===" || op == "!=" || op == "!==" || op == "<" || op == "<=" ||
           op == ">" || op == ">=" || op == "in";
}

// A literal holds no rule anywhere inside it.
bool is_literal(const json& value) {
    if (is_rule(value)) return false;
    if (value.is_array())
        return std::all_of(value.begin(), value.end(),
                           [](const json& item) { return is_literal(item); });
    return true;
}

class Describer {
  public:
    explicit Describer(const std::function<std::string(const std::string&)>& label_of)
        : m_label_of(label_of) {}

    // A rule as a phrase.
    std::string text(const json& rule) {
        const Nesting nesting(m_depth);
        if (m_depth > max_depth / 4) return "...";
        if (!is_rule(rule)) {
            if (!rule.is_array()) return literal(rule);
            std::vector<std::string> items;
            for (const auto& item : rule)
                items.push_back(text(item));
            return "[" + join_list(items, ", ") + "]";
        }
        const std::string op = op_of(rule);
        const Args args(rule.begin().value());
        const std::size_t n = args.size();

        if (op == "var") return variable(args);
        if (op == "and" || op == "or") {
            std::vector<std::string> parts;
            for (std::size_t i = 0; i < n; ++i) {
                const std::string child = op_of(args[i]);
                const bool group = ((child == "and" || child == "or") && child != op &&
                                    Args(args[i].begin().value()).size() > 1) ||
                                   child == "if" || child == "?:";
                parts.push_back(group ? "(" + text(args[i]) + ")" : text(args[i]));
            }
            if (parts.empty()) return "nothing";
            return join_list(parts, op == "and" ? " and " : " or ");
        }
        if (op == "!" && n == 1) return negation(args[0]);
        if (op == "!!" && n == 1) return text(args[0]);
        if (is_comparison(op)) {
            const auto words = comparison(op, args, false);
            if (words) return *words;
        }
        if (op == "missing") {
            const auto words = missing(args, false);
            if (words) return *words;
        }
        if (op == "missing_some" && n == 2) {
            const auto words = missing_some(args, false);
            if (words) return *words;
        }
        if (op == "is_set" && n == 1) return subject(args[0]) + " is set";
        if ((op == "days_since" || op == "days_until" || op == "hours_since") && n == 1) {
            const std::string unit = op == "days_until"   ? "days until "
                                     : op == "days_since" ? "days since "
                                                          : "hours since ";
            return unit + subject(args[0]);
        }
        if (op == "now") return "now";
        if (op == "if" || op == "?:") {
            if (n == 0) return "nothing";
            if (n == 1) return text(args[0]);
            std::string out = "if " + text(args[0]) + " then " + text(args[1]);
            std::size_t i = 2;
            for (; i + 1 < n; i += 2)
                out += " otherwise if " + text(args[i]) + " then " + text(args[i + 1]);
            if (i < n) out += " otherwise " + text(args[i]);
            return out;
        }
        if (is_arithmetic(op) && n > 0) {
            if (n == 1 && op == "-") return "-" + arithmetic_operand(args[0]);
            std::vector<std::string> parts;
            for (std::size_t i = 0; i < n; ++i)
                parts.push_back(arithmetic_operand(args[i]));
            return join_with(parts, " " + op + " ");
        }
        if ((op == "max" || op == "min") && n > 0) {
            if (n == 1) return operand(args[0]);
            std::vector<std::string> parts;
            for (std::size_t i = 0; i < n; ++i)
                parts.push_back(operand(args[i]));
            const std::string which = op == "max"
                                          ? (n == 2 ? "the larger of " : "the largest of ")
                                          : (n == 2 ? "the smaller of " : "the smallest of ");
            return which + join_list(parts, " and ");
        }
        return generic(op, args);
    }

  private:
    // Tracks recursion depth through every path that can recurse.
    class Nesting {
      public:
        explicit Nesting(int& depth) : m_depth(depth) { ++m_depth; }
        ~Nesting() { --m_depth; }
        Nesting(const Nesting&) = delete;
        Nesting& operator=(const Nesting&) = delete;

      private:
        int& m_depth;
    };

    static bool is_arithmetic(const std::string& op) {
        return op == "+" || op == "-" || op == "*" || op == "/" || op == "%";
    }

    static std::string join_with(const std::vector<std::string>& parts, const std::string& glue) {
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i)
            out += (i > 0 ? glue : "") + parts[i];
        return out;
    }

    std::string label(const json& name) {
        const std::string text = to_text(name);
        if (!m_label_of) return text;
        const std::string shown = m_label_of(text);
        return shown.empty() ? text : shown;
    }

    std::string variable(const Args& args) {
        if (args.size() == 0 || args[0].is_null() ||
            (args[0].is_string() && args[0].get_ref<const std::string&>().empty()))
            return "the value";
        if (is_rule(args[0])) return "the field named by (" + text(args[0]) + ")";
        if (args[0].is_string() || args[0].is_number()) return label(args[0]);
        return literal(args[0]);
    }

    // What is_set and the date operators talk about: a bare string names a field.
    std::string subject(const json& value) {
        if (value.is_string()) return label(value);
        return operand(value);
    }

    // A literal as it reads on the other side of a comparison: "Stage is Qualified".
    std::string value_words(const json& value) {
        const Nesting nesting(m_depth);
        if (m_depth > max_depth / 4) return "...";
        if (value.is_null()) return "empty";
        if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
        if (value.is_string())
            return value.get_ref<const std::string&>().empty() ? "empty" : value.get<std::string>();
        if (value.is_array()) {
            std::vector<std::string> items;
            for (const auto& item : value)
                items.push_back(value_words(item));
            return join_list(items, ", ");
        }
        if (value.is_object()) return short_json(value);
        return to_text(value);
    }

    // A literal on its own: strings quoted so they read as text, not as names.
    std::string literal(const json& value) {
        const Nesting nesting(m_depth);
        if (m_depth > max_depth / 4) return "...";
        if (value.is_string()) return "\"" + value.get<std::string>() + "\"";
        if (value.is_null()) return "nothing";
        if (value.is_array()) {
            std::vector<std::string> items;
            for (const auto& item : value)
                items.push_back(literal(item));
            return "[" + join_list(items, ", ") + "]";
        }
        if (value.is_object()) return short_json(value);
        return to_text(value);
    }

    // One side of a comparison. Compound phrases get parentheses so the
    // sentence around them still parses.
    std::string operand(const json& value) {
        if (!is_rule(value)) return is_literal(value) ? value_words(value) : text(value);
        const std::string op = op_of(value);
        const bool noun = op == "var" || op == "days_since" || op == "days_until" ||
                          op == "hours_since" || op == "now" || op == "max" || op == "min" ||
                          is_arithmetic(op);
        return noun ? text(value) : "(" + text(value) + ")";
    }

    std::string arithmetic_operand(const json& value) {
        return is_arithmetic(op_of(value)) ? "(" + text(value) + ")" : operand(value);
    }

    static bool is_date(const json& value) {
        return value.is_string() && parse_instant(value.get_ref<const std::string&>()).has_value();
    }

    std::optional<std::string> comparison(const std::string& op, const Args& args, bool negated) {
        const std::size_t n = args.size();
        const std::string is = negated ? " is not " : " is ";
        if (op == "==" || op == "===" || op == "!=" || op == "!==") {
            if (n != 2) return std::nullopt;
            const bool swap = is_literal(args[0]) && !is_literal(args[1]);
            const json& left = swap ? args[1] : args[0];
            const json& right = swap ? args[0] : args[1];
            const bool equal = (op == "==" || op == "===") != negated;
            return operand(left) + (equal ? " is " : " is not ") + operand(right);
        }
        if (op == "in") {
            if (n != 2) return std::nullopt;
            if (args[1].is_array() && is_literal(args[1]))
                return operand(args[0]) + is + "one of " + value_words(args[1]);
            if (args[0].is_string() && !is_literal(args[1]))
                return operand(args[1]) + (negated ? " does not contain " : " contains ") +
                       literal(args[0]);
            if (args[1].is_string()) return operand(args[0]) + is + "part of " + literal(args[1]);
            return operand(args[0]) + is + "in " + operand(args[1]);
        }
        if (n == 3) {
            // {"<": [low, x, high]}; ">" and ">=" list the bounds high to low.
            const bool descending = op == ">" || op == ">=";
            const bool strict = op == "<" || op == ">";
            const json& low = descending ? args[2] : args[0];
            const json& high = descending ? args[0] : args[2];
            return operand(args[1]) + is + (strict ? "strictly between " : "between ") +
                   operand(low) + " and " + operand(high);
        }
        if (n != 2) return std::nullopt;
        std::string relation = op;
        const bool swap = is_literal(args[0]) && !is_literal(args[1]);
        if (swap) {
            if (relation[0] == '<')
                relation[0] = '>';
            else
                relation[0] = '<';
        }
        const json& left = swap ? args[1] : args[0];
        const json& right = swap ? args[0] : args[1];
        const bool date = is_date(right);
        std::string words;
        if (relation == ">") words = date ? "after" : "more than";
        if (relation == ">=") words = date ? "on or after" : "at least";
        if (relation == "<") words = date ? "before" : "less than";
        if (relation == "<=") words = date ? "on or before" : "at most";
        return operand(left) + is + words + " " + operand(right);
    }

    // The field names a missing/missing_some list reads, when they are literal.
    std::optional<std::vector<std::string>> names(const Args& args, std::size_t first) {
        std::vector<std::string> labels;
        const auto take = [this, &labels](const json& name) {
            if (!name.is_string() && !name.is_number()) return false;
            labels.push_back(label(name));
            return true;
        };
        if (args.size() == first + 1 && args[first].is_array()) {
            for (const auto& name : args[first])
                if (!take(name)) return std::nullopt;
        } else {
            for (std::size_t i = first; i < args.size(); ++i)
                if (!take(args[i])) return std::nullopt;
        }
        if (labels.empty()) return std::nullopt;
        return labels;
    }

    // "missing" is true when something is missing, so it reads that way.
    std::optional<std::string> missing(const Args& args, bool negated) {
        const auto labels = names(args, 0);
        if (!labels) return std::nullopt;
        if (!negated) return join_list(*labels, " or ") + " is missing";
        return join_list(*labels, " and ") +
               (labels->size() == 1 ? " is filled in" : " are filled in");
    }

    std::optional<std::string> missing_some(const Args& args, bool negated) {
        if (!args[0].is_number() || !args[1].is_array()) return std::nullopt;
        const auto labels = names(args, 1);
        if (!labels) return std::nullopt;
        const std::string need = to_text(args[0]);
        const std::string fields = join_list(*labels, " and ");
        if (negated) return "at least " + need + " of " + fields + " are filled in";
        if (need == "1") return "none of " + fields + " is filled in";
        return "fewer than " + need + " of " + fields + " are filled in";
    }

    std::string negation(const json& rule) {
        const Nesting nesting(m_depth);
        if (m_depth > max_depth / 4) return "...";
        if (!is_rule(rule)) return "not " + literal(rule);
        const std::string op = op_of(rule);
        const Args args(rule.begin().value());
        if (op == "is_set" && args.size() == 1) return subject(args[0]) + " is not set";
        if (op == "missing") {
            const auto words = missing(args, true);
            if (words) return *words;
        }
        if (op == "missing_some" && args.size() == 2) {
            const auto words = missing_some(args, true);
            if (words) return *words;
        }
        if (is_comparison(op)) {
            const auto words = comparison(op, args, true);
            if (words) return *words;
        }
        if (op == "!" && args.size() == 1) return text(args[0]);
        if (op == "!!" && args.size() == 1) return negation(args[0]);
        const bool group = op == "and" || op == "or" || op == "if" || op == "?:";
        return group ? "not (" + text(rule) + ")" : "not " + text(rule);
    }

    std::string generic(const std::string& op, const Args& args) {
        std::vector<std::string> parts;
        for (std::size_t i = 0; i < args.size(); ++i)
            parts.push_back(is_rule(args[i]) ? text(args[i]) : literal(args[i]));
        return op + "(" + join_with(parts, ", ") + ")";
    }

    const std::function<std::string(const std::string&)>& m_label_of;
    int m_depth = 0;
};

} // namespace

bool truthy(const json& value) {
    switch (value.type()) {
    case json::value_t::null:
        return false;
    case json::value_t::boolean:
        return value.get<bool>();
    case json::value_t::number_integer:
        return value.get<std::int64_t>() != 0;
    case json::value_t::number_unsigned:
        return value.get<std::uint64_t>() != 0;
    case json::value_t::number_float: {
        const double x = value.get<double>();
        return x != 0 && !std::isnan(x);
    }
    case json::value_t::string:
        return !value.get_ref<const std::string&>().empty();
    case json::value_t::array:
        return !value.empty();
    case json::value_t::object:
        return true;
    default:
        return false;
    }
}

Result<json> evaluate(const json& rule, const json& data, const Context& context) {
    return Evaluator(context).run(rule, data, 0);
}

std::vector<std::string> check(const json& rule) {
    std::vector<std::string> problems;
    check_node(rule, "", 0, problems);
    return problems;
}

std::vector<std::string> variables(const json& rule) {
    Reads reads;
    collect(rule, 0, reads);
    return std::move(reads.names);
}

std::optional<std::vector<std::string>> all_variables(const json& rule) {
    Reads reads;
    collect(rule, 0, reads);
    if (reads.unnamed) return std::nullopt;
    return std::move(reads.names);
}

std::string describe(const json& rule,
                     const std::function<std::string(const std::string&)>& label_of) {
    return Describer(label_of).text(rule);
}

bool depends_on_time(const json& rule) {
    if (rule.is_array())
        return std::any_of(rule.begin(), rule.end(),
                           [](const json& item) { return depends_on_time(item); });
    if (!rule.is_object()) return false;
    for (const auto& [op, args] : rule.items())
        if (op == "now" || op == "days_since" || op == "days_until" || op == "hours_since" ||
            depends_on_time(args))
            return true;
    return false;
}

} // namespace crm::logic
