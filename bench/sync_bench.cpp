// Sync benchmark: a generated workspace published to a team database, joined
// by a second device, then one edit synced across. Prints time and bytes
// over HTTP to a real CouchDB-protocol server (scripts/bench starts
// pouchdb-server in memory and passes its URL). Asserts only that the edit
// arrived, never timing.
//
// Usage: sync_bench SERVER_URL [RECORDS]   (default 100000)
#include "../cli/http_curl.hpp"
#include "bench_clock.hpp"
#include "bench_workspace.hpp"
#include "io/workspace_json.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"
#include "sync/replication.hpp"
#include "sync/team_database.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace crm;
using crm::bench::ms_since;

namespace {

constexpr const char* kNow = "2026-12-07T09:00:00Z";

template <typename Session> void run(Session& session, const TeamServer& server) {
    run_to_end(session, [&](const HttpRequest& request) { return send_http(server, request); });
}

// One device: a workspace in a scratch directory, open in an engine.
struct Device {
    DirectoryStorage storage;
    WorkspaceStore store{storage};
    Engine engine;
    explicit Device(const std::string& dir) : storage(dir) {}

    void open() {
        if (!store.open(engine)) {
            std::fprintf(stderr, "sync_bench: cannot open %s\n", storage.directory().c_str());
            std::exit(1);
        }
    }
    SyncReport sync(const TeamServer& server, Instant now) {
        SyncSession session(
            engine, server.database,
            [this](std::uint64_t after) -> Result<std::vector<EventBatch>> {
                return store
                    .read_history(
                        [&](const EventBatch& batch) {
                            return batch.seq > after && sent_to_team(batch, engine.device());
                        },
                        after)
                    .batches;
            },
            "u-admin", now);
        run(session, server);
        if (!session.report().error.empty()) {
            std::fprintf(stderr, "sync_bench: %s\n", session.report().error.c_str());
            std::exit(1);
        }
        return session.report();
    }
};

void print_row(const char* step, double ms, std::uint64_t sent, std::uint64_t received) {
    std::printf("  %-38s %10.1f ms %14llu bytes sent %14llu received\n", step, ms,
                static_cast<unsigned long long>(sent), static_cast<unsigned long long>(received));
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: sync_bench SERVER_URL [RECORDS]\n");
        return 2;
    }
    const std::size_t records = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100000;
    const std::string scratch =
        (std::filesystem::temp_directory_path() / "crm-sync-bench").string();
    std::filesystem::remove_all(scratch);
    TeamServer server{
        std::string(argv[1]) + "/bench-" + std::to_string(records) + "-" +
            std::to_string(std::chrono::system_clock::now().time_since_epoch().count()),
        "", "", 600};
    const Instant now = *parse_instant(kNow);

    Device a(scratch + "/a");
    (void)a.storage.ensure_exists();
    Workspace generated = crm::bench::generated_workspace(records);
    const std::size_t export_bytes = export_workspace(generated).size();
    if (!a.store.create(generated)) return 1;
    a.open();
    std::printf("sync_bench: %zu records (their JSON export: %zu bytes), server %s\n", records,
                export_bytes, argv[1]);

    auto start = std::chrono::steady_clock::now();
    PublishSession publish(a.engine, server.database, "u-admin", now);
    run(publish, server);
    if (!publish.error().empty()) {
        std::fprintf(stderr, "sync_bench: %s\n", publish.error().c_str());
        return 1;
    }
    print_row("publish (the initial upload)", ms_since(start), publish.bytes_sent(), 0);

    start = std::chrono::steady_clock::now();
    JoinSession join(server.database);
    run(join, server);
    auto joined = join.workspace();
    if (!joined) {
        std::fprintf(stderr, "sync_bench: %s\n", joined.error().c_str());
        return 1;
    }
    Device b(scratch + "/b");
    (void)b.storage.ensure_exists();
    if (!b.store.create(*joined)) return 1;
    b.open();
    const double join_ms = ms_since(start);
    const SyncReport first = b.sync(server, now);
    print_row("join (initial download, stored)", join_ms, 0,
              join.bytes_received() + first.bytes_received);

    const std::string deal = generated.ids_of_type("deal").front();
    const Outcome edit = a.engine.apply(
        UpdateRecord{deal, {{"next_step", "Send the revised quote"}}}, "u-admin", now);
    if (!edit.ok) {
        std::fprintf(stderr, "sync_bench: the edit was refused: %s\n", edit.message.c_str());
        return 1;
    }
    start = std::chrono::steady_clock::now();
    const SyncReport pushed = a.sync(server, now);
    print_row("one edit: the editing device's sync", ms_since(start), pushed.bytes_sent,
              pushed.bytes_received);
    start = std::chrono::steady_clock::now();
    const SyncReport pulled = b.sync(server, now);
    print_row("one edit: the other device's sync", ms_since(start), pulled.bytes_sent,
              pulled.bytes_received);
    const bool arrived =
        b.engine.workspace().find(deal)->value("next_step") == "Send the revised quote";
    std::printf("  the edit arrived: %s (pushed %zu, pulled %zu)\n", arrived ? "yes" : "NO",
                pushed.pushed, pulled.pulled);
    std::filesystem::remove_all(scratch);
    return arrived ? 0 : 1;
}
