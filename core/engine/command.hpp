// Commands: what a person or automation asks the engine to do. Every command
// is checked as a whole by decide(); a rejected one changes no data (a move
// its gate stopped is journaled for the manager's exception queue).
#pragma once

#include "automation/rule.hpp"
#include "engine/event.hpp"
#include "model/notification.hpp"
#include "model/saved_view.hpp"
#include "model/schema.hpp"
#include "process/flow.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <variant>

namespace crm {

struct CreateRecord {
    std::string type;
    nlohmann::json fields = nlohmann::json::object();
    std::optional<std::string> owner; // defaults to the actor
};

// Changes the given fields only; a null value clears a field. Changing a
// flow's stage field (deal.stage) is a stage move, with the move's gates.
struct UpdateRecord {
    std::string id;
    nlohmann::json fields = nlohmann::json::object();
    std::optional<std::string> owner; // set to reassign ("" unassigns)
    bool confirm_warnings = false;    // pass a warn gate; the override is recorded
};

// Moves a record in a flow: to a stage, to an outcome (ends the flow) or to
// an exit (leaves it early). The one transition path for board, form, CLI
// and automation. `fields` are filled in as part of the move.
struct MoveRecord {
    std::string id;
    std::string to;   // a stage, outcome or exit: id or name
    std::string flow; // "" = the record's only active flow
    nlohmann::json fields = nlohmann::json::object();
    std::string reason; // required by exits and some outcomes
    bool confirm_warnings = false;
};

// Replaces the process definitions (admins). Records in a removed stage need
// a place in the new definition: stage_mapping[flow][old stage] = new stage.
struct SetProcesses {
    std::vector<Flow> flows;
    std::map<std::string, std::map<std::string, std::string>> stage_mapping;
};

struct DeleteRecord {
    std::string id;
};

struct AddField {
    std::string type;
    FieldDef field;
};

struct AddRecordType {
    RecordTypeDef type;
};

// Brings a deleted record back as it was, with its history. `record` is what
// the deletion kept (record_to_json() form, from the journal).
struct RestoreRecord {
    std::string id;
    nlohmann::json record;
};

// Saves a list view for the actor, replacing theirs of the same name. The
// view's owner is always the actor: views are personal.
struct SaveView {
    SavedView view;
};

// Deletes one of the actor's own views, by name.
struct DeleteView {
    std::string name;
};

// Automation only (the kAutomationActor): reactions and the timer.

// Starts `flow` for the record if its start condition holds, or joins it at
// the stage its stage field names; records why a start could not happen.
struct StartFlow {
    std::string id;
    std::string flow;
};

// Journals the SLA pauses that began or ended on the record.
struct TrackPauses {
    std::string id;
};

// Marks the actor's own notifications read: the given ids, or (all) every
// unread one. Nobody marks another person's.
struct MarkNotificationsRead {
    std::vector<std::string> ids;
    bool all = false;
};

// Automation only: puts notifications in people's inboxes. decide() gives
// each its id and time; people not in the directory are left out.
struct Notify {
    std::vector<Notification> notifications;
};

// Logs a call, meeting, email or note on a record and completes what it
// satisfies, in one batch: the activity (linked to the record), the task it
// answers marked done, the record's first contact filled in (which stops the
// SLA clocks waiting for it, and moves the record on when the next stage's
// gate now passes, through the same gate as any move) and a next-step task.
// Logged on a task, the activity is about the task's record and the task is done.
struct LogActivity {
    std::string id;      // the record (or a task)
    std::string kind;    // "call", "meeting", "email" or "note" (any case)
    std::string outcome; // one of activity_outcomes(kind); a note has none
    std::string notes;
    std::string task;                 // an open task of the record it answers; "" = none
    bool answers_oldest_task = false; // or: the record's oldest open task
    std::string next_title;           // a next step: a task owned by the actor ...
    std::optional<Instant> next_due;  // ... due then (required with a title)
};

// One row of an import: a new record (no id) or changes to an existing one.
struct ImportRow {
    std::size_t row = 0; // where it came from (a CSV's row number), for messages
    std::string id;      // "" creates a record
    nlohmann::json fields = nlohmann::json::object();
    std::optional<std::string> owner; // creates default to the actor
    // A create only: the id the new record gets, kept from where it came
    // from (a workspace file merged in); "" = the next free id. It must be an
    // id of the row's type that no record has.
    std::string new_id;
    std::string type; // "" = the import's type
};

// Brings many records in as one batch: every row is checked as CreateRecord
// or UpdateRecord would check it, and nothing is kept unless all pass. Rows
// may refer to records other rows add. History shows one import, which can
// be undone as a whole.
struct ImportRecords {
    std::string type;   // "" = every row names its type (a workspace file merged in)
    std::string source; // "contacts.csv": what history names
    std::vector<ImportRow> rows;
};

// Takes back a whole batch (an import, a merge): records it created are
// deleted, records it deleted come back, fields it changed get their old
// values. `batch` is the batch as the journal kept it; the caller has made
// sure nothing changed those records since (core/service/batch_undo.hpp).
struct RevertBatch {
    EventBatch batch;
    std::string what; // "the import of contacts.csv": what history names
};

// Automation only: starts many flows in one batch (what an import started).
struct StartFlows {
    std::vector<StartFlow> starts;
};

// Folds `other` into `keep` (two records of one type, a likely duplicate):
// keep's values stay, except the fields named in `from_other` ("owner" for
// the owner) and blanks that `other` fills; every record that refers to
// `other` (activities, tasks, deals) then refers to `keep`, and `other` is
// deleted with its data kept. One batch, undone as a whole.
struct MergeRecords {
    std::string keep, other;
    std::vector<std::string> from_other;
};

// Flags a problem someone saw in a record's data ("the phone is the
// switchboard") for the data-quality queue. Anyone who may see the record may.
struct FlagDataProblem {
    std::string id;
    std::string note; // what is wrong, required
};

// Clears a record's open data problems once they are dealt with: for those
// who may edit the record. `note` says what was done (may be empty).
struct ResolveDataProblems {
    std::string id;
    std::string note;
};

// One person of a people import, as the file wrote it (the engine trims and
// checks every cell). An empty cell sets nothing on a person already known.
struct PersonRow {
    std::size_t row = 0; // where it came from (a CSV's row number), for messages
    std::string id;      // "" = the user with this email, or a new one
    std::string name, email;
    std::string role;    // rep, manager or admin, any case; "" = rep for a new person
    std::string team;    // a team's id or name; a name no team has makes a new team
    std::string manager; // the manager of the row's team: a user's email, name or id
};

// Brings users and teams in as one batch (admins): people are matched by
// email (or id), so the same file again changes nothing; teams named that do
// not exist are made; a team's manager is found among the users as they
// stand after the import. Nothing is kept unless every row passes. Not undone.
struct ImportPeople {
    std::string source; // "people.csv": what history names
    std::vector<PersonRow> rows;
};

// Replaces the automation rules (admins). Every field, person, flow and
// policy they name must exist: a rule that does not fit is refused by name.
struct SetRules {
    std::vector<AutomationRule> rules;
};

// Automation only: runs one action (`step`) of a rule on a record, for an
// occasion ("created", "renewal_date=2027-06-30:-120"); the next step follows
// as a reaction. A time-driven occasion runs once per record.
struct RunRule {
    std::string rule, record, occasion;
    std::size_t step = 0;
};

// The recovery queue's Retry: runs again what automation could not do on
// the record (a rule from the action that failed, a flow start). For those
// who may edit the record.
struct RetryAutomation {
    std::string id, automation; // the record, the failure's key ("rule:route_dach")
};

// The recovery queue's Dismiss: takes a failure off the queue with a note
// (done by hand, not wanted). For those who may edit the record.
struct DismissAutomation {
    std::string id, automation, note;
};

// Sets when a person is out of office (themselves, their manager, or an admin):
// routing skips them on those days.
struct SetAway {
    std::string user;
    std::vector<AwayPeriod> away;
};

// Replaces the lead scoring model (admins); none removes it. Every lead is
// rescored after, as a reaction (core/scoring/score_reactor.hpp).
struct SetLeadScoring {
    std::optional<LeadScoring> scoring;
};

// Automation only: brings the leads' scores up to date, and hands to sales
// (mql_at, status) those at the MQL threshold that never were.
struct ScoreLeads {
    std::vector<std::string> ids;
};

// Converts a lead into a customer in one batch: its company and contact
// (existing ones, or new ones made from the lead) and a deal in the process
// that starts from leads (the sales pipeline), linked to the lead. The lead
// keeps where it went; a deal the lead already started is used, not copied.
struct ConvertLead {
    std::string lead;
    std::string company;   // an existing company's id; "" = a new one from the lead
    std::string contact;   // an existing contact's id; "" = a new one from the lead
    std::string deal_name; // "" = the company's name
};

// Accepts a quote: marks it accepted, makes an order from its lines and wins
// its deal through the won outcome's gate, as any move (which starts
// onboarding). One batch; refused whole when the deal cannot be won.
struct AcceptQuote {
    std::string quote;
};

// Settles a conflict two devices' changes made (docs/sync.md): the value
// that stands stays, or the other one is kept instead, as a change of its own.
struct ResolveConflict {
    std::string conflict; // its id
    bool keep_other = false;
};

using Command =
    std::variant<CreateRecord, UpdateRecord, DeleteRecord, AddField, AddRecordType, MoveRecord,
                 SetProcesses, RestoreRecord, StartFlow, TrackPauses, MarkNotificationsRead, Notify,
                 SaveView, DeleteView, LogActivity, ImportRecords, RevertBatch, StartFlows,
                 MergeRecords, FlagDataProblem, ResolveDataProblems, ImportPeople, SetRules,
                 RunRule, RetryAutomation, DismissAutomation, SetAway, SetLeadScoring, ScoreLeads,
                 ConvertLead, AcceptQuote, ResolveConflict>;

// "update", "move", ...: how history names the command that caused a batch.
const char* command_name(const Command& command);

} // namespace crm
