#include "process/flow_json.hpp"

#include "io/schema_json.hpp"

#include <algorithm>

namespace crm {

using nlohmann::json;

namespace {

std::string at(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

Result<std::vector<std::string>> string_list(const json& object, const std::string& path,
                                             const char* key) {
    std::vector<std::string> items;
    const auto it = object.find(key);
    if (it == object.end()) return items;
    if (!it->is_array()) return Error{path + "." + key + ": expected an array of ids"};
    for (std::size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string() || (*it)[i].get_ref<const std::string&>().empty())
            return Error{at(path + "." + key, i) + ": expected a non-empty string"};
        items.push_back((*it)[i].get<std::string>());
    }
    return items;
}

Result<std::string> optional_string(const json& object, const std::string& path, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::string();
    if (!it->is_string())
        return Error{path + "." + key + ": expected a string, got " + json_type_name(*it)};
    return it->get<std::string>();
}

Result<bool> optional_bool(const json& object, const std::string& path, const char* key,
                           bool fallback) {
    const auto it = object.find(key);
    if (it == object.end()) return fallback;
    if (!it->is_boolean())
        return Error{path + "." + key + ": expected true or false, got " + json_type_name(*it)};
    return it->get<bool>();
}

// Whole days from 1 to 3650 (ten years), or nothing when the key is absent.
Result<std::optional<int>> optional_days(const json& object, const std::string& path,
                                         const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::optional<int>();
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 3650)
        return Error{path + "." + key + ": expected a whole number of days from 1 to 3650, got " +
                     got(*it)};
    return std::optional<int>(static_cast<int>(it->get<std::int64_t>()));
}

json gate_fields_to_json(const Gate& gate, json out) {
    if (!gate.entry.is_null()) out["entry"] = gate.entry;
    if (!gate.required.empty()) out["required"] = gate.required;
    out["gate"] = gate.mode == GateMode::Block ? "block" : "warn";
    return out;
}

Status read_gate(const json& value, const std::string& path, Gate& gate) {
    if (value.contains("entry")) gate.entry = value["entry"];
    auto required = string_list(value, path, "required");
    if (!required) return Error{required.error()};
    gate.required = *required;
    auto mode = optional_string(value, path, "gate");
    if (!mode) return Error{mode.error()};
    if (mode->empty() || *mode == "block")
        gate.mode = GateMode::Block;
    else if (*mode == "warn")
        gate.mode = GateMode::Warn;
    else
        return Error{path + ".gate: expected \"block\" or \"warn\", got \"" + *mode + "\""};
    return Status::success();
}

Result<Stage> stage_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected a stage object, got " + json_type_name(value)};
    if (auto s = check_known_keys(value, path,
                                  {"id", "name", "entry", "required", "gate", "next_action", "sla",
                                   "next", "stale_after_days"});
        !s)
        return Error{s.error()};
    Stage stage;
    auto id = require_identifier(value, path, "id");
    if (!id) return Error{id.error()};
    auto name = require_string(value, path, "name");
    if (!name) return Error{name.error()};
    stage.id = *id;
    stage.name = *name;
    if (auto s = read_gate(value, path, stage.gate); !s) return Error{s.error()};
    if (const auto it = value.find("next_action"); it != value.end()) {
        const std::string action_path = path + ".next_action";
        if (it->is_string()) {
            stage.next_action.text = it->get<std::string>();
        } else if (it->is_object()) {
            if (auto s = check_known_keys(*it, action_path, {"text", "task"}); !s)
                return Error{s.error()};
            auto text = require_string(*it, action_path, "text");
            if (!text) return Error{text.error()};
            stage.next_action.text = *text;
            if (const auto task = it->find("task"); task != it->end()) {
                const std::string task_path = action_path + ".task";
                if (!task->is_object()) return Error{task_path + ": expected an object"};
                if (auto s = check_known_keys(*task, task_path, {"title", "due_in"}); !s)
                    return Error{s.error()};
                auto title = require_string(*task, task_path, "title");
                if (!title) return Error{title.error()};
                auto due = optional_string(*task, task_path, "due_in");
                if (!due) return Error{due.error()};
                stage.next_action.task = TaskTemplate{*title, *due};
            }
        } else {
            return Error{action_path + ": expected text or {\"text\", \"task\"}"};
        }
    }
    auto sla = optional_string(value, path, "sla");
    if (!sla) return Error{sla.error()};
    stage.sla = *sla;
    auto next = string_list(value, path, "next");
    if (!next) return Error{next.error()};
    stage.next = *next;
    auto stale = optional_days(value, path, "stale_after_days");
    if (!stale) return Error{stale.error()};
    stage.stale_after_days = *stale;
    return stage;
}

} // namespace

json flow_to_json(const Flow& flow) {
    json stages = json::array();
    for (const auto& stage : flow.stages) {
        json item = gate_fields_to_json(stage.gate, {{"id", stage.id}, {"name", stage.name}});
        if (!stage.next_action.text.empty()) {
            json action = {{"text", stage.next_action.text}};
            if (stage.next_action.task)
                action["task"] = {{"title", stage.next_action.task->title},
                                  {"due_in", stage.next_action.task->due_in}};
            item["next_action"] = action;
        }
        if (!stage.sla.empty()) item["sla"] = stage.sla;
        if (!stage.next.empty()) item["next"] = stage.next;
        if (stage.stale_after_days) item["stale_after_days"] = *stage.stale_after_days;
        stages.push_back(std::move(item));
    }
    json outcomes = json::array();
    for (const auto& outcome : flow.outcomes) {
        json item = gate_fields_to_json(
            outcome.gate, {{"id", outcome.id}, {"name", outcome.name}, {"kind", outcome.kind}});
        if (outcome.reason_required) item["reason_required"] = true;
        if (!outcome.from.empty()) item["from"] = outcome.from;
        outcomes.push_back(std::move(item));
    }
    json exits = json::array();
    for (const auto& exit : flow.exits) {
        json item = {{"id", exit.id}, {"name", exit.name}, {"kind", exit.kind}};
        if (!exit.suggest_when.is_null()) item["suggest_when"] = exit.suggest_when;
        exits.push_back(std::move(item));
    }
    json start = {{"when", flow.start.when}};
    if (!flow.start.on.empty()) start["on"] = flow.start.on;
    if (!flow.start.link_field.empty()) start["link_field"] = flow.start.link_field;
    if (!flow.start.copy.empty()) start["copy"] = flow.start.copy;
    json out = {{"id", flow.id}, {"name", flow.name}, {"record_type", flow.record_type}};
    if (!flow.description.empty()) out["description"] = flow.description;
    out["start"] = start;
    if (!flow.stage_field.empty()) out["stage_field"] = flow.stage_field;
    out["allow_backward"] = flow.allow_backward;
    out["allow_skip"] = flow.allow_skip;
    if (flow.stale_after_days) out["stale_after_days"] = *flow.stale_after_days;
    out["stages"] = stages;
    out["outcomes"] = outcomes;
    out["exits"] = exits;
    return out;
}

Result<Flow> flow_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected a flow object, got " + json_type_name(value)};
    if (auto s = check_known_keys(value, path,
                                  {"id", "name", "record_type", "description", "start",
                                   "stage_field", "allow_backward", "allow_skip",
                                   "stale_after_days", "stages", "outcomes", "exits"});
        !s)
        return Error{s.error()};
    Flow flow;
    auto id = require_identifier(value, path, "id");
    if (!id) return Error{id.error()};
    auto name = require_string(value, path, "name");
    if (!name) return Error{name.error()};
    auto type = require_string(value, path, "record_type");
    if (!type) return Error{type.error()};
    flow.id = *id;
    flow.name = *name;
    flow.record_type = *type;
    auto description = optional_string(value, path, "description");
    if (!description) return Error{description.error()};
    flow.description = *description;
    auto stage_field = optional_string(value, path, "stage_field");
    if (!stage_field) return Error{stage_field.error()};
    flow.stage_field = *stage_field;
    auto backward = optional_bool(value, path, "allow_backward", true);
    if (!backward) return Error{backward.error()};
    flow.allow_backward = *backward;
    auto skip = optional_bool(value, path, "allow_skip", false);
    if (!skip) return Error{skip.error()};
    flow.allow_skip = *skip;
    auto stale = optional_days(value, path, "stale_after_days");
    if (!stale) return Error{stale.error()};
    flow.stale_after_days = *stale;

    const auto start = value.find("start");
    if (start == value.end()) return Error{path + ": missing required field \"start\""};
    const std::string start_path = path + ".start";
    if (!start->is_object()) return Error{start_path + ": expected an object with \"when\""};
    if (auto s = check_known_keys(*start, start_path, {"on", "when", "link_field", "copy"}); !s)
        return Error{s.error()};
    if (!start->contains("when")) return Error{start_path + ": missing required field \"when\""};
    flow.start.when = (*start)["when"];
    auto on = optional_string(*start, start_path, "on");
    if (!on) return Error{on.error()};
    flow.start.on = *on;
    auto link = optional_string(*start, start_path, "link_field");
    if (!link) return Error{link.error()};
    flow.start.link_field = *link;
    if (const auto copy = start->find("copy"); copy != start->end()) {
        if (!copy->is_object())
            return Error{start_path + ".copy: expected an object of field -> field"};
        for (const auto& [target, source] : copy->items()) {
            if (!source.is_string())
                return Error{start_path + ".copy." + target + ": expected a field id"};
            flow.start.copy[target] = source.get<std::string>();
        }
    }

    const auto stages = value.find("stages");
    if (stages == value.end() || !stages->is_array())
        return Error{path + ".stages: expected an array of stages"};
    for (std::size_t i = 0; i < stages->size(); ++i) {
        auto stage = stage_from_json((*stages)[i], at(path + ".stages", i));
        if (!stage) return Error{stage.error()};
        flow.stages.push_back(*stage);
    }
    const auto outcomes = value.find("outcomes");
    if (outcomes != value.end()) {
        if (!outcomes->is_array()) return Error{path + ".outcomes: expected an array of outcomes"};
        for (std::size_t i = 0; i < outcomes->size(); ++i) {
            const json& item = (*outcomes)[i];
            const std::string item_path = at(path + ".outcomes", i);
            if (!item.is_object()) return Error{item_path + ": expected an outcome object"};
            if (auto s = check_known_keys(
                    item, item_path,
                    {"id", "name", "kind", "reason_required", "entry", "required", "gate", "from"});
                !s)
                return Error{s.error()};
            FlowOutcome outcome;
            auto outcome_id = require_identifier(item, item_path, "id");
            if (!outcome_id) return Error{outcome_id.error()};
            auto outcome_name = require_string(item, item_path, "name");
            if (!outcome_name) return Error{outcome_name.error()};
            auto kind = require_string(item, item_path, "kind");
            if (!kind) return Error{kind.error()};
            auto reason = optional_bool(item, item_path, "reason_required", false);
            if (!reason) return Error{reason.error()};
            outcome.id = *outcome_id;
            outcome.name = *outcome_name;
            outcome.kind = *kind;
            outcome.reason_required = *reason;
            if (auto s = read_gate(item, item_path, outcome.gate); !s) return Error{s.error()};
            auto from = string_list(item, item_path, "from");
            if (!from) return Error{from.error()};
            outcome.from = *from;
            flow.outcomes.push_back(outcome);
        }
    }
    if (const auto exits = value.find("exits"); exits != value.end()) {
        if (!exits->is_array()) return Error{path + ".exits: expected an array of exits"};
        for (std::size_t i = 0; i < exits->size(); ++i) {
            const json& item = (*exits)[i];
            const std::string item_path = at(path + ".exits", i);
            if (!item.is_object()) return Error{item_path + ": expected an exit object"};
            if (auto s = check_known_keys(item, item_path, {"id", "name", "kind", "suggest_when"});
                !s)
                return Error{s.error()};
            FlowExit exit;
            auto exit_id = require_identifier(item, item_path, "id");
            if (!exit_id) return Error{exit_id.error()};
            auto exit_name = require_string(item, item_path, "name");
            if (!exit_name) return Error{exit_name.error()};
            auto kind = require_string(item, item_path, "kind");
            if (!kind) return Error{kind.error()};
            if (*kind != "disqualified" && *kind != "stalled" && *kind != "converted")
                return Error{item_path +
                             ".kind: expected \"disqualified\", \"stalled\" or \"converted\", "
                             "got \"" +
                             *kind + "\""};
            exit.id = *exit_id;
            exit.name = *exit_name;
            exit.kind = *kind;
            if (item.contains("suggest_when")) exit.suggest_when = item["suggest_when"];
            flow.exits.push_back(exit);
        }
    }
    return flow;
}

Result<std::vector<Flow>> flows_from_json(const json& value, const std::string& path) {
    if (!value.is_array())
        return Error{path + ": expected an array of flows, got " + json_type_name(value)};
    std::vector<Flow> flows;
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto flow = flow_from_json(value[i], at(path, i));
        if (!flow) return Error{flow.error()};
        flows.push_back(*flow);
    }
    return flows;
}

json flows_to_json(const std::vector<Flow>& flows) {
    json out = json::array();
    for (const auto& flow : flows)
        out.push_back(flow_to_json(flow));
    return out;
}

Result<std::vector<Flow>> processes_from_document(const json& document) {
    if (!document.is_object())
        return Error{"$: expected a processes object, got " + json_type_name(document)};
    const auto format = document.find("format");
    if (format == document.end() || *format != kProcessesFormat)
        return Error{std::string("$.format: expected \"") + kProcessesFormat +
                     "\" (this is not a process file)"};
    if (auto s = check_known_keys(document, "$", {"format", "version", "flows"}); !s)
        return Error{s.error()};
    const auto version = document.find("version");
    if (version == document.end() || *version != 1)
        return Error{"$.version: expected 1, got " +
                     (version == document.end() ? std::string("nothing") : version->dump())};
    const auto flows = document.find("flows");
    if (flows == document.end()) return Error{"$: missing required field \"flows\""};
    return flows_from_json(*flows, "$.flows");
}

json processes_document(const std::vector<Flow>& flows) {
    return {{"format", kProcessesFormat}, {"version", 1}, {"flows", flows_to_json(flows)}};
}

json stage_entry_to_json(const StageEntry& entry) {
    json out = {{"stage", entry.stage}, {"at", format_instant(entry.at)}, {"by", entry.by}};
    if (!entry.warnings.empty()) out["warnings"] = entry.warnings;
    if (!entry.reason.empty()) out["reason"] = entry.reason;
    if (!entry.mapped_from.empty()) out["mapped_from"] = entry.mapped_from;
    if (entry.joined) out["joined"] = true;
    return out;
}

json stage_history_to_json(const std::vector<StageEntry>& history) {
    json out = json::array();
    for (const auto& entry : history)
        out.push_back(stage_entry_to_json(entry));
    return out;
}

json flow_state_to_json(const FlowState& state) {
    json out = {{"stage", state.stage},
                {"status", state.status},
                {"started_at", format_instant(state.started_at)},
                {"entered_at", format_instant(state.entered_at)}};
    if (!state.active()) {
        out["outcome"] = state.outcome;
        out["ended_at"] = format_instant(state.ended_at);
        if (!state.reason.empty()) out["reason"] = state.reason;
    }
    if (state.blocked) out["blocked"] = blocked_attempt_to_json(*state.blocked);
    out["history"] = stage_history_to_json(state.history);
    return out;
}

json blocked_attempt_to_json(const BlockedAttempt& blocked) {
    return {{"to", blocked.to},           {"missing", blocked.missing},
            {"failing", blocked.failing}, {"at", format_instant(blocked.at)},
            {"by", blocked.by},           {"attempts", blocked.attempts}};
}

namespace {

bool is_list_of_text(const json& value) {
    return value.is_array() && std::all_of(value.begin(), value.end(),
                                           [](const json& item) { return item.is_string(); });
}

// {"to", "missing", "failing", "at", "by", "attempts"}: the last move a gate stopped.
Result<BlockedAttempt> blocked_attempt_from_json(const json& blocked, const std::string& path) {
    const Error shape{path + ": expected {\"to\": STAGE, \"missing\": [FIELD...], \"failing\": "
                             "[TEXT...], \"at\": TIME, \"by\": USER, \"attempts\": COUNT}"};
    if (!blocked.is_object()) return shape;
    if (auto s =
            check_known_keys(blocked, path, {"to", "missing", "failing", "at", "by", "attempts"});
        !s)
        return Error{s.error()};
    for (const char* key : {"to", "at", "by"})
        if (!blocked.contains(key) || !blocked[key].is_string()) return shape;
    BlockedAttempt attempt;
    attempt.to = blocked["to"].get<std::string>();
    attempt.by = blocked["by"].get<std::string>();
    const auto at = parse_instant(blocked["at"].get<std::string>());
    if (!at) return Error{path + ".at: expected a time as YYYY-MM-DDTHH:MM:SSZ"};
    attempt.at = *at;
    for (const auto& [key, list] :
         {std::pair<const char*, std::vector<std::string>*>{"missing", &attempt.missing},
          {"failing", &attempt.failing}}) {
        if (!blocked.contains(key) || !is_list_of_text(blocked[key]))
            return Error{path + "." + key + ": expected a list of text"};
        *list = blocked[key].get<std::vector<std::string>>();
    }
    const auto attempts = blocked.find("attempts");
    if (attempts == blocked.end() || !attempts->is_number_unsigned() ||
        attempts->get<std::uint64_t>() == 0)
        return Error{path + ".attempts: expected a count of 1 or more"};
    attempt.attempts = attempts->get<std::uint64_t>();
    return attempt;
}

} // namespace

namespace {

// One stage a record entered: {"stage", "at", "by"}, with "warnings" when a
// warned gate was passed, "reason" for an exit, "mapped_from" when the stage
// was renamed under it, "joined" when the record came in at it by its stage field.
Result<StageEntry> stage_entry_from_json(const json& entry, const std::string& path) {
    if (!entry.is_object())
        return Error{path +
                     ": expected an object like {\"stage\": ID, \"at\": TIME, \"by\": "
                     "USER}, got " +
                     json_type_name(entry)};
    if (auto s = check_known_keys(
            entry, path, {"stage", "at", "by", "warnings", "reason", "mapped_from", "joined"});
        !s)
        return Error{s.error()};
    StageEntry read;
    for (const auto& [key, text] :
         {std::pair<const char*, std::string*>{"stage", &read.stage}, {"by", &read.by}}) {
        auto value = require_string(entry, path, key);
        if (!value) return Error{value.error()};
        *text = std::move(*value);
    }
    const auto at = entry.find("at");
    const auto instant = at != entry.end() && at->is_string()
                             ? parse_instant(at->get_ref<const std::string&>())
                             : std::nullopt;
    if (!instant)
        return Error{path + ".at: expected a time as YYYY-MM-DDTHH:MM:SSZ" +
                     (at == entry.end() ? std::string() : ", got " + got(*at))};
    read.at = *instant;
    for (const auto& [key, text] : {std::pair<const char*, std::string*>{"reason", &read.reason},
                                    {"mapped_from", &read.mapped_from}}) {
        auto value = optional_string(entry, path, key);
        if (!value) return Error{value.error()};
        *text = std::move(*value);
    }
    if (const auto joined = entry.find("joined"); joined != entry.end()) {
        if (!joined->is_boolean())
            return Error{path + ".joined: expected true or false, got " + got(*joined)};
        read.joined = joined->get<bool>();
    }
    if (const auto warnings = entry.find("warnings"); warnings != entry.end()) {
        if (!warnings->is_array())
            return Error{path + ".warnings: expected a list of texts, got " +
                         json_type_name(*warnings)};
        for (const auto& warning : *warnings) {
            if (!warning.is_string()) return Error{path + ".warnings: expected a list of texts"};
            read.warnings.push_back(warning.get<std::string>());
        }
    }
    return read;
}

} // namespace

Result<FlowState> flow_state_from_json(const json& value, const std::string& path) {
    if (!value.is_object())
        return Error{path + ": expected an object, got " + json_type_name(value)};
    if (auto s = check_known_keys(value, path,
                                  {"stage", "status", "outcome", "reason", "started_at",
                                   "entered_at", "ended_at", "history", "blocked"});
        !s)
        return Error{s.error()};
    FlowState state;
    auto stage = optional_string(value, path, "stage");
    if (!stage) return Error{stage.error()};
    state.stage = *stage;
    auto status = require_string(value, path, "status");
    if (!status) return Error{status.error()};
    if (!is_flow_status(*status))
        return Error{path +
                     ".status: expected \"active\", \"ended\", \"exited\" or \"spawned\", got \"" +
                     *status + "\""};
    state.status = *status;
    for (const auto& [key, target] :
         {std::pair<const char*, Instant*>{"started_at", &state.started_at},
          {"entered_at", &state.entered_at},
          {"ended_at", &state.ended_at}}) {
        const auto it = value.find(key);
        if (it == value.end()) continue;
        const auto instant = it->is_string() ? parse_instant(it->get<std::string>()) : std::nullopt;
        if (!instant)
            return Error{path + "." + key + ": expected a time as YYYY-MM-DDTHH:MM:SSZ, got " +
                         got(*it)};
        *target = *instant;
    }
    auto outcome = optional_string(value, path, "outcome");
    if (!outcome) return Error{outcome.error()};
    state.outcome = *outcome;
    if (!state.active() && state.outcome.empty())
        return Error{path + ".outcome: a flow that is not active needs its outcome"};
    auto reason = optional_string(value, path, "reason");
    if (!reason) return Error{reason.error()};
    state.reason = *reason;
    if (const auto found = value.find("history"); found != value.end()) {
        const json& history = *found;
        if (!history.is_array())
            return Error{path + ".history: expected an array, got " + json_type_name(history)};
        for (std::size_t i = 0; i < history.size(); ++i) {
            auto entry = stage_entry_from_json(history[i], at(path + ".history", i));
            if (!entry) return Error{entry.error()};
            state.history.push_back(std::move(*entry));
        }
    }
    if (const auto blocked = value.find("blocked"); blocked != value.end()) {
        auto attempt = blocked_attempt_from_json(*blocked, path + ".blocked");
        if (!attempt) return Error{attempt.error()};
        state.blocked = std::move(*attempt);
    }
    return state;
}

} // namespace crm
