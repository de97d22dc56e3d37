// The web app: owns the engine and the store, runs one frame of views and
// drains their intents at one point. Views only read state and push intents.
#pragma once

#include "engine/engine.hpp"
#include "saved_storage.hpp"
#include "service/bulk.hpp"
#include "service/workspace_merge.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"
#include "team_sync.hpp"
#include "ui_state.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace crm::web {

struct ViewContext;

class App {
  public:
    App();
    // Called once storage has loaded: opens the workspace, or creates the
    // demo workspace on a first visit.
    void open_workspace(bool read_only);
    bool is_open() const { return m_open; }
    bool open_failed() const { return m_open_failed; }
    // Shown instead of the app when the saved workspace cannot be read: says
    // so and offers to start again from a backup file (nothing is deleted).
    void recovery_frame();
    bool read_only() const { return m_read_only; }

    // Draws everything and applies what the views asked for; true when that
    // changed something (popups then need a few more frames to appear).
    bool frame();
    // Called every animation frame, drawn or not: timers. True when state changed.
    bool tick();
    // Folds the journal into the snapshot now (tests; the app does it on its
    // own when the journal passes 4 MiB). History is kept either way.
    void compact_now();
    // For benchmarks: sets one field of a record as its owner would, through
    // the engine (journaled, then saved like any edit). False when refused.
    bool test_update_field(const std::string& id, const std::string& field,
                           const nlohmann::json& value);

    const Workspace& workspace() const { return m_engine.workspace(); }
    UiState& ui() { return m_ui; }
    // The screen changed size (turned, an on-screen keyboard): the field being
    // edited is scrolled back into view over the next frames.
    void screen_resized() { m_ui.keep_active_in_view = 3; }
    std::uint64_t version() const { return m_version; }

    // For tests: a background sync now, as "Sync now" does.
    void sync_now_for_tests() { sync_team_now(); }

    // Test hooks read these.
    std::string test_state_json() const;
    // For tests: the reports screen shows every panel, worked out for the
    // workspace and person as they are now.
    bool reports_ready() const;

  private:
    void apply_intents();
    void submit_form();
    void delete_selected();
    void request_move(const RequestMove& request);
    void submit_move(bool confirm_warnings);
    void run_move(const MoveRecord& move);
    void open_move_dialog(const BlockedMove& blocked, const std::string& message);
    void draw_screen(ViewContext& view);
    std::string ui_signature() const; // what is shown, to notice a view changing it
    void save_processes();
    void complete_task(const std::string& task_id);
    void submit_log();
    void save_list_view(const std::string& name);
    void delete_list_view(const std::string& name);
    std::vector<std::string> bulk_ids() const;
    std::string stage_name(const std::string& flow_id, const std::string& to) const;
    void finish_bulk(const std::string& verb, const BulkResult& result, const std::string& where);
    void assign_owner(const std::string& record_id, const std::string& owner);
    void merge_duplicates(const MergeDuplicates& request);
    // Data quality (app_data_quality.cpp).
    void flag_problem(const FlagProblem& request);
    void resolve_problems(const ResolveProblems& request);
    void toggle_rule(const ToggleRule& request); // app_automation.cpp
    void save_rule();
    void delete_rule(const DeleteRule& request);
    // Replaces the rules (one SetRules); false, with the reason shown, when refused.
    bool set_rules(std::vector<AutomationRule> rules, const std::string& notice);
    nlohmann::json automation_json() const; // for tests: rules on or off, runs kept
    void fix_automation(const FixAutomation& request);
    // app_funnel.cpp: converting a lead, a new quote on a deal, accepting a quote.
    void open_conversion(const std::string& lead_id);
    void submit_conversion();
    void new_quote(const std::string& deal_id);
    void accept_quote(const std::string& quote_id);
    nlohmann::json data_quality_json() const; // for tests: what the screen found
    nlohmann::json reports_json() const;      // for tests: the dashboard's reports, what is open
    bool warn_of_duplicates(const RecordTypeDef& type, const nlohmann::json& fields);
    void remember_change(const Outcome& outcome);
    void undo_last_change();
    Result<Command> undo_whole_batch(std::uint64_t seq) const;
    void mark_read(const MarkRead& request);
    nlohmann::json inbox_json() const;        // for tests: the person's notifications
    nlohmann::json list_ids_json() const;     // for tests: the list's rows (the first 500)
    nlohmann::json palette_hits_json() const; // for tests: the palette's record hits, in order
    void refresh_history();
    nlohmann::json form_history_json() const; // for tests: the open record's timeline
    nlohmann::json work_json() const;         // for tests: the "My work" rows
    nlohmann::json form_clocks_json() const;  // for tests: the open record's SLA clocks
    nlohmann::json exception_groups_json() const;
    void reread_read_only();           // a read-only tab shows what the writing tab saved
    bool run_timers();                 // starts flows that came due; true when something started
    std::string designer_gate() const; // for tests: the selected stage's gate mode
    void import_file(const std::string& path);
    void answer_import(AnswerImport::Choice choice);
    void merge_import(const std::string& file_name, WorkspaceMerge& plan);
    void replace_workspace(Workspace workspace);
    // The CSV import wizard (app_csv_import.cpp).
    void open_csv_import(const std::string& path);
    void check_csv_import();
    void commit_csv_import();
    void undo_csv_import();
    void save_failed_rows();
    nlohmann::json csv_import_json() const;      // for tests: the wizard's state
    nlohmann::json duplicates_json() const;      // for tests: the pairs found and the one open
    nlohmann::json import_question_json() const; // for tests: the question about a picked file
    void export_workspace_file();
    void after_change();
    // Team sync (app_team.cpp): the account, the session running, the conflict queue.
    void open_team_link();
    bool run_team_sync(); // per tick; true when the screen should be drawn again
    bool step_team_session();
    bool start_sync_if_due();
    void finish_sync();
    void finish_join();
    void finish_publish();
    void join_team();
    void sign_in_again(const TeamAccount& account);
    void publish_team();
    void sign_out_team();
    void sync_team_now();
    void sign_in_as(const TeamAccount& account);
    void cancel_team_session();
    void workspace_synced(const std::string& form_record, std::uint64_t form_version);
    void count_waiting();
    OutboxReader team_outbox();
    bool update_team_view();
    void keep_conflict_side(const KeepConflictSide& request);
    void dismiss_sync_problem(const DismissSyncProblem& request);
    bool may_join(const std::string& database);
    void refresh_conflicts(const ViewContext& view);
    const DeletedRecord& deleted_record_of(const std::string& id);
    nlohmann::json team_json() const;

    SavedStorage m_storage;
    WorkspaceStore m_store;
    Engine m_engine;
    UiState m_ui;
    std::vector<Intent> m_intents;
    std::uint64_t m_version = 0; // bumps on every change, for caches
    bool m_open = false;
    bool m_read_only = false;
    int m_stored_version = 0; // what a read-only tab last read (platform stored_version())
    bool m_open_failed = false;
    Instant m_last_timer;
    std::string m_open_error;
    std::optional<Workspace> m_pending_import; // a picked export, until the person says replace
    std::optional<WorkspaceMerge>
        m_pending_merge; // its merge, checked, until the person says merge
    TeamLink m_team;     // after m_engine: its sync session holds the engine
    std::map<std::string, DeletedRecord> m_deleted_records; // conflicts' records deleted here
};

} // namespace crm::web
