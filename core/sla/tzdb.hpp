// The IANA time zone rules shipped with the program: TZif data by zone name,
// compiled in from Debian's tzdata at build time (tzdb_data.cpp is generated,
// not kept in the repository).
#pragma once

#include <optional>
#include <string_view>

namespace crm {

std::optional<std::string_view> find_tzif(std::string_view name);

} // namespace crm
