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

// The inbox: a breach tells each person its SLA alerts or escalates to; a
// record whose owner someone else (a person or automation) set tells its new
// owner. One Notify reaction per batch; the notifications are journaled
// events, so replay and reopening never send them twice.
class NotificationReactor : public Reactor {
  public:
    std::vector<Reaction> react(const Workspace& workspace, const EventBatch& batch,
                                Instant now) const override;
};

// The people a breach puts in an inbox: those alerted, then those escalated
// to, once each, as far as the directory knows them.
std::vector<std::string> breach_notified(const Workspace& workspace,
                                         const events::SlaBreached& breach);

std::vector<std::shared_ptr<const Reactor>> builtin_reactors();

} // namespace crm
