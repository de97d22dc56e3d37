// Covers workspace import (core/io/workspace_json): any text either fails cleanly or
// imports, and then its export imports again and exports to the same text.
#include "io/workspace_json.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto imported = crm::import_workspace(text);
    if (!imported) return 0;
    const std::string exported = crm::export_workspace(*imported);
    auto again = crm::import_workspace(exported);
    if (!again) {
        std::fprintf(stderr, "invariant broken: the export does not import again: %s\n",
                     again.error().c_str());
        std::abort();
    }
    if (crm::export_workspace(*again) != exported) {
        std::fprintf(stderr, "invariant broken: exporting the re-imported workspace changes it\n");
        std::abort();
    }
    return 0;
}
