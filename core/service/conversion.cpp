#include "service/conversion.hpp"

#include "engine/funnel.hpp"
#include "engine/permissions.hpp"
#include "service/duplicates.hpp"
#include "util/text.hpp"

namespace crm {

using nlohmann::json;

namespace {

std::string text_value(const Record& record, const char* field) {
    const auto& value = record.value(field);
    return value.is_string() ? value.get<std::string>() : "";
}

// The part after '@', lower case; "" for none.
std::string email_domain(const std::string& email) {
    const auto at = email.find('@');
    return at == std::string::npos ? "" : fold_text(email.substr(at + 1));
}

// A company the lead's company already is: the same web site as the lead's
// email, or a name similar enough to be the same firm.
std::optional<ConversionMatch> matching_company(const Workspace& ws, const User& viewer,
                                                const Record& lead) {
    const std::string domain = email_domain(text_value(lead, "email"));
    const std::string name = text_value(lead, "company_name");
    std::optional<ConversionMatch> best;
    double best_score = kDefaultNameThreshold;
    for (const auto& id : ws.ids_of_type("company")) {
        const Record* company = ws.find(id);
        if (!company || !can_view(ws, viewer, *company)) continue;
        const std::string site = text_value(*company, "domain");
        if (!domain.empty() && fold_text(site) == domain)
            return ConversionMatch{id, ws.title_of(*company), "same web site " + site};
        if (name.empty()) continue;
        const double score = name_similarity(name, ws.title_of(*company));
        if (score >= best_score) {
            best_score = score;
            best = ConversionMatch{id, ws.title_of(*company), "similar name"};
        }
    }
    return best;
}

std::optional<ConversionMatch> matching_contact(const Workspace& ws, const User& viewer,
                                                const Record& lead, const std::string& company) {
    const std::string name = trim_space(text_value(lead, "name"));
    const auto space = name.find(' ');
    json values = {{"first_name", name.substr(0, space)},
                   {"last_name", space == std::string::npos ? "" : name.substr(space + 1)},
                   {"email", lead.value("email")},
                   {"phone", lead.value("phone")}};
    if (!company.empty()) values["company"] = company;
    auto pairs = duplicates_of(ws, "contact", values, "");
    keep_visible_pairs(ws, viewer, pairs);
    if (pairs.empty()) return std::nullopt;
    const auto& pair = pairs.front();
    const std::string& id = pair.first == kNewRecord ? pair.second : pair.first;
    const Record* contact = ws.find(id);
    if (!contact) return std::nullopt;
    return ConversionMatch{id, ws.title_of(*contact),
                           pair.reasons.empty() ? "" : pair.reasons.front()};
}

// The company `id` names, if the viewer may see it.
std::optional<ConversionMatch> known_company(const Workspace& ws, const User& viewer,
                                             const json& id, std::string reason) {
    const Record* company = id.is_string() ? ws.find(id.get<std::string>()) : nullptr;
    if (!company || company->type != "company" || !can_view(ws, viewer, *company))
        return std::nullopt;
    return ConversionMatch{company->id, ws.title_of(*company), std::move(reason)};
}

// A matched contact works at the plan's company: where the plan makes a new
// company, the contact's own is the one; where it links another, the
// contact is someone else's and a new one is made.
void settle_contact_company(const Workspace& ws, const User& viewer, ConversionPlan& plan) {
    const Record* contact = ws.find(plan.contact->id);
    const json works_at = contact ? contact->value("company") : json();
    if (!works_at.is_string()) return; // joins the plan's company
    if (plan.company && works_at == plan.company->id) return;
    if (!plan.company)
        plan.company =
            known_company(ws, viewer, works_at, "where " + plan.contact->title + " works");
    if (!plan.company || works_at != plan.company->id) plan.contact.reset();
}

} // namespace

ConversionPlan plan_conversion(const Workspace& ws, const User& viewer,
                               const std::string& lead_id) {
    ConversionPlan plan;
    plan.lead = lead_id;
    const Record* lead = ws.find(lead_id);
    if (!lead || lead->type != "lead" || !can_view(ws, viewer, *lead)) return plan;
    // The deal the lead started may name its company already: that one, then.
    const Record* deal = deal_started_by(ws, *lead);
    if (deal) plan.deal = deal->id;
    plan.company = deal ? known_company(ws, viewer, deal->value("company"),
                                        "the company of its deal " + ws.title_of(*deal))
                        : std::nullopt;
    if (!plan.company) plan.company = matching_company(ws, viewer, *lead);
    plan.new_company = text_value(*lead, "company_name");
    plan.contact = matching_contact(ws, viewer, *lead, plan.company ? plan.company->id : "");
    if (plan.contact) settle_contact_company(ws, viewer, plan);
    plan.new_contact = trim_space(text_value(*lead, "name"));
    plan.deal_name = default_deal_name(plan);
    return plan;
}

std::string default_deal_name(const ConversionPlan& plan) {
    return plan.company ? plan.company->title : plan.new_company;
}

ConvertLead conversion_command(const ConversionPlan& plan) {
    ConvertLead command;
    command.lead = plan.lead;
    if (plan.company) command.company = plan.company->id;
    if (plan.contact) command.contact = plan.contact->id;
    command.deal_name = plan.deal_name;
    return command;
}

} // namespace crm
