// A record: one company, contact, deal, ... Field values are JSON in the
// shapes documented in docs/workspace-format.md (money is {"amount","currency"}).
#pragma once

#include "process/flow.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

// Something worked out from a record the workspace holds, kept with it until
// the workspace hands it out to be changed (Workspace::edit()). A copy or a
// move keeps nothing: it may be changed without the workspace knowing.
template <typename T> class KeptWithRecord {
  public:
    KeptWithRecord() = default;
    KeptWithRecord(const KeptWithRecord&) {}
    KeptWithRecord(KeptWithRecord&&) noexcept {}
    KeptWithRecord& operator=(const KeptWithRecord&) {
        forget();
        return *this;
    }
    KeptWithRecord& operator=(KeptWithRecord&&) noexcept {
        forget();
        return *this;
    }
    ~KeptWithRecord() = default;

    const std::shared_ptr<const T>& get() const { return m_value; }
    // A cache, so readers of a const record may fill it.
    void keep(std::shared_ptr<const T> value) const {
        if (m_keeps) m_value = std::move(value);
    }
    void clear() const { m_value.reset(); }
    void start_keeping() { m_keeps = true; } // by the workspace, for the records it holds

  private:
    void forget() {
        m_value.reset();
        m_keeps = false;
    }
    mutable std::shared_ptr<const T> m_value; // shared_ptr: T may be incomplete here
    bool m_keeps = false;
};

struct DueFacts; // sla/clocks.hpp

// A stretch of time an SLA clock stood still (waiting on the customer); open
// while the pause lasts.
struct PauseSpan {
    Instant from;
    std::optional<Instant> to;
};

// An automation that could not run on a record, kept until it runs: the
// manual recovery queue.
struct AutomationFailure {
    std::string reason;
    Instant at;
    // A rule's failure: the step that failed and the occasion it ran for,
    // so Retry carries on from there.
    std::size_t step = 0;
    std::string occasion;
};

// Automation failures are keyed by what failed: "start:<flow id>" for a flow start.
inline std::string flow_start_automation(const std::string& flow_id) {
    return "start:" + flow_id;
}
// The flow a "start:<flow id>" key names; nothing for other keys.
inline std::optional<std::string> flow_of_automation(const std::string& key) {
    if (key.rfind("start:", 0) != 0) return std::nullopt;
    return key.substr(6);
}

// A problem someone saw in a record's data ("the phone is the switchboard"),
// open until someone who may edit the record resolves it: the data-quality queue.
// A flag's note is short: it says what is wrong; the fix goes in the record.
inline constexpr std::size_t kMaxDataProblemNoteBytes = 1000;

struct DataProblem {
    std::string note;
    std::string by; // user id
    Instant at;
};

struct Record {
    std::string id;    // "deal-42"
    std::string type;  // "deal"
    std::string owner; // user id; empty means unowned (changed through Workspace::set_owner)
    // Written by applying events and by import only. Everything else reads
    // through value() / has_value(), so the representation can change.
    nlohmann::json fields = nlohmann::json::object();
    // Its deadlines as last worked out by SlaClockReader; near the owner,
    // as My work reads both of each of a rep's thousands of records.
    KeptWithRecord<DueFacts> due_facts;
    Instant created_at;
    std::string created_by;
    Instant updated_at;
    std::string updated_by;
    // From 1, up by one with each batch that changes its data, owner or stage.
    std::uint64_t version = 1;
    std::map<std::string, FlowState> flows; // by flow id: where this record stands in each
    std::map<std::string, std::string>
        sla_alerts; // policy id -> the due time whose breach was raised
    // policy id -> escalated to (changed through Workspace::set_escalation)
    std::map<std::string, std::vector<std::string>> sla_escalations;
    std::map<std::string, std::vector<PauseSpan>> sla_pauses; // policy id -> its pauses
    // "start:<flow id>" -> why that automation failed on this record.
    std::map<std::string, AutomationFailure> automation_failures;
    std::vector<DataProblem> data_problems; // open ones, oldest first
    // Time-driven rules that fired on this record: rule id -> occasions
    // ("renewal_date=2027-06-30:-120"), so each fires once however often the timer runs.
    std::map<std::string, std::set<std::string>> rule_occasions;
    // Set by the workspace as the record joins it, rising: orders a type's
    // records as ids_of_type() does, for indexes that keep that order.
    std::uint64_t position = 0;

    // The value of one field; null when it is not set. Bind the result to
    // `const auto&`: a later representation may return it by value.
    const nlohmann::json& value(std::string_view field) const;
    bool has_value(std::string_view field) const { return !value(field).is_null(); }
};

// Open: in an active process, or in none (nothing closed it). Routing counts
// a rep's open records to share new ones out.
inline bool is_open(const Record& record) {
    for (const auto& [flow, state] : record.flows)
        if (state.active()) return true;
    return record.flows.empty();
}

} // namespace crm
