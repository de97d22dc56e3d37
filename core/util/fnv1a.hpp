// FNV-1a (64 bits): a short name derived from content, the same on every
// device and build. Not for security: the names it makes are only compared.
#pragma once

#include <cstdint>
#include <string_view>

namespace crm {

inline std::uint64_t fnv1a_64(std::string_view bytes) {
    std::uint64_t hash = 14695981039346656037ull;
    for (const unsigned char c : bytes) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

} // namespace crm
