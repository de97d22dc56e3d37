#include "engine/engine.hpp"

#include "automation/rule_runs.hpp"
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "engine/reactors.hpp"
#include "io/schema_json.hpp"
#include "io/workspace_json.hpp"
#include "logic/jsonlogic.hpp"
#include "model/field_values.hpp"
#include "model/line_items.hpp"
#include "process/conditions.hpp"
#include "quality/validation.hpp"
#include "scoring/score.hpp"
#include "sla/clocks.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <iterator>
#include <tuple>

namespace crm {

using nlohmann::json;

namespace detail {

std::string join_problems(const RecordTypeDef& type, const Problems& problems) {
    std::string text;
    for (const auto& problem : problems) {
        const FieldDef* field = type.field(problem.field);
        if (!text.empty()) text += "; ";
        if (!problem.own_words) text += (field ? field->label : problem.field) + ": ";
        text += problem.message;
    }
    return text;
}

// Totals of lines (a quote's total) follow their lines: set with them, and
// never by hand to anything else.
void work_out_totals(const RecordTypeDef& type, json& clean, Problems& problems,
                     const json* current) {
    for (const auto& field : type.fields) {
        if (field.sum_of.empty()) continue;
        const auto lines = clean.find(field.sum_of);
        json expected;
        if (lines != clean.end())
            expected = line_items_total(*lines);
        else if (current && current->contains(field.id))
            expected = (*current)[field.id];
        const auto given = clean.find(field.id);
        if (given != clean.end() && *given != expected) {
            problems.push_back({field.id, *not_set_by_hand(type, field)});
            continue;
        }
        if (lines != clean.end()) clean[field.id] = std::move(expected);
    }
}

// Checks and normalises the given field values against the type; collects
// one problem per bad field so a form can show each next to its editor.
json check_fields(const Workspace& workspace, const RecordTypeDef& type, const json& fields,
                  Problems& problems, const json* current, const BatchRecords* added,
                  Setter setter) {
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
        // A value given back as the record keeps it is not new: it is not
        // normalised or judged again (a form sends every field it shows).
        const auto kept = current ? current->find(field_id) : json::const_iterator();
        const bool unchanged =
            current && (kept == current->end() ? normalized->is_null() : *kept == *normalized);
        if (!unchanged && !field->filled_by.empty() && setter != Setter::FunnelStep) {
            if (setter == Setter::Person) {
                if (current || !normalized->is_null())
                    problems.push_back({field_id, *not_set_by_hand(type, *field)});
                continue;
            }
            const bool blank = !current || kept == current->end() || kept->is_null();
            if (current && !(setter == Setter::WorkspaceFile && blank)) continue; // left as is
        }
        if (!unchanged) {
            normalized = normalize_new_value(*field, *normalized, workspace.default_country);
            if (!normalized) {
                problems.push_back({field_id, normalized.error()});
                continue;
            }
            if (auto problem = field_rule_problem(*field, *normalized)) {
                problems.push_back({field_id, *problem, !field->rules.message.empty()});
                continue;
            }
        }
        const json& v = *normalized;
        if (field->type == FieldType::RecordRef && !v.is_null()) {
            const std::string& id = v.get_ref<const std::string&>();
            const Record* target = workspace.find(id);
            const auto in_batch = added ? added->find(id) : BatchRecords::const_iterator();
            const bool batch_adds = added && in_batch != added->end();
            const std::string target_type = target       ? target->type
                                            : batch_adds ? in_batch->second
                                                         : "";
            if (target_type.empty())
                problems.push_back({field_id, "there is no record \"" + id + "\""});
            else if (!field->target_type.empty() && target_type != field->target_type)
                problems.push_back(
                    {field_id, id + " is a " + target_type + ", expected a " + field->target_type});
        }
        if (field->type == FieldType::UserRef && !v.is_null() &&
            !workspace.directory.user(v.get<std::string>()))
            problems.push_back({field_id, "there is no user \"" + v.get<std::string>() + "\""});
        clean[field_id] = v;
    }
    work_out_totals(type, clean, problems, current);
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

events::RecordUpdated field_changes(const Record& record, json changed) {
    events::RecordUpdated update;
    update.id = record.id;
    for (const auto& [field, value] : changed.items())
        update.before[field] = record.value(field);
    update.fields = std::move(changed);
    return update;
}

void check_required(const RecordTypeDef& type, const json& merged, Problems& problems) {
    for (const auto& field : type.fields) {
        if (!field.required) continue;
        const auto it = merged.find(field.id);
        if (it != merged.end() && !is_unset(*it)) continue;
        if (std::any_of(problems.begin(), problems.end(),
                        [&](const FieldProblem& known) { return known.field == field.id; }))
            continue; // what was given for it is wrong already
        if (field.rules.message.empty())
            problems.push_back({field.id, "is required"});
        else
            problems.push_back({field.id, field.rules.message, true});
    }
}

void check_record_rules(const RecordTypeDef& type, const Record& record, const json& fields,
                        const std::set<std::string>* touched, Instant now, Problems& problems) {
    if (type.rules.empty() || !problems.empty()) return;
    const json data = logic_data(record, type, fields);
    for (auto& failure : record_rule_failures(type, data, touched, now))
        problems.push_back({std::move(failure.field), std::move(failure.message), true});
}

std::set<std::string> field_ids(const json& fields) {
    std::set<std::string> ids;
    for (const auto& [id, value] : fields.items())
        ids.insert(id);
    return ids;
}

} // namespace detail

namespace {

using namespace detail;

} // namespace

namespace detail {

const User& automation_user() {
    static const User user{kAutomationActor, "Automation", "", Role::Admin, "", {}};
    return user;
}

Result<Decision> decide_create(const Workspace& ws, const User& actor, const CreateRecord& cmd,
                               Instant now, const std::string& device, Problems& problems,
                               std::size_t id_offset) {
    return decide_create(ws, actor, cmd.type, cmd.fields, cmd.owner, now, device, problems,
                         BatchCreate{"", id_offset, nullptr});
}

namespace {

// The id a new record gets: the one it brings (well-formed and free), or the next one.
Result<std::string> new_record_id(const Workspace& ws, const RecordTypeDef& type,
                                  const std::string& device, const BatchCreate& how) {
    if (!how.id.empty()) {
        if (!is_record_id_of(how.id, type.id))
            return Error{"\"" + how.id + "\" is not an id of a " + type.label + " (like " +
                         type.id + "-42)"};
        if (const Record* taken = ws.find(how.id))
            return Error{"the id " + how.id + " is taken by " + ws.title_of(*taken)};
        return how.id;
    }
    std::string id = ws.peek_next_id(type.id, device, how.offset);
    if (ws.find(id))
        return Error{"the next id for " + type.plural + " (" + id +
                     ") is taken; the workspace's id counter is damaged"};
    return id;
}

} // namespace

Result<Decision> decide_create(const Workspace& ws, const User& actor, const std::string& type_id,
                               const json& given, const std::optional<std::string>& given_owner,
                               Instant now, const std::string& device, Problems& problems,
                               const BatchCreate& how) {
    const RecordTypeDef* type = ws.schema.type(type_id);
    if (!type) return Error{"there is no record type \"" + type_id + "\""};
    const std::string owner = given_owner.value_or(actor.id);
    if (auto status = check_create(ws, actor, owner); !status) return Error{status.error()};
    json fields = check_fields(ws, *type, given, problems, nullptr, how.added, how.setter);
    check_required(*type, fields, problems);
    if (!type->rules.empty()) {
        Record draft{"", type->id, owner, fields};
        draft.created_at = draft.updated_at = now;
        check_record_rules(*type, draft, json::object(), nullptr, now, problems);
    }
    if (!problems.empty())
        return Error{"Cannot create " + type->label + ": " + join_problems(*type, problems)};
    for (auto it = fields.begin(); it != fields.end();)
        it = it->is_null() ? fields.erase(it) : ++it;
    auto id = new_record_id(ws, *type, device, how);
    if (!id) return Error{id.error()};
    Decision decision;
    decision.record_id = std::move(*id);
    decision.events.push_back(
        events::RecordCreated{decision.record_id, type->id, owner, std::move(fields)});
    return decision;
}

Result<Decision> decide_update(const Workspace& ws, const User& actor, const UpdateRecord& cmd,
                               Instant now, DecideDetails& details, const BatchRecords* added,
                               Setter setter) {
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
                return decide_move(ws, actor, move, now, details, added, setter);
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
    json fields = check_fields(ws, *type, cmd.fields, problems, &record->fields, added, setter);
    const json merged = merged_fields(*record, fields);
    check_required(*type, merged, problems);
    json changed = changed_fields(*record, fields);
    const auto touched = field_ids(changed);
    check_record_rules(*type, *record, fields, &touched, now, problems);
    if (!problems.empty())
        return Error{"Cannot save " + ws.title_of(*record) + ": " + join_problems(*type, problems)};
    auto update = field_changes(*record, std::move(changed));
    if (cmd.owner && *cmd.owner != record->owner) {
        update.owner = *cmd.owner;
        update.owner_before = record->owner;
    }
    Decision decision;
    decision.record_id = record->id;
    if (!update.fields.empty() || update.owner) decision.events.push_back(std::move(update));
    return decision;
}

} // namespace detail

namespace {

Result<Decision> decide_delete(const Workspace& ws, const User& actor, const DeleteRecord& cmd) {
    const Record* record = ws.find(cmd.id);
    if (!record) return Error{"there is no record \"" + cmd.id + "\""};
    if (auto status = check_delete(ws, actor, *record); !status) return Error{status.error()};
    // Deleting a record others point at would leave them pointing at nothing.
    const std::vector<std::string>& referrers = ws.referrers_of(record->id);
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
    decision.events.push_back(events::RecordDeleted{record->id, record_to_json(*record)});
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
    decision.events.push_back(events::FieldAdded{type->id, *checked});
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
    decision.events.push_back(events::TypeAdded{*checked});
    return decision;
}

Result<Decision> decide_restore(const Workspace& ws, const User& actor, const RestoreRecord& cmd) {
    if (ws.find(cmd.id)) return Error{cmd.id + " exists; there is nothing to restore"};
    if (!cmd.record.is_object() || cmd.record.value("id", "") != cmd.id)
        return Error{"there is no deleted record \"" + cmd.id + "\" to restore"};
    auto record = record_from_json(cmd.record, ws, "record");
    if (!record) return Error{"Cannot restore " + cmd.id + ": " + record.error()};
    if (auto status = check_create(ws, actor, record->owner); !status) return Error{status.error()};
    Decision decision;
    decision.record_id = cmd.id;
    decision.events.push_back(events::RecordRestored{cmd.id, cmd.record});
    return decision;
}

Result<Decision> decide_track_pauses(const Workspace& ws, const TrackPauses& cmd, Instant now) {
    const Record* record = ws.find(cmd.id);
    if (!record) return Error{"there is no record \"" + cmd.id + "\""};
    Decision decision;
    decision.record_id = record->id;
    for (const auto& change : pause_changes(ws, *record, now)) {
        if (change.paused)
            decision.events.push_back(events::SlaPaused{record->id, change.policy});
        else
            decision.events.push_back(events::SlaResumed{record->id, change.policy});
    }
    return decision;
}

Result<Decision> decide_mark_read(const Workspace& ws, const User& actor,
                                  const MarkNotificationsRead& cmd) {
    events::NotificationsRead read{actor.id, {}};
    if (cmd.all) {
        for (const auto& notification : ws.notifications.of(actor.id))
            if (!notification.read) read.ids.push_back(notification.id);
    }
    for (const auto& id : cmd.ids) {
        const Notification* notification = ws.notifications.find(id);
        if (!notification) return Error{"there is no notification \"" + id + "\""};
        if (notification->user != actor.id)
            return Error{"Cannot mark " + id + " read: it is " +
                         ws.directory.names({notification->user}) + "'s, and " + actor.name +
                         " can mark only their own notifications"};
        if (!notification->read &&
            std::find(read.ids.begin(), read.ids.end(), id) == read.ids.end())
            read.ids.push_back(id);
    }
    Decision decision;
    if (!read.ids.empty()) decision.events.push_back(std::move(read));
    return decision;
}

Result<Decision> decide_notify(const Workspace& ws, const Notify& cmd, Instant now,
                               const std::string& device) {
    Decision decision;
    std::size_t made = 0;
    for (Notification notification : cmd.notifications) {
        if (!ws.directory.user(notification.user)) continue; // nobody to tell
        // An id from its cause (SLA breach): made once, whichever device raised it.
        if (notification.id.empty())
            notification.id = ws.notifications.peek_next_id(device, made++);
        else if (ws.notifications.find(notification.id))
            continue;
        notification.at = now;
        notification.read = false;
        decision.events.push_back(events::NotificationSent{std::move(notification)});
    }
    return decision;
}

// The longest name a saved view may have, in bytes.
constexpr std::size_t kMaxViewNameBytes = 200;

Result<Decision> decide_save_view(const Workspace& ws, const User& actor, const SaveView& cmd) {
    if (actor.id == kAutomationActor) return Error{"views belong to people, not to automation"};
    SavedView view = cmd.view;
    view.owner = actor.id; // personal: nobody saves a view for someone else
    const auto first = view.name.find_first_not_of(" \t");
    view.name = first == std::string::npos
                    ? std::string()
                    : view.name.substr(first, view.name.find_last_not_of(" \t") - first + 1);
    if (view.name.empty()) return Error{"Cannot save the view: give it a name"};
    if (auto problem = text_problem(view.name, kMaxViewNameBytes))
        return Error{"Cannot save the view: its name " + *problem};
    if (auto problem = text_problem(view.search, kMaxTextBytes))
        return Error{"Cannot save the view \"" + view.name + "\": its search " + *problem};
    const RecordTypeDef* type = ws.schema.type(view.type);
    if (!type) return Error{"there is no record type \"" + view.type + "\""};
    const auto& sort = view.sort_by;
    if (!sort.empty() && sort != "title" && sort != "owner" && sort != "updated" &&
        !type->field(sort))
        return Error{"Cannot save the view \"" + view.name + "\": " + type->label +
                     " has no field \"" + sort + "\" to sort by"};
    const StageFilter& stage = view.filter.stage;
    if (!stage.flow.empty()) {
        const Flow* flow = ws.flow(stage.flow);
        if (!flow || flow->record_type != type->id)
            return Error{"Cannot save the view \"" + view.name + "\": there is no process \"" +
                         stage.flow + "\" for " + type->plural};
    }
    const DateFilter& date = view.filter.date;
    if (!date.field.empty() && !is_date_filter_field(*type, date.field))
        return Error{"Cannot save the view \"" + view.name + "\": \"" + date.field +
                     "\" is not a date or time of " + type->plural +
                     " (nor created_at or updated_at)"};
    Decision decision;
    decision.events.push_back(events::ViewSaved{std::move(view)});
    return decision;
}

Result<Decision> decide_delete_view(const Workspace& ws, const User& actor, const DeleteView& cmd) {
    if (!find_view(ws.views, actor.id, cmd.name))
        return Error{"you have no view \"" + cmd.name + "\""};
    Decision decision;
    decision.events.push_back(events::ViewDeleted{actor.id, cmd.name});
    return decision;
}

bool automation_only(const Command& command) {
    return std::holds_alternative<StartFlow>(command) ||
           std::holds_alternative<StartFlows>(command) ||
           std::holds_alternative<TrackPauses>(command) ||
           std::holds_alternative<Notify>(command) || std::holds_alternative<RunRule>(command) ||
           std::holds_alternative<ScoreLeads>(command);
}

} // namespace

const char* command_name(const Command& command) {
    static constexpr const char* names[] = {
        "create",        "update",          "delete",      "add-field",   "add-type",
        "move",          "set-processes",   "restore",     "start-flow",  "track-pauses",
        "mark-read",     "notify",          "save-view",   "delete-view", "log",
        "import",        "undo-batch",      "start-flows", "merge",       "flag",
        "resolve-flags", "import-people",   "set-rules",   "run-rule",    "retry",
        "dismiss",       "set-away",        "set-scoring", "score-leads", "convert",
        "accept-quote",  "resolve-conflict"};
    static_assert(std::size(names) == std::variant_size_v<Command>);
    return names[command.index()];
}

Engine::Engine(Workspace workspace)
    : m_workspace(std::move(workspace)), m_reactors(builtin_reactors()) {}

void Engine::load(Workspace workspace, std::uint64_t seq) {
    m_workspace = std::move(workspace);
    m_last_seq = seq;
    m_save_failure.reset();
    m_timer = TimerIndex{};
    ++m_generation;
    m_deadlines_kept = false;
    // Worked out now rather than on the first screen, which asks for thousands.
    if (m_deadlines_on_load) keep_deadlines();
}

void Engine::keep_deadlines() {
    if (m_deadlines_kept) return;
    m_deadlines_kept = true;
    const BusinessCalendar calendar = workspace_calendar(m_workspace);
    SlaClockReader(m_workspace, calendar).keep_all(m_workspace);
}

Result<EventBatch> Engine::decide(const Command& command, const std::string& actor_id, Instant now,
                                  DecideDetails* details_out) const {
    const bool by_automation = actor_id == kAutomationActor;
    const User* actor = by_automation ? &automation_user() : m_workspace.directory.user(actor_id);
    if (!actor) return Error{"there is no user \"" + actor_id + "\"; choose who you are first"};
    if (automation_only(command) && !by_automation)
        return Error{std::string("only automation may ") + command_name(command)};
    DecideDetails found;
    Problems& problems = found.problems;
    Result<Decision> decision = std::visit(
        [&](const auto& cmd) -> Result<Decision> {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, CreateRecord>)
                return decide_create(m_workspace, *actor, cmd, now, m_device, problems);
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
            else if constexpr (std::is_same_v<T, SetProcesses>)
                return decide_set_processes(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, RestoreRecord>)
                return decide_restore(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, StartFlow>)
                return decide_start_flow(m_workspace, cmd, now, m_device, found);
            else if constexpr (std::is_same_v<T, MarkNotificationsRead>)
                return decide_mark_read(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, Notify>)
                return decide_notify(m_workspace, cmd, now, m_device);
            else if constexpr (std::is_same_v<T, LogActivity>)
                return decide_log_activity(m_workspace, *actor, cmd, now, m_device, found);
            else if constexpr (std::is_same_v<T, TrackPauses>)
                return decide_track_pauses(m_workspace, cmd, now);
            else if constexpr (std::is_same_v<T, SaveView>)
                return decide_save_view(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, ImportRecords>)
                return decide_import(m_workspace, *actor, cmd, now, m_device, found);
            else if constexpr (std::is_same_v<T, RevertBatch>)
                return decide_revert(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, StartFlows>)
                return decide_start_flows(m_workspace, cmd, now, m_device, found);
            else if constexpr (std::is_same_v<T, MergeRecords>)
                return decide_merge(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, FlagDataProblem>)
                return decide_flag(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, ResolveDataProblems>)
                return decide_resolve_flags(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, ImportPeople>)
                return decide_import_people(m_workspace, *actor, cmd, found);
            else if constexpr (std::is_same_v<T, SetRules>)
                return decide_set_rules(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, RunRule>)
                return decide_run_rule(m_workspace, cmd, now, m_device, found);
            else if constexpr (std::is_same_v<T, RetryAutomation>)
                return decide_retry(m_workspace, *actor, cmd, now, m_device, found);
            else if constexpr (std::is_same_v<T, DismissAutomation>)
                return decide_dismiss(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, SetAway>)
                return decide_set_away(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, SetLeadScoring>)
                return decide_set_lead_scoring(m_workspace, *actor, cmd);
            else if constexpr (std::is_same_v<T, ScoreLeads>)
                return decide_score_leads(m_workspace, cmd, now, found);
            else if constexpr (std::is_same_v<T, ConvertLead>)
                return decide_convert_lead(m_workspace, *actor, cmd, now, m_device, found);
            else if constexpr (std::is_same_v<T, AcceptQuote>)
                return decide_accept_quote(m_workspace, *actor, cmd, now, m_device, found);
            else if constexpr (std::is_same_v<T, ResolveConflict>)
                return decide_resolve_conflict(m_workspace, *actor, cmd, now);
            else
                return decide_delete_view(m_workspace, *actor, cmd);
        },
        command);
    if (details_out) *details_out = found;
    if (!decision) return Error{decision.error()};
    EventBatch batch;
    batch.seq = m_last_seq + 1;
    batch.device = m_device;
    batch.at = now;
    batch.actor = actor_id;
    batch.cause.command = command_name(command);
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
    if (const auto* restore = std::get_if<RestoreRecord>(&command)) return restore->id;
    if (const auto* merge = std::get_if<MergeRecords>(&command)) return merge->keep;
    if (const auto* flag = std::get_if<FlagDataProblem>(&command)) return flag->id;
    if (const auto* resolve = std::get_if<ResolveDataProblems>(&command)) return resolve->id;
    if (const auto* convert = std::get_if<ConvertLead>(&command)) return convert->lead;
    if (const auto* accept = std::get_if<AcceptQuote>(&command)) return accept->quote;
    return "";
}

} // namespace

Outcome Engine::apply(const Command& command, const std::string& actor, Instant now) {
    DecideDetails details;
    auto batch = decide(command, actor, now, &details);
    return finish(command, std::move(batch), details, actor, now);
}

Outcome Engine::apply_decided(const Command& command, DecidedBatch decided,
                              const std::string& actor, Instant now) {
    if (decided.generation != m_generation || decided.batch.actor != actor ||
        decided.batch.at != now)
        return apply(command, actor, now);
    return finish(command, std::move(decided.batch), decided.details, actor, now);
}

Outcome Engine::finish(const Command& command, Result<EventBatch> batch,
                       const DecideDetails& details, const std::string& actor, Instant now) {
    Outcome outcome;
    outcome.problems = details.problems;
    outcome.rows = details.rows;
    outcome.blocked = details.blocked;
    outcome.warnings = details.warnings;
    outcome.summary = details.summary;
    if (!batch) {
        outcome.message = batch.error();
        // A move its gate stopped is kept on the record for the manager's
        // exception queue; the record's data and stage stay as they were.
        if (details.blocked && !details.blocked->warning &&
            (!details.blocked->missing.empty() || !details.blocked->failing.empty()))
            note_blocked_move(command, *details.blocked, actor, now);
        return outcome;
    }
    if (std::holds_alternative<CreateRecord>(command) ||
        std::holds_alternative<LogActivity>(command))
        outcome.record_id = batch->events.front().record_id();
    else
        outcome.record_id = existing_record_of(command);
    outcome.ok = true;
    if (batch->events.empty()) return outcome; // nothing changed, nothing to save
    if (auto status = commit(*batch); !status) {
        outcome.ok = false;
        outcome.message = status.error();
        outcome.not_saved = m_save_failure.has_value();
        return outcome;
    }
    outcome.batch = std::make_shared<const EventBatch>(std::move(*batch));
    auto reacted = react_to(outcome.batch, now);
    outcome.warnings.insert(outcome.warnings.end(), reacted.begin(), reacted.end());
    return outcome;
}

Status Engine::commit(EventBatch& batch) {
    batch.seq = m_last_seq + 1;
    batch.device = m_device;
    // Its time in milliseconds, after everything this device has seen.
    const auto at_ms =
        static_cast<std::uint64_t>(std::max<std::int64_t>(batch.at.seconds, 0)) * 1000;
    batch.clock = std::max(at_ms, m_workspace.team_sync.clock + 1);
    batch.deps = m_workspace.team_sync.applied; // what it has seen, for merges elsewhere
    return journal_and_apply(batch);
}

Status Engine::journal_and_apply(const EventBatch& batch) {
    // Never journal what would not apply: replay would stop at it.
    if (auto status = check_batch(m_workspace, batch); !status) return status;
    m_save_failure.reset();
    if (m_sink) {
        if (auto status = m_sink->append(batch); !status) {
            m_save_failure = status.error();
            // What reactions and the timer would have done is looked at again in full.
            m_timer.scan_all = true;
            m_timer.flow_starts_checked = false;
            return Error{"Not saved: " + status.error()};
        }
    }
    // check_batch() passed, so this applies; if it ever did not, the journal
    // holds the entry all the same and the next one must not reuse its number.
    m_last_seq = batch.seq;
    ++m_generation;
    if (auto status = apply_checked_batch(m_workspace, batch); !status) return status;
    note_changes(batch);
    return Status::success();
}

namespace {

// "Sales pipeline start on deal-7 -> SLA pause on deal-7 -> ...", shortened in the middle.
std::string describe_chain(const std::vector<std::string>& chain) {
    std::string text;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        if (chain.size() > 8 && i == 4) {
            text += " -> ... (" + std::to_string(chain.size() - 8) + " more)";
            i = chain.size() - 4;
        }
        text += (text.empty() ? "" : " -> ") + chain[i];
    }
    return text;
}

} // namespace

std::vector<std::string> Engine::react_to(std::shared_ptr<const EventBatch> first, Instant now) {
    struct Pending {
        std::shared_ptr<const EventBatch> batch; // shared: an import's batch is large
        std::vector<std::string> chain;          // the reactions that led to it
    };
    std::vector<std::string> notes;
    std::deque<Pending> queue;
    queue.push_back({std::move(first), {}});
    int reactions = 0;
    while (!queue.empty()) {
        const Pending pending = std::move(queue.front());
        queue.pop_front();
        for (const auto& reactor : m_reactors) {
            for (const auto& reaction : reactor->react(m_workspace, *pending.batch, now)) {
                auto chain = pending.chain;
                chain.push_back(reaction.what + " on " + reaction.record_id);
                // Notifications end a chain (nothing reacts to them): they do
                // not count towards its bound.
                const bool notifies = std::holds_alternative<Notify>(reaction.command);
                if (!notifies && reactions == kMaxReactionsPerChange) {
                    // It does not settle: stop, keep what was done, hand it to a person.
                    note_reaction_failed(reaction,
                                         "automation stopped after " +
                                             std::to_string(kMaxReactionsPerChange) +
                                             " changes in a row: " + describe_chain(chain),
                                         *pending.batch, now);
                    return notes;
                }
                DecideDetails details;
                auto batch = decide(reaction.command, kAutomationActor, now, &details);
                if (!batch) {
                    note_reaction_failed(reaction, batch.error(), *pending.batch, now);
                    continue;
                }
                if (batch->events.empty()) continue;
                batch->cause = Cause{"", pending.batch->seq, reaction.what};
                if (!commit(*batch)) return notes; // not saved: the timer looks again
                if (!notifies) ++reactions;
                notes.insert(notes.end(), details.warnings.begin(), details.warnings.end());
                queue.push_back(
                    {std::make_shared<const EventBatch>(std::move(*batch)), std::move(chain)});
            }
        }
    }
    return notes;
}

void Engine::note_reaction_failed(const Reaction& reaction, const std::string& reason,
                                  const EventBatch& cause, Instant now) {
    const Record* record = m_workspace.find(reaction.record_id);
    if (!record) return;
    const auto* run = std::get_if<RunRule>(&reaction.command);
    const std::string key = run ? rule_automation(run->rule) : "reaction:" + reaction.what;
    const auto known = record->automation_failures.find(key);
    if (known != record->automation_failures.end() && known->second.reason == reason) return;
    EventBatch batch;
    batch.at = now;
    batch.actor = kAutomationActor;
    batch.cause = Cause{"", cause.seq, reaction.what};
    // A rule keeps where it stopped, so Retry carries on from there.
    if (run)
        batch.events.push_back(
            events::RuleStepRan{record->id, run->rule, run->occasion, run->step, "", reason, ""});
    else
        batch.events.push_back(events::AutomationFailed{record->id, key, reason});
    commit(batch); // best effort: if not saved, the timer's next full look tries again
}

std::vector<std::string> Engine::run_automation(const Command& command, const Cause& cause,
                                                Instant now) {
    DecideDetails details;
    auto batch = decide(command, kAutomationActor, now, &details);
    if (!batch || batch->events.empty()) return {};
    batch->cause = cause;
    if (!commit(*batch)) return {};
    auto notes = details.warnings;
    auto reacted = react_to(std::make_shared<const EventBatch>(std::move(*batch)), now);
    notes.insert(notes.end(), reacted.begin(), reacted.end());
    return notes;
}

void Engine::note_changes(const EventBatch& batch) {
    for (const auto& event : batch.events) {
        if (event.as<events::ProcessesChanged>() || event.as<events::FieldAdded>() ||
            event.as<events::TypeAdded>()) {
            m_timer.scan_all = true;
            m_timer.flow_starts_checked = false;
        }
        if (event.as<events::LeadScoringChanged>()) m_timer.scores.scanned = false;
        // A raised breach needs no second look; anything else may move a clock.
        if (!event.as<events::SlaBreached>() && !event.record_id().empty())
            m_timer.changed.insert(event.record_id());
    }
    if (m_workspace.lead_scoring)
        for (auto& lead : leads_touched(m_workspace, batch))
            m_timer.scores.changed.insert(std::move(lead));
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

std::vector<std::string> Engine::start_due_flows(Instant now) {
    std::vector<std::pair<std::string, std::string>> due; // (record, flow)
    // Changes start flows as they happen (reactions); the timer adds conditions
    // that time alone makes true, and a first full look after open, import or
    // edits to the flows (records that arrived with a stage join here).
    const bool full = !m_timer.flow_starts_checked;
    m_timer.flow_starts_checked = true;
    for (const auto& flow : m_workspace.flows) {
        if (!full && !logic::depends_on_time(flow.start.when)) continue;
        std::vector<std::string> types = {flow.record_type}; // joins by stage
        if (!flow.start.on.empty() && flow.start.on != flow.record_type)
            types.push_back(flow.start.on);
        for (const auto& type : types) {
            const auto reads = detail::start_condition_reads(m_workspace, flow, type);
            for (const Record* record : m_workspace.records_of_type(type))
                if (detail::flow_start_due(m_workspace, *record, flow, now, &reads))
                    due.emplace_back(record->id, flow.id);
        }
    }
    std::sort(due.begin(), due.end());
    std::vector<std::string> started;
    for (const auto& [id, flow] : due) {
        auto more = run_automation(StartFlow{id, flow}, Cause{"timer", 0, ""}, now);
        started.insert(started.end(), more.begin(), more.end());
    }
    return started;
}

namespace {

// A clock overdue and not yet raised at this due time: the alert and the
// escalation. What the policy then does (reassign, set fields) is a reaction.
events::SlaBreached breach_of(const Workspace& ws, const Record& record, const SlaClock& clock,
                              std::string& said) {
    const SlaPolicy& policy = *clock.policy;
    events::SlaBreached breach{record.id, policy.id, format_instant(clock.due),
                               alert_recipients(ws, policy, record), std::nullopt};
    const auto escalated = people_named(ws, policy.escalate_to, record);
    if (!escalated.empty()) breach.escalated_to = escalated;
    // Where the alert went: the inboxes NotificationReactor fills.
    const auto notified = breach_notified(ws, breach);
    said = "SLA breached: " + policy.name + " on " + ws.title_of(record) + " — " +
           (notified.empty() ? "nobody" : ws.directory.names(notified)) + " notified";
    if (!escalated.empty()) said += "; escalated to " + ws.directory.names(escalated);
    return breach;
}

} // namespace

std::vector<std::string> Engine::raise_breaches(Instant now) {
    if (m_workspace.sla_policies.empty()) {
        m_timer.changed.clear();
        return {};
    }
    const BusinessCalendar calendar = workspace_calendar(m_workspace);
    const SlaClockReader clocks_of(m_workspace, calendar);
    EventBatch batch;
    batch.at = now;
    batch.actor = kAutomationActor;
    batch.cause.command = "timer";
    std::vector<std::pair<std::string, std::string>> said; // (record, what was said)
    for (const Record* record : records_to_check(now)) {
        // Catch up on pauses first: waiting on the customer is not a breach.
        for (const auto& change : pause_changes(m_workspace, *record, now)) {
            if (change.paused)
                batch.events.push_back(events::SlaPaused{record->id, change.policy});
            else
                batch.events.push_back(events::SlaResumed{record->id, change.policy});
        }
        std::optional<Instant> wake; // when a running clock on it next comes due
        for (const auto& clock : clocks_of(*record, now)) {
            if (clock.state == ClockState::Ok || clock.state == ClockState::AtRisk)
                wake = wake ? std::min(*wake, clock.due) : clock.due;
            if (clock.state != ClockState::Overdue) continue;
            const auto raised = record->sla_alerts.find(clock.policy->id);
            if (raised != record->sla_alerts.end() && raised->second == format_instant(clock.due))
                continue;
            std::string text;
            batch.events.push_back(breach_of(m_workspace, *record, clock, text));
            said.emplace_back(record->id, std::move(text));
        }
        schedule(record->id, wake);
    }
    if (batch.events.empty()) return {};
    std::map<std::string, std::string> owners_before;
    for (const auto& [id, text] : said)
        owners_before[id] = m_workspace.find(id)->owner;
    if (!commit(batch)) return {}; // not saved: raised again next time, from a full look
    react_to(std::make_shared<const EventBatch>(std::move(batch)), now); // the policies' actions
    std::vector<std::string> lines;
    for (auto& [id, text] : said) {
        const Record* record = m_workspace.find(id);
        if (record && record->owner != owners_before[id] && !record->owner.empty())
            text += "; reassigned to " + m_workspace.directory.names({record->owner});
        lines.push_back(std::move(text));
    }
    return lines;
}

std::vector<RuleRun> Engine::run_due_rules(Instant now) {
    // Nothing changed and nothing came due since the last look: no scan.
    const RulesTimer& last = m_rules_timer;
    const bool unchanged = last.generation == m_generation && !last.watches_sla &&
                           (!last.next_due || now < *last.next_due);
    if (unchanged || !has_time_rules(m_workspace)) return {};
    const std::uint64_t runs_before = m_workspace.automation.runs;
    const DueRuns due = due_rule_runs(m_workspace, now);
    for (const auto& run : due.runs) {
        const AutomationRule* rule = m_workspace.automation.rule(run.rule);
        run_automation(run, Cause{"timer", 0, rule ? "rule " + rule->name : ""}, now);
    }
    m_rules_timer = {m_generation, due.next_due, watches_sla_risk(m_workspace)};
    // What ran: the log's newest entries (it keeps the last kMaxAutomationLog).
    const auto& log = m_workspace.automation.log;
    const std::size_t ran =
        std::min<std::size_t>(m_workspace.automation.runs - runs_before, log.size());
    return {log.end() - static_cast<std::ptrdiff_t>(ran), log.end()};
}

void Engine::note_blocked_move(const Command& command, const BlockedMove& blocked,
                               const std::string& actor, Instant now) {
    const std::string id = existing_record_of(command);
    const Record* record = m_workspace.find(id);
    if (!record || !record->flows.count(blocked.flow)) return;
    EventBatch batch;
    batch.at = now;
    batch.actor = actor;
    batch.cause.command = command_name(command);
    batch.events.push_back(
        events::MoveBlocked{id, blocked.flow, blocked.to, blocked.missing, blocked.failing});
    commit(batch); // best effort: the refusal stands either way
}

Status Engine::receive(EventBatch batch) {
    batch.seq = m_last_seq + 1;
    return journal_and_apply(batch);
}

Status Engine::replay(const EventBatch& batch) {
    if (batch.seq != m_last_seq + 1)
        return Error{"entry " + std::to_string(batch.seq) + " does not follow entry " +
                     std::to_string(m_last_seq)};
    if (auto status = apply_batch(m_workspace, batch); !status) return status;
    m_last_seq = batch.seq;
    ++m_generation;
    m_timer = TimerIndex{}; // the timer looks at everything after a replay
    return Status::success();
}

} // namespace crm
