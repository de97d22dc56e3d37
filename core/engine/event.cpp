#include "engine/event.hpp"

#include "io/schema_json.hpp"

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
        } else if (event.kind != "schema.type_added") {
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
            }
        }
    } catch (const json::exception& error) {
        return Error{std::string("malformed event: ") + error.what()};
    }
    return Status::success();
}

} // namespace crm
