#include "util/text.hpp"

#include <cctype>
#include <cstdint>

namespace crm {

namespace {

// Base letters for U+00C0..U+017F; "" keeps the character as it is.
const char* latin_base(std::uint32_t code) {
    static const char* const kLatin1[64] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
        "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
        "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};
    if (code >= 0xC0 && code <= 0xFF) return kLatin1[code - 0xC0];
    // Latin Extended-A comes in runs of one base letter.
    struct Run {
        std::uint32_t last;
        const char* base;
    };
    static const Run kExtendedA[] = {
        {0x105, "a"}, {0x10D, "c"},  {0x111, "d"}, {0x11B, "e"}, {0x123, "g"}, {0x127, "h"},
        {0x131, "i"}, {0x133, "ij"}, {0x135, "j"}, {0x138, "k"}, {0x142, "l"}, {0x14B, "n"},
        {0x151, "o"}, {0x153, "oe"}, {0x159, "r"}, {0x161, "s"}, {0x167, "t"}, {0x173, "u"},
        {0x175, "w"}, {0x178, "y"},  {0x17E, "z"}, {0x17F, "s"}};
    if (code >= 0x100 && code <= 0x17F)
        for (const auto& run : kExtendedA)
            if (code <= run.last) return run.base;
    return "";
}

} // namespace

std::string fold_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            out += static_cast<char>(std::tolower(byte));
            ++i;
            continue;
        }
        // Two-byte UTF-8 covers U+0080..U+07FF, where the Latin letters are.
        if ((byte & 0xE0) == 0xC0 && i + 1 < text.size() &&
            (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
            const std::uint32_t code =
                ((byte & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            const char* base = latin_base(code);
            if (*base) {
                out += base;
            } else {
                out.append(text.substr(i, 2));
            }
            i += 2;
            continue;
        }
        out += text[i++];
    }
    return out;
}

std::string trim_space(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return "";
    return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

} // namespace crm
