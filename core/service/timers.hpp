// The timer: what happens because time passed, in one order for every caller
// (the web app on open and every minute, `crm tick`, `crm next-actions`).
// Flows whose start condition came true with time start first, then SLA
// breaches are raised, so a breach on a record a start just touched is seen;
// then the rules driven by time run.
#pragma once

#include "engine/engine.hpp"
#include "util/time.hpp"

#include <string>
#include <vector>

namespace crm {

struct TickReport {
    std::vector<std::string> started; // flows started, in words
    // Breaches raised and whose inbox they went to, in words: "SLA breached:
    // First response on Zoë Novak — Maria Lindqvist notified".
    std::vector<std::string> alerts;
    std::vector<RuleRun> rules; // what time-driven rules did (or why they could not)
    // Lead scores decay changed, and leads that reached the MQL threshold.
    std::vector<std::string> scored;
    bool empty() const {
        return started.empty() && alerts.empty() && rules.empty() && scored.empty();
    }
};

// Runs the engine's timers at `now`. Each is journaled (or, when saving
// fails, engine.save_failure() says so; the caller asks).
TickReport tick(Engine& engine, Instant now);

} // namespace crm
