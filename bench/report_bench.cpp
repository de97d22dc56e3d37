// Every dashboard metric at scale, as the reports screen asks for it: once
// for an admin over the whole workspace, once for a manager over their team,
// each over the last six months.
// Usage: report_bench [RECORDS [METRIC | --write FILE]]
// The workspace: bench_workspace.hpp.
#include "bench_clock.hpp"
#include "bench_workspace.hpp"
#include "io/workspace_json.hpp"
#include "report/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

using namespace crm;
using crm::bench::ms_since;

int main(int argc, char** argv) {
    const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 100000;
    // One metric, for profiling; or "--write FILE": the workspace as an export,
    // for measuring the dashboard in the browser (scripts/bench --browser).
    const std::string only = argc > 2 ? argv[2] : "";
    const Workspace ws = crm::bench::generated_workspace(count);
    if (only == "--write" && argc > 3) {
        std::ofstream(argv[3]) << workspace_to_json(ws).dump();
        std::printf("wrote %zu records to %s\n", ws.record_count(), argv[3]);
        return 0;
    }
    std::printf("reports over %zu records (20%% deals, 15%% leads, 10%% tickets, 5%% "
                "subscriptions, the rest activities, companies, contacts), last six months\n",
                ws.record_count());
    std::printf("  %-22s %10s %10s %10s %10s   (median of 5 runs)\n", "metric", "admin ms",
                "counted", "manager ms", "counted");
    double slowest = 0;
    for (const auto& metric : metric_catalog()) {
        if (!only.empty() && metric.name != only) continue;
        ReportQuery query{metric.name, "", {}};
        query.filter.from = CivilDate{2026, 6, 1};
        query.filter.to = CivilDate{2026, 12, 4};
        std::size_t counted[2] = {};
        double ms[2] = {};
        const char* viewers[] = {"u-admin", "u-manager0"};
        for (int v = 0; v < 2; ++v) {
            // The median of five runs: one run on a busy machine says little.
            std::vector<double> runs;
            for (int run = 0; run < (only.empty() ? 5 : 60); ++run) {
                const auto start = std::chrono::steady_clock::now();
                auto report = run_report(ws, viewers[v], query, crm::bench::kBenchNow);
                runs.push_back(ms_since(start));
                counted[v] = report ? report->count : 0;
            }
            std::sort(runs.begin(), runs.end());
            ms[v] = runs[2];
            slowest = std::max(slowest, ms[v]);
        }
        std::printf("  %-22s %10.1f %10zu %10.1f %10zu\n", metric.name.c_str(), ms[0], counted[0],
                    ms[1], counted[1]);
    }
    std::printf("  slowest metric: %.1f ms (the dashboard asks for 15 reports once per change or\n"
                "  minute, never per frame; a spreadsheet pivot over an export is the usual\n"
                "  alternative, minutes of work by hand)\n",
                slowest);
    return 0;
}
