// The engine: the one way in. apply() checks a command (actor, permissions,
// field types, references), turns it into events, hands them to the sink
// (the journal) and only then updates the workspace.
#pragma once

#include "engine/command.hpp"
#include "engine/event.hpp"
#include "model/workspace.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace crm {

// The actor automation acts as when no person caused it (timers).
inline constexpr const char* kSystemActor = "system";

// Where accepted batches go before they change state (the journal).
class EventSink {
  public:
    virtual ~EventSink() = default;
    virtual Status append(const EventBatch& batch) = 0;
};

struct FieldProblem {
    std::string field;   // field id
    std::string message; // "expected a date as YYYY-MM-DD, got \"soon\""
};

// A stage move that its gate stopped: what is missing, in words a person can act on.
struct BlockedMove {
    std::string flow;
    std::string to;                   // the target's id
    std::vector<std::string> missing; // required field ids not set
    std::vector<std::string> failing; // entry conditions not met, in plain words
    bool warning = false;             // a warn gate: confirm_warnings passes it
    bool needs_reason = false;        // exits and some outcomes ask why
};

struct Outcome {
    bool ok = false;
    std::string message;                // on failure: the whole reason, one line
    std::vector<FieldProblem> problems; // per field, for inline messages
    std::string record_id;              // the created or changed record
    std::optional<BlockedMove> blocked; // set when a gate stopped a move
    std::vector<std::string> warnings;  // a passed warn gate, or what automation started
    bool not_saved = false;             // accepted, but the journal could not keep it
};

// What decide() found besides the verdict.
struct DecideDetails {
    std::vector<FieldProblem> problems;
    std::optional<BlockedMove> blocked;
    std::vector<std::string> warnings;
};

class Engine {
  public:
    explicit Engine(Workspace workspace = {});

    const Workspace& workspace() const { return m_workspace; }
    void set_sink(EventSink* sink) { m_sink = sink; }
    std::uint64_t last_seq() const { return m_last_seq; }
    // Why the last batch the sink refused was not saved (disk full, ...), until
    // one is saved again. Timers keep going after a failed save; callers ask.
    const std::optional<std::string>& save_failure() const { return m_save_failure; }
    void set_last_seq(std::uint64_t seq) { m_last_seq = seq; }

    // Checks without changing anything.
    Result<EventBatch> decide(const Command& command, const std::string& actor, Instant now,
                              DecideDetails* details = nullptr) const;
    // Checks, journals and applies a command, then starts any flow whose start
    // condition it made true (automation: one more journal entry each).
    Outcome apply(const Command& command, const std::string& actor, Instant now);
    // Starts every flow whose start condition holds now, for conditions that
    // depend on time (renewal 120 days ahead). Call on open and on a timer.
    // Returns what was started, in words.
    std::vector<std::string> start_due_flows(Instant now);
    // Raises each SLA breach once (journaled, so once across reloads and
    // replays) and says who was told. Call on open and on a timer.
    std::vector<std::string> raise_breaches(Instant now);

    // Replays a journaled batch (on open). Seq numbers must follow on.
    Status replay(const EventBatch& batch);

  private:
    Status commit(EventBatch batch);
    void note_blocked_move(const Command& command, const BlockedMove& blocked,
                           const std::string& actor, Instant now);
    // Journals the pauses a change to the record started or ended.
    void track_pauses(const std::string& record_id, const std::string& actor, Instant now);
    std::vector<std::string> start_flows_for(const std::string& record_id, const std::string& actor,
                                             Instant now, int depth);

    // The minute timer looks at every record only when it must: the first time,
    // after definitions change, or when a rule depends on time alone. Otherwise
    // it looks at records changed since and records whose clock comes due.
    struct TimerIndex {
        bool scan_all = true;             // SLA clocks
        bool flow_starts_checked = false; // flow starts with time-independent conditions
        std::unordered_set<std::string> changed;
        std::unordered_map<std::string, Instant> wake; // record -> the next due of its clocks
        std::set<std::pair<Instant, std::string>> wake_order;
    };
    void note_changes(const EventBatch& batch);
    std::vector<const Record*> records_to_check(Instant now);
    void schedule(const std::string& record_id, std::optional<Instant> wake);

    Workspace m_workspace;
    EventSink* m_sink = nullptr;
    std::uint64_t m_last_seq = 0;
    std::optional<std::string> m_save_failure;
    TimerIndex m_timer;
};

} // namespace crm
