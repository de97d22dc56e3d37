// One sync with the team database over the CouchDB replication protocol
// (docs/sync.md), written without I/O: the session says which request to
// send next and takes each answer, so the command line sends them with
// libcurl and the browser with fetch. No server code of our own.
//
//   GET  {db}                  the database is there and the account may read it
//   GET  {db}/_local/crm-<dev> this device's checkpoint, as the server keeps it
//   POST {db}/_revs_diff       which of this device's batches the server lacks
//   POST {db}/_bulk_docs       those batches, as immutable documents (new_edits false)
//   GET  {db}/_changes         what arrived since the checkpoint
//   POST {db}/_bulk_get        the batches it names that this device lacks
//   PUT  {db}/_local/crm-<dev> the new checkpoint
#pragma once

#include "engine/engine.hpp"
#include "sync/http.hpp"
#include "sync/merge_checks.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crm {

// A batch from the team database. It is applied once its device's batch
// before it (`previous`) and everything it had seen (its deps) are here.
struct PulledBatch {
    EventBatch batch;
    std::uint64_t previous = 0;
};

// A batch whose events travel in parts (kBatchDocumentBytes): its head as
// the server gave it, and its parts' events as they come.
struct BatchInParts {
    nlohmann::json head;
    std::vector<std::string> revisions;                // each part's, in order
    std::vector<std::optional<nlohmann::json>> events; // each part's, once fetched
};

// Batches per request, both ways.
inline constexpr std::size_t kSyncPageSize = 200;
// A batch's document holds at most about this much of it (as JSON text);
// a bigger batch (an import) travels in parts of this size. Servers cap a
// document's size: IBM Cloudant at 1 MB, Apache CouchDB at 8 MB by default.
inline constexpr std::size_t kBatchDocumentBytes = 900'000;
// What one _bulk_docs request carries at most (Cloudant takes 10 MB), unless
// one document is bigger; parts are fetched this many at a time.
inline constexpr std::size_t kSendRequestBytes = 4'000'000;
inline constexpr std::size_t kPartsPerRequest = 4;
// More parts than a batch can have (9 GB): a head naming more is not ours.
inline constexpr std::size_t kMostParts = 10'000;

struct SyncReport {
    std::size_t pushed = 0, pulled = 0; // batches
    std::vector<std::string> dropped;   // what pulled batches held that no longer fits here
    std::uint64_t bytes_sent = 0, bytes_received = 0;
    std::string error; // empty when it worked, else what went wrong, in words
};

// This device's batches with seq > `after` that go to the team (sent_to_team).
using OutboxReader = std::function<Result<std::vector<EventBatch>>(std::uint64_t after)>;

class SyncSession {
  public:
    // `database` is the team database's URL, for messages and the checkpoint;
    // `actor` and `now` are what the checkpoint is journaled with.
    SyncSession(Engine& engine, std::string database, OutboxReader outbox, std::string actor,
                Instant now);

    // The next request to send; none once the sync is done or failed.
    std::optional<HttpRequest> next();
    // The answer to the request next() gave.
    void take(const HttpResponse& response);

    bool done() const { return m_phase == Phase::Done; }
    const SyncReport& report() const { return m_report; }

  private:
    enum class Phase {
        CheckDatabase,
        ReadCheckpoint,
        AskMissing,
        CheckForks,
        SendBatches,
        ReadChanges,
        FetchBatches,
        FetchParts,
        WriteCheckpoint,
        Done
    };
    void fail(std::string message);
    void take_answer(const HttpResponse& response);
    std::string phase_name() const;
    bool answered_ok(const HttpResponse& response);
    void start_push();
    void take_missing(const nlohmann::json& answer);
    void take_forks(const nlohmann::json& answer);
    void take_sent(const nlohmann::json& answer);
    void take_changes(const nlohmann::json& answer);
    void take_batches(const nlohmann::json& answer);
    void take_parts(const nlohmann::json& answer);
    void join_parts();
    void page_pulled();
    bool ready(const PulledBatch& pulled) const;
    void apply_ready();
    Status note_gate_problems(const EventBatch& remote, const std::set<std::string>& named,
                              const std::set<PastGate>& before);
    void finish_pull();

    Engine& m_engine;
    std::string m_database;
    OutboxReader m_outbox;
    Phase m_phase = Phase::CheckDatabase;
    SyncReport m_report;
    std::string m_checkpoint_rev; // the server's _local document's revision
    std::string m_since;
    std::vector<EventBatch> m_to_push;
    std::vector<nlohmann::json> m_docs_to_send;
    std::size_t m_docs_sent = 0;       // of m_docs_to_send, by earlier requests of this page
    std::size_t m_docs_in_request = 0; // by the request out now
    std::uint64_t m_pushed_through = 0;
    // A page of the change feed: ids to fetch, and where it ends.
    std::vector<std::string> m_wanted;
    std::string m_page_end;
    std::deque<PulledBatch> m_waiting;              // pulled, waiting for batches they depend on
    std::map<std::string, BatchInParts> m_in_parts; // by head id: heads whose parts are coming
    std::deque<std::pair<std::string, std::string>> m_parts_wanted; // (id, revision)
    std::string m_checkpoint_since;                                 // m_since while nothing waits
    bool m_changed = false; // something to record in the checkpoint
    std::string m_actor;
    Instant m_now;
};

// Why this workspace may not sync with `database`, in words: it belongs to
// another team database, or to none (publishing or joining makes it a team's).
std::optional<std::string> sync_refusal(const Workspace& workspace, const std::string& database);

// Whether a batch of this journal goes to the team: made on this device by a
// person or automation, not merged from elsewhere, not sync's bookkeeping.
bool sent_to_team(const EventBatch& batch, const std::string& device);

// The documents a batch travels as, and back. The head's id
// ("b-<device>-<seq>") names the batch everywhere; each revision derives
// from its content, so a batch sent twice is the same documents. A batch
// bigger than kBatchDocumentBytes travels as parts ("p-<device>-<seq>-<k>",
// each holding a share of its events), then its head, which names the parts'
// revisions; a smaller one as its head alone.
// `previous` is the seq of this device's team batch before it (0: none).
std::vector<nlohmann::json> batch_documents(const EventBatch& batch, std::uint64_t previous);
std::string batch_document_id(const std::string& device, std::uint64_t seq);
// A head as the server gave it, with its parts' events when it has parts.
Result<PulledBatch> batch_from_document(const nlohmann::json& document,
                                        const nlohmann::json* part_events = nullptr);
// The revisions of the parts a head names (none for a batch in one document).
std::vector<std::string> part_revisions(const nlohmann::json& document);
std::string part_document_id(const std::string& batch_id, std::size_t part);

} // namespace crm
