// Starting a team database from a workspace, and joining one (docs/sync.md).
//
// The workspace as it stands when published travels as base documents:
// "ws-base" holds its settings (the export's, without records) and where its
// device's journal stood; "ws-records-NNNNNN" hold its records, a page each.
// Everything after travels as batches (sync/replication.hpp).
#pragma once

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

// The requests that create the database and send the base, in order; each
// must succeed. `through` is the last seq of the publishing device's journal.
std::vector<HttpRequest> publish_requests(const Workspace& workspace, const std::string& device,
                                          std::uint64_t through);

// In words, what an answer to a publish request means when it is not a success.
std::string publish_failure(const std::string& database, const HttpRequest& request,
                            const HttpResponse& response);

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
    std::string m_database;
    std::string m_after; // the last document id read
    nlohmann::json m_base;
    std::vector<nlohmann::json> m_records;
    std::string m_error;
    std::uint64_t m_bytes = 0;
    bool m_done = false;
    bool m_checked = false; // the database answered
};

// A sync failure's words for an HTTP answer that is not a success (shared by
// publish, join and sync): no answer, refused credentials, no database.
std::optional<std::string> http_failure(const std::string& database, const HttpResponse& response,
                                        bool database_check);

} // namespace crm
