// The engine: the one way in. apply() checks a command (actor, permissions,
// field types, references), turns it into events, hands them to the sink
// (the journal) and only then updates the workspace.
#pragma once

#include "engine/command.hpp"
#include "engine/event.hpp"
#include "model/workspace.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <string>
#include <vector>

namespace crm {

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

struct Outcome {
    bool ok = false;
    std::string message;                // on failure: the whole reason, one line
    std::vector<FieldProblem> problems; // per field, for inline messages
    std::string record_id;              // the created or changed record
};

class Engine {
  public:
    explicit Engine(Workspace workspace = {});

    const Workspace& workspace() const { return m_workspace; }
    void set_sink(EventSink* sink) { m_sink = sink; }
    std::uint64_t last_seq() const { return m_last_seq; }
    void set_last_seq(std::uint64_t seq) { m_last_seq = seq; }

    // Checks without changing anything.
    Result<EventBatch> decide(const Command& command, const std::string& actor, Instant now,
                              std::vector<FieldProblem>* problems = nullptr) const;
    Outcome apply(const Command& command, const std::string& actor, Instant now);

    // Replays a journaled batch (on open). Seq numbers must follow on.
    Status replay(const EventBatch& batch);

  private:
    Workspace m_workspace;
    EventSink* m_sink = nullptr;
    std::uint64_t m_last_seq = 0;
};

} // namespace crm
