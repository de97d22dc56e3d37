// CSV import benchmark: a generated spreadsheet of contacts (companies by
// name, owners by name, mixed date forms, amounts not involved) read,
// planned (the dry run) and committed as one durable batch into a real
// workspace directory, then imported again (every row unchanged) and undone.
// Python's csv module reads the same file for comparison.
// Usage: import_bench [ROWS]   (default 100000)
#include "bench_clock.hpp"
#include "engine/engine.hpp"
#include "io/csv.hpp"
#include "service/batch_undo.hpp"
#include "service/csv_import.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace crm;
using crm::bench::ms_since;

namespace {

const Instant kNow{1767261600}; // 2026-01-01T10:00:00Z

Workspace team(int companies) {
    Workspace ws;
    ws.directory.add_user({"u-sam", "Sam Patel", "sam@example.com", Role::Admin, ""});
    for (int i = 0; i < 20; ++i)
        ws.directory.add_user({"u-rep" + std::to_string(i), "Rep Number" + std::to_string(i),
                               "rep" + std::to_string(i) + "@example.com", Role::Rep, ""});
    Engine engine(std::move(ws));
    for (int i = 0; i < companies; ++i)
        engine.apply(CreateRecord{"company", {{"name", "Company " + std::to_string(i)}}, "u-sam"},
                     "u-sam", kNow);
    return engine.workspace();
}

std::string contacts_csv(int rows, int companies) {
    static const char* dates[] = {"2025-04-03", "3 Apr 2025", "25/03/2025"};
    std::string csv = "First Name,Last Name,Email,Company,Owner,Decision maker,Job title\r\n";
    for (int i = 0; i < rows; ++i) {
        const std::string n = std::to_string(i);
        csv += "Person" + n + ",\"Surname, " + n + "\",person" + n + "@example.com,Company " +
               std::to_string(i % companies) + ",Rep Number" + std::to_string(i % 20) + "," +
               (i % 2 ? "yes" : "no") + "," + dates[i % 3] + "\r\n";
    }
    return csv;
}

ImportMapping contact_mapping() {
    ImportMapping mapping;
    mapping.columns = {{"First Name", "first_name"}, {"Last Name", "last_name"},
                       {"Email", "email"},           {"Company", "company"},
                       {"Owner", "owner"},           {"Decision maker", "decision_maker"},
                       {"Job title", "job_title"}};
    mapping.key = "email";
    return mapping;
}

// Python's csv module reading the same file, for comparison; -1 without python3.
double python_csv_ms(const std::string& path) {
    const std::string out = path + ".python-ms";
    const std::string command =
        "python3 -c \"import csv,sys,time; t=time.perf_counter(); "
        "rows=list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))); "
        "print((time.perf_counter()-t)*1000)\" " +
        path + " > " + out + " 2>/dev/null";
    if (std::system(command.c_str()) != 0) return -1;
    std::ifstream in(out);
    double ms = -1;
    in >> ms;
    return ms;
}

// The process's resident memory now, from /proc (whatever the allocator).
double resident_mb() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) /
           (1024 * 1024);
}

} // namespace

int main(int argc, char** argv) {
    const int rows = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int companies = 1000;
    const std::string dir = (std::filesystem::temp_directory_path() /
                             ("crm-import-bench-" + std::to_string(::getpid())))
                                .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir + "/ws");
    const std::string csv = contacts_csv(rows, companies);
    const std::string csv_path = dir + "/contacts.csv";
    std::ofstream(csv_path, std::ios::binary) << csv;

    std::printf("CSV import benchmark: %d rows (%zu bytes), %d companies matched by name\n", rows,
                csv.size(), companies);
    auto start = std::chrono::steady_clock::now();
    auto decoded = decode_text(csv);
    auto table = parse_csv(decoded->text, detect_delimiter(decoded->text));
    if (!table) return std::printf("  parse FAILED: %s\n", table.error().c_str()), 1;
    std::printf("  read (decode, detect, parse): %8.1f ms  resident %5.0f MB\n", ms_since(start),
                resident_mb());
    const double python_ms = python_csv_ms(csv_path);
    if (python_ms >= 0)
        std::printf("    Python csv.reader, same file: %7.1f ms (for comparison)\n", python_ms);

    DirectoryStorage storage(dir + "/ws");
    WorkspaceStore store(storage);
    if (!store.create(team(companies))) return std::printf("  create FAILED\n"), 1;
    Engine engine;
    if (!store.open(engine)) return std::printf("  open FAILED\n"), 1;

    start = std::chrono::steady_clock::now();
    auto plan =
        plan_import(engine, *table, "contact", contact_mapping(), "u-sam", "contacts.csv", kNow);
    if (!plan) return std::printf("  plan FAILED: %s\n", plan.error().c_str()), 1;
    const double dry_run_ms = ms_since(start);
    std::printf("  dry run (plan, every row checked): %8.1f ms  resident %5.0f MB  %s\n",
                dry_run_ms, resident_mb(), plan->summary().c_str());

    start = std::chrono::steady_clock::now();
    const Outcome outcome = commit_import(engine, *plan, "u-sam", kNow);
    if (!outcome.ok) return std::printf("  commit FAILED: %s\n", outcome.message.c_str()), 1;
    const double commit_ms = ms_since(start);
    std::printf("  commit (one durable batch):   %8.1f ms  resident %5.0f MB  %zu journal bytes\n",
                commit_ms, resident_mb(), store.journal_bytes());
    std::printf("  import, dry run + commit:     %8.1f ms  (target: under 2000 ms for 100k)\n",
                dry_run_ms + commit_ms);

    start = std::chrono::steady_clock::now();
    auto again =
        plan_import(engine, *table, "contact", contact_mapping(), "u-sam", "contacts.csv", kNow);
    std::printf("  the same file again (plan):   %8.1f ms  %s\n", ms_since(start),
                again->summary().c_str());

    start = std::chrono::steady_clock::now();
    const KeptHistory history = store.read_history([](const EventBatch&) { return true; });
    auto undo = undo_batch_command(engine.workspace(), history, outcome.batch->seq);
    if (!undo) return std::printf("  undo FAILED: %s\n", undo.error().c_str()), 1;
    const Outcome undone = engine.apply(*undo, "u-sam", kNow);
    std::printf("  undo of the whole import:     %8.1f ms  %s, %zu contacts left\n",
                ms_since(start), undone.ok ? "done" : undone.message.c_str(),
                engine.workspace().ids_of_type("contact").size());
    std::filesystem::remove_all(dir);
    return 0;
}
