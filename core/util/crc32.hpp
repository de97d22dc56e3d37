// CRC-32 (IEEE 802.3), the checksum on every journal entry and snapshot.
#pragma once

#include <cstdint>
#include <string_view>

namespace crm {

std::uint32_t crc32(std::string_view bytes);
// The CRC-32 of what `crc` covered followed by `bytes`.
std::uint32_t crc32_extend(std::uint32_t crc, std::string_view bytes);

} // namespace crm
