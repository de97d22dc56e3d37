// The funnel's steps that span records: converting a lead into a customer,
// and accepting a quote into an order. Each is one batch, checked as the
// commands it stands for (create, update, move) would be.
#include "engine/decisions.hpp"
#include "engine/funnel.hpp"
#include "engine/permissions.hpp"

#include "model/line_items.hpp"
#include "sla/clocks.hpp"
#include "util/local_time.hpp"
#include "util/text.hpp"

namespace crm {

using nlohmann::json;

namespace {

// What a reference field holds, read as the record's title where it can be.
std::string referred_title(const Workspace& ws, const json& value) {
    if (!value.is_string()) return value.dump();
    const Record* record = ws.find(value.get_ref<const std::string&>());
    return record ? ws.title_of(*record) : value.get<std::string>();
}

} // namespace

Status may_convert(const Workspace& ws, const Record& lead) {
    if (lead.has_value("converted_deal"))
        return Error{"it was converted already, into " +
                     referred_title(ws, lead.value("converted_deal"))};
    if (lead.value("status") == "Disqualified")
        return Error{"it is disqualified; set its status to Qualified first"};
    return Status::success();
}

Status may_accept(const Workspace& ws, const Record& quote) {
    if (quote.has_value("order"))
        return Error{"it was accepted already (order " + referred_title(ws, quote.value("order")) +
                     ")"};
    if (quote.value("status") == "Declined") return Error{"it was declined"};
    if (!quote.has_value("lines")) return Error{"it has no lines; add what is sold first"};
    return Status::success();
}

const Record* deal_started_by(const Workspace& ws, const Record& lead) {
    for (const auto& [flow, state] : lead.flows)
        if (state.status == "spawned")
            if (const Record* deal = ws.find(state.outcome); deal && deal->type == "deal")
                return deal;
    return nullptr;
}

} // namespace crm

namespace crm::detail {

using nlohmann::json;

namespace {

// The flow that starts from leads on a deal (the sales pipeline), if any.
const Flow* lead_to_deal_flow(const Workspace& ws) {
    for (const auto& flow : ws.flows)
        if (flow.start.on == "lead" && flow.record_type == "deal" && !flow.stages.empty() &&
            !flow.start.link_field.empty())
            return &flow;
    return nullptr;
}

// The record of `type` a command names, which the actor may see.
Result<const Record*> chosen_record(const Workspace& ws, const User& actor, const std::string& id,
                                    const std::string& type) {
    const Record* record = ws.find(id);
    if (!record || !can_view(ws, actor, *record)) return Error{"there is no record \"" + id + "\""};
    if (record->type != type) return Error{id + " is a " + record->type + ", not a " + type};
    return record;
}

// "Jana Novak" -> first and last name; one word is not enough for a contact.
std::pair<std::string, std::string> split_name(const std::string& name) {
    const std::string trimmed = trim_space(name);
    const auto space = trimmed.find(' ');
    if (space == std::string::npos) return {trimmed, ""};
    return {trimmed.substr(0, space), trim_space(trimmed.substr(space + 1))};
}

// Copies the lead's values the new record's type also has.
void copy_fields(const Record& lead, json& fields,
                 std::initializer_list<std::pair<const char*, const char*>> pairs) {
    for (const auto& [to, from] : pairs)
        if (lead.has_value(from)) fields[to] = lead.value(from);
}

// Appends a decided create to the batch; its id joins `added` for later references.
Status add_created(Result<Decision> created, const RecordTypeDef& type, Decision& decision,
                   BatchRecords& added, std::string& id) {
    if (!created) return Error{created.error()};
    id = created->record_id;
    added[id] = type.id;
    for (auto& event : created->events)
        decision.events.push_back(std::move(event));
    return Status::success();
}

struct Conversion {
    const Workspace& ws;
    const User& actor;
    const Record& lead;
    Instant now;
    const std::string& device;
    Decision decision;
    BatchRecords added;
    std::string owner;

    Status company(const std::string& chosen, std::string& id);
    Status contact(const std::string& chosen, const std::string& company, std::string& id);
    Status deal(const std::string& name, const std::string& company, const std::string& contact,
                std::string& id);
    Status create(const std::string& type, const json& fields, std::string& id);
    Status join_company(const Record& contact, const std::string& company);
    void leave_lead_flows(const std::string& deal_title);
    // A company's name, also of the one this conversion makes.
    std::string company_title(const std::string& id) const;
};

Status Conversion::create(const std::string& type, const json& fields, std::string& id) {
    Problems problems;
    auto created = decide_create(ws, actor, type, fields, owner, now, device, problems,
                                 BatchCreate{"", 0, &added});
    return add_created(std::move(created), *ws.schema.type(type), decision, added, id);
}

Status Conversion::company(const std::string& chosen, std::string& id) {
    if (!chosen.empty()) {
        auto record = chosen_record(ws, actor, chosen, "company");
        if (!record) return Error{record.error()};
        id = chosen;
        return Status::success();
    }
    if (!lead.has_value("company_name"))
        return Error{"the lead has no company name; give it one, or choose an existing company"};
    json fields = json::object();
    copy_fields(lead, fields,
                {{"name", "company_name"},
                 {"country", "country"},
                 {"industry", "industry"},
                 {"employees", "employees"}});
    return create("company", fields, id);
}

Status Conversion::contact(const std::string& chosen, const std::string& company, std::string& id) {
    if (!chosen.empty()) {
        auto record = chosen_record(ws, actor, chosen, "contact");
        if (!record) return Error{record.error()};
        id = chosen;
        return join_company(**record, company);
    }
    const auto& name = lead.value("name");
    const auto [first, last] = split_name(name.is_string() ? name.get<std::string>() : "");
    if (last.empty())
        return Error{"the lead's name needs a first and a last name for the contact, or "
                     "choose an existing contact"};
    json fields = {{"first_name", first}, {"last_name", last}, {"company", company}};
    copy_fields(lead, fields, {{"email", "email"}, {"phone", "phone"}});
    return create("contact", fields, id);
}

// A chosen contact works at the company the lead becomes: one without a
// company joins it; one at another company is not this customer's.
Status Conversion::join_company(const Record& contact, const std::string& company) {
    const auto& works_at = contact.value("company");
    if (works_at.is_string()) {
        if (works_at == company) return Status::success();
        return Error{ws.title_of(contact) + " is a contact of " + referred_title(ws, works_at) +
                     ", not of " + company_title(company) +
                     "; choose a contact there, or make a new one"};
    }
    DecideDetails details;
    auto updated = decide_update(ws, actor, UpdateRecord{contact.id, {{"company", company}}}, now,
                                 details, &added);
    if (!updated) return Error{updated.error()};
    for (auto& event : updated->events)
        decision.events.push_back(std::move(event));
    return Status::success();
}

// The lead's own flows (routing, qualification) end where they say a
// converted lead goes: their clocks stop, and nobody is asked to work it.
void Conversion::leave_lead_flows(const std::string& deal_title) {
    for (const auto& [flow_id, state] : lead.flows) {
        const Flow* flow = ws.flow(flow_id);
        if (!flow || !state.active()) continue;
        for (const auto& exit : flow->exits)
            if (!exit.taken_by_move()) {
                decision.events.push_back(events::FlowEnded{lead.id,
                                                            flow_id,
                                                            state.stage,
                                                            "exited",
                                                            exit.id,
                                                            "converted into the deal " + deal_title,
                                                            {}});
                break;
            }
    }
}

std::string Conversion::company_title(const std::string& id) const {
    const Record* known = ws.find(id);
    const auto& name = lead.value("company_name");
    return known ? ws.title_of(*known) : name.is_string() ? name.get<std::string>() : id;
}

Status Conversion::deal(const std::string& name, const std::string& company,
                        const std::string& contact, std::string& id) {
    if (const Record* started = deal_started_by(ws, lead)) {
        // The deal the lead started gets its company and contact; nothing is copied.
        id = started->id;
        json fields = json::object();
        if (!started->has_value("company")) fields["company"] = company;
        if (!started->has_value("contact")) fields["contact"] = contact;
        if (fields.empty()) return Status::success();
        DecideDetails details;
        auto updated = decide_update(ws, actor, UpdateRecord{id, fields}, now, details, &added);
        if (!updated) return Error{updated.error()};
        for (auto& event : updated->events)
            decision.events.push_back(std::move(event));
        return Status::success();
    }
    json fields = {
        {"name", name}, {"company", company}, {"contact", contact}, {"source_lead", lead.id}};
    copy_fields(lead, fields, {{"budget", "budget"}, {"close_date", "timeline"}});
    const Flow* flow = lead_to_deal_flow(ws);
    if (flow && !flow->stage_field.empty()) fields[flow->stage_field] = flow->stages.front().name;
    if (auto made = create("deal", fields, id); !made) return made;
    if (flow) {
        decision.events.push_back(events::FlowStarted{id, flow->id, flow->stages.front().id});
        decision.events.push_back(events::FlowSpawned{lead.id, flow->id, id});
    }
    return Status::success();
}

// The deal the lead started may be with a company already: the lead becomes
// that customer, and no other.
Result<std::string> company_of_started_deal(const Workspace& ws, const Record& lead,
                                            const std::string& chosen) {
    const Record* started = deal_started_by(ws, lead);
    const auto& company = started ? started->value("company") : json();
    if (!company.is_string() || company == chosen) return chosen;
    if (chosen.empty()) return company.get<std::string>();
    return Error{"its deal " + ws.title_of(*started) + " is with " + referred_title(ws, company) +
                 "; convert it into that company"};
}

} // namespace

Result<Decision> decide_convert_lead(const Workspace& ws, const User& actor, const ConvertLead& cmd,
                                     Instant now, const std::string& device,
                                     DecideDetails& details) {
    auto found = chosen_record(ws, actor, cmd.lead, "lead");
    if (!found) return Error{found.error()};
    const Record* lead = *found;
    const std::string cannot = "Cannot convert " + ws.title_of(*lead) + ": ";
    if (auto status = check_update(ws, actor, *lead); !status) return Error{status.error()};
    if (auto status = may_convert(ws, *lead); !status) return Error{cannot + status.error()};
    Conversion conversion{ws, actor, *lead, now, device, {}, {}, lead->owner};
    if (conversion.owner.empty()) conversion.owner = actor.id;
    std::string company, contact, deal;
    auto chosen_company = company_of_started_deal(ws, *lead, cmd.company);
    if (!chosen_company) return Error{cannot + chosen_company.error()};
    if (auto status = conversion.company(*chosen_company, company); !status)
        return Error{cannot + status.error()};
    if (auto status = conversion.contact(cmd.contact, company, contact); !status)
        return Error{cannot + status.error()};
    std::string deal_name = trim_space(cmd.deal_name);
    if (deal_name.empty()) deal_name = conversion.company_title(company);
    if (auto status = conversion.deal(deal_name, company, contact, deal); !status)
        return Error{cannot + status.error()};
    UpdateRecord mark{lead->id,
                      {{"converted_at", format_instant(now)},
                       {"converted_company", company},
                       {"converted_contact", contact},
                       {"converted_deal", deal}}};
    if (lead->value("status") != "Qualified") mark.fields["status"] = "Qualified";
    auto marked =
        decide_update(ws, actor, mark, now, details, &conversion.added, Setter::FunnelStep);
    if (!marked) return Error{cannot + marked.error()};
    for (auto& event : marked->events)
        conversion.decision.events.push_back(std::move(event));
    const Record* started = ws.find(deal);
    conversion.leave_lead_flows(started ? ws.title_of(*started) : deal_name);
    details.summary = ws.title_of(*lead) + " converted: deal " + deal;
    conversion.decision.record_id = lead->id;
    return std::move(conversion.decision);
}

namespace {

// The active flow of the deal that has a won outcome, and that outcome.
std::pair<const Flow*, const FlowOutcome*> winning_move(const Workspace& ws, const Record& deal) {
    for (const auto& [flow_id, state] : deal.flows) {
        if (!state.active()) continue;
        const Flow* flow = ws.flow(flow_id);
        if (!flow) continue;
        for (const auto& outcome : flow->outcomes)
            if (outcome.kind == "won") return {flow, &outcome};
    }
    return {nullptr, nullptr};
}

// Whether a flow of the deal ended in an outcome of `kind` ("won", "lost").
bool deal_ended(const Workspace& ws, const Record& deal, const std::string& kind) {
    for (const auto& [flow_id, state] : deal.flows) {
        const Flow* flow = ws.flow(flow_id);
        if (!flow || state.status != "ended") continue;
        for (const auto& outcome : flow->outcomes)
            if (outcome.id == state.outcome && outcome.kind == kind) return true;
    }
    return false;
}

// A quote past its valid-until day (in the team's calendar) is no offer to accept.
Status still_valid(const Workspace& ws, const Record& quote, Instant now) {
    const auto& until = quote.value("valid_until");
    const auto day = until.is_string() ? parse_date(until.get<std::string>()) : std::nullopt;
    if (!day) return Status::success();
    const TimeZone& zone = workspace_calendar(ws).zone;
    if (!(*day < local_date(now, zone))) return Status::success();
    return Error{"it expired on " + format_local_date(*day, now, zone) +
                 "; give it a new valid-until day first"};
}

// "Cannot move Acme to Closed won: it needs ..." -> "it needs ...".
std::string without_move_prefix(const std::string& message) {
    const auto colon = message.find(": ");
    if (message.rfind("Cannot move ", 0) != 0 || colon == std::string::npos) return message;
    return message.substr(colon + 2);
}

} // namespace

Result<Decision> decide_accept_quote(const Workspace& ws, const User& actor, const AcceptQuote& cmd,
                                     Instant now, const std::string& device,
                                     DecideDetails& details) {
    auto found = chosen_record(ws, actor, cmd.quote, "quote");
    if (!found) return Error{found.error()};
    const Record* quote = *found;
    const std::string cannot = "Cannot accept " + ws.title_of(*quote) + ": ";
    if (auto status = check_update(ws, actor, *quote); !status) return Error{status.error()};
    if (auto status = may_accept(ws, *quote); !status) return Error{cannot + status.error()};
    const auto& deal_id = quote->value("deal");
    const Record* deal = deal_id.is_string() ? ws.find(deal_id.get<std::string>()) : nullptr;
    if (!deal) return Error{cannot + "it belongs to no deal; choose its deal first"};
    // Accepting wins the deal: only someone who may change the deal may.
    if (!can_view(ws, actor, *deal))
        return Error{cannot + "its deal " + deal->id + " is not one you can see"};
    if (auto status = check_update(ws, actor, *deal); !status) return Error{status.error()};
    if (deal_ended(ws, *deal, "lost")) return Error{cannot + ws.title_of(*deal) + " was lost"};
    if (deal_ended(ws, *deal, "won"))
        return Error{cannot + ws.title_of(*deal) +
                     " was won already; a further sale is a new deal"};
    if (auto status = still_valid(ws, *quote, now); !status) return Error{cannot + status.error()};

    Decision decision;
    decision.record_id = quote->id;
    BatchRecords added;
    json order_fields = {{"name", "Order for " + ws.title_of(*deal)},
                         {"deal", deal->id},
                         {"quote", quote->id},
                         {"lines", quote->value("lines")},
                         {"status", "Open"},
                         {"ordered_at", format_instant(now)}};
    if (deal->has_value("company")) order_fields["company"] = deal->value("company");
    const std::string owner = deal->owner.empty() ? actor.id : deal->owner;
    std::string order;
    Problems problems;
    auto created = decide_create(ws, actor, "order", order_fields, owner, now, device, problems,
                                 BatchCreate{"", 0, &added, Setter::FunnelStep});
    if (auto status =
            add_created(std::move(created), *ws.schema.type("order"), decision, added, order);
        !status)
        return Error{cannot + status.error()};

    UpdateRecord accepted{
        quote->id,
        {{"status", "Accepted"}, {"accepted_at", format_instant(now)}, {"order", order}}};
    auto marked = decide_update(ws, actor, accepted, now, details, &added, Setter::FunnelStep);
    if (!marked) return Error{cannot + marked.error()};
    for (auto& event : marked->events)
        decision.events.push_back(std::move(event));

    // The deal is won through its gate, as if its owner moved it.
    if (const auto [flow, won] = winning_move(ws, *deal); flow) {
        MoveRecord move{deal->id, won->id, flow->id, json::object(), "", false};
        if (quote->value("total").is_object()) move.fields["amount"] = quote->value("total");
        auto moved = decide_move(ws, actor, move, now, details);
        if (!moved)
            return Error{cannot + ws.title_of(*deal) +
                         " cannot be won yet: " + without_move_prefix(moved.error())};
        for (auto& event : moved->events)
            decision.events.push_back(std::move(event));
    }
    details.summary = ws.title_of(*quote) + " accepted: order " + order;
    return decision;
}

} // namespace crm::detail
