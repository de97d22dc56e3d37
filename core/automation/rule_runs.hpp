// When rules run. Changes: RuleReactor answers each committed batch with the
// rules its events trigger (record created, a field changed, a stage entered
// or left, a flow started or ended, an SLA breached, a score crossed, a
// satisfaction score given) and with the next step of a rule that ran. Time:
// due_rule_runs() finds the idle, date and SLA-at-risk occasions that came due,
// each named so it runs once per record however often the timer looks.
#pragma once

#include "engine/engine.hpp"

#include <optional>
#include <vector>

namespace crm {

class RuleReactor : public Reactor {
  public:
    std::vector<Reaction> react(const Workspace& workspace, const EventBatch& batch,
                                Instant now) const override;
};

// Whether a rule's condition holds for the record now (no condition: it does).
bool rule_condition_holds(const Workspace& workspace, const AutomationRule& rule,
                          const Record& record, Instant now);

struct DueRuns {
    std::vector<RunRule> runs;       // occasions due now and not yet run, in record order
    std::optional<Instant> next_due; // the earliest occasion still to come
};
DueRuns due_rule_runs(const Workspace& workspace, Instant now);

// True when some enabled rule is driven by time (idle, dates, SLA at risk).
bool has_time_rules(const Workspace& workspace);
// True when some enabled rule waits for an SLA at risk: a clock's state
// changes with time alone, so the timer looks every time.
bool watches_sla_risk(const Workspace& workspace);

} // namespace crm
