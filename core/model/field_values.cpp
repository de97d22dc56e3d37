#include "model/field_values.hpp"

#include "model/line_items.hpp"
#include "quality/normalize.hpp"
#include "util/text.hpp"
#include "util/time.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace crm {

using nlohmann::json;

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string describe(const json& value) {
    // Shown in a message: bytes that are not UTF-8 must not make it throw.
    return shortened_utf8(value.dump(-1, ' ', false, json::error_handler_t::replace), 60);
}

Error mismatch(const FieldDef& field, const json& value) {
    return Error{"expected " + expected_shape(field) + ", got " + describe(value)};
}

bool valid_email(const std::string& email) {
    const auto at = email.find('@');
    if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos)
        return false;
    const auto dot = email.find('.', at);
    if (dot == std::string::npos || dot == at + 1 || dot + 1 >= email.size()) return false;
    return std::none_of(email.begin(), email.end(),
                        [](unsigned char c) { return std::isspace(c) != 0; });
}

bool valid_phone(const std::string& phone) {
    int digits = 0;
    for (std::size_t i = 0; i < phone.size(); ++i) {
        const char c = phone[i];
        if (c >= '0' && c <= '9')
            ++digits;
        else if (c == '+' && i == 0)
            continue;
        else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.')
            return false;
    }
    return digits >= 5 && digits <= 15;
}

bool valid_url(const std::string& url) {
    if (url.empty() || url.find(' ') != std::string::npos) return false;
    return url.find('.') != std::string::npos || url.rfind("http://", 0) == 0 ||
           url.rfind("https://", 0) == 0;
}

// A comma groups thousands ("12,000"): a digit before it, three after. Any
// other comma is a decimal comma ("1,5") this reading does not take as 15.
bool groups_thousands(const std::string& text, std::size_t comma) {
    const auto digit = [&](std::size_t i) {
        return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
    };
    return comma > 0 && digit(comma - 1) && digit(comma + 1) && digit(comma + 2) &&
           digit(comma + 3) && !digit(comma + 4);
}

std::optional<double> parse_number(const std::string& text) {
    std::string cleaned;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ',' && !groups_thousands(text, i)) return std::nullopt;
        if (c != ',' && c != '_' && c != ' ') cleaned += c;
    }
    // Decimal only: strtod would also read "0x1A", "inf" and "nan".
    if (cleaned.empty() || cleaned.find_first_not_of("0123456789.eE+-") != std::string::npos)
        return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(cleaned.c_str(), &end);
    if (end != cleaned.c_str() + cleaned.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

// 12000 stays an integer in JSON; 12.5 stays a fraction.
json whole_or_fraction(double value) {
    if (std::floor(value) == value && std::fabs(value) < 9e15)
        return json(static_cast<long long>(value));
    return json(value);
}

// Choices match without regard to case, and come back spelled as defined.
bool same_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
        return std::tolower(x) == std::tolower(y);
    });
}

// Checked on every picklist value an import or an opening reads, so without
// copying either text.
const std::string* matching_option(const FieldDef& field, std::string_view text) {
    for (const auto& option : field.options)
        if (same_ignoring_case(option, text)) return &option;
    return nullptr;
}

std::optional<std::string> match_option(const FieldDef& field, const std::string& text) {
    if (const std::string* option = matching_option(field, text)) return *option;
    return std::nullopt;
}

std::string options_list(const FieldDef& field) {
    std::string list;
    for (const auto& option : field.options) {
        if (!list.empty()) list += ", ";
        list += option;
    }
    return list;
}

std::string thousands(double value) {
    std::string digits(
        static_cast<std::size_t>(std::snprintf(nullptr, 0, "%.2f", std::fabs(value))), '\0');
    std::snprintf(digits.data(), digits.size() + 1, "%.2f", std::fabs(value));
    const auto dot = digits.find('.');
    std::string whole = digits.substr(0, dot);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
        grouped += whole[i];
    }
    std::string cents = digits.substr(dot);
    if (cents == ".00") cents.clear();
    return (value < 0 ? "-" : "") + grouped + cents;
}

} // namespace

bool is_currency_code(const std::string& code) {
    return code.size() == 3 &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_unset(const json& value) {
    return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
           (value.is_array() && value.empty());
}

std::string expected_shape(const FieldDef& field) {
    switch (field.type) {
    case FieldType::Text:
        return "text";
    case FieldType::LongText:
        return "text";
    case FieldType::Number:
        return "a number";
    case FieldType::Money:
        return "money as {\"amount\": number, \"currency\": three capital letters}";
    case FieldType::Date:
        return "a date as YYYY-MM-DD";
    case FieldType::DateTime:
        return "a date and time as YYYY-MM-DDTHH:MM:SSZ";
    case FieldType::Bool:
        return "true or false";
    case FieldType::Picklist:
        return "one of: " + options_list(field);
    case FieldType::MultiPicklist:
        return "a list of: " + options_list(field);
    case FieldType::Email:
        return "an email address like name@example.com";
    case FieldType::Phone:
        return "a phone number like +1 415 555 0123";
    case FieldType::Url:
        return "a web address like example.com";
    case FieldType::Domain:
        return "a web site's domain like example.com";
    case FieldType::UserRef:
        return "a user id";
    case FieldType::RecordRef:
        return field.target_type.empty() ? "a record id" : "the id of a " + field.target_type;
    case FieldType::LineItems:
        return line_items_shape();
    }
    return "a value";
}

namespace {

std::optional<std::string> utf8_text_problem(std::string_view text) {
    if (const auto bad = find_invalid_utf8(text))
        return "is not valid UTF-8 (" + describe_invalid_utf8(text, *bad) + ")";
    return std::nullopt;
}

} // namespace

std::optional<std::string> text_problem(std::string_view text, std::size_t max_bytes) {
    if (auto problem = utf8_text_problem(text)) return problem;
    std::size_t characters = 0;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        characters += (byte & 0xC0) != 0x80;
        if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F) {
            char code[16];
            std::snprintf(code, sizeof code, "U+%04X", byte);
            return std::string("contains the control character ") + code + " (character " +
                   std::to_string(characters) + "); remove it";
        }
    }
    if (text.size() > max_bytes)
        return "is longer than " + std::to_string(max_bytes) + " characters";
    return std::nullopt;
}

std::optional<std::string> new_value_problem(const FieldDef& field, const json& value) {
    if (value.is_string())
        if (auto problem = text_problem(value.get_ref<const std::string&>(), kMaxTextBytes))
            return "the text " + *problem;
    if (value.is_array())
        for (const auto& item : value)
            if (auto problem = new_value_problem(field, item)) return problem;
    if (field.type == FieldType::Money && value.is_object() && value.contains("amount") &&
        value["amount"].is_number() && std::fabs(value["amount"].get<double>()) >= kMaxMoneyAmount)
        return "expected an amount below 1,000,000,000,000,000, got " + describe(value["amount"]);
    return std::nullopt;
}

namespace {

bool is_trimmed(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n";
    return !text.empty() && kSpace.find(text.front()) == std::string_view::npos &&
           kSpace.find(text.back()) == std::string_view::npos;
}

// True when normalize_field_value() would give `value` back as it is: the
// values a workspace keeps, read again on every opening without a copy.
bool is_normal(const FieldDef& field, const json& value) {
    if (value.is_string() && utf8_text_problem(value.get_ref<const std::string&>())) return false;
    switch (field.type) {
    case FieldType::Text:
    case FieldType::UserRef:
    case FieldType::RecordRef:
        return value.is_string() && is_trimmed(value.get_ref<const std::string&>()) &&
               value.get_ref<const std::string&>().size() <= kMaxTextBytes;
    case FieldType::LongText:
        return value.is_string() && !value.get_ref<const std::string&>().empty() &&
               value.get_ref<const std::string&>().size() <= kMaxTextBytes;
    case FieldType::Number:
        return value.is_number();
    case FieldType::Bool:
        return value.is_boolean();
    case FieldType::Date:
        return value.is_string() && parse_date(value.get_ref<const std::string&>());
    case FieldType::Picklist: {
        if (!value.is_string() || value.get_ref<const std::string&>().empty()) return false;
        const std::string* option = matching_option(field, value.get_ref<const std::string&>());
        return option && *option == value.get_ref<const std::string&>();
    }
    case FieldType::Money: {
        if (!value.is_object() || value.size() != 2) return false;
        const auto amount = value.find("amount");
        const auto currency = value.find("currency");
        return amount != value.end() && amount->is_number() && currency != value.end() &&
               currency->is_string() && is_currency_code(currency->get_ref<const std::string&>());
    }
    default:
        return false;
    }
}

} // namespace

Status normalize_field_value_in_place(const FieldDef& field, json& value) {
    if (is_normal(field, value)) return Status::success();
    auto normalized = normalize_field_value(field, value);
    if (!normalized) return Error{normalized.error()};
    value = std::move(*normalized);
    return Status::success();
}

Result<json> normalize_field_value(const FieldDef& field, const json& value) {
    if (value.is_null()) return json(nullptr);
    // Every text a field keeps is UTF-8 (it is journaled and shown as such).
    if (value.is_string())
        if (auto problem = utf8_text_problem(value.get_ref<const std::string&>()))
            return Error{"the text " + *problem};
    switch (field.type) {
    case FieldType::Text:
    case FieldType::LongText: {
        if (!value.is_string()) return mismatch(field, value);
        std::string text = field.type == FieldType::Text ? trim_space(value.get<std::string>())
                                                         : value.get<std::string>();
        if (text.size() > kMaxTextBytes)
            return Error{"the text is longer than " + std::to_string(kMaxTextBytes) +
                         " characters"};
        if (text.empty()) return json(nullptr);
        return json(text);
    }
    case FieldType::Number:
        if (!value.is_number()) return mismatch(field, value);
        return value;
    case FieldType::Money: {
        if (!value.is_object() || !value.contains("amount") || !value.contains("currency") ||
            value.size() != 2 || !value["amount"].is_number() || !value["currency"].is_string())
            return mismatch(field, value);
        const auto currency = value["currency"].get<std::string>();
        if (!is_currency_code(currency)) return mismatch(field, value);
        return json{{"amount", value["amount"]}, {"currency", currency}};
    }
    case FieldType::Date:
        if (!value.is_string() || !parse_date(value.get<std::string>()))
            return mismatch(field, value);
        return value;
    case FieldType::DateTime: {
        if (!value.is_string()) return mismatch(field, value);
        const auto instant = parse_instant(value.get<std::string>());
        if (!instant || value.get<std::string>().size() <= 10) return mismatch(field, value);
        return json(format_instant(*instant));
    }
    case FieldType::Bool:
        if (!value.is_boolean()) return mismatch(field, value);
        return value;
    case FieldType::Picklist: {
        if (!value.is_string()) return mismatch(field, value);
        if (value.get<std::string>().empty()) return json(nullptr);
        const auto option = match_option(field, value.get<std::string>());
        if (!option) return mismatch(field, value);
        return json(*option);
    }
    case FieldType::MultiPicklist: {
        if (!value.is_array()) return mismatch(field, value);
        json chosen = json::array();
        for (const auto& item : value) {
            if (!item.is_string()) return mismatch(field, value);
            const auto option = match_option(field, item.get<std::string>());
            if (!option) return mismatch(field, item);
            if (std::find(chosen.begin(), chosen.end(), *option) == chosen.end())
                chosen.push_back(*option);
        }
        if (chosen.empty()) return json(nullptr);
        return chosen;
    }
    case FieldType::Email: {
        if (!value.is_string()) return mismatch(field, value);
        const std::string email = normalize_email(value.get<std::string>());
        if (email.empty()) return json(nullptr);
        if (!valid_email(email)) return mismatch(field, value);
        return json(email);
    }
    case FieldType::Phone: {
        if (!value.is_string()) return mismatch(field, value);
        const std::string phone = trim_space(value.get<std::string>());
        if (phone.empty()) return json(nullptr);
        // Said as normalize_phone() says it, so a form, the CLI and import agree.
        if (!valid_phone(phone)) return Error{normalize_phone(phone, "US").error};
        return json(phone);
    }
    case FieldType::Url:
    case FieldType::Domain: {
        // A domain kept before domains were canonical reads as it was;
        // normalize_new_value() makes new ones canonical.
        if (!value.is_string()) return mismatch(field, value);
        const std::string url = trim_space(value.get<std::string>());
        if (url.empty()) return json(nullptr);
        if (!valid_url(url) && field.type == FieldType::Domain) return Error{domain_problem(url)};
        if (!valid_url(url)) return mismatch(field, value);
        return json(url);
    }
    case FieldType::UserRef:
    case FieldType::RecordRef: {
        if (!value.is_string()) return mismatch(field, value);
        const std::string id = trim_space(value.get<std::string>());
        if (id.empty()) return json(nullptr);
        return json(id);
    }
    case FieldType::LineItems:
        return normalize_line_items(value);
    }
    return mismatch(field, value);
}

namespace {

Result<json> parse_typed_text(const FieldDef& field, const std::string& raw,
                              const std::string& default_currency) {
    const std::string text = trim_space(raw);
    if (text.empty()) return json(nullptr);
    switch (field.type) {
    case FieldType::Number: {
        const auto number = parse_number(text);
        if (!number) return Error{"expected " + expected_shape(field) + ", got \"" + text + "\""};
        return whole_or_fraction(*number);
    }
    case FieldType::Money: {
        // "12000", "12000 EUR", "EUR 12000"
        std::string amount_text = text, currency = default_currency;
        const auto space = text.find(' ');
        if (space != std::string::npos) {
            const std::string first = text.substr(0, space),
                              rest = trim_space(text.substr(space + 1));
            if (is_currency_code(first)) {
                currency = first;
                amount_text = rest;
            } else if (is_currency_code(rest)) {
                currency = rest;
                amount_text = first;
            }
        }
        const auto amount = parse_number(amount_text);
        if (!amount || !is_currency_code(currency))
            return Error{
                "expected an amount with an optional currency, like \"12000 EUR\", got \"" + text +
                "\""};
        return json{{"amount", whole_or_fraction(*amount)}, {"currency", currency}};
    }
    case FieldType::Bool: {
        const std::string word = lower(text);
        if (word == "true" || word == "yes" || word == "y" || word == "1") return json(true);
        if (word == "false" || word == "no" || word == "n" || word == "0") return json(false);
        return Error{"expected yes or no, got \"" + text + "\""};
    }
    case FieldType::LineItems:
        return parse_line_items_text(text, default_currency);
    case FieldType::MultiPicklist: {
        json items = json::array();
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto end = text.find_first_of(";,", start);
            const std::string item = trim_space(
                text.substr(start, end == std::string::npos ? std::string::npos : end - start));
            if (!item.empty()) items.push_back(item);
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return normalize_field_value(field, items);
    }
    default:
        return normalize_field_value(field, json(text));
    }
}

} // namespace

Result<json> parse_field_text(const FieldDef& field, const std::string& raw,
                              const std::string& default_currency) {
    auto value = parse_typed_text(field, raw, default_currency);
    if (!value) return value;
    if (auto problem = new_value_problem(field, *value)) return Error{*problem};
    return value;
}

std::string field_value_to_text(const FieldDef& field, const json& value) {
    if (is_unset(value)) return "";
    switch (field.type) {
    case FieldType::Money:
        if (value.is_object() && value.contains("amount"))
            return format_field_value(FieldDef{"", "", FieldType::Number}, value["amount"]) + " " +
                   value.value("currency", "");
        break;
    case FieldType::Bool:
        return value.is_boolean() && value.get<bool>() ? "yes" : "no";
    case FieldType::MultiPicklist:
        if (value.is_array()) {
            std::string text;
            for (const auto& item : value)
                text += (text.empty() ? "" : "; ") + item.get<std::string>();
            return text;
        }
        break;
    case FieldType::LineItems:
        return line_items_to_text(value);
    case FieldType::Number:
        return format_field_value(field, value);
    default:
        if (value.is_string()) return value.get<std::string>();
    }
    return value.dump();
}

std::string format_field_value(const FieldDef& field, const json& value) {
    if (is_unset(value)) return "";
    switch (field.type) {
    case FieldType::Number:
        if (value.is_number_integer()) return std::to_string(value.get<long long>());
        if (value.is_number()) {
            const double number = value.get<double>();
            if (std::floor(number) == number && std::fabs(number) < 1e15)
                return std::to_string(static_cast<long long>(number));
            return value.dump(); // the shortest text that reads back as the same number
        }
        break;
    case FieldType::Money:
        if (value.is_object() && value.contains("amount") && value["amount"].is_number()) {
            // Also a value that was never checked (the losing side of a conflict).
            const auto currency = value.find("currency");
            const bool named = currency != value.end() && currency->is_string();
            return (named ? currency->get<std::string>() : "") + " " +
                   thousands(value["amount"].get<double>());
        }
        break;
    case FieldType::Bool:
        return value.is_boolean() && value.get<bool>() ? "Yes" : "No";
    case FieldType::MultiPicklist:
        if (value.is_array()) {
            std::string text;
            for (const auto& item : value) {
                if (!text.empty()) text += ", ";
                text += item.is_string() ? item.get<std::string>() : item.dump();
            }
            return text;
        }
        break;
    case FieldType::LineItems:
        return format_line_items(value);
    case FieldType::DateTime:
        if (value.is_string()) {
            std::string text = value.get<std::string>();
            if (text.size() == 20) return text.substr(0, 10) + " " + text.substr(11, 5) + " UTC";
            return text;
        }
        break;
    default:
        if (value.is_string()) return value.get<std::string>();
    }
    return value.dump();
}

} // namespace crm
