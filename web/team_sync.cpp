#include "team_sync.hpp"

#include "util/local_time.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace crm::web {

using nlohmann::json;

namespace {

constexpr const char* kAccountSetting = "crm-team-account";
constexpr const char* kCopySetting = "crm-team-copy";

// A setting's JSON object, or an empty one when it is missing or unreadable.
json setting_object(const char* key) {
    const json value = json::parse(stored_setting(key), nullptr, false);
    return value.is_object() ? value : json::object();
}

std::string count_of(std::size_t count, const char* one, const char* many) {
    return std::to_string(count) + " " + (count == 1 ? one : many);
}

// "40 s", "3 min": how long until a retry, rounded up.
std::string countdown(Instant at, Instant now) {
    const std::int64_t seconds = std::max<std::int64_t>(0, at.seconds - now.seconds);
    if (seconds < 60) return std::to_string(seconds) + " s";
    return std::to_string((seconds + 59) / 60) + " min";
}

std::string retry_words(const SyncStatus& status, Instant now) {
    return status.retry_at <= now ? "retrying now"
                                  : "retrying in " + countdown(status.retry_at, now);
}

} // namespace

TeamAccount load_team_account() {
    const json saved = setting_object(kAccountSetting);
    TeamAccount account;
    account.database = saved.value("database", "");
    account.user = saved.value("user", "");
    account.password = saved.value("password", "");
    return account;
}

void save_team_account(const TeamAccount& account) {
    if (!account.signed_in()) return store_setting(kAccountSetting, "");
    store_setting(
        kAccountSetting,
        json{{"database", account.database}, {"user", account.user}, {"password", account.password}}
            .dump());
}

Result<std::string> team_database_url(const std::string& typed) {
    std::string url = typed;
    url.erase(0, url.find_first_not_of(" \t"));
    while (!url.empty() && (url.back() == '/' || url.back() == ' ' || url.back() == '\t'))
        url.pop_back();
    const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
    const std::size_t host = url.find("//") + 2;
    if (!http || url.find('/', host) == std::string::npos)
        return Error{"Enter the team database's address, like "
                     "https://couch.example.com/northwind"};
    return url;
}

TeamCopy load_team_copy() {
    const json saved = setting_object(kCopySetting);
    return {saved.value("database", ""), saved.value("user", "")};
}

void save_team_copy(const TeamCopy& copy) {
    store_setting(kCopySetting, json{{"database", copy.database}, {"user", copy.user}}.dump());
}

Instant SyncSchedule::next() const {
    if (m_failures > 0) return m_retry_at;
    return m_after_change ? std::min(*m_after_change, m_periodic) : m_periodic;
}

void SyncSchedule::changed(Instant now) {
    if (m_failures > 0) return; // the retry is set; edits must not hammer a failing server
    m_after_change = Instant{now.seconds + kAfterChangeSeconds};
}

void SyncSchedule::succeeded(Instant now) {
    m_failures = 0;
    m_periodic = Instant{now.seconds + kEverySeconds};
}

void SyncSchedule::failed(Instant now) {
    const int doublings = std::min(m_failures, 6); // 5 s * 2^6 passes the longest anyway
    const std::int64_t delay = std::min(kFirstRetrySeconds << doublings, kLongestRetrySeconds);
    ++m_failures;
    m_retry_at = Instant{now.seconds + delay};
}

void SyncSchedule::now_please(Instant now) {
    m_periodic = now;
    m_retry_at = now;
}

void HttpLine::cancel() {
    if (m_busy) cancel_http();
    m_busy = false;
}

std::string HttpLine::request_url(const std::string& database, const HttpRequest& request) {
    return request.path.empty() ? database : database + "/" + request.path;
}

std::string sync_words(const SyncStatus& status, Instant now) {
    const std::size_t waiting = status.waiting.value_or(0);
    if (!status.signed_in) return "Signed out: not syncing";
    if (status.other_tab) return "Syncs in the other tab";
    if (status.syncing) return "Syncing…";
    if (status.offline)
        return waiting ? "Offline — " + count_of(waiting, "change", "changes") + " waiting"
                       : "Offline";
    if (!status.error.empty())
        return "Sync failed: " + status.error + ", " + retry_words(status, now);
    if (waiting) return count_of(waiting, "change", "changes") + " waiting";
    if (status.synced_once) return "Synced " + describe_relative(status.last_synced, now);
    return "Not synced yet";
}

std::string sync_short_words(const SyncStatus& status, Instant now) {
    const std::size_t waiting = status.waiting.value_or(0);
    if (!status.signed_in) return "Signed out";
    if (status.other_tab) return "Other tab syncs";
    if (status.syncing) return "Syncing…";
    if (status.offline)
        return waiting ? "Offline · " + std::to_string(waiting) + " waiting" : "Offline";
    if (!status.error.empty())
        return status.retry_at <= now ? "Sync failed"
                                      : "Sync failed · retry in " + countdown(status.retry_at, now);
    if (waiting) return std::to_string(waiting) + " waiting";
    if (status.synced_once) return "Synced " + describe_relative(status.last_synced, now);
    return "Not synced yet";
}

SyncTone sync_tone(const SyncStatus& status) {
    if (status.syncing || status.other_tab) return SyncTone::Busy;
    if (!status.error.empty()) return SyncTone::Bad;
    if (!status.signed_in || status.offline || status.waiting.value_or(0) > 0 ||
        !status.synced_once)
        return SyncTone::Warning;
    return SyncTone::Good;
}

} // namespace crm::web
