// Covers typed field values (core/model/field_values): the input as typed text for
// every field type, as `crm ... field=value` reads it and the journal writes it.
#include "model/field_values.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::vector<crm::FieldDef> all_field_types() {
    using crm::FieldType;
    const std::vector<std::string> options = {"New", "In progress", "Won", "Lost", "Ärger"};
    return {
        {"name", "Name", FieldType::Text},
        {"notes", "Notes", FieldType::LongText},
        {"score", "Score", FieldType::Number},
        {"amount", "Amount", FieldType::Money},
        {"close_date", "Close date", FieldType::Date},
        {"meeting_at", "Meeting at", FieldType::DateTime},
        {"decision_maker", "Decision maker", FieldType::Bool},
        {"status", "Status", FieldType::Picklist, false, options},
        {"tags", "Tags", FieldType::MultiPicklist, false, options},
        {"email", "Email", FieldType::Email},
        {"phone", "Phone", FieldType::Phone},
        {"website", "Website", FieldType::Url},
        {"owner", "Owner", FieldType::UserRef},
        {"company", "Company", FieldType::RecordRef, false, {}, "company"},
    };
}

[[noreturn]] void fail(const crm::FieldDef& field, const std::string& what) {
    std::fprintf(stderr, "invariant broken: field %s (%s): %s\n", field.id.c_str(),
                 std::string(crm::field_type_name(field.type)).c_str(), what.c_str());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    static const std::vector<crm::FieldDef> fields = all_field_types();
    const std::string text(reinterpret_cast<const char*>(bytes), size);
    for (const auto& field : fields) {
        auto value = crm::parse_field_text(field, text, "USD");
        if (!value) continue;
        // A parsed value is already normal, and its editor text reads back unchanged.
        auto normal = crm::normalize_field_value(field, *value);
        if (!normal) fail(field, "parsed value does not normalize: " + normal.error());
        if (*normal != *value) fail(field, "normalizing a parsed value changes it");
        crm::format_field_value(field, *value);
        const std::string editor_text = crm::field_value_to_text(field, *value);
        auto again = crm::parse_field_text(field, editor_text, "USD");
        if (!again || *again != *value)
            fail(field, "field_value_to_text does not read back: " + editor_text);
        value->dump();
    }
    // Any JSON value normalises in place as it does into a copy.
    const auto document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded()) return 0;
    for (const auto& field : fields) {
        const auto copied = crm::normalize_field_value(field, document);
        nlohmann::json in_place = document;
        const auto status = crm::normalize_field_value_in_place(field, in_place);
        if (copied.ok() != status.ok()) fail(field, "normalising in place accepts differently");
        if (copied.ok() && *copied != in_place)
            fail(field, "normalising in place gives another value");
        if (!status.ok() && in_place != document) fail(field, "a refused value was changed");
    }
    return 0;
}
