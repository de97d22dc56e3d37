#include "io/team_sync_json.hpp"

#include "util/time.hpp"

namespace crm {

using nlohmann::json;

json stamp_to_json(const Stamp& stamp) {
    return json::array({stamp.clock, stamp.device, stamp.actor});
}

Result<Stamp> stamp_from_json(const json& value, const std::string& path) {
    if (!value.is_array() || value.size() != 3 || !value[0].is_number_unsigned() ||
        !value[1].is_string() || !value[2].is_string())
        return Error{path + ": expected a stamp [clock, \"device\", \"actor\"]"};
    return Stamp{value[0].get<std::uint64_t>(), value[1].get<std::string>(),
                 value[2].get<std::string>()};
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
            {"other", side_to_json(conflict.other)},
            {"resolved", conflict.resolved}};
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
    conflict.resolved =
        value.value("resolved", json(false)).is_boolean() && value.value("resolved", false);
    return conflict;
}

json team_sync_to_json(const TeamSync& sync) {
    json stamps = json::object();
    for (const auto& [record, keys] : sync.stamps) {
        json of_record = json::object();
        for (const auto& [key, stamp] : keys)
            of_record[key] = stamp_to_json(stamp);
        stamps[record] = std::move(of_record);
    }
    json conflicts = json::array();
    for (const auto& conflict : sync.conflicts)
        conflicts.push_back(conflict_to_json(conflict));
    return {{"clock", sync.clock},
            {"database", sync.database},
            {"applied", sync.applied},
            {"pushed_through", sync.pushed_through},
            {"since", sync.since},
            {"stamps", std::move(stamps)},
            {"conflicts", std::move(conflicts)},
            {"resolved", sync.resolved}};
}

Result<TeamSync> team_sync_from_json(const json& value, const std::string& path) {
    const auto fail = [&](const std::string& what) { return Error{path + ": " + what}; };
    if (!value.is_object()) return fail("expected an object");
    TeamSync sync;
    try {
        sync.clock = value.at("clock").get<std::uint64_t>();
        sync.database = value.at("database").get<std::string>();
        sync.applied = value.at("applied").get<std::map<std::string, std::uint64_t>>();
        sync.pushed_through = value.at("pushed_through").get<std::uint64_t>();
        sync.since = value.at("since").get<std::string>();
        sync.resolved = value.at("resolved").get<std::set<std::string>>();
    } catch (const json::exception&) {
        return fail("expected clock, database, applied, pushed_through, since and resolved");
    }
    const json& stamps = value.value("stamps", json::object());
    if (!stamps.is_object()) return fail("stamps: expected an object");
    for (const auto& [record, keys] : stamps.items()) {
        if (!keys.is_object()) return fail("stamps." + record + ": expected an object");
        auto& of_record = sync.stamps[record];
        for (const auto& [key, stamp] : keys.items()) {
            auto read = stamp_from_json(stamp, path + ".stamps." + record + "." + key);
            if (!read) return Error{read.error()};
            of_record.emplace(key, std::move(*read));
        }
    }
    const json& conflicts = value.value("conflicts", json::array());
    if (!conflicts.is_array()) return fail("conflicts: expected an array");
    for (std::size_t i = 0; i < conflicts.size(); ++i) {
        auto conflict =
            conflict_from_json(conflicts[i], path + ".conflicts[" + std::to_string(i) + "]");
        if (!conflict) return Error{conflict.error()};
        sync.conflicts.push_back(std::move(*conflict));
    }
    return sync;
}

} // namespace crm
