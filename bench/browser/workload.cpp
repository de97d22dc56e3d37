// The workload of bench/browser/scale.mjs: the generated workspace after its
// timers ran at the workload's now, as the web app runs them when it opens
// (without that, the app's first tick starts processes that came due, and
// its My work would show due times its peers were never given). Writes
// DIR/workspace.json, the export every contender imports, and DIR/due.tsv,
// each record's next-action due time as this engine's My work works it out
// (the due column sql.js and Dexie get; no due time: the largest integer,
// sorted last as scale_bench does).
// Usage: browser_workload DIR RECORDS
#include "../bench_workspace.hpp"
#include "engine/engine.hpp"
#include "io/workspace_json.hpp"
#include "query/my_work.hpp"
#include "service/timers.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: browser_workload DIR RECORDS\n");
        return 2;
    }
    try {
        const std::filesystem::path dir = argv[1];
        crm::Engine engine(crm::bench::generated_workspace(std::stoul(argv[2])));
        crm::tick(engine, crm::bench::kBenchNow);
        const crm::Workspace& ws = engine.workspace();
        std::ofstream(dir / "workspace.json") << crm::export_workspace(ws);
        std::ofstream due(dir / "due.tsv");
        for (const auto& user : ws.directory.users())
            for (const auto& item : crm::next_actions(ws, user.id, crm::bench::kBenchNow))
                if (item.record_id == item.about)
                    due << item.record_id << '\t'
                        << (item.due ? item.due->seconds : std::numeric_limits<long long>::max())
                        << '\n';
    } catch (const std::exception& e) {
        std::fprintf(stderr, "browser_workload: %s\n", e.what());
        return 1;
    }
    return 0;
}
