#include "sync/team_database.hpp"

#include "engine/permissions.hpp"
#include "io/json_text.hpp"
#include "io/workspace_json.hpp"

#include <cstdio>

namespace crm {

using nlohmann::json;

namespace {

constexpr const char* kBaseId = "ws-base";
constexpr const char* kRecordsPrefix = "ws-records-";
constexpr int kBaseFormat = 1;

std::string records_document_id(std::size_t page) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%06zu", page);
    return kRecordsPrefix + std::string(digits);
}

HttpRequest bulk_docs(json docs) {
    return {"POST", "_bulk_docs", json{{"docs", std::move(docs)}}.dump()};
}

} // namespace

std::optional<std::string> http_failure(const std::string& database, const HttpResponse& response,
                                        bool database_check) {
    if (response.status == 0)
        return "Cannot reach the team server at " + database + ": " + response.error;
    if (response.status == 401 || response.status == 403)
        return "The team server at " + database +
               " did not accept the user name or password (HTTP " +
               std::to_string(response.status) + ")";
    if (response.status == 404 && database_check)
        return "There is no team database at " + database +
               " (an admin starts one by publishing a workspace to it)";
    if (response.status >= 300)
        return "The team server at " + database + " answered HTTP " +
               std::to_string(response.status) + ": " + response.body.substr(0, 200);
    return std::nullopt;
}

namespace {

// The requests that create the database and send the base, in order.
std::vector<HttpRequest> publish_requests(const Workspace& workspace, const std::string& device,
                                          std::uint64_t through) {
    std::vector<HttpRequest> requests{{"PUT", "", ""}};
    json base = {{"_id", kBaseId},
                 {"format", kBaseFormat},
                 {"device", device},
                 {"through", through},
                 {"clock", workspace.team_sync.clock},
                 {"settings", workspace_settings_to_json(workspace)}};
    json docs = json::array({std::move(base)});
    json page = json::array();
    std::size_t pages = 0;
    const auto flush_page = [&] {
        docs.push_back({{"_id", records_document_id(pages++)}, {"records", std::move(page)}});
        page = json::array();
        if (docs.size() == kBaseDocumentsPerRequest) {
            requests.push_back(bulk_docs(std::move(docs)));
            docs = json::array();
        }
    };
    for (const Record* record : workspace.all_records()) {
        page.push_back(record_to_json(*record));
        if (page.size() == kRecordsPerBaseDocument) flush_page();
    }
    if (!page.empty()) flush_page();
    if (!docs.empty()) requests.push_back(bulk_docs(std::move(docs)));
    return requests;
}

// Why this person cannot start a team from this workspace, if they cannot:
// the team starts from all of it, as a replacing import would.
std::optional<std::string> publish_refusal(const Workspace& workspace, const std::string& actor) {
    if (!workspace.team_sync.database.empty())
        return "This workspace already syncs with " + workspace.team_sync.database;
    const User* person = workspace.directory.user(actor);
    if (!person) return "There is no user \"" + actor + "\" in this workspace";
    if (person->role != Role::Admin)
        return "Only an admin can start a team database from this workspace, and " +
               describe_user(*person) + " is not one";
    return std::nullopt;
}

} // namespace

PublishSession::PublishSession(Engine& engine, std::string database, std::string actor, Instant now)
    : m_engine(engine), m_database(std::move(database)), m_actor(std::move(actor)), m_now(now),
      m_through(engine.last_seq()),
      m_requests(publish_requests(engine.workspace(), engine.device(), m_through)) {
    m_requests.push_back({"GET", "", ""});
    if (auto refusal = publish_refusal(engine.workspace(), m_actor)) {
        m_error = std::move(*refusal);
        m_done = true;
    }
}

std::optional<HttpRequest> PublishSession::next() {
    if (m_done) return std::nullopt;
    m_bytes += m_requests[m_next].body.size();
    return m_requests[m_next];
}

void PublishSession::take(const HttpResponse& response) {
    if (m_requests[m_next].path.empty() && response.status == 412) {
        m_error = "There is already a team database at " + m_database +
                  ": join it instead; a new team needs a new database name";
        m_done = true;
        return;
    }
    if (auto failure = http_failure(m_database, response, false)) {
        m_error = *failure;
        m_done = true;
        return;
    }
    if (m_next + 1 == m_requests.size()) { // the database's state once the base is in
        auto info = parse_json_text(response.body);
        if (info && info->is_object() && info->contains("update_seq")) {
            const auto& seq = (*info)["update_seq"];
            m_since = seq.is_string() ? seq.get<std::string>() : seq.dump();
        }
        return finish();
    }
    ++m_next;
}

void PublishSession::finish() {
    m_done = true;
    EventBatch published;
    published.device = m_engine.device();
    published.at = m_now;
    published.actor = m_actor;
    published.cause.command = "publish";
    // The feed up to here holds only the base, which this device has.
    published.events.push_back(events::SyncCheckpoint{m_database, m_since, m_through});
    if (auto status = m_engine.receive(std::move(published)); !status) m_error = status.error();
}

void JoinSession::fail(std::string message) {
    m_error = std::move(message);
    m_done = true;
}

std::optional<HttpRequest> JoinSession::next() {
    if (m_done) return std::nullopt;
    if (!m_checked) return HttpRequest{"GET", "", ""};
    // The base documents in id order, a page at a time: ws-base, then ws-records-*.
    const std::string start = m_after.empty() ? "\"ws-\"" : json(m_after).dump();
    return HttpRequest{
        "GET",
        "_all_docs?include_docs=true&limit=" + std::to_string(kBaseDocumentsPerRequest) +
            "&skip=" + (m_after.empty() ? "0" : "1") + "&startkey=" + url_component(start) +
            "&endkey=" + url_component("\"ws.\""),
        ""};
}

void JoinSession::take(const HttpResponse& response) {
    try {
        take_page(response);
    } catch (const json::exception&) {
        fail("The team server's list of documents is malformed");
    }
}

void JoinSession::take_page(const HttpResponse& response) {
    m_bytes += response.body.size();
    if (auto failure = http_failure(m_database, response, !m_checked)) return fail(*failure);
    if (!m_checked) {
        m_checked = true;
        return;
    }
    auto answer = parse_json_text(response.body);
    if (!answer || !answer->is_object() || !answer->value("rows", json()).is_array())
        return fail("The team server's list of documents is malformed");
    const json& rows = (*answer)["rows"];
    if (rows.empty()) return (void)(m_done = true);
    for (const auto& row : rows) {
        const json& doc = row.value("doc", json());
        const std::string id = row.value("id", "");
        if (!doc.is_object() || id.empty() || id <= m_after)
            return fail("The team server's list of documents is malformed");
        m_after = id;
        if (id == kBaseId) {
            m_base = doc;
        } else if (id.rfind(kRecordsPrefix, 0) == 0 && doc.value("records", json()).is_array()) {
            for (const auto& record : doc["records"])
                m_records.push_back(record);
        }
    }
}

Result<Workspace> JoinSession::workspace() const {
    if (!m_error.empty()) return Error{m_error};
    if (!m_base.is_object() || m_base.value("format", 0) != kBaseFormat ||
        !m_base.value("settings", json()).is_object() ||
        !m_base.value("device", json()).is_string() ||
        !m_base.value("through", json()).is_number_unsigned() ||
        !m_base.value("clock", json()).is_number_unsigned())
        return Error{"The team database at " + m_database +
                     " holds no workspace this build can read (an admin starts one by publishing a "
                     "workspace)"};
    WorkspaceReader reader;
    if (auto status = reader.read_settings(m_base["settings"]); !status)
        return Error{"The team's workspace: " + status.error()};
    reader.expect_records(m_records.size());
    for (auto record : m_records)
        if (auto status = reader.read_record(std::move(record)); !status)
            return Error{"The team's workspace: " + status.error()};
    auto workspace = reader.finish();
    if (!workspace) return Error{"The team's workspace: " + workspace.error()};
    TeamSync& sync = workspace->team_sync;
    sync.database = m_database;
    sync.clock = m_base["clock"].get<std::uint64_t>();
    sync.applied[m_base["device"].get<std::string>()] = m_base["through"].get<std::uint64_t>();
    return workspace;
}

Status check_join(const Workspace& current, const std::string& database, std::size_t unsent) {
    const std::string& own = current.team_sync.database;
    if (own.empty() || own == database || unsent == 0) return Status::success();
    return Error{"This device has " + std::to_string(unsent) +
                 (unsent == 1 ? " change" : " changes") + " not yet sent to " + own +
                 ", and joining " + database + " would replace " + (unsent == 1 ? "it" : "them") +
                 ". Sign in to " + own + " again and sync first; nothing has changed"};
}

} // namespace crm
