// View functions: each reads the workspace and UI state and pushes intents.
#pragma once

#include "engine/engine.hpp"
#include "model/workspace.hpp"
#include "platform.hpp"
#include "ui_state.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace crm::web {

struct ViewContext {
    const Workspace& workspace;
    const Engine& engine; // for checking a command (decide) without applying it
    Instant now;          // read once per frame by the app
    UiState& ui;
    std::vector<Intent>& intents;
    std::uint64_t version;
    bool read_only;
    SaveState save_state;
    const std::string& save_message;
};

void draw_top_bar(ViewContext& view);
// Phones and tablets: the navigation as a menu; phones: the bottom bar.
void draw_navigation_menu(ViewContext& view);
void draw_bottom_bar(ViewContext& view);
// True when the open form holds edits not yet saved.
bool form_has_unsaved_edits(const ViewContext& view);
// Leaves the open form by `leave` now, or first asks (save, discard, keep
// editing) when it holds unsaved edits.
void leave_form_then(ViewContext& view, LeaveAction leave);
// The quick "Log a call" form: opened on a record (and the task it answers).
void open_log_form(UiState& ui, const std::string& record_id, const std::string& task_id);
void draw_log_form(ViewContext& view);
// The command palette: Ctrl/Cmd+K or "/" opens it; draw it every frame.
void open_palette(UiState& ui);
void handle_global_keys(ViewContext& view);
void draw_palette(ViewContext& view);
// Opens a record in the panel, asking first if the open one has unsaved edits.
void open_record(ViewContext& view, const std::string& id);
// The unsaved-edits question, when asked.
void draw_leave_dialog(ViewContext& view);
void draw_record_list(ViewContext& view);
// "Undo" beside the notice of a deletion.
void draw_undo_button(ViewContext& view);
void draw_record_form(ViewContext& view);
// The CSV import wizard (map columns, dry run, import, undo), over the screen while open.
void draw_csv_import(ViewContext& view);
// Sets the records the rows become, with the mapping suggested for them.
void choose_csv_import_type(const Workspace& workspace, CsvImportWizard& wizard,
                            const std::string& type_id);
// A picked file the CSV import reads (.csv, .tsv, .txt); others are workspace exports.
bool is_spreadsheet_file(const std::string& path);
void draw_dialogs(ViewContext& view);
// The duplicates review and merge screen, for those who may merge (not reps).
void draw_duplicates(ViewContext& view);
bool can_review_duplicates(const ViewContext& view);
// The data-quality screen (completeness, inactive records, flagged problems),
// for managers and admins.
void draw_data_quality(ViewContext& view);
// Two-line rows (the record's title, a muted `detail` line) that the clipper
// draws only where visible; a tap opens the record. Marked "<prefix>-<row>".
void draw_record_rows(ViewContext& view, const std::vector<std::string>& ids, const char* prefix,
                      const std::function<std::string(std::size_t)>& detail);
// The reports screen: the team's or one's own dashboard, charts that open
// the records behind them, each report as CSV.
void draw_reports(ViewContext& view);
void draw_board(ViewContext& view);
void draw_move_dialog(ViewContext& view);
void draw_designer(ViewContext& view);
void draw_my_work(ViewContext& view);
void draw_exceptions(ViewContext& view);
// The automation screen (managers and admins): the rules in words, what they did.
void draw_automation(ViewContext& view);
bool can_see_automation(const ViewContext& view);
// The rule editor (admins), drawn by the automation screen while open: a
// rule to change, or nullptr for a new one.
void open_rule_editor(ViewContext& view, const AutomationRule* rule);
void draw_rule_editor(ViewContext& view);
// The inbox screen, its label with the unread count ("Inbox 3"), and going there.
void draw_inbox(ViewContext& view);
void refresh_inbox(const ViewContext& view);
std::string inbox_label(const ViewContext& view);
void go_to_inbox(ViewContext& view);
// Team sync (views/team.cpp): the team dialog (sign in, or where sync stands,
// Sync now, Sign out), and where sync stands in the top bar (a tap opens the
// dialog), long or in a phone's short words.
void open_team_dialog(UiState& ui);
void draw_team_dialog(ViewContext& view);
void draw_sync_status(ViewContext& view, float width, bool short_form);
float sync_status_width(const ViewContext& view, bool short_form);
// The conflict queue (views/conflicts.cpp), its navigation label
// ("Conflicts 2"), and a conflict in the words it shows (`title` and `type`:
// the record's, also when it was deleted here).
void draw_conflicts(ViewContext& view);
std::string conflicts_label(const ViewContext& view);
ConflictRow conflict_row(const ViewContext& view, const SyncConflict& conflict,
                         const std::string& title, const std::string& type);
// Starts the designer on a copy of the workspace's processes.
void open_designer(ViewContext& view);
// The record panel's process section: path, next action, checklist.
void draw_record_process(ViewContext& view, const Record& record);

// A field-type-aware editor over the text form of a value (shared by the
// record form and the move dialog). `filter` holds a picker's search text.
// `nearby`: records a reference picker offers first (what the record already
// links to: a deal's company, so its contacts lead the decision-maker list).
void edit_field_value(const ViewContext& view, const FieldDef& field, std::string& value,
                      std::string& filter, const std::vector<std::string>& nearby = {});
// What a record links to through its references: the typed `values` (a form's
// text, a reference's text is the id), else the record's kept ones.
std::vector<std::string> linked_ids(const RecordTypeDef& type, const Record* record,
                                    const std::map<std::string, std::string>& values);

// A value as a person reads it: references by name, dates in local time.
std::string shown_value(const ViewContext& view, const FieldDef& field,
                        const nlohmann::json& value);

// The list's filter bar and its totals line ("12 deals · USD 340,000").
void draw_list_filters(ViewContext& view, const RecordTypeDef& type);
void draw_list_totals(const ViewContext& view, const RecordTypeDef& type);
std::string filter_key(const ListFilter& filter); // what the rows depend on
bool filters_active(const ListFilter& filter);

// Opens the form on an existing record, or a blank one for `type`.
void open_form(const Workspace& workspace, UiState& ui, const std::string& record_id);
void open_new_form(const Workspace& workspace, UiState& ui, const std::string& type);

} // namespace crm::web
