#include "util/utf8.hpp"

#include <utf8cpp/utf8.h>

#include <cstdio>
#include <iterator>

namespace crm {

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
    const auto bad = utf8::find_invalid(text.begin(), text.end());
    if (bad == text.end()) return std::nullopt;
    return static_cast<std::size_t>(bad - text.begin());
}

std::string replace_invalid_utf8(std::string_view text) {
    std::string mended;
    mended.reserve(text.size());
    utf8::replace_invalid(text.begin(), text.end(), std::back_inserter(mended));
    return mended;
}

std::string shortened_utf8(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    std::size_t cut = max_bytes > 3 ? max_bytes - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut; // never inside a character
    return std::string(text.substr(0, cut)) + "...";
}

std::string describe_invalid_utf8(std::string_view text, std::size_t offset) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[offset]));
    return "byte " + std::to_string(offset + 1) + " (" + byte + ") is not valid UTF-8";
}

std::optional<std::string> utf8_problem(std::string_view text) {
    const auto bad = find_invalid_utf8(text);
    if (!bad) return std::nullopt;
    return describe_invalid_utf8(text, *bad) + "; save the text as UTF-8";
}

} // namespace crm
