#include "engine/event.hpp"

#include "automation/rule_json.hpp"
#include "io/schema_json.hpp"
#include "io/team_sync_json.hpp"
#include "io/workspace_json.hpp"
#include "process/flow_json.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace crm {

using nlohmann::json;
namespace ev = events;

namespace {

// The journal's names for the kinds, in the order of EventData's alternatives.
constexpr std::array<const char*, std::variant_size_v<EventData>> kKindNames = {
    "record.created",
    "record.updated",
    "record.deleted",
    "record.restored",
    "schema.field_added",
    "schema.type_added",
    "process.started",
    "process.joined",
    "process.moved",
    "process.ended",
    "process.spawned",
    "process.move_blocked",
    "process.definitions_changed",
    "sla.breached",
    "sla.paused",
    "sla.resumed",
    "automation.failed",
    "automation.cleared",
    "notification.sent",
    "notification.read",
    "view.saved",
    "view.deleted",
    "records.imported",
    "batch.reverted",
    "records.merged",
    "data.flagged",
    "data.resolved",
    "users.added",
    "users.updated",
    "teams.added",
    "teams.updated",
    "people.imported",
    "automation.rules_changed",
    "automation.rule_ran",
    "scoring.changed",
    "sync.conflict_noted",
    "sync.conflict_resolved",
    "sync.heads_set",
    "sync.value_confirmed",
    "sync.checkpoint",
    "sync.problem_noted"};

template <typename T>
concept AboutRecord = requires(const T& event) {
    event.id;
};

} // namespace

const char* Event::kind() const {
    return kKindNames[data.index()];
}

const std::string& Event::record_id() const {
    static const std::string none;
    return std::visit(
        [](const auto& event) -> const std::string& {
            if constexpr (AboutRecord<std::decay_t<decltype(event)>>)
                return event.id;
            else
                return none;
        },
        data);
}

std::string Event::setting() const {
    if (as<ev::ProcessesChanged>()) return "processes";
    if (as<ev::RulesChanged>()) return "rules";
    if (as<ev::LeadScoringChanged>()) return "scoring";
    if (const auto* added = as<ev::UserAdded>()) return "user:" + added->user.id;
    if (const auto* updated = as<ev::UserUpdated>()) return "user:" + updated->user.id;
    if (const auto* added = as<ev::TeamAdded>()) return "team:" + added->team.id;
    if (const auto* updated = as<ev::TeamUpdated>()) return "team:" + updated->team.id;
    if (const auto* saved = as<ev::ViewSaved>())
        return "view:" + saved->view.owner + "/" + saved->view.name;
    if (const auto* deleted = as<ev::ViewDeleted>())
        return "view:" + deleted->owner + "/" + deleted->name;
    return "";
}

// ---- JSON ------------------------------------------------------------------

namespace {

json to_data(const ev::RecordCreated& e) {
    json data = {{"id", e.id}, {"type", e.type}, {"fields", e.fields}};
    if (!e.owner.empty()) data["owner"] = e.owner;
    return data;
}
json to_data(const ev::RecordUpdated& e) {
    json data = {{"id", e.id}, {"fields", e.fields}, {"before", e.before}};
    if (e.owner) {
        data["owner"] = *e.owner;
        data["owner_before"] = e.owner_before;
    }
    return data;
}
json to_data(const ev::RecordDeleted& e) {
    return {{"id", e.id}, {"record", e.record}};
}
json to_data(const ev::RecordRestored& e) {
    return {{"id", e.id}, {"record", e.record}};
}
json to_data(const ev::FieldAdded& e) {
    return {{"type", e.type}, {"field", field_def_to_json(e.field)}};
}
json to_data(const ev::TypeAdded& e) {
    return {{"type", record_type_to_json(e.type)}};
}
json to_data(const ev::FlowStarted& e) {
    return {{"id", e.id}, {"flow", e.flow}, {"stage", e.stage}};
}
json to_data(const ev::FlowJoined& e) {
    return {{"id", e.id}, {"flow", e.flow}, {"stage", e.stage}, {"since", format_instant(e.since)}};
}
json to_data(const ev::StageMoved& e) {
    json data = {{"id", e.id}, {"flow", e.flow}, {"from", e.from}, {"to", e.to}};
    if (!e.warnings.empty()) data["warnings"] = e.warnings;
    return data;
}
json to_data(const ev::FlowEnded& e) {
    json data = {{"id", e.id},
                 {"flow", e.flow},
                 {"from", e.from},
                 {"status", e.status},
                 {"outcome", e.outcome}};
    if (!e.reason.empty()) data["reason"] = e.reason;
    if (!e.warnings.empty()) data["warnings"] = e.warnings;
    return data;
}
json to_data(const ev::FlowSpawned& e) {
    return {{"id", e.id}, {"flow", e.flow}, {"record", e.record}};
}
json to_data(const ev::MoveBlocked& e) {
    return {{"id", e.id},
            {"flow", e.flow},
            {"to", e.to},
            {"missing", e.missing},
            {"failing", e.failing}};
}
json to_data(const ev::ProcessesChanged& e) {
    return {{"flows", flows_to_json(e.flows)}, {"mapping", e.mapping}};
}
json to_data(const ev::LeadScoringChanged& e) {
    return {{"scoring", e.scoring ? lead_scoring_to_json(*e.scoring) : json()}};
}
json to_data(const ev::SlaBreached& e) {
    json data = {{"id", e.id}, {"policy", e.policy}, {"due", e.due}, {"recipients", e.recipients}};
    if (e.escalated_to) data["escalated_to"] = *e.escalated_to;
    return data;
}
json to_data(const ev::SlaPaused& e) {
    return {{"id", e.id}, {"policy", e.policy}};
}
json to_data(const ev::SlaResumed& e) {
    return {{"id", e.id}, {"policy", e.policy}};
}
json to_data(const ev::AutomationFailed& e) {
    return {{"id", e.id}, {"automation", e.automation}, {"reason", e.reason}};
}
json to_data(const ev::AutomationCleared& e) {
    json data = {{"id", e.id}, {"automation", e.automation}};
    if (!e.note.empty()) data["note"] = e.note;
    return data;
}
json to_data(const ev::RulesChanged& e) {
    return {{"rules", rules_to_json(e.rules)}};
}
json to_data(const ev::RuleStepRan& e) {
    json data = {{"id", e.id}, {"rule", e.rule}, {"step", e.step}};
    if (!e.occasion.empty()) data["occasion"] = e.occasion;
    if (!e.did.empty()) data["did"] = e.did;
    if (!e.failed.empty()) data["failed"] = e.failed;
    if (!e.assigned.empty()) data["assigned"] = e.assigned;
    return data;
}
json to_data(const ev::NotificationSent& e) {
    return {{"notification", notification_to_json(e.notification)}};
}
json to_data(const ev::NotificationsRead& e) {
    return {{"user", e.user}, {"ids", e.ids}};
}
json to_data(const ev::ViewSaved& e) {
    return {{"view", view_to_json(e.view)}};
}
json to_data(const ev::ViewDeleted& e) {
    return {{"owner", e.owner}, {"name", e.name}};
}
json to_data(const ev::RecordsImported& e) {
    return {{"type", e.type}, {"source", e.source}, {"added", e.added}, {"updated", e.updated}};
}
json to_data(const ev::BatchReverted& e) {
    return {{"seq", e.seq}, {"what", e.what}};
}
json to_data(const ev::RecordsMerged& e) {
    return {{"id", e.id}, {"other", e.other}, {"other_title", e.other_title}};
}
json to_data(const ev::DataProblemFlagged& e) {
    return {{"id", e.id}, {"note", e.note}};
}
json to_data(const ev::DataProblemsResolved& e) {
    return {{"id", e.id}, {"note", e.note}};
}
json to_data(const ev::UserAdded& e) {
    return {{"user", user_to_json(e.user)}};
}
json to_data(const ev::UserUpdated& e) {
    return {{"user", user_to_json(e.user)}, {"before", user_to_json(e.before)}};
}
json to_data(const ev::TeamAdded& e) {
    return {{"team", team_to_json(e.team)}};
}
json to_data(const ev::TeamUpdated& e) {
    return {{"team", team_to_json(e.team)}, {"before", team_to_json(e.before)}};
}
json to_data(const ev::PeopleImported& e) {
    return {{"source", e.source}, {"added", e.added}, {"updated", e.updated}};
}
json to_data(const ev::ConflictNoted& e) {
    return {{"conflict", conflict_to_json(e.conflict)}};
}
json to_data(const ev::ConflictResolved& e) {
    return {{"conflict", e.conflict}};
}
json to_data(const ev::HeadsSet& e) {
    return {{"id", e.id}, {"key", e.key}, {"heads", heads_to_json(e.heads)}};
}
json to_data(const ev::ValueConfirmed& e) {
    return {{"id", e.id}, {"key", e.key}, {"value", e.value}};
}
json to_data(const ev::SyncCheckpoint& e) {
    return {{"database", e.database}, {"since", e.since}, {"pushed_through", e.pushed_through}};
}
json to_data(const ev::SyncProblemNoted& e) {
    return {{"problem", problem_to_json(e.problem)}};
}

// Reads an event's data, noting the first key that is missing or of the wrong type.
class DataReader {
  public:
    DataReader(const json& data, std::string kind) : m_data(data), m_kind(std::move(kind)) {}

    const std::string& problem() const { return m_problem; }
    bool has(const char* key) const { return m_data.contains(key); }

    std::string text(const char* key, bool optional = false) {
        const json* value = find(key, optional, &json::is_string);
        return value ? value->get<std::string>() : std::string();
    }
    std::vector<std::string> texts(const char* key, bool optional = false) {
        const json* value = find(key, optional, &json::is_array);
        std::vector<std::string> out;
        if (!value) return out;
        for (const auto& item : *value) {
            if (!item.is_string()) return fail(key), out;
            out.push_back(item.get<std::string>());
        }
        return out;
    }
    std::uint64_t count(const char* key) {
        const json* value = find(key, false, &json::is_number_unsigned);
        return value ? value->get<std::uint64_t>() : 0;
    }
    json object(const char* key, bool optional = false) {
        const json* value = find(key, optional, &json::is_object);
        return value ? *value : json::object();
    }
    const json& raw(const char* key) {
        static const json null;
        const json* value = find(key, false, nullptr);
        return value ? *value : null;
    }
    void fail(const std::string& key, const std::string& why = "is missing or of the wrong type") {
        if (m_problem.empty()) m_problem = m_kind + ": \"" + key + "\" " + why;
    }

  private:
    const json* find(const char* key, bool optional, bool (json::*is_type)() const noexcept) {
        const auto it = m_data.find(key);
        if (it == m_data.end()) {
            if (!optional) fail(key);
            return nullptr;
        }
        if (is_type && !((*it).*is_type)()) {
            fail(key);
            return nullptr;
        }
        return &*it;
    }

    const json& m_data;
    std::string m_kind;
    std::string m_problem;
};

void read(DataReader& in, ev::RecordCreated& e) {
    e.id = in.text("id");
    e.type = in.text("type");
    e.owner = in.text("owner", true);
    e.fields = in.object("fields", true);
}
void read(DataReader& in, ev::RecordUpdated& e) {
    e.id = in.text("id");
    e.fields = in.object("fields", true);
    e.before = in.object("before", true); // absent before version 2
    if (in.has("owner")) {
        e.owner = in.text("owner");
        e.owner_before = in.text("owner_before", true);
    }
}
void read(DataReader& in, ev::RecordDeleted& e) {
    e.id = in.text("id");
    if (in.has("record")) e.record = in.object("record");
}
void read(DataReader& in, ev::RecordRestored& e) {
    e.id = in.text("id");
    e.record = in.object("record");
}
void read(DataReader& in, ev::FieldAdded& e) {
    e.type = in.text("type");
    auto field = field_def_from_json(in.object("field"), "field");
    if (field)
        e.field = *field;
    else if (in.problem().empty())
        in.fail("field", "is not a field definition: " + field.error());
}
void read(DataReader& in, ev::TypeAdded& e) {
    auto type = record_type_from_json(in.object("type"), "type");
    if (type)
        e.type = *type;
    else if (in.problem().empty())
        in.fail("type", "is not a record type: " + type.error());
}
void read(DataReader& in, ev::FlowStarted& e) {
    e.id = in.text("id");
    e.flow = in.text("flow");
    e.stage = in.text("stage");
}
void read(DataReader& in, ev::FlowJoined& e) {
    e.id = in.text("id");
    e.flow = in.text("flow");
    e.stage = in.text("stage");
    const auto since = parse_instant(in.text("since"));
    if (since)
        e.since = *since;
    else
        in.fail("since", "is not a time as YYYY-MM-DDTHH:MM:SSZ");
}
void read(DataReader& in, ev::StageMoved& e) {
    e.id = in.text("id");
    e.flow = in.text("flow");
    e.from = in.text("from", true);
    e.to = in.text("to");
    e.warnings = in.texts("warnings", true);
}
void read(DataReader& in, ev::FlowEnded& e) {
    e.id = in.text("id");
    e.flow = in.text("flow");
    e.from = in.text("from", true);
    e.status = in.text("status");
    e.outcome = in.text("outcome");
    e.reason = in.text("reason", true);
    e.warnings = in.texts("warnings", true);
}
void read(DataReader& in, ev::FlowSpawned& e) {
    e.id = in.text("id");
    e.flow = in.text("flow");
    e.record = in.text("record");
}
void read(DataReader& in, ev::MoveBlocked& e) {
    e.id = in.text("id");
    e.flow = in.text("flow");
    e.to = in.text("to");
    e.missing = in.texts("missing");
    e.failing = in.texts("failing");
}
void read(DataReader& in, ev::ProcessesChanged& e) {
    const json& flows = in.raw("flows");
    if (!flows.is_array()) return in.fail("flows");
    auto parsed = flows_from_json(flows, "flows");
    if (!parsed) return in.fail("flows", "are not valid processes: " + parsed.error());
    e.flows = std::move(*parsed);
    const json mapping = in.object("mapping", true); // kept alive while iterating
    for (const auto& [flow, moves] : mapping.items()) {
        if (!moves.is_object()) return in.fail("mapping");
        for (const auto& [from, to] : moves.items()) {
            if (!to.is_string()) return in.fail("mapping");
            e.mapping[flow][from] = to.get<std::string>();
        }
    }
}
void read(DataReader& in, ev::LeadScoringChanged& e) {
    const json& scoring = in.raw("scoring");
    if (scoring.is_null()) return;
    auto parsed = lead_scoring_from_json(scoring, "scoring");
    if (!parsed) return in.fail("scoring", "is not a valid lead scoring model: " + parsed.error());
    e.scoring = std::move(*parsed);
}
void read(DataReader& in, ev::SlaBreached& e) {
    e.id = in.text("id");
    e.policy = in.text("policy");
    e.due = in.text("due");
    e.recipients = in.texts("recipients", true);
    if (in.has("escalated_to")) e.escalated_to = in.texts("escalated_to");
}
void read(DataReader& in, ev::SlaPaused& e) {
    e.id = in.text("id");
    e.policy = in.text("policy");
}
void read(DataReader& in, ev::SlaResumed& e) {
    e.id = in.text("id");
    e.policy = in.text("policy");
}
void read(DataReader& in, ev::AutomationFailed& e) {
    e.id = in.text("id");
    e.automation = in.text("automation");
    e.reason = in.text("reason");
}
void read(DataReader& in, ev::AutomationCleared& e) {
    e.id = in.text("id");
    e.automation = in.text("automation");
    e.note = in.text("note", true);
}
void read(DataReader& in, ev::RulesChanged& e) {
    const json& rules = in.raw("rules");
    if (!rules.is_array()) return in.fail("rules");
    auto parsed = rules_from_json(rules, "rules");
    if (!parsed) return in.fail("rules", "are not valid rules: " + parsed.error());
    e.rules = std::move(*parsed);
}
void read(DataReader& in, ev::RuleStepRan& e) {
    e.id = in.text("id");
    e.rule = in.text("rule");
    e.occasion = in.text("occasion", true);
    e.step = in.count("step");
    e.did = in.text("did", true);
    e.failed = in.text("failed", true);
    e.assigned = in.text("assigned", true);
}
void read(DataReader& in, ev::NotificationSent& e) {
    const json notification = in.object("notification"); // kept alive while reading it
    if (!in.problem().empty()) return;
    auto parsed = notification_from_json(notification, "notification");
    if (parsed)
        e.notification = std::move(*parsed);
    else
        in.fail("notification", "is not a notification: " + parsed.error());
}
void read(DataReader& in, ev::NotificationsRead& e) {
    e.user = in.text("user");
    e.ids = in.texts("ids");
}
void read(DataReader& in, ev::ViewSaved& e) {
    const json view = in.object("view"); // kept alive while reading it
    if (!in.problem().empty()) return;
    auto parsed = view_from_json(view, "view");
    if (parsed)
        e.view = std::move(*parsed);
    else
        in.fail("view", "is not a saved view: " + parsed.error());
}
void read(DataReader& in, ev::ViewDeleted& e) {
    e.owner = in.text("owner");
    e.name = in.text("name");
}
void read(DataReader& in, ev::RecordsImported& e) {
    e.type = in.text("type");
    e.source = in.text("source", true);
    e.added = in.count("added");
    e.updated = in.count("updated");
}
void read(DataReader& in, ev::BatchReverted& e) {
    e.seq = in.count("seq");
    e.what = in.text("what", true);
}
void read(DataReader& in, ev::RecordsMerged& e) {
    e.id = in.text("id");
    e.other = in.text("other");
    e.other_title = in.text("other_title", true);
}
void read(DataReader& in, ev::DataProblemFlagged& e) {
    e.id = in.text("id");
    e.note = in.text("note");
}
void read(DataReader& in, ev::DataProblemsResolved& e) {
    e.id = in.text("id");
    e.note = in.text("note", true);
}

// A user or a team inside an event's data, read as the workspace file reads it.
template <typename T, typename Parse>
T read_person(DataReader& in, const char* key, Parse parse, const char* what) {
    const json value = in.object(key); // kept alive while reading it
    if (!in.problem().empty()) return T{};
    auto parsed = parse(value, key);
    if (parsed) return std::move(*parsed);
    in.fail(key, std::string("is not ") + what + ": " + parsed.error());
    return T{};
}
void read(DataReader& in, ev::UserAdded& e) {
    e.user = read_person<User>(in, "user", user_from_json, "a user");
}
void read(DataReader& in, ev::UserUpdated& e) {
    e.user = read_person<User>(in, "user", user_from_json, "a user");
    e.before = read_person<User>(in, "before", user_from_json, "a user");
}
void read(DataReader& in, ev::TeamAdded& e) {
    e.team = read_person<Team>(in, "team", team_from_json, "a team");
}
void read(DataReader& in, ev::TeamUpdated& e) {
    e.team = read_person<Team>(in, "team", team_from_json, "a team");
    e.before = read_person<Team>(in, "before", team_from_json, "a team");
}
void read(DataReader& in, ev::PeopleImported& e) {
    e.source = in.text("source", true);
    e.added = in.count("added");
    e.updated = in.count("updated");
}
void read(DataReader& in, ev::ConflictNoted& e) {
    auto conflict = conflict_from_json(in.object("conflict"), "conflict");
    if (!conflict) return in.fail("conflict", "is malformed: " + conflict.error());
    e.conflict = std::move(*conflict);
}
void read(DataReader& in, ev::ConflictResolved& e) {
    e.conflict = in.text("conflict");
}
void read(DataReader& in, ev::HeadsSet& e) {
    e.id = in.text("id");
    e.key = in.text("key");
    auto heads = heads_from_json(in.raw("heads"), "heads");
    if (!heads) return in.fail("heads", "is malformed: " + heads.error());
    e.heads = std::move(*heads);
}
void read(DataReader& in, ev::ValueConfirmed& e) {
    e.id = in.text("id");
    e.key = in.text("key");
    e.value = in.raw("value");
}
void read(DataReader& in, ev::SyncCheckpoint& e) {
    e.database = in.text("database");
    e.since = in.text("since");
    e.pushed_through = in.count("pushed_through");
}
void read(DataReader& in, ev::SyncProblemNoted& e) {
    auto problem = problem_from_json(in.object("problem"), "problem");
    if (!problem) return in.fail("problem", "is malformed: " + problem.error());
    e.problem = std::move(*problem);
}

template <std::size_t I = 0>
Result<Event> read_event(std::size_t index, const std::string& kind, const json& data) {
    if constexpr (I < std::variant_size_v<EventData>) {
        if (I != index) return read_event<I + 1>(index, kind, data);
        std::variant_alternative_t<I, EventData> event;
        DataReader in(data, kind);
        read(in, event);
        if (!in.problem().empty()) return Error{in.problem()};
        return Event(std::move(event));
    } else {
        return Error{"unknown event kind '" + kind + "'"};
    }
}

Result<Event> event_from_json(const json& value) {
    if (!value.is_object() || !value.contains("kind") || !value["kind"].is_string())
        return Error{"an event has no kind"};
    const std::string kind = value["kind"].get<std::string>();
    const auto name = std::find_if(kKindNames.begin(), kKindNames.end(),
                                   [&](const char* known) { return kind == known; });
    if (name == kKindNames.end()) return Error{"unknown event kind '" + kind + "'"};
    const auto data = value.find("data");
    if (data == value.end() || !data->is_object())
        return Error{kind + ": its data is not an object"};
    return read_event(static_cast<std::size_t>(name - kKindNames.begin()), kind, *data);
}

} // namespace

json batch_to_json(const EventBatch& batch) {
    json events = json::array();
    for (const auto& event : batch.events)
        events.push_back(
            {{"kind", event.kind()},
             {"data", std::visit([](const auto& e) { return to_data(e); }, event.data)}});
    json cause = json::object();
    if (!batch.cause.command.empty()) cause["command"] = batch.cause.command;
    if (batch.cause.after) cause["after"] = batch.cause.after;
    if (!batch.cause.reactor.empty()) cause["reactor"] = batch.cause.reactor;
    json out = {{"v", kJournalFormatVersion}, {"seq", batch.seq},
                {"device", batch.device},     {"at", format_instant(batch.at)},
                {"actor", batch.actor},       {"cause", std::move(cause)},
                {"events", std::move(events)}};
    if (batch.clock) out["clock"] = batch.clock;
    if (batch.origin_seq) out["origin_seq"] = batch.origin_seq;
    if (!batch.deps.empty()) out["deps"] = seen_to_json(batch.deps);
    return out;
}

namespace {

// `"key":value,` with the value dumped in place, not copied into a tree.
void put_member(std::string& out, const char* key, const json& value) {
    out += '"';
    out += key;
    out += "\":";
    out += value.dump();
    out += ',';
}

// The data of the events that carry whole records or their fields, written
// straight from the event: an import's batch holds thousands of them.
bool put_large_data(std::string& out, const Event& event) {
    out += '{';
    if (const auto* created = event.as<ev::RecordCreated>()) {
        put_member(out, "fields", created->fields);
        put_member(out, "id", json(created->id));
        if (!created->owner.empty()) put_member(out, "owner", json(created->owner));
        put_member(out, "type", json(created->type));
    } else if (const auto* deleted = event.as<ev::RecordDeleted>()) {
        put_member(out, "id", json(deleted->id));
        put_member(out, "record", deleted->record);
    } else if (const auto* restored = event.as<ev::RecordRestored>()) {
        put_member(out, "id", json(restored->id));
        put_member(out, "record", restored->record);
    } else {
        out.pop_back();
        return false;
    }
    out.back() = '}';
    return true;
}

} // namespace

std::string batch_to_text(const EventBatch& batch) {
    std::string out;
    append_batch_text(out, batch);
    return out;
}

void append_batch_text(std::string& out, const EventBatch& batch) {
    EventBatch head_only; // the batch without its events, which may be an import's thousands
    head_only.seq = batch.seq;
    head_only.device = batch.device;
    head_only.at = batch.at;
    head_only.actor = batch.actor;
    head_only.cause = batch.cause;
    head_only.clock = batch.clock;
    head_only.deps = batch.deps;
    head_only.origin_seq = batch.origin_seq;
    json head = batch_to_json(head_only);
    head.erase("events");
    out += head.dump();
    out.back() = ','; // the events follow inside the same object
    out += "\"events\":[";
    for (std::size_t i = 0; i < batch.events.size(); ++i) {
        const Event& event = batch.events[i];
        out += i ? ",{\"data\":" : "{\"data\":";
        if (!put_large_data(out, event))
            out += std::visit([](const auto& e) { return to_data(e); }, event.data).dump();
        out += ",\"kind\":\"";
        out += event.kind(); // plain ASCII names
        out += "\"}";
    }
    out += "]}";
}

Result<EventBatch> batch_from_json(const json& value) {
    if (!value.is_object()) return Error{"malformed journal entry: not an object"};
    const auto version = value.find("v");
    if (version != value.end() &&
        (!version->is_number_unsigned() || *version > kJournalFormatVersion))
        return Error{"journal entry of format version " + version->dump() +
                     "; this build reads versions 1 to " + std::to_string(kJournalFormatVersion)};
    const auto seq = value.find("seq");
    const auto at = value.find("at");
    const auto actor = value.find("actor");
    const auto events = value.find("events");
    if (seq == value.end() || !seq->is_number_unsigned() || at == value.end() || !at->is_string() ||
        actor == value.end() || !actor->is_string() || events == value.end() || !events->is_array())
        return Error{"malformed journal entry: it needs seq, at, actor and events"};
    EventBatch batch;
    batch.seq = seq->get<std::uint64_t>();
    const auto when = parse_instant(at->get<std::string>());
    if (!when) return Error{"bad time in journal entry"};
    batch.at = *when;
    batch.actor = actor->get<std::string>();
    if (const auto device = value.find("device"); device != value.end()) {
        if (!device->is_string()) return Error{"malformed journal entry: device is not text"};
        batch.device = device->get<std::string>();
    }
    for (const auto& [key, target] : {std::pair<const char*, std::uint64_t*>{"clock", &batch.clock},
                                      {"origin_seq", &batch.origin_seq}}) {
        const auto found = value.find(key);
        if (found == value.end()) continue;
        if (!found->is_number_unsigned())
            return Error{std::string("malformed journal entry: ") + key + " is not a whole number"};
        *target = found->get<std::uint64_t>();
    }
    if (const auto deps = value.find("deps"); deps != value.end()) {
        auto seen = seen_from_json(*deps, "deps");
        if (!seen) return Error{"malformed journal entry: " + seen.error()};
        batch.deps = std::move(*seen);
    }
    if (const auto cause = value.find("cause"); cause != value.end()) {
        if (!cause->is_object()) return Error{"malformed journal entry: cause is not an object"};
        const auto command = cause->find("command");
        const auto after = cause->find("after");
        const auto reactor = cause->find("reactor");
        if ((command != cause->end() && !command->is_string()) ||
            (after != cause->end() && !after->is_number_unsigned()) ||
            (reactor != cause->end() && !reactor->is_string()))
            return Error{"malformed journal entry: its cause is malformed"};
        batch.cause.command = cause->value("command", "");
        batch.cause.after = cause->value("after", std::uint64_t{0});
        batch.cause.reactor = cause->value("reactor", "");
    }
    for (const auto& item : *events) {
        auto event = event_from_json(item);
        if (!event) return Error{event.error()};
        batch.events.push_back(std::move(*event));
    }
    return batch;
}

// ---- checking --------------------------------------------------------------

namespace {

// The records as they will stand at this point of the batch: a batch may
// create a record and start a flow on it, or delete one it just changed.
struct BatchState {
    const Workspace& workspace;
    std::set<std::string> created, deleted;
    std::set<std::pair<std::string, std::string>> started; // (record, flow)
    // Users and teams the batch adds, known before its events are checked: a
    // new team's manager may be a user added after it, in the same batch.
    std::set<std::string> users_added, teams_added;
    std::set<std::string> users_seen, teams_seen; // added so far, to catch a second add

    bool user_known(const std::string& id) const {
        return users_added.count(id) || workspace.directory.user(id);
    }
    bool team_known(const std::string& id) const {
        return teams_added.count(id) || workspace.directory.team(id);
    }

    bool exists(const std::string& id) const {
        return !deleted.count(id) && (created.count(id) || workspace.find(id));
    }
    bool in_flow(const std::string& id, const std::string& flow) const {
        if (started.count({id, flow})) return true;
        const Record* record = workspace.find(id);
        return record && !created.count(id) && record->flows.count(flow);
    }
    Status flow_known(const std::string& id, const std::string& flow) const {
        if (!workspace.flow(flow)) return Error{"unknown flow for " + id};
        return Status::success();
    }
    Status in_known_flow(const std::string& id, const std::string& flow) const {
        if (auto status = flow_known(id, flow); !status) return status;
        if (!in_flow(id, flow)) return Error{"record " + id + " is not in the flow " + flow};
        return Status::success();
    }
};

Status check(const ev::RecordCreated& e, BatchState& records) {
    if (records.exists(e.id)) return Error{"record " + e.id + " already exists"};
    if (!records.workspace.schema.type(e.type)) return Error{"unknown record type for " + e.id};
    records.created.insert(e.id);
    records.deleted.erase(e.id);
    return Status::success();
}
Status check(const ev::RecordRestored& e, BatchState& records) {
    if (records.exists(e.id)) return Error{"record " + e.id + " already exists"};
    if (e.record.value("id", "") != e.id) return Error{"the restored record is not " + e.id};
    // Parsed here too, so applying it cannot fail halfway through the batch.
    auto record = record_from_json(e.record, records.workspace, "record");
    if (!record) return Error{"cannot restore " + e.id + ": " + record.error()};
    records.created.insert(e.id);
    records.deleted.erase(e.id);
    return Status::success();
}
Status check(const ev::RecordDeleted& e, BatchState& records) {
    records.deleted.insert(e.id);
    return Status::success();
}
Status check(const ev::FieldAdded& e, BatchState& records) {
    if (!records.workspace.schema.type(e.type))
        return Error{"unknown record type in field definition"};
    return Status::success();
}
Status check(const ev::FlowStarted& e, BatchState& records) {
    if (auto status = records.flow_known(e.id, e.flow); !status) return status;
    records.started.insert({e.id, e.flow});
    return Status::success();
}
Status check(const ev::FlowJoined& e, BatchState& records) {
    const Flow* flow = records.workspace.flow(e.flow);
    if (!flow || (!flow->stage(e.stage) && !flow->outcome(e.stage)))
        return Error{"unknown flow or stage for " + e.id};
    records.started.insert({e.id, e.flow});
    return Status::success();
}
Status check(const ev::FlowSpawned& e, BatchState& records) {
    if (auto status = records.flow_known(e.id, e.flow); !status) return status;
    records.started.insert({e.id, e.flow});
    return Status::success();
}
Status check(const ev::StageMoved& e, BatchState& records) {
    return records.in_known_flow(e.id, e.flow);
}
Status check(const ev::FlowEnded& e, BatchState& records) {
    return records.in_known_flow(e.id, e.flow);
}
Status check(const ev::MoveBlocked& e, BatchState& records) {
    return records.in_known_flow(e.id, e.flow);
}
Status check(const ev::NotificationSent& e, BatchState& records) {
    if (records.workspace.notifications.find(e.notification.id))
        return Error{"notification " + e.notification.id + " already exists"};
    return Status::success();
}
Status check(const ev::NotificationsRead& e, BatchState& records) {
    for (const auto& id : e.ids) {
        const Notification* notification = records.workspace.notifications.find(id);
        if (!notification) return Error{"there is no notification " + id};
        if (notification->user != e.user)
            return Error{"notification " + id + " is not for " + e.user};
    }
    return Status::success();
}
Status check(const ev::ViewSaved& e, BatchState& records) {
    if (!records.workspace.schema.type(e.view.type))
        return Error{"unknown record type in the view \"" + e.view.name + "\""};
    return Status::success();
}
Status check_user_links(const User& user, const BatchState& records) {
    if (user.id.empty()) return Error{"a user without an id"};
    if (!user.team.empty() && !records.team_known(user.team))
        return Error{"user " + user.id + ": there is no team " + user.team};
    return Status::success();
}
Status check_team_links(const Team& team, const BatchState& records) {
    if (team.id.empty()) return Error{"a team without an id"};
    if (!team.manager.empty() && !records.user_known(team.manager))
        return Error{"team " + team.id + ": there is no user " + team.manager};
    return Status::success();
}
Status check(const ev::UserAdded& e, BatchState& records) {
    if (records.workspace.directory.user(e.user.id) || !records.users_seen.insert(e.user.id).second)
        return Error{"user " + e.user.id + " already exists"};
    return check_user_links(e.user, records);
}
Status check(const ev::UserUpdated& e, BatchState& records) {
    if (!records.workspace.directory.user(e.user.id))
        return Error{"user " + e.user.id + " does not exist"};
    return check_user_links(e.user, records);
}
Status check(const ev::TeamAdded& e, BatchState& records) {
    if (records.workspace.directory.team(e.team.id) || !records.teams_seen.insert(e.team.id).second)
        return Error{"team " + e.team.id + " already exists"};
    return check_team_links(e.team, records);
}
Status check(const ev::TeamUpdated& e, BatchState& records) {
    if (!records.workspace.directory.team(e.team.id))
        return Error{"team " + e.team.id + " does not exist"};
    return check_team_links(e.team, records);
}
template <typename T> Status check(const T&, BatchState&) {
    return Status::success();
}

Status check_event(const Event& event, BatchState& records) {
    const std::string& id = event.record_id();
    // A deleted record keeps its heads too (model/team_sync.hpp).
    const bool creates =
        event.as<ev::RecordCreated>() || event.as<ev::RecordRestored>() || event.as<ev::HeadsSet>();
    const bool names_record = std::visit(
        [](const auto& e) { return AboutRecord<std::decay_t<decltype(e)>>; }, event.data);
    if (names_record && !creates && !records.exists(id))
        return Error{"record " + id + " does not exist"};
    return std::visit([&](const auto& e) { return check(e, records); }, event.data);
}

} // namespace

EventBatch fitting_events(const Workspace& workspace, EventBatch batch,
                          std::vector<Event>* dropped) {
    BatchState records{workspace, {}, {}, {}, {}, {}, {}, {}};
    for (const auto& event : batch.events) {
        if (const auto* user = event.as<ev::UserAdded>()) records.users_added.insert(user->user.id);
        if (const auto* team = event.as<ev::TeamAdded>()) records.teams_added.insert(team->team.id);
    }
    std::vector<Event> kept;
    for (auto& event : batch.events) {
        if (check_event(event, records))
            kept.push_back(std::move(event));
        else if (dropped)
            dropped->push_back(std::move(event));
    }
    batch.events = std::move(kept);
    return batch;
}

Status check_batch(const Workspace& workspace, const EventBatch& batch) {
    // Dry run, so a failing batch leaves the workspace untouched.
    BatchState records{workspace, {}, {}, {}, {}, {}, {}, {}};
    for (const auto& event : batch.events) {
        if (const auto* user = event.as<ev::UserAdded>()) records.users_added.insert(user->user.id);
        if (const auto* team = event.as<ev::TeamAdded>()) records.teams_added.insert(team->team.id);
    }
    for (const auto& event : batch.events)
        if (auto status = check_event(event, records); !status) return status;
    return Status::success();
}

// ---- applying --------------------------------------------------------------

namespace {

StageEntry history_entry(const std::string& stage, const EventBatch& batch,
                         const std::vector<std::string>& warnings) {
    return {.stage = stage, .at = batch.at, .by = batch.actor, .warnings = warnings};
}

Record& record_of(Workspace& ws, const std::string& id) {
    return *ws.edit(id); // check_batch() made sure it exists
}

Status apply(Workspace& ws, const EventBatch& batch, const ev::RecordCreated& e) {
    Record record;
    record.id = e.id;
    record.type = e.type;
    record.owner = e.owner;
    record.fields = e.fields;
    record.created_at = record.updated_at = batch.at;
    record.created_by = record.updated_by = batch.actor;
    ws.put(std::move(record));
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::RecordUpdated& e) {
    Record& record = record_of(ws, e.id);
    for (const auto& [field, value] : e.fields.items()) {
        if (value.is_null())
            record.fields.erase(field);
        else
            record.fields[field] = value;
    }
    ws.reindex_links(e.id);
    if (e.owner) ws.set_owner(e.id, *e.owner);
    record.updated_at = batch.at;
    record.updated_by = batch.actor;
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::RecordDeleted& e) {
    ws.erase(e.id);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::RecordRestored& e) {
    auto record = record_from_json(e.record, ws, "record"); // check_batch() read it
    record->updated_at = batch.at;
    record->updated_by = batch.actor;
    ws.put(std::move(*record));
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::FieldAdded& e) {
    add_custom_field(*ws.schema.type(e.type), e.field);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::TypeAdded& e) {
    ws.schema.add_custom_type(e.type);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::FlowStarted& e) {
    FlowState state;
    state.stage = e.stage;
    state.started_at = state.entered_at = batch.at;
    state.history.push_back(history_entry(state.stage, batch, {}));
    Record& record = record_of(ws, e.id);
    record.flows[e.flow] = state;
    record.automation_failures.erase(flow_start_automation(e.flow));
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::FlowJoined& e) {
    Record& record = record_of(ws, e.id);
    record.flows[e.flow] = joined_flow_state(*ws.flow(e.flow), e.stage, std::min(e.since, batch.at),
                                             e.since, batch.actor);
    record.automation_failures.erase(flow_start_automation(e.flow));
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::StageMoved& e) {
    FlowState& state = record_of(ws, e.id).flows.at(e.flow);
    state.blocked.reset();
    state.stage = e.to;
    state.entered_at = batch.at;
    state.history.push_back(history_entry(state.stage, batch, e.warnings));
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::FlowEnded& e) {
    FlowState& state = record_of(ws, e.id).flows.at(e.flow);
    state.blocked.reset();
    state.status = e.status;
    state.outcome = e.outcome;
    state.reason = e.reason;
    state.ended_at = batch.at;
    StageEntry entry = history_entry(state.outcome, batch, e.warnings);
    entry.reason = state.reason;
    state.history.push_back(std::move(entry));
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::FlowSpawned& e) {
    FlowState state;
    state.status = "spawned";
    state.outcome = e.record;
    state.started_at = state.entered_at = state.ended_at = batch.at;
    Record& record = record_of(ws, e.id);
    record.flows[e.flow] = state;
    record.automation_failures.erase(flow_start_automation(e.flow));
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::MoveBlocked& e) {
    FlowState& state = record_of(ws, e.id).flows.at(e.flow);
    BlockedAttempt attempt{e.to, e.missing, e.failing, batch.at, batch.actor, 1};
    if (state.blocked && state.blocked->to == attempt.to)
        attempt.attempts = state.blocked->attempts + 1;
    state.blocked = std::move(attempt);
    return Status::success();
}

Status apply(Workspace& ws, const EventBatch&, const ev::LeadScoringChanged& e) {
    ws.lead_scoring = e.scoring;
    return Status::success();
}

// Records in a removed stage move to the stage the mapping names.
void map_stages(Workspace& ws, const EventBatch& batch, const Flow& flow,
                const std::map<std::string, std::string>& moves) {
    for (const auto& id : ws.ids_of_type(flow.record_type)) {
        Record& record = *ws.edit(id);
        const auto state = record.flows.find(flow.id);
        if (state == record.flows.end() || !state->second.active()) continue;
        const auto to = moves.find(state->second.stage);
        if (to == moves.end()) continue;
        StageEntry entry = history_entry(to->second, batch, {});
        entry.mapped_from = state->second.stage;
        state->second.stage = to->second;
        state->second.entered_at = batch.at;
        state->second.blocked.reset();
        state->second.history.push_back(std::move(entry));
        if (const Stage* stage = flow.stage(state->second.stage);
            stage && !flow.stage_field.empty())
            record.fields[flow.stage_field] = stage->name;
    }
}

Status apply(Workspace& ws, const EventBatch& batch, const ev::ProcessesChanged& e) {
    ws.flows = e.flows;
    // Failed starts of flows that are gone have nothing left to recover.
    for (const Record* listed : ws.all_records()) {
        if (listed->automation_failures.empty()) continue;
        Record& record = *ws.edit(listed->id);
        for (auto it = record.automation_failures.begin();
             it != record.automation_failures.end();) {
            const auto flow = flow_of_automation(it->first);
            it = flow && !ws.flow(*flow) ? record.automation_failures.erase(it) : std::next(it);
        }
    }
    for (const auto& [flow_id, moves] : e.mapping) {
        if (const Flow* flow = ws.flow(flow_id)) map_stages(ws, batch, *flow, moves);
        for (const auto& [from, to] : moves)
            ws.team_sync.retired_stages[flow_id][from] = to;
    }
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::SlaBreached& e) {
    Record& record = record_of(ws, e.id);
    record.sla_alerts[e.policy] = e.due;
    // Without people, an earlier breach's people are done.
    ws.set_escalation(e.id, e.policy, e.escalated_to);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::SlaPaused& e) {
    // Spans stay in order even if the device clock went back.
    auto& spans = record_of(ws, e.id).sla_pauses[e.policy];
    if (spans.empty())
        spans.push_back({batch.at, std::nullopt});
    else if (spans.back().to)
        spans.push_back({std::max(batch.at, *spans.back().to), std::nullopt});
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::SlaResumed& e) {
    auto& spans = record_of(ws, e.id).sla_pauses[e.policy];
    if (!spans.empty() && !spans.back().to) spans.back().to = std::max(batch.at, spans.back().from);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::AutomationFailed& e) {
    record_of(ws, e.id).automation_failures[e.automation] = {e.reason, batch.at};
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::AutomationCleared& e) {
    record_of(ws, e.id).automation_failures.erase(e.automation);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::RulesChanged& e) {
    ws.automation.rules = e.rules;
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::RuleStepRan& e) {
    Record& record = record_of(ws, e.id);
    if (!e.occasion.empty() && e.step == 0) record.rule_occasions[e.rule].insert(e.occasion);
    if (!e.assigned.empty()) ++ws.automation.assigned[e.rule][e.assigned];
    const std::string key = rule_automation(e.rule);
    if (e.failed.empty())
        record.automation_failures.erase(key);
    else
        record.automation_failures[key] = {e.failed, batch.at, e.step, e.occasion};
    auto& log = ws.automation.log;
    log.push_back({batch.at, e.rule, e.id, e.occasion, e.step, e.did, e.failed});
    ++ws.automation.runs;
    if (log.size() > kMaxAutomationLog) log.pop_front();
    return Status::success();
}

Status apply(Workspace& ws, const EventBatch&, const ev::NotificationSent& e) {
    ws.notifications.add(e.notification);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::NotificationsRead& e) {
    for (const auto& id : e.ids)
        ws.notifications.mark_read(id);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::ViewSaved& e) {
    auto& views = ws.views;
    const auto same = std::find_if(views.begin(), views.end(), [&](const SavedView& view) {
        return view.owner == e.view.owner && view.name == e.view.name;
    });
    if (same != views.end())
        *same = e.view;
    else
        views.push_back(e.view);
    return Status::success();
}
// Notes for history: the records came with their own events.
Status apply(Workspace&, const EventBatch&, const ev::RecordsImported&) {
    return Status::success();
}
Status apply(Workspace&, const EventBatch&, const ev::BatchReverted&) {
    return Status::success();
}
Status apply(Workspace&, const EventBatch&, const ev::RecordsMerged&) {
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch& batch, const ev::DataProblemFlagged& e) {
    record_of(ws, e.id).data_problems.push_back({e.note, batch.actor, batch.at});
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::DataProblemsResolved& e) {
    record_of(ws, e.id).data_problems.clear();
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::UserAdded& e) {
    ws.directory.add_user(e.user);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::UserUpdated& e) {
    ws.directory.update_user(e.user);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::TeamAdded& e) {
    ws.directory.add_team(e.team);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::TeamUpdated& e) {
    ws.directory.update_team(e.team);
    return Status::success();
}
Status apply(Workspace&, const EventBatch&, const ev::PeopleImported&) {
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::ViewDeleted& e) {
    std::erase_if(ws.views, [&](const SavedView& view) {
        return view.owner == e.owner && view.name == e.name;
    });
    return Status::success();
}

Status apply(Workspace& ws, const EventBatch&, const ev::ConflictNoted& e) {
    TeamSync& sync = ws.team_sync;
    for (const auto& listed : sync.deletions)
        if (listed.id == e.conflict.id) return Status::success(); // found again by a later batch
    sync.deletions.push_back(e.conflict);
    sync.deletions.back().resolved = sync.resolved.count(e.conflict.id) > 0;
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::ConflictResolved& e) {
    TeamSync& sync = ws.team_sync;
    sync.resolved.insert(e.conflict);
    for (auto& conflict : sync.deletions)
        if (conflict.id == e.conflict) conflict.resolved = true;
    return Status::success();
}
void set_heads(TeamSync& sync, const std::string& id, const std::string& key,
               std::vector<Head> heads) {
    if (heads.size() > 1)
        sync.conflicted.insert({id, key});
    else
        sync.conflicted.erase({id, key});
    if (key == kExistsStampKey) { // the deletion that stands, for the conflicts it names
        if (const Head* deletion = standing_deletion(heads))
            sync.deleted[id] = deletion->stamp;
        else
            sync.deleted.erase(id);
    }
    sync.heads[id][key] = std::move(heads);
}
Status apply(Workspace& ws, const EventBatch&, const ev::HeadsSet& e) {
    set_heads(ws.team_sync, e.id, e.key, e.heads);
    return Status::success();
}
Status apply(Workspace&, const EventBatch&, const ev::ValueConfirmed&) {
    return Status::success(); // its stamp is all it changes (note_sync)
}
// Found again (the same gate after a later merge): the later finding's words.
Status apply(Workspace& ws, const EventBatch&, const ev::SyncProblemNoted& e) {
    auto& problems = ws.team_sync.problems;
    for (auto& listed : problems)
        if (listed.id == e.problem.id) return (listed = e.problem, Status::success());
    problems.push_back(e.problem);
    return Status::success();
}
Status apply(Workspace& ws, const EventBatch&, const ev::SyncCheckpoint& e) {
    TeamSync& sync = ws.team_sync;
    sync.database = e.database;
    sync.since = e.since;
    sync.pushed_through = e.pushed_through;
    return Status::success();
}

void forget_heads(TeamSync& sync, const std::string& id) {
    const auto found = sync.heads.find(id);
    if (found == sync.heads.end()) return;
    for (const auto& [key, heads] : found->second)
        sync.conflicted.erase({id, key});
    sync.heads.erase(found);
}

// A deleted record keeps its heads, with the values it held (`record`, as
// its deletion kept it), so that a restore made elsewhere weighs them.
void keep_values(TeamSync& sync, const std::string& id, const nlohmann::json& record) {
    if (!record.is_object()) return;
    auto& keys = sync.heads[id];
    for (auto& [key, heads] : keys)
        if (key != kCreatedStampKey && key != kExistsStampKey && heads.size() == 1)
            heads.front().value = value_in_record(record, key);
    auto& created = keys[kCreatedStampKey];
    if (created.empty()) created.push_back(Head{}); // made before stamps: seen by every write
    for (auto& head : created)
        head.value = record;
}

// A record made or restored here has seen everything: one stamp for it all.
void stamp_anew(TeamSync& sync, const std::string& id, const Stamp& stamp, bool restored) {
    forget_heads(sync, id);
    sync.heads[id][kCreatedStampKey] = {Head{stamp, {}}};
    if (restored) sync.heads[id][kExistsStampKey] = {Head{stamp, kRestoredValue}};
    sync.deleted.erase(id);
}

// The stamp keys an event writes: a new record's one stamp, a deletion, and,
// for this device's own batches, the values they change (a merged batch
// carries its heads in HeadsSet instead).
void stamp_event(TeamSync& sync, const Stamp& stamp, const Event& event, bool merged) {
    const std::string& id = event.record_id();
    const auto write = [&](const std::string& key) {
        if (!merged) set_heads(sync, id, key, {Head{stamp, {}}});
    };
    if (const std::string setting = event.setting(); !setting.empty()) {
        if (!merged) set_heads(sync, kSettingsStampId, setting, {Head{stamp, {}}});
    } else if (event.as<ev::RecordCreated>()) {
        stamp_anew(sync, id, stamp, false);
    } else if (event.as<ev::RecordRestored>()) {
        if (!merged) stamp_anew(sync, id, stamp, true);
    } else if (const auto* updated = event.as<ev::RecordUpdated>()) {
        for (const auto& [field, value] : updated->fields.items())
            write(field);
        if (updated->owner) write(kOwnerStampKey);
    } else if (const auto* deleted = event.as<ev::RecordDeleted>()) {
        // Only a team's copy can meet a restore made elsewhere.
        if (!sync.database.empty()) keep_values(sync, id, deleted->record);
        if (!merged) set_heads(sync, id, kExistsStampKey, {Head{stamp, kDeletedValue}});
    } else if (const auto* confirmed = event.as<ev::ValueConfirmed>()) {
        write(confirmed->key);
    } else if (const auto* started = event.as<ev::FlowStarted>()) {
        write(flow_stamp_key(started->flow));
    } else if (const auto* joined = event.as<ev::FlowJoined>()) {
        write(flow_stamp_key(joined->flow));
    } else if (const auto* moved = event.as<ev::StageMoved>()) {
        write(flow_stamp_key(moved->flow));
    } else if (const auto* ended = event.as<ev::FlowEnded>()) {
        write(flow_stamp_key(ended->flow));
    } else if (const auto* spawned = event.as<ev::FlowSpawned>()) {
        write(flow_stamp_key(spawned->flow));
    }
}

// The clock, the other devices' batches held, and the stamps of what changed.
void note_sync(TeamSync& sync, const EventBatch& batch) {
    if (batch.clock == 0) return; // journals from before stamps
    sync.clock = std::max(sync.clock, batch.clock);
    const bool merged = batch.origin_seq != 0;
    if (merged) {
        auto& applied = sync.applied[batch.device];
        applied = std::max(applied, batch.origin_seq);
    }
    const Stamp stamp{batch.clock, batch.device, merged ? batch.origin_seq : batch.seq, batch.actor,
                      batch.at};
    for (const auto& event : batch.events)
        stamp_event(sync, stamp, event, merged);
}

bool changes_content(const Event& event) {
    return event.as<ev::RecordUpdated>() || event.as<ev::RecordRestored>() ||
           event.as<ev::FlowStarted>() || event.as<ev::FlowJoined>() ||
           event.as<ev::StageMoved>() || event.as<ev::FlowEnded>();
}

} // namespace

Status apply_batch(Workspace& workspace, const EventBatch& batch) {
    if (auto status = check_batch(workspace, batch); !status) return status;
    return apply_checked_batch(workspace, batch);
}

Status apply_checked_batch(Workspace& workspace, const EventBatch& batch) {
    std::set<std::string> changed;
    for (const auto& event : batch.events) {
        const auto status =
            std::visit([&](const auto& e) { return apply(workspace, batch, e); }, event.data);
        if (!status) return status;
        if (!event.record_id().empty()) workspace.reindex_record(event.record_id());
        if (event.as<ev::ProcessesChanged>())
            workspace.reindex_all(); // stages mapped, starts dropped
        if (changes_content(event)) changed.insert(event.record_id());
    }
    // One command, one version: a newer copy of a record has a higher one.
    for (const auto& id : changed)
        if (Record* record = workspace.edit(id)) ++record->version;
    note_sync(workspace.team_sync, batch);
    return Status::success();
}

} // namespace crm
