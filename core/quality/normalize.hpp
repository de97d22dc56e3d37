// Normal forms for values people type: emails, phone numbers, web site
// domains and names. One implementation, used when values are entered,
// edited and imported (core/quality/validation.hpp) and when duplicates are
// matched (core/service/duplicates.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

// Trimmed and lower-cased: " Ana@Example.COM " -> "ana@example.com".
std::string normalize_email(std::string_view email);

// Trimmed, with each run of spaces, tabs and line breaks made one space:
// "  Ana   Reyes " -> "Ana Reyes".
std::string normalize_name(std::string_view name);

// A phone number in E.164 ("+14155550123"), or what is wrong with it.
// Numbers written without a country code ("(415) 555-0123", "020 7946 0958")
// are of `country` (ISO 3166 two letters, one of phone_countries()); "+44 ..."
// and "0044 ..." (and "011 ..." in North America) name their own. The trunk
// prefix ("0" in most of Europe, "1" in North America) is dropped. An
// extension is refused rather than dropped silently.
struct PhoneResult {
    std::string e164;  // set when it is a phone number
    std::string error; // otherwise: "\"12\" is not a phone number (expected e.g. +1 415 555 0123)"
};
PhoneResult normalize_phone(std::string_view phone, std::string_view country);

// The countries normalize_phone() knows the numbering of, in the table's order.
const std::vector<std::string>& phone_countries();
bool is_phone_country(std::string_view country);

// The digits that identify a phone number for matching: its last nine digits
// ("+49 151 1234 5678", "0049 151-12345678" and "0151 12345678" agree); "" when
// it has fewer than seven digits. Works on E.164 and on numbers kept before
// they were normalised alike.
std::string phone_match_key(const std::string& phone);

// A web site's domain in canonical form: lower case, without scheme, "www.",
// user, port, path, query or trailing dot ("https://www.Example.com/path" ->
// "example.com"); nothing when it is not a domain.
std::optional<std::string> canonical_domain(std::string_view text);
// What is said of text that is not a domain: "\"localhost\" is not a web
// site's domain (expected e.g. example.com)".
std::string domain_problem(std::string_view text);

} // namespace crm
