#include "engine/event.hpp"

#include "io/schema_json.hpp"
#include "process/flow_json.hpp"

#include <algorithm>
#include <set>

namespace crm {

using nlohmann::json;

json batch_to_json(const EventBatch& batch) {
    json events = json::array();
    for (const auto& event : batch.events)
        events.push_back({{"kind", event.kind}, {"data", event.data}});
    return {{"seq", batch.seq},
            {"at", format_instant(batch.at)},
            {"actor", batch.actor},
            {"events", std::move(events)}};
}

Result<EventBatch> batch_from_json(const json& value) {
    try {
        EventBatch batch;
        batch.seq = value.at("seq").get<std::uint64_t>();
        const auto at = parse_instant(value.at("at").get<std::string>());
        if (!at) return Error{"bad time in journal entry"};
        batch.at = *at;
        batch.actor = value.at("actor").get<std::string>();
        for (const auto& event : value.at("events"))
            batch.events.push_back({event.at("kind").get<std::string>(), event.at("data")});
        return batch;
    } catch (const json::exception& error) {
        return Error{std::string("malformed journal entry: ") + error.what()};
    }
}

namespace {

Record& record_for(Workspace& workspace, const json& data) {
    return *workspace.edit(data.at("id").get<std::string>()); // check_batch made sure it exists
}

json history_entry(const std::string& stage, const EventBatch& batch, const json& data) {
    json entry = {{"stage", stage}, {"at", format_instant(batch.at)}, {"by", batch.actor}};
    if (data.contains("warnings")) entry["warnings"] = data["warnings"];
    return entry;
}

} // namespace

namespace {

enum class Shape { Text, OptionalText, Object, OptionalObject, Texts, OptionalTexts, Array };

struct EventSpec {
    const char* kind;
    std::vector<std::pair<const char*, Shape>> keys;
    bool on_record; // its "id" names a record that must exist when it applies
};

// What each kind of event carries; apply_batch() reads nothing else.
const std::vector<EventSpec>& event_specs() {
    using S = Shape;
    static const std::vector<EventSpec> specs = {
        {"record.created",
         {{"id", S::Text},
          {"type", S::Text},
          {"owner", S::OptionalText},
          {"fields", S::OptionalObject}},
         false},
        {"record.updated",
         {{"id", S::Text}, {"fields", S::OptionalObject}, {"owner", S::OptionalText}},
         true},
        {"record.deleted", {{"id", S::Text}}, true},
        {"schema.field_added", {{"type", S::Text}, {"field", S::Object}}, false},
        {"schema.type_added", {{"type", S::Object}}, false},
        {"process.started", {{"id", S::Text}, {"flow", S::Text}, {"stage", S::Text}}, true},
        {"process.move_blocked",
         {{"id", S::Text},
          {"flow", S::Text},
          {"to", S::Text},
          {"missing", S::Texts},
          {"failing", S::Texts}},
         true},
        {"process.moved", {{"id", S::Text}, {"flow", S::Text}, {"to", S::Text}}, true},
        {"process.ended",
         {{"id", S::Text},
          {"flow", S::Text},
          {"status", S::Text},
          {"outcome", S::Text},
          {"reason", S::OptionalText}},
         true},
        {"process.spawned", {{"id", S::Text}, {"flow", S::Text}, {"record", S::Text}}, true},
        {"process.definitions_changed",
         {{"flows", S::Array}, {"mapping", S::OptionalObject}},
         false},
        {"sla.breached",
         {{"id", S::Text},
          {"policy", S::Text},
          {"due", S::Text},
          {"escalated_to", S::OptionalTexts}},
         true},
        {"sla.paused", {{"id", S::Text}, {"policy", S::Text}}, true},
        {"sla.resumed", {{"id", S::Text}, {"policy", S::Text}}, true},
        {"automation.failed",
         {{"id", S::Text}, {"automation", S::Text}, {"reason", S::Text}},
         true},
        {"automation.cleared", {{"id", S::Text}, {"automation", S::Text}}, true},
    };
    return specs;
}

bool has_shape(const json& data, const char* key, Shape shape) {
    const auto it = data.find(key);
    const bool optional = shape == Shape::OptionalText || shape == Shape::OptionalObject ||
                          shape == Shape::OptionalTexts;
    if (it == data.end()) return optional;
    switch (shape) {
    case Shape::Text:
    case Shape::OptionalText:
        return it->is_string();
    case Shape::Object:
    case Shape::OptionalObject:
        return it->is_object();
    case Shape::Array:
        return it->is_array();
    case Shape::Texts:
    case Shape::OptionalTexts:
        return it->is_array() && std::all_of(it->begin(), it->end(),
                                             [](const json& item) { return item.is_string(); });
    }
    return false;
}

// The records as they will stand at this point of the batch: a batch may
// create a record and start a flow on it, or delete one it just changed.
struct BatchRecords {
    const Workspace& workspace;
    std::set<std::string> created, deleted;
    std::set<std::pair<std::string, std::string>> started; // (record, flow)

    bool exists(const std::string& id) const {
        return !deleted.count(id) && (created.count(id) || workspace.find(id));
    }
    bool in_flow(const std::string& id, const std::string& flow) const {
        if (started.count({id, flow})) return true;
        const Record* record = workspace.find(id);
        return record && !created.count(id) && record->flows.count(flow);
    }
};

Status check_event(const Event& event, BatchRecords& records) {
    const auto spec = std::find_if(event_specs().begin(), event_specs().end(),
                                   [&](const EventSpec& s) { return event.kind == s.kind; });
    if (spec == event_specs().end()) return Error{"unknown event kind '" + event.kind + "'"};
    if (!event.data.is_object()) return Error{event.kind + ": its data is not an object"};
    for (const auto& [key, shape] : spec->keys)
        if (!has_shape(event.data, key, shape))
            return Error{event.kind + ": \"" + key + "\" is missing or of the wrong type"};
    const Workspace& ws = records.workspace;
    const std::string id = event.data.value("id", "");
    if (spec->on_record && !records.exists(id)) return Error{"record " + id + " does not exist"};
    const std::string flow = event.data.value("flow", "");
    if (event.kind == "record.created") {
        if (records.exists(id)) return Error{"record " + id + " already exists"};
        if (!ws.schema.type(event.data["type"].get<std::string>()))
            return Error{"unknown record type for " + id};
        records.created.insert(id);
        records.deleted.erase(id);
    } else if (event.kind == "record.deleted") {
        records.deleted.insert(id);
    } else if (event.kind == "schema.field_added" &&
               !ws.schema.type(event.data["type"].get<std::string>())) {
        return Error{"unknown record type in field definition"};
    } else if (event.kind.rfind("process.", 0) == 0 && !flow.empty()) {
        if (!ws.flow(flow)) return Error{"unknown flow for " + id};
        if (event.kind == "process.started" || event.kind == "process.spawned")
            records.started.insert({id, flow});
        else if (!records.in_flow(id, flow))
            return Error{"record " + id + " is not in the flow " + flow};
    }
    return Status::success();
}

} // namespace

Status check_batch(const Workspace& workspace, const EventBatch& batch) {
    // Dry run, so a failing batch leaves the workspace untouched.
    BatchRecords records{workspace, {}, {}, {}};
    for (const auto& event : batch.events)
        if (auto status = check_event(event, records); !status) return status;
    return Status::success();
}

Status apply_batch(Workspace& workspace, const EventBatch& batch) {
    if (auto status = check_batch(workspace, batch); !status) return status;
    try {
        for (const auto& event : batch.events) {
            const json& data = event.data;
            if (event.kind == "record.created") {
                Record record;
                record.id = data.at("id").get<std::string>();
                record.type = data.at("type").get<std::string>();
                record.owner = data.value("owner", "");
                record.fields = data.value("fields", json::object());
                record.created_at = record.updated_at = batch.at;
                record.created_by = record.updated_by = batch.actor;
                workspace.put(std::move(record));
            } else if (event.kind == "record.updated") {
                Record record = *workspace.find(data.at("id").get<std::string>());
                const json changes = data.value("fields", json::object());
                for (const auto& [field, value] : changes.items()) {
                    if (value.is_null())
                        record.fields.erase(field);
                    else
                        record.fields[field] = value;
                }
                if (data.contains("owner")) record.owner = data["owner"].get<std::string>();
                record.updated_at = batch.at;
                record.updated_by = batch.actor;
                workspace.put(std::move(record));
            } else if (event.kind == "record.deleted") {
                workspace.erase(data.at("id").get<std::string>());
            } else if (event.kind == "schema.field_added") {
                auto field = field_def_from_json(data.at("field"), "$.field");
                if (!field) return Error{field.error()};
                workspace.schema.type(data.at("type").get<std::string>())->fields.push_back(*field);
            } else if (event.kind == "schema.type_added") {
                auto type = record_type_from_json(data.at("type"), "$.type");
                if (!type) return Error{type.error()};
                workspace.schema.add_type(*type);
            } else if (event.kind == "process.started") {
                FlowState state;
                state.stage = data.at("stage").get<std::string>();
                state.started_at = state.entered_at = batch.at;
                state.history.push_back(history_entry(state.stage, batch, data));
                Record& record = record_for(workspace, data);
                record.flows[data.at("flow").get<std::string>()] = state;
                record.automation_failures.erase(
                    flow_start_automation(data.at("flow").get<std::string>()));
            } else if (event.kind == "process.move_blocked") {
                FlowState& state =
                    record_for(workspace, data).flows.at(data.at("flow").get<std::string>());
                BlockedAttempt attempt{data.at("to").get<std::string>(),
                                       data.at("missing").get<std::vector<std::string>>(),
                                       data.at("failing").get<std::vector<std::string>>(),
                                       batch.at,
                                       batch.actor,
                                       1};
                if (state.blocked && state.blocked->to == attempt.to)
                    attempt.attempts = state.blocked->attempts + 1;
                state.blocked = std::move(attempt);
            } else if (event.kind == "process.moved") {
                FlowState& state =
                    record_for(workspace, data).flows.at(data.at("flow").get<std::string>());
                state.blocked.reset();
                state.stage = data.at("to").get<std::string>();
                state.entered_at = batch.at;
                state.history.push_back(history_entry(state.stage, batch, data));
            } else if (event.kind == "process.ended") {
                FlowState& state =
                    record_for(workspace, data).flows.at(data.at("flow").get<std::string>());
                state.blocked.reset();
                state.status = data.at("status").get<std::string>();
                state.outcome = data.at("outcome").get<std::string>();
                state.reason = data.value("reason", "");
                state.ended_at = batch.at;
                json entry = history_entry(state.outcome, batch, data);
                if (!state.reason.empty()) entry["reason"] = state.reason;
                state.history.push_back(entry);
            } else if (event.kind == "sla.breached") {
                Record& record = record_for(workspace, data);
                const std::string policy = data.at("policy").get<std::string>();
                record.sla_alerts[policy] = data.at("due").get<std::string>();
                if (data.contains("escalated_to"))
                    record.sla_escalations[policy] =
                        data["escalated_to"].get<std::vector<std::string>>();
                else
                    record.sla_escalations.erase(policy); // an earlier breach's people are done
            } else if (event.kind == "sla.paused") {
                // Spans stay in order even if the device clock went back.
                auto& spans =
                    record_for(workspace, data).sla_pauses[data.at("policy").get<std::string>()];
                if (spans.empty())
                    spans.push_back({batch.at, std::nullopt});
                else if (spans.back().to)
                    spans.push_back({std::max(batch.at, *spans.back().to), std::nullopt});
            } else if (event.kind == "sla.resumed") {
                auto& spans =
                    record_for(workspace, data).sla_pauses[data.at("policy").get<std::string>()];
                if (!spans.empty() && !spans.back().to)
                    spans.back().to = std::max(batch.at, spans.back().from);
            } else if (event.kind == "automation.cleared") {
                record_for(workspace, data)
                    .automation_failures.erase(data.at("automation").get<std::string>());
            } else if (event.kind == "automation.failed") {
                record_for(workspace, data)
                    .automation_failures[data.at("automation").get<std::string>()] = {
                    data.at("reason").get<std::string>(), batch.at};
            } else if (event.kind == "process.spawned") {
                FlowState state;
                state.status = "spawned";
                state.outcome = data.at("record").get<std::string>();
                state.started_at = state.entered_at = state.ended_at = batch.at;
                Record& record = record_for(workspace, data);
                record.flows[data.at("flow").get<std::string>()] = state;
                record.automation_failures.erase(
                    flow_start_automation(data.at("flow").get<std::string>()));
            } else if (event.kind == "process.definitions_changed") {
                auto flows = flows_from_json(data.at("flows"), "$.flows");
                if (!flows) return Error{flows.error()};
                workspace.flows = std::move(*flows);
                // Failed starts of flows that are gone have nothing left to recover.
                for (const Record* listed : workspace.all_records()) {
                    if (listed->automation_failures.empty()) continue;
                    Record& record = *workspace.edit(listed->id);
                    for (auto it = record.automation_failures.begin();
                         it != record.automation_failures.end();) {
                        const auto flow = flow_of_automation(it->first);
                        it = flow && !workspace.flow(*flow) ? record.automation_failures.erase(it)
                                                            : std::next(it);
                    }
                }
                const json mapping = data.value("mapping", json::object());
                for (const auto& [flow_id, moves] : mapping.items()) {
                    const Flow* flow = workspace.flow(flow_id);
                    if (!flow) continue;
                    for (const auto& id : workspace.ids_of_type(flow->record_type)) {
                        Record& record = *workspace.edit(id);
                        const auto state = record.flows.find(flow_id);
                        if (state == record.flows.end() || !state->second.active()) continue;
                        const auto to = moves.find(state->second.stage);
                        if (to == moves.end()) continue;
                        json entry = {{"stage", *to},
                                      {"at", format_instant(batch.at)},
                                      {"by", batch.actor},
                                      {"mapped_from", state->second.stage}};
                        state->second.stage = to->get<std::string>();
                        state->second.entered_at = batch.at;
                        state->second.blocked.reset();
                        state->second.history.push_back(entry);
                        if (const Stage* stage = flow->stage(state->second.stage);
                            stage && !flow->stage_field.empty())
                            record.fields[flow->stage_field] = stage->name;
                    }
                }
            }
        }
    } catch (const std::exception& error) {
        // check_batch() leaves nothing to throw; a journal that does is damaged.
        return Error{std::string("malformed event: ") + error.what()};
    }
    return Status::success();
}

} // namespace crm
