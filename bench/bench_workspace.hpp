// The workspace the scale benchmarks run on, generated at any size so that
// nothing large is committed.
#pragma once

#include "model/workspace.hpp"

#include <cstddef>

namespace crm::bench {

// "Now" for the generated workspace: 2026-12-04, its records spread over the
// year before.
inline constexpr Instant kBenchNow{1796342400};
// The rep who owns 6 % of the records (6,000 of 100k), whose My work is timed.
inline constexpr const char* kBusyRep = "u-rep0";

// `records` in all: 20 % deals in the sales pipeline with three to six stage
// entries each (one in ten moved back a stage), half of them closed won or
// lost; 15 % leads, most with a first follow-up; 10 % tickets in the support
// flow, resolved ones rated; 5 % subscriptions, a third with a decided
// renewal; 40 % activities on deals and leads; the rest companies and
// contacts. 30 reps in 3 teams with a manager each, and an admin.
Workspace generated_workspace(std::size_t records);

} // namespace crm::bench
