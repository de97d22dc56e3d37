// The data-quality screen's three questions at scale: how complete the
// contacts are (per field and the records below target), which contacts
// nobody has touched for 90 days (their activities and tasks found through
// the link index), and the queue of flagged records. Each is asked once,
// as the screen asks it after a change. Usage: data_quality_bench [CONTACTS]
//
// The set: contacts at companies of 20 people each; each key field blank in
// about one record in six; one activity for every other contact, at a
// random time over the last year; one contact in a thousand flagged.
#include "bench_clock.hpp"
#include "query/data_quality.hpp"

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

using namespace crm;
using crm::bench::ms_since;

namespace {

constexpr std::int64_t kDay = 86400;

nlohmann::json contact_fields(std::size_t i, std::size_t companies, std::mt19937& random) {
    nlohmann::json fields = {{"first_name", "Person"}, {"last_name", "No " + std::to_string(i)}};
    const auto sometimes = [&] { return random() % 6 != 0; };
    if (sometimes()) fields["email"] = "p" + std::to_string(i) + "@example.com";
    if (sometimes()) fields["phone"] = "+4915110" + std::to_string(100000 + i);
    if (sometimes()) fields["job_title"] = "Buyer";
    if (sometimes()) fields["company"] = "company-" + std::to_string(random() % companies);
    return fields;
}

template <class Ask> double timed(Ask ask) {
    const auto start = std::chrono::steady_clock::now();
    ask();
    return ms_since(start);
}

} // namespace

int main(int argc, char** argv) {
    const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 100000;
    std::mt19937 random(20261204);
    const Instant now{1796342400}; // 2026-12-04
    Workspace ws;
    ws.schema = builtin_schema();
    ws.directory.add_user({"u-sam", "Sam Patel", "", Role::Admin, ""});
    const std::size_t companies = std::max<std::size_t>(1, count / 20);
    for (std::size_t c = 0; c < companies; ++c)
        ws.put(Record{"company-" + std::to_string(c),
                      "company",
                      "u-sam",
                      {{"name", "Company " + std::to_string(c)}}});
    const auto long_ago = [&] { return Instant{now.seconds - 400 * kDay}; };
    for (std::size_t i = 0; i < count; ++i) {
        Record contact{"contact-" + std::to_string(i), "contact", "u-sam",
                       contact_fields(i, companies, random)};
        contact.created_at = contact.updated_at = long_ago();
        if (i % 1000 == 0) contact.data_problems.push_back({"Email bounces", "u-sam", now});
        ws.put(std::move(contact));
        if (i % 2 != 0) continue;
        Record activity{"activity-" + std::to_string(i / 2),
                        "activity",
                        "u-sam",
                        {{"kind", "Call"},
                         {"subject", "Check-in"},
                         {"at", "2026-06-01T10:00:00Z"},
                         {"related", "contact-" + std::to_string(i)}}};
        activity.created_at = activity.updated_at =
            Instant{now.seconds - static_cast<std::int64_t>(random() % 365) * kDay};
        ws.put(std::move(activity));
    }

    CompletenessReport report;
    std::vector<InactiveRecord> quiet;
    std::vector<FlaggedRecord> flagged;
    const double completeness_ms =
        timed([&] { report = completeness_report(ws, "u-sam", "contact"); });
    const double inactive_ms =
        timed([&] { quiet = inactive_records(ws, "u-sam", "contact", 90, now); });
    const double queue_ms = timed([&] { flagged = data_problem_queue(ws, "u-sam"); });

    std::printf("data quality over %zu contacts, %zu companies, %zu activities\n", count, companies,
                (count + 1) / 2);
    std::printf("  completeness: %d%% (target %d%%), %zu below target: %.0f ms\n", report.percent,
                report.target, report.below_target, completeness_ms);
    std::printf("  inactive for 90 days: %zu contacts: %.0f ms\n", quiet.size(), inactive_ms);
    std::printf("  flagged queue: %zu records (of %zu in the workspace): %.0f ms\n", flagged.size(),
                ws.record_count(), queue_ms);
    std::printf("  (a spreadsheet answers the first with one COUNTA per column, by hand; the\n"
                "   second needs a lookup of each contact's latest activity, which HubSpot and\n"
                "   Pipedrive precompute as a \"last activity date\" property)\n");
    return 0;
}
