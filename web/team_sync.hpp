// Team sync as the browser app runs it. The sessions are core's (sync/): this
// keeps the account the browser signs in with, decides when the next
// background sync is due, sends a session's requests one at a time through
// fetch, and says where sync stands in words.
#pragma once

#include "platform.hpp"
#include "sync/replication.hpp"
#include "sync/team_database.hpp"
#include "ui_state.hpp"
#include "util/result.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace crm::web {

// The team database and the account on it, kept in the browser profile
// (platform stored_setting), never in the workspace: no export holds it.
struct TeamAccount {
    std::string database; // the database's URL; "" = not signed in
    std::string user;     // the server's account name: the person's user id in the workspace
    std::string password;
    bool signed_in() const { return !database.empty(); }
};
TeamAccount load_team_account();
void save_team_account(const TeamAccount& account); // one not signed in forgets it

// The database URL as typed, without spaces or trailing slashes, or why it is none.
Result<std::string> team_database_url(const std::string& typed);

// This device's copy of a team's workspace: whose it is (also once signed
// out: nobody else acts in it).
struct TeamCopy {
    std::string database, user;
};
TeamCopy load_team_copy();
void save_team_copy(const TeamCopy& copy);

// When the next background sync is due: at once on start, 2 s after the
// last local change, every 30 s; after a failure 5 s, doubling up to 5 min.
class SyncSchedule {
  public:
    static constexpr std::int64_t kEverySeconds = 30;
    static constexpr std::int64_t kAfterChangeSeconds = 2;
    static constexpr std::int64_t kFirstRetrySeconds = 5;
    static constexpr std::int64_t kLongestRetrySeconds = 300;

    bool due(Instant now) const { return now >= next(); }
    Instant next() const;
    void changed(Instant now); // a local change: sync soon, unless retrying after a failure
    void started() { m_after_change.reset(); }
    void succeeded(Instant now);
    void failed(Instant now);
    void now_please(Instant now); // "Sync now", or the network came back
    Instant retry_at() const { return m_retry_at; }

  private:
    Instant m_periodic{};
    std::optional<Instant> m_after_change;
    int m_failures = 0;
    Instant m_retry_at{};
};

// A session's requests, one in flight at a time, through the browser's fetch.
class HttpLine {
  public:
    // Hands the session the answer that arrived, then sends its next request
    // (at most one per call). True when the session took an answer.
    template <class Session> bool step(Session& session, const TeamAccount& account) {
        bool took = false;
        if (m_busy) {
            auto response = take_http_response();
            if (!response) return false;
            m_busy = false;
            session.take(*response);
            took = true;
        }
        if (auto request = session.next()) {
            start_http(*request, request_url(account.database, *request), account.user,
                       account.password);
            m_busy = true;
        }
        return took;
    }
    // Drops the request in flight (its session is gone).
    void cancel();

  private:
    static std::string request_url(const std::string& database, const HttpRequest& request);
    bool m_busy = false;
};

// Where sync stands, in words for the top bar and the team dialog:
// "Synced 2 min ago", "3 changes waiting", "Syncing…", "Offline — 3 changes
// waiting", "Sync failed: <why>, retrying in 40 s". The short form fits a
// tablet's top bar ("Sync failed · retry in 40 s", "Offline · 3 waiting"); where
// that does not fit either (a phone), a failure is "Sync failed".
std::string sync_words(const SyncStatus& status, Instant now);
std::string sync_short_words(const SyncStatus& status, Instant now);
enum class SyncTone { Good, Busy, Warning, Bad };
SyncTone sync_tone(const SyncStatus& status);

// A record deleted here, as its deletion kept it (the conflict queue names it).
struct DeletedRecord {
    std::string title, type;
};

// The app's link with its team: the account, the one session running (a
// join, a publish or a sync), the schedule and what the last sync said.
struct TeamLink {
    TeamAccount account;
    TeamAccount pending; // the account a join or a publish runs for
    SyncSchedule schedule;
    HttpLine line;
    std::optional<JoinSession> join;
    std::optional<PublishSession> publish;
    std::optional<SyncSession> sync;    // holds the engine: ended before the engine is replaced
    std::uint64_t sendable_through = 0; // the journal IndexedDB held when this sync began
    bool offline = false;
    bool synced_once = false;
    Instant last_synced{};
    std::string error; // the last sync's failure, "" once one worked
    // This device's changes not on the server yet: how many the outbox last
    // read (unknown before), plus what was committed here since: the
    // journal's growth less what syncs journaled (pulled batches, checkpoints).
    std::optional<std::size_t> waiting_read;
    std::uint64_t read_at_seq = 0, synced_in_journal = 0, synced_at_read = 0;
    void note_waiting(std::size_t count, std::uint64_t last_seq) {
        waiting_read = count;
        read_at_seq = last_seq;
        synced_at_read = synced_in_journal;
    }
    std::optional<std::size_t> waiting(std::uint64_t last_seq) const {
        if (!waiting_read) return std::nullopt;
        const std::uint64_t grown = last_seq - std::min(last_seq, read_at_seq);
        const std::uint64_t synced = synced_in_journal - synced_at_read;
        return *waiting_read + static_cast<std::size_t>(grown - std::min(grown, synced));
    }
    bool again = false;          // "Sync now" while one ran: one more after it
    std::uint64_t completed = 0; // syncs finished, worked or not (tests wait on it)
    std::uint64_t pulled = 0;    // batches pulled since the app opened (tests)
    std::string words;           // the status as last drawn: a change redraws
};

} // namespace crm::web
