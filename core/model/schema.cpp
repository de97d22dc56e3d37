#include "model/schema.hpp"

#include <array>
#include <utility>

namespace crm {

namespace {

constexpr std::array<std::pair<FieldType, std::string_view>, 16> kTypeNames = {{
    {FieldType::Text, "text"},
    {FieldType::LongText, "long_text"},
    {FieldType::Number, "number"},
    {FieldType::Money, "money"},
    {FieldType::Date, "date"},
    {FieldType::DateTime, "datetime"},
    {FieldType::Bool, "bool"},
    {FieldType::Picklist, "picklist"},
    {FieldType::MultiPicklist, "multi_picklist"},
    {FieldType::Email, "email"},
    {FieldType::Phone, "phone"},
    {FieldType::Url, "url"},
    {FieldType::Domain, "domain"},
    {FieldType::UserRef, "user_ref"},
    {FieldType::RecordRef, "record_ref"},
    {FieldType::LineItems, "line_items"},
}};

FieldDef field(std::string id, std::string label, FieldType type, bool required = false) {
    FieldDef def;
    def.id = std::move(id);
    def.label = std::move(label);
    def.type = type;
    def.required = required;
    return def;
}

FieldDef picklist(std::string id, std::string label, std::vector<std::string> options,
                  bool required = false, FieldType type = FieldType::Picklist) {
    FieldDef def = field(std::move(id), std::move(label), type, required);
    def.options = std::move(options);
    return def;
}

FieldDef ref(std::string id, std::string label, std::string target, bool required = false) {
    FieldDef def = field(std::move(id), std::move(label), FieldType::RecordRef, required);
    def.target_type = std::move(target);
    return def;
}

FieldDef sum_of(std::string id, std::string label, std::string lines) {
    FieldDef def = field(std::move(id), std::move(label), FieldType::Money);
    def.sum_of = std::move(lines);
    return def;
}

// The funnel's steps, as the fields they fill in say who sets them.
constexpr const char* kConverting = "converting the lead";
constexpr const char* kAccepting = "accepting the quote";

// A field a funnel step fills in (see FieldDef::filled_by).
FieldDef filled_by(std::string step, FieldDef def) {
    def.filled_by = std::move(step);
    def.yields_to_custom = true; // came with the funnel
    return def;
}

// A type built in with the funnel, after workspaces could add their own.
RecordTypeDef yielding(RecordTypeDef def) {
    def.yields_to_custom = true;
    return def;
}

RecordTypeDef record_type(std::string id, std::string label, std::string plural,
                          std::vector<std::string> title, std::vector<FieldDef> fields) {
    RecordTypeDef def;
    def.id = std::move(id);
    def.label = std::move(label);
    def.plural = std::move(plural);
    def.title_fields = std::move(title);
    def.fields = std::move(fields);
    return def;
}

// What a complete record of each built-in type has: who, how to reach them,
// where they belong. Stage-specific fields (a lost reason) are left out.
void set_completeness(Schema& schema) {
    const std::pair<const char*, std::vector<std::string>> kKeyFields[] = {
        {"company", {"name", "domain", "industry", "employees", "phone", "city", "country"}},
        {"contact", {"first_name", "last_name", "email", "phone", "job_title", "company"}},
        {"lead", {"name", "company_name", "email", "phone", "source"}},
        {"deal", {"name", "company", "contact", "amount", "close_date"}},
        {"ticket", {"subject", "company", "contact", "priority"}},
        {"subscription", {"name", "company", "plan", "mrr", "renewal_date"}}};
    for (const auto& [type, fields] : kKeyFields)
        schema.type(type)->completeness_fields = fields;
    schema.type("task")->completeness_target = 0;
    schema.type("activity")->completeness_target = 0;
    // Quotes and orders are made from their deal: what they hold is the deal's.
    schema.type("quote")->completeness_target = 0;
    schema.type("order")->completeness_target = 0;
}

} // namespace

std::string_view field_type_name(FieldType type) {
    for (const auto& [value, name] : kTypeNames)
        if (value == type) return name;
    return "text";
}

std::optional<FieldType> field_type_from_name(std::string_view name) {
    for (const auto& [value, type_name] : kTypeNames)
        if (type_name == name) return value;
    return std::nullopt;
}

std::string field_type_names() {
    std::string names;
    for (const auto& [value, name] : kTypeNames) {
        if (!names.empty()) names += ", ";
        names += name;
    }
    return names;
}

const FieldDef* RecordTypeDef::field(std::string_view field_id) const {
    for (const auto& def : fields)
        if (def.id == field_id) return &def;
    return nullptr;
}

const RecordTypeDef* Schema::type(std::string_view type_id) const {
    for (const auto& def : m_types)
        if (def.id == type_id) return &def;
    return nullptr;
}

RecordTypeDef* Schema::type(std::string_view type_id) {
    for (auto& def : m_types)
        if (def.id == type_id) return &def;
    return nullptr;
}

bool is_valid_identifier(std::string_view id) {
    if (id.empty() || id.size() > 40 || id[0] < 'a' || id[0] > 'z') return false;
    for (const char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

Schema builtin_schema() {
    using T = FieldType;
    Schema schema;
    schema.add_type(
        record_type("company", "Company", "Companies", {"name"},
                    {field("name", "Name", T::Text, true), field("domain", "Website", T::Domain),
                     picklist("industry", "Industry",
                              {"Software", "Manufacturing", "Healthcare", "Retail", "Finance",
                               "Education", "Logistics", "Energy", "Media", "Other"}),
                     field("employees", "Employees", T::Number), field("phone", "Phone", T::Phone),
                     field("city", "City", T::Text), field("country", "Country", T::Text),
                     picklist("tier", "Tier", {"Strategic", "Mid-market", "SMB"})}));
    schema.add_type(
        record_type("contact", "Contact", "Contacts", {"first_name", "last_name"},
                    {field("first_name", "First name", T::Text, true),
                     field("last_name", "Last name", T::Text, true),
                     field("email", "Email", T::Email), field("phone", "Phone", T::Phone),
                     field("job_title", "Job title", T::Text), ref("company", "Company", "company"),
                     field("decision_maker", "Decision maker", T::Bool)}));
    schema.add_type(record_type(
        "lead", "Lead", "Leads", {"name"},
        {field("name", "Name", T::Text, true), field("company_name", "Company", T::Text),
         field("email", "Email", T::Email), field("phone", "Phone", T::Phone),
         picklist("source", "Source",
                  {"Website", "Demo request", "Webinar", "Referral", "Event", "Outbound"}),
         picklist("status", "Status", {"New", "Working", "Qualified", "Disqualified"}),
         field("score", "Score", T::Number), field("budget", "Budget", T::Money),
         field("authority", "Decision maker known", T::Bool), field("need", "Need", T::LongText),
         field("timeline", "Timeline", T::Date), field("country", "Country", T::Text),
         field("territory", "Territory", T::Text),
         field("first_contact_at", "First follow-up", T::DateTime),
         // What lead scoring's fit points read; mql_at: when scoring handed it to sales.
         picklist("industry", "Industry",
                  {"Software", "Manufacturing", "Healthcare", "Retail", "Finance", "Education",
                   "Logistics", "Energy", "Media", "Other"}),
         field("employees", "Employees", T::Number),
         field("mql_at", "Marketing-qualified", T::DateTime),
         // Set when the lead is converted (core/engine/funnel_commands.cpp).
         filled_by(kConverting, field("converted_at", "Converted", T::DateTime)),
         filled_by(kConverting, ref("converted_company", "Converted to company", "company")),
         filled_by(kConverting, ref("converted_contact", "Converted to contact", "contact")),
         filled_by(kConverting, ref("converted_deal", "Converted to deal", "deal"))}));
    schema.add_type(record_type(
        "deal", "Deal", "Deals", {"name"},
        {field("name", "Name", T::Text, true), ref("company", "Company", "company"),
         ref("contact", "Primary contact", "contact"), field("amount", "Amount", T::Money),
         picklist("stage", "Stage",
                  {"Lead", "Qualified", "Meeting scheduled", "Proposal sent", "Negotiation",
                   "Closed won", "Closed lost"}),
         field("close_date", "Expected close", T::Date),
         field("probability", "Probability %", T::Number), field("next_step", "Next step", T::Text),
         field("lost_reason", "Lost reason", T::Text), field("budget", "Budget", T::Money),
         ref("decision_maker", "Decision maker", "contact"),
         field("meeting_date", "Meeting date", T::Date),
         field("demo_completed", "Demo completed", T::Bool),
         field("pricing_discussed", "Pricing discussed", T::Bool),
         field("agreement_signed", "Agreement signed", T::Bool),
         ref("source_lead", "Source lead", "lead"), field("kickoff_date", "Kickoff date", T::Date),
         field("go_live_date", "Go-live date", T::Date),
         field("value_confirmed", "Initial value confirmed", T::Bool)}));
    schema.add_type(record_type(
        "ticket", "Ticket", "Tickets", {"subject"},
        {field("subject", "Subject", T::Text, true),
         field("description", "Description", T::LongText), ref("company", "Company", "company"),
         ref("contact", "Contact", "contact"),
         picklist("priority", "Priority", {"Low", "Normal", "High", "Critical"}),
         picklist("status", "Status", {"New", "Open", "Waiting on customer", "Resolved", "Closed"}),
         field("opened_at", "Opened", T::DateTime), field("csat", "Satisfaction (1-5)", T::Number),
         field("first_response_at", "First response", T::DateTime),
         field("resolution_plan", "Resolution plan", T::LongText),
         field("resolution_confirmed", "Customer confirmed resolution", T::Bool),
         picklist("category", "Category", {"Question", "Bug", "Billing", "Feature request"})}));
    schema.add_type(record_type(
        "subscription", "Subscription", "Subscriptions", {"name"},
        {field("name", "Name", T::Text, true), ref("company", "Company", "company"),
         picklist("plan", "Plan", {"Starter", "Growth", "Enterprise"}),
         field("mrr", "Monthly revenue", T::Money), field("start_date", "Start date", T::Date),
         field("renewal_date", "Renewal date", T::Date),
         picklist("status", "Status", {"Active", "Renewing", "Renewed", "Downgraded", "Churned"}),
         field("auto_renew", "Auto-renew", T::Bool), field("usage_pct", "Usage %", T::Number),
         picklist("health", "Health", {"Healthy", "At risk", "Expansion signal"}),
         field("renewal_proposal_sent", "Renewal proposal sent", T::Bool),
         field("new_mrr", "New monthly revenue", T::Money)}));
    schema.add_type(
        record_type("task", "Task", "Tasks", {"title"},
                    {field("title", "Title", T::Text, true), field("due", "Due", T::DateTime),
                     field("done", "Done", T::Bool), ref("related", "Related to", ""),
                     picklist("priority", "Priority", {"Low", "Normal", "High"}),
                     field("notes", "Notes", T::LongText)}));
    schema.add_type(record_type(
        "activity", "Activity", "Activities", {"subject"},
        {picklist("kind", "Kind", {"Call", "Email", "Meeting", "Note"}, true),
         field("subject", "Subject", T::Text, true), field("at", "When", T::DateTime, true),
         picklist("direction", "Direction", {"Outbound", "Inbound"}),
         ref("related", "Related to", ""), field("body", "Details", T::LongText),
         // What came of it (core/engine/log_activity.hpp lists which fit which kind).
         picklist("outcome", "Outcome",
                  {"Reached", "Left voicemail", "No answer", "Wrong number", "Sent", "Bounced",
                   "Meeting held", "No-show", "Rescheduled"})}));
    // Quotes and orders last: the daily lists (tasks, activities) keep their places.
    schema.add_type(yielding(
        record_type("quote", "Quote", "Quotes", {"name"},
                    {field("name", "Name", T::Text, true), ref("deal", "Deal", "deal", true),
                     field("lines", "Lines", T::LineItems), sum_of("total", "Total", "lines"),
                     picklist("status", "Status", {"Draft", "Sent", "Accepted", "Declined"}),
                     field("valid_until", "Valid until", T::Date),
                     filled_by(kAccepting, field("accepted_at", "Accepted", T::DateTime)),
                     filled_by(kAccepting, ref("order", "Order", "order"))})));
    schema.add_type(yielding(
        record_type("order", "Order", "Orders", {"name"},
                    {field("name", "Name", T::Text, true), ref("deal", "Deal", "deal"),
                     filled_by(kAccepting, ref("quote", "Quote", "quote")),
                     ref("company", "Company", "company"), field("lines", "Lines", T::LineItems),
                     sum_of("total", "Total", "lines"),
                     picklist("status", "Status", {"Open", "Fulfilled", "Cancelled"}),
                     filled_by(kAccepting, field("ordered_at", "Ordered", T::DateTime))})));
    set_completeness(schema);
    return schema;
}

std::optional<std::string> not_set_by_hand(const RecordTypeDef& type, const FieldDef& field) {
    if (!field.sum_of.empty()) {
        const FieldDef* lines = type.field(field.sum_of);
        return "is worked out from the " + (lines ? lines->label : field.sum_of) +
               "; change those instead";
    }
    if (!field.filled_by.empty()) return "is filled in by " + field.filled_by + ", not by hand";
    return std::nullopt;
}

void Schema::add_custom_type(RecordTypeDef type) {
    RecordTypeDef* known = this->type(type.id);
    if (known && yields(*known))
        *known = std::move(type);
    else
        add_type(std::move(type));
}

void add_custom_field(RecordTypeDef& type, FieldDef field) {
    for (auto& known : type.fields)
        if (known.id == field.id && yields(known)) {
            known = std::move(field);
            return;
        }
    type.fields.push_back(std::move(field));
}

} // namespace crm
