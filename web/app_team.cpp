// Team sync in the app: signing in (joining a team database, or starting one
// from this workspace), the background sync that follows, and the conflict
// queue. The sessions are core's (sync/); team_sync.hpp sends their requests
// and keeps the schedule. A session never holds a frame: one request is in
// flight, and its answer is taken on the first tick after it arrived.
#include "app.hpp"

#include "engine/permissions.hpp"
#include "io/workspace_json.hpp"
#include "platform.hpp"
#include "query/history.hpp"
#include "sync/conflicts.hpp"
#include "views.hpp"

#include <algorithm>

namespace crm::web {

using nlohmann::json;

namespace {

std::string without_spaces(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string no_such_account(const std::string& user, const char* where) {
    return "There is no user \"" + user + "\" in " + where +
           ". Your user name is your user id in the team's workspace.";
}

constexpr const char* kNothingChanged = "\n\nNothing on this device was changed.";

} // namespace

void App::open_team_link() {
    m_team.account = load_team_account();
    const Workspace& ws = m_engine.workspace();
    // A team's copy is its person's, signed in or not.
    const TeamCopy copy = load_team_copy();
    const bool ours = !ws.team_sync.database.empty() && copy.database == ws.team_sync.database;
    if (ours && ws.directory.user(copy.user)) m_ui.user = copy.user;
    if (!m_team.account.signed_in()) return;
    if (ws.directory.user(m_team.account.user)) m_ui.user = m_team.account.user;
    if (!m_read_only) count_waiting(); // "Offline — 3 changes waiting" before any sync
}

bool App::run_team_sync() {
    const bool busy = m_team.join || m_team.publish || m_team.sync;
    const bool stepped = !m_read_only && (busy ? step_team_session() : start_sync_if_due());
    return update_team_view() || stepped;
}

// Takes the answer that arrived for the session running, if one did, and
// sends its next request. True when the session took an answer.
bool App::step_team_session() {
    TeamLink& team = m_team;
    if (team.join) {
        if (!team.line.step(*team.join, team.pending)) return false;
        if (team.join->done()) finish_join();
        return true;
    }
    if (team.publish) {
        if (!team.line.step(*team.publish, team.pending)) return false;
        if (team.publish->done()) finish_publish();
        return true;
    }
    const std::string form_record = m_ui.form.open ? m_ui.form.record_id : "";
    const Record* shown = m_engine.workspace().find(form_record);
    const std::uint64_t form_version = shown ? shown->version : 0;
    const std::uint64_t seq = m_engine.last_seq();
    if (!team.line.step(*team.sync, team.account)) return false;
    team.synced_in_journal += m_engine.last_seq() - seq; // pulled, or a checkpoint
    if (m_engine.last_seq() != seq) workspace_synced(form_record, form_version);
    if (team.sync->done()) finish_sync();
    return true;
}

bool App::start_sync_if_due() {
    TeamLink& team = m_team;
    if (!team.account.signed_in()) return false;
    const Instant at = now();
    const bool offline = !network_online();
    if (offline != team.offline) {
        team.offline = offline;
        if (!offline) team.schedule.now_please(at); // back online: send what waited
    }
    if (offline || !team.schedule.due(at)) return false;
    // Only what IndexedDB holds goes to the team: a batch sent and then lost
    // with the tab would fork this device's history (docs/sync.md). A save
    // under way is waited for; one that keeps failing lets the sync pull only.
    const SaveState saving = save_state();
    if (saving == SaveState::Pending || saving == SaveState::Saving) return false;
    team.sendable_through = saving == SaveState::Failed ? 0 : m_engine.last_seq();
    team.schedule.started();
    team.sync.emplace(m_engine, team.account.database, team_outbox(), team.account.user, at);
    team.line.step(*team.sync, team.account);
    if (team.sync->done()) finish_sync(); // refused before asking the server
    return true;
}

// This device's batches after `after` that go to the team, from its journal
// and history, up to what IndexedDB held when the sync began.
OutboxReader App::team_outbox() {
    return [this](std::uint64_t after) -> Result<std::vector<EventBatch>> {
        const std::string device = m_engine.device();
        const std::uint64_t through = m_team.sendable_through;
        KeptHistory kept = m_store.read_history(
            [&](const EventBatch& batch) {
                return batch.seq > after && batch.seq <= through && sent_to_team(batch, device);
            },
            after);
        // What was made after `through` waits too (counted from there).
        m_team.note_waiting(kept.batches.size(), through ? through : m_engine.last_seq());
        return std::move(kept.batches);
    };
}

// Reads the journal and its history: once when the app opens signed in;
// after that each sync's outbox says.
void App::count_waiting() {
    const std::string device = m_engine.device();
    const std::uint64_t from = m_engine.workspace().team_sync.unsent_after();
    const KeptHistory kept = m_store.read_history(
        [&](const EventBatch& batch) { return batch.seq > from && sent_to_team(batch, device); },
        from);
    m_team.note_waiting(kept.batches.size(), m_engine.last_seq());
}

// Joining another team replaces this workspace: not while it holds changes
// its own team has not got (core says so, in words, in the dialog).
bool App::may_join(const std::string& database) {
    count_waiting();
    const auto unsent = m_team.waiting(m_engine.last_seq());
    const auto allowed = check_join(m_engine.workspace(), database, unsent.value_or(0));
    if (!allowed) m_ui.team.dialog.message = allowed.error();
    return static_cast<bool>(allowed);
}

void App::finish_sync() {
    const SyncReport report = m_team.sync->report();
    m_team.sync.reset();
    const Instant at = now();
    ++m_team.completed;
    m_team.pulled += report.pulled;
    // Nothing given way is silent: the Team dialog lists the latest.
    auto& not_applied = m_ui.team.status.not_applied;
    not_applied.insert(not_applied.end(), report.dropped.begin(), report.dropped.end());
    if (not_applied.size() > kNotAppliedListed)
        not_applied.erase(not_applied.begin(), not_applied.end() - kNotAppliedListed);
    if (report.error.empty()) {
        m_team.error.clear();
        m_team.synced_once = true;
        m_team.last_synced = at;
        m_team.schedule.succeeded(at);
    } else {
        m_team.error = report.error;
        m_team.schedule.failed(at);
    }
    if (std::exchange(m_team.again, false)) m_team.schedule.now_please(at);
}

// A sync brought changes: every screen reads again (their caches follow
// m_version), the store saves, and an open record that changed shows its new
// values, unless the person is editing it (their Save then meets the
// engine's checks as always).
void App::workspace_synced(const std::string& form_record, std::uint64_t form_version) {
    ++m_version;
    request_save();
    RecordForm& form = m_ui.form;
    if (form_record.empty() || !form.open || form.record_id != form_record) return;
    const Record* record = m_engine.workspace().find(form_record);
    if (record && record->version == form_version) return;
    if (form.values != form.original || form.owner != form.original_owner) return;
    if (!record) {
        form = RecordForm{};
        m_ui.notice = "The record you had open was deleted on another device";
        return;
    }
    const FormPane pane = form.pane;
    const std::string notice = m_ui.notice;
    open_form(m_engine.workspace(), m_ui, form_record);
    m_ui.form.pane = pane;
    m_ui.form.scroll_to_top = false;
    m_ui.notice = notice;
}

bool App::update_team_view() {
    TeamScreen& shown = m_ui.team;
    const TeamLink& team = m_team;
    const std::string& copy_of = m_engine.workspace().team_sync.database;
    shown.database = team.account.signed_in() ? team.account.database : copy_of;
    shown.account = team.account.signed_in() ? team.account.user : "";
    SyncStatus& status = shown.status;
    status.signed_in = team.account.signed_in();
    status.other_tab = m_read_only;
    status.syncing = team.sync.has_value();
    status.offline = team.offline;
    status.synced_once = team.synced_once;
    status.last_synced = team.last_synced;
    status.error = team.error;
    status.retry_at = team.schedule.retry_at();
    status.waiting = team.waiting(m_engine.last_seq());
    std::string words = shown.database.empty() ? "" : sync_words(status, now());
    if (words == m_team.words) return false;
    m_team.words = std::move(words);
    return true;
}

void App::cancel_team_session() {
    m_team.line.cancel();
    m_team.sync.reset();
    m_team.join.reset();
    m_team.publish.reset();
    m_team.pending = TeamAccount{};
    m_ui.team.dialog.busy.clear();
}

void App::sign_in_as(const TeamAccount& account) {
    save_team_account(account);
    save_team_copy({account.database, account.user});
    m_team.account = account;
    m_team.error.clear();
    m_team.synced_once = false;
    m_team.offline = false;
    m_team.schedule = SyncSchedule{}; // due at once
    m_ui.team.dialog.password.clear();
    m_ui.team.dialog.message.clear();
    if (m_ui.user == account.user) return;
    m_ui.user = account.user;
    m_ui.form = RecordForm{};
    m_ui.selected.clear();
    m_ui.undo.reset();
}

void App::join_team() {
    TeamDialog& dialog = m_ui.team.dialog;
    dialog.message.clear();
    if (m_read_only) {
        dialog.message = "This tab is read-only because the workspace is open in another tab.";
        return;
    }
    const auto url = team_database_url(dialog.url);
    const std::string user = without_spaces(dialog.user);
    if (!url)
        dialog.message = url.error();
    else if (user.empty())
        dialog.message = "Enter your user name: your user id in the team's workspace.";
    if (!dialog.message.empty()) return;
    const TeamAccount account{*url, user, dialog.password};
    // A workspace that already syncs with it (signed out since) keeps its unsent changes.
    if (m_engine.workspace().team_sync.database == *url) return sign_in_again(account);
    if (!may_join(*url)) return;
    cancel_team_session();
    m_team.pending = account;
    m_team.join.emplace(*url);
    m_team.line.step(*m_team.join, m_team.pending);
    dialog.busy = "Joining the team…";
}

void App::sign_in_again(const TeamAccount& account) {
    const User* person = m_engine.workspace().directory.user(account.user);
    if (!person) {
        m_ui.team.dialog.message = no_such_account(account.user, "this workspace");
        return;
    }
    cancel_team_session();
    sign_in_as(account);
    count_waiting();
    m_ui.notice = "Signed in as " + person->name;
}

void App::finish_join() {
    auto workspace = m_team.join->workspace();
    m_team.join.reset();
    const TeamAccount account = std::exchange(m_team.pending, TeamAccount{});
    TeamDialog& dialog = m_ui.team.dialog;
    dialog.busy.clear();
    if (!workspace) {
        dialog.message = workspace.error() + kNothingChanged;
        return;
    }
    if (!workspace->directory.user(account.user)) {
        dialog.message = no_such_account(account.user, "the team's workspace") + kNothingChanged;
        return;
    }
    if (!may_join(account.database)) return; // changed meanwhile
    const std::size_t count = workspace->record_count();
    if (auto status = m_store.replace(m_engine, std::move(*workspace)); !status) {
        dialog.message =
            "The team's workspace could not be saved on this device: " + status.error();
        return;
    }
    sign_in_as(account);
    m_ui.form = RecordForm{};
    m_ui.selected.clear();
    m_ui.undo.reset();
    m_ui.alert.clear(); // news of the workspace this replaced
    m_ui.notice = "Joined the team: " + std::to_string(count) + " records";
    ++m_version;
    request_save();
    m_team.note_waiting(0, m_engine.last_seq());
}

void App::publish_team() {
    TeamDialog& dialog = m_ui.team.dialog;
    dialog.message.clear();
    const auto url = team_database_url(dialog.url);
    if (m_read_only)
        dialog.message = "This tab is read-only because the workspace is open in another tab.";
    else if (!url)
        dialog.message = url.error();
    if (!dialog.message.empty()) return;
    cancel_team_session();
    const std::string user = without_spaces(dialog.user);
    m_team.pending = TeamAccount{*url, user, dialog.password};
    m_team.publish.emplace(m_engine, *url, user, now());
    if (m_team.publish->done()) return finish_publish(); // refused before asking the server
    m_team.line.step(*m_team.publish, m_team.pending);
    dialog.busy = "Starting the team database…";
}

void App::finish_publish() {
    const std::string error = m_team.publish->error();
    m_team.publish.reset();
    const TeamAccount account = std::exchange(m_team.pending, TeamAccount{});
    m_ui.team.dialog.busy.clear();
    ++m_version; // published, the workspace holds its checkpoint
    request_save();
    if (!error.empty()) {
        m_ui.team.dialog.message = error;
        return;
    }
    sign_in_as(account);
    m_ui.notice = "Started the team database with " +
                  std::to_string(m_engine.workspace().record_count()) + " records";
    m_team.note_waiting(0, m_engine.last_seq());
}

void App::sign_out_team() {
    cancel_team_session();
    save_team_account(TeamAccount{});
    m_team.account = TeamAccount{};
    m_team.error.clear();
    m_team.synced_once = false;
    m_team.waiting_read.reset();
    m_ui.team.dialog = TeamDialog{};
    m_ui.notice = "Signed out. This device keeps its copy of the team's workspace.";
}

void App::sync_team_now() {
    m_team.schedule.now_please(now());
    m_team.again = m_team.sync.has_value();
    m_team.offline = false; // look again
}

// Keeps one side of a conflict. Keeping the other stage is a move there: the
// move dialog asks for what the stage's gate needs, as any move does.
void App::keep_conflict_side(const KeepConflictSide& request) {
    const Workspace& ws = m_engine.workspace();
    const auto conflict = open_conflict(ws, request.conflict);
    if (!conflict) {
        m_ui.error_dialog = "This conflict is not open any more: it was settled here or on "
                            "another device.";
        return;
    }
    const auto flow = flow_of_stamp_key(conflict->field);
    if (request.keep_other && flow && conflict->other.value.is_string())
        return request_move(
            RequestMove{conflict->record, *flow, conflict->other.value.get<std::string>()});
    std::string notice = "Kept the value";
    for (const auto& row : m_ui.team.conflicts.value)
        if (row.id == conflict->id)
            notice = row.deletion ? "Dismissed: " + row.title
                                  : "Kept " + (request.keep_other ? row.other : row.kept).value +
                                        " as " + row.field + " of " + row.title;
    const auto outcome =
        m_engine.apply(ResolveConflict{conflict->id, request.keep_other}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    m_ui.notice = notice;
    after_change();
}

void App::dismiss_sync_problem(const DismissSyncProblem& request) {
    const auto outcome = m_engine.apply(ResolveConflict{request.problem}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    m_ui.notice = "Reviewed: " + request.title;
    after_change();
}

void App::refresh_conflicts(const ViewContext& view) {
    auto& cache = m_ui.team.conflicts;
    if (!cache.refresh(m_version, m_ui.user, view.now)) return;
    cache.value.clear();
    const Workspace& ws = m_engine.workspace();
    const User* me = ws.directory.user(m_ui.user);
    if (!me) return;
    for (const auto& conflict : open_conflicts(ws, *me)) {
        if (const Record* record = ws.find(conflict.record)) {
            cache.value.push_back(conflict_row(view, conflict, ws.title_of(*record), record->type));
            continue;
        }
        const DeletedRecord& deleted = deleted_record_of(conflict.record);
        cache.value.push_back(conflict_row(view, conflict, deleted.title, deleted.type));
    }
}

// A record deleted here, as its deletion kept it, for the conflict queue's
// words: from its stamps, or (deleted before they kept it) once from history.
const DeletedRecord& App::deleted_record_of(const std::string& id) {
    const auto known = m_deleted_records.find(id);
    if (known != m_deleted_records.end()) return known->second;
    DeletedRecord found{id, ""};
    const Workspace& ws = m_engine.workspace();
    json kept_record = deleted_record(ws, id);
    if (!kept_record.is_object()) {
        const KeptHistory kept = m_store.read_history(
            [&](const EventBatch& batch) { return batch_mentions(batch, id); });
        kept_record = deleted_record(kept.batches, id);
    }
    if (kept_record.is_object()) {
        found.type = kept_record.value("type", "");
        if (auto record = record_from_json(kept_record, ws, id)) found.title = ws.title_of(*record);
    }
    return m_deleted_records.emplace(id, std::move(found)).first->second;
}

json App::team_json() const {
    const TeamScreen& team = m_ui.team;
    json conflicts = json::array();
    for (const auto& row : team.conflicts.value)
        conflicts.push_back({{"id", row.id},
                             {"record", row.record_id},
                             {"title", row.title},
                             {"field", row.field},
                             {"deletion", row.deletion},
                             {"kept", {{"value", row.kept.value}, {"who", row.kept.who}}},
                             {"other", {{"value", row.other.value}, {"who", row.other.who}}}});
    const SyncStatus& status = team.status;
    return {{"signed_in", status.signed_in},
            {"database", team.database},
            {"account", team.account},
            {"status", m_team.words},
            {"short_status", team.database.empty() ? "" : sync_short_words(status, now())},
            {"syncing", status.syncing},
            {"waiting", status.waiting ? json(*status.waiting) : json()},
            {"error", status.error},
            {"not_applied", status.not_applied},
            {"completed", m_team.completed},
            {"pulled", m_team.pulled},
            {"joined_after", m_engine.workspace().team_sync.joined_after},
            {"dialog_open", team.dialog.open},
            {"dialog_message", team.dialog.message},
            {"dialog_busy", team.dialog.busy},
            {"conflicts", conflicts}};
}

} // namespace crm::web
