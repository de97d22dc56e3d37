// A team database in memory that answers the part of the CouchDB protocol
// sync uses, for core tests that need no network (native and wasm). The CLI
// and browser tests run against a real server (pouchdb-server).
#pragma once

#include "io/json_text.hpp"
#include "sync/http.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace crm::test {

class FakeTeamServer {
  public:
    // Requests answered before the server "dies": later ones get no answer.
    std::optional<std::size_t> answers_left;
    std::string password; // when set, requests must carry it (see handle())
    // A document bigger than this (as JSON text) is refused, as IBM Cloudant
    // refuses one over 1 MB.
    std::optional<std::size_t> max_document_bytes;
    std::size_t requests = 0;

    HttpResponse handle(const HttpRequest& request, const std::string& given_password = "") {
        ++requests;
        if (answers_left) {
            if (*answers_left == 0) return {0, "", "Connection refused"};
            --*answers_left;
        }
        if (!password.empty() && given_password != password)
            return {401, R"({"error":"unauthorized","reason":"Name or password is incorrect."})",
                    ""};
        const auto [path, query] = split(request.path);
        if (path.empty()) return database(request);
        if (!m_created) return {404, R"({"error":"not_found","reason":"no_db_file"})", ""};
        auto body = nlohmann::json::parse(request.body.empty() ? "{}" : request.body);
        if (path.rfind("_local/", 0) == 0) return local(request, path, body);
        if (path == "_revs_diff") return revs_diff(body);
        if (path == "_bulk_docs") return bulk_docs(body);
        if (path == "_bulk_get") return bulk_get(body);
        if (path == "_changes") return changes(query);
        if (path == "_all_docs" && body.contains("keys")) return docs_named(body["keys"]);
        if (path == "_all_docs") return all_docs(query);
        return {404, R"({"error":"not_found"})", ""};
    }

    std::size_t documents_starting(const std::string& prefix) const {
        std::size_t count = 0;
        for (const auto& [id, doc] : m_docs)
            count += id.rfind(prefix, 0) == 0;
        return count;
    }

  private:
    struct Stored {
        nlohmann::json doc;
        std::uint64_t seq = 0;
    };
    using Query = std::map<std::string, std::string>;

    static std::string decoded(const std::string& text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '%' && i + 2 < text.size()) {
                out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                out += text[i];
            }
        }
        return out;
    }
    static std::pair<std::string, Query> split(const std::string& path) {
        const auto mark = path.find('?');
        Query query;
        if (mark == std::string::npos) return {path, query};
        std::string rest = path.substr(mark + 1);
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const std::string pair = rest.substr(0, amp);
            const auto eq = pair.find('=');
            query[pair.substr(0, eq)] = eq == std::string::npos ? "" : decoded(pair.substr(eq + 1));
            rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
        }
        return {path.substr(0, mark), query};
    }
    static HttpResponse ok(const nlohmann::json& body, int status = 200) {
        return {status, body.dump(), ""};
    }

    HttpResponse database(const HttpRequest& request) {
        if (request.method == "PUT") {
            if (m_created) return {412, R"({"error":"file_exists"})", ""};
            m_created = true;
            return ok({{"ok", true}}, 201);
        }
        if (!m_created) return {404, R"({"error":"not_found","reason":"no_db_file"})", ""};
        return ok({{"db_name", "team"}, {"update_seq", m_seq}, {"doc_count", m_docs.size()}});
    }
    HttpResponse local(const HttpRequest& request, const std::string& path,
                       const nlohmann::json& body) {
        if (request.method == "GET") {
            const auto found = m_local.find(path);
            if (found == m_local.end()) return {404, R"({"error":"not_found"})", ""};
            return ok(found->second);
        }
        nlohmann::json doc = body;
        doc["_rev"] = "0-" + std::to_string(++m_local_revs);
        m_local[path] = doc;
        return ok({{"ok", true}, {"rev", doc["_rev"]}}, 201);
    }
    HttpResponse revs_diff(const nlohmann::json& body) {
        nlohmann::json missing = nlohmann::json::object();
        for (const auto& [id, revs] : body.items()) {
            const auto found = m_docs.find(id);
            if (found == m_docs.end() || found->second.doc["_rev"] != revs[0])
                missing[id] = {{"missing", revs}};
        }
        return ok(missing);
    }
    HttpResponse bulk_docs(const nlohmann::json& body) {
        nlohmann::json results = nlohmann::json::array();
        const bool new_edits = body.value("new_edits", true);
        for (auto doc : body["docs"]) {
            const std::string id = doc["_id"];
            if (max_document_bytes && doc.dump().size() > *max_document_bytes)
                return {413, R"({"error":"document_too_large","reason":")" + id + "\"}", ""};
            if (new_edits) doc["_rev"] = "1-" + std::to_string(m_seq + 1);
            doc.erase("_revisions");
            if (new_edits && m_docs.count(id)) {
                results.push_back(
                    {{"id", id}, {"error", "conflict"}, {"reason", "Document update conflict."}});
                continue;
            }
            m_docs[id] = Stored{doc, ++m_seq};
            if (new_edits) results.push_back({{"ok", true}, {"id", id}, {"rev", doc["_rev"]}});
        }
        return ok(results, 201);
    }
    HttpResponse bulk_get(const nlohmann::json& body) {
        nlohmann::json results = nlohmann::json::array();
        for (const auto& wanted : body["docs"]) {
            const std::string id = wanted["id"];
            const auto found = m_docs.find(id);
            nlohmann::json docs = nlohmann::json::array();
            if (found == m_docs.end())
                docs.push_back({{"error", {{"id", id}, {"error", "not_found"}}}});
            else
                docs.push_back({{"ok", found->second.doc}});
            results.push_back({{"id", id}, {"docs", docs}});
        }
        return ok({{"results", results}});
    }
    HttpResponse changes(const Query& query) {
        const std::uint64_t since = query.count("since") ? std::stoull(query.at("since")) : 0;
        const std::size_t limit = query.count("limit") ? std::stoul(query.at("limit")) : 1000000;
        std::map<std::uint64_t, std::string> by_seq;
        for (const auto& [id, stored] : m_docs)
            if (stored.seq > since) by_seq[stored.seq] = id;
        nlohmann::json results = nlohmann::json::array();
        std::uint64_t last = since;
        for (const auto& [seq, id] : by_seq) {
            if (results.size() == limit) break;
            results.push_back(
                {{"id", id},
                 {"seq", seq},
                 {"changes", nlohmann::json::array({{{"rev", m_docs[id].doc["_rev"]}}})}});
            last = seq;
        }
        return ok({{"results", results}, {"last_seq", last}});
    }
    HttpResponse all_docs(const Query& query) {
        const std::string start = nlohmann::json::parse(query.at("startkey")).get<std::string>();
        const std::string end = nlohmann::json::parse(query.at("endkey")).get<std::string>();
        const std::size_t limit = std::stoul(query.at("limit"));
        std::size_t skip = query.count("skip") ? std::stoul(query.at("skip")) : 0;
        nlohmann::json rows = nlohmann::json::array();
        for (auto it = m_docs.lower_bound(start); it != m_docs.end() && it->first <= end; ++it) {
            if (skip) {
                --skip;
                continue;
            }
            if (rows.size() == limit) break;
            rows.push_back({{"id", it->first}, {"key", it->first}, {"doc", it->second.doc}});
        }
        return ok({{"total_rows", m_docs.size()}, {"rows", rows}});
    }

    // POST _all_docs with keys: each one's revision, or not_found.
    HttpResponse docs_named(const nlohmann::json& keys) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& key : keys) {
            const auto found = m_docs.find(key.get<std::string>());
            if (found == m_docs.end())
                rows.push_back({{"key", key}, {"error", "not_found"}});
            else
                rows.push_back(
                    {{"id", key}, {"key", key}, {"value", {{"rev", found->second.doc["_rev"]}}}});
        }
        return ok({{"total_rows", m_docs.size()}, {"rows", rows}});
    }

    bool m_created = false;
    std::uint64_t m_seq = 0;
    std::uint64_t m_local_revs = 0;
    std::map<std::string, Stored> m_docs;
    std::map<std::string, nlohmann::json> m_local;
};

} // namespace crm::test
