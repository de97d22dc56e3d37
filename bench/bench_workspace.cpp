#include "bench_workspace.hpp"

#include "model/schema.hpp"
#include "process/flow_json.hpp"
#include "sla/policy.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

namespace crm::bench {
namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 86400;
const Instant kNow = kBenchNow;

struct Builder {
    Workspace ws;
    std::mt19937 random{20261205};
    std::size_t next = 0;
    std::vector<std::string> workable; // deals and leads, which activities are about

    // The busy rep owns 6 % of everything, the other 29 share the rest.
    std::string owner() {
        if (random() % 100 < 6) return kBusyRep;
        return "u-rep" + std::to_string(1 + random() % 29);
    }
    Instant days_ago(int most) {
        return Instant{kNow.seconds - static_cast<std::int64_t>(random() % most) * kDay -
                       static_cast<std::int64_t>(random() % kDay)};
    }
    std::string id(const char* type) { return std::string(type) + "-" + std::to_string(++next); }

    Record& add(Record record) {
        const std::string id = record.id;
        if (record.type == "deal" || record.type == "lead") workable.push_back(id);
        ws.put(std::move(record));
        return *ws.edit(id);
    }

    // A walk through the flow's stages from `start`, a day or more apart;
    // ends at `outcome` when given.
    FlowState walk(const Flow& flow, Instant start, int stages, const std::string& outcome,
                   bool back) {
        FlowState state;
        state.started_at = start;
        Instant at = start;
        auto enter = [&](const std::string& stage) {
            state.history.push_back({.stage = stage, .at = at, .by = "u-rep1"});
            state.entered_at = at;
            at.seconds += (1 + static_cast<std::int64_t>(random() % 9)) * kDay;
        };
        for (int i = 0; i < stages; ++i) {
            enter(flow.stages[static_cast<std::size_t>(i)].id);
            state.stage = flow.stages[static_cast<std::size_t>(i)].id;
            if (back && i == 3) {
                enter(flow.stages[2].id);
                enter(flow.stages[3].id);
            }
        }
        if (!outcome.empty()) {
            state.status = "ended";
            state.outcome = outcome;
            state.ended_at = at;
            enter(outcome);
        }
        return state;
    }
};

std::vector<Flow> load_flows() {
    std::vector<Flow> flows;
    for (const char* name :
         {"lead_routing", "sales_pipeline", "customer_support", "renewal_management"}) {
        std::ifstream in(std::string(CRM_PROCESS_DIR) + "/" + name + ".json");
        auto loaded = processes_from_document(json::parse(in));
        if (!loaded) throw std::runtime_error(loaded.error());
        flows.insert(flows.end(), loaded->begin(), loaded->end());
    }
    return flows;
}

void add_people(Workspace& ws) {
    ws.directory.add_user({"u-admin", "Ada Admin", "", Role::Admin, ""});
    for (int team = 0; team < 3; ++team) {
        const std::string id = "t-" + std::to_string(team);
        ws.directory.add_team(
            {id, "Team " + std::to_string(team), "u-manager" + std::to_string(team)});
        ws.directory.add_user({"u-manager" + std::to_string(team),
                               "Manager " + std::to_string(team), "", Role::Manager, id});
    }
    for (int rep = 0; rep < 30; ++rep)
        ws.directory.add_user({"u-rep" + std::to_string(rep), "Rep " + std::to_string(rep), "",
                               Role::Rep, "t-" + std::to_string(rep % 3)});
}

void add_deal(Builder& b, const Flow& pipeline) {
    const Instant created = b.days_ago(365);
    Record deal{b.id("deal"),
                "deal",
                b.owner(),
                {{"name", "Deal"},
                 {"amount", {{"amount", 1000 + (b.random() % 200) * 500}, {"currency", "USD"}}},
                 {"probability", 10 + b.random() % 80},
                 {"close_date",
                  format_date(civil_from_days((b.days_ago(200).seconds + 120 * kDay) / kDay))},
                 {"company", "company-1"}}};
    deal.created_at = deal.updated_at = created;
    const bool closed = b.random() % 2 == 0;
    const std::string outcome = !closed ? "" : b.random() % 5 < 2 ? "closed_won" : "closed_lost";
    const int stages = 1 + static_cast<int>(b.random() % 5);
    deal.flows["sales_pipeline"] = b.walk(pipeline, created, stages, outcome, b.random() % 10 == 0);
    b.add(std::move(deal));
}

void add_lead(Builder& b) {
    const Instant created = b.days_ago(365);
    Record lead{b.id("lead"), "lead", b.owner(), {{"name", "Lead"}, {"source", "Website"}}};
    lead.created_at = lead.updated_at = created;
    if (b.random() % 5 != 0)
        lead.fields["first_contact_at"] = format_instant(
            Instant{created.seconds + static_cast<std::int64_t>(b.random() % (3 * kDay))});
    b.add(std::move(lead));
}

void add_ticket(Builder& b, const Flow& support) {
    const Instant created = b.days_ago(365);
    Record ticket{
        b.id("ticket"), "ticket", b.owner(), {{"subject", "Help"}, {"priority", "Normal"}}};
    ticket.created_at = ticket.updated_at = created;
    const int stages = 1 + static_cast<int>(b.random() % 4);
    ticket.flows["customer_support"] = b.walk(support, created, stages, "", b.random() % 10 == 0);
    if (stages == 4) ticket.fields["csat"] = 1 + b.random() % 5;
    b.add(std::move(ticket));
}

void add_subscription(Builder& b, const Flow& renewal) {
    const Instant created = b.days_ago(365);
    Record subscription{b.id("subscription"),
                        "subscription",
                        b.owner(),
                        {{"name", "Plan"}, {"mrr", {{"amount", 1200}, {"currency", "USD"}}}}};
    subscription.created_at = subscription.updated_at = created;
    if (b.random() % 3 == 0) {
        const char* outcomes[] = {"renewed", "renewed", "renewed", "downgraded", "churned"};
        subscription.flows["renewal_management"] =
            b.walk(renewal, created, 2, outcomes[b.random() % 5], false);
    }
    b.add(std::move(subscription));
}

// On a record made before it: ids count across types, so some point at
// companies or contacts, as notes on them would.
void add_activity(Builder& b) {
    Record activity{b.id("activity"),
                    "activity",
                    b.owner(),
                    {{"kind", "Call"},
                     {"subject", "Call"},
                     {"at", format_instant(b.days_ago(365))},
                     {"related", b.workable[b.random() % b.workable.size()]}}};
    activity.created_at = activity.updated_at = b.days_ago(365);
    b.add(std::move(activity));
}

} // namespace

Workspace generated_workspace(std::size_t count) {
    Builder b;
    b.ws.schema = builtin_schema();
    b.ws.flows = load_flows();
    add_people(b.ws);
    // The demo's first-response policy: four business hours for a website lead.
    SlaPolicy first_response;
    first_response.id = "first_response";
    first_response.name = "First response";
    first_response.record_type = "lead";
    first_response.applies = {{"==", {{{"var", "source"}}, "Website"}}};
    first_response.stops = {{"is_set", {{"var", "first_contact_at"}}}};
    first_response.within = "4 business hours";
    b.ws.sla_policies.push_back(first_response);
    const Flow& pipeline = *b.ws.flow("sales_pipeline");
    const Flow& support = *b.ws.flow("customer_support");
    const Flow& renewal = *b.ws.flow("renewal_management");
    for (std::size_t i = 0; i < count / 20; ++i)
        b.add(Record{b.id("company"), "company", b.owner(), {{"name", "Company"}}});
    for (std::size_t i = 0; i < count / 20; ++i)
        b.add(Record{b.id("contact"),
                     "contact",
                     b.owner(),
                     {{"first_name", "Pat"}, {"last_name", "Lee"}, {"email", "pat@example.com"}}});
    for (std::size_t i = 0; i < count / 5; ++i)
        add_deal(b, pipeline);
    for (std::size_t i = 0; i < count * 15 / 100; ++i)
        add_lead(b);
    for (std::size_t i = 0; i < count / 10; ++i)
        add_ticket(b, support);
    for (std::size_t i = 0; i < count / 20; ++i)
        add_subscription(b, renewal);
    while (b.ws.record_count() < count)
        add_activity(b);

    return std::move(b.ws);
}

} // namespace crm::bench
