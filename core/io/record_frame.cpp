#include "io/record_frame.hpp"

#include "io/msgpack_frames.hpp"
#include "io/msgpack_reader.hpp"
#include "io/record_checks.hpp"
#include "process/flow_json.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace crm {

namespace {

using nlohmann::json;

// Errors are never shown from here: the long way says what is wrong.
const std::string kNoPath;

// The keys of a map, each read at most once: a key given twice is left to the
// long way, which keeps the last value.
template <std::size_t N> class KeySet {
  public:
    explicit constexpr KeySet(std::array<std::string_view, N> keys) : m_keys(keys) {}
    // The key's index, or N for a key not in the set or read before.
    std::size_t take(std::string_view key, std::uint32_t& taken) const {
        for (std::size_t i = 0; i < N; ++i) {
            if (m_keys[i] != key) continue;
            if (taken & (1u << i)) return N;
            taken |= 1u << i;
            return i;
        }
        return N;
    }

  private:
    std::array<std::string_view, N> m_keys;
};

bool read_text(MessagePackReader& in, std::string& out) {
    const auto text = in.text();
    if (!text) return false;
    out.assign(*text);
    return true;
}

bool read_filled_text(MessagePackReader& in, std::string& out) {
    return read_text(in, out) && !out.empty();
}

bool read_instant(MessagePackReader& in, Instant& out) {
    const auto text = in.text();
    const auto instant = text ? parse_instant(*text) : std::nullopt;
    if (instant) out = *instant;
    return instant.has_value();
}

bool read_texts(MessagePackReader& in, std::vector<std::string>& out) {
    const auto count = in.array_header();
    if (!count) return false;
    // Grown as texts are read: a count is a claim until they are.
    for (std::size_t i = 0; i < *count; ++i)
        if (!read_text(in, out.emplace_back())) return false;
    return true;
}

// Reads a map whose keys `keys` holds, each at most once, handing each
// value to read_value(key's index, key); the keys read, or nothing when the
// next value is not such a map or a value does not read.
template <std::size_t N, typename ReadValue>
std::optional<std::uint32_t> read_map(MessagePackReader& in, const KeySet<N>& keys,
                                      ReadValue&& read_value) {
    const auto entries = in.map_header();
    if (!entries) return std::nullopt;
    std::uint32_t taken = 0;
    for (std::size_t i = 0; i < *entries; ++i) {
        const auto key = in.text();
        if (!key) return std::nullopt;
        const std::size_t index = keys.take(*key, taken);
        if (index == N || !read_value(index, *key)) return std::nullopt;
    }
    return taken;
}

// {"at", "by", "stage"} and the optional "joined", "mapped_from", "reason", "warnings".
std::optional<StageEntry> read_stage_entry(MessagePackReader& in) {
    enum Key { At, By, Joined, MappedFrom, Reason, Stage, Warnings, None };
    static constexpr KeySet<None> kKeys(
        {"at", "by", "joined", "mapped_from", "reason", "stage", "warnings"});
    StageEntry entry;
    const auto taken = read_map(in, kKeys, [&](std::size_t key, std::string_view) {
        switch (key) {
        case At:
            return read_instant(in, entry.at);
        case By:
            return read_filled_text(in, entry.by);
        case Joined: {
            const auto joined = in.boolean();
            entry.joined = joined.value_or(false);
            return joined.has_value();
        }
        case MappedFrom:
            return read_text(in, entry.mapped_from);
        case Reason:
            return read_text(in, entry.reason);
        case Stage:
            return read_filled_text(in, entry.stage);
        default:
            return read_texts(in, entry.warnings);
        }
    });
    const std::uint32_t required = 1u << At | 1u << By | 1u << Stage;
    if (!taken || (*taken & required) != required) return std::nullopt;
    return entry;
}

// The fewest bytes a stage entry takes: a map of "at", "by" and "stage".
constexpr std::size_t kSmallestStageEntry = 32;

bool read_history(MessagePackReader& in, std::vector<StageEntry>& history) {
    const auto count = in.array_header();
    if (!count) return false;
    // Room for as many entries as the count claims and the bytes left could
    // hold: a count that claims the bytes of a long text after it would
    // otherwise reserve far more than the frame holds.
    history.reserve(std::min(*count, in.bytes_left() / kSmallestStageEntry));
    for (std::size_t i = 0; i < *count; ++i) {
        auto entry = read_stage_entry(in);
        if (!entry) return false;
        history.push_back(std::move(*entry));
    }
    return true;
}

// A flow state without "blocked" (the caller reads one with it the long way).
std::optional<FlowState> read_flow_state(MessagePackReader& in) {
    enum Key { EndedAt, EnteredAt, History, Outcome, Reason, Stage, StartedAt, Status, None };
    static constexpr KeySet<None> kKeys({"ended_at", "entered_at", "history", "outcome", "reason",
                                         "stage", "started_at", "status"});
    FlowState state;
    const auto taken = read_map(in, kKeys, [&](std::size_t key, std::string_view) {
        switch (key) {
        case EndedAt:
            return read_instant(in, state.ended_at);
        case EnteredAt:
            return read_instant(in, state.entered_at);
        case StartedAt:
            return read_instant(in, state.started_at);
        case History:
            return read_history(in, state.history);
        case Outcome:
            return read_text(in, state.outcome);
        case Reason:
            return read_text(in, state.reason);
        case Stage:
            return read_text(in, state.stage);
        default:
            return read_text(in, state.status);
        }
    });
    if (!taken || !(*taken & 1u << Status) || !is_flow_status(state.status)) return std::nullopt;
    if (!state.active() && state.outcome.empty()) return std::nullopt;
    return state;
}

// Any flow state: one of the usual shape read here, any other as JSON.
std::optional<FlowState> read_any_flow_state(MessagePackReader& in) {
    const std::uint8_t* const started = in.position();
    if (auto state = read_flow_state(in)) return state;
    in.rewind(started);
    json value;
    if (!in.read(value, 2)) return std::nullopt;
    auto state = flow_state_from_json(value, kNoPath);
    if (!state) return std::nullopt;
    return std::move(*state);
}

bool read_flows(MessagePackReader& in, Record& record) {
    const auto count = in.map_header();
    if (!count) return false;
    for (std::size_t i = 0; i < *count; ++i) {
        std::string flow_id;
        if (!read_text(in, flow_id)) return false;
        auto state = read_any_flow_state(in);
        if (!state) return false;
        record.flows.insert_or_assign(std::move(flow_id), std::move(*state));
    }
    return true;
}

enum RecordKey {
    CreatedAt,
    CreatedBy,
    Fields,
    Flows,
    Id,
    Owner,
    Type,
    UpdatedAt,
    UpdatedBy,
    Version,
    // The engine's state, sparse: read as JSON by read_engine_state().
    AutomationFailures,
    DataProblems,
    RuleOccasions,
    SlaAlerts,
    SlaEscalations,
    SlaPauses,
    NoRecordKey
};
constexpr KeySet<NoRecordKey> kRecordKeys({"created_at", "created_by", "fields", "flows", "id",
                                           "owner", "type", "updated_at", "updated_by", "version",
                                           "automation_failures", "data_problems", "rule_occasions",
                                           "sla_alerts", "sla_escalations", "sla_pauses"});

// Reads one entry of the record's map; `engine` gathers the engine's state.
bool read_record_entry(MessagePackReader& in, RecordKey key, std::string_view name, Record& record,
                       json& engine) {
    switch (key) {
    case CreatedAt:
        return read_instant(in, record.created_at);
    case UpdatedAt:
        return read_instant(in, record.updated_at);
    case CreatedBy:
        return read_text(in, record.created_by);
    case UpdatedBy:
        return read_text(in, record.updated_by);
    case Fields:
        return in.read(record.fields, 1) && record.fields.is_object();
    case Flows:
        return read_flows(in, record);
    case Id:
        return read_filled_text(in, record.id);
    case Type:
        return read_filled_text(in, record.type);
    case Owner:
        return read_text(in, record.owner);
    case Version: {
        const auto version = in.unsigned_number();
        record.version = version.value_or(0);
        return record.version > 0;
    }
    default:
        return in.read(engine[std::string(name)], 1);
    }
}

// Everything read_record() checks once the entries are read, in its order.
bool passes_checks(Record& record, std::uint32_t taken, const json& engine, const Workspace& ws,
                   Instant imported_at, RecordChecks checks) {
    if (!(taken & 1u << Id) || !(taken & 1u << Type)) return false;
    const auto type = record_type_of(record.id, record.type, ws, kNoPath);
    if (!type) return false;
    if (!(taken & 1u << CreatedAt)) record.created_at = imported_at;
    if (!(taken & 1u << UpdatedAt)) record.updated_at = record.created_at;
    if (!(taken & 1u << UpdatedBy)) record.updated_by = record.created_by;
    if (checks == RecordChecks::PassedBefore)
        return engine.empty() || read_engine_state(engine, kNoPath, record);
    if (!check_owner(record, ws, kNoPath)) return false;
    if (!normalize_record_fields(record, **type, kNoPath)) return false;
    for (const auto& [flow_id, state] : record.flows)
        if (!check_flow_state(flow_id, state, record, ws, kNoPath)) return false;
    if (!engine.empty() && !read_engine_state(engine, kNoPath, record)) return false;
    return check_required_fields(record, **type, kNoPath).ok();
}

} // namespace

std::optional<Record> read_record_frame(std::string_view frame, const Workspace& ws,
                                        Instant imported_at, RecordChecks checks) {
    try {
        MessagePackReader in(frame);
        Record record;
        json engine; // null until the record has some: most have none
        const auto taken = read_map(in, kRecordKeys, [&](std::size_t key, std::string_view name) {
            return read_record_entry(in, static_cast<RecordKey>(key), name, record, engine);
        });
        if (!taken || !in.at_end()) return std::nullopt;
        if (!passes_checks(record, *taken, engine, ws, imported_at, checks)) return std::nullopt;
        return record;
    } catch (const json::exception&) {
        return std::nullopt; // the long way catches it again and says what it was
    }
}

namespace {

void append_instant(std::string& out, Instant instant) {
    append_text(out, format_instant(instant));
}

void append_entries(std::string& out, const json& object) {
    for (const auto& [key, value] : object.items()) {
        append_key(out, key);
        json::to_msgpack(value, out);
    }
}

// Keys in the order a JSON object keeps them, as stage_entry_to_json() writes them.
void append_stage_entry(std::string& out, const StageEntry& entry) {
    append_map_header(out, 3 + (entry.joined ? 1 : 0) + (entry.mapped_from.empty() ? 0 : 1) +
                               (entry.reason.empty() ? 0 : 1) + (entry.warnings.empty() ? 0 : 1));
    append_key(out, "at");
    append_instant(out, entry.at);
    append_key(out, "by");
    append_text(out, entry.by);
    if (entry.joined) {
        append_key(out, "joined");
        append_bool(out, true);
    }
    if (!entry.mapped_from.empty()) {
        append_key(out, "mapped_from");
        append_text(out, entry.mapped_from);
    }
    if (!entry.reason.empty()) {
        append_key(out, "reason");
        append_text(out, entry.reason);
    }
    append_key(out, "stage");
    append_text(out, entry.stage);
    if (!entry.warnings.empty()) {
        append_key(out, "warnings");
        append_array_header(out, entry.warnings.size());
        for (const auto& warning : entry.warnings)
            append_text(out, warning);
    }
}

// flow_state_to_json(state), keys in a JSON object's order.
void append_flow_state(std::string& out, const FlowState& state) {
    const bool ended = !state.active();
    append_map_header(out, 5 + (state.blocked ? 1 : 0) +
                               (ended ? 2 + (state.reason.empty() ? 0 : 1) : 0));
    if (state.blocked) {
        append_key(out, "blocked");
        json::to_msgpack(blocked_attempt_to_json(*state.blocked), out);
    }
    if (ended) {
        append_key(out, "ended_at");
        append_instant(out, state.ended_at);
    }
    append_key(out, "entered_at");
    append_instant(out, state.entered_at);
    append_key(out, "history");
    append_array_header(out, state.history.size());
    for (const auto& entry : state.history)
        append_stage_entry(out, entry);
    if (ended) {
        append_key(out, "outcome");
        append_text(out, state.outcome);
        if (!state.reason.empty()) {
            append_key(out, "reason");
            append_text(out, state.reason);
        }
    }
    append_key(out, "stage");
    append_text(out, state.stage);
    append_key(out, "started_at");
    append_instant(out, state.started_at);
    append_key(out, "status");
    append_text(out, state.status);
}

} // namespace

void append_record_frame(std::string& frames, const Record& record) {
    const std::size_t started = start_frame(frames);
    json engine = json::object();
    write_engine_state(record, engine);
    const auto one_if = [](bool written) -> std::size_t { return written ? 1 : 0; };
    const std::size_t entries = 6 + engine.size() + one_if(!record.owner.empty()) +
                                one_if(!record.created_by.empty()) +
                                one_if(!record.updated_by.empty()) + one_if(!record.flows.empty());
    append_map_header(frames, entries);
    append_entries(frames, engine); // the order of keys within a map is free
    append_key(frames, "created_at");
    append_instant(frames, record.created_at);
    if (!record.created_by.empty()) {
        append_key(frames, "created_by");
        append_text(frames, record.created_by);
    }
    append_key(frames, "fields");
    json::to_msgpack(record.fields, frames);
    if (!record.flows.empty()) {
        append_key(frames, "flows");
        append_map_header(frames, record.flows.size());
        for (const auto& [flow_id, state] : record.flows) {
            append_key(frames, flow_id);
            append_flow_state(frames, state);
        }
    }
    append_key(frames, "id");
    append_text(frames, record.id);
    if (!record.owner.empty()) {
        append_key(frames, "owner");
        append_text(frames, record.owner);
    }
    append_key(frames, "type");
    append_text(frames, record.type);
    append_key(frames, "updated_at");
    append_instant(frames, record.updated_at);
    if (!record.updated_by.empty()) {
        append_key(frames, "updated_by");
        append_text(frames, record.updated_by);
    }
    append_key(frames, "version");
    append_unsigned(frames, record.version);
    end_frame(frames, started);
}

} // namespace crm
