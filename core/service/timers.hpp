// The timer: what happens because time passed, in one order for every caller
// (the web app on open and every minute, `crm tick`, `crm next-actions`).
// Flows whose start condition came true with time start first, then SLA
// breaches are raised, so a breach on a record a start just touched is seen.
#pragma once

#include "engine/engine.hpp"
#include "util/time.hpp"

#include <string>
#include <vector>

namespace crm {

struct TickReport {
    std::vector<std::string> started; // flows started, in words
    std::vector<std::string> alerts;  // breaches raised, in words: "SLA breached: X on Y;
                                      // escalated to Z" (never that anyone was reached)
    bool empty() const { return started.empty() && alerts.empty(); }
};

// Runs the engine's timers at `now`. Each is journaled (or, when saving
// fails, engine.save_failure() says so; the caller asks).
TickReport tick(Engine& engine, Instant now);

} // namespace crm
