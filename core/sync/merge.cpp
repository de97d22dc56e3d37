#include "sync/merge.hpp"

#include "sync/conflicts.hpp"

#include "io/workspace_json.hpp"

#include <map>
#include <set>
#include <utility>

namespace crm {

using nlohmann::json;
namespace ev = events;

namespace {

std::string stamp_text(const Stamp& stamp) {
    return std::to_string(stamp.clock) + "-" + stamp.device;
}

// Fits one remote batch's events to the workspace, event by event.
class Merger {
  public:
    Merger(const Workspace& workspace, const EventBatch& remote)
        : m_ws(workspace), m_sync(workspace.team_sync),
          m_remote(remote), m_stamp{remote.clock, remote.device, remote.seq, remote.actor,
                                    remote.at} {}

    std::vector<Event> events;
    std::vector<std::string> dropped;

    void add(const Event& event) {
        std::visit([&](const auto& e) { merge(e); }, event.data);
    }

    // The heads the batch left, once per value it wrote.
    void finish() {
        for (auto& [key, heads] : m_heads) {
            if (!record(key.first) && !m_created.count(key.first)) continue;
            if (heads.size() == 1) heads.front().value = json();
            events.push_back(ev::HeadsSet{key.first, key.second, std::move(heads)});
        }
    }

  private:
    const Record* record(const std::string& id) const {
        if (m_deleted.count(id)) return nullptr;
        return m_ws.find(id);
    }

    // The value a record holds under a stamp key, as heads keep it.
    json current_value(const std::string& id, const std::string& key) const {
        const Record* current = record(id);
        if (!current) return json();
        if (key == kOwnerStampKey) return current->owner;
        if (const auto flow = flow_of_stamp_key(key)) return position(id, *flow);
        return current->value(key);
    }

    // One remote write of `key`: the heads it has not seen stay beside it.
    // True when it stands (its stamp is the greatest).
    bool write(const std::string& id, const std::string& key, json value) {
        auto pending = m_heads.find({id, key});
        std::vector<Head> heads;
        if (pending != m_heads.end()) {
            heads = std::move(pending->second);
        } else if (const auto* kept = m_sync.heads_of(id, key)) {
            heads = *kept;
            if (heads.size() == 1) heads.front().value = current_value(id, key);
        }
        std::vector<Head> after;
        for (auto& head : heads)
            if (!was_seen(head.stamp, m_stamp, m_remote.deps)) after.push_back(std::move(head));
        after.push_back(Head{m_stamp, std::move(value)});
        bool stands = true;
        for (const auto& head : after)
            if (head.stamp.wins_over(m_stamp)) stands = false;
        m_heads[{id, key}] = std::move(after);
        return stands;
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
            if (write(e.id, field, value)) {
                update.fields[field] = value;
                update.before[field] = existing->value(field);
            }
        push_update(std::move(update));
    }

    void merge(const ev::RecordUpdated& e) {
        if (m_created.count(e.id)) return (void)events.push_back(e);
        const Record* current = record(e.id);
        if (!current) return note_lost_update(e);
        ev::RecordUpdated update{.id = e.id};
        for (const auto& [field, value] : e.fields.items())
            if (write(e.id, field, value)) {
                update.fields[field] = value;
                update.before[field] = current->value(field);
            }
        if (e.owner && write(e.id, kOwnerStampKey, *e.owner)) {
            update.owner = e.owner;
            update.owner_before = current->owner;
        }
        push_update(std::move(update));
    }

    void push_update(ev::RecordUpdated update) {
        if (update.fields.empty() && !update.owner) return;
        events.push_back(std::move(update));
    }

    // A change to a record deleted here: listed, so nobody's work vanishes.
    void note_lost_update(const ev::RecordUpdated& e) {
        const auto deletion = m_sync.deleted.find(e.id);
        if (deletion == m_sync.deleted.end()) {
            dropped.push_back("a change to " + e.id + ", which is not here");
            return;
        }
        json change = e.fields;
        if (e.owner) change[kOwnerStampKey] = *e.owner;
        note_deletion(e.id, deletion->second, conflict_side(m_stamp, std::move(change)));
    }
    void note_deletion(const std::string& id, const Stamp& deletion, ConflictSide change) {
        SyncConflict conflict;
        conflict.id = id + "/deleted/" + stamp_text(deletion);
        conflict.record = id;
        conflict.kept = conflict_side(deletion, json());
        conflict.other = std::move(change);
        events.push_back(ev::ConflictNoted{std::move(conflict)});
    }

    void merge(const ev::RecordDeleted& e) {
        const Record* current = record(e.id);
        if (!current) return; // deleted here too
        // Changes made here that the deleting device had not seen.
        json unseen = json::object();
        Stamp latest;
        if (const auto found = m_sync.heads.find(e.id); found != m_sync.heads.end())
            for (const auto& [key, heads] : found->second)
                for (const auto& head : heads)
                    if (!key.empty() && !was_seen(head.stamp, m_stamp, m_remote.deps)) {
                        unseen[key] = current_value(e.id, key);
                        if (head.stamp.wins_over(latest)) latest = head.stamp;
                    }
        if (!unseen.empty()) note_deletion(e.id, m_stamp, conflict_side(latest, std::move(unseen)));
        m_deleted.insert(e.id);
        events.push_back(ev::RecordDeleted{e.id, record_to_json(*current)});
    }
    void merge(const ev::RecordRestored& e) {
        if (record(e.id)) return; // restored here too
        m_deleted.erase(e.id);
        m_created.insert(e.id);
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
    bool exists(const std::string& id) const { return record(id) || m_created.count(id); }

    template <typename Start> void merge_start(const Start& e, const std::string& stage) {
        if (!exists(e.id)) return; // deleted here
        if (write(e.id, flow_stamp_key(e.flow), stage)) events.push_back(e);
    }
    void merge(const ev::FlowStarted& e) { merge_start(e, e.stage); }
    void merge(const ev::FlowJoined& e) { merge_start(e, e.stage); }
    void merge(const ev::FlowSpawned& e) { merge_start(e, "spawned"); }

    // A move or an end: taken if it stands, from wherever the record is here.
    template <typename Move> void merge_move(Move e, const std::string& to) {
        if (!exists(e.id)) return;
        const std::string here = position(e.id, e.flow);
        if (here.empty() && !m_created.count(e.id)) {
            dropped.push_back("a stage change of " + e.id + ", which is not in that process here");
            return;
        }
        if (!write(e.id, flow_stamp_key(e.flow), to)) return;
        if (!here.empty()) e.from = here;
        if (reopens(e)) return;
        events.push_back(std::move(e));
    }
    // A move that stands over an end made elsewhere takes the flow up again there.
    bool reopens(const ev::StageMoved& e) {
        const Record* current = record(e.id);
        const auto state = current ? current->flows.find(e.flow) : decltype(current->flows.end()){};
        if (!current || state == current->flows.end() || state->second.active()) return false;
        events.push_back(ev::FlowStarted{e.id, e.flow, e.to});
        return true;
    }
    bool reopens(const ev::FlowEnded&) { return false; }
    void merge(const ev::StageMoved& e) { merge_move(e, e.to); }
    void merge(const ev::FlowEnded& e) { merge_move(e, e.outcome); }
    void merge(const ev::MoveBlocked& e) {
        if (!position(e.id, e.flow).empty()) events.push_back(e);
    }
    // Someone kept a value: where it stands here, it is the value again.
    void merge(const ev::ValueConfirmed& e) {
        const Record* current = record(e.id);
        if (!current || !write(e.id, e.key, e.value)) return;
        if (e.key == kOwnerStampKey && e.value.is_string() && current->owner != e.value) {
            ev::RecordUpdated update{.id = e.id};
            update.owner = e.value.get<std::string>();
            update.owner_before = current->owner;
            push_update(std::move(update));
        } else if (!flow_of_stamp_key(e.key) && e.key != kOwnerStampKey &&
                   current->value(e.key) != e.value) {
            push_update(ev::RecordUpdated{.id = e.id,
                                          .fields = {{e.key, e.value}},
                                          .before = {{e.key, current->value(e.key)}}});
        }
    }

    // Raised here too for the same due time: one breach for the team.
    void merge(const ev::SlaBreached& e) {
        const Record* current = record(e.id);
        if (!current) return;
        const auto raised = current->sla_alerts.find(e.policy);
        if (raised != current->sla_alerts.end() && raised->second == e.due) return;
        events.push_back(e);
    }
    // A time-driven rule's step that ran here too for the same occasion.
    void merge(const ev::RuleStepRan& e) {
        if (!exists(e.id)) return;
        if (!e.occasion.empty())
            for (const auto& run : m_ws.automation.log)
                if (run.rule == e.rule && run.record == e.id && run.occasion == e.occasion &&
                    run.step == e.step)
                    return;
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
    // Each device finds these as it merges; they are never sent.
    void merge(const ev::ConflictNoted&) {}
    void merge(const ev::HeadsSet&) {}
    void merge(const ev::SyncCheckpoint&) {}
    template <typename Other> void merge(const Other& e) { events.push_back(e); }

    const Workspace& m_ws;
    const TeamSync& m_sync;
    const EventBatch& m_remote;
    Stamp m_stamp;
    std::set<std::string> m_created, m_deleted;
    std::map<std::pair<std::string, std::string>, std::vector<Head>> m_heads;
};

} // namespace

MergedBatch merge_remote_batch(const Workspace& workspace, const EventBatch& remote) {
    Merger merger(workspace, remote);
    for (const auto& event : remote.events)
        merger.add(event);
    merger.finish();
    MergedBatch merged;
    merged.batch.device = remote.device;
    merged.batch.at = remote.at;
    merged.batch.actor = remote.actor;
    merged.batch.cause = remote.cause;
    merged.batch.cause.after = 0; // a seq of its own journal, not this one
    merged.batch.clock = remote.clock;
    merged.batch.deps = remote.deps;
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
