#include "engine/event.hpp"

#include "io/schema_json.hpp"
#include "process/flow_json.hpp"

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

// A batch may create a record and start a flow on it in one go.
bool created_here(const EventBatch& batch, const std::string& id) {
    for (const auto& event : batch.events)
        if (event.kind == "record.created" && event.data.value("id", "") == id) return true;
    return false;
}

Record& record_for(Workspace& workspace, const json& data) {
    return *workspace.edit(data.at("id").get<std::string>()); // check_batch made sure it exists
}

json history_entry(const std::string& stage, const EventBatch& batch, const json& data) {
    json entry = {{"stage", stage}, {"at", format_instant(batch.at)}, {"by", batch.actor}};
    if (data.contains("warnings")) entry["warnings"] = data["warnings"];
    return entry;
}

} // namespace

Status check_batch(const Workspace& workspace, const EventBatch& batch) {
    // Dry run on ids only, so a failing batch leaves the workspace untouched.
    for (const auto& event : batch.events) {
        const std::string id = event.data.value("id", "");
        if (event.kind == "record.created") {
            if (workspace.find(id)) return Error{"record " + id + " already exists"};
            if (!workspace.schema.type(event.data.value("type", "")))
                return Error{"unknown record type for " + id};
        } else if (event.kind == "record.updated" || event.kind == "record.deleted") {
            if (!workspace.find(id)) return Error{"record " + id + " does not exist"};
        } else if (event.kind == "schema.field_added") {
            if (!workspace.schema.type(event.data.value("type", "")))
                return Error{"unknown record type in field definition"};
        } else if (event.kind.rfind("process.", 0) == 0 &&
                   event.kind != "process.definitions_changed") {
            if (!workspace.find(id) && !created_here(batch, id))
                return Error{"record " + id + " does not exist"};
            if (!workspace.flow(event.data.value("flow", "")))
                return Error{"unknown flow for " + id};
        } else if (event.kind == "sla.breached" || event.kind == "sla.paused" ||
                   event.kind == "sla.resumed" || event.kind == "automation.failed" ||
                   event.kind == "automation.cleared") {
            if (!workspace.find(id) && !created_here(batch, id))
                return Error{"record " + id + " does not exist"};
        } else if (event.kind != "schema.type_added" &&
                   event.kind != "process.definitions_changed") {
            return Error{"unknown event kind '" + event.kind + "'"};
        }
    }
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
    } catch (const json::exception& error) {
        return Error{std::string("malformed event: ") + error.what()};
    }
    return Status::success();
}

} // namespace crm
