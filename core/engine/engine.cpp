#include "engine/engine.hpp"

#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "io/schema_json.hpp"
#include "logic/jsonlogic.hpp"
#include "model/field_values.hpp"
#include "sla/clocks.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

namespace crm {

using nlohmann::json;

namespace detail {

std::string join_problems(const RecordTypeDef& type, const Problems& problems) {
    std::string text;
    for (const auto& problem : problems) {
        const FieldDef* field = type.field(problem.field);
        if (!text.empty()) text += "; ";
        text += (field ? field->label : problem.field) + ": " + problem.message;
    }
    return text;
}

// Checks and normalises the given field values against the type; collects
// one problem per bad field so a form can show each next to its editor.
json check_fields(const Workspace& workspace, const RecordTypeDef& type, const json& fields,
                  Problems& problems) {
    json clean = json::object();
    if (fields.is_null()) return clean;
    if (!fields.is_object()) {
        problems.push_back({"", "fields must be an object"});
        return clean;
    }
    for (const auto& [field_id, value] : fields.items()) {
        const FieldDef* field = type.field(field_id);
        if (!field) {
            problems.push_back({field_id, "is not a field of " + type.label});
            continue;
        }
        auto normalized = normalize_field_value(*field, value);
        if (!normalized) {
            problems.push_back({field_id, normalized.error()});
            continue;
        }
        if (auto problem = new_value_problem(*field, *normalized)) {
            problems.push_back({field_id, *problem});
            continue;
        }
        const json& v = *normalized;
        if (field->type == FieldType::RecordRef && !v.is_null()) {
            const Record* target = workspace.find(v.get<std::string>());
            if (!target)
                problems.push_back(
                    {field_id, "there is no record \"" + v.get<std::string>() + "\""});
            else if (!field->target_type.empty() && target->type != field->target_type)
                problems.push_back({field_id, v.get<std::string>() + " is a " + target->type +
                                                  ", expected a " + field->target_type});
        }
        if (field->type == FieldType::UserRef && !v.is_null() &&
            !workspace.directory.user(v.get<std::string>()))
            problems.push_back({field_id, "there is no user \"" + v.get<std::string>() + "\""});
        clean[field_id] = v;
    }
    return clean;
}

json changed_fields(const Record& record, const json& fields) {
    json changed = json::object();
    for (const auto& [id, value] : fields.items()) {
        const auto current = record.fields.find(id);
        const bool was_set = current != record.fields.end();
        if (value.is_null() ? was_set : (!was_set || *current != value)) changed[id] = value;
    }
    return changed;
}

json merged_fields(const Record& record, const json& fields) {
    json merged = record.fields;
    for (const auto& [id, value] : fields.items())
        merged[id] = value;
    return merged;
}

void check_required(const RecordTypeDef& type, const json& merged, Problems& problems) {
    for (const auto& field : type.fields) {
        if (!field.required) continue;
        const auto it = merged.find(field.id);
        if (it == merged.end() || is_unset(*it)) problems.push_back({field.id, "is required"});
    }
}

} // namespace detail

namespace {

using namespace detail;

Result<Decision> decide_create(const Workspace& ws, const User& actor, const CreateRecord& cmd,
                               Problems& problems) {
    const RecordTypeDef* type = ws.schema.type(cmd.type);
    if (!type) return Error{"there is no record type \"" + cmd.type + "\""};
    const std::string owner = cmd.owner.value_or(actor.id);
    if (auto status = check_create(ws, actor, owner); !status) return Error{status.error()};
    json fields = check_fields(ws, *type, cmd.fields, problems);
    check_required(*type, fields, problems);
    if (!problems.empty())
        return Error{"Cannot create " + type->label + ": " + join_problems(*type, problems)};
    for (auto it = fields.begin(); it != fields.end();)
        it = it->is_null() ? fields.erase(it) : ++it;
    Decision decision;
    decision.record_id = ws.peek_next_id(type->id);
    if (ws.find(decision.record_id))
        return Error{"the next id for " + type->plural + " (" + decision.record_id +
                     ") is taken; the workspace's id counter is damaged"};
    decision.events.push_back({"record.created",
                               {{"id", decision.record_id},
                                {"type", type->id},
                                {"owner", owner},
                                {"fields", std::move(fields)}}});
    return decision;
}

Result<Decision> decide_update(const Workspace& ws, const User& actor, const UpdateRecord& cmd,
                               Instant now, DecideDetails& details) {
    Problems& problems = details.problems;
    const Record* record = ws.find(cmd.id);
    if (!record) return Error{"there is no record \"" + cmd.id + "\""};
    // Changing the stage field is a stage move: same path, same gates.
    if (cmd.fields.is_object()) {
        if (const Flow* flow = stage_field_flow(ws, *record, cmd.fields)) {
            const json& wanted = cmd.fields[flow->stage_field];
            const auto current = record->fields.find(flow->stage_field);
            const auto& state = record->flows.at(flow->id);
            const Stage* here = state.active() ? flow->stage(state.stage) : nullptr;
            const bool same_stage =
                here && wanted.is_string() && wanted.get<std::string>() == here->name;
            const bool moves =
                !same_stage && !(current != record->fields.end() && *current == wanted);
            if (moves && wanted.is_string() && !wanted.get_ref<const std::string&>().empty()) {
                if (cmd.owner && *cmd.owner != record->owner)
                    return Error{"change the owner and the stage one at a time"};
                MoveRecord move{record->id, wanted.get<std::string>(), flow->id, cmd.fields,
                                "",         cmd.confirm_warnings};
                move.fields.erase(flow->stage_field);
                return decide_move(ws, actor, move, now, details);
            }
            if (moves)
                return Error{"Cannot clear the stage of " + ws.title_of(*record) +
                             " while it is in the " + flow->name};
        }
    }
    const RecordTypeDef* type = ws.schema.type(record->type);
    if (auto status = check_update(ws, actor, *record); !status) return Error{status.error()};
    if (cmd.owner)
        if (auto status = check_assign(ws, actor, *record, *cmd.owner); !status)
            return Error{status.error()};
    json fields = check_fields(ws, *type, cmd.fields, problems);
    const json merged = merged_fields(*record, fields);
    check_required(*type, merged, problems);
    if (!problems.empty())
        return Error{"Cannot save " + ws.title_of(*record) + ": " + join_problems(*type, problems)};
    const json changed = changed_fields(*record, fields);
    json data = {{"id", record->id}, {"fields", changed}};
    if (cmd.owner && *cmd.owner != record->owner) data["owner"] = *cmd.owner;
    Decision decision;
    decision.record_id = record->id;
    if (!changed.empty() || data.contains("owner"))
        decision.events.push_back({"record.updated", std::move(data)});
    return decision;
}

Result<Decision> decide_delete(const Workspace& ws, const User& actor, const DeleteRecord& cmd) {
    const Record* record = ws.find(cmd.id);
    if (!record) return Error{"there is no record \"" + cmd.id + "\""};
    if (auto status = check_delete(ws, actor, *record); !status) return Error{status.error()};
    // Deleting a record others point at would leave them pointing at nothing.
    std::vector<std::string> referrers;
    for (const Record* other : ws.all_records()) {
        const RecordTypeDef* other_type = ws.schema.type(other->type);
        for (const auto& field : other_type->fields) {
            if (field.type != FieldType::RecordRef) continue;
            const auto it = other->fields.find(field.id);
            if (it != other->fields.end() && *it == record->id) {
                referrers.push_back(other->id);
                break;
            }
        }
    }
    if (!referrers.empty()) {
        std::string list;
        for (std::size_t i = 0; i < referrers.size() && i < 5; ++i)
            list += (i ? ", " : "") + referrers[i];
        if (referrers.size() > 5) list += ", ...";
        return Error{"Cannot delete " + ws.title_of(*record) + ": " +
                     std::to_string(referrers.size()) + " record(s) refer to it (" + list +
                     "); remove or change those links first"};
    }
    Decision decision;
    decision.record_id = record->id;
    decision.events.push_back({"record.deleted", {{"id", record->id}}});
    return decision;
}

Result<Decision> decide_add_field(const Workspace& ws, const User& actor, const AddField& cmd) {
    if (auto status = check_schema_change(actor); !status) return Error{status.error()};
    const RecordTypeDef* type = ws.schema.type(cmd.type);
    if (!type) return Error{"there is no record type \"" + cmd.type + "\""};
    FieldDef field = cmd.field;
    field.custom = true;
    // Round-trip through JSON so the same checks as import apply.
    auto checked = field_def_from_json(field_def_to_json(field), "field");
    if (!checked) return Error{checked.error()};
    if (type->field(field.id))
        return Error{type->label + " already has a field \"" + field.id + "\""};
    if (field.required && !ws.ids_of_type(type->id).empty())
        return Error{"Cannot add " + field.label +
                     " as required: " + std::to_string(ws.ids_of_type(type->id).size()) +
                     " existing " + type->plural + " have no value for it; add it as optional"};
    if (field.type == FieldType::RecordRef && !field.target_type.empty() &&
        !ws.schema.type(field.target_type))
        return Error{"there is no record type \"" + field.target_type + "\" to refer to"};
    Decision decision;
    decision.events.push_back(
        {"schema.field_added", {{"type", type->id}, {"field", field_def_to_json(*checked)}}});
    return decision;
}

Result<Decision> decide_add_type(const Workspace& ws, const User& actor, const AddRecordType& cmd) {
    if (auto status = check_schema_change(actor); !status) return Error{status.error()};
    RecordTypeDef type = cmd.type;
    type.custom = true;
    for (auto& field : type.fields)
        field.custom = true;
    auto checked = record_type_from_json(record_type_to_json(type), "type");
    if (!checked) return Error{checked.error()};
    if (ws.schema.type(type.id)) return Error{"there is already a record type \"" + type.id + "\""};
    Decision decision;
    decision.events.push_back({"schema.type_added", {{"type", record_type_to_json(*checked)}}});
    return decision;
}

} // namespace

Engine::Engine(Workspace workspace) : m_workspace(std::move(workspace)) {}

Result<EventBatch> Engine::decide(const Command& command, const std::string& actor_id, Instant now,
                                  DecideDetails* details_out) const {
    const User* actor = m_workspace.directory.user(actor_id);
    if (!actor) return Error{"there is no user \"" + actor_id + "\"; choose who you are first"};
    DecideDetails found;
    Problems& problems = found.problems;
    Result<Decision> decision = std::visit(
        [&](const auto& cmd) -> Result<Decision> {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, CreateRecord>)
                return decide_create(m_workspace, *actor, cmd, problems);
            else if constexpr (std::is_same_v<T, UpdateRecord>)
                return decide_update(m_workspace, *actor, cmd, now, found);
            else if constexpr (std::is_same_v<T, DeleteRecord>)
                return decide_delete(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, AddField>)
                return decide_add_field(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, AddRecordType>)
                return decide_add_type(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, MoveRecord>)
                return decide_move(m_workspace, *actor, cmd, now, found);
            else
                return decide_set_processes(m_workspace, *actor, cmd);
        },
        command);
    if (details_out) *details_out = found;
    if (!decision) return Error{decision.error()};
    EventBatch batch;
    batch.seq = m_last_seq + 1;
    batch.at = now;
    batch.actor = actor_id;
    batch.events = std::move(decision->events);
    return batch;
}

namespace {

// The record a command works on when it already exists ("" for creates and
// commands that are not about one record).
std::string existing_record_of(const Command& command) {
    if (const auto* update = std::get_if<UpdateRecord>(&command)) return update->id;
    if (const auto* remove = std::get_if<DeleteRecord>(&command)) return remove->id;
    if (const auto* move = std::get_if<MoveRecord>(&command)) return move->id;
    return "";
}

} // namespace

Outcome Engine::apply(const Command& command, const std::string& actor, Instant now) {
    Outcome outcome;
    DecideDetails details;
    auto batch = decide(command, actor, now, &details);
    outcome.problems = details.problems;
    outcome.blocked = details.blocked;
    outcome.warnings = details.warnings;
    if (!batch) {
        outcome.message = batch.error();
        // A move its gate stopped is kept on the record for the manager's
        // exception queue; the record's data and stage stay as they were.
        if (details.blocked && !details.blocked->warning &&
            (!details.blocked->missing.empty() || !details.blocked->failing.empty()))
            note_blocked_move(command, *details.blocked, actor, now);
        return outcome;
    }
    if (std::holds_alternative<CreateRecord>(command))
        outcome.record_id = batch->events.front().data["id"];
    else
        outcome.record_id = existing_record_of(command);
    outcome.ok = true;
    if (batch->events.empty()) return outcome; // nothing changed, nothing to save
    if (auto status = commit(std::move(*batch)); !status) {
        outcome.ok = false;
        outcome.message = status.error();
        outcome.not_saved = m_save_failure.has_value();
        return outcome;
    }
    // Automation reacts: flows whose start condition this change made true,
    // and SLA clocks the change paused or resumed.
    if (!outcome.record_id.empty()) {
        auto started = start_flows_for(outcome.record_id, actor, now, 0);
        outcome.warnings.insert(outcome.warnings.end(), started.begin(), started.end());
        track_pauses(outcome.record_id, actor, now);
    }
    return outcome;
}

Status Engine::commit(EventBatch batch) {
    batch.seq = m_last_seq + 1;
    // Never journal what would not apply: replay would stop at it.
    if (auto status = check_batch(m_workspace, batch); !status) return status;
    m_save_failure.reset();
    if (m_sink) {
        if (auto status = m_sink->append(batch); !status) {
            m_save_failure = status.error();
            return Error{"Not saved: " + status.error()};
        }
    }
    // check_batch() passed, so this applies; if it ever did not, the journal
    // holds the entry all the same and the next one must not reuse its number.
    m_last_seq = batch.seq;
    if (auto status = apply_batch(m_workspace, batch); !status) return status;
    note_changes(batch);
    return Status::success();
}

void Engine::note_changes(const EventBatch& batch) {
    for (const auto& event : batch.events) {
        if (event.kind == "process.definitions_changed" || event.kind.rfind("schema.", 0) == 0) {
            m_timer.scan_all = true;
            m_timer.flow_starts_checked = false;
        }
        // A raised breach needs no second look; anything else may move a clock.
        const auto id = event.data.find("id");
        if (event.kind != "sla.breached" && id != event.data.end() && id->is_string())
            m_timer.changed.insert(id->get<std::string>());
    }
}

namespace {

// One order for the timer however it looked: by type, then by number ("ticket-2"
// before "ticket-10"). Breach actions that balance load depend on it.
void sort_for_timer(const Workspace& ws, std::vector<const Record*>& records) {
    std::unordered_map<std::string, std::size_t> type_rank;
    for (const auto& type : ws.schema.types())
        type_rank.emplace(type.id, type_rank.size());
    auto key = [&](const Record* record) {
        const auto dash = record->id.rfind('-');
        long long number = -1;
        if (dash != std::string::npos) {
            const char* digits = record->id.data() + dash + 1;
            const char* end = record->id.data() + record->id.size();
            if (std::from_chars(digits, end, number).ptr != end) number = -1;
        }
        return std::make_tuple(type_rank[record->type], number, std::cref(record->id));
    };
    std::sort(records.begin(), records.end(),
              [&](const Record* a, const Record* b) { return key(a) < key(b); });
}

} // namespace

std::vector<const Record*> Engine::records_to_check(Instant now) {
    bool scan_all = m_timer.scan_all;
    for (const auto& policy : m_workspace.sla_policies)
        for (const auto* rule : {&policy.applies, &policy.stops, &policy.pauses})
            scan_all = scan_all || logic::depends_on_time(*rule);
    m_timer.scan_all = false;
    std::vector<const Record*> records;
    if (scan_all) {
        m_timer.changed.clear();
        m_timer.wake.clear();
        m_timer.wake_order.clear();
        records = m_workspace.all_records();
    } else {
        std::vector<std::string> ids(m_timer.changed.begin(), m_timer.changed.end());
        m_timer.changed.clear();
        for (auto it = m_timer.wake_order.begin();
             it != m_timer.wake_order.end() && it->first <= now; ++it)
            ids.push_back(it->second);
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        for (const auto& id : ids) {
            if (const Record* record = m_workspace.find(id))
                records.push_back(record);
            else
                schedule(id, std::nullopt); // deleted
        }
    }
    sort_for_timer(m_workspace, records);
    return records;
}

void Engine::schedule(const std::string& record_id, std::optional<Instant> wake) {
    const auto known = m_timer.wake.find(record_id);
    if (known != m_timer.wake.end()) {
        m_timer.wake_order.erase({known->second, record_id});
        m_timer.wake.erase(known);
    }
    if (!wake) return;
    m_timer.wake.emplace(record_id, *wake);
    m_timer.wake_order.emplace(*wake, record_id);
}

std::vector<std::string> Engine::start_flows_for(const std::string& record_id,
                                                 const std::string& actor, Instant now, int depth) {
    std::vector<std::string> started;
    // A started flow may create a record that starts another; a few levels suffice.
    // Past them the timer's next full look carries on.
    if (depth >= 3) m_timer.flow_starts_checked = false;
    for (int guard = 0; guard < 8 && depth < 3; ++guard) {
        if (guard == 7) m_timer.flow_starts_checked = false;
        const Record* record = m_workspace.find(record_id);
        if (!record) break;
        std::string what;
        auto events = next_flow_start(m_workspace, *record, now, what);
        if (events.empty()) break;
        std::string created;
        if (events.front().kind == "record.created") created = events.front().data["id"];
        EventBatch batch;
        batch.at = now;
        batch.actor = actor;
        batch.events = std::move(events);
        if (!commit(std::move(batch))) {
            m_timer.flow_starts_checked = false; // not saved: the timer tries them all again
            break;
        }
        if (!what.empty()) started.push_back(what); // what started, or why it could not
        if (!created.empty()) {
            auto more = start_flows_for(created, actor, now, depth + 1);
            started.insert(started.end(), more.begin(), more.end());
        }
    }
    return started;
}

std::vector<std::string> Engine::start_due_flows(Instant now) {
    std::vector<std::string> started;
    std::vector<std::string> ids;
    // Changes start flows as they happen (apply); the timer adds conditions that
    // time alone makes true, and a first full look after open, import or edits to the flows.
    const bool full = !m_timer.flow_starts_checked;
    m_timer.flow_starts_checked = true;
    for (const auto& flow : m_workspace.flows) {
        if (!full && !logic::depends_on_time(flow.start.when)) continue;
        const std::string trigger = flow.start.on.empty() ? flow.record_type : flow.start.on;
        for (const auto& id : m_workspace.ids_of_type(trigger)) {
            const Record* record = m_workspace.find(id);
            if (!record->flows.count(flow.id)) ids.push_back(id);
        }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (const auto& id : ids) {
        auto more = start_flows_for(id, kSystemActor, now, 0);
        started.insert(started.end(), more.begin(), more.end());
    }
    return started;
}

namespace {

// Open: in an active process, or in none (nothing closed it).
bool is_open(const Record& record) {
    return record.flows.empty() ||
           std::any_of(record.flows.begin(), record.flows.end(),
                       [](const auto& flow) { return flow.second.active(); });
}

Event pause_event(const std::string& record_id, const PauseChange& change) {
    return {change.paused ? "sla.paused" : "sla.resumed",
            {{"id", record_id}, {"policy", change.policy}}};
}

} // namespace

void Engine::note_blocked_move(const Command& command, const BlockedMove& blocked,
                               const std::string& actor, Instant now) {
    const std::string id = existing_record_of(command);
    const Record* record = m_workspace.find(id);
    if (!record || !record->flows.count(blocked.flow)) return;
    EventBatch batch;
    batch.at = now;
    batch.actor = actor;
    batch.events.push_back({"process.move_blocked",
                            {{"id", id},
                             {"flow", blocked.flow},
                             {"to", blocked.to},
                             {"missing", blocked.missing},
                             {"failing", blocked.failing}}});
    commit(std::move(batch)); // best effort: the refusal stands either way
}

void Engine::track_pauses(const std::string& record_id, const std::string& actor, Instant now) {
    const Record* record = m_workspace.find(record_id);
    if (!record || m_workspace.sla_policies.empty()) return;
    EventBatch batch;
    batch.at = now;
    batch.actor = actor;
    for (const auto& change : pause_changes(m_workspace, *record, now))
        batch.events.push_back(pause_event(record_id, change));
    if (!batch.events.empty()) commit(std::move(batch)); // if not saved, the timer catches up
}

namespace {

// What one look of the timer raises: the events to journal, what to tell
// people, and which records the breach actions changed.
struct BreachRound {
    std::vector<Event> events;
    std::vector<std::string> said;
    std::vector<std::string> changed;
    // Open records each user owns, by type, counted when first needed: who of a
    // role is least loaded.
    std::map<std::string, std::map<std::string, std::size_t>> open_by_owner;

    std::map<std::string, std::size_t>& load_of(const Workspace& ws, const std::string& type) {
        const auto found = open_by_owner.find(type);
        if (found != open_by_owner.end()) return found->second;
        auto& counts = open_by_owner[type];
        for (const auto& id : ws.ids_of_type(type)) {
            const Record& record = *ws.find(id);
            if (is_open(record)) ++counts[record.owner];
        }
        return counts;
    }
};

// A clock overdue and not yet raised at this due time: the alert, the
// escalation, and the policy's field values and new owner as one change.
void raise_breach(const Workspace& ws, const Record& record, const SlaClock& clock,
                  BreachRound& round) {
    const SlaPolicy& policy = *clock.policy;
    const std::string due = format_instant(clock.due);
    const auto recipients = alert_recipients(ws, policy, record);
    json breach = {
        {"id", record.id}, {"policy", policy.id}, {"due", due}, {"recipients", recipients}};
    std::string said = "SLA breached: " + policy.name + " for " + ws.title_of(record) + " (due " +
                       due + "); alerted " +
                       (recipients.empty() ? "nobody" : ws.directory.names(recipients));
    const auto escalated = people_named(ws, policy.escalate_to, record);
    if (!escalated.empty()) {
        breach["escalated_to"] = escalated;
        said += "; escalated to " + ws.directory.names(escalated);
    }
    round.events.push_back({"sla.breached", std::move(breach)});

    json update = {{"id", record.id}};
    if (const RecordTypeDef* type = ws.schema.type(record.type)) {
        Problems problems; // validate_sla_policies() reports these before they go live
        json fields = changed_fields(record, check_fields(ws, *type, policy.set, problems));
        if (!fields.empty()) update["fields"] = std::move(fields);
    }
    if (!policy.reassign_to.empty()) {
        auto& load = round.load_of(ws, record.type);
        const std::string to = breach_reassignee(ws, policy, record, load);
        if (!to.empty() && to != record.owner) {
            if (is_open(record)) { // closed records were never counted
                if (load[record.owner] > 0) --load[record.owner];
                ++load[to];
            }
            update["owner"] = to;
            said += "; reassigned to " + ws.directory.names({to});
        }
    }
    if (update.size() > 1) {
        round.events.push_back({"record.updated", std::move(update)});
        if (round.changed.empty() || round.changed.back() != record.id)
            round.changed.push_back(record.id);
    }
    round.said.push_back(said);
}

} // namespace

std::vector<std::string> Engine::raise_breaches(Instant now) {
    if (m_workspace.sla_policies.empty()) {
        m_timer.changed.clear();
        return {};
    }
    const BusinessCalendar calendar = workspace_calendar(m_workspace);
    BreachRound round;
    for (const Record* record : records_to_check(now)) {
        // Catch up on pauses first: waiting on the customer is not a breach.
        for (const auto& change : pause_changes(m_workspace, *record, now))
            round.events.push_back(pause_event(record->id, change));
        std::optional<Instant> wake; // when a running clock on it next comes due
        for (const auto& clock : sla_clocks(m_workspace, calendar, *record, now)) {
            if (clock.state == ClockState::Ok || clock.state == ClockState::AtRisk)
                wake = wake ? std::min(*wake, clock.due) : clock.due;
            if (clock.state != ClockState::Overdue) continue;
            const auto raised = record->sla_alerts.find(clock.policy->id);
            if (raised == record->sla_alerts.end() || raised->second != format_instant(clock.due))
                raise_breach(m_workspace, *record, clock, round);
        }
        schedule(record->id, wake);
    }
    if (round.events.empty()) return round.said;
    EventBatch batch;
    batch.at = now;
    batch.actor = kSystemActor;
    batch.events = std::move(round.events);
    if (!commit(std::move(batch))) {
        m_timer.scan_all = true; // not saved: raised again next time, from a full look
        return {};
    }
    // Records a breach changed get what any change gets: flow starts and pauses.
    for (const auto& id : round.changed) {
        start_flows_for(id, kSystemActor, now, 0);
        track_pauses(id, kSystemActor, now);
    }
    return round.said;
}

Status Engine::replay(const EventBatch& batch) {
    if (batch.seq != m_last_seq + 1)
        return Error{"entry " + std::to_string(batch.seq) + " does not follow entry " +
                     std::to_string(m_last_seq)};
    if (auto status = apply_batch(m_workspace, batch); !status) return status;
    m_last_seq = batch.seq;
    m_timer = TimerIndex{}; // the timer looks at everything after a replay
    return Status::success();
}

} // namespace crm
