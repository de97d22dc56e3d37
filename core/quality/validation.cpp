#include "quality/validation.hpp"

#include "logic/jsonlogic.hpp"
#include "model/field_values.hpp"
#include "quality/normalize.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <regex>

namespace crm {

using nlohmann::json;

struct CompiledPattern {
    std::regex regex;
};

namespace {

std::string regex_problem(std::regex_constants::error_type code) {
    using namespace std::regex_constants;
    if (code == error_paren) return "unmatched ( or )";
    if (code == error_brack) return "unmatched [ or ]";
    if (code == error_brace) return "unmatched { or }";
    if (code == error_badbrace) return "a bad {n,m}";
    if (code == error_range) return "a bad range in [...]";
    if (code == error_escape) return "a bad escape";
    if (code == error_badrepeat) return "*, +, ? or {n} with nothing to repeat";
    if (code == error_backref) return "a back reference to no group";
    return "it cannot be compiled";
}

// A repeated group that itself repeats, "(a+)+", can take time exponential in
// the value's length to fail (catastrophic backtracking): refused.
bool nests_repetition(const std::string& pattern) {
    std::vector<bool> repeats{false}; // per open group: whether something inside repeats
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\') {
            ++i;
        } else if (c == '[') {
            for (++i; i < pattern.size() && pattern[i] != ']'; ++i)
                if (pattern[i] == '\\') ++i;
        } else if (c == '(') {
            repeats.push_back(false);
        } else if (c == ')' && repeats.size() > 1) {
            const bool inner = repeats.back();
            repeats.pop_back();
            const char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
            if (inner && (next == '*' || next == '+' || next == '{')) return true;
            repeats.back() = repeats.back() || inner;
        } else if (c == '*' || c == '+' || c == '{') {
            repeats.back() = true;
        }
    }
    return false;
}

std::size_t characters(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// A bound or a value as a person reads it: 20, 12.5, 2026-01-01.
std::string shown(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    return format_field_value(FieldDef{"", "", FieldType::Number}, value);
}

// What the range compares: the number, the money's amount, the date's text
// (YYYY-MM-DD and UTC instants in one form order as text does).
json comparable(const FieldDef& field, const json& value) {
    if (field.type == FieldType::Money)
        return value.is_object() ? value.value("amount", json()) : json();
    return value;
}

bool below(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
    if (a.is_string() && b.is_string())
        return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
    return false;
}

std::optional<std::string> range_problem(const FieldDef& field, const json& value) {
    const FieldRules& rules = field.rules;
    if (rules.min.is_null() && rules.max.is_null()) return std::nullopt;
    const json compared = comparable(field, value);
    const bool low = !rules.min.is_null() && below(compared, rules.min);
    const bool high = !rules.max.is_null() && below(rules.max, compared);
    if (!low && !high) return std::nullopt;
    std::string expected;
    if (!rules.min.is_null() && !rules.max.is_null())
        expected = "a value from " + shown(rules.min) + " to " + shown(rules.max);
    else if (low)
        expected = "at least " + shown(rules.min);
    else
        expected = "at most " + shown(rules.max);
    return "expected " + expected + ", got " + shown(compared);
}

std::optional<std::string> length_problem(const FieldDef& field, const json& value) {
    const FieldRules& rules = field.rules;
    if ((!rules.min_length && !rules.max_length) || !value.is_string()) return std::nullopt;
    const std::size_t length = characters(value.get_ref<const std::string&>());
    const bool short_ = rules.min_length && length < *rules.min_length;
    const bool long_ = rules.max_length && length > *rules.max_length;
    if (!short_ && !long_) return std::nullopt;
    std::string expected;
    if (rules.min_length && rules.max_length)
        expected = std::to_string(*rules.min_length) + " to " + std::to_string(*rules.max_length);
    else if (short_)
        expected = "at least " + std::to_string(*rules.min_length);
    else
        expected = "at most " + std::to_string(*rules.max_length);
    return "expected " + expected + " characters, got " + std::to_string(length);
}

std::optional<std::string> pattern_problem(const FieldDef& field, const json& value) {
    const FieldRules& rules = field.rules;
    if (rules.pattern.empty() || !value.is_string()) return std::nullopt;
    const std::string& text = value.get_ref<const std::string&>();
    if (text.size() > kMaxPatternInput)
        return "is too long to check against its pattern (more than " +
               std::to_string(kMaxPatternInput) + " characters)";
    auto compiled = rules.compiled;
    if (!compiled) { // a definition made in code, not read from JSON
        auto made = compile_pattern(rules.pattern);
        if (!made) return "its pattern " + made.error();
        compiled = *made;
    }
    if (std::regex_match(text, compiled->regex)) return std::nullopt;
    return "expected text matching " + rules.pattern + ", got \"" + shortened_utf8(text, 60) + "\"";
}

} // namespace

Result<std::shared_ptr<const CompiledPattern>> compile_pattern(const std::string& pattern) {
    if (pattern.size() > kMaxPatternLength)
        return Error{"is longer than " + std::to_string(kMaxPatternLength) + " characters"};
    if (nests_repetition(pattern))
        return Error{"repeats a group that itself repeats, such as (a+)+, which can take "
                     "forever to check; write it without the nesting"};
    try {
        return std::shared_ptr<const CompiledPattern>(
            new CompiledPattern{std::regex(pattern, std::regex::ECMAScript)});
    } catch (const std::regex_error& error) {
        return Error{"is not a valid regular expression (" + regex_problem(error.code()) + ")"};
    }
}

Result<json> normalize_new_value(const FieldDef& field, const json& value,
                                 const std::string& country) {
    if (!value.is_string()) return value;
    const std::string& text = value.get_ref<const std::string&>();
    switch (field.type) {
    case FieldType::Text: {
        std::string name = normalize_name(text);
        return name.empty() ? json(nullptr) : json(std::move(name));
    }
    case FieldType::Phone: {
        const PhoneResult phone = normalize_phone(text, country);
        if (!phone.error.empty()) return Error{phone.error};
        return json(phone.e164);
    }
    case FieldType::Domain: {
        const auto domain = canonical_domain(text);
        if (!domain) return Error{domain_problem(text)};
        return json(*domain);
    }
    default:
        return value;
    }
}

std::optional<std::string> field_rule_problem(const FieldDef& field, const json& value) {
    if (is_unset(value) || field.rules.empty()) return std::nullopt;
    std::optional<std::string> problem = range_problem(field, value);
    if (!problem) problem = length_problem(field, value);
    if (!problem) problem = pattern_problem(field, value);
    if (problem && !field.rules.message.empty()) return field.rules.message;
    return problem;
}

std::vector<std::string> rule_fields(const RecordTypeDef& type, const RecordRule& rule) {
    if (!rule.fields.empty()) return rule.fields;
    std::vector<std::string> fields;
    for (std::string name : logic::variables(rule.rule)) {
        if (!type.field(name) && name.size() > 9 &&
            name.compare(name.size() - 9, 9, "_currency") == 0)
            name.resize(name.size() - 9); // a money field's currency
        if (type.field(name) && std::find(fields.begin(), fields.end(), name) == fields.end())
            fields.push_back(name);
    }
    return fields;
}

std::vector<RuleFailure> record_rule_failures(const RecordTypeDef& type, const json& data,
                                              const std::set<std::string>* touched, Instant now) {
    std::vector<RuleFailure> failures;
    for (const auto& rule : type.rules) {
        const auto fields = rule_fields(type, rule);
        std::string shown_by;
        for (const auto& field : fields)
            if (!touched || touched->count(field)) {
                shown_by = field;
                break;
            }
        if (touched && shown_by.empty() && !fields.empty()) continue; // the change is elsewhere
        if (shown_by.empty() && !fields.empty()) shown_by = fields.front();
        const auto result = logic::evaluate(rule.rule, data, logic::Context{now});
        if (result && logic::truthy(*result)) continue;
        failures.push_back({shown_by, result ? rule.message
                                             : rule.message + " (the rule could not be checked: " +
                                                   result.error() + ")"});
    }
    return failures;
}

} // namespace crm
