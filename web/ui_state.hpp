// Everything the views remember between frames: selection, filters, the open
// form and its edit buffers. No business data lives here, only view state.
#pragma once

#include "automation/rule_draft.hpp"
#include "engine/command.hpp"
#include "model/notification.hpp"
#include "model/saved_view.hpp"
#include "query/board.hpp"
#include "query/data_quality.hpp"
#include "query/exceptions.hpp"
#include "query/history.hpp"
#include "query/my_work.hpp"
#include "query/related.hpp"
#include "query/search.hpp"
#include "query/totals.hpp"
#include "report/metrics.hpp"
#include "scoring/score.hpp"
#include "service/conversion.hpp"
#include "service/csv_import.hpp"
#include "service/duplicates.hpp"
#include "sla/time_zone.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace crm::web {

struct UiState;

// A read model that depends on the workspace, the person and the clock:
// recomputed when one of them changes (the clock by the minute), never per frame.
template <class T> struct MinuteCache {
    std::uint64_t workspace_version = UINT64_MAX;
    std::string user;
    std::int64_t minute = -1;
    T value;

    // True (and remembers the inputs) when `value` must be recomputed.
    bool refresh(std::uint64_t version, const std::string& who, Instant now) {
        const std::int64_t now_minute = now.seconds / 60;
        if (workspace_version == version && user == who && minute == now_minute) return false;
        workspace_version = version;
        user = who;
        minute = now_minute;
        return true;
    }
};

// "My work" as its screen shows it: the rows, and how many of them are
// overdue and at risk, counted once as the rows are found rather than on
// every frame (a busy rep has thousands).
struct WorkScreen {
    std::vector<WorkItem> rows;
    std::size_t overdue = 0;
    std::size_t at_risk = 0;
};

// The record page's panes: its fields, the records linked to it, its history.
enum class FormPane { Details, Related, History };

struct RecordSurroundings {
    std::optional<WorkItem> next;        // the most urgent open item, the rest under it
    std::vector<RelatedGroup> related;   // who points at it, by type
    std::optional<ScoreBreakdown> score; // a lead's, when the workspace scores leads
};

// One quote line as typed in the lines editor; the core reads the lines
// back from their text (parse_field_text) when the form is saved.
struct LineDraft {
    std::string product, quantity, price, discount;
};

// An open record picker's choices, found again only when what they depend on
// changes, not on every frame it is open: a "Related to" picker looks
// through every record of the workspace.
struct PickerChoices {
    // All the choices depend on (of the field, only its target type).
    struct Inputs {
        std::string target_type, filter;
        std::vector<std::string> nearby;
        std::string user;
        std::uint64_t workspace_version = UINT64_MAX;
        bool operator==(const Inputs&) const = default;
    };
    Inputs inputs;
    ReferenceChoices found;
};

// A long list whose rows differ in height (so no clipper) drawn a page at a
// time: how many rows it draws now; draw_show_more() offers the next page.
struct ListPages {
    static constexpr std::size_t kPage = 50;
    std::size_t shown = kPage;
    std::size_t drawn(std::size_t total) const { return std::min(shown, total); }
};

// The record editor: text buffers per field, parsed by the core on save.
struct RecordForm {
    bool open = false;
    bool creating = false;
    std::string type;
    std::string record_id;
    std::map<std::string, std::string> values;   // field id -> text as typed
    std::map<std::string, std::string> original; // the text each field opened with
    std::string owner;
    std::string original_owner;
    std::map<std::string, std::string> problems;          // field id -> inline message
    std::map<std::string, std::string> reference_filters; // search text in record pickers
    // The open record picker's choices: this form's or the board's move
    // dialog's (one picker is open at a time).
    PickerChoices picker;
    std::string message; // what stopped the save
    // Records the last Create looks like (it waits for "Create anyway").
    std::vector<DuplicatePair> likely_duplicates;
    bool create_anyway = false;
    bool confirm_delete = false;
    // "Flag a data problem": the note being written, and why it was refused.
    bool flagging = false;
    bool focus_flag_note = false; // the note box just opened: it takes the keyboard
    bool show_flag_box = false;   // scroll the box and its buttons into view (opened, refused)
    std::string flag_note, flag_message;
    bool focus_first = false;
    bool editing_multiline = false; // Enter is a new line there, not "save"
    bool scroll_to_top = true;      // a record opens at its top, not where the last one was
    // Line-items fields (a quote's lines) being edited, by field id.
    std::map<std::string, std::vector<LineDraft>> line_drafts;
    // The record's timeline, read from the kept journal when the record or
    // the workspace changes, never per frame.
    std::vector<TimelineEntry> history;
    // A long-lived record's timeline is drawn a page at a time, newest first.
    ListPages history_pages;
    FormPane pane = FormPane::Details;
    // What is next on the record and what links to it, kept until the
    // workspace, the record or the minute changes.
    MinuteCache<RecordSurroundings> surroundings;
    std::string history_of;
    std::uint64_t history_version = UINT64_MAX;
};

// The person's last change, until it is undone or another change replaces
// it: the batch it committed and the record's version just after, so undo can
// refuse when someone (or something) changed the record since.
struct LastChange {
    EventBatch batch;
    std::uint64_t version_after = 0;
    std::string notice; // the notice that announced it: Undo shows beside it
    // A file merged in: taken back whole from the journal, refused in words
    // when something has touched its records since.
    bool whole_batch = false;
};

// Asking for what a blocked or warned move needs, then moving.
struct MoveDialog {
    bool open = false;
    std::string record_id, flow, to, to_name;
    std::vector<std::string> missing; // field ids to fill in
    std::vector<std::string> failing; // conditions not met, in words
    bool warning = false;             // a warn gate: may be confirmed
    bool needs_reason = false;
    std::string reason;
    std::map<std::string, std::string> values, filters, problems;
    std::string message;
    bool popup_was_open = false; // a picker (see dialog_escape)
};

// The board's columns, recomputed only when one of their inputs changes.
struct BoardCache {
    std::uint64_t workspace_version = UINT64_MAX;
    std::string flow, viewer;
    std::vector<BoardColumn> columns;
};

// The list's rows and their totals, recomputed only when an input changes.
struct ListCache {
    std::uint64_t workspace_version = UINT64_MAX;
    std::string type, viewer, search, sort_by, filter;
    bool ascending = true;
    std::vector<std::string> ids;
    ListTotals totals;
    std::uint64_t refreshes = 0; // up by one each time the rows are worked out again
};

// The date filter's bounds as typed, and what is wrong with them.
struct ListFilterText {
    std::string from, to, problem;
};

// The list's selection for bulk actions. On a phone, taps select only in
// selecting mode; elsewhere each row has a checkbox.
struct BulkSelection {
    const std::set<std::string>& ids() const { return m_ids; }
    bool selecting = false;
    std::vector<std::string> refused; // the last bulk action's refusals: "Title: why"

    void toggle(const std::string& id) {
        if (!m_ids.erase(id)) m_ids.insert(id);
        ++m_changes;
    }
    void untick(const std::string& id) {
        m_ids.erase(id);
        ++m_changes;
    }
    void tick_all(const std::vector<std::string>& shown) {
        m_ids.insert(shown.begin(), shown.end());
        ++m_changes;
    }
    // Whether every row the list shows is ticked: the header's box asks on
    // every frame, so it is worked out again only when the selection or the
    // rows (`rows_version`, ListCache::refreshes) changed.
    bool all_ticked(const std::vector<std::string>& shown, std::uint64_t rows_version) const {
        if (m_all.changes != m_changes || m_all.rows_version != rows_version) {
            m_all = {m_changes, rows_version,
                     !shown.empty() && m_ids.size() >= shown.size() &&
                         std::all_of(shown.begin(), shown.end(),
                                     [&](const std::string& id) { return m_ids.count(id) > 0; })};
        }
        return m_all.all;
    }

  private:
    struct AllTicked {
        std::uint64_t changes = UINT64_MAX, rows_version = UINT64_MAX;
        bool all = false;
    };
    std::set<std::string> m_ids;
    std::uint64_t m_changes = 0;
    mutable AllTicked m_all;
};

// Saving the list's filters as a named view.
struct ViewNaming {
    bool open = false;
    std::string name;
    std::string message; // why it was refused
};

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
};

enum class Screen {
    MyWork,
    Exceptions,
    Records,
    Board,
    Designer,
    Inbox,
    Duplicates,
    DataQuality,
    Automation,
    Reports,
    Conflicts
};

// The process designer's draft: edited freely, checked by the core on every
// change (the engine decides the SetProcesses command saving would send), and
// saved as that one command.
struct DesignerState {
    bool open = false;
    std::vector<Flow> draft;
    std::string flow;                                  // selected flow id
    std::string item;                                  // selected stage, outcome or exit id
    std::map<std::string, std::string> condition_text; // "flow/item" -> JSON as typed
    std::map<std::string, std::string> condition_error;
    std::vector<std::string> problems;   // validate_flows() on the draft, one per problem
    std::vector<StrandedStage> stranded; // removed stages that still hold records
    // Why the engine would refuse to save the draft as it stands ("" = it would accept).
    std::string verdict;
    bool dirty = false; // changed since opened or saved
    std::map<std::string, std::map<std::string, std::string>> mapping; // removed stage -> new
    // What saving said, and whether that is the news that it worked.
    std::string message;
    bool saved = false;
};

// The person's notifications, copied when the workspace or person changes.
struct InboxCache {
    std::uint64_t workspace_version = UINT64_MAX;
    std::string user;
    std::vector<Notification> items; // newest first
    std::size_t unread = 0;
};

// The quick form for logging a call, meeting, email or note on a record.
struct LogForm {
    bool open = false;
    std::string record_id, task_id; // the task it answers, if opened from one
    std::string kind = "call", outcome, notes, next_title, next_due;
    std::string message;         // why it was refused
    bool popup_was_open = false; // a picker or calendar (see dialog_escape)
};

// "Convert lead": the plan the core proposed, and what the person chose:
// link the company and contact found, or make new ones.
struct ConvertDialog {
    bool open = false;
    ConversionPlan plan;
    bool link_company = true, link_contact = true;
    std::string deal_name;
    std::string named_after;     // the company the deal's name was given from, while untouched
    std::string message;         // why it was refused
    bool popup_was_open = false; // (see dialog_escape)
};

// The command palette: what was typed, the highlighted entry, and the
// record hits for that text (searched again only when the text or the
// workspace changes).
struct Palette {
    bool open = false;
    std::string text;
    int selected = 0;
    std::string searched;
    std::uint64_t version = UINT64_MAX;
    std::vector<SearchHit> hits;
};

// Where the person was going when the form held unsaved edits: done after
// they choose to save (and it saved) or to discard.
using LeaveAction = std::function<void(const Workspace&, UiState&)>;

// The calendar that fills a date field: which field, and the month shown.
struct DatePicker {
    std::string field; // a key naming the field it fills ("" = closed)
    CivilDate month;   // the first of the month shown
    std::string time = "09:00";
};

// The spreadsheet import wizard: the file as read, the mapping being chosen,
// the dry run for that mapping, and what the import did (for its undo).
struct CsvImportWizard {
    bool open = false;
    std::string file_name; // "contacts.csv": shown, and kept in history
    CsvTable table;
    // Each column's first non-empty cell ("" if none), to show what it holds:
    // found once when the file is opened, not on every frame.
    std::vector<std::string> samples;
    std::string encoding; // as read: "utf-8" or "windows-1252"
    char delimiter = ',';
    std::string type; // the records the rows become
    ImportMapping mapping;
    // The mapped picklist columns' values that are no option (the rep's
    // choices for them are in mapping.values): found again only when the
    // columns change, as a file may have 100k rows.
    std::vector<UnmatchedField> unmatched;
    std::optional<ImportPlan> plan; // the dry run of the mapping as it stands
    bool show_report = false;       // scroll to the dry run's report once
    bool skip_failed = false;       // import the rows that pass, leave the others
    std::string message;            // why the mapping does not fit, or what went wrong
    std::string done;               // "Imported 3 added, ..." once committed
    std::uint64_t batch = 0;        // the committed import, for its undo
    bool undone = false;
};

// The duplicates review: the likely pairs of one record type (found again
// only when the workspace or the type changes), the pair open, which of its
// records stays, and the fields whose value comes from the one that goes.
struct DuplicatesReview {
    std::string type = "contact";
    std::string searched_type, searched_user; // what `pairs` are for: the type, who sees them
    std::uint64_t version = UINT64_MAX;       // and the workspace version
    std::vector<DuplicatePair> pairs;
    int open = -1;        // the pair being reviewed
    bool swapped = false; // the pair's second record stays
    std::set<std::string> from_other;
};

// The data-quality screen: one of its three parts, the record type and
// quiet period it looks at, and what the core found for them (found again
// when the workspace, the person, the type, the period or the minute changes).
enum class QualityPart { Completeness, Inactive, Flagged };

struct DataQualityFindings {
    CompletenessReport completeness;
    std::vector<InactiveRecord> inactive;
    std::vector<FlaggedRecord> flagged;
    std::vector<std::string> least_complete_ids, inactive_ids; // the rows' records, in order
};

struct DataQualityScreen {
    QualityPart part = QualityPart::Completeness;
    std::string type = "contact";
    int inactive_days = 90;
    std::string found_for; // the type and period `findings` answer
    MinuteCache<DataQualityFindings> findings;
    ListPages flagged_pages; // the flagged queue, the longest waiting first
};

// A picked workspace file, asked about before anything changes: what merging
// its records and what replacing the workspace with it would do, and which
// of the two the person may do.
struct ImportQuestion {
    std::string file_name; // "backup.json"; "" = not asking
    std::string workspace; // the name the file gives its workspace
    std::string merge;     // "Merge into this workspace: 3 added, ..." or why it cannot
    bool can_merge = false;
    std::string replace; // "Replace this workspace: 3 added, ..." or why not
    bool can_replace = false;

    bool asking() const { return !file_name.empty(); }
};

// The rule editor (admins): a rule being written or changed, checked by the
// core when the draft changes (never per frame), saved as one SetRules.
struct RuleEditor {
    bool open = false;
    RuleDraft draft;
    CheckedRuleDraft checked;   // check_rule_draft() of the draft as it stands
    bool changed = false;       // edited since opened
    std::string message;        // why saving was refused
    std::string confirm_delete; // the rule whose deletion is being asked about
};

// The reports screen: whose numbers (the team's or one's own), over which
// period, the reports worked out for them (again when the workspace, the
// person, the minute or a choice changes, never per frame), and the records
// behind a bar or a number when one was clicked.
enum class ReportScope { Team, Mine };
enum class ReportPeriod { ThisMonth, LastMonth, ThisQuarter, LastSixMonths, ThisYear };

struct Dashboard {
    CivilDate from, to; // the period, in the workspace calendar's zone (where reports count days)
    std::map<std::string, Report> shown; // by panel: "revenue", "win_rate_by_owner", ...
    // Panels are worked out a few per frame, so that a big workspace never
    // holds one frame for all of them: the next one to work out.
    std::size_t next_panel = 0;
    bool complete() const;
};

struct ReportsScreen {
    ReportScope scope = ReportScope::Team;
    ReportPeriod period = ReportPeriod::LastSixMonths;
    std::string computed_for; // the scope and period `dashboard` answers
    MinuteCache<Dashboard> dashboard;
    // The records behind what was clicked: a title and their ids ("" = none).
    std::string drill_title;
    std::vector<std::string> drill_ids;
};

// Where team sync stands, as the app last saw it (team_sync.hpp words it).
// How many of others' changes not applied here the Team dialog keeps listed.
inline constexpr std::size_t kNotAppliedListed = 10;

struct SyncStatus {
    bool signed_in = false;
    bool other_tab = false; // a read-only tab: the writing tab syncs
    bool syncing = false;
    bool offline = false; // the browser says it has no network
    bool synced_once = false;
    Instant last_synced;
    std::optional<std::size_t> waiting; // this device's changes not on the server (once counted)
    std::string error;                  // the last sync's failure, in words ("" = it worked)
    Instant retry_at;
    // Others' changes that syncs could not apply here, in words, newest last.
    std::vector<std::string> not_applied;
};

// One side of a sync conflict as the queue shows it.
struct ConflictSideText {
    std::string value; // as the app shows field values ("USD 12,000", "Proposal sent")
    std::string who;   // a person's name
    std::string when;  // "5 min ago"
};

// An open sync conflict as the queue shows it: worked out when the workspace,
// the person or the minute changes, never per frame.
struct ConflictRow {
    std::string id, record_id;
    std::string title; // the record's, also when it was deleted here
    std::string field; // "Amount", "Owner", "Stage (Sales pipeline)"
    ConflictSideText kept, other;
    bool deletion = false; // a change to a record that was deleted elsewhere
    bool record_here = false;
};

// The team dialog: sign in (join a team database, or start one from this
// workspace), or, once signed in, where sync stands, Sync now and Sign out.
struct TeamDialog {
    bool open = false;
    std::string url, user, password;
    std::string message;         // why joining or starting was refused, in words
    std::string busy;            // "Joining the team…" while a join or a publish runs
    bool popup_was_open = false; // (see dialog_escape)
};

// Team sync as the views show it: set by the app on every tick.
struct TeamScreen {
    TeamDialog dialog;
    std::string database; // the team's, signed in or not ("" = not a team's workspace)
    std::string account;  // the person's user id, while signed in
    SyncStatus status;
    MinuteCache<std::vector<ConflictRow>> conflicts; // the ones this person may see
};

struct UiState {
    // Dates are shown and typed in this zone: the device's, else the
    // workspace calendar's (set by the app when the workspace opens).
    TimeZone zone = TimeZone::utc();
    DatePicker date_picker;
    std::string user;               // who is using the app: the team account, else a local choice
    Screen screen = Screen::MyWork; // a rep opens the app on what to do next
    MinuteCache<WorkScreen> work;   // "My work"
    MinuteCache<std::vector<ExceptionQueue>> exceptions; // the manager's queues
    // The one queue shown open (its group); "" = none (or the only one), so
    // the manager sees every group's count first. Opening one closes the
    // other, so a long queue never pushes the rest off the screen.
    std::string open_exception_group;
    // The recovery-queue item being dismissed (record, automation) and its note.
    std::pair<std::string, std::string> dismissing;
    std::string dismiss_note;
    bool automation_runs = false; // the automation screen shows its runs (else its rules)
    RuleEditor rule_editor;
    std::string flow;         // the board shown
    std::string board_column; // the stage a phone shows of the board
    BoardCache board;
    MoveDialog move;
    DesignerState designer;
    std::string type = "deal";
    std::string search;
    ListFilter filter; // owners, stage, dates: combined, done by the core
    ListFilterText filter_text;
    std::string view_name;     // the saved view the list shows ("" = none)
    bool filters_open = false; // a phone shows the list's filters on request
    ViewNaming naming;
    BulkSelection bulk;
    std::string sort_by = "title";
    bool sort_ascending = true;
    std::string selected;
    RecordForm form;
    ListCache list;
    std::vector<std::string> open_problems; // damage found when opening
    std::string notice;                     // "Imported 334 records"
    std::string warned_notice; // the notice, when not all was done ("Moved 0 of 14 …")
    bool notice_warns() const { return !warned_notice.empty() && notice == warned_notice; }
    std::optional<LastChange> undo; // offered beside the notice of the change
    std::string alert;              // the latest SLA breach news, shown as a warning
    std::string error_dialog;       // shown in a modal until dismissed
    ImportQuestion import_question; // a picked workspace file: merge it, or replace with it?
    bool nav_open = false;          // the navigation menu (phones and tablets)
    Palette palette;
    LogForm log;
    ConvertDialog convert;
    CsvImportWizard csv;
    DuplicatesReview duplicates;
    DataQualityScreen quality;
    ReportsScreen reports;
    InboxCache inbox;
    TeamScreen team;
    LeaveAction pending_leave;                // asked about unsaved edits; done on save or discard
    bool ask_leave = false;                   // the unsaved-edits question is showing
    std::map<std::string, Rect> widget_rects; // named widgets, for end-to-end tests
    int keep_active_in_view = 0;              // frames left to scroll the edited field into view
};

// What views ask the app to do; drained once per frame.
struct SubmitForm {};
struct DeleteSelected {};
struct ImportRequested {};
// The answer to the import question after a workspace file was picked.
struct AnswerImport {
    enum class Choice { Cancel, Merge, Replace };
    Choice choice = Choice::Cancel;
};
struct ExportRequested {};
// Move a record in a flow (board drop, form button); a blocked move opens the dialog.
struct RequestMove {
    std::string record_id, flow, to;
};
struct SubmitMove {
    bool confirm_warnings = false;
};
struct SaveProcesses {};
// One-click actions from "My work".
struct CompleteTask {
    std::string task_id;
};
struct SubmitLog {};
// From the exception queues: hand unowned work to someone.
struct AssignOwner {
    std::string record_id, owner;
};
struct UndoRequested {};
// Marks the person's notifications read: these, or all of them.
struct MarkRead {
    std::vector<std::string> ids;
    bool all = false;
};
// Saved views: the list as it is now under a name, or one gone.
struct SaveListView {
    std::string name;
};
struct DeleteListView {
    std::string name;
};
// Bulk actions on the list's selection, each record through the engine.
struct BulkReassign {
    std::string owner;
};
struct BulkMove {
    std::string flow, to;
};
// The CSV import wizard: the dry run of the mapping, the import, its undo.
struct CheckCsvImport {};
struct CommitCsvImport {};
struct UndoCsvImport {};
struct SaveFailedRows {};
// The duplicates review's Merge: `other` folds into `keep`.
struct MergeDuplicates {
    std::string keep, other;
    std::vector<std::string> from_other;
};
// A data problem flagged on the open record, or a record's problems resolved.
struct FlagProblem {
    std::string record_id, note;
};
struct ResolveProblems {
    std::string record_id;
};
// The automation screen: a rule turned on or off (admins).
struct ToggleRule {
    std::string rule_id;
    bool enabled = true;
};
// The rule editor's Save (its checked draft), and a rule deleted from the list.
struct SaveRule {};
struct DeleteRule {
    std::string rule_id;
};
// The recovery queue's fixes: run a failed automation again, or take it off
// the queue with a note (done by hand, not wanted).
struct FixAutomation {
    std::string record_id, automation;
    bool dismiss = false;
    std::string note;
};
// The funnel (views/funnel.cpp): convert a lead (open the dialog, then
// convert as chosen), a new quote on a deal, accepting a quote.
struct OpenConversion {
    std::string lead;
};
struct SubmitConversion {};
struct NewQuote {
    std::string deal;
};
struct AcceptQuoteRequested {
    std::string quote;
};
// The team dialog: join the team database typed (or sign in again to the
// one this workspace syncs with), start one from this workspace, sync now,
// sign out.
struct JoinTeam {};
struct PublishTeam {};
struct SyncNow {};
struct SignOut {};
// The conflict queue: keep the value that stands, or the other one.
struct KeepConflictSide {
    std::string conflict;
    bool keep_other = false;
};
// The exception queue's Reviewed beside a change a sync merged without its
// author's permission.
struct DismissSyncProblem {
    std::string problem, title;
};
using Intent =
    std::variant<SubmitForm, DeleteSelected, ImportRequested, ExportRequested, RequestMove,
                 SubmitMove, SaveProcesses, CompleteTask, SubmitLog, AssignOwner, UndoRequested,
                 MarkRead, SaveListView, DeleteListView, BulkReassign, BulkMove, CheckCsvImport,
                 CommitCsvImport, UndoCsvImport, SaveFailedRows, AnswerImport, MergeDuplicates,
                 FlagProblem, ResolveProblems, ToggleRule, SaveRule, DeleteRule, FixAutomation,
                 OpenConversion, SubmitConversion, NewQuote, AcceptQuoteRequested, JoinTeam,
                 PublishTeam, SyncNow, SignOut, KeepConflictSide, DismissSyncProblem>;

} // namespace crm::web
