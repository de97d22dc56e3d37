// Covers JsonLogic (core/logic/jsonlogic): input is "RULE\nDATA" (or RULE\0DATA);
// check every rule, describe it, and evaluate the well-formed ones.
#include "io/workspace_json.hpp"
#include "logic/jsonlogic.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(bytes), size);
    const auto split = input.find_first_of(std::string_view("\n\0", 2));
    auto rule = crm::parse_json_text(input.substr(0, split));
    if (!rule) return 0;
    auto data = split == std::string_view::npos
                    ? crm::Result<nlohmann::json>(nlohmann::json::object())
                    : crm::parse_json_text(input.substr(split + 1));
    if (!data) return 0;

    crm::logic::variables(*rule);
    crm::logic::depends_on_time(*rule);
    crm::logic::describe(*rule, {});
    if (!crm::logic::check(*rule).empty()) return 0;
    // 2026-03-02T09:30:00Z: rules never read the wall clock.
    auto result = crm::logic::evaluate(*rule, *data, crm::logic::Context{crm::Instant{1772443800}});
    if (result) result->dump();
    return 0;
}
