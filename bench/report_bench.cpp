// Every dashboard metric at scale, as the reports screen asks for it: once
// for an admin over the whole workspace, once for a manager over their team,
// each over the last six months.
// Usage: report_bench [RECORDS [METRIC | --write FILE]]
//
// The set (RECORDS in all): 20 % deals in the sales pipeline with three to
// six stage entries each (one in ten moved back a stage), half of them
// closed won or lost; 15 % leads, most with a first follow-up; 10 % tickets
// in the support flow, resolved ones rated; 5 % subscriptions, a third with
// a decided renewal; 40 % activities on deals and leads; the rest companies
// and contacts. 30 reps in 3 teams, records spread over the last year.
#include "bench_clock.hpp"
#include "io/workspace_json.hpp"
#include "model/schema.hpp"
#include "process/flow_json.hpp"
#include "report/metrics.hpp"
#include "sla/policy.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

using namespace crm;
using crm::bench::ms_since;
using nlohmann::json;

namespace {

constexpr std::int64_t kDay = 86400;
const Instant kNow{1796342400}; // 2026-12-04

struct Builder {
    Workspace ws;
    std::mt19937 random{20261205};
    std::size_t next = 0;
    std::vector<std::string> workable; // deals and leads, which activities are about

    std::string owner() { return "u-rep" + std::to_string(random() % 30); }
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
            state.history.push_back(
                {{"stage", stage}, {"at", format_instant(at)}, {"by", "u-rep1"}});
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

int main(int argc, char** argv) {
    const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 100000;
    // One metric, for profiling; or "--write FILE": the workspace as an export,
    // for measuring the dashboard in the browser (scripts/bench --browser).
    const std::string only = argc > 2 ? argv[2] : "";
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

    if (only == "--write" && argc > 3) {
        std::ofstream(argv[3]) << workspace_to_json(b.ws).dump();
        std::printf("wrote %zu records to %s\n", b.ws.record_count(), argv[3]);
        return 0;
    }
    std::printf("reports over %zu records (20%% deals, 15%% leads, 10%% tickets, 5%% "
                "subscriptions, the rest activities, companies, contacts), last six months\n",
                b.ws.record_count());
    std::printf("  %-22s %10s %10s %10s %10s   (median of 5 runs)\n", "metric", "admin ms",
                "counted", "manager ms", "counted");
    double slowest = 0;
    for (const auto& metric : metric_catalog()) {
        if (!only.empty() && metric.name != only) continue;
        ReportQuery query{metric.name, "", {}};
        query.filter.from = CivilDate{2026, 6, 1};
        query.filter.to = CivilDate{2026, 12, 4};
        std::size_t counted[2] = {};
        double ms[2] = {};
        const char* viewers[] = {"u-admin", "u-manager0"};
        for (int v = 0; v < 2; ++v) {
            // The median of five runs: one run on a busy machine says little.
            std::vector<double> runs;
            for (int run = 0; run < (only.empty() ? 5 : 60); ++run) {
                const auto start = std::chrono::steady_clock::now();
                auto report = run_report(b.ws, viewers[v], query, kNow);
                runs.push_back(ms_since(start));
                counted[v] = report ? report->count : 0;
            }
            std::sort(runs.begin(), runs.end());
            ms[v] = runs[2];
            slowest = std::max(slowest, ms[v]);
        }
        std::printf("  %-22s %10.1f %10zu %10.1f %10zu\n", metric.name.c_str(), ms[0], counted[0],
                    ms[1], counted[1]);
    }
    std::printf("  slowest metric: %.1f ms (the dashboard asks for 15 reports once per change or\n"
                "  minute, never per frame; a spreadsheet pivot over an export is the usual\n"
                "  alternative, minutes of work by hand)\n",
                slowest);
    return 0;
}
