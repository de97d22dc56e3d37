// Deciding process commands: stage moves through gates, ends and exits,
// replacing process definitions, and starting flows.
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "logic/jsonlogic.hpp"
#include "model/field_values.hpp"
#include "process/conditions.hpp"
#include "process/flow_json.hpp"
#include "process/stranded.hpp"
#include "process/validate.hpp"

#include <algorithm>
#include <cctype>

namespace crm::detail {

using nlohmann::json;

namespace {

bool same_name(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

struct Target {
    const Stage* stage = nullptr;
    const FlowOutcome* outcome = nullptr;
    const FlowExit* exit = nullptr;
    std::string id() const { return stage ? stage->id : outcome ? outcome->id : exit->id; }
    std::string name() const { return stage ? stage->name : outcome ? outcome->name : exit->name; }
};

std::optional<Target> find_target(const Flow& flow, const std::string& wanted) {
    for (const auto& s : flow.stages)
        if (s.id == wanted || same_name(s.name, wanted)) return Target{&s, nullptr, nullptr};
    for (const auto& o : flow.outcomes)
        if (o.id == wanted || same_name(o.name, wanted)) return Target{nullptr, &o, nullptr};
    for (const auto& e : flow.exits)
        if (e.id == wanted || same_name(e.name, wanted)) return Target{nullptr, nullptr, &e};
    return std::nullopt;
}

std::string choices(const Flow& flow) {
    std::string text;
    auto add = [&](const std::string& name) { text += (text.empty() ? "" : ", ") + name; };
    for (const auto& s : flow.stages)
        add(s.name);
    for (const auto& o : flow.outcomes)
        add(o.name);
    for (const auto& e : flow.exits)
        add(e.name);
    return text;
}

// Whether the flow's shape allows going from `from` to `target` at all.
Status check_route(const Flow& flow, const Stage& from, const Target& target) {
    if (!from.next.empty()) {
        if (std::find(from.next.begin(), from.next.end(), target.id()) != from.next.end() ||
            target.exit)
            return Status::success();
        std::string allowed;
        for (const auto& id : from.next) {
            const auto t = find_target(flow, id);
            allowed += (allowed.empty() ? "" : ", ") + (t ? t->name() : id);
        }
        return Error{"from " + from.name + " the " + flow.name + " goes on to " + allowed +
                     " only"};
    }
    if (target.outcome && !target.outcome->from.empty() &&
        std::find(target.outcome->from.begin(), target.outcome->from.end(), from.id) ==
            target.outcome->from.end()) {
        std::string allowed;
        for (const auto& id : target.outcome->from) {
            const Stage* stage = flow.stage(id);
            allowed += (allowed.empty() ? "" : ", ") + (stage ? stage->name : id);
        }
        return Error{target.outcome->name + " is reached from " + allowed + " only"};
    }
    if (!target.stage) return Status::success();
    const int here = flow.stage_index(from.id), there = flow.stage_index(target.stage->id);
    if (there == here) return Error{"it is already in " + from.name};
    if (there < here && !flow.allow_backward)
        return Error{"the " + flow.name + " does not move backward (from " + from.name + " to " +
                     target.stage->name + ")"};
    if (there > here + 1 && !flow.allow_skip) {
        std::string skipped;
        for (int i = here + 1; i < there; ++i)
            skipped +=
                (skipped.empty() ? "" : ", ") + flow.stages[static_cast<std::size_t>(i)].name;
        return Error{"the " + flow.name + " does not skip stages; move through " + skipped +
                     " first"};
    }
    return Status::success();
}

} // namespace

const Flow* stage_field_flow(const Workspace& ws, const Record& record, const json& fields) {
    for (const auto& flow : ws.flows) {
        if (flow.record_type != record.type || flow.stage_field.empty()) continue;
        if (!fields.contains(flow.stage_field)) continue;
        const auto state = record.flows.find(flow.id);
        if (state == record.flows.end()) continue;
        return &flow;
    }
    return nullptr;
}

Result<Decision> decide_move(const Workspace& ws, const User& actor, const MoveRecord& move,
                             Instant now, DecideDetails& details, const BatchRecords* added,
                             Setter setter) {
    const Record* record = ws.find(move.id);
    if (!record) return Error{"there is no record \"" + move.id + "\""};
    const RecordTypeDef* type = ws.schema.type(record->type);
    const std::string title = ws.title_of(*record);
    if (auto status = check_update(ws, actor, *record); !status) return Error{status.error()};

    // Which flow: the one named, or the record's only active one.
    const Flow* flow = nullptr;
    if (!move.flow.empty()) {
        flow = ws.flow(move.flow);
        if (!flow || flow->record_type != record->type)
            return Error{"there is no flow \"" + move.flow + "\" for " + type->plural};
    } else {
        std::vector<const Flow*> active;
        for (const auto& [flow_id, state] : record->flows)
            if (state.active() && ws.flow(flow_id)) active.push_back(ws.flow(flow_id));
        if (active.empty()) return Error{title + " is not in any active process"};
        if (active.size() > 1) {
            std::string names;
            for (const Flow* f : active)
                names += (names.empty() ? "" : ", ") + f->id;
            return Error{title + " is in several processes (" + names + "); say which one"};
        }
        flow = active.front();
    }
    const auto state_it = record->flows.find(flow->id);
    if (state_it == record->flows.end()) return Error{title + " has not started the " + flow->name};
    const FlowState& state = state_it->second;
    if (!state.active()) {
        const auto ended = find_target(*flow, state.outcome);
        return Error{"the " + flow->name + " for " + title + " has ended (" +
                     (ended ? ended->name() : state.outcome) + ")"};
    }
    const Stage* from = flow->stage(state.stage);
    if (!from) return Error{title + " is in a stage the " + flow->name + " no longer has"};
    const auto target = find_target(*flow, move.to);
    if (!target)
        return Error{"the " + flow->name + " has no stage, outcome or exit \"" + move.to +
                     "\" (it has: " + choices(*flow) + ")"};
    if (auto route = check_route(*flow, *from, *target); !route)
        return Error{"Cannot move " + title + " to " + target->name() + ": " + route.error()};
    if (target->exit && !target->exit->taken_by_move() && !record->has_value("converted_deal"))
        return Error{"Cannot move " + title + " to " + target->name() +
                     ": convert the lead instead; that makes its company, contact and deal"};

    // The fields filled in with the move count for its gate.
    json fields =
        check_fields(ws, *type, move.fields, details.problems, &record->fields, added, setter);
    const json merged = merged_fields(*record, fields);
    check_required(*type, merged, details.problems);
    {
        // The record's rules see it at the new stage, with what the move fills in.
        json after = fields;
        if (!flow->stage_field.empty() && !target->exit) after[flow->stage_field] = target->name();
        const auto touched = field_ids(changed_fields(*record, after));
        check_record_rules(*type, *record, after, &touched, now, details.problems);
    }
    if (!details.problems.empty())
        return Error{"Cannot move " + title + ": " + join_problems(*type, details.problems)};
    if (const auto problem = text_problem(move.reason, kMaxTextBytes))
        return Error{"Cannot move " + title + ": the reason " + *problem};
    const bool needs_reason = target->exit || (target->outcome && target->outcome->reason_required);
    if (needs_reason && move.reason.empty()) {
        BlockedMove blocked{flow->id, target->id(), {}, {}, false, true};
        details.blocked = blocked;
        return Error{"Cannot move " + title + " to " + target->name() + ": a reason is required"};
    }
    const Gate* gate = target->stage     ? &target->stage->gate
                       : target->outcome ? &target->outcome->gate
                                         : nullptr;
    std::vector<std::string> warnings;
    if (gate) {
        const GateCheck check = check_gate(*gate, *type, logic_data(*record, *type, fields), now);
        if (!check.passes()) {
            BlockedMove blocked{flow->id, target->id(), check.missing, check.failing,
                                gate->mode == GateMode::Warn};
            const std::string what = describe_gate_check(check, *type);
            if (gate->mode == GateMode::Block || !move.confirm_warnings) {
                details.blocked = blocked;
                return Error{"Cannot move " + title + " to " + target->name() + ": " + what +
                             (gate->mode == GateMode::Warn ? " (confirm to move anyway)" : "")};
            }
            warnings.push_back("moved to " + target->name() + " by " + actor.name + " although " +
                               what);
            details.warnings = warnings;
        }
    }

    Decision decision;
    decision.record_id = record->id;
    // Fields filled in, and the stage field that mirrors the stage.
    json changed = changed_fields(*record, fields);
    if (!flow->stage_field.empty() && !target->exit) {
        if (record->value(flow->stage_field) != target->name())
            changed[flow->stage_field] = target->name();
    }
    if (!changed.empty()) decision.events.push_back(field_changes(*record, std::move(changed)));
    if (target->stage) {
        decision.events.push_back(
            events::StageMoved{record->id, flow->id, from->id, target->stage->id, warnings});
    } else {
        decision.events.push_back(events::FlowEnded{record->id, flow->id, from->id,
                                                    target->outcome ? "ended" : "exited",
                                                    target->id(), move.reason, warnings});
    }
    return decision;
}

namespace {

// Every mapping names a removed stage of a flow that stays, and a stage of
// its new definition: a mapping that would be ignored is a mistake.
Status check_stage_mapping(const Workspace& ws, const SetProcesses& command) {
    for (const auto& [flow_id, moves] : command.stage_mapping) {
        const Flow* old_flow = ws.flow(flow_id);
        const auto new_flow = std::find_if(command.flows.begin(), command.flows.end(),
                                           [&, id = flow_id](const Flow& f) { return f.id == id; });
        if (!old_flow || new_flow == command.flows.end())
            return Error{"the stage mapping names the flow \"" + flow_id +
                         "\", which is not in both the old and the new processes"};
        for (const auto& [from, to] : moves) {
            if (!old_flow->stage(from))
                return Error{"the stage mapping moves \"" + from +
                             "\", which is not a stage of the " + old_flow->name};
            if (new_flow->stage(from))
                return Error{"the stage mapping moves \"" + from + "\", but the " + old_flow->name +
                             " keeps that stage; only removed stages are mapped"};
            if (!new_flow->stage(to))
                return Error{"the stage mapping moves \"" + from + "\" to \"" + to +
                             "\", which is not a stage of the new " + old_flow->name};
        }
    }
    return Status::success();
}

} // namespace

Result<Decision> decide_set_processes(const Workspace& ws, const User& actor,
                                      const SetProcesses& command) {
    if (auto status = check_schema_change(actor); !status)
        return Error{describe_user(actor) + " cannot change processes; only admins can"};
    for (const auto& new_flow : command.flows) {
        const Flow* old_flow = ws.flow(new_flow.id);
        if (!old_flow || old_flow->record_type == new_flow.record_type) continue;
        for (const auto& id : ws.ids_of_type(old_flow->record_type))
            if (ws.find(id)->flows.count(old_flow->id))
                return Error{old_flow->name + " runs on " + old_flow->record_type + " records (" +
                             id + ", ...); it cannot move to " + new_flow.record_type +
                             "; make a new flow instead"};
    }
    const auto problems = validate_flows(ws.schema, command.flows);
    if (!problems.empty()) {
        std::string text;
        for (const auto& p : problems)
            text += (text.empty() ? "" : "\n") + p;
        return Error{"The processes have problems:\n" + text};
    }
    // Records in flight must keep a place: a flow with active records cannot
    // disappear, and a removed stage needs a mapping to a stage that remains.
    for (const auto& old_flow : ws.flows) {
        const bool kept = std::any_of(command.flows.begin(), command.flows.end(),
                                      [&](const Flow& f) { return f.id == old_flow.id; });
        if (kept) continue;
        for (const auto& id : ws.ids_of_type(old_flow.record_type)) {
            const auto& flows = ws.find(id)->flows;
            const auto state = flows.find(old_flow.id);
            if (state != flows.end() && state->second.active())
                return Error{old_flow.name + " still has active records (" + id +
                             ", ...); end them before removing the flow"};
        }
    }
    if (auto status = check_stage_mapping(ws, command); !status) return Error{status.error()};
    std::map<std::string, std::map<std::string, std::string>> mapping;
    for (const auto& stranded : stranded_stages(ws, command.flows)) {
        const Flow* old_flow = ws.flow(stranded.flow);
        const Flow* new_flow = nullptr;
        for (const auto& f : command.flows)
            if (f.id == stranded.flow) new_flow = &f;
        const std::string* to = nullptr;
        if (const auto flow_map = command.stage_mapping.find(stranded.flow);
            flow_map != command.stage_mapping.end()) {
            const auto it = flow_map->second.find(stranded.stage);
            if (it != flow_map->second.end()) to = &it->second;
        }
        if (!to)
            return Error{old_flow->name + ": stage \"" + stranded.stage + "\" is removed but " +
                         std::to_string(stranded.records.size()) + " record(s) are in it (" +
                         stranded.records.front() + (stranded.records.size() > 1 ? ", ..." : "") +
                         "); say which stage they move to"};
        if (!new_flow->stage(*to))
            return Error{old_flow->name + ": records in \"" + stranded.stage +
                         "\" are mapped to \"" + *to +
                         "\", which is not a stage of the new definition"};
        mapping[stranded.flow][stranded.stage] = *to;
    }
    Decision decision;
    decision.events.push_back(events::ProcessesChanged{command.flows, std::move(mapping)});
    return decision;
}

namespace {

bool start_condition_holds(const Workspace& ws, const Record& record, const Flow& flow, Instant now,
                           const StartReads* reads = nullptr) {
    const RecordTypeDef* type = ws.schema.type(record.type);
    const auto data = reads && *reads ? logic_data_of(record, **reads) : logic_data(record, *type);
    auto result = logic::evaluate(flow.start.when, data, logic::Context{now});
    return result && logic::truthy(*result);
}

// The stage or outcome the record's stage field names in `flow`, if it is the flow's own record.
std::string stage_by_field(const Record& record, const Flow& flow) {
    if (flow.stage_field.empty() || flow.record_type != record.type) return "";
    const auto& value = record.value(flow.stage_field);
    return value.is_string() ? stage_named(flow, value.get<std::string>()) : "";
}

std::string trigger_type(const Flow& flow) {
    return flow.start.on.empty() ? flow.record_type : flow.start.on;
}

} // namespace

StartReads start_condition_reads(const Workspace& ws, const Flow& flow, const std::string& type) {
    const RecordTypeDef* def = ws.schema.type(type);
    if (!def) return std::nullopt;
    return fields_read(*def, {&flow.start.when});
}

bool flow_start_due(const Workspace& ws, const Record& record, const Flow& flow, Instant now,
                    const StartReads* reads) {
    if (record.flows.count(flow.id) || flow.stages.empty()) return false;
    // A record with a stage stands in its flow there, however the flow starts.
    if (!stage_by_field(record, flow).empty()) return true;
    if (trigger_type(flow) != record.type) return false;
    return start_condition_holds(ws, record, flow, now, reads) ||
           record.automation_failures.count(flow_start_automation(flow.id));
}

Result<Decision> decide_start_flow(const Workspace& ws, const StartFlow& command, Instant now,
                                   const std::string& device, DecideDetails& details,
                                   std::size_t id_offset) {
    const Record* record = ws.find(command.id);
    if (!record) return Error{"there is no record \"" + command.id + "\""};
    const Flow* flow = ws.flow(command.flow);
    if (!flow) return Error{"there is no flow \"" + command.flow + "\""};
    Decision decision;
    decision.record_id = record->id;
    if (!flow_start_due(ws, *record, *flow, now)) return decision; // already done
    // A record that already has a stage joins the flow there.
    if (const std::string stage = stage_by_field(*record, *flow); !stage.empty()) {
        decision.events.push_back(
            events::FlowJoined{record->id, flow->id, stage, record->updated_at});
        details.warnings.push_back(ws.title_of(*record) + " joined the " + flow->name + " at " +
                                   record->value(flow->stage_field).get<std::string>());
        return decision;
    }
    const std::string key = flow_start_automation(flow->id);
    if (!start_condition_holds(ws, *record, *flow, now)) {
        // A start that failed and is no longer wanted leaves the recovery queue.
        decision.events.push_back(events::AutomationCleared{record->id, key});
        return decision;
    }
    const std::string first = flow->stages.front().id;
    if (trigger_type(*flow) == flow->record_type) {
        if (!flow->stage_field.empty() &&
            record->value(flow->stage_field) != flow->stages.front().name)
            decision.events.push_back(
                field_changes(*record, {{flow->stage_field, flow->stages.front().name}}));
        decision.events.push_back(events::FlowStarted{record->id, flow->id, first});
        details.warnings.push_back("started the " + flow->name + " for " + ws.title_of(*record));
        return decision;
    }
    // Start on a new record of the flow's type, linked to this one.
    const RecordTypeDef* new_type = ws.schema.type(flow->record_type);
    json fields = json::object();
    for (const auto& [target, source] : flow->start.copy)
        if (record->has_value(source)) fields[target] = record->value(source);
    fields[flow->start.link_field] = record->id;
    for (const auto& title_field : new_type->title_fields)
        if (!fields.contains(title_field)) fields[title_field] = ws.title_of(*record);
    if (!flow->stage_field.empty()) fields[flow->stage_field] = flow->stages.front().name;
    // The new record is checked like one a person creates.
    Problems problems;
    fields = check_fields(ws, *new_type, fields, problems);
    check_required(*new_type, fields, problems);
    if (!new_type->rules.empty()) {
        Record draft{"", new_type->id, record->owner, fields};
        draft.created_at = draft.updated_at = now;
        check_record_rules(*new_type, draft, json::object(), nullptr, now, problems);
    }
    if (!problems.empty()) {
        // Into the manual recovery queue, once per reason.
        const std::string reason = join_problems(*new_type, problems);
        const auto known = record->automation_failures.find(key);
        if (known != record->automation_failures.end() && known->second.reason == reason)
            return decision;
        details.warnings.push_back("could not start the " + flow->name + " for " +
                                   ws.title_of(*record) + ": " + reason);
        decision.events.push_back(events::AutomationFailed{record->id, key, reason});
        return decision;
    }
    const std::string new_id = ws.peek_next_id(new_type->id, device, id_offset);
    details.warnings.push_back("started the " + flow->name + " on a new " + new_type->label + " (" +
                               new_id + ") for " + ws.title_of(*record));
    decision.events.push_back(events::RecordCreated{new_id, new_type->id, record->owner, fields});
    decision.events.push_back(events::FlowStarted{new_id, flow->id, first});
    decision.events.push_back(events::FlowSpawned{record->id, flow->id, new_id});
    return decision;
}

} // namespace crm::detail

namespace crm::detail {

Result<Decision> decide_start_flows(const Workspace& ws, const StartFlows& command, Instant now,
                                    const std::string& device, DecideDetails& details) {
    Decision decision;
    std::map<std::string, std::size_t> created; // by type: ids this batch takes
    std::map<std::string, std::size_t> joined;  // by flow name: "joined" lines folded
    for (const auto& start : command.starts) {
        DecideDetails one;
        const Flow* flow = ws.flow(start.flow);
        const std::size_t offset = flow ? created[flow->record_type] : 0;
        auto decided = decide_start_flow(ws, start, now, device, one, offset);
        if (!decided) return Error{decided.error()};
        bool joins = false;
        for (auto& event : decided->events) {
            if (const auto* made = event.as<events::RecordCreated>()) ++created[made->type];
            joins = joins || event.as<events::FlowJoined>();
            decision.events.push_back(std::move(event));
        }
        // Joins are counted, not listed: an import may bring thousands.
        if (joins && flow)
            ++joined[flow->name];
        else
            details.warnings.insert(details.warnings.end(), one.warnings.begin(),
                                    one.warnings.end());
    }
    for (const auto& [name, count] : joined)
        details.warnings.push_back(std::to_string(count) + (count == 1 ? " record" : " records") +
                                   " joined the " + name + " at the stage they had");
    return decision;
}

} // namespace crm::detail
