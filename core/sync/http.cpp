#include "sync/http.hpp"

#include <cstdio>

namespace crm {

std::string url_component(const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                                c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
            continue;
        }
        char code[4];
        std::snprintf(code, sizeof code, "%%%02X", c);
        out += code;
    }
    return out;
}

} // namespace crm
