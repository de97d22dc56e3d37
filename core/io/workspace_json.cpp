#include "io/workspace_json.hpp"

#include "automation/rule_check.hpp"
#include "automation/rule_json.hpp"
#include "io/msgpack_frames.hpp"
#include "io/record_checks.hpp"
#include "io/record_frame.hpp"
#include "io/schema_json.hpp"
#include "model/field_values.hpp"
#include "process/flow_json.hpp"
#include "process/validate.hpp"
#include "quality/normalize.hpp"
#include "sla/clocks.hpp"

#include <algorithm>
#include <set>

namespace crm {

using nlohmann::json;

namespace {

std::string at(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

} // namespace

json away_to_json(const std::vector<AwayPeriod>& away) {
    json periods = json::array();
    for (const auto& period : away)
        periods.push_back({{"from", format_date(period.from)}, {"to", format_date(period.to)}});
    return periods;
}

Result<std::vector<AwayPeriod>> away_from_json(const json& value, const std::string& path) {
    if (!value.is_array() || value.size() > kMaxAwayPeriods)
        return Error{path + ": expected a list of up to " + std::to_string(kMaxAwayPeriods) +
                     " periods {\"from\": DATE, \"to\": DATE}, got " + got(value)};
    std::vector<AwayPeriod> away;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string where = path + "[" + std::to_string(i) + "]";
        const json& item = value[i];
        if (!item.is_object())
            return Error{where + ": expected {\"from\": DATE, \"to\": DATE}, got " + got(item)};
        if (auto s = check_known_keys(item, where, {"from", "to"}); !s) return Error{s.error()};
        AwayPeriod period;
        for (auto [key, date] : {std::pair{"from", &period.from}, std::pair{"to", &period.to}}) {
            const auto text = item.find(key);
            const auto parsed = text != item.end() && text->is_string()
                                    ? parse_date(text->get<std::string>())
                                    : std::nullopt;
            if (!parsed)
                return Error{where + "." + key + ": expected a date as YYYY-MM-DD, got " +
                             (text == item.end() ? std::string("nothing") : got(*text))};
            *date = *parsed;
        }
        if (period.to < period.from)
            return Error{where + ": ends (" + format_date(period.to) + ") before it starts (" +
                         format_date(period.from) + ")"};
        away.push_back(period);
    }
    std::sort(away.begin(), away.end(),
              [](const AwayPeriod& a, const AwayPeriod& b) { return a.from < b.from; });
    return away;
}

Result<User> user_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto s = check_known_keys(value, path, {"id", "name", "email", "role", "team", "away"}); !s)
        return Error{s.error()};
    User user;
    if (value.contains("away")) {
        auto away = away_from_json(value["away"], path + ".away");
        if (!away) return Error{away.error()};
        user.away = std::move(*away);
    }
    auto id = require_string(value, path, "id");
    if (!id) return Error{id.error()};
    auto name = require_string(value, path, "name");
    if (!name) return Error{name.error()};
    auto role = require_string(value, path, "role");
    if (!role) return Error{role.error()};
    const auto parsed_role = role_from_name(*role);
    if (!parsed_role)
        return Error{path + ".role: unknown role \"" + *role +
                     "\" (expected rep, manager or admin)"};
    user.id = *id;
    user.name = *name;
    user.role = *parsed_role;
    if (value.contains("email")) {
        if (!value["email"].is_string())
            return Error{path + ".email: expected a string, got " + got(value["email"])};
        user.email = value["email"].get<std::string>();
    }
    if (value.contains("team")) {
        if (!value["team"].is_string())
            return Error{path + ".team: expected a team id, got " + got(value["team"])};
        user.team = value["team"].get<std::string>();
    }
    return user;
}

json user_to_json(const User& user) {
    json item = {{"id", user.id}, {"name", user.name}, {"role", role_name(user.role)}};
    if (!user.email.empty()) item["email"] = user.email;
    if (!user.team.empty()) item["team"] = user.team;
    if (!user.away.empty()) item["away"] = away_to_json(user.away);
    return item;
}

Result<Team> team_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto s = check_known_keys(value, path, {"id", "name", "manager"}); !s)
        return Error{s.error()};
    Team team;
    auto id = require_string(value, path, "id");
    if (!id) return Error{id.error()};
    auto name = require_string(value, path, "name");
    if (!name) return Error{name.error()};
    team.id = *id;
    team.name = *name;
    if (value.contains("manager")) {
        if (!value["manager"].is_string())
            return Error{path + ".manager: expected a user id, got " + got(value["manager"])};
        team.manager = value["manager"].get<std::string>();
    }
    return team;
}

json team_to_json(const Team& team) {
    json item = {{"id", team.id}, {"name", team.name}};
    if (!team.manager.empty()) item["manager"] = team.manager;
    return item;
}

namespace {

Status read_users(const json& users, Workspace& ws) {
    if (!users.is_array()) return Error{"$.users: expected an array, got " + json_type_name(users)};
    for (std::size_t i = 0; i < users.size(); ++i) {
        const std::string path = at("$.users", i);
        auto user = user_from_json(users[i], path);
        if (!user) return Error{user.error()};
        if (ws.directory.user(user->id))
            return Error{path + ".id: duplicate user id \"" + user->id + "\""};
        ws.directory.add_user(std::move(*user));
    }
    return Status::success();
}

Status read_teams(const json& teams, Workspace& ws) {
    if (!teams.is_array()) return Error{"$.teams: expected an array, got " + json_type_name(teams)};
    for (std::size_t i = 0; i < teams.size(); ++i) {
        const std::string path = at("$.teams", i);
        auto team = team_from_json(teams[i], path);
        if (!team) return Error{team.error()};
        if (ws.directory.team(team->id))
            return Error{path + ".id: duplicate team id \"" + team->id + "\""};
        ws.directory.add_team(std::move(*team));
    }
    return Status::success();
}

Status check_directory_links(const Workspace& ws) {
    const auto& users = ws.directory.users();
    for (std::size_t i = 0; i < users.size(); ++i)
        if (!users[i].team.empty() && !ws.directory.team(users[i].team))
            return Error{at("$.users", i) + ".team: there is no team \"" + users[i].team + "\""};
    const auto& teams = ws.directory.teams();
    for (std::size_t i = 0; i < teams.size(); ++i)
        if (!teams[i].manager.empty() && !ws.directory.user(teams[i].manager))
            return Error{at("$.teams", i) + ".manager: there is no user \"" + teams[i].manager +
                         "\""};
    return Status::success();
}

Status read_schema(const json& document, Workspace& ws) {
    std::vector<std::pair<std::string, std::string>> refs; // path -> the type referred to
    if (const auto it = document.find("custom_types"); it != document.end()) {
        if (!it->is_array())
            return Error{"$.custom_types: expected an array of record types, got " + got(*it)};
        for (std::size_t i = 0; i < it->size(); ++i) {
            auto type = record_type_from_json((*it)[i], at("$.custom_types", i));
            if (!type) return Error{type.error()};
            if (const RecordTypeDef* known = ws.schema.type(type->id); known && !yields(*known))
                return Error{at("$.custom_types", i) + ".id: there is already a record type \"" +
                             type->id + "\""};
            for (std::size_t f = 0; f < type->fields.size(); ++f)
                if (type->fields[f].type == FieldType::RecordRef)
                    refs.push_back(
                        {at(at("$.custom_types", i) + ".fields", f), type->fields[f].target_type});
            ws.schema.add_custom_type(*type);
        }
    }
    if (const auto it = document.find("custom_fields"); it != document.end()) {
        if (!it->is_object())
            return Error{"$.custom_fields: expected an object of record type -> field list, got " +
                         got(*it)};
        for (const auto& [type_id, fields] : it->items()) {
            const std::string path = "$.custom_fields." + type_id;
            RecordTypeDef* type = ws.schema.type(type_id);
            if (!type) return Error{path + ": there is no record type \"" + type_id + "\""};
            if (!fields.is_array())
                return Error{path + ": expected an array of field definitions, got " + got(fields)};
            for (std::size_t i = 0; i < fields.size(); ++i) {
                auto field = field_def_from_json(fields[i], at(path, i));
                if (!field) return Error{field.error()};
                if (field->type == FieldType::RecordRef)
                    refs.push_back({at(path, i), field->target_type});
                if (const FieldDef* known = type->field(field->id); known && !yields(*known))
                    return Error{at(path, i) + ".id: " + type->label + " already has a field \"" +
                                 field->id + "\""};
                add_custom_field(*type, *field);
            }
        }
    }
    for (const auto& [path, target] : refs)
        if (!target.empty() && !ws.schema.type(target))
            return Error{path + ".target_type: there is no record type \"" + target +
                         "\" to refer to"};
    return Status::success();
}

Result<Instant> read_instant(const json& value, const std::string& path, const char* key,
                             Instant fallback) {
    const auto it = value.find(key);
    if (it == value.end()) return fallback;
    if (!it->is_string())
        return Error{path + "." + key + ": expected a time as YYYY-MM-DDTHH:MM:SSZ, got " +
                     got(*it)};
    const auto instant = parse_instant(it->get<std::string>());
    if (!instant)
        return Error{path + "." + key + ": expected a time as YYYY-MM-DDTHH:MM:SSZ, got \"" +
                     it->get<std::string>() + "\""};
    return *instant;
}

// "data_problems": [{"note", "by", "at"}, ...], the open ones oldest first.
Status read_data_problems(const json& value, const std::string& path, Record& record) {
    const auto problems = value.find("data_problems");
    if (problems == value.end()) return Status::success();
    if (!problems->is_array())
        return Error{path +
                     ".data_problems: expected an array of {\"note\", \"by\", \"at\"}, got " +
                     got(*problems)};
    for (std::size_t i = 0; i < problems->size(); ++i) {
        const json& problem = (*problems)[i];
        const std::string at_problem = path + ".data_problems[" + std::to_string(i) + "]";
        if (!problem.is_object())
            return Error{at_problem +
                         ": expected {\"note\": TEXT, \"by\": USER, \"at\": TIME}, got " +
                         got(problem)};
        if (auto s = check_known_keys(problem, at_problem, {"note", "by", "at"}); !s) return s;
        auto note = require_string(problem, at_problem, "note");
        if (!note) return Error{note.error()};
        if (note->find_first_not_of(" \t\r\n") == std::string::npos)
            return Error{at_problem + ".note: is blank; say what is wrong"};
        if (const auto bad = text_problem(*note, kMaxDataProblemNoteBytes))
            return Error{at_problem + ".note: " + *bad};
        auto by = require_string(problem, at_problem, "by");
        if (!by) return Error{by.error()};
        if (!problem.contains("at")) return Error{at_problem + ": missing required field \"at\""};
        auto when = read_instant(problem, at_problem, "at", Instant{});
        if (!when) return Error{when.error()};
        record.data_problems.push_back({*note, *by, *when});
    }
    // The queue reads the oldest first.
    std::stable_sort(record.data_problems.begin(), record.data_problems.end(),
                     [](const DataProblem& a, const DataProblem& b) { return a.at < b.at; });
    return Status::success();
}

} // namespace

// What the engine keeps on a record for SLAs and automation: alerts raised,
// escalations, pauses, failed automations and flagged data problems.
Status read_engine_state(const json& value, const std::string& path, Record& record) {
    if (const auto alerts = value.find("sla_alerts"); alerts != value.end()) {
        if (!alerts->is_object())
            return Error{path + ".sla_alerts: expected an object of policy -> due time"};
        for (const auto& [policy, due] : alerts->items()) {
            if (!due.is_string() || !parse_instant(due.get<std::string>()))
                return Error{path + ".sla_alerts." + policy +
                             ": expected the due time of the breach raised, as "
                             "YYYY-MM-DDTHH:MM:SSZ, got " +
                             due.dump()};
            record.sla_alerts[policy] = due.get<std::string>();
        }
    }
    if (const auto escalations = value.find("sla_escalations"); escalations != value.end()) {
        if (!escalations->is_object())
            return Error{path + ".sla_escalations: expected an object of policy -> user ids"};
        for (const auto& [policy, users] : escalations->items()) {
            const std::string at_policy = path + ".sla_escalations." + policy;
            if (!users.is_array()) return Error{at_policy + ": expected a list of user ids"};
            for (const auto& user : users) {
                if (!user.is_string()) return Error{at_policy + ": expected user ids as text"};
                record.sla_escalations[policy].push_back(user.get<std::string>());
            }
        }
    }
    if (const auto pauses = value.find("sla_pauses"); pauses != value.end()) {
        if (!pauses->is_object())
            return Error{path + ".sla_pauses: expected an object of policy -> pauses"};
        for (const auto& [policy, spans] : pauses->items()) {
            const std::string at_policy = path + ".sla_pauses." + policy;
            if (!spans.is_array()) return Error{at_policy + ": expected a list of pauses"};
            for (std::size_t i = 0; i < spans.size(); ++i) {
                const std::string at_span = at(at_policy, i);
                if (!spans[i].is_object())
                    return Error{at_span + ": expected {\"from\": TIME, \"to\": TIME}, got " +
                                 got(spans[i])};
                if (auto s = check_known_keys(spans[i], at_span, {"from", "to"}); !s) return s;
                if (!spans[i].contains("from"))
                    return Error{at_span + ".from: expected a time as YYYY-MM-DDTHH:MM:SSZ"};
                PauseSpan span;
                auto from = read_instant(spans[i], at_span, "from", Instant{});
                if (!from) return Error{from.error()};
                span.from = *from;
                if (spans[i].contains("to")) {
                    auto to = read_instant(spans[i], at_span, "to", Instant{});
                    if (!to) return Error{to.error()};
                    if (*to < span.from) return Error{at_span + ".to: ends before it starts"};
                    span.to = *to;
                }
                // Kept in order, not overlapping, only the last one open (what the engine
                // writes); pauses that cross are clamped, not refused, so saved work opens.
                auto& kept = record.sla_pauses[policy];
                if (!kept.empty()) {
                    PauseSpan& last = kept.back();
                    if (!last.to) last.to = std::max(last.from, span.from);
                    span.from = std::max(span.from, *last.to);
                    if (span.to) span.to = std::max(*span.to, span.from);
                }
                kept.push_back(span);
            }
        }
    }
    if (const auto failures = value.find("automation_failures"); failures != value.end()) {
        if (!failures->is_object())
            return Error{path +
                         ".automation_failures: expected an object of automation -> failure"};
        for (const auto& [automation, failure] : failures->items()) {
            const std::string at_failure = path + ".automation_failures." + automation;
            if (!failure.is_object())
                return Error{at_failure + ": expected {\"reason\": TEXT, \"at\": TIME}, got " +
                             got(failure)};
            if (auto reason = require_string(failure, at_failure, "reason"); !reason)
                return Error{reason.error()};
            if (auto s =
                    check_known_keys(failure, at_failure, {"reason", "at", "step", "occasion"});
                !s)
                return s;
            auto when = read_instant(failure, at_failure, "at", Instant{});
            if (!when) return Error{when.error()};
            AutomationFailure kept{failure["reason"].get<std::string>(), *when};
            if (const auto step = failure.find("step"); step != failure.end()) {
                if (!step->is_number_unsigned() || *step > 1000)
                    return Error{at_failure + ".step: expected an action's number, got " +
                                 got(*step)};
                kept.step = step->get<std::size_t>();
            }
            if (const auto occasion = failure.find("occasion"); occasion != failure.end()) {
                if (!occasion->is_string())
                    return Error{at_failure + ".occasion: expected a string, got " +
                                 got(*occasion)};
                kept.occasion = occasion->get<std::string>();
            }
            record.automation_failures[automation] = std::move(kept);
        }
    }
    if (const auto occasions = value.find("rule_occasions"); occasions != value.end()) {
        if (!occasions->is_object())
            return Error{path + ".rule_occasions: expected an object of rule -> occasions"};
        for (const auto& [rule, list] : occasions->items()) {
            if (!list.is_array())
                return Error{path + ".rule_occasions." + rule + ": expected a list of occasions"};
            for (const auto& occasion : list) {
                if (!occasion.is_string())
                    return Error{path + ".rule_occasions." + rule +
                                 ": expected a list of occasions, got " + got(occasion)};
                record.rule_occasions[rule].insert(occasion.get<std::string>());
            }
        }
    }
    return read_data_problems(value, path, record);
}

Result<const RecordTypeDef*> record_type_of(const std::string& id, const std::string& type_id,
                                            const Workspace& ws, const std::string& path) {
    const RecordTypeDef* type = ws.schema.type(type_id);
    if (!type) return Error{path + ".type: there is no record type \"" + type_id + "\""};
    if (!is_record_id_of(id, type_id))
        return Error{path + ".id: \"" + id + "\" should be \"" + type_id +
                     "-\" followed by a number (at most 15 digits), or by a device tag, \"-\" "
                     "and a number"};
    return type;
}

Status check_owner(const Record& record, const Workspace& ws, const std::string& path) {
    if (!record.owner.empty() && !ws.directory.user(record.owner))
        return Error{path + ".owner: there is no user \"" + record.owner + "\""};
    return Status::success();
}

Status normalize_record_fields(Record& record, const RecordTypeDef& type, const std::string& path) {
    if (!record.fields.is_object())
        return Error{path + ".fields: expected an object, got " + json_type_name(record.fields)};
    for (auto item = record.fields.begin(); item != record.fields.end();) {
        const std::string& field_id = item.key();
        const FieldDef* field = type.field(field_id);
        if (!field)
            return Error{path + ".fields." + field_id + ": " + type.label + " has no field \"" +
                         field_id + "\""};
        if (auto status = normalize_field_value_in_place(*field, *item); !status)
            return Error{path + ".fields." + field_id + ": " + status.error()};
        item = item->is_null() ? record.fields.erase(item) : std::next(item);
    }
    return Status::success();
}

// Active states must fit today's definitions; ended ones are history and
// stay valid after the process they ran in has changed.
Status check_flow_state(const std::string& flow_id, const FlowState& state, const Record& record,
                        const Workspace& ws, const std::string& state_path) {
    if (!state.active()) return Status::success();
    const Flow* flow = ws.flow(flow_id);
    if (!flow) return Error{state_path + ": there is no flow \"" + flow_id + "\""};
    if (flow->record_type != record.type)
        return Error{state_path + ": " + flow->name + " runs on " + flow->record_type +
                     " records, not " + record.type};
    if (!flow->stage(state.stage))
        return Error{state_path + ".stage: " + flow->name + " has no stage \"" + state.stage +
                     "\""};
    return Status::success();
}

Status check_required_fields(const Record& record, const RecordTypeDef& type,
                             const std::string& path) {
    for (const auto& field : type.fields)
        if (field.required && !record.fields.contains(field.id))
            return Error{path + ".fields." + field.id + ": " + field.label + " is required"};
    return Status::success();
}

void write_engine_state(const Record& record, json& item) {
    if (!record.sla_alerts.empty()) item["sla_alerts"] = record.sla_alerts;
    if (!record.sla_escalations.empty()) item["sla_escalations"] = record.sla_escalations;
    if (!record.sla_pauses.empty()) {
        json pauses = json::object();
        for (const auto& [policy, spans] : record.sla_pauses) {
            json list = json::array();
            for (const auto& span : spans) {
                json entry = {{"from", format_instant(span.from)}};
                if (span.to) entry["to"] = format_instant(*span.to);
                list.push_back(std::move(entry));
            }
            pauses[policy] = std::move(list);
        }
        item["sla_pauses"] = std::move(pauses);
    }
    if (!record.automation_failures.empty()) {
        json failures = json::object();
        for (const auto& [automation, failure] : record.automation_failures) {
            json kept = {{"reason", failure.reason}, {"at", format_instant(failure.at)}};
            if (failure.step) kept["step"] = failure.step;
            if (!failure.occasion.empty()) kept["occasion"] = failure.occasion;
            failures[automation] = std::move(kept);
        }
        item["automation_failures"] = std::move(failures);
    }
    if (!record.rule_occasions.empty()) item["rule_occasions"] = record.rule_occasions;
    if (!record.data_problems.empty()) {
        json problems = json::array();
        for (const auto& problem : record.data_problems)
            problems.push_back(
                {{"note", problem.note}, {"by", problem.by}, {"at", format_instant(problem.at)}});
        item["data_problems"] = std::move(problems);
    }
}

Result<Record> read_record(json& value, const Workspace& ws, const std::string& path,
                           Instant imported_at) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto s = check_known_keys(value, path,
                                  {"id", "type", "owner", "fields", "created_at", "created_by",
                                   "updated_at", "updated_by", "flows", "sla_alerts",
                                   "sla_escalations", "sla_pauses", "automation_failures",
                                   "data_problems", "rule_occasions", "version"});
        !s)
        return Error{s.error()};
    Record record;
    if (const auto version = value.find("version"); version != value.end()) {
        if (!version->is_number_unsigned() || *version == 0)
            return Error{path + ".version: expected a positive whole number, got " + got(*version)};
        record.version = version->get<std::uint64_t>();
    }
    auto id = require_string(value, path, "id");
    if (!id) return Error{id.error()};
    auto type_id = require_string(value, path, "type");
    if (!type_id) return Error{type_id.error()};
    auto type = record_type_of(*id, *type_id, ws, path);
    if (!type) return Error{type.error()};
    record.id = *id;
    record.type = *type_id;
    if (value.contains("owner")) {
        if (!value["owner"].is_string())
            return Error{path + ".owner: expected a user id, got " + got(value["owner"])};
        record.owner = value["owner"].get<std::string>();
        if (auto status = check_owner(record, ws, path); !status) return Error{status.error()};
    }
    for (const char* key : {"created_by", "updated_by"})
        if (value.contains(key) && !value[key].is_string())
            return Error{path + "." + key + ": expected a user id, got " + got(value[key])};
    record.created_by = value.value("created_by", "");
    record.updated_by = value.value("updated_by", record.created_by);
    auto created = read_instant(value, path, "created_at", imported_at);
    if (!created) return Error{created.error()};
    auto updated = read_instant(value, path, "updated_at", *created);
    if (!updated) return Error{updated.error()};
    record.created_at = *created;
    record.updated_at = *updated;
    const auto fields = value.find("fields");
    if (fields != value.end()) {
        // Taken over whole and normalised in place: no tree built a second time.
        record.fields = std::move(*fields);
        if (auto status = normalize_record_fields(record, **type, path); !status)
            return Error{status.error()};
    }
    if (const auto flows = value.find("flows"); flows != value.end()) {
        if (!flows->is_object())
            return Error{path + ".flows: expected an object of flow id -> state"};
        for (const auto& [flow_id, state_json] : flows->items()) {
            const std::string state_path = path + ".flows." + flow_id;
            auto state = flow_state_from_json(state_json, state_path);
            if (!state) return Error{state.error()};
            if (auto status = check_flow_state(flow_id, *state, record, ws, state_path); !status)
                return Error{status.error()};
            record.flows[flow_id] = std::move(*state);
        }
    }
    if (auto status = read_engine_state(value, path, record); !status) return Error{status.error()};
    if (auto status = check_required_fields(record, **type, path); !status)
        return Error{status.error()};
    return record;
}

namespace {

// What is wrong with the record's references, if anything, said from the
// record (".fields.company: there is no record ..."): the caller adds where
// the record is, as opening checks 100k records that are fine.
std::optional<std::string> reference_problem(const Record& record, const Workspace& ws) {
    const RecordTypeDef* type = ws.schema.type(record.type);
    for (const auto& [field_id, field_value] : record.fields.items()) {
        const FieldDef* field = type->field(field_id);
        if (field->type != FieldType::RecordRef && field->type != FieldType::UserRef) continue;
        const std::string& named = field_value.get_ref<const std::string&>();
        if (field->type == FieldType::UserRef) {
            if (!ws.directory.user(named))
                return ".fields." + field_id + ": there is no user \"" + named + "\"";
            continue;
        }
        const Record* target = ws.find(named);
        if (!target) return ".fields." + field_id + ": there is no record \"" + named + "\"";
        if (!field->target_type.empty() && target->type != field->target_type)
            return ".fields." + field_id + ": " + target->id + " is a " + target->type +
                   ", expected a " + field->target_type;
    }
    return std::nullopt;
}

Status check_record_refs(const Record& record, const Workspace& ws, const std::string& path) {
    if (auto problem = reference_problem(record, ws)) return Error{path + *problem};
    return Status::success();
}

Error duplicate_id(const std::string& path, const std::string& id) {
    return Error{path + ".id: duplicate record id \"" + id + "\""};
}

Result<const Record*> add_record(json& value, std::size_t index, Workspace& ws,
                                 Instant imported_at) {
    const std::string path = at("$.records", index);
    auto record = read_record(value, ws, path, imported_at);
    if (!record) {
        // A record whose id is taken is above all a duplicate, whatever else
        // is wrong with it. Looked up only now: 100k look-ups cost 40 ms.
        const auto id = value.find("id");
        if (id != value.end() && id->is_string() && ws.find(id->get_ref<const std::string&>()))
            return duplicate_id(path, id->get_ref<const std::string&>());
        return Error{record.error()};
    }
    if (const Record* added = ws.add(std::move(*record))) return added;
    return duplicate_id(path, record->id);
}

// References are checked once every record is known (they may point forward).
Status check_references(const std::vector<const Record*>& records, const Workspace& ws) {
    for (std::size_t i = 0; i < records.size(); ++i)
        if (auto problem = reference_problem(*records[i], ws))
            return Error{at("$.records", i) + *problem};
    return Status::success();
}

Status read_records(const json& records, Workspace& ws, Instant imported_at) {
    if (!records.is_array())
        return Error{"$.records: expected an array, got " + json_type_name(records)};
    std::vector<const Record*> read;
    for (std::size_t i = 0; i < records.size(); ++i) {
        json record = records[i];
        auto added = add_record(record, i, ws, imported_at);
        if (!added) return Error{added.error()};
        read.push_back(*added);
    }
    return check_references(read, ws);
}

Result<std::string> optional_string(const json& value, const std::string& path, const char* key) {
    const auto it = value.find(key);
    if (it == value.end()) return std::string();
    if (!it->is_string()) return Error{path + "." + key + ": expected a string, got " + got(*it)};
    return it->get<std::string>();
}

Result<std::set<std::string>> string_set(const json& value, const std::string& path,
                                         const char* key) {
    std::set<std::string> items;
    const auto it = value.find(key);
    if (it == value.end()) return items;
    if (!it->is_array()) return Error{path + "." + key + ": expected a list of strings"};
    for (const auto& item : *it) {
        if (!item.is_string())
            return Error{path + "." + key + ": expected a list of strings, got " + got(item)};
        items.insert(item.get<std::string>());
    }
    return items;
}

Status read_view_stage(const json& value, const std::string& path, StageFilter& stage) {
    if (!value.is_object())
        return Error{path + ": expected {\"flow\", \"stages\"}, got " + got(value)};
    if (auto s = check_known_keys(value, path, {"flow", "stages"}); !s) return s;
    auto flow = require_string(value, path, "flow");
    if (!flow) return Error{flow.error()};
    auto stages = string_set(value, path, "stages");
    if (!stages) return Error{stages.error()};
    stage.flow = *flow;
    stage.stages = std::move(*stages);
    return Status::success();
}

Status read_view_dates(const json& value, const std::string& path, DateFilter& date) {
    if (!value.is_object())
        return Error{path + ": expected {\"field\", \"from\", \"to\", ...}, got " + got(value)};
    if (auto s = check_known_keys(value, path, {"field", "from_day", "to_day", "from", "to"}); !s)
        return s;
    auto field = require_string(value, path, "field");
    if (!field) return Error{field.error()};
    date.field = *field;
    for (auto [key, day] : {std::pair{"from_day", &date.from_day}, {"to_day", &date.to_day}}) {
        if (!value.contains(key)) continue;
        const json& text = value[key];
        const auto parsed = text.is_string() ? parse_date(text.get<std::string>()) : std::nullopt;
        if (!parsed)
            return Error{path + "." + key + ": expected a date as YYYY-MM-DD, got " + got(text)};
        *day = *parsed;
    }
    for (auto [key, instant] : {std::pair{"from", &date.from}, {"to", &date.to}}) {
        if (!value.contains(key)) continue;
        auto parsed = read_instant(value, path, key, Instant{});
        if (!parsed) return Error{parsed.error()};
        *instant = *parsed;
    }
    return Status::success();
}

Status read_views(const json& views, Workspace& ws) {
    if (!views.is_array()) return Error{"$.views: expected an array, got " + json_type_name(views)};
    for (std::size_t i = 0; i < views.size(); ++i) {
        auto view = view_from_json(views[i], at("$.views", i));
        if (!view) return Error{view.error()};
        if (!ws.schema.type(view->type))
            return Error{at("$.views", i) + ".type: there is no record type \"" + view->type +
                         "\""};
        if (find_view(ws.views, view->owner, view->name))
            return Error{at("$.views", i) + ".name: " + view->owner + " already has a view \"" +
                         view->name + "\""};
        ws.views.push_back(std::move(*view));
    }
    return Status::success();
}

} // namespace

json view_to_json(const SavedView& view) {
    json item = {{"name", view.name}, {"owner", view.owner}, {"type", view.type}};
    if (!view.search.empty()) item["search"] = view.search;
    if (!view.sort_by.empty()) item["sort_by"] = view.sort_by;
    if (!view.ascending) item["ascending"] = false;
    const ListFilter& filter = view.filter;
    if (!filter.owners.empty()) item["owners"] = filter.owners;
    if (!filter.stage.flow.empty())
        item["stage"] = {{"flow", filter.stage.flow}, {"stages", filter.stage.stages}};
    if (!filter.date.field.empty()) {
        json date = {{"field", filter.date.field}};
        if (filter.date.from_day) date["from_day"] = format_date(*filter.date.from_day);
        if (filter.date.to_day) date["to_day"] = format_date(*filter.date.to_day);
        if (filter.date.from) date["from"] = format_instant(*filter.date.from);
        if (filter.date.to) date["to"] = format_instant(*filter.date.to);
        item["date"] = std::move(date);
    }
    return item;
}

Result<SavedView> view_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto s = check_known_keys(
            value, path,
            {"name", "owner", "type", "search", "sort_by", "ascending", "owners", "stage", "date"});
        !s)
        return Error{s.error()};
    SavedView view;
    for (auto [key, text] :
         {std::pair{"name", &view.name}, {"owner", &view.owner}, {"type", &view.type}}) {
        auto read = require_string(value, path, key);
        if (!read) return Error{read.error()};
        *text = *read;
    }
    if (view.name.empty()) return Error{path + ".name: a view needs a name"};
    for (auto [key, text] : {std::pair{"search", &view.search}, {"sort_by", &view.sort_by}}) {
        auto read = optional_string(value, path, key);
        if (!read) return Error{read.error()};
        *text = *read;
    }
    if (const auto it = value.find("ascending"); it != value.end()) {
        if (!it->is_boolean())
            return Error{path + ".ascending: expected true or false, got " + got(*it)};
        view.ascending = it->get<bool>();
    }
    auto owners = string_set(value, path, "owners");
    if (!owners) return Error{owners.error()};
    view.filter.owners = std::move(*owners);
    if (const auto it = value.find("stage"); it != value.end())
        if (auto s = read_view_stage(*it, path + ".stage", view.filter.stage); !s)
            return Error{s.error()};
    if (const auto it = value.find("date"); it != value.end())
        if (auto s = read_view_dates(*it, path + ".date", view.filter.date); !s)
            return Error{s.error()};
    return view;
}

Result<Record> record_from_json(const json& value, const Workspace& workspace,
                                const std::string& path) {
    json copy = value;
    auto record = read_record(copy, workspace, path, {});
    if (!record) return record;
    if (workspace.find(record->id)) return duplicate_id(path, record->id);
    if (auto status = check_record_refs(*record, workspace, path); !status)
        return Error{status.error()};
    return record;
}

json record_to_json(const Record& record) {
    json item = {{"id", record.id}, {"type", record.type}};
    if (!record.owner.empty()) item["owner"] = record.owner;
    item["created_at"] = format_instant(record.created_at);
    if (!record.created_by.empty()) item["created_by"] = record.created_by;
    item["updated_at"] = format_instant(record.updated_at);
    if (!record.updated_by.empty()) item["updated_by"] = record.updated_by;
    item["version"] = record.version;
    write_engine_state(record, item);
    item["fields"] = record.fields;
    if (!record.flows.empty()) {
        json flows = json::object();
        for (const auto& [flow_id, state] : record.flows)
            flows[flow_id] = flow_state_to_json(state);
        item["flows"] = flows;
    }
    return item;
}

json workspace_settings_to_json(const Workspace& ws) {
    json users = json::array();
    for (const auto& user : ws.directory.users())
        users.push_back(user_to_json(user));
    json teams = json::array();
    for (const auto& team : ws.directory.teams())
        teams.push_back(team_to_json(team));
    json custom_types = json::array();
    json custom_fields = json::object();
    for (const auto& type : ws.schema.types()) {
        if (type.custom) {
            custom_types.push_back(record_type_to_json(type));
            continue;
        }
        for (const auto& field : type.fields)
            if (field.custom) custom_fields[type.id].push_back(field_def_to_json(field));
    }
    json views = json::array();
    for (const auto& view : ws.views)
        views.push_back(view_to_json(view));
    json next_ids = json::object();
    for (const auto& [type, number] : ws.next_numbers())
        next_ids[type] = number;
    json out = {{"format", kWorkspaceFormat},
                {"version", kWorkspaceFormatVersion},
                {"name", ws.name},
                {"currency", ws.currency},
                {"teams", std::move(teams)},
                {"users", std::move(users)},
                {"custom_types", std::move(custom_types)},
                {"custom_fields", std::move(custom_fields)},
                {"processes", flows_to_json(ws.flows)},
                {"calendar", ws.calendar},
                {"sla_policies", sla_policies_to_json(ws.sla_policies)},
                {"next_ids", std::move(next_ids)}};
    // Only when there are some: exports from before views and inboxes stay as they were.
    // Only when it is not the default: exports from before it stay as they were.
    if (ws.default_country != "US") out["default_country"] = ws.default_country;
    if (json validation = validation_to_json(ws.schema); !validation.empty())
        out["validation"] = std::move(validation);
    if (!views.empty()) out["views"] = std::move(views);
    if (json automation = automation_to_json(ws.automation); !automation.empty())
        out["automation"] = std::move(automation);
    if (ws.lead_scoring) out["lead_scoring"] = lead_scoring_to_json(*ws.lead_scoring);
    if (ws.notifications.size()) {
        json notifications = json::array();
        for (const auto& user : ws.notifications.users())
            for (const auto& notification : ws.notifications.of(user))
                notifications.push_back(notification_to_json(notification));
        out["notifications"] = std::move(notifications);
    }
    return out;
}

json workspace_to_json(const Workspace& ws) {
    json out = workspace_settings_to_json(ws);
    json records = json::array();
    for (const Record* record : ws.all_records())
        records.push_back(record_to_json(*record));
    out["records"] = std::move(records);
    return out;
}

json notification_to_json(const Notification& n) {
    json out = {{"id", n.id},     {"user", n.user},     {"at", format_instant(n.at)},
                {"kind", n.kind}, {"record", n.record}, {"text", n.text},
                {"by", n.by},     {"read", n.read}};
    if (!n.cause.empty()) out["cause"] = n.cause;
    return out;
}

Result<Notification> notification_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected a notification object, got " + json_type_name(value)};
    if (auto s = check_known_keys(
            value, path, {"id", "user", "at", "kind", "record", "text", "by", "cause", "read"});
        !s)
        return Error{s.error()};
    Notification n;
    for (const auto& [key, target] : {std::pair<const char*, std::string*>{"id", &n.id},
                                      {"user", &n.user},
                                      {"kind", &n.kind},
                                      {"record", &n.record},
                                      {"text", &n.text},
                                      {"by", &n.by}}) {
        auto text = require_string(value, path, key);
        if (!text) return Error{text.error()};
        *target = std::move(*text);
    }
    if (n.id.empty() || n.user.empty())
        return Error{path + ": a notification needs an id and the user it is for"};
    if (!is_notification_kind(n.kind))
        return Error{path +
                     ".kind: expected \"sla_breach\", \"escalation\", "
                     "\"assignment\", \"automation\" or \"mql\", got \"" +
                     n.kind + "\""};
    const auto when = parse_instant(
        value.value("at", json()).is_string() ? value["at"].get<std::string>() : std::string());
    if (!when) return Error{path + ".at: expected a time as YYYY-MM-DDTHH:MM:SSZ"};
    n.at = *when;
    if (const auto cause = value.find("cause"); cause != value.end()) {
        if (!cause->is_string()) return Error{path + ".cause: expected text, got " + got(*cause)};
        n.cause = cause->get<std::string>();
    }
    if (const auto read = value.find("read"); read != value.end()) {
        if (!read->is_boolean())
            return Error{path + ".read: expected true or false, got " + got(*read)};
        n.read = read->get<bool>();
    }
    return n;
}

std::string export_workspace(const Workspace& workspace) {
    return workspace_to_json(workspace).dump(1) + "\n";
}

namespace {

// Each user's inbox, oldest first; the per-user bound applies as they are added.
Status read_notifications(const json& notifications, Workspace& ws) {
    if (!notifications.is_array())
        return Error{"$.notifications: expected an array, got " + json_type_name(notifications)};
    for (std::size_t i = 0; i < notifications.size(); ++i) {
        const std::string path = at("$.notifications", i);
        auto notification = notification_from_json(notifications[i], path);
        if (!notification) return Error{notification.error()};
        if (ws.notifications.find(notification->id))
            return Error{path + ".id: \"" + notification->id + "\" appears twice"};
        ws.notifications.add(std::move(*notification));
    }
    return Status::success();
}

// Rules are checked against the schema, people and flows read before them.
Status read_automation(const json& document, Workspace& ws) {
    const auto section = document.find("automation");
    if (section == document.end()) return Status::success();
    auto automation = automation_from_json(*section, "$.automation");
    if (!automation) return Error{automation.error()};
    const auto problems = validate_rules(ws, automation->rules, false);
    if (!problems.empty()) return Error{"$.automation: " + problems.front()};
    ws.automation = std::move(*automation);
    return Status::success();
}

// The lead scoring model, checked against the schema and people read before it.
Status read_lead_scoring(const json& document, Workspace& ws) {
    const auto section = document.find("lead_scoring");
    if (section == document.end() || section->is_null()) return Status::success();
    auto scoring = lead_scoring_from_json(*section, "$.lead_scoring");
    if (!scoring) return Error{scoring.error()};
    const auto problems =
        validate_lead_scoring(ws.schema, ws.directory, *scoring, "$.lead_scoring");
    if (!problems.empty()) return Error{problems.front()};
    ws.lead_scoring = std::move(*scoring);
    return Status::success();
}

// Everything but the records, which need the people, schema and flows read here.
Status read_settings(const json& document, Workspace& ws) {
    if (!document.is_object())
        return Error{"$: expected a workspace object, got " + json_type_name(document)};
    const auto format = document.find("format");
    if (format == document.end() || *format != kWorkspaceFormat)
        return Error{std::string("$.format: expected \"") + kWorkspaceFormat +
                     "\" (this is not a workspace export)"};
    if (auto s = check_known_keys(document, "$",
                                  {"format", "version", "name", "currency", "default_country",
                                   "teams", "users", "custom_types", "custom_fields", "validation",
                                   "processes", "calendar", "sla_policies", "records", "views",
                                   "next_ids", "notifications", "automation", "lead_scoring"});
        !s)
        return Error{s.error()};
    const auto version = document.find("version");
    if (version == document.end() || !version->is_number_integer())
        return Error{"$.version: expected the format version number, 1 to " +
                     std::to_string(kWorkspaceFormatVersion) + ", got " +
                     (version == document.end() ? std::string("nothing") : got(*version))};
    if (*version < 1 || *version > kWorkspaceFormatVersion)
        return Error{"$.version: version " + version->dump() + " is not supported (expected 1 to " +
                     std::to_string(kWorkspaceFormatVersion) + ")"};
    if (document.contains("name")) {
        if (!document["name"].is_string())
            return Error{"$.name: expected a string, got " + got(document["name"])};
        ws.name = document["name"].get<std::string>();
    }
    if (document.contains("currency")) {
        const auto& currency = document["currency"];
        if (!currency.is_string() || !is_currency_code(currency.get<std::string>()))
            return Error{"$.currency: expected a three-letter currency code in capitals like "
                         "\"USD\", got " +
                         currency.dump()};
        ws.currency = currency.get<std::string>();
    }
    if (const auto country = document.find("default_country"); country != document.end()) {
        if (!country->is_string() || !is_phone_country(country->get<std::string>())) {
            std::string known;
            for (const auto& code : phone_countries())
                known += (known.empty() ? "" : ", ") + code;
            return Error{"$.default_country: expected the two-letter code of a country whose "
                         "phone numbers the workspace knows (" +
                         known + "), got " + got(*country)};
        }
        ws.default_country = country->get<std::string>();
    }
    if (auto s = read_teams(document.value("teams", json::array()), ws); !s)
        return Error{s.error()};
    if (auto s = read_users(document.value("users", json::array()), ws); !s)
        return Error{s.error()};
    if (auto s = check_directory_links(ws); !s) return Error{s.error()};
    if (auto s = read_schema(document, ws); !s) return Error{s.error()};
    if (const auto validation = document.find("validation"); validation != document.end())
        if (auto s = validation_from_json(*validation, ws.schema); !s) return Error{s.error()};
    if (const auto processes = document.find("processes"); processes != document.end()) {
        auto flows = flows_from_json(*processes, "$.processes");
        if (!flows) return Error{flows.error()};
        const auto problems = validate_flows(ws.schema, *flows);
        if (!problems.empty()) return Error{"$.processes: " + problems.front()};
        ws.flows = std::move(*flows);
    }
    if (const auto calendar = document.find("calendar");
        calendar != document.end() && !calendar->is_null()) {
        if (auto parsed = calendar_from_json(*calendar); !parsed)
            return Error{"$." + parsed.error()};
        ws.calendar = *calendar;
    }
    if (const auto policies = document.find("sla_policies"); policies != document.end()) {
        auto parsed = sla_policies_from_json(*policies, "$.sla_policies");
        if (!parsed) return Error{parsed.error()};
        ws.sla_policies = std::move(*parsed);
        const auto problems = validate_sla_policies(ws);
        if (!problems.empty()) return Error{"$.sla_policies: " + problems.front()};
    }
    if (auto s = read_automation(document, ws); !s) return Error{s.error()};
    if (auto s = read_lead_scoring(document, ws); !s) return Error{s.error()};
    if (auto s = read_views(document.value("views", json::array()), ws); !s)
        return Error{s.error()};
    if (const auto it = document.find("next_ids"); it != document.end()) {
        if (!it->is_object()) return Error{"$.next_ids: expected an object of type -> number"};
        for (const auto& [type, number] : it->items()) {
            if (!ws.schema.type(type))
                return Error{"$.next_ids." + type + ": there is no record type \"" + type + "\""};
            if (!number.is_number_integer() || number.get<long long>() < 1 ||
                number.get<long long>() >= kMaxRecordNumber)
                return Error{"$.next_ids." + type +
                             ": expected a positive whole number below 2^53, got " + got(number)};
            ws.set_next_number(type, number.get<long long>());
        }
    }
    if (auto s = read_notifications(document.value("notifications", json::array()), ws); !s)
        return Error{s.error()};
    return Status::success();
}

Result<Workspace> read_workspace(const json& document, Instant imported_at) {
    Workspace ws;
    if (auto s = read_settings(document, ws); !s) return Error{s.error()};
    if (auto s = read_records(document.value("records", json::array()), ws, imported_at); !s)
        return Error{s.error()};
    return ws;
}

} // namespace

WorkspaceReader::WorkspaceReader(Instant imported_at, RecordChecks checks)
    : m_imported_at(imported_at), m_checks(checks) {}

Status WorkspaceReader::read_settings(const json& document) {
    try {
        if (document.contains("records"))
            return Error{"$.records: expected the records one by one, after the rest"};
        return crm::read_settings(document, m_workspace);
    } catch (const json::exception& error) {
        return Error{std::string("$: unexpected content (") + error.what() + ")"};
    }
}

Status WorkspaceReader::read_record(json&& value) {
    try {
        auto added = add_record(value, m_read.size(), m_workspace, m_imported_at);
        if (!added) return Error{added.error()};
        m_read.push_back(*added);
        return Status::success();
    } catch (const json::exception& error) {
        return Error{at("$.records", m_read.size()) + ": unexpected content (" + error.what() +
                     ")"};
    }
}

Status WorkspaceReader::read_record_frames(std::string_view frames, const FrameError& frame_error) {
    for (std::size_t at = 0, index = 0; at < frames.size(); ++index) {
        auto frame = frame_bytes(frames, at);
        if (frame) {
            if (auto record = read_record_frame(*frame, m_workspace, m_imported_at, m_checks)) {
                // A taken id is left to read_record(), which reports the duplicate.
                if (const Record* added = m_workspace.add(std::move(*record))) {
                    m_read.push_back(added);
                    continue;
                }
            }
        }
        auto value = frame ? decode_frame(*frame) : Result<json>(Error{frame.error()});
        if (!value) return Error{frame_error(index, value.error())};
        if (auto status = read_record(std::move(*value)); !status) return status;
    }
    return Status::success();
}

void WorkspaceReader::expect_records(std::size_t count) {
    m_workspace.reserve(count);
    m_read.reserve(count);
}

Result<Workspace> WorkspaceReader::finish() {
    if (m_checks == RecordChecks::All)
        if (auto status = check_references(m_read, m_workspace); !status)
            return Error{status.error()};
    m_read.clear();
    return std::move(m_workspace);
}

Result<Workspace> workspace_from_json(const json& document, Instant imported_at) {
    try {
        return read_workspace(document, imported_at);
    } catch (const json::exception& error) {
        // The checks above should leave nothing to throw; never crash on input.
        return Error{std::string("$: unexpected content (") + error.what() + ")"};
    }
}

// The records wait as MessagePack frames while the parser reads on: exports
// list "records" before "users" (keys in alphabetical order), and a record is
// checked against the people, schema and flows.
Result<Workspace> import_workspace(std::string_view text, Instant imported_at) {
    std::string records;
    std::size_t count = 0;
    const StreamedArray streamed{"records", [&](json&& record) {
                                     append_frame(records, record);
                                     ++count;
                                 }};
    auto document = parse_json_text(text, kMaxJsonDepth, streamed);
    if (!document) return Error{document.error()};
    if (document->is_object()) {
        if (const auto listed = document->find("records"); listed != document->end()) {
            if (!listed->is_array())
                return Error{"$.records: expected an array, got " + json_type_name(*listed)};
            document->erase(listed);
        }
    }
    WorkspaceReader reader(imported_at);
    if (auto status = reader.read_settings(*document); !status) return Error{status.error()};
    reader.expect_records(count);
    const auto frame_error = [](std::size_t index, const std::string& problem) {
        return at("$.records", index) + ": " + problem;
    };
    if (auto status = reader.read_record_frames(records, frame_error); !status)
        return Error{status.error()};
    return reader.finish();
}

} // namespace crm

namespace crm {

namespace {

std::string shifted_text(const std::string& text, std::int64_t days) {
    if (text.size() == 10) {
        if (const auto date = parse_date(text))
            return format_date(civil_from_days(days_from_civil(*date) + days));
    } else if (const auto instant = parse_instant(text)) {
        return format_instant(Instant{instant->seconds + days * 86400});
    }
    return text;
}

} // namespace

Instant latest_activity(const Workspace& workspace) {
    Instant latest;
    for (const Record* record : workspace.all_records())
        latest = std::max(latest, record->created_at);
    return latest;
}

void shift_record_times(Workspace& workspace, std::int64_t days) {
    if (days == 0) return;
    const std::int64_t seconds = days * 86400;
    for (const Record* listed : workspace.all_records()) {
        Record& record = *workspace.edit(listed->id);
        record.created_at.seconds += seconds;
        record.updated_at.seconds += seconds;
        const RecordTypeDef* type = workspace.schema.type(record.type);
        for (auto& [field_id, value] : record.fields.items()) {
            const FieldDef* field = type ? type->field(field_id) : nullptr;
            if (field && (field->type == FieldType::Date || field->type == FieldType::DateTime) &&
                value.is_string())
                value = shifted_text(value.get<std::string>(), days);
        }
        for (auto& [flow_id, state] : record.flows) {
            for (Instant* instant : {&state.started_at, &state.entered_at, &state.ended_at})
                if (instant->seconds != 0) instant->seconds += seconds;
            for (auto& entry : state.history)
                entry.at.seconds += seconds;
            if (state.blocked) state.blocked->at.seconds += seconds;
        }
        for (auto& [policy, due] : record.sla_alerts)
            due = shifted_text(due, days);
        for (auto& [policy, spans] : record.sla_pauses)
            for (auto& span : spans) {
                span.from.seconds += seconds;
                if (span.to) span.to->seconds += seconds;
            }
        for (auto& [automation, failure] : record.automation_failures)
            failure.at.seconds += seconds;
        for (auto& problem : record.data_problems)
            problem.at.seconds += seconds;
    }
}

} // namespace crm
