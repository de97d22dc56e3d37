// Store benchmark: a 100k-record workspace through export, import, snapshot,
// open, and single edits. Prints figures (records, ms, bytes); asserts only
// correctness (round trip without loss), never timing.
#include "bench_clock.hpp"
#include "engine/engine.hpp"
#include "io/workspace_json.hpp"
#include "query/exceptions.hpp"
#include "query/my_work.hpp"
#include "sla/policy.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

using namespace crm;
using crm::bench::ms_since;
using nlohmann::json;

namespace {

// Counts what each operation writes: the bytes handed to storage, and the
// bytes an IndexedDB-backed mount would store (it rewrites whole changed files).
class CountingStorage : public DirectoryStorage {
  public:
    using DirectoryStorage::DirectoryStorage;
    std::size_t written = 0;
    std::set<std::string> touched;

    Status write(const std::string& name, std::string_view bytes, Sync sync) override {
        written += bytes.size();
        touched.insert(name);
        return DirectoryStorage::write(name, bytes, sync);
    }
    Status write_at(const std::string& name, std::size_t offset, std::string_view bytes,
                    Sync sync) override {
        written += bytes.size();
        touched.insert(name);
        return DirectoryStorage::write_at(name, offset, bytes, sync);
    }
    // As IndexedDB-backed storage does, so idbfs_bytes() counts what it would store.
    bool fills_segments_ahead() const override { return false; }
    std::size_t idbfs_bytes() const {
        std::size_t total = 0;
        for (const auto& name : touched)
            if (exists(name))
                total += std::filesystem::file_size(std::filesystem::path(directory()) / name);
        return total;
    }
    void reset() {
        written = 0;
        touched.clear();
    }
};

long peak_rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

Workspace make_workspace(int records) {
    Workspace ws;
    ws.name = "Benchmark";
    ws.directory.add_team({"t-1", "Field", "u-m"});
    ws.directory.add_user({"u-m", "Manager", "", Role::Manager, "t-1"});
    for (int i = 0; i < 10; ++i)
        ws.directory.add_user(
            {"u-" + std::to_string(i), "Rep " + std::to_string(i), "", Role::Rep, "t-1"});
    // Deals get a touch SLA that the Proposal stage pauses and Negotiation meets.
    auto policies = sla_policies_from_json(
        json::parse(R"([{"id": "deal_touch", "name": "Deal touched", "record_type": "deal",
            "stops": {"==": [{"var": "stage"}, "Negotiation"]},
            "pauses": {"==": [{"var": "stage"}, "Proposal sent"]},
            "within": "5 business days", "alert": ["owner"], "escalate_to": ["owner_manager"]}])"),
        "$.sla_policies");
    ws.sla_policies = *policies;
    const int companies = records / 10;
    const char* stages[] = {"Lead", "Qualified", "Meeting scheduled", "Proposal sent",
                            "Negotiation"};
    for (int i = 0; i < records; ++i) {
        Record record;
        record.owner = "u-" + std::to_string(i % 10);
        record.created_by = record.updated_by = record.owner;
        record.created_at = record.updated_at = Instant{1'780'000'000 + i};
        if (i < companies) {
            record.type = "company";
            record.id = "company-" + std::to_string(i + 1);
            record.fields = {{"name", "Company " + std::to_string(i)},
                             {"industry", "Software"},
                             {"employees", 50 + i % 900},
                             {"city", "Lyon"}};
        } else if (i % 3 == 0) {
            record.type = "contact";
            record.id = "contact-" + std::to_string(i);
            record.fields = {{"first_name", "Dana"},
                             {"last_name", "Whitfield " + std::to_string(i)},
                             {"email", "dana" + std::to_string(i) + "@example.com"},
                             {"company", "company-" + std::to_string(i % companies + 1)}};
        } else {
            record.type = "deal";
            record.id = "deal-" + std::to_string(i);
            record.fields = {{"name", "Deal " + std::to_string(i)},
                             {"company", "company-" + std::to_string(i % companies + 1)},
                             {"amount", {{"amount", 1000 + i}, {"currency", "USD"}}},
                             {"stage", stages[i % 5]},
                             {"close_date", "2027-01-15"}};
        }
        ws.put(std::move(record));
    }
    return ws;
}

// Edits `count` deals one by one; returns the bytes appended (0 on failure)
// and the largest rewrite an IndexedDB-backed mount would make for one edit.
std::pair<std::size_t, std::size_t> edit_deals(Engine& engine, CountingStorage& storage,
                                               int records, int count, int first) {
    std::size_t worst_idbfs = 0, total_written = 0;
    for (int i = first; i < first + count; ++i) {
        storage.reset();
        // Deals are the records numbered above the companies that are not multiples of 3.
        const int companies = records / 10, span = (records - companies - 2) / 3;
        const std::string id = "deal-" + std::to_string(companies + 1 + 3 * ((i * 7919) % span));
        const Record* record = engine.workspace().find(id);
        if (!record || !engine
                            .apply(UpdateRecord{id, {{"probability", i % 100 + 1}}}, record->owner,
                                   Instant{1'790'000'000 + i})
                            .ok) {
            std::printf("  edit of %s FAILED\n", id.c_str());
            return {0, 0};
        }
        total_written += storage.written;
        worst_idbfs = std::max(worst_idbfs, storage.idbfs_bytes());
    }
    return {total_written, worst_idbfs};
}

} // namespace

int main(int argc, char** argv) {
    const int records = argc > 1 ? std::atoi(argv[1]) : 100000;
    const auto dir = std::filesystem::temp_directory_path() / "crm-store-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::printf("store benchmark: %d records\n", records);

    auto start = std::chrono::steady_clock::now();
    const std::string exported = export_workspace(make_workspace(records));
    std::printf("  export:            %9.1f ms  %11zu bytes of JSON\n", ms_since(start),
                exported.size());

    start = std::chrono::steady_clock::now();
    auto imported = import_workspace(exported);
    if (!imported) {
        std::printf("  import FAILED: %s\n", imported.error().c_str());
        return 1;
    }
    std::printf("  import:            %9.1f ms  %11zu records\n", ms_since(start),
                imported->record_count());
    const bool round_trip = export_workspace(*imported) == exported;
    std::printf("  round trip:        %s\n",
                round_trip ? "identical (export -> import -> export)" : "DIFFERS");

    CountingStorage storage(dir.string());
    WorkspaceStore store(storage);
    Engine engine;
    start = std::chrono::steady_clock::now();
    if (!store.replace(engine, std::move(*imported))) return 1;
    std::printf("  snapshot write:    %9.1f ms  %11zu bytes\n", ms_since(start), storage.written);

    Engine opened;
    start = std::chrono::steady_clock::now();
    if (!store.open(opened)) return 1;
    std::printf("  open:              %9.1f ms  %11zu records\n", ms_since(start),
                opened.workspace().record_count());

    storage.reset();
    start = std::chrono::steady_clock::now();
    const auto outcome = opened.apply(UpdateRecord{"deal-20000", {{"stage", "Negotiation"}}}, "u-0",
                                      Instant{1'790'000'000});
    if (!outcome.ok) {
        std::printf("  edit FAILED: %s\n", outcome.message.c_str());
        return 1;
    }
    std::printf("  one edit:          %9.3f ms  %11zu bytes appended, %zu bytes rewritten by IDBFS "
                "(%zu file)\n",
                ms_since(start), storage.written, storage.idbfs_bytes(), storage.touched.size());
    bool edit_small = storage.idbfs_bytes() < 64 * 1024;

    const int edits = 2000;
    start = std::chrono::steady_clock::now();
    const auto [total_written, worst_idbfs] = edit_deals(opened, storage, records, edits, 0);
    const double durable_ms = ms_since(start);
    if (!total_written) return 1;
    std::printf("  %d edits:        %9.1f ms  %11zu bytes appended (%.0f per edit), worst IDBFS "
                "rewrite %zu bytes\n",
                edits, durable_ms, total_written, static_cast<double>(total_written) / edits,
                worst_idbfs);
    edit_small = edit_small && worst_idbfs < 64 * 1024;

    // What durability costs: the same edits on a store that never syncs.
    {
        CountingStorage unsynced(dir.string(), Durability::Unsynced);
        WorkspaceStore unsynced_store(unsynced);
        Engine unsynced_engine;
        if (!unsynced_store.open(unsynced_engine)) return 1;
        start = std::chrono::steady_clock::now();
        if (!edit_deals(unsynced_engine, unsynced, records, edits, edits).first) return 1;
        const double unsynced_ms = ms_since(start);
        std::printf("  one durable edit:  %9.3f ms  (journal line synced before it is "
                    "acknowledged)\n",
                    durable_ms / edits);
        std::printf("  one edit, no sync: %9.3f ms  (what the sync costs: %.3f ms)\n",
                    unsynced_ms / edits, (durable_ms - unsynced_ms) / edits);
    }

    // The minute timer: the first catch-up raises every breach at once; after
    // that a tick finds nothing new. Then the two queues the timer refreshes.
    storage.reset();
    start = std::chrono::steady_clock::now();
    const auto caught_up = opened.raise_breaches(Instant{1'790'100'000});
    std::printf("  breach catch-up:   %9.1f ms  %11zu breaches, %zu bytes journaled\n",
                ms_since(start), caught_up.size(), storage.written);
    start = std::chrono::steady_clock::now();
    const auto tick = opened.raise_breaches(Instant{1'790'100'060});
    std::printf("  next timer tick:   %9.1f ms  %11zu new breaches\n", ms_since(start),
                tick.size());
    start = std::chrono::steady_clock::now();
    const auto quiet = opened.raise_breaches(Instant{1'790'100'120});
    std::printf("  a quiet tick:      %9.1f ms  %11zu new breaches\n", ms_since(start),
                quiet.size());
    start = std::chrono::steady_clock::now();
    const auto work = next_actions(opened.workspace(), "u-1", Instant{1'790'100'060});
    std::printf("  My work, one rep:  %9.1f ms  %11zu items\n", ms_since(start), work.size());
    start = std::chrono::steady_clock::now();
    const auto queues = exception_queues(opened.workspace(), "u-m", Instant{1'790'100'060});
    std::printf("  exception queues:  %9.1f ms  %11zu groups\n", ms_since(start), queues.size());

    storage.reset();
    start = std::chrono::steady_clock::now();
    if (!store.compact(opened)) return 1;
    std::printf("  compaction:        %9.1f ms  %11zu bytes\n", ms_since(start), storage.written);
    std::printf("  peak memory:       %9ld KiB\n", peak_rss_kib());
    std::printf("  one edit under 64 KiB of storage writes: %s\n", edit_small ? "yes" : "NO");
    std::filesystem::remove_all(dir);
    return round_trip && edit_small ? 0 : 1;
}
