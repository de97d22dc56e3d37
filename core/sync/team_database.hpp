// Starting a team database from a workspace, and joining one (docs/sync.md).
//
// The workspace as it stands when published travels as base documents:
// "ws-base" holds its settings (the export's, without records) and where its
// device's journal stood; "ws-records-NNNNNN" hold its records, a page each.
// Everything after travels as batches (sync/replication.hpp).
#pragma once

#include "engine/engine.hpp"
#include "model/workspace.hpp"
#include "sync/http.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crm {

inline constexpr std::size_t kRecordsPerBaseDocument = 500;
inline constexpr std::size_t kBaseDocumentsPerRequest = 8;

// Creates the team database and sends the base; once the server took it all,
// journals the checkpoint that makes this workspace the team's.
class PublishSession {
  public:
    PublishSession(Engine& engine, std::string database, std::string actor, Instant now);
    std::optional<HttpRequest> next();
    void take(const HttpResponse& response);
    bool done() const { return m_done; }
    const std::string& error() const { return m_error; } // empty: published
    std::uint64_t bytes_sent() const { return m_bytes; }

  private:
    void finish();
    Engine& m_engine;
    std::string m_database, m_actor;
    Instant m_now;
    std::uint64_t m_through = 0; // the journal the base covers
    std::vector<HttpRequest> m_requests;
    std::size_t m_next = 0;
    std::uint64_t m_bytes = 0;
    std::string m_since = "0"; // the change feed once the base is in
    std::string m_error;
    bool m_done = false;
};

// Reads the base documents and builds the workspace they hold, checked as an
// import is; its TeamSync holds what the batches that follow need.
class JoinSession {
  public:
    explicit JoinSession(std::string database) : m_database(std::move(database)) {}
    std::optional<HttpRequest> next();
    void take(const HttpResponse& response);
    bool done() const { return m_done; }
    // Once done: the workspace, or what went wrong.
    Result<Workspace> workspace() const;
    std::uint64_t bytes_received() const { return m_bytes; }

  private:
    void fail(std::string message);
    void take_page(const HttpResponse& response);
    std::string m_database;
    std::string m_after; // the last document id read
    nlohmann::json m_base;
    std::vector<nlohmann::json> m_records;
    std::string m_error;
    std::uint64_t m_bytes = 0;
    bool m_done = false;
    bool m_checked = false; // the database answered
};

// Joining `database` replaces the workspace on this device: refused while it
// is another team's copy holding `unsent` changes (this device's batches
// not on that team's server yet), which the team would never get.
Status check_join(const Workspace& current, const std::string& database, std::size_t unsent);

// A sync failure's words for an HTTP answer that is not a success (shared by
// publish, join and sync): no answer, refused credentials, no database.
std::optional<std::string> http_failure(const std::string& database, const HttpResponse& response,
                                        bool database_check);

} // namespace crm
