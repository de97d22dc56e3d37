#include "sync/merge.hpp"

#include "io/workspace_json.hpp"

#include <set>
#include <utility>

namespace crm {

using nlohmann::json;
namespace ev = events;

std::string conflict_id(const std::string& record, const std::string& key, const Stamp& a,
                        const Stamp& b) {
    const auto& [low, high] = a < b ? std::pair(a, b) : std::pair(b, a);
    return record + "/" + key + "/" + std::to_string(low.clock) + "-" + low.device + "/" +
           std::to_string(high.clock) + "-" + high.device;
}

namespace {

// Fits one remote batch's events to the workspace, event by event.
class Merger {
  public:
    Merger(const Workspace& workspace, const EventBatch& remote)
        : m_ws(workspace), m_remote(remote), m_stamp{remote.clock, remote.device, remote.actor} {}

    std::vector<Event> events;
    std::vector<std::string> dropped;

    void add(const Event& event) {
        std::visit([&](const auto& e) { merge(e); }, event.data);
    }

  private:
    ConflictSide local_side(const std::string& id, const std::string& key, json value) const {
        const Stamp stamp = m_ws.team_sync.stamp_of(id, key);
        return {std::move(value), stamp.actor, stamp.device,
                Instant{std::int64_t(stamp.clock / 1000)}, stamp};
    }
    ConflictSide remote_side(json value) const {
        return {std::move(value), m_remote.actor, m_remote.device, m_remote.at, m_stamp};
    }

    // Both changed the value from what each saw: list it, the winner kept.
    void note_conflict(const std::string& id, const std::string& key, ConflictSide local,
                       ConflictSide remote) {
        SyncConflict conflict;
        conflict.id = conflict_id(id, key, local.stamp, remote.stamp);
        conflict.record = id;
        conflict.field = key;
        const bool remote_wins = remote.stamp > local.stamp;
        conflict.kept = remote_wins ? std::move(remote) : std::move(local);
        conflict.other = remote_wins ? std::move(local) : std::move(remote);
        events.push_back(ev::ConflictNoted{std::move(conflict)});
    }

    bool wins(const std::string& id, const std::string& key) const {
        return m_stamp > m_ws.team_sync.stamp_of(id, key);
    }

    const Record* record(const std::string& id) const {
        if (m_deleted.count(id)) return nullptr;
        return m_ws.find(id);
    }

    // One value: taken if the remote stamp wins; a conflict if both changed it.
    bool merge_value(const std::string& id, const std::string& key, const json& current,
                     const json& before, const json& value) {
        const bool concurrent = current != before && current != value;
        if (concurrent) note_conflict(id, key, local_side(id, key, current), remote_side(value));
        return wins(id, key) && current != value;
    }

    void merge(const ev::RecordCreated& e) {
        const Record* existing = record(e.id);
        if (!existing && !m_created.count(e.id)) {
            m_created.insert(e.id);
            events.push_back(e);
            return;
        }
        if (!existing) return;
        // Made on two devices for one cause (its id says so): one record.
        ev::RecordUpdated update{.id = e.id};
        for (const auto& [field, value] : e.fields.items())
            if (wins(e.id, field) && existing->value(field) != value) {
                update.fields[field] = value;
                update.before[field] = existing->value(field);
            }
        push_update(std::move(update));
    }

    void merge(const ev::RecordUpdated& e) {
        const Record* current = record(e.id);
        if (!current) {
            if (m_created.count(e.id)) return (void)events.push_back(e);
            return note_lost_update(e);
        }
        ev::RecordUpdated update{.id = e.id};
        for (const auto& [field, value] : e.fields.items()) {
            const json& now = current->value(field);
            if (merge_value(e.id, field, now, e.before.value(field, json()), value)) {
                update.fields[field] = value;
                update.before[field] = now;
            }
        }
        if (e.owner &&
            merge_value(e.id, kOwnerStampKey, current->owner, e.owner_before, *e.owner)) {
            update.owner = e.owner;
            update.owner_before = current->owner;
        }
        push_update(std::move(update));
    }

    // A change to a record deleted here: listed, so nobody's work vanishes.
    void note_lost_update(const ev::RecordUpdated& e) {
        json change = e.fields;
        if (e.owner) change[kOwnerStampKey] = *e.owner;
        ConflictSide deleted{json(), "", "", {}, {}};
        note_conflict(e.id, "", deleted, remote_side(std::move(change)));
    }
    void push_update(ev::RecordUpdated update) {
        if (update.fields.empty() && !update.owner) return;
        events.push_back(std::move(update));
    }

    void merge(const ev::RecordDeleted& e) {
        const Record* current = record(e.id);
        if (!current) return; // deleted here too
        m_deleted.insert(e.id);
        events.push_back(ev::RecordDeleted{e.id, record_to_json(*current)});
    }
    void merge(const ev::RecordRestored& e) {
        if (record(e.id)) return; // restored here too
        m_deleted.erase(e.id);
        events.push_back(e);
    }

    // Where the record stands in `flow` here: its stage, or its outcome once ended.
    std::string position(const std::string& id, const std::string& flow) const {
        const Record* current = record(id);
        if (!current) return {};
        const auto state = current->flows.find(flow);
        if (state == current->flows.end()) return {};
        return state->second.active() ? state->second.stage : state->second.outcome;
    }
    bool in_flow(const std::string& id, const std::string& flow) const {
        if (m_started.count({id, flow})) return true;
        const Record* current = record(id);
        return current && current->flows.count(flow);
    }

    template <typename Start> void merge_start(const Start& e) {
        if (!record(e.id) && !m_created.count(e.id)) return; // deleted here
        if (in_flow(e.id, e.flow) && !wins(e.id, flow_stamp_key(e.flow))) return;
        m_started.insert({e.id, e.flow});
        events.push_back(e);
    }
    void merge(const ev::FlowStarted& e) { merge_start(e); }
    void merge(const ev::FlowJoined& e) { merge_start(e); }
    void merge(const ev::FlowSpawned& e) { merge_start(e); }

    // A move or an end: taken if it wins, from wherever the record stands here.
    template <typename Move>
    void merge_move(Move e, const std::string& from, const std::string& to) {
        if (!in_flow(e.id, e.flow)) {
            dropped.push_back("a stage change of " + e.id + ", which is not in that process here");
            return;
        }
        const std::string here = position(e.id, e.flow);
        const std::string key = flow_stamp_key(e.flow);
        if (!m_started.count({e.id, e.flow}) && here != from && here != to)
            note_conflict(e.id, key, local_side(e.id, key, here), remote_side(to));
        if (!m_started.count({e.id, e.flow}) && (!wins(e.id, key) || here == to)) return;
        e.from = here.empty() ? from : here;
        events.push_back(std::move(e));
    }
    void merge(const ev::StageMoved& e) { merge_move(e, e.from, e.to); }
    void merge(const ev::FlowEnded& e) { merge_move(e, e.from, e.outcome); }
    void merge(const ev::MoveBlocked& e) {
        if (in_flow(e.id, e.flow)) events.push_back(e);
    }

    // Raised here too for the same due time: one breach for the team.
    void merge(const ev::SlaBreached& e) {
        const Record* current = record(e.id);
        if (!current) return;
        const auto raised = current->sla_alerts.find(e.policy);
        if (raised != current->sla_alerts.end() && raised->second == e.due) return;
        events.push_back(e);
    }
    void merge(const ev::NotificationSent& e) {
        if (m_ws.notifications.find(e.notification.id)) return;
        events.push_back(e);
    }
    void merge(const ev::FieldAdded& e) {
        const RecordTypeDef* type = m_ws.schema.type(e.type);
        if (type && type->field(e.field.id)) return;
        events.push_back(e);
    }
    void merge(const ev::TypeAdded& e) {
        if (m_ws.schema.type(e.type.id)) return;
        events.push_back(e);
    }
    void merge(const ev::UserAdded& e) {
        if (m_ws.directory.user(e.user.id)) return;
        events.push_back(e);
    }
    void merge(const ev::TeamAdded& e) {
        if (m_ws.directory.team(e.team.id)) return;
        events.push_back(e);
    }
    // Found by each device as it merges, never sent: the receiver finds its own.
    void merge(const ev::ConflictNoted&) {}
    void merge(const ev::SyncCheckpoint&) {}
    template <typename Other> void merge(const Other& e) { events.push_back(e); }

    const Workspace& m_ws;
    const EventBatch& m_remote;
    Stamp m_stamp;
    std::set<std::string> m_created, m_deleted;
    std::set<std::pair<std::string, std::string>> m_started;
};

} // namespace

MergedBatch merge_remote_batch(const Workspace& workspace, const EventBatch& remote) {
    Merger merger(workspace, remote);
    for (const auto& event : remote.events)
        merger.add(event);
    MergedBatch merged;
    merged.batch.device = remote.device;
    merged.batch.at = remote.at;
    merged.batch.actor = remote.actor;
    merged.batch.cause = remote.cause;
    merged.batch.cause.after = 0; // a seq of its own journal, not this one
    merged.batch.clock = remote.clock;
    merged.batch.origin_seq = remote.seq;
    merged.batch.events = std::move(merger.events);
    merged.dropped = std::move(merger.dropped);
    std::vector<Event> unfit;
    merged.batch = fitting_events(workspace, std::move(merged.batch), &unfit);
    for (const auto& event : unfit)
        merged.dropped.push_back(std::string(event.kind()) + " of " + event.record_id() +
                                 ", which no longer fits here");
    return merged;
}

} // namespace crm
