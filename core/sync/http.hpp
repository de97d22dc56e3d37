// An HTTP exchange with the team database, as core describes it: the
// command line sends it with libcurl (cli/http_curl.cpp), the browser with
// fetch (web/platform.js). Paths are relative to the database's URL.
#pragma once

#include <string>

namespace crm {

struct HttpRequest {
    std::string method; // "GET", "PUT", "POST"
    std::string path;   // "" for the database itself, "_changes?since=0", ...
    std::string body;   // JSON, or empty
};

struct HttpResponse {
    int status = 0; // 0: no answer (see error)
    std::string body;
    std::string error; // why there was no answer, in words ("could not connect")
};

// Runs a sync, join or publish session to its end, sending each request with
// `send` (HttpRequest -> HttpResponse) and waiting for its answer: the command
// line's way and the tests'. The browser sends one request per frame instead.
template <typename Session, typename Send> void run_to_end(Session& session, Send&& send) {
    while (auto request = session.next())
        session.take(send(*request));
}

// `text` as one component of a URL's query: "a b" -> "a%20b".
std::string url_component(const std::string& text);

} // namespace crm
