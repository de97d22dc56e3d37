#include "report/samples.hpp"

#include "engine/permissions.hpp"
#include "model/field_values.hpp"
#include "query/board.hpp"
#include "query/data_quality.hpp"
#include "query/exceptions.hpp"
#include "query/totals.hpp"
#include "sla/clocks.hpp"
#include "util/local_time.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace crm::report {

using nlohmann::json;

namespace {

constexpr double kSecondsPerHour = 3600.0;

std::optional<Instant> instant_value(const json& value) {
    if (!value.is_string()) return std::nullopt;
    return parse_instant(value.get_ref<const std::string&>());
}

std::optional<CivilDate> date_value(const json& value) {
    if (!value.is_string()) return std::nullopt;
    return parse_date(value.get_ref<const std::string&>());
}

std::int64_t days_between(CivilDate from, CivilDate to) {
    return days_from_civil(to) - days_from_civil(from);
}

// How a record left a flow through one of its outcomes: the outcome's kind
// ("won", "churned") and the day. A record imported already closed (it
// joined the flow at its outcome, or is in no flow but its stage field names
// an outcome) closed on `date_field` ("close_date") when set.
struct Closing {
    std::string kind;
    std::string outcome;
    CivilDate day;
};

std::optional<Closing> closing_of(const Context& context, const Flow& flow, const Record& record,
                                  const std::string& date_field) {
    const auto own_date = date_value(record.value(date_field));
    const auto state = record.flows.find(flow.id);
    if (state != record.flows.end() && state->second.status != "spawned") {
        const FlowState& flow_state = state->second;
        if (flow_state.status != "ended") return std::nullopt;
        const FlowOutcome* outcome = flow.outcome(flow_state.outcome);
        if (!outcome) return std::nullopt;
        const bool joined = !flow_state.history.empty() && flow_state.history.back().joined;
        const CivilDate day = joined && own_date ? *own_date : context.day_of(flow_state.ended_at);
        return Closing{outcome->kind, outcome->id, day};
    }
    if (flow.stage_field.empty()) return std::nullopt;
    const auto& stage = record.value(flow.stage_field);
    if (!stage.is_string()) return std::nullopt;
    const FlowOutcome* outcome = flow.outcome(stage_named(flow, stage.get<std::string>()));
    if (!outcome) return std::nullopt;
    return Closing{outcome->kind, outcome->id,
                   own_date ? *own_date : context.day_of(record.updated_at)};
}

// Workspace-currency cents of the record's value field (a deal's amount).
// Other currencies are counted in `other` and left out: reports add one
// currency, as list totals never add two. A record without an amount is
// counted in `other` under "" and left out too.
std::optional<std::int64_t> amount_cents(const Context& context, const Record& record,
                                         std::map<std::string, std::size_t>& other) {
    const RecordTypeDef* type = context.workspace.schema.type(record.type);
    const FieldDef* field = type ? value_field(*type) : nullptr;
    if (!field) return std::nullopt;
    const auto money = money_cents(record.value(field->id));
    if (!money) {
        ++other[""];
        return std::nullopt;
    }
    if (money->first != context.workspace.currency) {
        ++other[money->first];
        return std::nullopt;
    }
    return money->second;
}

void note_other_currencies(const Context& context, const std::map<std::string, std::size_t>& other,
                           const std::string& what, MetricSamples& out) {
    for (const auto& [currency, count] : other)
        out.notes.push_back(currency.empty()
                                ? std::to_string(count) + " " + what + " without an amount left out"
                                : std::to_string(count) + " " + what + " in " + currency +
                                      " left out: reports add up the workspace currency (" +
                                      context.workspace.currency + ") only");
}

template <class Visit>
void each_included(const Context& context, const std::string& type, Visit visit) {
    for (const Record* record : context.workspace.records_of_type(type))
        if (context.included(*record)) visit(*record);
}

// The flow a metric reads (metric_flow()), or a note that there is none.
const Flow* flow_or_note(const Context& context, const std::string& type, const std::string& kind,
                         MetricSamples& out) {
    const Flow* flow = metric_flow(context, type, kind);
    if (!flow) out.notes.push_back("no flow with a " + kind + " outcome: name one with --flow");
    return flow;
}

// The records the viewer may see that have been in `flow` themselves (not
// only started it on another record), with where they stand in it.
template <class Visit> void each_in_flow(const Context& context, const Flow& flow, Visit visit) {
    each_included(context, flow.record_type, [&](const Record& record) {
        const auto state = record.flows.find(flow.id);
        if (state != record.flows.end() && state->second.status != "spawned")
            visit(record, state->second);
    });
}

// ---- Leads ----------------------------------------------------------------

// The first time anyone reached out: the lead's "first follow-up" time, or
// the earliest call, email or meeting logged on it (notes are not contact).
std::optional<Instant> first_response(const Workspace& ws, const Record& lead) {
    std::optional<Instant> first = instant_value(lead.value("first_contact_at"));
    for (const auto& id : ws.referrers_of(lead.id)) {
        const Record* activity = ws.find(id);
        if (!activity || activity->type != "activity") continue;
        const auto& related = activity->value("related");
        if (!related.is_string() || related.get_ref<const std::string&>() != lead.id) continue;
        if (activity->value("kind") == "Note") continue;
        const auto at = instant_value(activity->value("at"));
        if (at && (!first || *at < *first)) first = at;
    }
    return first;
}

struct Bucket {
    const char* key;
    const char* label;
    double below_hours;
};
constexpr Bucket kResponseBuckets[] = {{"under_1h", "Under 1 hour", 1},
                                       {"1_4h", "1 to 4 hours", 4},
                                       {"4_24h", "4 to 24 hours", 24},
                                       {"1_3d", "1 to 3 days", 72},
                                       {"over_3d", "Over 3 days", 1e300}};

MetricSamples lead_response_time(const Context& context) {
    MetricSamples out;
    out.total_samples.emplace();
    each_included(context, "lead", [&](const Record& lead) {
        const CivilDate day = context.day_of(lead.created_at);
        if (!context.in_period(day)) return;
        Sample sample{&lead, 0, "none", "No response yet", 99, day};
        if (const auto responded = first_response(context.workspace, lead)) {
            sample.value = std::max<double>(0, static_cast<double>(responded->seconds -
                                                                   lead.created_at.seconds)) /
                           kSecondsPerHour;
            for (int i = 0; const auto& bucket : kResponseBuckets) {
                if (sample.value < bucket.below_hours) {
                    sample.key = bucket.key;
                    sample.label = bucket.label;
                    sample.order = i;
                    break;
                }
                ++i;
            }
            out.total_samples->push_back(sample);
        }
        out.samples.push_back(sample);
    });
    return out;
}

// A policy "stops" when one field is set ({"is_set": {"var": F}}): F's time
// says when the clock was met, so a late answer counts as late even when no
// timer ran while the clock was open.
std::string stop_field(const SlaPolicy& policy) {
    const json& stops = policy.stops;
    if (!stops.is_object() || stops.size() != 1 || !stops.contains("is_set")) return "";
    const json& var = stops["is_set"];
    if (!var.is_object() || !var.contains("var") || !var["var"].is_string()) return "";
    return var["var"].get<std::string>();
}

MetricSamples first_response_sla(const Context& context) {
    MetricSamples out;
    std::vector<const SlaPolicy*> policies;
    for (const auto& policy : context.workspace.sla_policies)
        if (policy.record_type == "lead" && policy.starts == "created") policies.push_back(&policy);
    if (policies.empty()) {
        out.notes.push_back("no SLA policy on leads starts when the lead is created");
        return out;
    }
    const SlaClockReader clocks_of(context.workspace, context.calendar);
    each_included(context, "lead", [&](const Record& lead) {
        const CivilDate day = context.day_of(lead.created_at);
        if (!context.in_period(day)) return;
        for (const auto& clock : clocks_of(lead, context.now)) {
            const auto policy = std::find(policies.begin(), policies.end(), clock.policy);
            if (policy == policies.end()) continue;
            bool late = lead.sla_alerts.count(clock.policy->id) > 0;
            if (clock.state == ClockState::Met) {
                const std::string field = stop_field(*clock.policy);
                const auto met_at = field.empty() ? std::nullopt : instant_value(lead.value(field));
                if (met_at && *met_at > clock.due) late = true;
            } else if (clock.state == ClockState::Overdue) {
                late = true;
            } else {
                continue; // still running: neither met nor missed yet
            }
            out.samples.push_back({&lead, late ? 0.0 : 1.0, clock.policy->id, clock.policy->name,
                                   static_cast<int>(policy - policies.begin()), day});
        }
    });
    return out;
}

// ---- Stages -----------------------------------------------------------------

MetricSamples conversion_by_stage(const Context& context) {
    MetricSamples out;
    const Flow* flow = flow_or_note(context, "deal", "won", out);
    if (!flow) return out;
    out.total_samples.emplace();
    const int stages = static_cast<int>(flow->stages.size());
    each_in_flow(context, *flow, [&](const Record& record, const FlowState& flow_state) {
        const CivilDate day = context.day_of(flow_state.started_at);
        if (!context.in_period(day)) return;
        // The furthest stage it ever reached: a record that moved back still
        // reached it, and one imported at a stage passed those before it.
        int reached = 0;
        for (const auto& entry : flow_state.history)
            reached = std::max(reached, flow->stage_index(entry.stage));
        const FlowOutcome* outcome =
            flow_state.status == "ended" ? flow->outcome(flow_state.outcome) : nullptr;
        const bool won = outcome && outcome->kind == "won";
        if (won) reached = stages;
        for (int i = 0; i < stages && i <= reached; ++i) {
            const bool went_on = i + 1 <= reached;
            out.samples.push_back(
                {&record, went_on ? 1.0 : 0.0, flow->stages[i].id, flow->stages[i].name, i, day});
        }
        out.total_samples->push_back({&record, won ? 1.0 : 0.0, "", "", 0, day});
    });
    return out;
}

MetricSamples time_in_stage(const Context& context) {
    MetricSamples out;
    const Flow* flow = flow_or_note(context, "deal", "won", out);
    if (!flow) return out;
    out.total_samples.emplace();
    each_in_flow(context, *flow, [&](const Record& record, const FlowState& flow_state) {
        std::map<int, std::pair<double, CivilDate>> days_in; // stage index -> days, first entry
        std::optional<CivilDate> first_day;                  // of its first stay in the period
        const auto& history = flow_state.history;
        for (std::size_t i = 0; i < history.size(); ++i) {
            // An entry into a stage the flow no longer has adds no stay.
            const int stage = flow->stage_index(history[i].stage);
            if (stage < 0) continue;
            const Instant entered = history[i].at;
            const Instant left = i + 1 < history.size() ? history[i + 1].at
                                 : flow_state.active()  ? context.now
                                                        : flow_state.ended_at;
            if (left < entered) continue;
            const CivilDate day = context.day_of(entered);
            if (!context.in_period(day)) continue;
            auto [slot, fresh] = days_in.try_emplace(stage, 0.0, day);
            slot->second.first += static_cast<double>(left.seconds - entered.seconds) / 86400.0;
            if (!first_day || day < *first_day) first_day = day;
        }
        double total = 0;
        for (const auto& [stage, spent] : days_in) {
            out.samples.push_back({&record, spent.first, flow->stages[stage].id,
                                   flow->stages[stage].name, stage, spent.second});
            total += spent.first;
        }
        if (first_day) out.total_samples->push_back({&record, total, "", "", 0, *first_day});
    });
    return out;
}

// ---- Deals ------------------------------------------------------------------

// Deals that closed with one of `kinds` in the period, one sample each.
template <class Measure>
MetricSamples closed_deals(const Context& context, std::initializer_list<const char*> kinds,
                           Measure measure) {
    MetricSamples out;
    const Flow* flow = flow_or_note(context, "deal", "won", out);
    if (!flow) return out;
    each_included(context, flow->record_type, [&](const Record& record) {
        const auto closing = closing_of(context, *flow, record, "close_date");
        if (!closing || !context.in_period(closing->day)) return;
        if (std::none_of(kinds.begin(), kinds.end(),
                         [&](const char* kind) { return closing->kind == kind; }))
            return;
        Sample sample{&record, 0, "", "", 0, closing->day};
        key_by_month(sample);
        if (measure(record, *closing, sample)) out.samples.push_back(sample);
    });
    return out;
}

MetricSamples win_rate(const Context& context) {
    return closed_deals(context, {"won", "lost"},
                        [](const Record&, const Closing& closing, Sample& sample) {
                            sample.value = closing.kind == "won" ? 1 : 0;
                            return true;
                        });
}

MetricSamples sales_cycle(const Context& context) {
    std::size_t undated = 0;
    auto out = closed_deals(
        context, {"won"}, [&](const Record& record, const Closing& closing, Sample& sample) {
            Instant started = record.created_at;
            for (const auto& [flow_id, state] : record.flows)
                if (state.status != "spawned" && !state.history.empty() &&
                    !state.history.front().joined)
                    started = std::min(started, state.started_at);
            const auto days = days_between(context.day_of(started), closing.day);
            if (days < 0) {
                ++undated;
                return false;
            }
            sample.value = static_cast<double>(days);
            return true;
        });
    if (undated)
        out.notes.push_back(std::to_string(undated) +
                            " won deals left out: they closed before the day they were added "
                            "(imported with an old close date)");
    return out;
}

MetricSamples revenue(const Context& context) {
    std::map<std::string, std::size_t> other;
    auto out =
        closed_deals(context, {"won"}, [&](const Record& record, const Closing&, Sample& sample) {
            const auto cents = amount_cents(context, record, other);
            if (!cents) return false;
            sample.value = static_cast<double>(*cents);
            return true;
        });
    note_other_currencies(context, other, "won deals", out);
    return out;
}

MetricSamples revenue_per_customer(const Context& context) {
    std::map<std::string, std::size_t> other;
    std::size_t no_company = 0;
    auto out =
        closed_deals(context, {"won"}, [&](const Record& record, const Closing&, Sample& sample) {
            const auto& company_id = record.value("company");
            const Record* company = company_id.is_string()
                                        ? context.workspace.find(company_id.get<std::string>())
                                        : nullptr;
            if (!company) {
                ++no_company;
                return false;
            }
            const auto cents = amount_cents(context, record, other);
            if (!cents) return false;
            sample.value = static_cast<double>(*cents);
            sample.key = company->id;
            sample.label = context.workspace.title_of(*company);
            sample.order = 0;
            return true;
        });
    note_other_currencies(context, other, "won deals", out);
    if (no_company)
        out.notes.push_back(std::to_string(no_company) + " won deals without a company left out");
    return out;
}

// Open deals by the month they are expected to close.
MetricSamples open_pipeline(const Context& context, bool weighted) {
    MetricSamples out;
    const Flow* flow = flow_or_note(context, "deal", "won", out);
    if (!flow) return out;
    std::map<std::string, std::size_t> other;
    const bool bounded = context.query.filter.from || context.query.filter.to;
    each_included(context, flow->record_type, [&](const Record& record) {
        const auto state = record.flows.find(flow->id);
        if (state == record.flows.end() || !state->second.active()) return;
        // The period first: a deal in another currency is noted only when
        // its close falls in the period it would have counted in.
        const auto close = date_value(record.value("close_date"));
        if (close ? !context.in_period(*close) : bounded) return;
        const auto cents = amount_cents(context, record, other);
        if (!cents) return;
        Sample sample{&record, static_cast<double>(*cents), "none", "No close date", 1 << 30, {}};
        if (close) {
            sample.day = *close;
            key_by_month(sample);
        }
        if (weighted) {
            // As the board weighs its columns: a deal without a probability counts in full.
            const auto& chance = record.value("probability");
            if (chance.is_number())
                sample.value = static_cast<double>(
                    std::llround(static_cast<long double>(*cents) *
                                 std::clamp(chance.get<double>(), 0.0, 100.0) / 100.0L));
        }
        out.samples.push_back(sample);
    });
    note_other_currencies(context, other, "open deals", out);
    return out;
}

// ---- Customers --------------------------------------------------------------

MetricSamples renewals(const Context& context, bool churn) {
    MetricSamples out;
    const Flow* flow = flow_or_note(context, "subscription", "renewed", out);
    if (!flow) return out;
    each_included(context, flow->record_type, [&](const Record& record) {
        auto closing = closing_of(context, *flow, record, "renewal_date");
        if (!closing) {
            // Subscriptions decided before the flow existed: their status says how.
            const auto& status = record.value("status");
            const auto day = date_value(record.value("renewal_date"));
            if (!status.is_string() || !day || record.flows.count(flow->id)) return;
            const std::string text = status.get<std::string>();
            if (text == "Renewed" || text == "Downgraded" || text == "Churned")
                closing = Closing{text == "Churned" ? "churned" : "renewed", "", *day};
            else
                return;
        }
        const bool churned = closing->kind == "churned";
        if (!churned && closing->kind != "renewed" && closing->kind != "downgraded") return;
        if (!context.in_period(closing->day)) return;
        Sample sample{&record, (churned == churn) ? 1.0 : 0.0, "", "", 0, closing->day};
        key_by_month(sample);
        out.samples.push_back(sample);
    });
    return out;
}

// When a ticket was last resolved: its support flow's last entry into its
// final stage or an outcome (a reopened ticket counts from its latest
// resolution; one reopened and open again is not resolved). Tickets in no
// flow count as resolved when their status says so, on the day last changed.
std::optional<CivilDate> resolved_day(const Context& context, const Flow* flow,
                                      const Record& ticket) {
    const auto state = flow ? ticket.flows.find(flow->id) : ticket.flows.end();
    if (state == ticket.flows.end()) {
        const auto& status = ticket.value("status");
        if (status == "Resolved" || status == "Closed") return context.day_of(ticket.updated_at);
        return std::nullopt;
    }
    const FlowState& flow_state = state->second;
    if (flow->stages.empty()) return std::nullopt;
    const std::string& last = flow->stages.back().id;
    const bool resolved = flow_state.status == "ended"
                              ? flow->outcome(flow_state.outcome) != nullptr
                              : flow_state.stage == last;
    if (!resolved) return std::nullopt;
    // Its last entry into the last stage or an outcome: a ticket that then
    // left through an exit (no reply) was resolved when it entered the stage.
    const auto& history = flow_state.history;
    for (auto entry = history.rbegin(); entry != history.rend(); ++entry) {
        if (entry->stage != last && !flow->outcome(entry->stage)) continue;
        return context.day_of(entry->at);
    }
    return std::nullopt;
}

MetricSamples csat(const Context& context) {
    MetricSamples out;
    std::size_t off_scale = 0;
    const Flow* flow = context.workspace.flow(context.query.filter.flow);
    if (!flow || flow->record_type != "ticket") flow = nullptr;
    for (const auto& candidate : context.workspace.flows)
        if (!flow && candidate.record_type == "ticket") flow = &candidate;
    each_included(context, "ticket", [&](const Record& ticket) {
        const auto& score = ticket.value("csat");
        if (!score.is_number()) return;
        const auto day = resolved_day(context, flow, ticket);
        if (!day || !context.in_period(*day)) return;
        // The field is a plain number: a score off the 1-5 scale is a typo,
        // and one of them would move the average of all.
        const double value = score.get<double>();
        if (!(value >= 1 && value <= 5)) {
            ++off_scale;
            return;
        }
        Sample sample{&ticket, value, "", "", 0, *day};
        key_by_month(sample);
        out.samples.push_back(sample);
    });
    if (off_scale)
        out.notes.push_back(std::to_string(off_scale) +
                            " tickets rated outside 1-5 left out: satisfaction is a score from 1 "
                            "to 5");
    return out;
}

// ---- The team ---------------------------------------------------------------

MetricSamples completeness(const Context& context) {
    MetricSamples out;
    for (const RecordTypeDef* type : measured_types(context.workspace.schema)) {
        const auto fields = completeness_fields(*type);
        if (fields.empty()) continue;
        const int order = static_cast<int>(out.samples.size());
        each_included(context, type->id, [&](const Record& record) {
            const CivilDate day = context.day_of(record.created_at);
            if (!context.in_period(day)) return;
            std::size_t filled = 0;
            for (const FieldDef* field : fields)
                filled += is_unset(record.value(field->id)) ? 0 : 1;
            out.samples.push_back(
                {&record, 100.0 * static_cast<double>(filled) / static_cast<double>(fields.size()),
                 type->id, type->plural, order, day});
        });
    }
    // Types keep the schema's order, whatever their record counts.
    std::map<std::string, int> first;
    for (const auto& sample : out.samples)
        first.try_emplace(sample.key, static_cast<int>(first.size()));
    for (auto& sample : out.samples)
        sample.order = first[sample.key];
    return out;
}

// Who logged an activity: its owner, else who added it.
const std::string& logged_by(const Record& activity) {
    return activity.owner.empty() ? activity.created_by : activity.owner;
}

MetricSamples adoption(const Context& context) {
    MetricSamples out;
    out.total_samples.emplace();
    const Directory& people = context.workspace.directory;
    std::set<std::string> active;
    each_included(context, "activity", [&](const Record& activity) {
        const auto at = instant_value(activity.value("at"));
        if (!at) return;
        const CivilDate day = context.day_of(*at);
        if (!context.in_period(day)) return;
        const std::string& user = logged_by(activity);
        const User* person = people.user(user);
        Sample sample{&activity, 1, user, person ? person->name : user, 0, day};
        out.samples.push_back(sample);
        if (person) active.insert(user);
    });
    // Active: logged an activity, or added any record, in the period.
    for (const Record* record : context.workspace.all_records()) {
        if (active.count(record->created_by) || !people.user(record->created_by)) continue;
        if (!context.included(*record) || !context.in_period(context.day_of(record->created_at)))
            continue;
        active.insert(record->created_by);
    }
    for (const auto& user : active) {
        Sample sample{nullptr, 1, user, people.user(user)->name, 0, {}};
        out.total_samples->push_back(sample);
    }
    return out;
}

MetricSamples exceptions(const Context& context) {
    MetricSamples out;
    const Workspace& ws = context.workspace;
    static const std::map<std::string, std::pair<int, std::string>> kinds = {
        {"unowned", {0, "Unowned work"}},
        {"sla_breach", {1, "SLA breaches"}},
        {"overdue_next_action", {2, "Overdue next actions"}},
        {"blocked_move", {3, "Blocked moves"}},
        {"automation_failure", {4, "Automation failures"}},
        {"data_problem", {5, "Data problems flagged"}}};
    auto add = [&](const Record* record, const std::string& kind) {
        if (!record || !context.included(*record)) return;
        // A kind of queue this list does not know yet comes last, by its id.
        const auto known = kinds.find(kind);
        const int order = known != kinds.end() ? known->second.first : 99;
        const std::string& label = known != kinds.end() ? known->second.second : kind;
        out.samples.push_back({record, 1, kind, label, order, context.day_of(context.now)});
    };
    for (const auto& queue :
         exception_queues(ws, context.viewer.id, context.now, QueueDetail::CountOnly))
        for (const auto& item : queue.items)
            add(item.record, queue.kind);
    if (can_review_data_quality(context.viewer))
        for (const Record* record : ws.all_records())
            if (!record->data_problems.empty()) add(record, "data_problem");
    if (context.query.filter.from || context.query.filter.to)
        out.notes.push_back("exceptions are counted as they stand now; the period does not apply");
    return out;
}

} // namespace

std::string month_key(CivilDate day) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d", day.year % 10000, day.month % 100);
    return text;
}

std::string month_label(CivilDate day) {
    static const char* const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return std::string(names[(day.month - 1) % 12]) + " " + std::to_string(day.year);
}

void key_by_month(Sample& sample) {
    if (!sample.day) return; // "No close date" stays itself, after the months
    sample.key = month_key(*sample.day);
    sample.label = month_label(*sample.day);
    sample.order = sample.day->year * 12 + sample.day->month;
}

CivilDate Context::day_of(Instant at) const {
    return local_date(at, calendar.zone);
}

bool Context::in_period(CivilDate day) const {
    const auto& filter = query.filter;
    return (!filter.from || day >= *filter.from) && (!filter.to || day <= *filter.to);
}

bool Context::included(const Record& record) const {
    const auto& filter = query.filter;
    if (!visible(record)) return false;
    if (!filter.owner.empty() && record.owner != filter.owner) return false;
    if (!filter.team.empty()) {
        const User* owner = workspace.directory.user(record.owner);
        if (!owner || owner->team != filter.team) return false;
    }
    if (!filter.flow.empty() && !record.flows.count(filter.flow)) return false;
    if (filter.where.empty()) return true;
    const RecordTypeDef* type = workspace.schema.type(record.type);
    for (const auto& [field_id, wanted] : filter.where) {
        const FieldDef* field = type ? type->field(field_id) : nullptr;
        if (!field) return false;
        const auto& value = record.value(field_id);
        if (fold_text(field_value_to_text(*field, value)) != fold_text(wanted)) return false;
    }
    return true;
}

const Flow* metric_flow(const Context& context, const std::string& type, const std::string& kind) {
    if (const Flow* chosen = context.workspace.flow(context.query.filter.flow)) return chosen;
    for (const auto& flow : context.workspace.flows)
        if (flow.record_type == type &&
            std::any_of(flow.outcomes.begin(), flow.outcomes.end(),
                        [&](const FlowOutcome& outcome) { return outcome.kind == kind; }))
            return &flow;
    return nullptr;
}

SampleMaker sample_maker(const std::string& metric) {
    static const std::map<std::string, SampleMaker> makers = {
        {"lead_response_time", lead_response_time},
        {"first_response_sla", first_response_sla},
        {"conversion_by_stage", conversion_by_stage},
        {"time_in_stage", time_in_stage},
        {"sales_cycle", sales_cycle},
        {"win_rate", win_rate},
        {"pipeline_value", [](const Context& c) { return open_pipeline(c, false); }},
        {"weighted_forecast", [](const Context& c) { return open_pipeline(c, true); }},
        {"revenue", revenue},
        {"renewal_rate", [](const Context& c) { return renewals(c, false); }},
        {"churn_rate", [](const Context& c) { return renewals(c, true); }},
        {"csat", csat},
        {"revenue_per_customer", revenue_per_customer},
        {"completeness", completeness},
        {"adoption", adoption},
        {"exceptions", exceptions}};
    const auto it = makers.find(metric);
    return it == makers.end() ? SampleMaker{} : it->second;
}

} // namespace crm::report
