#include "app.hpp"

#include "engine/permissions.hpp"
#include "engine/undo.hpp"
#include "io/queue_json.hpp"
#include "io/workspace_json.hpp"
#include "model/field_text_local.hpp"
#include "model/field_values.hpp"
#include "platform.hpp"
#include "query/board.hpp"
#include "query/history.hpp"
#include "query/inbox.hpp"
#include "service/batch_undo.hpp"
#include "service/bootstrap.hpp"
#include "service/bulk.hpp"
#include "service/duplicates.hpp"
#include "service/record_history.hpp"
#include "service/replacement.hpp"
#include "service/timers.hpp"
#include "service/workspace_merge.hpp"
#include "sla/clocks.hpp"
#include "theme.hpp"
#include "util/local_time.hpp"
#include "views.hpp"
#include "views/funnel.hpp"
#include "widgets.hpp"

#include "store/storage.hpp"

#include <algorithm>
#include <filesystem>

#include <imgui.h>

namespace crm::web {

using nlohmann::json;

namespace {

constexpr const char* kDemoWorkspace = "/assets/demo-workspace.json";

// A second tab may read but never write: its saves would delete the writer's files.
struct ReadOnlySink : EventSink {
    Status append(const EventBatch&) override {
        return Error{"this tab is read-only because the workspace is open in another tab"};
    }
};

ReadOnlySink& read_only_sink() {
    static ReadOnlySink sink; // stateless; outlives the engines that point at it
    return sink;
}

Result<std::string> read_text(const std::string& path) {
    return read_input_file(path, kMaxImportBytes);
}

std::string default_user(const Workspace& ws) {
    for (const auto& user : ws.directory.users())
        if (user.role == Role::Rep) return user.id;
    return ws.directory.users().empty() ? "" : ws.directory.users().front().id;
}

// The device's zone; else the workspace calendar's (UTC when it has none).
TimeZone display_zone(const Workspace& ws) {
    if (auto zone = TimeZone::named(device_time_zone())) return *zone;
    return workspace_calendar(ws).zone;
}

} // namespace

App::App() : m_storage(data_directory()), m_store(m_storage) {
    // My work first: the first screen works out the deadlines it shows, the
    // timers' first look on the next frame those of every other record.
    m_engine.set_deadlines_on_load(false);
}

void App::open_workspace(bool read_only) {
    m_read_only = read_only;
    bool wrote = false;
    if (!m_store.exists() && !read_only) {
        auto text = read_text(kDemoWorkspace);
        auto demo = text ? demo_workspace(*text, now()) : Result<Workspace>(Error{text.error()});
        if (!demo) {
            m_ui.error_dialog = "The demo workspace could not be loaded: " + demo.error();
            demo = starter_workspace();
        }
        if (auto status = m_store.create(*demo); !status) {
            m_ui.error_dialog = "Could not create the workspace: " + status.error();
            return;
        }
        wrote = true;
    }
    auto report = m_store.open(m_engine);
    if (!report) {
        m_open_error = report.error();
        m_open_failed = true;
        return;
    }
    m_ui.open_problems = report->problems;
    if (m_read_only) {
        m_engine.set_sink(&read_only_sink());
        m_stored_version = stored_version();
    } else if (m_store.compaction_due()) {
        if (m_store.compact(m_engine)) wrote = true;
    }
    m_ui.user = default_user(m_engine.workspace());
    m_ui.zone = display_zone(m_engine.workspace());
    open_team_link(); // signed in to a team: its account is who uses the app
    m_open = true;
    ++m_version;
    // The timers' first look visits every record (100k: a fifth of a second
    // natively); tick() runs it on the next frame, after My work is drawn.
    m_last_timer = Instant{};
    if (wrote && !m_read_only) request_save();
}

void App::recovery_frame() {
    if (const std::string path = take_import_path(); !path.empty()) {
        auto text = read_text(path);
        std::remove(path.c_str());
        auto workspace =
            text ? import_workspace(*text, now()) : Result<Workspace>(Error{text.error()});
        if (!workspace) {
            m_open_error = "That file could not be imported either: " + workspace.error();
        } else if (auto status = m_store.recover(m_engine, std::move(*workspace)); !status) {
            m_open_error = "Starting from the backup failed: " + status.error();
        } else {
            m_open_failed = false;
            m_open = true;
            m_ui.user = default_user(m_engine.workspace());
            m_ui.notice = "Started again from the backup; the unreadable files were kept aside";
            after_change();
            return;
        }
    }
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float s = ImGui::GetFontSize() / 16.0f;
    ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(620 * s, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(28 * s, 24 * s));
    ImGui::Begin("##recovery", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
    ImGui::PushFont(heading_font());
    ImGui::TextUnformatted("Your workspace could not be opened");
    ImGui::PopFont();
    ImGui::Spacing();
    ImGui::TextWrapped("%s", m_open_error.c_str());
    ImGui::Spacing();
    ImGui::TextWrapped("Nothing was changed or deleted. You can start again from a backup (a "
                       "workspace export); the unreadable files are kept aside, not deleted.");
    ImGui::Spacing();
    ImGui::BeginDisabled(m_read_only);
    if (primary_button("Import a backup…")) pick_import_file();
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    m_ui.widget_rects["import-backup"] = Rect{min.x, min.y, max.x - min.x, max.y - min.y};
    ImGui::EndDisabled();
    ImGui::End();
    ImGui::PopStyleVar(2);
}

bool App::run_timers() {
    m_last_timer = now();
    const TickReport report = crm::tick(m_engine, m_last_timer);
    if (report.empty()) return false;
    const auto& started = report.started;
    const auto& alerts = report.alerts;
    // Starts are good news; breaches are warnings, shown as such.
    if (started.size() == 1) m_ui.notice = started.front();
    if (started.size() > 1)
        m_ui.notice = std::to_string(started.size()) + " processes came due and started";
    if (alerts.size() == 1) m_ui.alert = alerts.front();
    if (alerts.size() > 1)
        m_ui.alert = std::to_string(alerts.size()) +
                     " SLA breaches: each is in the inbox of the people its SLA names";
    ++m_version;
    return true;
}

void App::reread_read_only() {
    Engine fresh;
    fresh.set_deadlines_on_load(false); // as open_workspace(): the screens work out theirs
    auto report = m_store.open(fresh);
    if (!report) {
        m_ui.alert = "Could not show the other tab's latest changes: " + report.error();
        return;
    }
    fresh.set_sink(&read_only_sink());
    m_engine = std::move(fresh);
    ++m_version; // lists, boards and queues read again
}

bool App::tick() {
    if (m_open && m_read_only && stored_version() != m_stored_version) {
        m_stored_version = stored_version();
        reread_read_only();
        return true;
    }
    const bool synced = m_open && run_team_sync();
    // Time-driven starts (a renewal 120 days out) catch up once a minute,
    // whether or not anything is being drawn.
    if (!m_open || m_read_only || now().seconds - m_last_timer.seconds < 60) return synced;
    if (!run_timers()) return synced;
    request_save();
    return true;
}

bool App::frame() {
    if (const std::string path = take_import_path(); !path.empty())
        is_spreadsheet_file(path) ? open_csv_import(path) : import_file(path);
    m_ui.widget_rects.clear(); // only what this frame draws can be clicked
    const std::string shown = ui_signature();
    refresh_history();
    const SaveState saving = save_state();
    const std::string saving_message = save_message();
    ViewContext view{m_engine.workspace(), m_engine, now(),         m_ui, m_intents, m_version,
                     m_read_only,          saving,   saving_message};
    refresh_conflicts(view);
    // On a phone an open record is a full-screen sheet: nothing else is drawn.
    if (!(is_phone() && m_ui.form.open)) {
        draw_top_bar(view);
        m_ui.csv.open ? draw_csv_import(view) : draw_screen(view);
        draw_bottom_bar(view);
        draw_navigation_menu(view);
    }
    draw_record_form(view);
    draw_move_dialog(view);
    draw_log_form(view);
    draw_convert_dialog(view);
    draw_leave_dialog(view);
    draw_palette(view);
    draw_team_dialog(view);
    draw_dialogs(view);
    handle_global_keys(view);
    // A view may change what is shown (navigation) without an intent; the
    // screen drawn before that change needs another frame either way.
    const bool acted = !m_intents.empty() || ui_signature() != shown;
    apply_intents();
    set_unsaved_edits(form_has_unsaved_edits(view));
    if (m_ui.keep_active_in_view > 0) --m_ui.keep_active_in_view;
    const bool reports_pending =
        m_ui.screen == Screen::Reports && !m_ui.reports.dashboard.value.complete();
    return acted || m_ui.keep_active_in_view > 0 || reports_pending;
}

std::string App::ui_signature() const {
    const UiState& ui = m_ui;
    return std::to_string(static_cast<int>(ui.screen)) + '|' + ui.type + '|' + ui.flow + '|' +
           ui.user + '|' + ui.form.record_id + '|' + (ui.form.open ? "f" : "") +
           std::to_string(static_cast<int>(ui.form.pane)) + (ui.nav_open ? "n" : "") +
           (ui.palette.open ? "p" : "") + (ui.csv.open ? "c" : "") + (ui.ask_leave ? "a" : "") +
           (ui.log.open ? "l" : "") + (ui.team.dialog.open ? "t" : "") + ui.board_column;
}

void App::draw_screen(ViewContext& view) {
    switch (m_ui.screen) {
    case Screen::MyWork:
        return draw_my_work(view);
    case Screen::Exceptions:
        return draw_exceptions(view);
    case Screen::Board:
        return draw_board(view);
    case Screen::Designer:
        return draw_designer(view);
    case Screen::Records:
        return draw_record_list(view);
    case Screen::Inbox:
        return draw_inbox(view);
    case Screen::Duplicates:
        return draw_duplicates(view);
    case Screen::DataQuality:
        return draw_data_quality(view);
    case Screen::Automation:
        return draw_automation(view);
    case Screen::Reports:
        return draw_reports(view);
    case Screen::Conflicts:
        return draw_conflicts(view);
    }
}

void App::apply_intents() {
    std::vector<Intent> intents;
    intents.swap(m_intents);
    const std::uint64_t seq = m_engine.last_seq(), version = m_version;
    for (const auto& intent : intents) {
        std::visit(
            [&](const auto& value) {
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, SubmitForm>)
                    submit_form();
                else if constexpr (std::is_same_v<T, DeleteSelected>)
                    delete_selected();
                else if constexpr (std::is_same_v<T, ImportRequested>)
                    pick_import_file();
                else if constexpr (std::is_same_v<T, ExportRequested>)
                    export_workspace_file();
                else if constexpr (std::is_same_v<T, RequestMove>)
                    request_move(value);
                else if constexpr (std::is_same_v<T, SubmitMove>)
                    submit_move(value.confirm_warnings);
                else if constexpr (std::is_same_v<T, SaveProcesses>)
                    save_processes();
                else if constexpr (std::is_same_v<T, CompleteTask>)
                    complete_task(value.task_id);
                else if constexpr (std::is_same_v<T, SubmitLog>)
                    submit_log();
                else if constexpr (std::is_same_v<T, AssignOwner>)
                    assign_owner(value.record_id, value.owner);
                else if constexpr (std::is_same_v<T, MarkRead>)
                    mark_read(value);
                else if constexpr (std::is_same_v<T, SaveListView>)
                    save_list_view(value.name);
                else if constexpr (std::is_same_v<T, DeleteListView>)
                    delete_list_view(value.name);
                else if constexpr (std::is_same_v<T, BulkReassign>)
                    finish_bulk("Reassigned",
                                bulk_reassign(m_engine, bulk_ids(), value.owner, m_ui.user, now()),
                                " to " +
                                    (value.owner.empty()
                                         ? std::string("nobody")
                                         : m_engine.workspace().directory.names({value.owner})));
                else if constexpr (std::is_same_v<T, AnswerImport>)
                    answer_import(value.choice);
                else if constexpr (std::is_same_v<T, CheckCsvImport>)
                    check_csv_import();
                else if constexpr (std::is_same_v<T, CommitCsvImport>)
                    commit_csv_import();
                else if constexpr (std::is_same_v<T, UndoCsvImport>)
                    undo_csv_import();
                else if constexpr (std::is_same_v<T, SaveFailedRows>)
                    save_failed_rows();
                else if constexpr (std::is_same_v<T, MergeDuplicates>)
                    merge_duplicates(value);
                else if constexpr (std::is_same_v<T, FlagProblem>)
                    flag_problem(value);
                else if constexpr (std::is_same_v<T, ResolveProblems>)
                    resolve_problems(value);
                else if constexpr (std::is_same_v<T, ToggleRule>)
                    toggle_rule(value);
                else if constexpr (std::is_same_v<T, SaveRule>)
                    save_rule();
                else if constexpr (std::is_same_v<T, DeleteRule>)
                    delete_rule(value);
                else if constexpr (std::is_same_v<T, FixAutomation>)
                    fix_automation(value);
                else if constexpr (std::is_same_v<T, OpenConversion>)
                    open_conversion(value.lead);
                else if constexpr (std::is_same_v<T, SubmitConversion>)
                    submit_conversion();
                else if constexpr (std::is_same_v<T, NewQuote>)
                    new_quote(value.deal);
                else if constexpr (std::is_same_v<T, AcceptQuoteRequested>)
                    accept_quote(value.quote);
                else if constexpr (std::is_same_v<T, JoinTeam>)
                    join_team();
                else if constexpr (std::is_same_v<T, PublishTeam>)
                    publish_team();
                else if constexpr (std::is_same_v<T, SyncNow>)
                    sync_team_now();
                else if constexpr (std::is_same_v<T, SignOut>)
                    sign_out_team();
                else if constexpr (std::is_same_v<T, KeepConflictSide>)
                    keep_conflict_side(value);
                else if constexpr (std::is_same_v<T, DismissSyncProblem>)
                    dismiss_sync_problem(value);
                else if constexpr (std::is_same_v<T, BulkMove>)
                    finish_bulk(
                        "Moved",
                        bulk_move(m_engine, bulk_ids(), value.flow, value.to, m_ui.user, now()),
                        " to " + stage_name(value.flow, value.to));
                else
                    undo_last_change();
            },
            intent);
    }
    // A refused command may still be journaled (a blocked move is kept for the manager).
    if (m_engine.last_seq() != seq && m_version == version) after_change();
}

void App::after_change() {
    ++m_version;
    request_save();
    m_team.schedule.changed(now()); // to the team soon after, when signed in
}

void App::submit_form() {
    RecordForm& form = m_ui.form;
    const Workspace& ws = m_engine.workspace();
    const RecordTypeDef* type = ws.schema.type(form.type);
    if (!type) return;
    const Record* existing = form.creating ? nullptr : ws.find(form.record_id);
    if (!form.creating && !existing) {
        form.message = "This record no longer exists.";
        return;
    }
    form.problems.clear();
    form.message.clear();
    json fields = json::object();
    for (const auto& field : type->fields) {
        const std::string& text = form.values[field.id];
        if (existing && text == form.original[field.id]) continue; // untouched: keep as stored
        auto value = parse_field_text_local(field, text, ws.currency, m_ui.zone, now());
        if (!value) {
            form.problems[field.id] = value.error();
            continue;
        }
        if (existing && existing->value(field.id) == *value) continue;
        if (!value->is_null() || existing) fields[field.id] = *value;
    }
    if (!form.problems.empty()) {
        form.message = "Please fix the highlighted fields.";
        m_ui.pending_leave = nullptr; // stay: the form needs fixing first
        return;
    }
    if (form.creating && !form.create_anyway && warn_of_duplicates(*type, fields)) return;
    Outcome outcome;
    if (form.creating) {
        CreateRecord command{type->id, fields, std::nullopt};
        if (!form.owner.empty()) command.owner = form.owner;
        outcome = m_engine.apply(command, m_ui.user, now());
    } else {
        UpdateRecord command{existing->id, fields, std::nullopt};
        if (form.owner != existing->owner) command.owner = form.owner;
        outcome = m_engine.apply(command, m_ui.user, now());
    }
    if (!outcome.ok) {
        for (const auto& problem : outcome.problems)
            form.problems[problem.field] = problem.message;
        form.message = outcome.message;
        m_ui.pending_leave = nullptr;
        return;
    }
    m_ui.notice =
        (form.creating ? "Created " : "Saved ") + ws.title_of(*ws.find(outcome.record_id));
    remember_change(outcome);
    m_ui.selected = outcome.record_id;
    form = RecordForm{};
    // Saved on the way somewhere else (the unsaved-edits question): go on now.
    if (LeaveAction leave = std::move(m_ui.pending_leave)) {
        m_ui.pending_leave = nullptr;
        const std::string notice = m_ui.notice;
        leave(m_engine.workspace(), m_ui);
        if (m_ui.notice.empty()) m_ui.notice = notice;
    }
    after_change();
}

void App::request_move(const RequestMove& request) {
    m_ui.move = MoveDialog{};
    m_ui.move.record_id = request.record_id;
    m_ui.move.flow = request.flow;
    m_ui.move.to = request.to;
    const MoveRecord move{request.record_id, request.to, request.flow};
    // Asking what a move needs is not an attempt: only a move that goes
    // through, or a submitted dialog, is journaled (a blocked one too).
    DecideDetails details;
    if (!m_engine.decide(move, m_ui.user, now(), &details) && details.blocked) {
        open_move_dialog(*details.blocked, "");
        return;
    }
    run_move(move);
}

void App::submit_move(bool confirm_warnings) {
    MoveDialog& dialog = m_ui.move;
    const Record* record = m_engine.workspace().find(dialog.record_id);
    if (!record) return;
    const RecordTypeDef* type = m_engine.workspace().schema.type(record->type);
    MoveRecord move{dialog.record_id, dialog.to, dialog.flow};
    move.reason = dialog.reason;
    move.confirm_warnings = confirm_warnings;
    dialog.problems.clear();
    for (const auto& field_id : dialog.missing) {
        const FieldDef* field = type->field(field_id);
        auto value = parse_field_text_local(*field, dialog.values[field_id],
                                            m_engine.workspace().currency, m_ui.zone, now());
        if (!value)
            dialog.problems[field_id] = value.error();
        else if (!value->is_null())
            move.fields[field_id] = *value;
    }
    if (!dialog.problems.empty()) {
        dialog.message = "Please fix the highlighted fields.";
        return;
    }
    run_move(move);
}

// One path for every move: the engine decides; a gate that says no opens (or
// updates) the dialog with exactly what it needs.
void App::run_move(const MoveRecord& move) {
    MoveDialog& dialog = m_ui.move;
    const Workspace& ws = m_engine.workspace();
    const auto outcome = m_engine.apply(move, m_ui.user, now());
    if (outcome.ok) {
        const Record* record = ws.find(move.id);
        const Flow* flow = ws.flow(move.flow);
        std::string where = move.to;
        if (flow && record && record->flows.count(flow->id)) {
            const FlowState& state = record->flows.at(flow->id);
            const StagePosition position = stage_position(*flow, state, now());
            where = position.stage ? position.stage->name : position.ended_as;
        }
        m_ui.notice = "Moved " + (record ? ws.title_of(*record) : move.id) + " to " + where;
        for (const auto& note : outcome.warnings)
            m_ui.notice += "; " + note;
        remember_change(outcome);
        m_ui.move = MoveDialog{};
        if (m_ui.form.open && m_ui.form.record_id == move.id) open_form(ws, m_ui, move.id);
        after_change();
        return;
    }
    if (!outcome.blocked) {
        if (dialog.open)
            dialog.message = outcome.message;
        else
            m_ui.error_dialog = outcome.message;
        return;
    }
    open_move_dialog(*outcome.blocked, dialog.values.empty() ? "" : outcome.message);
}

// Opens (or updates) the dialog with what the gate still needs, keeping what
// was already typed.
void App::open_move_dialog(const BlockedMove& blocked, const std::string& message) {
    MoveDialog& dialog = m_ui.move;
    const Flow* flow = m_engine.workspace().flow(blocked.flow);
    dialog.open = true;
    dialog.flow = blocked.flow;
    dialog.to = blocked.to;
    dialog.to_name = dialog.to;
    if (flow) {
        if (const Stage* stage = flow->stage(dialog.to)) dialog.to_name = stage->name;
        if (const FlowOutcome* end = flow->outcome(dialog.to)) dialog.to_name = end->name;
        if (const FlowExit* exit = flow->exit(dialog.to)) dialog.to_name = exit->name;
    }
    for (const auto& field : blocked.missing)
        if (std::find(dialog.missing.begin(), dialog.missing.end(), field) == dialog.missing.end())
            dialog.missing.push_back(field);
    dialog.failing = blocked.failing;
    dialog.warning = blocked.warning;
    dialog.needs_reason = dialog.needs_reason || blocked.needs_reason;
    dialog.message = message;
}

nlohmann::json App::exception_groups_json() const {
    json groups = json::array();
    for (const auto& queue : m_ui.exceptions.value)
        groups.push_back(exception_queue_json(queue));
    return groups;
}

nlohmann::json App::form_clocks_json() const {
    json clocks = json::array();
    const Workspace& ws = m_engine.workspace();
    const Record* record = m_ui.form.open ? ws.find(m_ui.form.record_id) : nullptr;
    if (!record) return clocks;
    for (const auto& clock : sla_clocks(ws, workspace_calendar(ws), *record, now()))
        clocks.push_back({{"policy", clock.policy->id},
                          {"state", clock_state_name(clock.state)},
                          {"due", format_instant(clock.due)}});
    return clocks;
}

nlohmann::json App::palette_hits_json() const {
    json titles = json::array();
    for (const auto& hit : m_ui.palette.hits)
        titles.push_back(hit.title);
    return titles;
}

nlohmann::json App::list_ids_json() const {
    json ids = json::array();
    for (std::size_t i = 0; i < m_ui.list.ids.size() && i < 500; ++i)
        ids.push_back(m_ui.list.ids[i]);
    return ids;
}

nlohmann::json App::inbox_json() const {
    json items = json::array();
    const Workspace& ws = m_engine.workspace();
    for (const Notification* item : inbox(ws, m_ui.user).items)
        items.push_back(inbox_item_json(ws, *item));
    return items;
}

nlohmann::json App::work_json() const {
    json items = json::array();
    // Read now, not from the screen's cache: a phone's record sheet hides My work.
    for (const auto& item : next_actions(m_engine.workspace(), m_ui.user, now()))
        items.push_back(work_item_json(item));
    return items;
}

std::string App::designer_gate() const {
    for (const auto& flow : m_ui.designer.draft) {
        if (flow.id != m_ui.designer.flow) continue;
        if (const Stage* stage = flow.stage(m_ui.designer.item))
            return stage->gate.mode == GateMode::Block ? "block" : "warn";
    }
    return "";
}

void App::complete_task(const std::string& task_id) {
    const auto outcome =
        m_engine.apply(UpdateRecord{task_id, {{"done", true}}, std::nullopt}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    m_ui.notice = "Done: " + m_engine.workspace().title_of(*m_engine.workspace().find(task_id));
    remember_change(outcome);
    after_change();
}

// Logs what the quick form says; the core links it, completes what it
// answers and moves the record on where its gate now lets it.
void App::submit_log() {
    LogForm& form = m_ui.log;
    LogActivity command{form.record_id, form.kind,       form.outcome, form.notes, "",
                        false,          form.next_title, std::nullopt};
    const Record* record = m_engine.workspace().find(form.record_id);
    if (const Record* task = m_engine.workspace().find(form.task_id)) {
        if (record && record->id == task->id)
            command.id = task->id; // logged on the task itself
        else
            command.task = task->id;
    }
    if (!form.next_due.empty()) {
        auto due = parse_local_datetime(form.next_due, m_ui.zone, now());
        if (!due) {
            form.message = "Next step due: \"" + form.next_due + "\" " + due.error();
            return;
        }
        command.next_due = *due;
    }
    const auto outcome = m_engine.apply(command, m_ui.user, now());
    if (!outcome.ok) {
        form.message = outcome.message;
        return;
    }
    m_ui.log = LogForm{};
    // The open record shows what the log changed (opening clears notices: first).
    if (m_ui.form.open && !m_ui.form.creating)
        open_form(m_engine.workspace(), m_ui, m_ui.form.record_id);
    m_ui.notice = outcome.summary;
    remember_change(outcome);
    after_change();
}

void App::assign_owner(const std::string& record_id, const std::string& owner) {
    const Workspace& ws = m_engine.workspace();
    const auto outcome =
        m_engine.apply(UpdateRecord{record_id, json::object(), owner}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    const Record* record = ws.find(record_id);
    m_ui.notice = "Assigned " + (record ? ws.title_of(*record) : record_id) + " to " +
                  ws.directory.names({owner});
    remember_change(outcome);
    after_change();
}

// Before creating a likely duplicate, the form names the records it looks
// like (with why) and waits for "Create anyway" or for one of them to open.
bool App::warn_of_duplicates(const RecordTypeDef& type, const json& fields) {
    RecordForm& form = m_ui.form;
    const Workspace& ws = m_engine.workspace();
    auto found = duplicates_of(ws, type.id, fields, "");
    const User* me = ws.directory.user(m_ui.user);
    if (!me) return false;
    keep_visible_pairs(ws, *me, found); // only records this person may see are named
    if (found.empty()) return false;
    if (found.size() > 3) found.resize(3);
    form.likely_duplicates = std::move(found);
    m_ui.pending_leave = nullptr; // stay: the person decides first
    return true;
}

void App::merge_duplicates(const MergeDuplicates& request) {
    const Workspace& ws = m_engine.workspace();
    auto named = [&](const std::string& id) {
        const Record* record = ws.find(id);
        return (record ? ws.title_of(*record) + " (" + id + ")" : id);
    };
    // Named as they were: taking the other's name changes the kept one's title.
    const std::string notice = "Merged " + named(request.other) + " into " + named(request.keep);
    const auto outcome = m_engine.apply(
        MergeRecords{request.keep, request.other, request.from_other}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    m_ui.notice = notice;
    m_ui.duplicates.open = -1;
    remember_change(outcome);
    after_change();
}

void App::save_list_view(const std::string& name) {
    SavedView view{name,         m_ui.user,           m_ui.type,  m_ui.search,
                   m_ui.sort_by, m_ui.sort_ascending, m_ui.filter};
    const auto outcome = m_engine.apply(SaveView{view}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.naming.message = outcome.message;
        return;
    }
    m_ui.naming = ViewNaming{};
    m_ui.view_name = name;
    m_ui.notice = "Saved the view \"" + name + "\"";
    after_change();
}

void App::delete_list_view(const std::string& name) {
    const auto outcome = m_engine.apply(DeleteView{name}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    if (m_ui.view_name == name) m_ui.view_name.clear();
    m_ui.notice = "Deleted the view \"" + name + "\"";
    after_change();
}

std::vector<std::string> App::bulk_ids() const {
    return {m_ui.bulk.ids().begin(), m_ui.bulk.ids().end()};
}

std::string App::stage_name(const std::string& flow_id, const std::string& to) const {
    const Flow* flow = m_engine.workspace().flow(flow_id);
    if (!flow) return to;
    if (const Stage* stage = flow->stage(to)) return stage->name;
    for (const auto& outcome : flow->outcomes)
        if (outcome.id == to) return outcome.name;
    return to;
}

// "Moved 3 of 4 to Proposal sent"; what was refused stays selected and is
// listed with its reason, by title.
void App::finish_bulk(const std::string& verb, const BulkResult& result, const std::string& where) {
    const Workspace& ws = m_engine.workspace();
    BulkSelection& bulk = m_ui.bulk;
    bulk.refused.clear();
    for (const auto& item : result.items) {
        if (item.ok) {
            bulk.untick(item.id);
            continue;
        }
        // The engine's refusals mostly name the record already.
        const Record* record = ws.find(item.id);
        const std::string title = record ? ws.title_of(*record) : item.id;
        bulk.refused.push_back(item.message.find(title) != std::string::npos
                                   ? item.message
                                   : title + ": " + item.message);
    }
    m_ui.notice = verb + " " + std::to_string(result.done()) + " of " +
                  std::to_string(result.items.size()) + where;
    m_ui.warned_notice = result.done() < result.items.size() ? m_ui.notice : "";
    m_ui.undo.reset(); // many changes at once: undone one by one from each record
    if (result.done() > 0) after_change();
}

void App::save_processes() {
    DesignerState& designer = m_ui.designer;
    SetProcesses command{designer.draft, designer.mapping};
    const auto outcome = m_engine.apply(command, m_ui.user, now());
    if (!outcome.ok) {
        designer.message = outcome.message;
        designer.saved = false;
        return;
    }
    designer.message =
        "Saved. Records in flight keep their place; new requirements apply to their next move.";
    designer.saved = true;
    designer.dirty = false;
    designer.mapping.clear();
    designer.stranded = stranded_stages(m_engine.workspace(), designer.draft);
    after_change();
}

void App::delete_selected() {
    const Record* record = m_engine.workspace().find(m_ui.form.record_id);
    if (!record) return;
    const std::string title = m_engine.workspace().title_of(*record);
    const auto outcome = m_engine.apply(DeleteRecord{record->id}, m_ui.user, now());
    m_ui.form.confirm_delete = false;
    if (!outcome.ok) {
        m_ui.form.message = outcome.message;
        return;
    }
    m_ui.notice = "Deleted " + title;
    remember_change(outcome);
    m_ui.form = RecordForm{};
    m_ui.selected.clear();
    after_change();
}

void App::mark_read(const MarkRead& request) {
    const auto outcome =
        m_engine.apply(MarkNotificationsRead{request.ids, request.all}, m_ui.user, now());
    if (!outcome.ok) m_ui.error_dialog = outcome.message;
}

// Offers Undo for a change the person just made, beside its notice.
void App::remember_change(const Outcome& outcome) {
    m_ui.undo.reset();
    if (!outcome.batch) return;
    const Record* record = m_engine.workspace().find(outcome.record_id);
    const std::uint64_t version = record ? record->version : 0;
    // Offered only where the core can take the change back.
    if (!undo_command(m_engine.workspace(), *outcome.batch, version)) return;
    m_ui.undo = LastChange{*outcome.batch, version, m_ui.notice};
}

// Takes back the last change through the engine: an ordinary command, so it
// is checked, journaled and shown in history like any other.
void App::undo_last_change() {
    if (!m_ui.undo || m_read_only) return;
    const LastChange change = std::move(*m_ui.undo);
    m_ui.undo.reset();
    auto command = change.whole_batch
                       ? undo_whole_batch(change.batch.seq)
                       : undo_command(m_engine.workspace(), change.batch, change.version_after);
    if (!command) {
        m_ui.error_dialog = command.error();
        return;
    }
    const auto outcome = m_engine.apply(*command, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = "Could not undo: " + outcome.message;
        return;
    }
    if (std::holds_alternative<RestoreRecord>(*command)) {
        m_ui.selected = outcome.record_id;
        open_form(m_engine.workspace(), m_ui, outcome.record_id);
    } else if (m_ui.form.open && m_ui.form.record_id == outcome.record_id) {
        open_form(m_engine.workspace(), m_ui, outcome.record_id); // show the values as they are
    } else if (m_ui.form.open && !m_engine.workspace().find(m_ui.form.record_id)) {
        m_ui.form = RecordForm{};
    }
    m_ui.notice = "Undone: " + change.notice; // after any form opens: opening clears notices
    after_change();
}

// The command taking back batch `seq` (an import or a merge of a file),
// checked against what the journal kept after it.
Result<Command> App::undo_whole_batch(std::uint64_t seq) const {
    const KeptHistory history =
        m_store.read_history([seq](const EventBatch& batch) { return batch.seq >= seq; });
    auto revert = undo_batch_command(m_engine.workspace(), history, seq);
    if (!revert) return Error{revert.error()};
    return Command{std::move(*revert)};
}

// The open record's timeline, read again only when the record or the workspace changed.
void App::refresh_history() {
    RecordForm& form = m_ui.form;
    if (!form.open || form.creating || !m_open) return;
    if (form.history_of == form.record_id && form.history_version == m_version) return;
    form.history_of = form.record_id;
    form.history_version = m_version;
    const std::string& id = form.record_id;
    const KeptHistory kept = read_record_history(m_store, id);
    form.history = record_timeline(m_engine.workspace(), kept.batches, kept.origins, id);
}

void App::compact_now() {
    if (m_read_only || !m_store.compact(m_engine)) return;
    ++m_version;
    request_save();
}

bool App::test_update_field(const std::string& id, const std::string& field,
                            const nlohmann::json& value) {
    const Record* record = m_engine.workspace().find(id);
    if (m_read_only || !record) return false;
    const std::string owner = record->owner;
    if (!m_engine
             .apply(UpdateRecord{id, nlohmann::json{{field, value}}, std::nullopt}, owner, now())
             .ok)
        return false;
    after_change();
    return true;
}

namespace {

// "Cannot merge: 2 of 40 records have problems: record deal-7: ...", the first few named.
std::string merge_problems_text(const WorkspaceMerge& plan, std::size_t records) {
    constexpr std::size_t kShown = 3;
    std::string text = "Cannot merge: " + std::to_string(plan.failed_records()) + " of " +
                       std::to_string(records) + " records have problems:";
    for (std::size_t i = 0; i < plan.problems.size() && i < kShown; ++i)
        text += "\n" + describe_merge_problem(plan.problems[i]);
    if (plan.problems.size() > kShown)
        text += "\n... and " + std::to_string(plan.problems.size() - kShown) + " more";
    return text;
}

} // namespace

void App::import_file(const std::string& path) {
    auto text = read_text(path);
    std::remove(path.c_str());
    const User* actor = m_engine.workspace().directory.user(m_ui.user);
    if (m_read_only) {
        m_ui.error_dialog = "This tab is read-only because the workspace is open in another tab.";
        return;
    }
    if (!actor) return;
    const Status may_merge = check_merge_workspace(*actor);
    const Status may_replace = check_replace_workspace(m_engine.workspace(), *actor);
    if (!may_merge && !may_replace) {
        m_ui.error_dialog = "Import refused: " + may_merge.error() + ".";
        return;
    }
    auto workspace = text ? import_workspace(*text, now()) : Result<Workspace>(Error{text.error()});
    if (!workspace) {
        m_ui.error_dialog =
            "Import failed, and your workspace was not changed.\n\n" + workspace.error();
        return;
    }
    // Say what each way would do, and do nothing until the person chooses.
    ImportQuestion question;
    question.file_name = std::filesystem::path(path).filename().string();
    question.workspace = workspace->name;
    if (may_merge) {
        auto plan =
            plan_workspace_merge(m_engine, *workspace, m_ui.user, question.file_name, now());
        question.can_merge = plan && plan->ok();
        if (!plan)
            question.merge = "Cannot merge: " + plan.error();
        else if (!plan->ok())
            question.merge = merge_problems_text(*plan, workspace->record_count());
        else
            question.merge = "Merge into this workspace. Records: " + plan->summary() +
                             ", matched by id; none are removed. People, processes and settings "
                             "stay as they are.";
        if (question.can_merge) m_pending_merge = std::move(*plan);
    }
    question.can_replace = may_replace.ok();
    question.replace =
        may_replace
            ? "Replace this workspace. Records: " +
                  describe_replacement(count_replacement(m_engine.workspace(), *workspace)) +
                  ". People, processes and settings come from the file too."
        : check_replace_workspace(*actor)
            ? "This is the team's copy of its workspace: a file cannot replace it without cutting "
              "it off from the team. Merge the file instead."
            : "Only admins can replace the whole workspace.";
    if (question.can_replace) m_pending_import = std::move(*workspace);
    m_ui.import_question = std::move(question);
}

void App::answer_import(AnswerImport::Choice choice) {
    const std::string file_name = m_ui.import_question.file_name;
    m_ui.import_question = ImportQuestion{};
    std::optional<Workspace> workspace;
    workspace.swap(m_pending_import);
    std::optional<WorkspaceMerge> merge;
    merge.swap(m_pending_merge);
    if (choice == AnswerImport::Choice::Merge && merge) merge_import(file_name, *merge);
    if (choice == AnswerImport::Choice::Replace && workspace)
        replace_workspace(std::move(*workspace));
}

void App::merge_import(const std::string& file_name, WorkspaceMerge& plan) {
    const auto outcome = commit_workspace_merge(m_engine, plan, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = "Nothing was merged. " + outcome.message;
        return;
    }
    m_ui.undo.reset();
    m_ui.notice = "Merged " + file_name + ": " + plan.summary();
    if (outcome.batch) {
        m_ui.notice += " (batch " + std::to_string(outcome.batch->seq) + ")";
        m_ui.undo = LastChange{*outcome.batch, 0, m_ui.notice, true};
    }
    after_change();
}

void App::replace_workspace(Workspace workspace) {
    const std::size_t count = workspace.record_count();
    cancel_team_session(); // a sync must not go on in the workspace this replaces
    if (auto status = m_store.replace(m_engine, std::move(workspace)); !status) {
        m_ui.error_dialog = "Import could not be saved: " + status.error();
        return;
    }
    if (!m_engine.workspace().directory.user(m_ui.user))
        m_ui.user = default_user(m_engine.workspace());
    m_ui.form = RecordForm{};
    m_ui.selected.clear();
    run_timers(); // records that arrived with a stage join their flows now
    m_ui.notice = "Imported " + std::to_string(count) + " records";
    after_change();
}

void App::export_workspace_file() {
    std::string date = format_instant(now()).substr(0, 10);
    download_text("workspace-" + date + ".json", export_workspace(m_engine.workspace()));
    m_ui.notice = "Exported " + std::to_string(m_engine.workspace().record_count()) + " records";
}

json App::import_question_json() const {
    const ImportQuestion& question = m_ui.import_question;
    return {{"file", question.file_name},  {"workspace", question.workspace},
            {"merge", question.merge},     {"can_merge", question.can_merge},
            {"replace", question.replace}, {"can_replace", question.can_replace}};
}

json App::duplicates_json() const {
    const DuplicatesReview& review = m_ui.duplicates;
    json pairs = json::array();
    for (const auto& pair : review.pairs)
        pairs.push_back({{"a", pair.first}, {"b", pair.second}, {"score", pair.score}});
    return {{"type", review.type}, {"pairs", pairs}, {"open", review.open}};
}

json App::form_history_json() const {
    json lines = json::array();
    if (m_ui.form.open && m_ui.form.history_of == m_ui.form.record_id)
        for (const auto& entry : m_ui.form.history)
            lines.push_back(entry.by + ": " + entry.what);
    return lines;
}

std::string App::test_state_json() const {
    json problems = json::object();
    for (const auto& [field, message] : m_ui.form.problems)
        problems[field] = message;
    json form_duplicates = json::array();
    for (const auto& pair : m_ui.form.likely_duplicates)
        form_duplicates.push_back(pair.first == kNewRecord ? pair.second : pair.first);
    const User* me = m_engine.workspace().directory.user(m_ui.user);
    const Record* shown = m_engine.workspace().find(m_ui.form.record_id);
    const bool editable =
        !m_read_only && me && (!shown || check_update(m_engine.workspace(), *me, *shown));
    return json{{"open", m_open},
                {"open_failed", m_open_failed},
                {"open_error", m_open_error},
                {"form_editable", m_ui.form.open && editable},
                {"screen", m_ui.screen == Screen::Board         ? "board"
                           : m_ui.screen == Screen::Exceptions  ? "exceptions"
                           : m_ui.screen == Screen::MyWork      ? "my_work"
                           : m_ui.screen == Screen::Designer    ? "designer"
                           : m_ui.screen == Screen::Inbox       ? "inbox"
                           : m_ui.screen == Screen::Duplicates  ? "duplicates"
                           : m_ui.screen == Screen::DataQuality ? "data_quality"
                           : m_ui.screen == Screen::Automation  ? "automation"
                           : m_ui.screen == Screen::Reports     ? "reports"
                           : m_ui.screen == Screen::Conflicts   ? "conflicts"
                                                                : "records"},
                {"work", work_json()},
                {"exception_groups", exception_groups_json()},
                {"automation", automation_json()},
                {"flow", m_ui.flow},
                {"move_open", m_ui.move.open},
                {"move_to", m_ui.move.to},
                {"move_missing", m_ui.move.missing},
                {"move_failing", m_ui.move.failing},
                {"move_message", m_ui.move.message},
                {"designer_problems", m_ui.designer.problems},
                {"designer_gate", designer_gate()},
                {"designer_message", m_ui.designer.message},
                {"read_only", m_read_only},
                {"user", m_ui.user},
                {"type", m_ui.type},
                {"records", m_engine.workspace().record_count()},
                {"last_seq", m_engine.last_seq()},
                {"inbox", inbox_json()},
                {"ask_leave", m_ui.ask_leave},
                {"palette_open", m_ui.palette.open},
                {"palette_hits", palette_hits_json()},
                {"log_open", m_ui.log.open},
                {"csv_import", csv_import_json()},
                {"duplicates", duplicates_json()},
                {"data_quality", data_quality_json()},
                {"reports", reports_json()},
                {"import_question", import_question_json()},
                {"log_message", m_ui.log.message},
                {"convert_open", m_ui.convert.open},
                {"convert_message", m_ui.convert.message},
                {"undo_offered", m_ui.undo.has_value() && m_ui.undo->notice == m_ui.notice},
                {"form_values", m_ui.form.values},
                {"zone", m_ui.zone.name()},
                {"rows", m_ui.list.ids.size()},
                {"row_ids", list_ids_json()},
                {"list_totals", format_money_totals(m_ui.list.totals.sums)},
                {"view_name", m_ui.view_name},
                {"bulk_selected", m_ui.bulk.ids().size()},
                {"bulk_refused", m_ui.bulk.refused},
                {"selected", m_ui.selected},
                {"form_open", m_ui.form.open},
                {"form_record", m_ui.form.open ? m_ui.form.record_id : ""},
                {"form_clocks", form_clocks_json()},
                {"form_message", m_ui.form.message},
                {"form_problems", problems},
                {"form_duplicates", form_duplicates},
                {"notice", m_ui.notice},
                {"notice_warns", m_ui.notice_warns()},
                {"form_history", form_history_json()},
                {"form_history_shown", m_ui.form.history_pages.drawn(m_ui.form.history.size())},
                {"error_dialog", m_ui.error_dialog},
                {"team", team_json()},
                {"open_problems", m_ui.open_problems}}
        .dump();
}

} // namespace crm::web
