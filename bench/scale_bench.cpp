// This engine beside SQLite on one workload at 1k, 10k and 100k records,
// printed as a table: open, My work, one durable edit, a filtered list,
// import, memory. Each step runs in a process of its own, so that peak memory
// is what that step needed and nothing is warm from the step before.
// Usage: scale_bench [RECORDS ...]        (default 1000 10000 100000)
// Each figure is the median of three runs. CRM_BENCH_KEEP=1 keeps the
// generated files in $TMPDIR/crm-scale-bench, for profiling a step alone
// (scale_bench --step crm-work DIR RECORDS RUN).
//
// The workload (bench_workspace.hpp): a generated workspace, exported as the
// JSON a user imports. SQLite gets what a CRM built on it would keep: a row
// per record with its type, owner, stage, amount and next-action due time in
// columns, indexed, the rest as JSON text; the due times come from this
// engine's My work (SQLite would need an application to work them out).
// Durable means WAL with synchronous=FULL for SQLite, the synced journal line
// for this engine: both survive a power cut once acknowledged.
#include "bench_clock.hpp"
#include "bench_workspace.hpp"
#include "engine/engine.hpp"
#include "io/workspace_json.hpp"
#include "query/exceptions.hpp"
#include "query/my_work.hpp"
#include "query/record_query.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace crm;
using crm::bench::kBenchNow;
using crm::bench::kBusyRep;
using crm::bench::ms_since;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kEdits = 1000;      // durable edits timed, one after another
constexpr std::size_t kRows = 50; // what a screen shows first
constexpr int kRuns = 3;          // each step, for the median
constexpr int kWorkRuns = 5;      // the steps that time edits, whose disk varies most
constexpr const char* kListStage = "proposal_sent";

using Clock = std::chrono::steady_clock;

long status_kib(const char* key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
    return -1;
}

// A figure for the parent: one "name value" line on standard output.
void report(const char* name, double value) {
    std::printf("%s %.6f\n", name, value);
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int fail(const std::string& what) {
    std::fprintf(stderr, "scale_bench: %s\n", what.c_str());
    return 1;
}

// ---- the workload --------------------------------------------------------

// A work item's due time as SQLite sorts it: things without one last.
long long due_key(const WorkItem& item) {
    return item.due ? item.due->seconds : std::numeric_limits<long long>::max();
}

// Writes the export a user would import, and each record's next-action due
// time as this engine's My work computes it (for SQLite's due column).
int prepare(std::size_t records, const fs::path& dir) {
    const Workspace ws = crm::bench::generated_workspace(records);
    std::ofstream(dir / "workspace.json") << export_workspace(ws);
    std::ofstream due(dir / "due.tsv");
    for (const auto& user : ws.directory.users())
        for (const auto& item : next_actions(ws, user.id, kBenchNow))
            if (item.record_id == item.about)
                due << item.record_id << '\t' << due_key(item) << '\n';
    std::size_t owned = 0;
    for (const auto& type : ws.schema.types())
        for (const Record* record : ws.records_of_type(type.id))
            owned += record->owner == kBusyRep;
    report("owned", static_cast<double>(owned));
    return 0;
}

// The deals an edit touches: spread over the workspace, the same for both.
std::vector<std::string> edited_deals(const std::vector<std::string>& deals) {
    std::vector<std::string> ids;
    for (int i = 0; i < kEdits; ++i)
        ids.push_back(deals[(static_cast<std::size_t>(i) * 7919) % deals.size()]);
    return ids;
}

// What edit `i` of run `run` sets: never what the run before set.
int probability(std::size_t i, int run) {
    return static_cast<int>((i + static_cast<std::size_t>(run) * 7) % 90) + 5;
}

// ---- this engine ---------------------------------------------------------

int crm_import(const fs::path& dir) {
    const auto start = Clock::now();
    auto imported = import_workspace(read_text(dir / "workspace.json"));
    if (!imported) return fail(imported.error());
    fs::create_directories(dir / "crm");
    DirectoryStorage storage((dir / "crm").string());
    WorkspaceStore store(storage);
    Engine engine;
    if (auto status = store.replace(engine, std::move(*imported)); !status)
        return fail(status.error());
    report("import_ms", ms_since(start));
    report("import_kib", static_cast<double>(status_kib("VmHWM:")));
    return 0;
}

// `run` counts the runs, so each run's edits change something.
int crm_work(const fs::path& dir, int run) {
    const long before = status_kib("VmRSS:");
    DirectoryStorage storage((dir / "crm").string());
    WorkspaceStore store(storage);
    Engine engine;
    auto start = Clock::now();
    if (auto opened = store.open(engine); !opened) return fail(opened.error());
    report("open_ms", ms_since(start));
    report("opened_kib", static_cast<double>(status_kib("VmRSS:") - before));
    const Workspace& ws = engine.workspace();

    start = Clock::now();
    // A first screenful of rows, in order and named.
    const auto work = first_actions(ws, kBusyRep, kBenchNow, kRows);
    report("my_work_ms", ms_since(start));
    std::ofstream first(dir / "crm-first.txt");
    for (const auto& item : work)
        first << due_key(item) << '\n';

    start = Clock::now();
    // What the My work screen works out for its counts and scrollbar: every row.
    const auto all_work = next_actions(ws, kBusyRep, kBenchNow, 0);
    report("my_work_all_ms", ms_since(start));
    report("my_work_rows", static_cast<double>(all_work.size()));

    RecordQuery list{"deal", "u-admin", "", "amount", false, {}};
    list.filter.stage = {"sales_pipeline", {kListStage}};
    start = Clock::now();
    auto ids = query_records(ws, list);
    ids.resize(std::min(ids.size(), kRows));
    report("list_ms", ms_since(start));

    start = Clock::now();
    // As the Exceptions screen asks: the words for the items it lists.
    const auto queues =
        exception_queues(ws, "u-manager0", kBenchNow, QueueDetail::Words, kExceptionItemsListed);
    report("exceptions_ms", ms_since(start));

    std::vector<std::string> deals;
    for (const Record* deal : ws.records_of_type("deal"))
        deals.push_back(deal->id);
    const auto edits = edited_deals(deals);
    start = Clock::now();
    for (std::size_t i = 0; i < edits.size(); ++i) {
        const std::string owner = ws.find(edits[i])->owner;
        const auto outcome =
            engine.apply(UpdateRecord{edits[i], {{"probability", probability(i, run)}}}, owner,
                         Instant{kBenchNow.seconds + static_cast<std::int64_t>(i)});
        if (!outcome.ok) return fail("edit of " + edits[i] + ": " + outcome.message);
    }
    report("edit_ms", ms_since(start) / kEdits);
    report("peak_kib", static_cast<double>(status_kib("VmHWM:")));
    report("held_kib", static_cast<double>(status_kib("VmHWM:") - before));
    return 0;
}

// ---- SQLite --------------------------------------------------------------

class Sqlite {
  public:
    explicit Sqlite(const fs::path& file) {
        if (sqlite3_open(file.c_str(), &m_db) != SQLITE_OK) throw std::runtime_error(error());
        run("PRAGMA journal_mode=WAL");
        run("PRAGMA synchronous=FULL");
    }
    ~Sqlite() { sqlite3_close(m_db); }
    Sqlite(const Sqlite&) = delete;
    Sqlite& operator=(const Sqlite&) = delete;

    void run(const char* sql) {
        char* message = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            std::string text = message ? message : error();
            sqlite3_free(message);
            throw std::runtime_error(text);
        }
    }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &statement, nullptr) != SQLITE_OK)
            throw std::runtime_error(error());
        return statement;
    }
    void step_done(sqlite3_stmt* statement) {
        if (sqlite3_step(statement) != SQLITE_DONE) throw std::runtime_error(error());
        sqlite3_reset(statement);
    }
    std::string error() const { return sqlite3_errmsg(m_db); }

  private:
    sqlite3* m_db = nullptr;
};

// A running flow's stage, for the stage column.
std::string running_stage(const json& record) {
    const auto flows = record.find("flows");
    if (flows == record.end()) return "";
    const auto pipeline = flows->find("sales_pipeline");
    if (pipeline == flows->end() || pipeline->value("status", "") != "running") return "";
    return pipeline->value("stage", "");
}

long long minor_units(const json& fields, const char* field) {
    const auto money = fields.find(field);
    if (money == fields.end() || !money->is_object()) return 0;
    return std::llround(money->value("amount", 0.0) * 100);
}

int sqlite_import(const fs::path& dir) {
    const auto start = Clock::now();
    std::map<std::string, long long> due;
    {
        std::ifstream in(dir / "due.tsv");
        std::string id;
        long long seconds;
        while (in >> id >> seconds)
            due[id] = seconds;
    }
    const json document = json::parse(read_text(dir / "workspace.json"));
    fs::remove(dir / "sqlite.db");
    Sqlite db(dir / "sqlite.db");
    db.run("CREATE TABLE records(id TEXT PRIMARY KEY, type TEXT NOT NULL, owner TEXT, stage TEXT,"
           " amount INTEGER, next_due INTEGER, updated_at INTEGER, version INTEGER,"
           " data TEXT NOT NULL) WITHOUT ROWID");
    db.run("BEGIN");
    sqlite3_stmt* insert = db.prepare("INSERT INTO records VALUES(?,?,?,?,?,?,?,1,?)");
    for (const auto& record : document.at("records")) {
        const std::string id = record.at("id"), type = record.at("type"),
                          owner = record.value("owner", ""), stage = running_stage(record),
                          data = record.dump();
        sqlite3_bind_text(insert, 1, id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 2, type.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 3, owner.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, stage.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 5, minor_units(record.at("fields"), "amount"));
        if (const auto it = due.find(id); it != due.end())
            sqlite3_bind_int64(insert, 6, it->second);
        else
            sqlite3_bind_null(insert, 6);
        sqlite3_bind_int64(
            insert, 7, parse_instant(record.value("updated_at", "")).value_or(Instant{}).seconds);
        sqlite3_bind_text(insert, 8, data.c_str(), -1, SQLITE_TRANSIENT);
        db.step_done(insert);
    }
    sqlite3_finalize(insert);
    db.run("CREATE INDEX records_by_owner_due ON records(owner, next_due)"
           " WHERE next_due IS NOT NULL");
    db.run("CREATE INDEX records_by_stage ON records(type, stage, amount)");
    db.run("COMMIT");
    report("import_ms", ms_since(start));
    report("import_kib", static_cast<double>(status_kib("VmHWM:")));
    return 0;
}

std::vector<std::string> column_text(sqlite3_stmt* statement, int column) {
    std::vector<std::string> values;
    while (sqlite3_step(statement) == SQLITE_ROW)
        values.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, column)));
    sqlite3_reset(statement);
    return values;
}

int sqlite_work(const fs::path& dir, int run) {
    const long before = status_kib("VmRSS:");
    auto start = Clock::now();
    Sqlite db(dir / "sqlite.db");
    sqlite3_stmt* count = db.prepare("SELECT count(*) FROM records");
    sqlite3_step(count);
    sqlite3_finalize(count);
    report("open_ms", ms_since(start));

    start = Clock::now();
    sqlite3_stmt* work = db.prepare("SELECT next_due, id, type, stage, data FROM records"
                                    " WHERE owner=? AND next_due IS NOT NULL"
                                    " ORDER BY next_due LIMIT 50");
    sqlite3_bind_text(work, 1, kBusyRep, -1, SQLITE_STATIC);
    const auto first = column_text(work, 0);
    sqlite3_finalize(work);
    report("my_work_ms", ms_since(start));
    std::ofstream(dir / "sqlite-first.txt") << [&] {
        std::string lines;
        for (const auto& due : first)
            lines += due + "\n";
        return lines;
    }();

    start = Clock::now();
    sqlite3_stmt* all_work =
        db.prepare("SELECT next_due, id, type, stage, data FROM records"
                   " WHERE owner=? AND next_due IS NOT NULL ORDER BY next_due");
    sqlite3_bind_text(all_work, 1, kBusyRep, -1, SQLITE_STATIC);
    const auto all_rows = column_text(all_work, 0);
    sqlite3_finalize(all_work);
    report("my_work_all_ms", ms_since(start));
    report("my_work_rows", static_cast<double>(all_rows.size()));

    start = Clock::now();
    sqlite3_stmt* list = db.prepare("SELECT id, owner, amount, data FROM records"
                                    " WHERE type='deal' AND stage=? ORDER BY amount DESC LIMIT 50");
    sqlite3_bind_text(list, 1, kListStage, -1, SQLITE_STATIC);
    column_text(list, 0);
    sqlite3_finalize(list);
    report("list_ms", ms_since(start));

    sqlite3_stmt* deals = db.prepare("SELECT id FROM records WHERE type='deal'");
    const auto edits = edited_deals(column_text(deals, 0));
    sqlite3_finalize(deals);
    sqlite3_stmt* update = db.prepare(
        "UPDATE records SET data=json_set(data,'$.fields.probability',?), version=version+1,"
        " updated_at=? WHERE id=?");
    start = Clock::now();
    for (std::size_t i = 0; i < edits.size(); ++i) {
        sqlite3_bind_int(update, 1, probability(i, run));
        sqlite3_bind_int64(update, 2, kBenchNow.seconds + static_cast<std::int64_t>(i));
        sqlite3_bind_text(update, 3, edits[i].c_str(), -1, SQLITE_TRANSIENT);
        db.step_done(update);
    }
    report("edit_ms", ms_since(start) / kEdits);
    sqlite3_finalize(update);
    report("peak_kib", static_cast<double>(status_kib("VmHWM:")));
    report("held_kib", static_cast<double>(status_kib("VmHWM:") - before));
    return 0;
}

// ---- the parent: runs each step in a process of its own ------------------

using Figures = std::map<std::string, double>;

Figures run_once(const std::string& self, const std::string& step, const fs::path& dir,
                 std::size_t records, int run) {
    const std::string command = "'" + self + "' --step " + step + " '" + dir.string() + "' " +
                                std::to_string(records) + " " + std::to_string(run);
    Figures figures;
    // Each step starts on a settled disk: what the steps before it wrote (the
    // generated workspace, snapshots) is flushed first, not timed in this one.
    ::sync();
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return figures;
    char name[64];
    double value;
    while (std::fscanf(pipe, "%63s %lf", name, &value) == 2)
        figures[name] = value;
    if (pclose(pipe) != 0) std::fprintf(stderr, "scale_bench: step %s failed\n", step.c_str());
    return figures;
}

// Each figure's median over `runs` runs: one run on a shared machine says
// little. `before_each` readies the directory for a run, untimed.
Figures run_step(const std::string& self, const std::string& step, const fs::path& dir,
                 std::size_t records, int runs = kRuns,
                 const std::function<void()>& before_each = {}) {
    std::map<std::string, std::vector<double>> seen;
    for (int run = 0; run < runs; ++run) {
        if (before_each) before_each();
        for (const auto& [name, value] : run_once(self, step, dir, records, run))
            seen[name].push_back(value);
    }
    Figures figures;
    for (auto& [name, values] : seen) {
        std::sort(values.begin(), values.end());
        figures[name] = values[values.size() / 2];
    }
    return figures;
}

// Puts back the store (a directory or SQLite's file) as it was kept after
// the import, so that one run's edits are not replayed by the next run's open.
void restore(const fs::path& kept, const fs::path& live) {
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove_all(live.string() + suffix);
    fs::copy(kept, live, fs::copy_options::recursive);
}

int run_child(const std::string& step, const fs::path& dir, std::size_t records, int run) {
    try {
        if (step == "prepare") return prepare(records, dir);
        if (step == "crm-import") return crm_import(dir);
        if (step == "crm-work") return crm_work(dir, run);
        if (step == "sqlite-import") return sqlite_import(dir);
        if (step == "sqlite-work") return sqlite_work(dir, run);
    } catch (const std::exception& e) {
        return fail(step + ": " + e.what());
    }
    return fail("unknown step " + step);
}

struct Row {
    const char* label;
    const char* key;
    const char* format;
    double scale = 1;
};

void print_table(const std::vector<std::size_t>& sizes, const std::vector<Figures>& ours,
                 const std::vector<Figures>& sqlite) {
    std::printf("\n%-28s", "");
    for (std::size_t size : sizes)
        std::printf("  %9zu records   ", size);
    std::printf("\n%-28s", "");
    for (std::size_t i = 0; i < sizes.size(); ++i)
        std::printf("  %9s %9s", "crm", "SQLite");
    std::printf("\n");
    const Row rows[] = {
        {"open (ms)", "open_ms", "%9.1f"},
        {"My work, first 50 (ms)", "my_work_ms", "%9.2f"},
        {"My work, every row (ms)", "my_work_all_ms", "%9.2f"},
        {"My work, rows", "my_work_rows", "%9.0f"},
        {"one durable edit (ms)", "edit_ms", "%9.3f"},
        {"filtered list, first 50 (ms)", "list_ms", "%9.2f"},
        {"exception queues (ms)", "exceptions_ms", "%9.1f"},
        {"import (ms)", "import_ms", "%9.0f"},
        {"import, peak memory (MB)", "import_kib", "%9.1f", 1.0 / 1024},
        {"open + work, peak (MB)", "peak_kib", "%9.1f", 1.0 / 1024},
        {"held per record (bytes)", "per_record", "%9.0f"},
    };
    for (const Row& row : rows) {
        std::printf("%-28s", row.label);
        for (std::size_t i = 0; i < sizes.size(); ++i)
            for (const Figures* figures : {&ours[i], &sqlite[i]}) {
                const auto it = figures->find(row.key);
                if (it == figures->end()) {
                    std::printf("  %9s", "-");
                    continue;
                }
                std::printf("  ");
                std::printf(row.format, it->second * row.scale);
            }
        std::printf("\n");
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 6 && std::string(argv[1]) == "--step")
        return run_child(argv[2], argv[3], std::stoul(argv[4]), std::stoi(argv[5]));
    std::vector<std::size_t> sizes;
    for (int i = 1; i < argc; ++i)
        sizes.push_back(std::stoul(argv[i]));
    if (sizes.empty()) sizes = {1000, 10000, 100000};
    const std::string self = fs::read_symlink("/proc/self/exe").string();
    const fs::path root = fs::temp_directory_path() / "crm-scale-bench";
    std::printf("scale benchmark: this engine (crm) beside SQLite %s on the same workload, each\n"
                "step in a fresh process; My work is %s's, who owns 6%% of the records\n",
                sqlite3_libversion(), kBusyRep);
    std::vector<Figures> ours, sqlite;
    bool same_work = true;
    for (std::size_t records : sizes) {
        const fs::path dir = root / std::to_string(records);
        fs::remove_all(dir);
        fs::create_directories(dir);
        const Figures prepared = run_step(self, "prepare", dir, records, 1);
        Figures crm = run_step(self, "crm-import", dir, records);
        fs::copy(dir / "crm", dir / "crm-imported", fs::copy_options::recursive);
        crm.merge(run_step(self, "crm-work", dir, records, kWorkRuns,
                           [&] { restore(dir / "crm-imported", dir / "crm"); }));
        Figures lite = run_step(self, "sqlite-import", dir, records);
        fs::copy(dir / "sqlite.db", dir / "sqlite-imported.db");
        lite.merge(run_step(self, "sqlite-work", dir, records, kWorkRuns,
                            [&] { restore(dir / "sqlite-imported.db", dir / "sqlite.db"); }));
        for (Figures* figures : {&crm, &lite})
            if (figures->count("held_kib"))
                (*figures)["per_record"] = (*figures)["held_kib"] * 1024 / records;
        // Both must show the rep the same due times, or the race is not fair.
        same_work =
            same_work && read_text(dir / "crm-first.txt") == read_text(dir / "sqlite-first.txt");
        std::printf("  %zu records: %s owns %.0f\n", records, kBusyRep,
                    prepared.count("owned") ? prepared.at("owned") : 0.0);
        ours.push_back(crm);
        sqlite.push_back(lite);
        if (!std::getenv("CRM_BENCH_KEEP")) fs::remove_all(dir);
    }
    print_table(sizes, ours, sqlite);
    const double edit_growth = ours.back().count("edit_ms") && ours.front().count("edit_ms")
                                   ? ours.back().at("edit_ms") / ours.front().at("edit_ms")
                                   : 0;
    std::printf("\none durable edit, %zu records / %zu records: %.2fx\n", sizes.back(),
                sizes.front(), edit_growth);
    std::printf("My work's first rows agree (the same due times): %s\n", same_work ? "yes" : "NO");
    return same_work ? 0 : 1;
}
