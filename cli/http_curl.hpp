// The command line's HTTP to the team database, through libcurl (Debian's
// libcurl4-openssl-dev): core's HttpRequest sent to DATABASE_URL/path.
#pragma once

#include "sync/http.hpp"

#include <string>

namespace crm {

struct TeamServer {
    std::string database;       // "http://127.0.0.1:5984/team", no trailing slash
    std::string user, password; // HTTP basic authentication; empty user: none
    long timeout_seconds = 60;  // per request
};

HttpResponse send_http(const TeamServer& server, const HttpRequest& request);

} // namespace crm
