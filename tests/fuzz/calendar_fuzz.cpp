// Covers business calendars (core/sla/calendar): input is calendar JSON, then
// optionally "\0" and lines "START DURATION" ("2026-11-20T21:30:00Z 4 business hours"),
// read like `crm sla-due`; without them a few fixed starts and durations are used.
#include "io/workspace_json.hpp"
#include "sla/calendar.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

void check_due(const crm::BusinessCalendar& calendar, const std::string& start_text,
               const std::string& duration_text) {
    const auto start = crm::parse_instant(start_text);
    auto duration = crm::parse_duration(duration_text);
    if (!start || !duration) return;
    auto due = crm::due_at(calendar, *start, *duration);
    if (!due) return;
    crm::format_instant(*due);
    // Business minutes and hours: exactly that much working time lies in [start, due).
    if (duration->business && duration->unit != crm::Duration::Unit::Days) {
        const std::int64_t want =
            duration->amount * (duration->unit == crm::Duration::Unit::Hours ? 3600 : 60);
        const std::int64_t got = crm::working_seconds(calendar, *start, *due);
        if (got != want) {
            std::fprintf(
                stderr,
                "invariant broken: due_at(%s, %s) = %s holds %lld working seconds, not %lld\n",
                start_text.c_str(), duration_text.c_str(), crm::format_instant(*due).c_str(),
                static_cast<long long>(got), static_cast<long long>(want));
            std::abort();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(bytes), size);
    const auto split = input.find('\0');
    auto document = crm::parse_json_text(input.substr(0, split));
    if (!document) return 0;
    auto calendar = crm::calendar_from_json(*document);
    if (!calendar) return 0;

    std::vector<std::pair<std::string, std::string>> cases;
    if (split != std::string_view::npos) {
        std::string_view rest = input.substr(split + 1);
        while (!rest.empty() && cases.size() < 4) {
            const auto end = rest.find('\n');
            const std::string_view line = rest.substr(0, end);
            const auto space = line.find(' ');
            if (space != std::string_view::npos)
                cases.emplace_back(std::string(line.substr(0, space)),
                                   std::string(line.substr(space + 1)));
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        }
    } else {
        cases = {{"2026-11-20T21:30:00Z", "4 business hours"},
                 {"2026-03-08T06:45:00Z", "90 business minutes"},
                 {"2026-10-25T00:30:00+02:00", "3 business days"},
                 {"2026-12-24T15:00:00Z", "2 days"}};
    }
    for (const auto& [start, duration] : cases)
        check_due(*calendar, start, duration);
    return 0;
}
