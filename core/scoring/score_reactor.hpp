// Keeps lead.score current: after each batch that changes a lead or an
// activity logged on it (or the scoring model), a ScoreLeads command through
// decide() as the automation actor ("by automation (Lead scoring)"). A
// rescore that hands a lead to sales is answered by a notification to the
// sales team's manager, in the inbox: both journaled, so once.
#pragma once

#include "engine/engine.hpp"

namespace crm {

class ScoreReactor : public Reactor {
  public:
    std::vector<Reaction> react(const Workspace& workspace, const EventBatch& batch,
                                Instant now) const override;
};

// Who hears of a lead's hand-off: the manager of the model's team, or of the
// lead owner's team when the model names none.
std::string mql_recipient(const Workspace& workspace, const Record& lead);

} // namespace crm
