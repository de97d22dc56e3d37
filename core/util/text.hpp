// Text as people compare it: case and Latin accents do not matter, so
// "zoe" finds "Zoë" and "Łukasz" sorts among the Ls, not after "Zoë".
#pragma once

#include <string>
#include <string_view>

namespace crm {

// Lower case, Latin letters without their accents (ß -> ss, Æ -> ae, Ł -> l);
// other characters are kept as they are. For searching and sorting only.
std::string fold_text(std::string_view text);

// The text without spaces, tabs and line breaks at either end.
std::string trim_space(std::string_view text);

} // namespace crm
