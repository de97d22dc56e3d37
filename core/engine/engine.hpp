// The engine: the one way in. apply() checks a command (actor, permissions,
// field types, references), turns it into events, hands them to the sink
// (the journal) and only then updates the workspace.
#pragma once

#include "engine/command.hpp"
#include "engine/event.hpp"
#include "model/workspace.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace crm {

// The actor of everything automation does: reactions and the timer. decide()
// accepts it with an admin's rights; gates apply to it as to anyone.
inline constexpr const char* kAutomationActor = "automation";
// Changes automation may make in answer to one change before it stops and
// asks a person (the manual recovery queue): a cascade that does not settle.
inline constexpr int kMaxReactionsPerChange = 64;

// Where accepted batches go before they change state (the journal).
class EventSink {
  public:
    virtual ~EventSink() = default;
    virtual Status append(const EventBatch& batch) = 0;
};

struct FieldProblem {
    std::string field;      // field id
    std::string message;    // "expected a date as YYYY-MM-DD, got \"soon\""
    bool own_words = false; // an admin's validation message: shown as written, without the label
};

// A row of an import that cannot go in: its row, the field (or "owner", or
// "" for the row as a whole) and what is wrong.
struct RowProblem {
    std::size_t row = 0;
    std::string field;
    std::string message;
    bool own_words = false; // as FieldProblem::own_words
};

// What an import does with a row.
enum class RowAction { Add, Update, Unchanged, Fail };

struct PlannedRow {
    std::size_t row = 0;
    RowAction action = RowAction::Fail;
    std::string record_id; // the record (or user) it updates (Update, Unchanged)
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
    std::vector<RowProblem> rows;       // an import's rows that cannot go in
    std::string record_id;              // the created or changed record
    std::optional<BlockedMove> blocked; // set when a gate stopped a move
    std::vector<std::string> warnings;  // a passed warn gate, or what automation started
    bool not_saved = false;             // accepted, but the journal could not keep it
    // What the command itself committed (undo reads it); shared, as an
    // import's batch is large and the reactions read it too.
    std::shared_ptr<const EventBatch> batch;
    std::string summary; // what a logged activity did, in words
};

// What decide() found besides the verdict.
struct DecideDetails {
    std::vector<FieldProblem> problems;
    std::vector<RowProblem> rows;
    std::vector<PlannedRow> planned_rows; // a people import: what each row that passes does
    std::optional<BlockedMove> blocked;
    std::vector<std::string> warnings;
    std::string summary; // what the command does, in words (a logged activity)
};

// A command's batch as decide() returned it, with the engine's generation
// then: committed as it is while nothing has changed (an import's dry run
// followed by its commit checks every row once, not twice).
struct DecidedBatch {
    EventBatch batch;
    DecideDetails details;
    std::uint64_t generation = 0;
};

// One command a reactor wants run, as the automation actor, through decide().
struct Reaction {
    Command command;
    std::string record_id; // the record it is about, for the recovery queue
    std::string what;      // "Sales pipeline start": what reacted, in words, for history
};

// Reacts to committed batches: flow starts, SLA pauses, breach actions, and
// (later) automation rules. Reads state only; what it wants done it returns.
class Reactor {
  public:
    virtual ~Reactor() = default;
    virtual std::vector<Reaction> react(const Workspace& workspace, const EventBatch& batch,
                                        Instant now) const = 0;
};

class Engine {
  public:
    explicit Engine(Workspace workspace = {});

    // Starts over from a loaded workspace whose journal ends at `seq`;
    // keeps the device, the sink and the reactors.
    void load(Workspace workspace, std::uint64_t seq);
    // Whether load() works out every record's deadlines (SLA clocks, next
    // actions) before it returns, as the command line and its first screen
    // want. The browser shows its first screen sooner without: that screen
    // works out the deadlines it shows, and the first tick() the rest.
    void set_deadlines_on_load(bool on_load) { m_deadlines_on_load = on_load; }
    // Works out the deadlines of every record, once after each load().
    void keep_deadlines();
    // The device new batches and record ids are made on ("" keeps old-style ids).
    void set_device(std::string device) { m_device = std::move(device); }
    const std::string& device() const { return m_device; }
    void add_reactor(std::shared_ptr<const Reactor> reactor) {
        m_reactors.push_back(std::move(reactor));
    }

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
    // Checks, journals and applies a command, then lets the reactors answer
    // it (each reaction one more journal entry, caused by the one before).
    Outcome apply(const Command& command, const std::string& actor, Instant now);
    // apply() with a batch decide() made for this command, actor and time:
    // committed as it is when the engine has not changed since, else decided again.
    Outcome apply_decided(const Command& command, DecidedBatch decided, const std::string& actor,
                          Instant now);
    // Changes with every commit, replay and load: a decided batch is only
    // good for the generation it was decided in.
    std::uint64_t generation() const { return m_generation; }
    // Starts every flow whose start condition holds now, for conditions that
    // depend on time (renewal 120 days ahead). Call on open and on a timer.
    // Returns what was started, in words.
    std::vector<std::string> start_due_flows(Instant now);
    // Raises each SLA breach once (journaled, so once across reloads and
    // replays) and says what happened ("SLA breached: X on Y; escalated to Z").
    std::vector<std::string> raise_breaches(Instant now);
    // Runs the rules driven by time (idle, N days before a date, SLA at risk)
    // whose occasions came due, each once per record (journaled); returns
    // what they did, as the automation log has it.
    std::vector<RuleRun> run_due_rules(Instant now);
    // Brings lead scores that decay changed by `now` up to date (journaled as
    // "Lead scoring"); says what changed. Looks at every lead once after open
    // or a model change, then only at leads changed since and leads whose
    // score was due to change (core/engine/scoring_timer.cpp).
    std::vector<std::string> rescore_due(Instant now);

    // Journals and applies a batch another device made, as merge_remote_batch()
    // fitted it to this workspace (sync/merge.hpp). It keeps its device, clock
    // and origin. Reactors do not answer it: its device's reactions follow it.
    Status receive(EventBatch batch);

    // Replays a journaled batch (on open). Seq numbers must follow on.
    Status replay(const EventBatch& batch);

  private:
    // Journals and applies the batch; on success it carries its seq and device.
    Status commit(EventBatch& batch);
    // What commit() and receive() share: check, journal, apply, note the changes.
    Status journal_and_apply(const EventBatch& batch);
    // Decides and commits what automation does for `cause`, then its reactions.
    std::vector<std::string> run_automation(const Command& command, const Cause& cause,
                                            Instant now);
    // Runs the reactors on a committed batch and on every batch they commit,
    // until nothing more happens or kMaxReactionsPerChange is reached.
    std::vector<std::string> react_to(std::shared_ptr<const EventBatch> batch, Instant now);
    // Commits a decided command and lets the reactors answer it.
    Outcome finish(const Command& command, Result<EventBatch> batch, const DecideDetails& details,
                   const std::string& actor, Instant now);
    void note_reaction_failed(const Reaction& reaction, const std::string& reason,
                              const EventBatch& cause, Instant now);
    void note_blocked_move(const Command& command, const BlockedMove& blocked,
                           const std::string& actor, Instant now);

    // The minute timer looks at every record only when it must: the first time,
    // after definitions change, or when a rule depends on time alone. Otherwise
    // it looks at records changed since and records whose clock comes due.
    struct TimerIndex {
        bool scan_all = true;             // SLA clocks
        bool flow_starts_checked = false; // flow starts with time-independent conditions
        std::unordered_set<std::string> changed;
        std::unordered_map<std::string, Instant> wake; // record -> the next due of its clocks
        std::set<std::pair<Instant, std::string>> wake_order;
        struct Scores {
            bool scanned = false;                          // every lead looked at once
            std::unordered_set<std::string> changed;       // leads to look at again
            std::unordered_map<std::string, Instant> wake; // lead -> its score's next change
            std::set<std::pair<Instant, std::string>> wake_order;
        } scores;
    };
    void note_changes(const EventBatch& batch);
    std::vector<const Record*> records_to_check(Instant now);
    void schedule(const std::string& record_id, std::optional<Instant> wake);
    std::vector<std::string> leads_to_rescore(Instant now);
    void schedule_score(const std::string& lead_id, std::optional<Instant> wake);

    Workspace m_workspace;
    std::string m_device;
    std::vector<std::shared_ptr<const Reactor>> m_reactors;
    EventSink* m_sink = nullptr;
    std::uint64_t m_last_seq = 0;
    std::uint64_t m_generation = 0;
    bool m_deadlines_on_load = true;
    bool m_deadlines_kept = false; // since the last load()
    std::optional<std::string> m_save_failure;
    TimerIndex m_timer;
    // When time-driven rules were last looked at: again once something
    // changed, an occasion comes due, or always while a rule watches SLA risk.
    struct RulesTimer {
        std::uint64_t generation = ~std::uint64_t(0);
        std::optional<Instant> next_due;
        bool watches_sla = false;
    };
    RulesTimer m_rules_timer;
};

} // namespace crm
