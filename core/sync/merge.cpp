#include "sync/merge.hpp"

#include "sync/conflicts.hpp"
#include "sync/merge_checks.hpp"

#include "io/workspace_json.hpp"

#include <map>
#include <optional>
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
        if (const std::string setting = event.setting(); !setting.empty())
            return merge_setting(event, setting);
        std::visit([&](const auto& e) { merge(e); }, event.data);
    }

    // The heads the batch left, once per value it wrote. One head's value
    // is the record's while it exists; a deleted record's heads keep theirs.
    void finish() {
        for (auto& [key, heads] : m_heads) {
            const bool here = record(key.first) || m_created.count(key.first);
            if (heads.size() == 1 && here && key.second != kExistsStampKey)
                heads.front().value = json();
            events.push_back(ev::HeadsSet{key.first, key.second, std::move(heads)});
        }
    }

  private:
    const Record* record(const std::string& id) const {
        if (m_deleted.count(id)) return nullptr;
        return m_ws.find(id);
    }

    // The value a record holds under a stamp key, as heads keep it; a
    // deleted record's, as its deletion kept it.
    json current_value(const std::string& id, const std::string& key) const {
        const Record* current = record(id);
        if (!current) return value_in_record(deleted_record(m_ws, id), key);
        if (key == kOwnerStampKey) return current->owner;
        if (const auto flow = flow_of_stamp_key(key)) return position(id, *flow);
        return current->value(key);
    }
    bool has_own_heads(const std::string& id, const std::string& key) const {
        const auto found = m_sync.heads.find(id);
        return found != m_sync.heads.end() && found->second.count(key);
    }

    // The heads of a value now, each with its value.
    std::vector<Head> heads_now(const std::string& id, const std::string& key) const {
        if (const auto pending = m_heads.find({id, key}); pending != m_heads.end())
            return pending->second;
        if (key == kExistsStampKey) return existence(id);
        const auto* kept = m_sync.heads_of(id, key);
        if (!kept) return {};
        auto heads = *kept;
        const bool own = has_own_heads(id, key);
        if (heads.size() == 1 && (record(id) || !own || key == kCreatedStampKey))
            heads.front().value =
                key == kCreatedStampKey ? deleted_record(m_ws, id) : current_value(id, key);
        return heads;
    }
    // Whether the record exists, as heads (model/team_sync.hpp): its own, or
    // its deletion from before they were kept, or its creation stamp.
    std::vector<Head> existence(const std::string& id) const {
        if (const auto* own = own_heads(id, kExistsStampKey)) return *own;
        if (const auto deletion = m_sync.deleted.find(id); deletion != m_sync.deleted.end())
            return {Head{deletion->second, kDeletedValue}};
        std::vector<Head> heads;
        if (const auto* created = own_heads(id, kCreatedStampKey))
            for (const auto& head : *created)
                heads.push_back(Head{head.stamp, kCreatedValue});
        return heads;
    }
    const std::vector<Head>* own_heads(const std::string& id, const std::string& key) const {
        const auto found = m_sync.heads.find(id);
        if (found == m_sync.heads.end()) return nullptr;
        const auto of_key = found->second.find(key);
        return of_key == found->second.end() ? nullptr : &of_key->second;
    }
    // The deletion that stands, if the record is deleted here.
    std::optional<Stamp> deletion_standing(const std::string& id) const {
        const auto pending = m_heads.find({id, kExistsStampKey});
        const auto heads = pending != m_heads.end() ? pending->second : existence(id);
        if (const Head* deletion = standing_deletion(heads)) return deletion->stamp;
        return std::nullopt;
    }
    bool deleted_here(const std::string& id) const {
        return m_deleted.count(id) || deletion_standing(id);
    }

    // One remote write of `key`: the heads it has not seen stay beside it.
    // True when it stands (its stamp is the greatest).
    bool write(const std::string& id, const std::string& key, json value) {
        std::vector<Head> heads = heads_now(id, key);
        std::vector<Head> after;
        for (auto& head : heads)
            if (!was_seen(head.stamp, m_stamp, m_remote.deps)) after.push_back(std::move(head));
        after.push_back(Head{m_stamp, std::move(value)});
        const bool stands = top_head(after)->stamp == m_stamp;
        m_heads[{id, key}] = std::move(after);
        return stands;
    }

    void merge(const ev::RecordCreated& e) {
        if (e.id == kSettingsStampId) // never a record's id: the settings' stamps
            return dropped.push_back("a record called " + e.id + ", which no record may be");
        if (m_created.count(e.id)) return;
        if (!record(e.id) && !deleted_here(e.id)) {
            m_created.insert(e.id);
            events.push_back(e);
            return;
        }
        // Made on two devices for one cause (its id says so): one record,
        // which a deletion of it deletes (model/team_sync.hpp).
        write(e.id, kExistsStampKey, kCreatedValue);
        merge(ev::RecordUpdated{.id = e.id, .fields = e.fields});
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

    // A change to a record deleted here: listed, so nobody's work vanishes,
    // and kept among its heads, for a restore to weigh.
    void note_lost_update(const ev::RecordUpdated& e) {
        const auto deleted_by = deletion_standing(e.id);
        if (!deleted_by) {
            dropped.push_back("a change to " + e.id + ", which is not here");
            return;
        }
        json change = e.fields;
        for (const auto& [field, value] : e.fields.items())
            write(e.id, field, value);
        if (e.owner) {
            change[kOwnerStampKey] = *e.owner;
            write(e.id, kOwnerStampKey, *e.owner);
        }
        note_deletion(e.id, *deleted_by, conflict_side(m_stamp, std::move(change)));
    }
    void note_deletion(const std::string& id, const Stamp& deletion, ConflictSide change) {
        SyncConflict conflict;
        conflict.id = id + "/deleted/" + stamp_text(deletion);
        conflict.record = id;
        conflict.kept = conflict_side(deletion, json());
        conflict.other = std::move(change);
        events.push_back(ev::ConflictNoted{std::move(conflict)});
    }

    // A deletion takes the record away where it stands (model/team_sync.hpp);
    // where a restore with a greater stamp stands, it is listed instead.
    void merge(const ev::RecordDeleted& e) {
        const Record* current = record(e.id);
        if (m_created.count(e.id)) { // made and deleted in one batch
            m_created.erase(e.id);
            m_deleted.insert(e.id);
            return (void)events.push_back(e);
        }
        write(e.id, kExistsStampKey, kDeletedValue);
        if (deletion_standing(e.id) != m_stamp) return; // a restore or a later deletion stands
        note_unseen_changes(e.id);
        if (!current) return; // deleted here too
        m_deleted.insert(e.id);
        events.push_back(ev::RecordDeleted{e.id, record_to_json(*current)});
    }
    // Changes here that the deleting device had not seen.
    void note_unseen_changes(const std::string& id) {
        json unseen = json::object();
        Stamp latest;
        if (const auto found = m_sync.heads.find(id); found != m_sync.heads.end())
            for (const auto& [key, kept] : found->second) {
                if (key == kCreatedStampKey || key == kExistsStampKey) continue;
                for (const auto& head : heads_now(id, key))
                    if (!was_seen(head.stamp, m_stamp, m_remote.deps)) {
                        unseen[key] = head.value;
                        if (head.stamp.wins_over(latest)) latest = head.stamp;
                    }
            }
        if (!unseen.empty()) note_deletion(id, m_stamp, conflict_side(latest, std::move(unseen)));
    }

    // A restore writes every value the record held as its deletion kept it,
    // beside the changes it had not seen; the record comes back where it
    // stands, with the values that stand.
    void merge(const ev::RecordRestored& e) {
        write(e.id, kExistsStampKey, kRestoredValue);
        write(e.id, kCreatedStampKey, e.record);
        json restored = e.record;
        std::set<std::string> keys = {kOwnerStampKey};
        const json fields = e.record.value("fields", json::object());
        const json flows = e.record.value("flows", json::object());
        for (const auto& [field, value] : fields.items())
            keys.insert(field);
        for (const auto& [flow, state] : flows.items())
            keys.insert(flow_stamp_key(flow));
        if (const auto found = m_sync.heads.find(e.id); found != m_sync.heads.end())
            for (const auto& [key, kept] : found->second)
                if (key != kCreatedStampKey && key != kExistsStampKey) keys.insert(key);
        const Record* current = record(e.id);
        ev::RecordUpdated update{.id = e.id};
        for (const auto& key : keys) {
            const json value = value_in_record(e.record, key);
            const json before = current ? current_value(e.id, key) : json();
            if (!write(e.id, key, value))
                set_value(restored, key, top_value(e.id, key));
            else if (current && before != value)
                changed(update, key, value, before);
        }
        if (deletion_standing(e.id)) return; // a deletion with a greater stamp: listed
        if (current) return push_update(std::move(update));
        m_deleted.erase(e.id);
        m_created.insert(e.id);
        events.push_back(ev::RecordRestored{e.id, std::move(restored)});
    }
    json top_value(const std::string& id, const std::string& key) const {
        const auto heads = heads_now(id, key);
        const Head* top = top_head(heads);
        return top ? top->value : json();
    }
    // Puts the value that stands into the record a restore brings back.
    void set_value(json& record, const std::string& key, const json& value) const {
        if (key == kOwnerStampKey) {
            record["owner"] = value;
        } else if (const auto flow = flow_of_stamp_key(key)) {
            const Flow* def = m_ws.flow(*flow);
            json& state = record["flows"][*flow];
            if (!value.is_string() || !def || !state.is_object()) return;
            const bool stage = def->stage(value.get<std::string>()) != nullptr;
            state["status"] = stage                                    ? "active"
                              : def->outcome(value.get<std::string>()) ? "ended"
                                                                       : "exited";
            (stage ? state["stage"] : state["outcome"]) = value;
            if (stage) state.erase("outcome");
            if (!stage && !state.contains("ended_at")) state["ended_at"] = state["entered_at"];
        } else if (value.is_null()) {
            record["fields"].erase(key);
        } else {
            record["fields"][key] = value;
        }
    }
    // A restore of a record that is here: its values that stand.
    void changed(ev::RecordUpdated& update, const std::string& key, const json& value,
                 const json& before) {
        if (flow_of_stamp_key(key)) return; // the stage it stands at is kept here
        if (key == kOwnerStampKey) {
            if (!value.is_string()) return;
            update.owner = value.get<std::string>();
            update.owner_before = before.is_string() ? before.get<std::string>() : "";
            return;
        }
        update.fields[key] = value;
        update.before[key] = before;
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

    // Where a move to `stage` goes here: a stage removed meanwhile (with
    // its records mapped elsewhere) sends it where they went, on every device.
    std::string live_stage(const std::string& flow_id, std::string stage) const {
        const Flow* flow = m_ws.flow(flow_id);
        const auto retired = m_sync.retired_stages.find(flow_id);
        if (!flow || retired == m_sync.retired_stages.end()) return stage;
        for (std::size_t hops = 0; hops < retired->second.size(); ++hops) {
            if (flow->stage(stage) || flow->outcome(stage) || flow->exit(stage)) break;
            const auto mapped = retired->second.find(stage);
            if (mapped == retired->second.end()) break;
            stage = mapped->second;
        }
        return stage;
    }

    template <typename Start> void merge_start(const Start& e, const std::string& stage) {
        if (!exists(e.id)) return; // deleted here
        if (write(e.id, flow_stamp_key(e.flow), stage)) events.push_back(e);
    }
    void merge(const ev::FlowStarted& e) {
        auto started = e;
        started.stage = live_stage(e.flow, e.stage);
        merge_start(started, started.stage);
    }
    void merge(const ev::FlowJoined& e) {
        auto joined = e;
        joined.stage = live_stage(e.flow, e.stage);
        merge_start(joined, joined.stage);
    }
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
    void merge(const ev::StageMoved& e) {
        auto moved = e;
        moved.to = live_stage(e.flow, e.to);
        merge_move(moved, moved.to);
    }
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
    // A setting changed elsewhere is taken where it stands (the greatest
    // stamp among the changes of it that had not seen each other), and
    // listed where a change of it made meanwhile here or elsewhere stands.
    void merge_setting(const Event& event, const std::string& setting) {
        const User* author = m_ws.directory.user(m_remote.actor);
        const std::string who = author ? author->name : m_remote.actor;
        if (!write(kSettingsStampId, setting, json())) {
            dropped.push_back(who + "'s change to " + describe_setting(setting) +
                              ": a later change made meanwhile stands");
            return keep_stage_mapping(event);
        }
        if (m_heads.at({kSettingsStampId, setting}).size() > 1)
            dropped.push_back("a change to " + describe_setting(setting) +
                              " made meanwhile gave way to " + who + "'s");
        // Added on two devices: one, as the change that stands has it.
        if (const auto* added = event.as<ev::UserAdded>())
            if (const User* here = m_ws.directory.user(added->user.id))
                return (void)events.push_back(ev::UserUpdated{added->user, *here});
        if (const auto* added = event.as<ev::TeamAdded>())
            if (const Team* here = m_ws.directory.team(added->team.id))
                return (void)events.push_back(ev::TeamUpdated{added->team, *here});
        events.push_back(event);
    }
    // The records a process change that gave way mapped out of its removed
    // stages went there on its own device: here too, so they stand alike.
    void keep_stage_mapping(const Event& event) {
        const auto* changed = event.as<ev::ProcessesChanged>();
        if (!changed || changed->mapping.empty()) return;
        events.push_back(ev::ProcessesChanged{m_ws.flows, changed->mapping});
    }
    std::string describe_setting(const std::string& setting) const {
        if (setting == "processes") return "the processes";
        if (setting == "rules") return "the automation rules";
        if (setting == "scoring") return "lead scoring";
        const auto colon = setting.find(':');
        const std::string kind = setting.substr(0, colon), name = setting.substr(colon + 1);
        if (kind == "user") return "the person " + m_ws.directory.names({name});
        if (const Team* team = kind == "team" ? m_ws.directory.team(name) : nullptr)
            return "the team " + team->name;
        if (kind == "team") return "the team " + name;
        return "the saved view " + name.substr(name.find('/') + 1);
    }
    // Each device finds these as it merges; they are never sent.
    void merge(const ev::ConflictNoted&) {}
    void merge(const ev::HeadsSet&) {}
    void merge(const ev::SyncCheckpoint&) {}
    void merge(const ev::SyncProblemNoted&) {}
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
    for (const auto& event : unfit) {
        const Record* record = workspace.find(event.record_id());
        const std::string what = record ? workspace.title_of(*record) : event.record_id();
        merged.dropped.push_back("a change to " + (what.empty() ? "the settings" : what) +
                                 " that no longer fits this workspace (" + event.kind() + ")");
    }
    for (auto& problem : permission_problems(workspace, remote))
        merged.batch.events.push_back(ev::SyncProblemNoted{std::move(problem)});
    return merged;
}

} // namespace crm
