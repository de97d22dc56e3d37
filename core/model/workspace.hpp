// The whole workspace in memory: schema, people and records, with the indexes
// lists need. Mutated only by applying events (engine/) or by import (io/).
#pragma once

#include "automation/rule.hpp"
#include "model/directory.hpp"
#include "model/notification.hpp"
#include "model/record.hpp"
#include "model/saved_view.hpp"
#include "model/schema.hpp"
#include "model/team_sync.hpp"
#include "scoring/lead_scoring.hpp"
#include "sla/policy.hpp"

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crm {

// Where a record stands in one of its flows, for lists filtered by stage:
// its stage while the flow runs, its outcome or exit once it ended or
// exited; nothing when it spawned the flow on another record.
const std::string* listed_stage(const FlowState& state);

// Record numbers stay below 2^53 so ids survive any JSON reader exactly.
inline constexpr long long kMaxRecordNumber = 9007199254740992LL;

// "k7m2qx": 2 to 12 lower-case letters and digits naming the device that made an id.
bool is_device_tag(std::string_view tag);
// The tag ids are made with for what automation does for a cause every device
// sees alike (a rule's occasion, an SLA breach): "c" and 11 letters and digits
// from the cause, so two devices that both act make the same ids, and the
// merge sees one record, not two. Never a device's own (6 characters).
std::string cause_tag(std::string_view cause);
bool is_cause_tag(std::string_view tag);
// Whether a record id was made with a cause_tag().
bool is_made_for_a_cause(std::string_view id);
// "deal-42" or "deal-k7m2qx-42" for type "deal".
bool is_record_id_of(std::string_view id, std::string_view type);

class Workspace {
  public:
    Workspace();

    std::string name = "Workspace";
    std::string currency = "USD";       // default for money typed without one
    std::string default_country = "US"; // phone numbers typed without +code are of this country
    Schema schema;
    Directory directory;
    std::vector<Flow> flows; // the processes, checked by validate_flows() before they go live
    std::vector<SlaPolicy> sla_policies;
    nlohmann::json calendar; // the team's business calendar (docs/sla.md); null = Mon-Fri 9-17 UTC
    Notifications notifications;             // each user's inbox
    std::vector<SavedView> views;            // people's saved lists, in the order saved
    Automation automation;                   // the rules, their round-robin counts and their log
    std::optional<LeadScoring> lead_scoring; // none: lead.score is typed by people
    TeamSync team_sync;                      // stamps, other devices' batches, conflicts

    const Flow* flow(std::string_view id) const;

    const Record* find(std::string_view id) const;
    // Record ids of one type, oldest first.
    const std::vector<std::string>& ids_of_type(std::string_view type) const;
    // The same records, for reading them all without looking each one up
    // (reports over 100k records). Valid until the next put() or erase().
    const std::vector<const Record*>& records_of_type(std::string_view type) const;
    std::size_t record_count() const { return m_records.size(); }
    void reserve(std::size_t records) { m_records.reserve(records); }
    // All record ids grouped by type, in schema order then creation order.
    std::vector<const Record*> all_records() const;

    // The records `owner` owns, in all_records() order: My work reads these
    // rather than every record.
    std::vector<const Record*> records_owned_by(std::string_view owner) const;
    // The records of `type` that `owner` owns, in all_records() order. Valid
    // until the next put() or erase().
    const std::vector<const Record*>& records_owned_by(std::string_view owner,
                                                       std::string_view type) const;
    // Records with a breach escalated to someone, in all_records() order.
    std::vector<const Record*> escalated_records() const;
    // The records of `type` that stand at one of `stages` in `flow` (at that
    // stage, or ended or exited with that outcome: listed_stage()), in
    // all_records() order. A list filtered by stage reads these rather than
    // every record of the type.
    std::vector<const Record*> records_at_stages(std::string_view type, const std::string& flow,
                                                 const std::set<std::string>& stages) const;
    // Whether `a` comes before `b` in all_records(): by schema type, then as
    // each joined the workspace.
    bool listed_before(const Record& a, const Record& b) const;
    // Records of `type` with an automation that could not run, and records
    // of `type` that are or were in a process; in ids_of_type() order.
    const std::vector<const Record*>& failed_records(std::string_view type) const;
    const std::vector<const Record*>& records_in_processes(std::string_view type) const;

    // Records whose record_ref fields point at `id`, in the order they
    // joined the workspace. An index: a company's contacts are found without
    // a scan.
    const std::vector<std::string>& referrers_of(std::string_view id) const;

    // "Acme Corp", "Dana Whitfield"; falls back to the id.
    std::string title_of(const Record& record) const;
    // A record with its title folded for matching (fold_text(): case and
    // accents aside).
    struct TitledRecord {
        const Record* record;
        std::string folded;
    };
    // The records of `type` with their folded titles, in ids_of_type()
    // order: what the palette and the record pickers search, so that a
    // keystroke compares one kept string per record instead of working out
    // every title again. Worked out on first use after a change. Valid
    // until the next edit(), put(), add() or erase() of any record.
    const std::vector<TitledRecord>& titled_records(std::string_view type) const;

    // The id the next record of `type` made on `device` gets: "deal-k7m2qx-42"
    // ("deal-42" without a device). The device tag keeps ids made offline on
    // two devices apart; the number counts per type. `offset` looks further
    // ahead, for a batch that creates several records of the type.
    std::string peek_next_id(std::string_view type, std::string_view device,
                             std::size_t offset = 0) const;

    // For applying events: a record to change in place (its id and type
    // stay). What was worked out from it and kept with it is dropped.
    Record* edit(std::string_view id);
    // Adds the record, or replaces the one with its id; returns it as kept.
    const Record& put(Record record);
    // Adds the record unless its id is taken (then nothing, and null): one
    // look-up, for reading 100k records.
    const Record* add(Record&& record);
    void erase(std::string_view id);
    // After a record's fields changed through edit(): keeps referrers_of() right.
    void reindex_links(std::string_view id);
    // The owner and escalations change through these, which keep
    // records_owned_by() and escalated_records() right. No people: nobody.
    void set_owner(std::string_view id, std::string owner);
    void set_escalation(std::string_view id, const std::string& policy,
                        std::optional<std::vector<std::string>> people);
    // After applying an event about a record: keeps the indexes of its
    // engine state (processes, failed automations) right. reindex_all()
    // after events that change many records at once.
    void reindex_record(std::string_view id);
    void reindex_all() { m_indexes.valid = false; }
    // Keeps ids unique after import: the next number is above every id seen.
    void note_id(std::string_view type, std::string_view id);
    const std::map<std::string, long long>& next_numbers() const { return m_next_numbers; }
    void set_next_number(const std::string& type, long long number);

  private:
    // Records by position, within one type: what the indexes below hold.
    using ByPosition = std::vector<const Record*>;
    // records_of_type() and the owner and escalation indexes. A copied
    // workspace's pointers would point into the original, so a copy starts
    // stale and is rebuilt on first use; a move keeps the map's nodes, so it
    // stays valid.
    struct Indexes {
        std::unordered_map<std::string, ByPosition> by_type;
        // owner -> type -> their records
        std::unordered_map<std::string, std::unordered_map<std::string, ByPosition>> by_owner;
        std::unordered_map<std::string, ByPosition> escalated; // type -> records
        std::unordered_map<std::string, ByPosition> failed;    // type -> records
        std::unordered_map<std::string, ByPosition> in_flows;  // type -> records
        // type -> flow -> listed_stage() -> records
        std::unordered_map<
            std::string,
            std::unordered_map<std::string, std::unordered_map<std::string, ByPosition>>>
            by_stage;
        bool valid = true;
        Indexes() = default;
        Indexes(const Indexes&) : valid(false) {}
        Indexes& operator=(const Indexes&) {
            *this = Indexes();
            valid = false;
            return *this;
        }
        Indexes(Indexes&&) = default;
        Indexes& operator=(Indexes&&) = default;
    };

    std::unordered_map<std::string, Record> m_records;
    std::unordered_map<std::string, std::vector<std::string>> m_ids_by_type;
    mutable Indexes m_indexes;
    std::uint64_t m_last_position = 0;
    std::map<std::string, long long> m_next_numbers;
    // The link index: what each record points at, and who points at each.
    // Built on first use (a workspace opens without waiting for it: My work
    // does not ask), then kept as records change.
    struct Links {
        std::unordered_map<std::string, std::vector<std::string>> from;
        std::unordered_map<std::string, std::vector<std::string>> referrers;
        bool built = false;
    };
    mutable Links m_links;
    // titled_records(), by type, with the title fields each was worked out
    // from (the schema may change them). Emptied by any change to a record;
    // a copy starts empty, its pointers being the original's.
    struct Titles {
        std::unordered_map<std::string, std::vector<TitledRecord>> by_type;
        std::unordered_map<std::string, std::vector<std::string>> title_fields;
        Titles() = default;
        Titles(const Titles&) {}
        Titles& operator=(const Titles&) {
            *this = Titles();
            return *this;
        }
        Titles(Titles&&) = default;
        Titles& operator=(Titles&&) = default;
        void forget() {
            by_type.clear();
            title_fields.clear();
        }
    };
    mutable Titles m_titles;

    std::vector<std::string> link_targets(const Record& record) const;
    const Links& links() const;
    void link(const Record& record) const;
    void unlink(const std::string& id) const;
    const Indexes& indexes() const;
    // Takes the record out of every stage list of its type, then lists it
    // where it stands now (unless `listed` is false): where it stood before
    // is not kept, and a type has a handful of stages.
    void sync_stages(const Record& record, bool listed) const;
    // The owner, escalation, failure and process indexes (type -> records),
    // each with whether `record` belongs in it: the one place that says so.
    struct IndexMembership {
        std::unordered_map<std::string, ByPosition>* index; // none: no owner
        bool belongs;
    };
    std::array<IndexMembership, 4> memberships(const Record& record) const;
    // Lists `record` in those indexes as it stands now; unlist() takes it
    // out of all of them.
    void sync_indexes(const Record& record);
    // sync_indexes() of a record that just joined, which no index lists yet.
    void list_new(const Record& record) const;
    void unlist(const Record& record);
    // Records in all_records() order from an index's type -> records.
    std::vector<const Record*>
    in_type_order(const std::unordered_map<std::string, ByPosition>& by_type) const;
};

} // namespace crm
