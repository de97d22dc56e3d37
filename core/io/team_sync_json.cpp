#include "io/team_sync_json.hpp"

#include "util/time.hpp"

namespace crm {

using nlohmann::json;

json stamp_to_json(const Stamp& stamp) {
    return json::array({stamp.clock, stamp.device, stamp.seq, stamp.actor, stamp.at.seconds});
}

Result<Stamp> stamp_from_json(const json& value, const std::string& path) {
    if (!value.is_array() || value.size() != 5 || !value[0].is_number_unsigned() ||
        !value[1].is_string() || !value[2].is_number_unsigned() || !value[3].is_string() ||
        !value[4].is_number_integer())
        return Error{path + ": expected a stamp [clock, \"device\", seq, \"actor\", time]"};
    return Stamp{value[0].get<std::uint64_t>(), value[1].get<std::string>(),
                 value[2].get<std::uint64_t>(), value[3].get<std::string>(),
                 Instant{value[4].get<std::int64_t>()}};
}

json heads_to_json(const std::vector<Head>& heads) {
    json out = json::array();
    for (const auto& head : heads) {
        json item = json::array({stamp_to_json(head.stamp)});
        // One head's value is the record's, unless the record is deleted or
        // the value is whether it exists (model/team_sync.hpp).
        if (heads.size() > 1 || !head.value.is_null()) item.push_back(head.value);
        out.push_back(std::move(item));
    }
    return out;
}

Result<std::vector<Head>> heads_from_json(const json& value, const std::string& path) {
    if (!value.is_array() || value.empty()) return Error{path + ": expected a list of heads"};
    std::vector<Head> heads;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const json& item = value[i];
        const std::string at = path + "[" + std::to_string(i) + "]";
        if (!item.is_array() || item.empty() || item.size() > 2)
            return Error{at + ": expected [stamp] or [stamp, value]"};
        auto stamp = stamp_from_json(item[0], at);
        if (!stamp) return Error{stamp.error()};
        heads.push_back({std::move(*stamp), item.size() == 2 ? item[1] : json()});
    }
    return heads;
}

json seen_to_json(const SeenBatches& seen) {
    return json(seen);
}

Result<SeenBatches> seen_from_json(const json& value, const std::string& path) {
    if (!value.is_object()) return Error{path + ": expected {device: seq}"};
    SeenBatches seen;
    for (const auto& [device, seq] : value.items()) {
        if (!seq.is_number_unsigned()) return Error{path + "." + device + ": expected a seq"};
        seen[device] = seq.get<std::uint64_t>();
    }
    return seen;
}

namespace {

json side_to_json(const ConflictSide& side) {
    return {{"value", side.value},
            {"actor", side.actor},
            {"device", side.device},
            {"at", format_instant(side.at)},
            {"stamp", stamp_to_json(side.stamp)}};
}

Result<ConflictSide> side_from_json(const json& value, const std::string& path) {
    if (!value.is_object() || !value.contains("value") ||
        !value.value("actor", json()).is_string() || !value.value("device", json()).is_string() ||
        !value.value("at", json()).is_string())
        return Error{path + ": expected {value, actor, device, at, stamp}"};
    ConflictSide side;
    side.value = value["value"];
    side.actor = value["actor"].get<std::string>();
    side.device = value["device"].get<std::string>();
    const auto at = parse_instant(value["at"].get<std::string>());
    if (!at) return Error{path + ".at: expected a time"};
    side.at = *at;
    auto stamp = stamp_from_json(value.value("stamp", json()), path + ".stamp");
    if (!stamp) return Error{stamp.error()};
    side.stamp = *stamp;
    return side;
}

} // namespace

json conflict_to_json(const SyncConflict& conflict) {
    return {{"id", conflict.id},
            {"record", conflict.record},
            {"field", conflict.field},
            {"kept", side_to_json(conflict.kept)},
            {"other", side_to_json(conflict.other)}};
}

Result<SyncConflict> conflict_from_json(const json& value, const std::string& path) {
    if (!value.is_object()) return Error{path + ": expected a conflict object"};
    SyncConflict conflict;
    for (const auto& [key, target] : {std::pair<const char*, std::string*>{"id", &conflict.id},
                                      {"record", &conflict.record},
                                      {"field", &conflict.field}}) {
        const auto found = value.find(key);
        if (found == value.end() || !found->is_string())
            return Error{path + "." + key + ": expected text"};
        *target = found->get<std::string>();
    }
    auto kept = side_from_json(value.value("kept", json()), path + ".kept");
    if (!kept) return Error{kept.error()};
    auto other = side_from_json(value.value("other", json()), path + ".other");
    if (!other) return Error{other.error()};
    conflict.kept = std::move(*kept);
    conflict.other = std::move(*other);
    return conflict;
}

json problem_to_json(const SyncProblem& problem) {
    return {
        {"id", problem.id},       {"kind", problem.kind},     {"record", problem.record},
        {"flow", problem.flow},   {"stage", problem.stage},   {"why", problem.why},
        {"actor", problem.actor}, {"device", problem.device}, {"at", format_instant(problem.at)}};
}

Result<SyncProblem> problem_from_json(const json& value, const std::string& path) {
    if (!value.is_object()) return Error{path + ": expected a problem object"};
    SyncProblem problem;
    for (const auto& [key, target] : {std::pair<const char*, std::string*>{"id", &problem.id},
                                      {"kind", &problem.kind},
                                      {"record", &problem.record},
                                      {"flow", &problem.flow},
                                      {"stage", &problem.stage},
                                      {"why", &problem.why},
                                      {"actor", &problem.actor},
                                      {"device", &problem.device}}) {
        const auto found = value.find(key);
        if (found == value.end() || !found->is_string())
            return Error{path + "." + key + ": expected text"};
        *target = found->get<std::string>();
    }
    const auto at = parse_instant(value.value("at", ""));
    if (!at) return Error{path + ".at: expected a time"};
    problem.at = *at;
    if (problem.kind != kGateProblem && problem.kind != kPermissionProblem)
        return Error{path + ".kind: expected \"gate\" or \"permission\""};
    return problem;
}

json team_sync_to_json(const TeamSync& sync) {
    json heads = json::object();
    for (const auto& [record, keys] : sync.heads) {
        json of_record = json::object();
        for (const auto& [key, of_key] : keys)
            of_record[key] = heads_to_json(of_key);
        heads[record] = std::move(of_record);
    }
    json deleted = json::object();
    for (const auto& [record, stamp] : sync.deleted)
        deleted[record] = stamp_to_json(stamp);
    json deletions = json::array();
    for (const auto& conflict : sync.deletions)
        deletions.push_back(conflict_to_json(conflict));
    json problems = json::array();
    for (const auto& problem : sync.problems)
        problems.push_back(problem_to_json(problem));
    return {{"clock", sync.clock},
            {"database", sync.database},
            {"applied", seen_to_json(sync.applied)},
            {"pushed_through", sync.pushed_through},
            {"joined_after", sync.joined_after},
            {"since", sync.since},
            {"heads", std::move(heads)},
            {"deleted", std::move(deleted)},
            {"deletions", std::move(deletions)},
            {"problems", std::move(problems)},
            {"resolved", sync.resolved},
            {"retired_stages", sync.retired_stages}};
}

namespace {

Status read_heads(const json& value, const std::string& path, TeamSync& sync) {
    if (!value.is_object()) return Error{path + ": expected an object"};
    for (const auto& [record, keys] : value.items()) {
        if (!keys.is_object()) return Error{path + "." + record + ": expected an object"};
        auto& of_record = sync.heads[record];
        for (const auto& [key, heads] : keys.items()) {
            auto read = heads_from_json(heads, path + "." + record + "." + key);
            if (!read) return Error{read.error()};
            if (read->size() > 1) sync.conflicted.insert({record, key});
            of_record.emplace(key, std::move(*read));
        }
    }
    return Status::success();
}

} // namespace

Result<TeamSync> team_sync_from_json(const json& value, const std::string& path) {
    if (!value.is_object()) return Error{path + ": expected an object"};
    TeamSync sync;
    try {
        sync.clock = value.at("clock").get<std::uint64_t>();
        sync.database = value.at("database").get<std::string>();
        sync.pushed_through = value.at("pushed_through").get<std::uint64_t>();
        sync.since = value.at("since").get<std::string>();
        sync.joined_after = value.value("joined_after", std::uint64_t{0});
        sync.resolved = value.at("resolved").get<std::set<std::string>>();
        sync.retired_stages = value.value("retired_stages", json::object())
                                  .get<std::map<std::string, std::map<std::string, std::string>>>();
    } catch (const json::exception&) {
        return Error{path + ": expected clock, database, pushed_through, since and resolved, "
                            "and retired_stages as flow -> stage -> stage"};
    }
    auto applied = seen_from_json(value.value("applied", json()), path + ".applied");
    if (!applied) return Error{applied.error()};
    sync.applied = std::move(*applied);
    if (auto status = read_heads(value.value("heads", json::object()), path + ".heads", sync);
        !status)
        return Error{status.error()};
    const json& deleted = value.value("deleted", json::object());
    if (!deleted.is_object()) return Error{path + ".deleted: expected an object"};
    for (const auto& [record, stamp] : deleted.items()) {
        auto read = stamp_from_json(stamp, path + ".deleted." + record);
        if (!read) return Error{read.error()};
        sync.deleted.emplace(record, std::move(*read));
    }
    const json& deletions = value.value("deletions", json::array());
    if (!deletions.is_array()) return Error{path + ".deletions: expected an array"};
    for (std::size_t i = 0; i < deletions.size(); ++i) {
        auto conflict =
            conflict_from_json(deletions[i], path + ".deletions[" + std::to_string(i) + "]");
        if (!conflict) return Error{conflict.error()};
        conflict->resolved = sync.resolved.count(conflict->id) > 0;
        sync.deletions.push_back(std::move(*conflict));
    }
    const json& problems = value.value("problems", json::array());
    if (!problems.is_array()) return Error{path + ".problems: expected an array"};
    for (std::size_t i = 0; i < problems.size(); ++i) {
        auto problem =
            problem_from_json(problems[i], path + ".problems[" + std::to_string(i) + "]");
        if (!problem) return Error{problem.error()};
        sync.problems.push_back(std::move(*problem));
    }
    return sync;
}

} // namespace crm
