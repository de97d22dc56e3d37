#include "sync/merge_checks.hpp"

#include "engine/engine.hpp"
#include "engine/permissions.hpp"
#include "process/conditions.hpp"

#include <map>
#include <optional>

namespace crm {

namespace ev = events;

namespace {

// Judges one remote batch's changes by its author's role.
class PermissionJudge {
  public:
    PermissionJudge(const Workspace& workspace, const EventBatch& remote, const User& author)
        : m_ws(workspace), m_remote(remote),
          m_author(author), m_stamp{remote.clock, remote.device, remote.seq, remote.actor,
                                    remote.at} {}

    // The first refusal per record ("" for the settings), in the order met.
    std::vector<std::pair<std::string, std::string>> refusals;

    void judge(const Event& event) {
        std::visit([&](const auto& e) { check(e); }, event.data);
    }

  private:
    void refuse(const std::string& record, const Status& status) {
        if (status) return;
        for (const auto& [listed, why] : refusals)
            if (listed == record) return;
        refusals.emplace_back(record, status.error());
    }
    // The record as its author saw it: here, with no owner unseen by them.
    const Record* seen_as_here(const std::string& id) const {
        const Record* record = m_ws.find(id);
        if (!record) return nullptr;
        if (const auto* heads = m_ws.team_sync.heads_of(id, kOwnerStampKey))
            for (const auto& head : *heads)
                if (!was_seen(head.stamp, m_stamp, m_remote.deps)) return nullptr;
        return record;
    }
    void check_change(const std::string& id) {
        if (const Record* record = seen_as_here(id))
            refuse(id, check_update(m_ws, m_author, *record));
    }

    void check(const ev::RecordCreated& e) { refuse(e.id, check_create(m_ws, m_author, e.owner)); }
    void check(const ev::RecordUpdated& e) {
        const Record* record = seen_as_here(e.id);
        if (!record) return;
        if (!e.fields.empty()) refuse(e.id, check_update(m_ws, m_author, *record));
        if (e.owner) refuse(e.id, check_assign(m_ws, m_author, *record, *e.owner));
    }
    void check(const ev::RecordDeleted& e) {
        if (const Record* record = seen_as_here(e.id))
            refuse(e.id, check_delete(m_ws, m_author, *record));
    }
    void check(const ev::RecordRestored& e) {
        refuse(e.id, check_create(m_ws, m_author, e.record.value("owner", std::string())));
    }
    void check(const ev::StageMoved& e) { check_change(e.id); }
    void check(const ev::FlowEnded& e) { check_change(e.id); }
    void check(const ev::FlowStarted& e) { check_change(e.id); }
    void check(const ev::RecordsMerged& e) {
        if (!can_merge_records(m_author))
            refuse(e.id, Error{describe_user(m_author) + " cannot merge records"});
    }
    void check(const ev::FieldAdded&) { refuse("", check_schema_change(m_author)); }
    void check(const ev::TypeAdded&) { refuse("", check_schema_change(m_author)); }
    void check(const ev::ProcessesChanged&) { refuse("", check_schema_change(m_author)); }
    void check(const ev::RulesChanged&) { refuse("", check_schema_change(m_author)); }
    void check(const ev::LeadScoringChanged&) { refuse("", check_schema_change(m_author)); }
    void check(const ev::UserAdded&) { refuse("", check_import_people(m_author)); }
    void check(const ev::UserUpdated&) { refuse("", check_import_people(m_author)); }
    void check(const ev::TeamAdded&) { refuse("", check_import_people(m_author)); }
    void check(const ev::TeamUpdated&) { refuse("", check_import_people(m_author)); }
    void check(const ev::PeopleImported&) { refuse("", check_import_people(m_author)); }
    template <typename Other> void check(const Other&) {}

    const Workspace& m_ws;
    const EventBatch& m_remote;
    const User& m_author;
    Stamp m_stamp;
};

std::string batch_cause(const EventBatch& remote) {
    return remote.device + "-" + std::to_string(remote.seq);
}

SyncProblem problem_of(const EventBatch& remote, std::string kind) {
    SyncProblem problem;
    problem.kind = std::move(kind);
    problem.actor = remote.actor;
    problem.device = remote.device;
    problem.at = remote.at;
    return problem;
}

// The blocking gate of the stage a record stands at in `flow`, if any.
const Gate* blocking_gate(const Workspace& ws, const std::string& flow_id, const FlowState& state) {
    const Flow* flow = state.active() ? ws.flow(flow_id) : nullptr;
    const Stage* stage = flow ? flow->stage(state.stage) : nullptr;
    if (!stage || stage->gate.mode != GateMode::Block) return nullptr;
    if (stage->gate.required.empty() && stage->gate.entry.is_null()) return nullptr;
    return &stage->gate;
}

bool passes(const Workspace& ws, const Record& record, const Gate& gate, Instant now) {
    const RecordTypeDef* type = ws.schema.type(record.type);
    return !type || check_gate(gate, *type, logic_data(record, *type), now).passes();
}

} // namespace

std::vector<SyncProblem> permission_problems(const Workspace& ws, const EventBatch& remote) {
    if (remote.actor == kAutomationActor) return {};
    const User* author = ws.directory.user(remote.actor);
    if (!author) {
        SyncProblem problem = problem_of(remote, kPermissionProblem);
        problem.id = "permission/" + batch_cause(remote) + "/";
        problem.why = "made by \"" + remote.actor + "\", who is not one of this team's people";
        return {problem};
    }
    PermissionJudge judge(ws, remote, *author);
    for (const auto& event : remote.events)
        judge.judge(event);
    std::vector<SyncProblem> problems;
    for (auto& [record, why] : judge.refusals) {
        SyncProblem problem = problem_of(remote, kPermissionProblem);
        problem.id = "permission/" + batch_cause(remote) + "/" + record;
        problem.record = record;
        problem.why = std::move(why);
        problems.push_back(std::move(problem));
    }
    return problems;
}

std::set<std::string> records_named(const EventBatch& batch) {
    std::set<std::string> ids;
    for (const auto& event : batch.events)
        if (!event.record_id().empty()) ids.insert(event.record_id());
    return ids;
}

std::set<PastGate> records_past_gates(const Workspace& ws, const std::set<std::string>& ids,
                                      Instant now) {
    std::set<PastGate> past;
    for (const auto& id : ids) {
        const Record* record = ws.find(id);
        if (!record) continue;
        for (const auto& [flow, state] : record->flows)
            if (const Gate* gate = blocking_gate(ws, flow, state);
                gate && !passes(ws, *record, *gate, now))
                past.insert(PastGate{id, flow, state.stage});
    }
    return past;
}

std::vector<SyncProblem> gate_problems(const Workspace& ws, const EventBatch& remote,
                                       const std::set<std::string>& ids,
                                       const std::set<PastGate>& before, Instant now) {
    std::vector<SyncProblem> problems;
    for (const auto& past : records_past_gates(ws, ids, now)) {
        if (before.count(past)) continue;
        SyncProblem problem = problem_of(remote, kGateProblem);
        problem.id = "gate/" + past.record + "/" + past.flow + "/" + past.stage;
        problem.record = past.record;
        problem.flow = past.flow;
        problem.stage = past.stage;
        problems.push_back(std::move(problem));
    }
    return problems;
}

const SyncProblem* open_sync_problem(const Workspace& ws, const std::string& id) {
    if (ws.team_sync.resolved.count(id)) return nullptr;
    for (const auto& problem : ws.team_sync.problems)
        if (problem.id == id) return &problem;
    return nullptr;
}

bool still_past_gate(const Workspace& ws, const SyncProblem& problem, Instant now) {
    const Record* record = ws.find(problem.record);
    if (!record) return false;
    const auto state = record->flows.find(problem.flow);
    if (state == record->flows.end() || state->second.stage != problem.stage) return false;
    const Gate* gate = blocking_gate(ws, problem.flow, state->second);
    return gate && !passes(ws, *record, *gate, now);
}

} // namespace crm
