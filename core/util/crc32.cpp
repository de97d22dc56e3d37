#include "util/crc32.hpp"

#include <array>

namespace crm {

namespace {

// Eight tables, so a step takes eight bytes ("slicing by 8"): journals and
// snapshots are checked on every open and an import writes tens of megabytes.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
    Tables tables{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        tables[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i)
        for (std::size_t t = 1; t < 8; ++t)
            tables[t][i] = tables[0][tables[t - 1][i] & 0xFFu] ^ (tables[t - 1][i] >> 8);
    return tables;
}

constexpr Tables kTables = make_tables();

std::uint32_t byte_at(std::string_view bytes, std::size_t i) {
    return static_cast<unsigned char>(bytes[i]);
}

// Four bytes, the first lowest, whatever the machine's byte order.
std::uint32_t word_at(std::string_view bytes, std::size_t i) {
    return byte_at(bytes, i) | byte_at(bytes, i + 1) << 8 | byte_at(bytes, i + 2) << 16 |
           byte_at(bytes, i + 3) << 24;
}

} // namespace

std::uint32_t crc32(std::string_view bytes) {
    return crc32_extend(0, bytes);
}

std::uint32_t crc32_extend(std::uint32_t crc, std::string_view bytes) {
    std::uint32_t c = crc ^ 0xFFFFFFFFu;
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        c ^= word_at(bytes, i);
        const std::uint32_t next = word_at(bytes, i + 4);
        c = kTables[7][c & 0xFFu] ^ kTables[6][(c >> 8) & 0xFFu] ^ kTables[5][(c >> 16) & 0xFFu] ^
            kTables[4][c >> 24] ^ kTables[3][next & 0xFFu] ^ kTables[2][(next >> 8) & 0xFFu] ^
            kTables[1][(next >> 16) & 0xFFu] ^ kTables[0][next >> 24];
    }
    for (; i < bytes.size(); ++i)
        c = kTables[0][(c ^ byte_at(bytes, i)) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

} // namespace crm
