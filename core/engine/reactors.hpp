// The reactions built into every engine: flows that start (or are joined) when
// a record changes, SLA clocks that pause and resume, and what an SLA policy
// does on a breach. Each answers a committed batch with commands that go
// through decide() as the automation actor, like anyone's.
#pragma once

#include "engine/engine.hpp"

#include <memory>
#include <vector>

namespace crm {

class FlowStartReactor : public Reactor {
  public:
    std::vector<Reaction> react(const Workspace& workspace, const EventBatch& batch,
                                Instant now) const override;
};

class SlaPauseReactor : public Reactor {
  public:
    std::vector<Reaction> react(const Workspace& workspace, const EventBatch& batch,
                                Instant now) const override;
};

class BreachActionReactor : public Reactor {
  public:
    std::vector<Reaction> react(const Workspace& workspace, const EventBatch& batch,
                                Instant now) const override;
};

std::vector<std::shared_ptr<const Reactor>> builtin_reactors();

} // namespace crm
