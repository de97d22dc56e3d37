#include "util/crc32.hpp"

#include <array>

namespace crm {

namespace {

constexpr std::array<std::uint32_t, 256> make_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr auto kTable = make_table();

} // namespace

std::uint32_t crc32(std::string_view bytes) {
    return crc32_extend(0, bytes);
}

std::uint32_t crc32_extend(std::uint32_t crc, std::string_view bytes) {
    std::uint32_t c = crc ^ 0xFFFFFFFFu;
    for (const char ch : bytes)
        c = kTable[(c ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

} // namespace crm
