#include "quality/normalize.hpp"

#include "util/utf8.hpp"

#include <algorithm>
#include <array>

namespace crm {

namespace {

constexpr std::string_view kSpaces = " \t\r\n";

std::string_view trimmed(std::string_view text) {
    const auto begin = text.find_first_not_of(kSpaces);
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(kSpaces);
    return text.substr(begin, end - begin + 1);
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The numbering of one country: its calling code, the trunk prefix dialled
// before national numbers inside it ("" when there is none, or when the 0 is
// part of the number, as in Italy), and how many digits its national
// significant numbers have. Lengths are the plan's bounds, not per-area rules.
struct Country {
    std::string_view iso;
    std::string_view code;
    std::string_view trunk;
    std::size_t min_digits;
    std::size_t max_digits;
};

constexpr std::array<Country, 31> kCountries = {{
    {"US", "1", "1", 10, 10},  {"CA", "1", "1", 10, 10}, {"GB", "44", "0", 9, 10},
    {"IE", "353", "0", 7, 9},  {"DE", "49", "0", 6, 13}, {"AT", "43", "0", 4, 13},
    {"CH", "41", "0", 9, 9},   {"FR", "33", "0", 9, 9},  {"BE", "32", "0", 8, 9},
    {"NL", "31", "0", 9, 9},   {"LU", "352", "", 4, 11}, {"ES", "34", "", 9, 9},
    {"PT", "351", "", 9, 9},   {"IT", "39", "", 6, 11},  {"DK", "45", "", 8, 8},
    {"NO", "47", "", 8, 8},    {"SE", "46", "0", 7, 9},  {"FI", "358", "0", 5, 12},
    {"PL", "48", "", 9, 9},    {"CZ", "420", "", 9, 9},  {"GR", "30", "", 10, 10},
    {"AU", "61", "0", 9, 9},   {"NZ", "64", "0", 8, 10}, {"IN", "91", "0", 10, 10},
    {"BR", "55", "0", 10, 11}, {"MX", "52", "", 10, 10}, {"JP", "81", "0", 9, 10},
    {"CN", "86", "0", 9, 11},  {"KR", "82", "0", 8, 10}, {"SG", "65", "", 8, 8},
    {"ZA", "27", "0", 9, 9},
}};

const Country* country_by_iso(std::string_view iso) {
    for (const auto& country : kCountries)
        if (country.iso == iso) return &country;
    return nullptr;
}

// Calling codes are prefix-free: at most one of the first 1 to 3 digits matches.
const Country* country_by_number(std::string_view digits) {
    for (std::size_t length = 1; length <= 3 && length <= digits.size(); ++length)
        for (const auto& country : kCountries)
            if (country.code == digits.substr(0, length)) return &country;
    return nullptr;
}

bool national_fits(const Country& country, std::string_view national) {
    if (national.size() < country.min_digits || national.size() > country.max_digits) return false;
    // North America: area code and exchange both start with 2-9.
    if (country.code == "1") return national[0] >= '2' && national[3] >= '2';
    return national[0] != '0' || country.trunk.empty();
}

// The number with `country`'s trunk prefix taken off, when it carries one.
std::string_view without_trunk(const Country& country, std::string_view national) {
    if (country.trunk.empty() || national.substr(0, country.trunk.size()) != country.trunk)
        return national;
    if (country.code == "1" && national.size() != 11) return national; // "1 415 555 0123"
    return national.substr(country.trunk.size());
}

// "+" and the digits after an international prefix (or the "+").
std::optional<std::string> international(std::string_view digits) {
    if (const Country* country = country_by_number(digits)) {
        std::string_view national = digits.substr(country->code.size());
        // "+44 020 7946 0958": the trunk 0 written after the country code.
        if (!national_fits(*country, national) &&
            national_fits(*country, without_trunk(*country, national)))
            national = without_trunk(*country, national);
        if (!national_fits(*country, national)) return std::nullopt;
        return "+" + std::string(country->code) + std::string(national);
    }
    // A country this table does not know: E.164's own bounds.
    if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') return std::nullopt;
    return "+" + std::string(digits);
}

// The digits dialled from inside `country` to reach another one, if `digits` start with them.
std::size_t international_prefix(const Country& country, std::string_view digits) {
    const auto starts = [&](std::string_view prefix) {
        return digits.substr(0, prefix.size()) == prefix;
    };
    if (country.iso == "AU" && starts("0011")) return 4;
    if (country.iso == "JP" && starts("010")) return 3;
    if (country.code == "1" && starts("011")) return 3;
    if (starts("00")) return 2;
    return 0;
}

PhoneResult not_a_phone(std::string_view phone) {
    return {"", "\"" + shortened_utf8(phone, 60) +
                    "\" is not a phone number (expected e.g. +1 415 555 0123)"};
}

bool has_extension(std::string_view lowered) {
    for (const std::string_view mark : {"ext", "x", "#", ";"})
        if (const auto at = lowered.find(mark); at != std::string_view::npos)
            return std::any_of(lowered.begin() + static_cast<std::ptrdiff_t>(at), lowered.end(),
                               is_digit);
    return false;
}

} // namespace

std::string normalize_email(std::string_view email) {
    return lower_ascii(trimmed(email));
}

std::string normalize_name(std::string_view name) {
    std::string out;
    bool space = false;
    for (const char c : trimmed(name)) {
        if (kSpaces.find(c) != std::string_view::npos) {
            space = true;
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

const std::vector<std::string>& phone_countries() {
    static const std::vector<std::string> isos = [] {
        std::vector<std::string> out;
        for (const auto& country : kCountries)
            out.emplace_back(country.iso);
        return out;
    }();
    return isos;
}

bool is_phone_country(std::string_view country) {
    return country_by_iso(country) != nullptr;
}

PhoneResult normalize_phone(std::string_view phone, std::string_view country_iso) {
    const std::string_view text = trimmed(phone);
    const std::string lowered = lower_ascii(text);
    if (has_extension(lowered))
        return {"", "\"" + shortened_utf8(text, 60) +
                        "\" has an extension; a phone field keeps the number alone (without "
                        "\"ext\")"};
    std::string digits;
    const bool plus = !text.empty() && text[0] == '+';
    for (std::size_t i = plus ? 1 : 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_digit(c))
            digits += c;
        else if (c == '(' && text.substr(i, 3) == "(0)" && (plus || lowered.rfind("00", 0) == 0))
            i += 2; // "+44 (0)20 ...": the trunk 0 people add in brackets
        else if (std::string_view(" -.()/").find(c) == std::string_view::npos)
            return not_a_phone(text);
    }
    const Country* country = country_by_iso(country_iso);
    if (!country) country = &kCountries.front();
    std::optional<std::string> e164;
    if (plus) {
        e164 = international(digits);
    } else if (const std::size_t prefix = international_prefix(*country, digits)) {
        e164 = international(std::string_view(digits).substr(prefix));
    } else {
        const std::string_view national = without_trunk(*country, digits);
        if (!national.empty() && national_fits(*country, national))
            e164 = "+" + std::string(country->code) + std::string(national);
    }
    if (!e164 || e164->size() > 16) return not_a_phone(text);
    return {*e164, ""};
}

std::string phone_match_key(const std::string& phone) {
    std::string digits;
    for (const char c : phone)
        if (is_digit(c)) digits += c;
    if (digits.size() < 7) return "";
    return digits.size() > 9 ? digits.substr(digits.size() - 9) : digits;
}

std::string domain_problem(std::string_view text) {
    return "\"" + shortened_utf8(trimmed(text), 60) +
           "\" is not a web site's domain (expected e.g. example.com)";
}

std::optional<std::string> canonical_domain(std::string_view text) {
    std::string host = lower_ascii(trimmed(text));
    if (const auto scheme = host.find("://"); scheme != std::string::npos)
        host.erase(0, scheme + 3);
    else if (host.rfind("//", 0) == 0)
        host.erase(0, 2);
    host = host.substr(0, host.find_first_of("/?#"));
    if (const auto at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
    if (const auto colon = host.rfind(':'); colon != std::string::npos) {
        const std::string port = host.substr(colon + 1);
        if (!std::all_of(port.begin(), port.end(), is_digit)) return std::nullopt;
        host.erase(colon);
    }
    while (!host.empty() && host.back() == '.')
        host.pop_back();
    if (host.rfind("www.", 0) == 0 && host.find('.', 4) != std::string::npos) host.erase(0, 4);
    if (host.empty() || host.size() > 253 || host.find('.') == std::string::npos)
        return std::nullopt;
    std::size_t start = 0;
    while (start <= host.size()) {
        const auto end = std::min(host.find('.', start), host.size());
        const std::string_view label = std::string_view(host).substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return std::nullopt;
        for (const char c : label)
            if (!(is_digit(c) || (c >= 'a' && c <= 'z') || c == '-' ||
                  static_cast<unsigned char>(c) >= 0x80))
                return std::nullopt;
        if (end == host.size() && std::all_of(label.begin(), label.end(), is_digit))
            return std::nullopt; // an address such as 10.0.0.1, not a domain
        start = end + 1;
    }
    return host;
}

} // namespace crm
