// The workspace schema: record types and their typed fields. Built-in types
// (company, contact, lead, deal, ticket, subscription, task, activity) come
// from builtin_schema(); admins add custom fields and custom record types.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

enum class FieldType {
    Text,
    LongText,
    Number,
    Money,
    Date,
    DateTime,
    Bool,
    Picklist,
    MultiPicklist,
    Email,
    Phone,
    Url,
    Domain, // a web site's domain, kept canonical: "example.com"
    UserRef,
    RecordRef,
    LineItems, // a quote's or order's lines: product, quantity, unit price, discount %
};

std::string_view field_type_name(FieldType type);
std::optional<FieldType> field_type_from_name(std::string_view name);
// "text, long_text, number, ..." for error messages.
std::string field_type_names();

// A compiled `pattern` (core/quality/validation.cpp): compiled once, when the
// schema is read, and shared by every copy of the field definition.
struct CompiledPattern;

// What a field's value must be beyond its type (docs/workspace-format.md,
// "Validation rules"). Checked on entry, edit and import, never on values
// already kept.
struct FieldRules {
    std::string pattern;     // ECMAScript regular expression the whole value matches
    nlohmann::json min, max; // numbers (number, money) or "YYYY-MM-DD" / instants; null = none
    std::optional<std::size_t> min_length, max_length; // in characters, for text
    std::string message; // the admin's words, shown instead of the default when a rule fails
    std::shared_ptr<const CompiledPattern> compiled; // `pattern`, ready to run

    bool empty() const {
        return pattern.empty() && min.is_null() && max.is_null() && !min_length && !max_length &&
               message.empty();
    }
};

struct FieldDef {
    std::string id;
    std::string label;
    FieldType type = FieldType::Text;
    bool required = false;
    std::vector<std::string> options; // picklist and multi_picklist choices
    std::string target_type;          // record_ref: the referenced type ("" = any)
    bool custom = false;              // added by an admin (not built in)
    FieldRules rules;
    // A money field worked out by the engine as the total of this line_items
    // field (a quote's total); nobody sets it by hand. Built-in fields only.
    std::string sum_of;
    // Filled in by a step of the funnel ("converting the lead"): where a
    // converted lead went, when a quote was accepted. Only that step sets it;
    // forms show it and do not offer to edit it. "" = anyone may set it.
    std::string filled_by;
    // Built in after workspaces could add their own: a workspace's own field
    // of this id, from before, takes its place (core/io/workspace_json.cpp).
    bool yields_to_custom = false;
};

// A rule across fields: a JsonLogic condition over the record's values (as
// logic_data() gives them) that must hold after every change it concerns.
struct RecordRule {
    nlohmann::json rule;
    std::string message;             // shown as written when the rule fails
    std::vector<std::string> fields; // what it concerns; empty = the fields the rule reads
};

struct RecordTypeDef {
    std::string id;
    std::string label;                     // "Deal"
    std::string plural;                    // "Deals"
    std::vector<std::string> title_fields; // joined with spaces to name a record
    std::vector<FieldDef> fields;
    bool custom = false;
    std::vector<RecordRule> rules; // must hold for every record of the type
    // Completeness (the data-quality screen): the fields a complete record
    // has filled in ({} = every field but yes/no ones, which are never
    // blank), and the share of them a record should have, in percent (0 =
    // not measured: tasks and activities).
    std::vector<std::string> completeness_fields;
    int completeness_target = 80;
    // Built in after workspaces could add their own (quote, order): a
    // workspace's own type of this id, from before, takes its place.
    bool yields_to_custom = false;

    const FieldDef* field(std::string_view field_id) const;
};

class Schema {
  public:
    const std::vector<RecordTypeDef>& types() const { return m_types; }
    const RecordTypeDef* type(std::string_view type_id) const;
    RecordTypeDef* type(std::string_view type_id);
    void add_type(RecordTypeDef type) { m_types.push_back(std::move(type)); }
    // An admin's type: it takes the place of a built-in of its id that yields
    // (a workspace's own "quote" from before the built-in one), else is added.
    void add_custom_type(RecordTypeDef type);

  private:
    std::vector<RecordTypeDef> m_types;
};

Schema builtin_schema();

// Whether a workspace's own type or field of this id takes its place.
inline bool yields(const RecordTypeDef& type) {
    return type.yields_to_custom && !type.custom;
}
inline bool yields(const FieldDef& field) {
    return field.yields_to_custom && !field.custom;
}
// An admin's field: it takes the place of a built-in one that yields, else is added.
void add_custom_field(RecordTypeDef& type, FieldDef field);

// Why nobody sets `field` of `type` by hand, if so: "is worked out from the
// Lines; change those instead" (a total), "is filled in by converting the
// lead, not by hand" (a funnel step's field).
std::optional<std::string> not_set_by_hand(const RecordTypeDef& type, const FieldDef& field);

// Identifiers admins choose for types and fields: lower case letters, digits
// and '_', starting with a letter, at most 40 characters.
bool is_valid_identifier(std::string_view id);

} // namespace crm
