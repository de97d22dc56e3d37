// Events: the facts a command produced. They are journaled in batches (one
// batch per command) and are the only way state changes after load. Each
// kind is one struct; applying it is one small function (event.cpp).
#pragma once

#include "model/schema.hpp"
#include "model/team_sync.hpp"
#include "model/workspace.hpp"
#include "process/flow.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace crm {

namespace events {

struct RecordCreated {
    std::string id, type, owner;
    nlohmann::json fields = nlohmann::json::object();
};
// Only the fields that changed, with what they held before (null = unset),
// so history reads "Amount: $12,000 -> $15,000" without replaying anything.
struct RecordUpdated {
    std::string id;
    nlohmann::json fields = nlohmann::json::object(); // new values; null clears
    nlohmann::json before = nlohmann::json::object(); // the same keys, old values
    std::optional<std::string> owner;                 // set when reassigned ("" unassigns)
    std::string owner_before;
};
// Keeps the whole record as it was, so it can be restored with its history.
struct RecordDeleted {
    std::string id;
    nlohmann::json record; // record_to_json() of it; null in journals before version 2
};
struct RecordRestored {
    std::string id;
    nlohmann::json record; // as RecordDeleted kept it
};
struct FieldAdded {
    std::string type;
    FieldDef field;
};
struct TypeAdded {
    RecordTypeDef type;
};
struct FlowStarted {
    std::string id, flow, stage;
};
// The record already stood at `stage` by its stage field (imported, set
// elsewhere); the flow takes it from there instead of starting over.
struct FlowJoined {
    std::string id, flow, stage; // a stage, or an outcome the record already reached
    Instant since;               // when its stage field last changed
};
struct StageMoved {
    std::string id, flow, from, to;
    std::vector<std::string> warnings; // a warn gate passed on confirmation
};
struct FlowEnded {
    std::string id, flow, from;
    std::string status;  // "ended" (an outcome) or "exited"
    std::string outcome; // the outcome's or exit's id
    std::string reason;
    std::vector<std::string> warnings;
};
struct FlowSpawned {
    std::string id, flow, record; // the flow started on `record`, a new record linked to `id`
};
struct MoveBlocked {
    std::string id, flow, to;
    std::vector<std::string> missing, failing;
};
struct ProcessesChanged {
    std::vector<Flow> flows;
    std::map<std::string, std::map<std::string, std::string>> mapping; // flow -> old -> new stage
};
struct SlaBreached {
    std::string id, policy, due;
    std::vector<std::string> recipients;
    std::optional<std::vector<std::string>> escalated_to;
};
struct SlaPaused {
    std::string id, policy;
};
struct SlaResumed {
    std::string id, policy;
};
// Kept on the record until it runs: the manual recovery queue.
struct AutomationFailed {
    std::string id, automation, reason;
};
struct AutomationCleared {
    std::string id, automation;
    std::string note; // a person's dismissal: what they did instead (may be "")
};
// The automation rules were replaced (an admin's SetRules).
struct RulesChanged {
    std::vector<AutomationRule> rules;
};
// One action of a rule ran on the record `id` (or could not: `failed` says
// why, and the record waits in the recovery queue). The automation log.
struct RuleStepRan {
    std::string id, rule, occasion;
    std::size_t step = 0;
    std::string did, failed;
    std::string assigned; // the person a round-robin gave the record to, for its counts
};
// One notification in one person's inbox. Not about a record in the journal's
// sense (no "id"): the record it names may be deleted later.
struct NotificationSent {
    Notification notification;
};
// A person read some of their notifications.
struct NotificationsRead {
    std::string user;
    std::vector<std::string> ids;
};
// A person's saved list, new or replacing theirs of the same name. Not about
// a record, so it has no `id`.
struct ViewSaved {
    SavedView view;
};
struct ViewDeleted {
    std::string owner, name;
};
// What an import brought in, for history ("Imported 120 Contacts from
// contacts.csv"); the records themselves come with it in the same batch.
struct RecordsImported {
    std::string type, source;
    std::size_t added = 0, updated = 0;
};
// A batch taken back as a whole (an import, a merge); its inverse events
// come with it in the same batch.
struct BatchReverted {
    std::uint64_t seq = 0;
    std::string what; // "the import of contacts.csv"
};
// `other` folded into record `id` (MergeRecords), for history; the changes
// come with it in the same batch, other's deletion last.
struct RecordsMerged {
    std::string id, other;
    std::string other_title; // "Dana Whitfield": other is gone afterwards
};

// Someone saw a problem in the record's data; it waits in the data-quality queue.
struct DataProblemFlagged {
    std::string id, note;
};
// The record's open data problems were dealt with (`note` says how, may be empty).
struct DataProblemsResolved {
    std::string id, note;
};
// A user or team a people import added or changed; an update keeps what it
// was before. About people, not a record: no `id` member.
struct UserAdded {
    User user;
};
struct UserUpdated {
    User user, before;
};
struct TeamAdded {
    Team team;
};
struct TeamUpdated {
    Team team, before;
};
// What a people import did, for history ("the import of people.csv"); its
// users and teams come with it in the same batch.
struct PeopleImported {
    std::string source;
    std::size_t added = 0, updated = 0;
};

// The lead scoring model replaced (none: removed); the rescores follow as reactions.
struct LeadScoringChanged {
    std::optional<LeadScoring> scoring;
};

// Merging another device's batch found a change to a record deleted here,
// or a deletion of a record changed here (docs/sync.md): it waits in the
// conflict queue. Found by each device as it merges; never sent.
struct ConflictNoted {
    SyncConflict conflict;
};
// Merging another device's batch broke a gate or a permission here
// (SyncProblem). Found by each device as it merges; never sent.
struct SyncProblemNoted {
    SyncProblem problem;
};
// Someone dismissed a deletion conflict (the record stays deleted) or a
// sync problem (SyncProblem::id).
struct ConflictResolved {
    std::string conflict;
};
// Merging left these heads for one value of record `id` (TeamSync::heads).
struct HeadsSet {
    std::string id, key;
    std::vector<Head> heads;
};
// Someone kept the value that stands in a conflict: a write of the same
// value that has seen every head, so it replaces them on every device.
struct ValueConfirmed {
    std::string id, key;
    nlohmann::json value;
};
// How far this device has synced with its team database. Never sent to it.
struct SyncCheckpoint {
    std::string database, since;
    std::uint64_t pushed_through = 0;
};

} // namespace events

using EventData = std::variant<
    events::RecordCreated, events::RecordUpdated, events::RecordDeleted, events::RecordRestored,
    events::FieldAdded, events::TypeAdded, events::FlowStarted, events::FlowJoined,
    events::StageMoved, events::FlowEnded, events::FlowSpawned, events::MoveBlocked,
    events::ProcessesChanged, events::SlaBreached, events::SlaPaused, events::SlaResumed,
    events::AutomationFailed, events::AutomationCleared, events::NotificationSent,
    events::NotificationsRead, events::ViewSaved, events::ViewDeleted, events::RecordsImported,
    events::BatchReverted, events::RecordsMerged, events::DataProblemFlagged,
    events::DataProblemsResolved, events::UserAdded, events::UserUpdated, events::TeamAdded,
    events::TeamUpdated, events::PeopleImported, events::RulesChanged, events::RuleStepRan,
    events::LeadScoringChanged, events::ConflictNoted, events::ConflictResolved, events::HeadsSet,
    events::ValueConfirmed, events::SyncCheckpoint, events::SyncProblemNoted>;

struct Event {
    EventData data;

    template <typename T> Event(T event) : data(std::move(event)) {}
    // "record.updated": the journal's name for the kind.
    const char* kind() const;
    // The record it is about ("" for schema and process definitions).
    const std::string& record_id() const;
    template <typename T> const T* as() const { return std::get_if<T>(&data); }
    // The workspace setting it replaces, stamped as a record's value is
    // (kSettingsStampId): "processes", "rules", "scoring", "user:<id>",
    // "team:<id>" or "view:<owner>/<name>". "" when it changes none.
    std::string setting() const;
};

// Why a batch happened: a person's (or the CLI's) command, or a reaction to an
// earlier batch of this journal (by its seq), or the timer.
struct Cause {
    std::string command;     // "update", "move", "timer", ...; empty for reactions
    std::uint64_t after = 0; // the seq of the batch this reaction answered
    std::string reactor;     // "Sales pipeline start": what reacted, in words
};

// Everything one command did, as one atomic journal entry.
struct EventBatch {
    std::uint64_t seq = 0;
    std::string device; // the device that made it ("" in journals before version 2)
    Instant at;
    std::string actor; // a user id, or kAutomationActor
    Cause cause;
    std::vector<Event> events;
    // Its stamp's clock (TeamSync): 0 in journals from before sync.
    std::uint64_t clock = 0;
    // What its device had applied of other devices' batches when it was made.
    SeenBatches deps;
    // A batch another device made, as it is merged here: its seq there. Its
    // `seq` is this journal's and its `device` the one that made it.
    std::uint64_t origin_seq = 0;
};

// Who made a batch and what it answered, for every batch kept: enough to say
// "by automation (Sales pipeline start), after Ana Reyes's change".
struct BatchOrigin {
    std::string actor;
    std::uint64_t after = 0; // the batch it reacted to, 0 for a command
    std::string reactor;
};
using BatchOrigins = std::unordered_map<std::uint64_t, BatchOrigin>;

// The journal's format version; version 1 entries still read.
inline constexpr int kJournalFormatVersion = 2;

nlohmann::json batch_to_json(const EventBatch& batch);
// batch_to_json(batch).dump(), written without copying the records an import
// or an undo carries into a JSON tree first: the journal's line.
std::string batch_to_text(const EventBatch& batch);
// batch_to_text() added to `out`: an import's text is tens of megabytes.
void append_batch_text(std::string& out, const EventBatch& batch);
// Reads an entry of either version, checking every event's shape.
Result<EventBatch> batch_from_json(const nlohmann::json& json);

// Checks that a batch fits the workspace (ids exist or are new, types known)
// without changing it. apply_batch() runs it first.
Status check_batch(const Workspace& workspace, const EventBatch& batch);

// The events of `batch` that fit the workspace, each checked as check_batch()
// would after those kept before it; the others go to `dropped`. A merge of
// another device's batch keeps what still fits here.
EventBatch fitting_events(const Workspace& workspace, EventBatch batch,
                          std::vector<Event>* dropped = nullptr);

// Applies one batch to the workspace. Replay uses the same function, so a
// batch that no longer fits (damaged journal) is reported, not half-applied.
Status apply_batch(Workspace& workspace, const EventBatch& batch);
// apply_batch() for a batch check_batch() has just accepted: not checked twice.
Status apply_checked_batch(Workspace& workspace, const EventBatch& batch);

} // namespace crm
