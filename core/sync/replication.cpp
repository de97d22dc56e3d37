#include "sync/replication.hpp"

#include "io/json_text.hpp"
#include "sync/merge.hpp"
#include "sync/team_database.hpp"
#include "util/fnv1a.hpp"

#include <algorithm>
#include <cstdio>

namespace crm {

using nlohmann::json;
namespace ev = events;

namespace {

constexpr const char* kBatchPrefix = "b-";
constexpr std::size_t kSeqDigits = 16; // ids sort in seq order

// A document's revision from its content (FNV-1a, 64 bits): the same batch
// always makes the same revision, so sending it again changes nothing.
std::string content_revision(const std::string& text) {
    const std::uint64_t hash = fnv1a_64(text);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

// "b-k7m2qx-0000000000000042" -> (k7m2qx, 42); nothing for other documents.
std::optional<std::pair<std::string, std::uint64_t>> batch_of_id(const std::string& id) {
    if (id.rfind(kBatchPrefix, 0) != 0 || id.size() < 2 + kSeqDigits + 2) return std::nullopt;
    const std::size_t dash = id.size() - kSeqDigits - 1;
    if (id[dash] != '-') return std::nullopt;
    const std::string digits = id.substr(dash + 1);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::pair(id.substr(2, dash - 2), std::stoull(digits));
}

// A copy restored from a backup (or copied from another device) numbers its
// new batches as the ones it already sent: sending them would put two
// histories under one name, and the team would never see the second.
constexpr const char* kOlderCopy =
    "The team server holds changes from this device that this copy of the workspace does not: "
    "it was restored from a backup or copied from another device. Nothing more was sent; join "
    "the team again as a new device (this copy keeps everything it holds)";

std::string checkpoint_path(const std::string& device) {
    return "_local/crm-" + device;
}

} // namespace

std::optional<std::string> sync_refusal(const Workspace& workspace, const std::string& database) {
    const std::string& own = workspace.team_sync.database;
    if (own.empty())
        return "This workspace is not a team's: publishing starts a team database from it, and "
               "a new device joins one";
    if (own != database) return "This workspace syncs with " + own + ", not " + database;
    return std::nullopt;
}

bool sent_to_team(const EventBatch& batch, const std::string& device) {
    if (batch.device != device || batch.origin_seq) return false;
    return std::any_of(batch.events.begin(), batch.events.end(), [](const Event& event) {
        return !event.as<ev::SyncCheckpoint>() && !event.as<ev::ConflictNoted>() &&
               !event.as<ev::HeadsSet>() && !event.as<ev::SyncProblemNoted>();
    });
}

std::string batch_document_id(const std::string& device, std::uint64_t seq) {
    std::string digits = std::to_string(seq);
    return kBatchPrefix + device + "-" + std::string(kSeqDigits - digits.size(), '0') + digits;
}

std::string part_document_id(const std::string& batch_id, std::size_t part) {
    std::string digits = std::to_string(part);
    return "p-" + batch_id.substr(std::string(kBatchPrefix).size()) + "-" +
           std::string(digits.size() < 4 ? 4 - digits.size() : 0, '0') + digits;
}

namespace {

// `body` as the immutable document `id`, its revision from `text` (its content).
json stored_document(json body, const std::string& id, const std::string& text) {
    const std::string revision = content_revision(text);
    body["_id"] = id;
    body["_rev"] = "1-" + revision;
    body["_revisions"] = {{"start", 1}, {"ids", json::array({revision})}};
    return body;
}

} // namespace

std::vector<json> batch_documents(const EventBatch& batch, std::uint64_t previous) {
    json body = {{"batch", json::parse(batch_to_text(batch))}, {"previous", previous}};
    const std::string id = batch_document_id(batch.device, batch.seq);
    std::string text = body.dump();
    if (text.size() <= kBatchDocumentBytes) return {stored_document(std::move(body), id, text)};
    std::vector<json> documents;
    json revisions = json::array();
    json share = json::array();
    std::size_t bytes = 0;
    const auto close_part = [&] {
        json part = {{"events", std::move(share)}};
        const std::string part_text = part.dump();
        revisions.push_back(content_revision(part_text));
        documents.push_back(
            stored_document(std::move(part), part_document_id(id, revisions.size()), part_text));
        share = json::array();
        bytes = 0;
    };
    for (auto& event : body["batch"]["events"]) {
        const std::size_t size = event.dump().size() + 1;
        if (!share.empty() && bytes + size > kBatchDocumentBytes) close_part();
        bytes += size;
        share.push_back(std::move(event));
    }
    if (!share.empty()) close_part();
    body["batch"]["events"] = json::array();
    body["parts"] = std::move(revisions);
    text = body.dump();
    documents.push_back(stored_document(std::move(body), id, text));
    return documents;
}

std::vector<std::string> part_revisions(const json& document) {
    std::vector<std::string> revisions;
    const auto parts = document.find("parts");
    if (parts == document.end() || !parts->is_array()) return revisions;
    for (const auto& revision : *parts)
        revisions.push_back(revision.is_string() ? revision.get<std::string>() : "");
    return revisions;
}

Result<PulledBatch> batch_from_document(const json& document, const json* part_events) {
    const std::string id = document.value("_id", "");
    const auto named = batch_of_id(id);
    if (!named) return Error{"document " + id + " is not a batch"};
    const auto batch = document.find("batch");
    const auto previous = document.find("previous");
    if (batch == document.end() || previous == document.end() || !previous->is_number_unsigned())
        return Error{"document " + id + " has no batch, or no seq of the batch before it"};
    json whole;
    if (part_events) {
        whole = *batch;
        whole["events"] = *part_events;
    }
    auto read = batch_from_json(part_events ? whole : *batch);
    if (!read) return Error{"document " + id + ": " + read.error()};
    if (read->device != named->first || read->seq != named->second || read->clock == 0)
        return Error{"document " + id + " holds another device's batch, or one without a clock"};
    return PulledBatch{std::move(*read), previous->get<std::uint64_t>()};
}

SyncSession::SyncSession(Engine& engine, std::string database, OutboxReader outbox,
                         std::string actor, Instant now)
    : m_engine(engine), m_database(std::move(database)), m_outbox(std::move(outbox)),
      m_actor(std::move(actor)), m_now(now) {
    const TeamSync& sync = engine.workspace().team_sync;
    m_since = sync.database == m_database ? sync.since : "0";
    m_checkpoint_since = m_since;
    m_pushed_through = sync.pushed_through;
    if (auto refusal = sync_refusal(engine.workspace(), m_database)) fail(std::move(*refusal));
}

void SyncSession::fail(std::string message) {
    m_report.error = std::move(message);
    m_phase = Phase::Done;
}

bool SyncSession::answered_ok(const HttpResponse& response) {
    m_report.bytes_received += response.body.size();
    if (auto failure = http_failure(m_database, response, m_phase == Phase::CheckDatabase)) {
        fail(std::move(*failure));
        return false;
    }
    return true;
}

std::optional<HttpRequest> SyncSession::next() {
    switch (m_phase) {
    case Phase::CheckDatabase:
        return HttpRequest{"GET", "", ""};
    case Phase::ReadCheckpoint:
        return HttpRequest{"GET", checkpoint_path(m_engine.device()), ""};
    case Phase::AskMissing: {
        json ask = json::object();
        std::uint64_t previous = m_pushed_through;
        for (const auto& batch : m_to_push) {
            for (auto& document : batch_documents(batch, previous)) {
                // json::array: a brace around one json value is that value for clang.
                ask[document["_id"].get<std::string>()] = json::array({document["_rev"]});
                m_docs_to_send.push_back(std::move(document));
            }
            previous = batch.seq;
        }
        HttpRequest request{"POST", "_revs_diff", ask.dump()};
        m_report.bytes_sent += request.body.size();
        return request;
    }
    case Phase::CheckForks: {
        json ids = json::array();
        for (const auto& document : m_docs_to_send)
            ids.push_back(document["_id"]);
        HttpRequest request{"POST", "_all_docs", json{{"keys", std::move(ids)}}.dump()};
        m_report.bytes_sent += request.body.size();
        return request;
    }
    case Phase::SendBatches: {
        // Up to kSendRequestBytes a request; a batch's parts go before its head.
        json docs = json::array();
        std::size_t bytes = 0;
        m_docs_in_request = 0;
        for (std::size_t i = m_docs_sent; i < m_docs_to_send.size(); ++i) {
            const json& document = m_docs_to_send[i];
            const std::size_t size = document.dump().size();
            if (!docs.empty() && bytes + size > kSendRequestBytes) break;
            // A head goes once its parts were taken: never a head without them.
            if (!docs.empty() && document.contains("parts")) break;
            bytes += size;
            docs.push_back(m_docs_to_send[i]);
            ++m_docs_in_request;
        }
        HttpRequest request{"POST", "_bulk_docs",
                            json{{"docs", std::move(docs)}, {"new_edits", false}}.dump()};
        m_report.bytes_sent += request.body.size();
        return request;
    }
    case Phase::ReadChanges:
        return HttpRequest{"GET",
                           "_changes?style=main_only&limit=" + std::to_string(kSyncPageSize) +
                               "&since=" + url_component(m_since),
                           ""};
    case Phase::FetchBatches: {
        json docs = json::array();
        for (const auto& id : m_wanted)
            docs.push_back({{"id", id}});
        HttpRequest request{"POST", "_bulk_get", json{{"docs", std::move(docs)}}.dump()};
        m_report.bytes_sent += request.body.size();
        return request;
    }
    case Phase::FetchParts: {
        json docs = json::array();
        for (std::size_t i = 0; i < m_parts_wanted.size() && i < kPartsPerRequest; ++i)
            docs.push_back({{"id", m_parts_wanted[i].first}, {"rev", m_parts_wanted[i].second}});
        HttpRequest request{"POST", "_bulk_get", json{{"docs", std::move(docs)}}.dump()};
        m_report.bytes_sent += request.body.size();
        return request;
    }
    case Phase::WriteCheckpoint: {
        json checkpoint = {{"since", m_since},
                           {"device", m_engine.device()},
                           {"pushed_through", m_pushed_through}};
        if (!m_checkpoint_rev.empty()) checkpoint["_rev"] = m_checkpoint_rev;
        return HttpRequest{"PUT", checkpoint_path(m_engine.device()), checkpoint.dump()};
    }
    case Phase::Done:
        return std::nullopt;
    }
    return std::nullopt;
}

void SyncSession::take(const HttpResponse& response) {
    // A server's answer of the wrong shape ends this sync in words; what
    // earlier pages merged is journaled and stays.
    try {
        take_answer(response);
    } catch (const std::exception&) { // (json's, and a text's bounds)
        fail("The team server's answer is malformed (in " + phase_name() + ")");
    }
}

std::string SyncSession::phase_name() const {
    switch (m_phase) {
    case Phase::CheckDatabase:
        return "the database's description";
    case Phase::ReadCheckpoint:
        return "the checkpoint";
    case Phase::AskMissing:
        return "which changes it lacks";
    case Phase::CheckForks:
        return "which changes it holds";
    case Phase::SendBatches:
        return "the changes sent";
    case Phase::ReadChanges:
        return "the change feed";
    case Phase::FetchBatches:
        return "the changes received";
    case Phase::FetchParts:
        return "the parts of a large change";
    case Phase::WriteCheckpoint:
        return "the new checkpoint";
    case Phase::Done:
        break;
    }
    return "the sync";
}

void SyncSession::take_answer(const HttpResponse& response) {
    if (m_phase == Phase::ReadCheckpoint && response.status == 404) {
        m_report.bytes_received += response.body.size();
        return start_push(); // this device never wrote one there
    }
    if (!answered_ok(response)) return;
    auto answer = parse_json_text(response.body, 64);
    if (m_phase == Phase::SendBatches) return take_sent(answer ? *answer : json());
    if (!answer || !answer->is_object()) {
        if (m_phase == Phase::WriteCheckpoint) return (void)(m_phase = Phase::Done);
        return fail("The team server's answer is not JSON: " + response.body.substr(0, 200));
    }
    switch (m_phase) {
    case Phase::CheckDatabase:
        m_phase = Phase::ReadCheckpoint;
        return;
    case Phase::ReadCheckpoint:
        m_checkpoint_rev = answer->value("_rev", "");
        // The workspace's own checkpoint rules: it was saved with what it covers.
        // The server's says what this device sent, which a copy must hold.
        if (const auto sent = answer->find("pushed_through");
            sent != answer->end() && sent->is_number_unsigned() &&
            sent->get<std::uint64_t>() > m_engine.last_seq())
            return fail(kOlderCopy);
        return start_push();
    case Phase::AskMissing:
        return take_missing(*answer);
    case Phase::CheckForks:
        return take_forks(*answer);
    case Phase::SendBatches:
        return;
    case Phase::ReadChanges:
        return take_changes(*answer);
    case Phase::FetchBatches:
        return take_batches(*answer);
    case Phase::FetchParts:
        return take_parts(*answer);
    case Phase::WriteCheckpoint:
        m_phase = Phase::Done;
        return;
    case Phase::Done:
        return;
    }
}

void SyncSession::start_push() {
    m_to_push.clear();
    m_docs_to_send.clear();
    // `previous` chains from m_pushed_through: 0 for a device that joined and sent nothing yet.
    auto outbox = m_outbox(std::max(m_pushed_through, m_engine.workspace().team_sync.joined_after));
    if (!outbox) return fail("Cannot read this device's changes: " + outbox.error());
    for (auto& batch : *outbox) {
        if (m_to_push.size() == kSyncPageSize) break;
        m_to_push.push_back(std::move(batch));
    }
    m_phase = m_to_push.empty() ? Phase::ReadChanges : Phase::AskMissing;
}

void SyncSession::take_missing(const json& answer) {
    std::vector<json> missing;
    for (auto& document : m_docs_to_send)
        if (answer.contains(document["_id"].get<std::string>()))
            missing.push_back(std::move(document));
    m_docs_to_send = std::move(missing);
    if (!m_docs_to_send.empty()) return (void)(m_phase = Phase::CheckForks);
    // The server has them all already: an earlier sync sent them and stopped.
    m_pushed_through = m_to_push.back().seq;
    m_changed = true;
    start_push();
}

// A batch the server lacks in this revision must be missing altogether: one
// it holds in another is a batch of this device's other history (kOlderCopy).
void SyncSession::take_forks(const json& answer) {
    const auto rows = answer.find("rows");
    if (rows == answer.end() || !rows->is_array())
        return fail("The team server's list of documents is malformed");
    for (const auto& row : *rows)
        if (row.is_object() && row.contains("value")) return fail(kOlderCopy);
    m_phase = Phase::SendBatches;
}

// _bulk_docs answers with a list: with new_edits false, only what failed.
void SyncSession::take_sent(const json& answer) {
    if (!answer.is_array())
        return fail("The team server's answer to the sent changes is malformed");
    for (const auto& result : answer)
        if (result.is_object() && result.contains("error"))
            return fail("The team server did not take " + result.value("id", "a change") + ": " +
                        result.value("reason", result["error"].dump()));
    m_docs_sent += m_docs_in_request;
    if (m_docs_sent < m_docs_to_send.size()) return; // the rest in the next request
    m_report.pushed +=
        std::count_if(m_docs_to_send.begin(), m_docs_to_send.end(), [](const json& document) {
            return batch_of_id(document.value("_id", "")).has_value();
        });
    m_docs_to_send.clear();
    m_docs_sent = 0;
    m_pushed_through = m_to_push.back().seq;
    m_changed = true;
    start_push();
}

void SyncSession::take_changes(const json& answer) {
    const auto results = answer.find("results");
    const auto last = answer.find("last_seq");
    if (results == answer.end() || !results->is_array() || last == answer.end())
        return fail("The team server's change feed is malformed");
    if (results->empty()) return finish_pull();
    const TeamSync& sync = m_engine.workspace().team_sync;
    m_wanted.clear();
    for (const auto& change : *results) {
        const auto batch = batch_of_id(change.value("id", ""));
        if (!batch || batch->first == m_engine.device()) continue;
        const auto applied = sync.applied.find(batch->first);
        if (applied != sync.applied.end() && applied->second >= batch->second) continue;
        m_wanted.push_back(change["id"].get<std::string>());
    }
    m_page_end = last->is_string() ? last->get<std::string>() : last->dump();
    if (!m_wanted.empty()) return (void)(m_phase = Phase::FetchBatches);
    m_since = m_page_end;
    if (m_waiting.empty()) m_checkpoint_since = m_since;
    m_changed = true;
}

void SyncSession::take_batches(const json& answer) {
    const auto results = answer.find("results");
    if (results == answer.end() || !results->is_array())
        return fail("The team server's batches are malformed");
    for (const auto& result : *results) {
        for (const auto& doc : result.value("docs", json::array())) {
            const auto ok = doc.find("ok");
            if (ok == doc.end()) continue; // gone since the feed named it
            if (auto revisions = part_revisions(*ok); !revisions.empty()) {
                const std::string id = ok->value("_id", "");
                if (!batch_of_id(id) || revisions.size() > kMostParts)
                    return fail("A batch on the team server cannot be read: document " + id +
                                " names parts it cannot have");
                for (std::size_t k = 0; k < revisions.size(); ++k)
                    m_parts_wanted.emplace_back(part_document_id(id, k + 1), "1-" + revisions[k]);
                m_in_parts[id] = BatchInParts{*ok, std::move(revisions), {}};
                m_in_parts[id].events.resize(m_in_parts[id].revisions.size());
                continue;
            }
            auto pulled = batch_from_document(*ok);
            if (!pulled)
                return fail("A batch on the team server cannot be read: " + pulled.error());
            m_waiting.push_back(std::move(*pulled));
        }
    }
    if (!m_parts_wanted.empty()) return (void)(m_phase = Phase::FetchParts);
    page_pulled();
}

// The parts of the large batches a page named, a few at a time; once all
// are here, each batch is whole again and waits with the others.
void SyncSession::take_parts(const json& answer) {
    const auto results = answer.find("results");
    if (results == answer.end() || !results->is_array())
        return fail("The team server's parts of a large change are malformed");
    const std::size_t wanted_before = m_parts_wanted.size();
    for (const auto& result : *results)
        for (const auto& doc : result.value("docs", json::array())) {
            const auto ok = doc.find("ok");
            const std::string id = result.value("id", "");
            if (ok == doc.end())
                return fail("A large change on the team server is missing its part " + id);
            const auto wanted = std::find_if(m_parts_wanted.begin(), m_parts_wanted.end(),
                                             [&](const auto& part) { return part.first == id; });
            if (wanted == m_parts_wanted.end()) continue;
            const auto dash = id.rfind('-');
            const std::string head = kBatchPrefix + id.substr(2, dash - 2);
            const std::size_t part = std::stoul(id.substr(dash + 1));
            const auto in_parts = m_in_parts.find(head);
            if (in_parts == m_in_parts.end() || part == 0 ||
                part > in_parts->second.events.size() || ok->value("_rev", "") != wanted->second ||
                !ok->value("events", json()).is_array())
                return fail("A part of a large change on the team server does not match it: " + id);
            in_parts->second.events[part - 1] = (*ok)["events"];
            m_parts_wanted.erase(wanted);
        }
    if (m_parts_wanted.size() == wanted_before) // asking again would get the same
        return fail("The team server did not give the parts of a large change asked for");
    if (m_parts_wanted.empty()) join_parts();
}

// Each large batch of the page whole again, with its parts' events in order.
void SyncSession::join_parts() {
    for (auto& [id, in_parts] : m_in_parts) {
        json events = json::array();
        for (auto& part : in_parts.events)
            for (auto& event : *part)
                events.push_back(std::move(event));
        auto pulled = batch_from_document(in_parts.head, &events);
        if (!pulled) return fail("A batch on the team server cannot be read: " + pulled.error());
        m_waiting.push_back(std::move(*pulled));
    }
    m_in_parts.clear();
    page_pulled();
}

void SyncSession::page_pulled() {
    apply_ready();
    if (m_phase == Phase::Done) return;
    m_since = m_page_end;
    if (m_waiting.empty()) m_checkpoint_since = m_since;
    m_changed = true;
    m_phase = Phase::ReadChanges;
}

bool SyncSession::ready(const PulledBatch& pulled) const {
    const SeenBatches& applied = m_engine.workspace().team_sync.applied;
    const auto applied_of = [&](const std::string& device) {
        const auto found = applied.find(device);
        return found == applied.end() ? std::uint64_t{0} : found->second;
    };
    if (applied_of(pulled.batch.device) < pulled.previous) return false;
    for (const auto& [device, seq] : pulled.batch.deps)
        if (device != m_engine.device() && applied_of(device) < seq) return false;
    return true;
}

void SyncSession::apply_ready() {
    for (bool progress = true; progress;) {
        progress = false;
        for (auto it = m_waiting.begin(); it != m_waiting.end();) {
            const TeamSync& sync = m_engine.workspace().team_sync;
            const auto applied = sync.applied.find(it->batch.device);
            if (applied != sync.applied.end() && applied->second >= it->batch.seq) {
                it = m_waiting.erase(it); // a page listed it twice
                continue;
            }
            if (!ready(*it)) {
                ++it;
                continue;
            }
            MergedBatch merged = merge_remote_batch(m_engine.workspace(), it->batch);
            for (auto& what : merged.dropped)
                m_report.dropped.push_back(std::move(what));
            const auto named = records_named(merged.batch);
            const auto past_before = records_past_gates(m_engine.workspace(), named, m_now);
            if (auto status = m_engine.receive(std::move(merged.batch)); !status)
                return fail(status.error());
            if (auto status = note_gate_problems(it->batch, named, past_before); !status)
                return fail(status.error());
            ++m_report.pulled;
            it = m_waiting.erase(it);
            progress = true;
        }
    }
}

// Changes that each passed a gate on their own device may together leave a
// record past it: listed for a manager, found by this device (never sent).
Status SyncSession::note_gate_problems(const EventBatch& remote, const std::set<std::string>& named,
                                       const std::set<PastGate>& before) {
    auto problems = gate_problems(m_engine.workspace(), remote, named, before, m_now);
    if (problems.empty()) return Status::success();
    EventBatch noted;
    noted.device = m_engine.device();
    noted.at = m_now;
    noted.actor = m_actor;
    noted.cause.command = "sync";
    for (auto& problem : problems)
        noted.events.push_back(ev::SyncProblemNoted{std::move(problem)});
    return m_engine.receive(std::move(noted));
}

void SyncSession::finish_pull() {
    const TeamSync& sync = m_engine.workspace().team_sync;
    if (m_changed || sync.database != m_database) {
        EventBatch checkpoint;
        checkpoint.device = m_engine.device();
        checkpoint.at = m_now;
        checkpoint.actor = m_actor;
        checkpoint.cause.command = "sync";
        checkpoint.events.push_back(
            ev::SyncCheckpoint{m_database, m_checkpoint_since, m_pushed_through});
        if (auto status = m_engine.receive(std::move(checkpoint)); !status)
            return fail(status.error());
    }
    m_since = m_checkpoint_since;
    m_phase = Phase::WriteCheckpoint;
}

} // namespace crm
