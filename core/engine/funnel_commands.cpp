// The funnel's steps that span records: converting a lead into a customer,
// and accepting a quote into an order. Each is one batch, checked as the
// commands it stands for (create, update, move) would be.
#include "engine/decisions.hpp"
#include "engine/funnel.hpp"
#include "engine/permissions.hpp"

#include "model/line_items.hpp"
#include "util/text.hpp"

namespace crm {

Status may_convert(const Workspace& ws, const Record& lead) {
    if (lead.has_value("converted_deal")) {
        const auto& deal_id = lead.value("converted_deal").get_ref<const std::string&>();
        const Record* deal = ws.find(deal_id);
        return Error{"it was converted already, into " + (deal ? ws.title_of(*deal) : deal_id)};
    }
    if (lead.value("status") == "Disqualified")
        return Error{"it is disqualified; set its status to Qualified first"};
    return Status::success();
}

Status may_accept(const Workspace& ws, const Record& quote) {
    if (quote.has_value("order")) {
        const auto& order_id = quote.value("order").get_ref<const std::string&>();
        const Record* order = ws.find(order_id);
        return Error{"it was accepted already (order " + (order ? ws.title_of(*order) : order_id) +
                     ")"};
    }
    if (quote.value("status") == "Declined") return Error{"it was declined"};
    if (!quote.has_value("lines")) return Error{"it has no lines; add what is sold first"};
    return Status::success();
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

// The deal the lead already started (its status was set to Qualified), if it is still there.
const Record* deal_started_by(const Workspace& ws, const Record& lead) {
    for (const auto& [flow, state] : lead.flows)
        if (state.status == "spawned")
            if (const Record* deal = ws.find(state.outcome); deal && deal->type == "deal")
                return deal;
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
        return Status::success();
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
    if (auto status = conversion.company(cmd.company, company); !status)
        return Error{cannot + status.error()};
    if (auto status = conversion.contact(cmd.contact, company, contact); !status)
        return Error{cannot + status.error()};
    std::string deal_name = trim_space(cmd.deal_name);
    if (deal_name.empty()) {
        const Record* known = ws.find(company);
        deal_name = known ? ws.title_of(*known) : lead->value("company_name").get<std::string>();
    }
    if (auto status = conversion.deal(deal_name, company, contact, deal); !status)
        return Error{cannot + status.error()};
    UpdateRecord mark{lead->id,
                      {{"converted_at", format_instant(now)},
                       {"converted_company", company},
                       {"converted_contact", contact},
                       {"converted_deal", deal}}};
    if (lead->value("status") != "Qualified") mark.fields["status"] = "Qualified";
    auto marked = decide_update(ws, actor, mark, now, details, &conversion.added);
    if (!marked) return Error{cannot + marked.error()};
    for (auto& event : marked->events)
        conversion.decision.events.push_back(std::move(event));
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

bool deal_was_lost(const Workspace& ws, const Record& deal) {
    for (const auto& [flow_id, state] : deal.flows) {
        const Flow* flow = ws.flow(flow_id);
        if (!flow || state.status != "ended") continue;
        for (const auto& outcome : flow->outcomes)
            if (outcome.id == state.outcome && outcome.kind == "lost") return true;
    }
    return false;
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
    if (deal_was_lost(ws, *deal)) return Error{cannot + ws.title_of(*deal) + " was lost"};

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
                                 BatchCreate{"", 0, &added});
    if (auto status =
            add_created(std::move(created), *ws.schema.type("order"), decision, added, order);
        !status)
        return Error{cannot + status.error()};

    UpdateRecord accepted{
        quote->id,
        {{"status", "Accepted"}, {"accepted_at", format_instant(now)}, {"order", order}}};
    auto marked = decide_update(ws, actor, accepted, now, details, &added);
    if (!marked) return Error{cannot + marked.error()};
    for (auto& event : marked->events)
        decision.events.push_back(std::move(event));

    // The deal is won through its gate, as if its owner moved it.
    if (const auto [flow, won] = winning_move(ws, *deal); flow) {
        MoveRecord move{deal->id, won->id, flow->id, {{"amount", quote->value("total")}},
                        "",       false};
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
