#include "service/timers.hpp"

namespace crm {

TickReport tick(Engine& engine, Instant now) {
    TickReport report;
    engine.keep_deadlines(); // the first tick after a load visits every record anyway
    report.started = engine.start_due_flows(now);
    report.alerts = engine.raise_breaches(now);
    report.rules = engine.run_due_rules(now);
    report.scored = engine.rescore_due(now);
    return report;
}

} // namespace crm
