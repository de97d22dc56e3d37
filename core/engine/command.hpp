// Commands: what a person (or, later, automation) asks the engine to do.
// Every command is checked as a whole; a rejected one changes nothing.
#pragma once

#include "model/schema.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>

namespace crm {

struct CreateRecord {
    std::string type;
    nlohmann::json fields = nlohmann::json::object();
    std::optional<std::string> owner; // defaults to the actor
};

// Changes the given fields only; a null value clears a field.
struct UpdateRecord {
    std::string id;
    nlohmann::json fields = nlohmann::json::object();
    std::optional<std::string> owner; // set to reassign ("" unassigns)
};

struct DeleteRecord {
    std::string id;
};

struct AddField {
    std::string type;
    FieldDef field;
};

struct AddRecordType {
    RecordTypeDef type;
};

using Command = std::variant<CreateRecord, UpdateRecord, DeleteRecord, AddField, AddRecordType>;

} // namespace crm
