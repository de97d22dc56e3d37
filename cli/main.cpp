// crm: the command-line tool over the core. Exit codes, the same for every
// command (docs/cli.md): 0 done; 1 the engine refused a valid request
// (permissions, validation, a rule); 2 bad usage or bad input (arguments,
// files, a workspace that cannot be opened); 3 a gate blocked a stage move;
// 4 not saved (the disk is full or failing, or another crm holds the workspace).
// Exits 1 to 3 change no record: a move its gate blocked (exit 3) is journaled
// as an attempt (process.move_blocked) for the manager's exception queue, and
// other refusals write nothing. Exit 4 keeps whatever was saved before the
// failure, consistent.
#include "http_curl.hpp"
#include "workspace_lock.hpp"

#include "automation/rule_check.hpp"
#include "automation/rule_json.hpp"
#include "engine/engine.hpp"
#include "engine/permissions.hpp"
#include "io/csv.hpp"
#include "io/csv_export.hpp"
#include "io/ics.hpp"
#include "io/queue_json.hpp"
#include "io/report_json.hpp"
#include "io/schema_json.hpp"
#include "io/workspace_json.hpp"
#include "logic/jsonlogic.hpp"
#include "model/field_values.hpp"
#include "process/flow_json.hpp"
#include "process/validate.hpp"
#include "query/board.hpp"
#include "query/exceptions.hpp"
#include "query/history.hpp"
#include "query/inbox.hpp"
#include "query/my_work.hpp"
#include "report/metrics.hpp"
#include "scoring/score.hpp"
#include "service/batch_undo.hpp"
#include "service/bootstrap.hpp"
#include "service/conversion.hpp"
#include "service/csv_import.hpp"
#include "service/duplicates.hpp"
#include "service/people_import.hpp"
#include "service/record_history.hpp"
#include "service/replacement.hpp"
#include "service/timers.hpp"
#include "service/workspace_merge.hpp"
#include "sla/calendar.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"
#include "sync/conflicts.hpp"
#include "sync/replication.hpp"
#include "sync/team_database.hpp"
#include "util/utf8.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace crm;
using nlohmann::json;

namespace {

constexpr int kOk = 0;
constexpr int kRejected = 1;
constexpr int kBadInput = 2;
constexpr int kBlocked = 3;
constexpr int kNotSaved = 4;
constexpr int kInternalError = 70; // a bug: BSD's EX_SOFTWARE
constexpr double kDefaultLockWaitSeconds = 10;

const char* kUsage = R"(usage: crm COMMAND ARGS... [--now ISO8601] [--as USER]

  init DIR [--demo]              create a workspace (--demo: with the demo data)
  import DIR FILE.json --as USER [--dry-run]
                                 replace the workspace with an export (admin); says
                                 how many records it adds, replaces and removes
  import DIR FILE.json --merge --as USER [--dry-run]
                                 merge an export's records by id (managers, admins):
                                 adds the new ones with their ids, updates the others,
                                 removes nothing; schema, processes and people stay.
                                 Problems as "record ID: ..." (exit 1, nothing written);
                                 prints the batch for crm undo
  import-csv DIR FILE.csv --type TYPE --map MAP.json --as USER [--dry-run]
      [--skip-invalid REJECTS.csv] [--delimiter ,|;|tab] [--encoding utf-8|windows-1252]
                                 import a spreadsheet's rows as records (see README),
                                 or as users and teams with --type user (admins);
                                 every problem as "row N, column "X": ..."; exit 1 when
                                 a row fails (nothing written unless --skip-invalid)
  undo DIR BATCH --as USER       take back a whole import or merge (its batch number)
  merge DIR KEEP OTHER [FIELD=other ...] --as USER
                                 fold a duplicate into the record that stays: KEEP's
                                 values win (FIELD=other takes OTHER's), blanks are
                                 filled, links to OTHER move to KEEP, OTHER is deleted
  export DIR                     print the whole workspace as JSON
  duplicates DIR --type TYPE [--threshold 0.88]
                                 likely duplicate pairs, one JSON line each: both
                                 ids, score (0-1) and reasons (same email, same
                                 phone, similar name at the same company/domain)
  export-csv DIR --type TYPE [--as USER]
                                 print the records of a type as CSV for spreadsheets
                                 (UTF-8 with BOM; with --as, only what USER may see)
  read-csv FILE [--delimiter ,|;|tab] [--encoding utf-8|windows-1252]
                                 show how a CSV file is read, as JSON (encoding,
                                 delimiter, header, rows); without the options they
                                 are detected
  validate FILE.json...          check an export, or process templates (together)
  add DIR TYPE field=value... --as USER [--owner USER]
                                 create a record and print its id
  set DIR ID field=value... --as USER
                                 change fields (field= clears; owner=USER reassigns)
  delete DIR ID --as USER        delete a record (it can be restored)
  restore DIR ID --as USER       bring a deleted record back, with its history
  history DIR ID [--as USER]     the record's timeline, oldest first (JSON lines)
  show DIR ID [--as USER]        print one record as JSON
  list DIR TYPE [--as USER]      list records of a type: id, title, owner
  add-field DIR TYPE FIELD_JSON --as USER
                                 add a custom field (admins), e.g.
                                 '{"id":"region","label":"Region","type":"picklist","options":["North","South"]}'
  add-type DIR TYPE_JSON --as USER
                                 add a custom record type (admins)
  compact DIR                    fold the journal into a new snapshot
  publish DIR URL --as USER [--user NAME --password-file FILE]
                                 start a team database at URL (CouchDB protocol)
                                 from this workspace
  sync DIR URL --as USER [--user NAME --password-file FILE]
                                 send this device's changes to the team database and
                                 take the others'; a DIR with no workspace joins the team
  conflicts DIR                  the changes two devices made to one value, unresolved
  resolve DIR CONFLICT --keep kept|other --as USER
                                 settle a conflict: the value that stands, or the other
  move DIR ID STAGE --as USER [--flow FLOW] [--reason TEXT] [--confirm] [field=value...]
                                 move a record to a stage, outcome or exit of its
                                 process; exit 3 when a gate blocks the move
  log DIR ID --kind call|meeting|email|note --as USER [--outcome OUTCOME] [--notes TEXT]
      [--task TASK_ID | --oldest-task] [--next TITLE --due ISO8601]
                                 log an activity on a record (or on a task, which it
                                 completes): outcomes are call: Reached, Left voicemail,
                                 No answer, Wrong number; email: Sent, Bounced; meeting:
                                 Meeting held, No-show, Rescheduled. A reached contact fills
                                 the first contact and moves the record on when its gate
                                 passes; --next adds a task for USER; prints what it did
  processes DIR                  print the workspace's process definitions
  set-processes DIR FILE.json --as USER [--map FLOW:OLD=NEW]...
                                 replace the process definitions (admins)
  tick DIR [--now ISO8601]       run the timer up to now: start the flows whose start
                                 condition holds, raise SLA breaches, bring decayed lead
                                 scores up to date, run the rules driven by time; prints
                                 what happened (JSON lines)
  rules DIR [--words]            print the automation rules (a file set-rules reads);
                                 --words: each rule as a sentence (JSON lines)
  set-rules DIR FILE.json --as USER
                                 replace the automation rules (admins)
  automation-log DIR             what rules did lately, oldest first (JSON lines)
  retry DIR ID AUTOMATION --as USER
                                 run a failed automation on a record again (the
                                 recovery queue's key, e.g. rule:route_dach)
  dismiss DIR ID AUTOMATION --as USER [--notes TEXT]
                                 take a failed automation off the recovery queue
  away DIR USER FROM..TO... --as USER
                                 set when USER is out of office (dates YYYY-MM-DD;
                                 none clears); routing skips them then
  convert DIR LEAD --as USER [--company ID|new] [--contact ID|new] [--deal-name NAME]
      [--dry-run]                turn a lead into a company, contact and deal in one
                                 step; links to an existing company and contact the
                                 duplicate check finds (unless given, or "new"); prints
                                 the plan, then what it made (JSON)
  accept-quote DIR QUOTE --as USER
                                 accept a quote: make its order and win its deal
                                 (through the gate), which starts onboarding
  score DIR LEAD                 the lead's score at --now, point by point, as JSON
  scoring DIR                    print the workspace's lead scoring model (null: none)
  set-scoring DIR FILE.json --as USER
                                 replace the lead scoring model (admins; null removes
                                 it); every lead is rescored
  logic RULE_JSON DATA_JSON      evaluate a JsonLogic rule (for checking conditions)
  next-actions DIR --as USER [--first N]
                                 what USER should do next, by due time (JSON lines);
                                 --first N: only the N most urgent rows, found without
                                 working out the rest
  exceptions DIR --as USER       unowned work and SLA breaches, grouped (JSON lines)
  report DIR --metric NAME --as USER [--by owner|team|month|FIELD] [--from DATE] [--to DATE]
      [--owner USER] [--team TEAM] [--flow FLOW] [--where FIELD=VALUE]... [--records] [--csv]
                                 a metric over what USER may see, as JSON: its rows (key,
                                 label, value, count; --records: the record ids behind
                                 each) and total; dates YYYY-MM-DD in the workspace's
                                 time zone, both included; --csv prints a spreadsheet
  report DIR --list              every metric with its definition (JSON lines)
  inbox DIR --as USER [--unread] [--mark-read]
                                 USER's notifications, newest first (JSON lines);
                                 --mark-read marks the ones shown read
  export-ics DIR --as USER       USER's tasks and next actions with a due time as an
                                 iCalendar (.ics) feed for their calendar app
  sla-due --calendar FILE --start ISO8601 --duration "4 business hours"
                                 print when it is due, in UTC

  --now ISO8601                  fix the clock (every command)
  --wait SECONDS                 how long a change waits for another crm working on the
                                 same workspace (default 10)
  --replace-invalid-utf8         replace bytes that are not UTF-8 (in arguments and files)
                                 with U+FFFD instead of refusing them

exit codes: 0 done, 1 refused (permissions, validation), 2 bad usage or bad input,
            3 a gate blocked the move, 4 not saved (disk full or failing, workspace busy)
)";

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
    std::vector<std::string> mappings; // --map FLOW:OLD=NEW
    std::vector<std::string> wheres;   // report: --where FIELD=VALUE
    bool list = false;                 // report: the metrics
    bool records = false;              // report: the ids behind each row
    bool csv = false;                  // report: as a spreadsheet
    bool demo = false;
    bool unread = false;    // inbox: only the unread
    bool mark_read = false; // inbox: mark what it shows read
    bool confirm = false;
    bool replace_invalid_utf8 = false;
    bool oldest_task = false;
    bool dry_run = false; // import-csv: report, write nothing
    bool merge = false;   // import: merge the file's records instead of replacing
    bool words = false;   // rules: each rule in words
};

struct UsageError {
    std::string message;
};

// The workspace does not hold what the request names (exit 1).
struct Refused {
    std::string message;
};

// The workspace could not be written, or another process holds it (exit 4).
struct NotSaved {
    std::string message;
};

// Arguments must be UTF-8 (they end up in the journal and on screens); bytes
// that are not are refused, or replaced when the user asked for that.
void check_utf8(std::vector<std::string>& values, bool replace) {
    for (auto& value : values) {
        const auto bad = find_invalid_utf8(value);
        if (!bad) continue;
        if (replace) {
            value = replace_invalid_utf8(value);
            continue;
        }
        throw UsageError{"argument \"" + replace_invalid_utf8(value) +
                         "\": " + describe_invalid_utf8(value, *bad) +
                         " (give text as UTF-8, or add --replace-invalid-utf8 to replace such "
                         "bytes with U+FFFD)"};
    }
}

Args parse_args(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--demo") {
            args.demo = true;
        } else if (arg == "--confirm") {
            args.confirm = true;
        } else if (arg == "--unread") {
            args.unread = true;
        } else if (arg == "--mark-read") {
            args.mark_read = true;
        } else if (arg == "--oldest-task") {
            args.oldest_task = true;
        } else if (arg == "--dry-run") {
            args.dry_run = true;
        } else if (arg == "--merge") {
            args.merge = true;
        } else if (arg == "--words") {
            args.words = true;
        } else if (arg == "--list") {
            args.list = true;
        } else if (arg == "--records") {
            args.records = true;
        } else if (arg == "--csv") {
            args.csv = true;
        } else if (arg == "--where") {
            // "--where --as u-ben": as for the options below, the next option is not the value.
            if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0)
                throw UsageError{"--where needs FIELD=VALUE"};
            args.wheres.push_back(argv[++i]);
        } else if (arg == "--replace-invalid-utf8") {
            args.replace_invalid_utf8 = true;
        } else if (arg == "--map") {
            if (i + 1 >= argc) throw UsageError{"--map needs FLOW:OLD=NEW (or MAP.json)"};
            args.mappings.push_back(argv[++i]);
        } else if (arg == "--now" || arg == "--as" || arg == "--owner" || arg == "--flow" ||
                   arg == "--reason" || arg == "--calendar" || arg == "--start" ||
                   arg == "--duration" || arg == "--wait" || arg == "--kind" ||
                   arg == "--outcome" || arg == "--notes" || arg == "--next" || arg == "--due" ||
                   arg == "--task" || arg == "--type" || arg == "--delimiter" ||
                   arg == "--encoding" || arg == "--skip-invalid" || arg == "--threshold" ||
                   arg == "--company" || arg == "--contact" || arg == "--deal-name" ||
                   arg == "--metric" || arg == "--by" || arg == "--from" || arg == "--to" ||
                   arg == "--team" || arg == "--first" || arg == "--user" ||
                   arg == "--password-file" || arg == "--keep") {
            // "--reason --as u-ben": the next option is not the value.
            if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0)
                throw UsageError{arg + " needs a value"};
            args.options[arg.substr(2)] = argv[++i];
        } else if (arg == "--help") {
            args.positional.insert(args.positional.begin(), "help");
        } else if (arg.rfind("--", 0) == 0) {
            throw UsageError{"unknown option " + arg + " (crm help lists the options)"};
        } else {
            args.positional.push_back(arg);
        }
    }
    check_utf8(args.positional, args.replace_invalid_utf8);
    check_utf8(args.mappings, args.replace_invalid_utf8);
    check_utf8(args.wheres, args.replace_invalid_utf8);
    for (auto& [name, value] : args.options) {
        std::vector<std::string> one{value};
        check_utf8(one, args.replace_invalid_utf8);
        value = one.front();
    }
    return args;
}

Instant now_from(const Args& args) {
    const auto it = args.options.find("now");
    if (it == args.options.end()) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch());
        return Instant{seconds.count()};
    }
    const auto instant = parse_instant(it->second);
    if (!instant)
        throw UsageError{"--now: expected an ISO 8601 time like 2026-03-02T09:30:00Z, got \"" +
                         it->second + "\""};
    return *instant;
}

std::string require_actor(const Args& args) {
    const auto it = args.options.find("as");
    if (it == args.options.end()) throw UsageError{"say who you are with --as USER"};
    return it->second;
}

// --as USER, for read-only views of what that person sees: the user must exist.
std::string require_known_actor(const Workspace& ws, const Args& args) {
    const std::string user = require_actor(args);
    if (!ws.directory.user(user)) throw Refused{"there is no user \"" + user + "\""};
    return user;
}

// The command's own line of the usage text: "move DIR ID STAGE --as USER [--flow FLOW] ...".
std::string synopsis(const std::string& command) {
    const std::string usage = kUsage;
    const auto at = usage.find("\n  " + command + " ");
    if (at == std::string::npos) return command;
    const auto end = usage.find_first_of("\n", at + 3);
    std::string line = usage.substr(at + 3, end - at - 3);
    if (const auto gap = line.find("  "); gap != std::string::npos) line.resize(gap);
    return line;
}

void need_positional(const Args& args, std::size_t count) {
    if (args.positional.size() < count)
        throw UsageError{"missing arguments; usage: crm " + synopsis(args.positional[0])};
}

// A file the user named, as UTF-8 text (mended if they asked for that).
std::string read_input(const Args& args, const std::string& path) {
    auto text = read_input_file(path, kMaxImportBytes);
    if (!text) throw UsageError{text.error()};
    if (args.replace_invalid_utf8) return replace_invalid_utf8(*text);
    return std::move(*text);
}

std::chrono::milliseconds lock_wait(const Args& args) {
    const auto it = args.options.find("wait");
    if (it == args.options.end())
        return std::chrono::milliseconds(static_cast<long long>(kDefaultLockWaitSeconds * 1000));
    char* end = nullptr;
    const double seconds = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !(seconds >= 0 && seconds <= 3600))
        throw UsageError{"--wait: expected a number of seconds from 0 to 3600, got \"" +
                         it->second + "\""};
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

using cli::WorkspaceLock;

// Commands that change a workspace hold it alone from before they read it
// until they are done; commands that only read share it.
WorkspaceLock lock_workspace(const Args& args, const std::string& dir, WorkspaceLock::Mode mode) {
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error)) return {}; // opening says what is wrong
    auto lock = WorkspaceLock::acquire(dir, mode, lock_wait(args), "crm " + args.positional[0]);
    if (!lock) throw NotSaved{lock.error()};
    return std::move(*lock);
}

struct Opened {
    WorkspaceLock lock; // released last
    DirectoryStorage storage;
    WorkspaceStore store;
    Engine engine;
    Opened(WorkspaceLock held, const std::string& dir)
        : lock(std::move(held)), storage(dir), store(storage) {}
};

enum class Access { Read, Write };

// Opens DIR or explains why not; damaged journal entries are reported.
std::unique_ptr<Opened> open_workspace(const Args& args, const std::string& dir, Access access) {
    std::error_code error;
    if (std::filesystem::exists(dir, error) && !std::filesystem::is_directory(dir, error))
        throw UsageError{dir + " is a file, not a workspace directory"};
    auto opened = std::make_unique<Opened>(lock_workspace(args, dir,
                                                          access == Access::Write
                                                              ? WorkspaceLock::Mode::Exclusive
                                                              : WorkspaceLock::Mode::Shared),
                                           dir);
    auto report = opened->store.open(opened->engine);
    if (!report) throw UsageError{dir + ": " + report.error()};
    for (const auto& problem : report->problems)
        std::cerr << "crm: warning: " << problem << "\n";
    return opened;
}

// field=value pairs typed by the record type's fields.
json parse_assignments(const Workspace& ws, const RecordTypeDef& type,
                       const std::vector<std::string>& pairs, std::optional<std::string>* owner) {
    json fields = json::object();
    for (const auto& pair : pairs) {
        const auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError{"expected field=value, got \"" + pair + "\""};
        const std::string name = pair.substr(0, eq), text = pair.substr(eq + 1);
        if (name == "owner" && owner) {
            *owner = text;
            continue;
        }
        const FieldDef* field = type.field(name);
        if (!field) {
            std::string known;
            for (const auto& f : type.fields)
                known += (known.empty() ? "" : ", ") + f.id;
            throw UsageError{type.label + " has no field \"" + name + "\" (fields: " + known + ")"};
        }
        auto value = parse_field_text(*field, text, ws.currency);
        if (!value) throw UsageError{name + ": " + value.error()};
        fields[name] = *value;
    }
    return fields;
}

// After a change was saved: what it started (a flow, a paused clock) may not
// have been. Then exit 4, saying which part is kept.
int saved_exit(const Engine& engine) {
    if (!engine.save_failure()) return kOk;
    std::cerr << "crm: the change was saved, but what it started was not: "
              << *engine.save_failure() << "\n";
    return kNotSaved;
}

// The verdict as an exit code.
int report_outcome(const Engine& engine, const Outcome& outcome) {
    if (!outcome.ok) {
        std::cerr << "crm: " << outcome.message << "\n";
        return outcome.not_saved ? kNotSaved : kRejected;
    }
    for (const auto& note : outcome.warnings)
        std::cout << note << "\n";
    return saved_exit(engine);
}

// Timers keep going after a save fails; the command must not say it worked.
void check_saved(const Engine& engine) {
    if (engine.save_failure()) throw NotSaved{"Not saved: " + *engine.save_failure()};
}

// `crm show`: the record whole, as an export writes it (the one whole-object read here).
json record_json(const Workspace& ws, const Record& record) {
    json out = record_to_json(record);
    out["title"] = ws.title_of(record);
    for (const char* key : {"owner", "created_by", "updated_by"}) // always there, "" for nobody
        if (!out.contains(key)) out[key] = "";
    return out;
}

const User* optional_viewer(const Workspace& ws, const Args& args) {
    const auto it = args.options.find("as");
    if (it == args.options.end()) return nullptr;
    const User* user = ws.directory.user(it->second);
    if (!user) throw Refused{"there is no user \"" + it->second + "\""};
    return user;
}

int cmd_init(const Args& args) {
    need_positional(args, 2);
    DirectoryStorage storage(args.positional[1]);
    if (auto status = storage.ensure_exists(); !status) throw NotSaved{status.error()};
    const auto lock = lock_workspace(args, args.positional[1], WorkspaceLock::Mode::Exclusive);
    WorkspaceStore store(storage);
    if (store.exists()) {
        std::cerr << "crm: " << args.positional[1] << " already holds a workspace\n";
        return kRejected;
    }
    Workspace workspace = starter_workspace();
    if (args.demo) {
        // Moved to --now (or today), so it looks alive.
        auto demo = demo_workspace(read_input(args, CRM_DEMO_WORKSPACE), now_from(args));
        if (!demo) throw UsageError{"demo workspace: " + demo.error()};
        workspace = std::move(*demo);
    }
    if (auto status = store.create(workspace); !status) throw NotSaved{status.error()};
    std::cout << "created workspace in " << args.positional[1] << " (" << workspace.record_count()
              << " records)\n";
    return kOk;
}

// Merges FILE.json's records into DIR by id, as one batch; --dry-run only reports.
int cmd_import_merge(const Args& args, const Workspace& incoming) {
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    Engine& engine = opened->engine;
    const std::string actor = require_known_actor(engine.workspace(), args);
    const Instant now = now_from(args);
    const std::string source = std::filesystem::path(args.positional[2]).filename().string();
    auto plan = plan_workspace_merge(engine, incoming, actor, source, now);
    if (!plan) throw Refused{plan.error()};
    if (!plan->ok()) {
        for (const auto& problem : plan->problems)
            std::cerr << describe_merge_problem(problem) << "\n";
        std::cout << "cannot merge: " << plan->failed_records() << " of " << incoming.record_count()
                  << " records have problems (nothing written)\n";
        return kRejected;
    }
    if (args.dry_run) {
        std::cout << "would merge: " << plan->summary() << " (dry run: nothing written)\n";
        return kOk;
    }
    const auto outcome = commit_workspace_merge(engine, *plan, actor, now);
    if (!outcome.ok) return report_outcome(engine, outcome);
    std::cout << "merged: " << plan->summary();
    if (outcome.batch)
        std::cout << " (batch " << outcome.batch->seq << ")";
    else
        std::cout << " (nothing to change)";
    std::cout << "\n";
    return saved_exit(engine);
}

int cmd_import(const Args& args) {
    need_positional(args, 3);
    auto workspace = import_workspace(read_input(args, args.positional[2]), now_from(args));
    if (!workspace) throw UsageError{args.positional[2] + ": " + workspace.error()};
    if (args.merge) return cmd_import_merge(args, *workspace);
    const std::string& directory = args.positional[1];
    const std::size_t count = workspace->record_count();
    const std::string dry_run = " (dry run: nothing written)";
    if (args.dry_run && !std::filesystem::exists(directory)) {
        std::cout << "would create a workspace with " << count << " records" << dry_run << "\n";
        return kOk;
    }
    DirectoryStorage storage(directory);
    if (auto status = storage.ensure_exists(); !status) throw NotSaved{status.error()};
    const auto lock = lock_workspace(args, directory, WorkspaceLock::Mode::Exclusive);
    WorkspaceStore store(storage);
    Engine engine;
    std::string counts; // what replacing does, when there is a workspace to replace
    if (store.exists()) {
        // Replacing a workspace is an admin's decision.
        auto report = store.open(engine);
        if (!report) throw UsageError{directory + ": " + report.error()};
        const User* actor = engine.workspace().directory.user(require_actor(args));
        if (!actor) throw Refused{"there is no user \"" + args.options.at("as") + "\""};
        for (const auto& problem : report->problems)
            std::cerr << "crm: warning: " << problem << "\n";
        if (auto allowed = check_replace_workspace(engine.workspace(), *actor); !allowed) {
            std::cerr << "crm: " << allowed.error() << "\n";
            return kRejected;
        }
        counts = describe_replacement(count_replacement(engine.workspace(), *workspace));
    }
    if (args.dry_run) {
        std::cout << (counts.empty()
                          ? "would create a workspace with " + std::to_string(count) + " records"
                          : "would replace the workspace: " + counts)
                  << dry_run << "\n";
        return kOk;
    }
    if (auto status = store.replace(engine, std::move(*workspace)); !status)
        throw NotSaved{status.error()};
    std::cout << "imported " << count << " records";
    if (!counts.empty()) std::cout << " (" << counts << ")";
    std::cout << "\n";
    return kOk;
}

// --encoding, when given.
std::optional<TextEncoding> chosen_encoding(const Args& args) {
    const auto it = args.options.find("encoding");
    if (it == args.options.end()) return std::nullopt;
    const auto encoding = encoding_from_name(it->second);
    if (!encoding)
        throw UsageError{"--encoding: expected utf-8 or windows-1252, got \"" + it->second + "\""};
    return encoding;
}

// --delimiter, when given: "," ";" or "tab" (a tab character too).
std::optional<char> chosen_delimiter(const Args& args) {
    const auto it = args.options.find("delimiter");
    if (it == args.options.end()) return std::nullopt;
    if (it->second == "tab" || it->second == "\t") return '\t';
    if (it->second == "," || it->second == ";") return it->second[0];
    throw UsageError{"--delimiter: expected , ; or tab, got \"" + it->second + "\""};
}

// A CSV file as read, with the encoding and delimiter used.
struct ReadCsv {
    CsvTable table;
    TextEncoding encoding = TextEncoding::Utf8;
    char delimiter = ',';
};

// Reads a CSV file with --encoding and --delimiter, or what its bytes say.
ReadCsv read_csv_file(const Args& args, const std::string& path) {
    const auto encoding = chosen_encoding(args);
    const auto given_delimiter = chosen_delimiter(args);
    auto bytes = read_input_file(path, kMaxImportBytes);
    if (!bytes) throw UsageError{bytes.error()};
    auto decoded = decode_text(*bytes, encoding);
    if (!decoded) throw UsageError{path + ": " + decoded.error()};
    const char delimiter = given_delimiter ? *given_delimiter : detect_delimiter(decoded->text);
    auto table = parse_csv(decoded->text, delimiter);
    if (!table) throw UsageError{path + ": " + table.error()};
    return {std::move(*table), decoded->encoding, delimiter};
}

ImportMapping read_mapping(const Args& args) {
    if (args.mappings.size() != 1)
        throw UsageError{"say how columns map to fields with --map MAP.json"};
    const std::string& path = args.mappings.front();
    auto document = parse_json_text(read_input(args, path));
    if (!document) throw UsageError{path + ": " + document.error()};
    auto mapping = import_mapping_from_json(*document);
    if (!mapping) throw UsageError{path + ": " + mapping.error()};
    return std::move(*mapping);
}

void write_rejects(const std::string& path, const CsvTable& table, const ImportReport& plan) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << rejected_rows_csv(table, plan);
    out.flush();
    if (!out) throw NotSaved{"could not write the rejected rows to " + path};
}

// --type TYPE, which the command needs; `purpose` says what for.
std::string required_type(const Args& args, const std::string& purpose) {
    const auto type = args.options.find("type");
    if (type == args.options.end())
        throw UsageError{"say which records " + purpose + " with --type TYPE"};
    return type->second;
}

void require_known_type(const Workspace& ws, const std::string& type) {
    if (!ws.schema.type(type)) throw UsageError{"there is no record type \"" + type + "\""};
}

// Says what an import's plan found; commits it unless it is a dry run or a
// row failed without --skip-invalid. `commit` commits the plan's rows.
int report_import(const Args& args, Engine& engine, const CsvTable& table, const ImportReport& plan,
                  const std::function<Outcome()>& commit) {
    for (const auto& problem : plan.problems)
        std::cerr << describe_problem(problem) << "\n";
    const bool failed = plan.count(RowAction::Fail) > 0;
    const auto skip = args.options.find("skip-invalid");
    if (args.dry_run || (failed && skip == args.options.end())) {
        std::cout << plan.summary() << (args.dry_run ? " (dry run: nothing written)" : "")
                  << (failed && !args.dry_run ? " (nothing written)" : "") << "\n";
        return failed ? kRejected : kOk;
    }
    if (failed) write_rejects(skip->second, table, plan);
    const auto outcome = commit();
    if (!outcome.ok) {
        std::cerr << "crm: " << outcome.message << "\n";
        return outcome.not_saved ? kNotSaved : kRejected;
    }
    std::cout << plan.summary();
    if (outcome.batch) std::cout << " (batch " << outcome.batch->seq << ")";
    if (failed) std::cout << "; failed rows written to " << skip->second;
    std::cout << "\n";
    return saved_exit(engine);
}

// Imports a CSV file's rows as records of one type (or as users and teams,
// --type user), all or nothing (or the rows that pass, with --skip-invalid);
// --dry-run only reports.
int cmd_import_csv(const Args& args) {
    need_positional(args, 3);
    const std::string type = required_type(args, "the rows are");
    const CsvTable table = read_csv_file(args, args.positional[2]).table;
    const ImportMapping mapping = read_mapping(args);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    Engine& engine = opened->engine;
    const std::string actor = require_known_actor(engine.workspace(), args);
    const Instant now = now_from(args);
    const std::string source = std::filesystem::path(args.positional[2]).filename().string();
    if (type == kPeopleImportType) {
        auto plan = plan_people_import(engine, table, mapping, actor, source, now);
        if (!plan) throw UsageError{args.mappings.front() + ": " + plan.error()};
        return report_import(args, engine, table, *plan,
                             [&] { return commit_people_import(engine, *plan, actor, now); });
    }
    auto plan = plan_import(engine, table, type, mapping, actor, source, now);
    if (!plan) throw UsageError{args.mappings.front() + ": " + plan.error()};
    return report_import(args, engine, table, *plan,
                         [&] { return commit_import(engine, *plan, actor, now); });
}

// Takes a whole batch (an import) back, as one change.
int cmd_undo(const Args& args) {
    need_positional(args, 3);
    const std::string& text = args.positional[2];
    std::uint64_t seq = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seq);
    if (error != std::errc() || end != text.data() + text.size() || seq == 0)
        throw UsageError{"expected a batch number (from crm import-csv or crm history), got \"" +
                         text + "\""};
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const Workspace& ws = opened->engine.workspace();
    const std::string actor = require_known_actor(ws, args);
    const KeptHistory history = opened->store.read_history([](const EventBatch&) { return true; });
    auto command = undo_batch_command(ws, history, seq);
    if (!command) throw Refused{command.error()};
    const std::string what = command->what;
    const auto outcome = opened->engine.apply(*command, actor, now_from(args));
    if (!outcome.ok) return report_outcome(opened->engine, outcome);
    std::cout << "undid " << what;
    if (outcome.batch) std::cout << " (batch " << outcome.batch->seq << ")";
    std::cout << "\n";
    return saved_exit(opened->engine);
}

// Folds OTHER into KEEP; FIELD=other takes that field's value from OTHER.
int cmd_merge(const Args& args) {
    need_positional(args, 4);
    MergeRecords command{args.positional[2], args.positional[3], {}};
    for (auto it = args.positional.begin() + 4; it != args.positional.end(); ++it) {
        const auto equals = it->find('=');
        if (equals == std::string::npos || it->substr(equals + 1) != "other")
            throw UsageError{"expected FIELD=other (the field whose value comes from " +
                             command.other + "), got \"" + *it + "\""};
        command.from_other.push_back(it->substr(0, equals));
    }
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const Workspace& ws = opened->engine.workspace();
    const std::string actor = require_known_actor(ws, args);
    const Record* other = ws.find(command.other);
    const std::string other_title = other ? ws.title_of(*other) : command.other;
    const RecordTypeDef* type = other ? ws.schema.type(other->type) : nullptr;
    for (const auto& field : command.from_other)
        if (type && field != "owner" && !type->field(field))
            throw UsageError{type->label + " has no field \"" + field + "\" to take from " +
                             command.other};
    const auto outcome = opened->engine.apply(command, actor, now_from(args));
    if (!outcome.ok) return report_outcome(opened->engine, outcome);
    std::cout << "merged " << other_title << " (" << command.other << ") into " << command.keep;
    if (outcome.batch) std::cout << " (batch " << outcome.batch->seq << ")";
    std::cout << "\n";
    return saved_exit(opened->engine);
}

int cmd_export(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    std::cout << export_workspace(opened->engine.workspace());
    return kOk;
}

// One record type as a spreadsheet file, of the records --as USER may see.
// Likely duplicate pairs of one record type, one JSON object per line.
int cmd_duplicates(const Args& args) {
    need_positional(args, 2);
    const std::string type = required_type(args, "to look at");
    double threshold = kDefaultNameThreshold;
    if (const auto given = args.options.find("threshold"); given != args.options.end()) {
        const std::string& text = given->second;
        const auto [end, error] =
            std::from_chars(text.data(), text.data() + text.size(), threshold);
        if (error != std::errc() || end != text.data() + text.size() || threshold <= 0 ||
            threshold > 1)
            throw UsageError{"--threshold: expected a number above 0 and at most 1, got \"" + text +
                             "\""};
    }
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    require_known_type(ws, type);
    for (const auto& pair : find_duplicates(ws, type, threshold)) {
        const double score = std::round(pair.score * 100) / 100;
        std::cout << nlohmann::ordered_json{{"a", pair.first},
                                            {"b", pair.second},
                                            {"score", score},
                                            {"reasons", pair.reasons}}
                         .dump()
                  << "\n";
    }
    return kOk;
}

int cmd_export_csv(const Args& args) {
    need_positional(args, 2);
    const std::string type = required_type(args, "to export");
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    require_known_type(ws, type);
    std::cout << export_records_csv(ws, type, optional_viewer(ws, args));
    return kOk;
}

// Shows how a CSV file is read: the encoding and delimiter used (given or
// detected), the header and the rows, as one JSON object.
int cmd_read_csv(const Args& args) {
    need_positional(args, 2);
    const ReadCsv read = read_csv_file(args, args.positional[1]);
    nlohmann::ordered_json shown;
    shown["encoding"] = encoding_name(read.encoding);
    shown["delimiter"] = std::string(1, read.delimiter);
    shown["header"] = read.table.header;
    shown["rows"] = read.table.rows;
    std::cout << shown.dump() << "\n";
    return kOk;
}

// Validates workspace exports one by one; process template files are checked
// together, as one set of flows (a flow may refer to another's outcome).
int cmd_validate(const Args& args) {
    need_positional(args, 2);
    std::vector<Flow> flows;
    std::vector<std::string> template_files;
    for (std::size_t i = 1; i < args.positional.size(); ++i) {
        const std::string& path = args.positional[i];
        auto document = parse_json_text(read_input(args, path));
        if (!document) throw UsageError{path + ": " + document.error()};
        // Process files have flows; workspace exports have records and more.
        const bool processes =
            document->is_object() &&
            (document->contains("flows") || document->value("format", json()) == kProcessesFormat);
        if (processes) {
            auto more = processes_from_document(*document);
            if (!more) throw UsageError{path + ": " + more.error()};
            flows.insert(flows.end(), more->begin(), more->end());
            template_files.push_back(path);
            continue;
        }
        auto workspace = workspace_from_json(*document);
        if (!workspace) throw UsageError{path + ": " + workspace.error()};
        std::cout << path << ": valid (" << workspace->record_count() << " records, "
                  << workspace->directory.users().size() << " users)\n";
    }
    if (template_files.empty()) return kOk;
    std::string names;
    for (const auto& file : template_files)
        names += (names.empty() ? "" : ", ") + file;
    const auto problems = validate_flows(builtin_schema(), flows);
    for (const auto& problem : problems)
        std::cerr << "crm: " << names << ": " << problem << "\n";
    if (!problems.empty()) return kBadInput;
    std::cout << names << ": valid (" << flows.size() << " flow" << (flows.size() == 1 ? "" : "s")
              << ")\n";
    return kOk;
}

int cmd_add(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const Workspace& ws = opened->engine.workspace();
    const RecordTypeDef* type = ws.schema.type(args.positional[2]);
    if (!type) throw UsageError{"there is no record type \"" + args.positional[2] + "\""};
    CreateRecord command;
    command.type = type->id;
    command.fields = parse_assignments(
        ws, *type, {args.positional.begin() + 3, args.positional.end()}, &command.owner);
    if (const auto it = args.options.find("owner"); it != args.options.end())
        command.owner = it->second;
    const auto outcome = opened->engine.apply(command, require_actor(args), now_from(args));
    if (!outcome.ok) return report_outcome(opened->engine, outcome);
    std::cout << outcome.record_id << "\n"; // alone on stdout: ID=$(crm add ...)
    for (const auto& note : outcome.warnings)
        std::cerr << "crm: " << note << "\n";
    return saved_exit(opened->engine);
}

// The record named on the command line, or a message and null.
const Record* find_record(const Workspace& ws, const std::string& id) {
    const Record* record = ws.find(id);
    if (!record) std::cerr << "crm: there is no record \"" << id << "\"\n";
    return record;
}

int cmd_set(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const Workspace& ws = opened->engine.workspace();
    const Record* record = find_record(ws, args.positional[2]);
    if (!record) return kRejected;
    UpdateRecord command;
    command.id = record->id;
    command.fields =
        parse_assignments(ws, *ws.schema.type(record->type),
                          {args.positional.begin() + 3, args.positional.end()}, &command.owner);
    return report_outcome(opened->engine,
                          opened->engine.apply(command, require_actor(args), now_from(args)));
}

int cmd_delete(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    return report_outcome(opened->engine,
                          opened->engine.apply(DeleteRecord{args.positional[2]},
                                               require_actor(args), now_from(args)));
}

namespace {

// Everything the kept journal says about one record.
KeptHistory history_of(const Opened& opened, const std::string& id) {
    auto kept = read_record_history(opened.store, id);
    for (const auto& problem : kept.problems)
        std::cerr << "crm: warning: " << problem << "\n";
    return kept;
}

// A stand-in for a deleted record, to ask who may see it.
std::optional<Record> kept_identity(const json& kept) {
    if (!kept.is_object()) return std::nullopt;
    Record record;
    record.id = kept.value("id", "");
    record.type = kept.value("type", "");
    record.owner = kept.value("owner", "");
    return record;
}

} // namespace

int cmd_history(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    const std::string& id = args.positional[2];
    const auto kept = history_of(*opened, id);
    std::optional<Record> deleted;
    const Record* record = ws.find(id);
    if (!record) {
        deleted = kept_identity(deleted_record(kept.batches, id));
        record = deleted ? &*deleted : nullptr;
    }
    const User* viewer = optional_viewer(ws, args);
    if (!record || (viewer && !can_view(ws, *viewer, *record))) {
        std::cerr << "crm: there is no record \"" << id << "\""
                  << (record ? " that you can see" : "") << "\n";
        return kRejected;
    }
    for (const auto& entry : record_timeline(ws, kept.batches, kept.origins, id))
        std::cout << json{{"at", format_instant(entry.at)},
                          {"seq", entry.seq},
                          {"device", entry.device},
                          {"actor", entry.actor},
                          {"by", entry.by},
                          {"kind", entry.kind},
                          {"what", entry.what},
                          {"data", entry.data}}
                         .dump()
                  << "\n";
    return kOk;
}

int cmd_restore(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const std::string& id = args.positional[2];
    const json kept = opened->engine.workspace().find(id)
                          ? json()
                          : deleted_record(history_of(*opened, id).batches, id);
    return report_outcome(
        opened->engine,
        opened->engine.apply(RestoreRecord{id, kept}, require_actor(args), now_from(args)));
}

int cmd_show(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    const Record* record = ws.find(args.positional[2]);
    const User* viewer = optional_viewer(ws, args);
    if (!record || (viewer && !can_view(ws, *viewer, *record))) {
        std::cerr << "crm: there is no record \"" << args.positional[2] << "\""
                  << (record ? " that you can see" : "") << "\n";
        return kRejected;
    }
    std::cout << record_json(ws, *record).dump(2) << "\n";
    return kOk;
}

int cmd_list(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    if (!ws.schema.type(args.positional[2]))
        throw UsageError{"there is no record type \"" + args.positional[2] + "\""};
    const User* viewer = optional_viewer(ws, args);
    for (const auto& id : ws.ids_of_type(args.positional[2])) {
        const Record* record = ws.find(id);
        if (viewer && !can_view(ws, *viewer, *record)) continue;
        std::cout << record->id << "\t" << ws.title_of(*record) << "\t" << record->owner << "\n";
    }
    return kOk;
}

json parse_json_argument(const std::string& text, const char* what) {
    auto parsed = parse_json_text(text);
    if (!parsed) throw UsageError{std::string(what) + ": " + parsed.error()};
    return *parsed;
}

int cmd_add_field(const Args& args) {
    need_positional(args, 4);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    auto field = field_def_from_json(parse_json_argument(args.positional[3], "field"), "field");
    if (!field) throw UsageError{field.error()};
    return report_outcome(opened->engine,
                          opened->engine.apply(AddField{args.positional[2], *field},
                                               require_actor(args), now_from(args)));
}

int cmd_add_type(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    auto type = record_type_from_json(parse_json_argument(args.positional[2], "type"), "type");
    if (!type) throw UsageError{type.error()};
    return report_outcome(
        opened->engine,
        opened->engine.apply(AddRecordType{*type}, require_actor(args), now_from(args)));
}

std::string option(const Args& args, const char* name) {
    const auto it = args.options.find(name);
    return it == args.options.end() ? "" : it->second;
}

int report_blocked(const Engine& engine, const Record& record, const Outcome& outcome) {
    const Workspace& ws = engine.workspace();
    if (outcome.not_saved || !outcome.blocked) return report_outcome(engine, outcome);
    std::cerr << "crm: " << outcome.message << "\n";
    const RecordTypeDef* type = ws.schema.type(record.type);
    for (const auto& field : outcome.blocked->missing) {
        const FieldDef* def = type->field(field);
        std::cerr << "  missing: " << (def ? def->label : field) << " (" << field << ")\n";
    }
    for (const auto& condition : outcome.blocked->failing)
        std::cerr << "  not met: " << condition << "\n";
    if (outcome.blocked->needs_reason) std::cerr << "  needs: a reason (--reason TEXT)\n";
    return kBlocked;
}

int cmd_move(const Args& args) {
    need_positional(args, 4);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const Workspace& ws = opened->engine.workspace();
    const Record* record = find_record(ws, args.positional[2]);
    if (!record) return kRejected;
    MoveRecord move;
    move.id = record->id;
    move.to = args.positional[3];
    move.flow = option(args, "flow");
    move.reason = option(args, "reason");
    if (const auto problem = text_problem(move.reason, kMaxTextBytes))
        throw UsageError{"--reason: the text " + *problem};
    move.confirm_warnings = args.confirm;
    move.fields = parse_assignments(ws, *ws.schema.type(record->type),
                                    {args.positional.begin() + 4, args.positional.end()}, nullptr);
    const Record before = *record;
    const auto outcome = opened->engine.apply(move, require_actor(args), now_from(args));
    if (!outcome.ok) return report_blocked(opened->engine, before, outcome);
    const Record* after = ws.find(move.id);
    for (const auto& [flow_id, state] : after->flows) {
        const auto previous = before.flows.find(flow_id);
        if (previous != before.flows.end() && previous->second.stage == state.stage &&
            previous->second.status == state.status)
            continue;
        const Flow* flow = ws.flow(flow_id);
        if (!flow || state.status == "spawned") continue; // spawns are reported as notes
        const StagePosition position = stage_position(*flow, state, now_from(args));
        std::cout << after->id << ": " << flow->name << ": "
                  << (position.stage ? position.stage->name : position.ended_as) << "\n";
    }
    for (const auto& note : outcome.warnings)
        std::cout << "  " << note << "\n";
    return saved_exit(opened->engine);
}

// Logs a call, meeting, email or note; prints what it did, in words.
int cmd_log(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    LogActivity log;
    log.id = args.positional[2];
    log.kind = option(args, "kind");
    if (log.kind.empty()) throw UsageError{"say what to log with --kind call|meeting|email|note"};
    log.outcome = option(args, "outcome");
    log.notes = option(args, "notes");
    log.task = option(args, "task");
    log.answers_oldest_task = args.oldest_task;
    log.next_title = option(args, "next");
    if (const std::string due = option(args, "due"); !due.empty()) {
        const auto when = parse_instant(due);
        if (!when)
            throw UsageError{"--due: expected an ISO 8601 time like 2026-03-02T09:30:00Z, got \"" +
                             due + "\""};
        log.next_due = *when;
    }
    const auto outcome = opened->engine.apply(log, require_actor(args), now_from(args));
    if (outcome.ok) std::cout << outcome.summary << "\n";
    return report_outcome(opened->engine, outcome);
}

int cmd_processes(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    std::cout << processes_document(opened->engine.workspace().flows).dump(2) << "\n";
    return kOk;
}

int cmd_set_processes(const Args& args) {
    need_positional(args, 3);
    auto document = parse_json_text(read_input(args, args.positional[2]));
    if (!document) throw UsageError{args.positional[2] + ": " + document.error()};
    auto flows = processes_from_document(*document);
    if (!flows) throw UsageError{args.positional[2] + ": " + flows.error()};
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    // A file that does not fit this workspace is bad input, as `crm validate` says.
    const auto problems = validate_flows(opened->engine.workspace().schema, *flows);
    for (const auto& problem : problems)
        std::cerr << "crm: " << args.positional[2] << ": " << problem << "\n";
    if (!problems.empty()) return kBadInput;
    SetProcesses command{*flows, {}};
    for (const auto& mapping : args.mappings) {
        const auto colon = mapping.find(':'), eq = mapping.find('=');
        if (colon == std::string::npos || eq == std::string::npos || eq < colon)
            throw UsageError{"--map: expected FLOW:OLD_STAGE=NEW_STAGE, got \"" + mapping + "\""};
        command.stage_mapping[mapping.substr(0, colon)][mapping.substr(colon + 1, eq - colon - 1)] =
            mapping.substr(eq + 1);
    }
    return report_outcome(opened->engine,
                          opened->engine.apply(command, require_actor(args), now_from(args)));
}

// What the timer did, one JSON line each: flows started, SLA breaches raised,
// and each action a time-driven rule ran (or why it could not).
int cmd_tick(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const TickReport report = tick(opened->engine, now_from(args));
    for (const auto& started : report.started)
        std::cout << json{{"kind", "flow_started"}, {"text", started}}.dump() << "\n";
    for (const auto& alert : report.alerts)
        std::cout << json{{"kind", "sla_breach"}, {"text", alert}}.dump() << "\n";
    for (const auto& scored : report.scored)
        std::cout << json{{"kind", "score"}, {"text", scored}}.dump() << "\n";
    for (const auto& run : report.rules) {
        json line = rule_run_to_json(run);
        line["kind"] = "rule";
        std::cout << line.dump() << "\n";
    }
    check_saved(opened->engine);
    return kOk;
}

int cmd_rules(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    if (args.words) {
        for (const auto& rule : ws.automation.rules)
            std::cout << json{{"id", rule.id}, {"summary", describe_rule(ws, rule)}}.dump() << "\n";
        return kOk;
    }
    std::cout << rules_file_to_json(ws.automation.rules).dump(2) << "\n";
    return kOk;
}

int cmd_set_rules(const Args& args) {
    need_positional(args, 3);
    auto document = parse_json_text(read_input(args, args.positional[2]));
    if (!document) throw UsageError{args.positional[2] + ": " + document.error()};
    auto rules = rules_file_from_json(*document);
    if (!rules) throw UsageError{args.positional[2] + ": " + rules.error()};
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    // A file that does not fit this workspace is bad input, each problem named.
    const auto problems = validate_rules(opened->engine.workspace(), *rules);
    for (const auto& problem : problems)
        std::cerr << "crm: " << args.positional[2] << ": " << problem << "\n";
    if (!problems.empty()) return kBadInput;
    const Outcome outcome =
        opened->engine.apply(SetRules{*rules}, require_actor(args), now_from(args));
    if (outcome.ok)
        std::cout << rules->size() << (rules->size() == 1 ? " rule" : " rules") << " saved\n";
    return report_outcome(opened->engine, outcome);
}

int cmd_automation_log(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    for (const auto& run : opened->engine.workspace().automation.log)
        std::cout << rule_run_to_json(run).dump() << "\n";
    return kOk;
}

int cmd_retry(const Args& args) {
    need_positional(args, 4);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    return report_outcome(
        opened->engine,
        opened->engine.apply(RetryAutomation{args.positional[2], args.positional[3]},
                             require_actor(args), now_from(args)));
}

int cmd_dismiss(const Args& args) {
    need_positional(args, 4);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    return report_outcome(
        opened->engine,
        opened->engine.apply(
            DismissAutomation{args.positional[2], args.positional[3], option(args, "notes")},
            require_actor(args), now_from(args)));
}

json match_json(const std::optional<ConversionMatch>& match, const std::string& new_name) {
    if (!match) return {{"new", new_name}};
    return {{"id", match->id}, {"title", match->title}, {"reason", match->reason}};
}

// --company / --contact: an id, "new" to make one, or absent to take the plan's match.
void choose(const Args& args, const Workspace& ws, const char* option_name,
            std::optional<ConversionMatch>& match) {
    const auto it = args.options.find(option_name);
    if (it == args.options.end()) return;
    if (it->second == "new") return match.reset();
    const Record* record = ws.find(it->second);
    match = ConversionMatch{it->second, record ? ws.title_of(*record) : it->second, "chosen"};
}

int cmd_convert(const Args& args) {
    need_positional(args, 3);
    auto opened =
        open_workspace(args, args.positional[1], args.dry_run ? Access::Read : Access::Write);
    const Workspace& ws = opened->engine.workspace();
    const User* actor = ws.directory.user(require_actor(args));
    if (!actor) throw Refused{"there is no user \"" + require_actor(args) + "\""};
    ConversionPlan plan = plan_conversion(ws, *actor, args.positional[2]);
    choose(args, ws, "company", plan.company);
    choose(args, ws, "contact", plan.contact);
    const auto name = args.options.find("deal-name");
    plan.deal_name = name != args.options.end() ? name->second : default_deal_name(plan);
    std::cout << json{{"plan",
                       {{"company", match_json(plan.company, plan.new_company)},
                        {"contact", match_json(plan.contact, plan.new_contact)},
                        {"deal", plan.deal.empty() ? json{{"new", plan.deal_name}}
                                                   : json{{"id", plan.deal}}}}}}
                     .dump()
              << "\n";
    const ConvertLead command = conversion_command(plan);
    if (args.dry_run) {
        // Checked as it would be done: a conversion that would be refused says so.
        auto decided = opened->engine.decide(command, actor->id, now_from(args));
        if (!decided) throw Refused{decided.error()};
        std::cout << "would convert " << plan.lead << " (dry run: nothing written)\n";
        return kOk;
    }
    const Outcome outcome = opened->engine.apply(command, actor->id, now_from(args));
    if (outcome.ok) {
        const Record* lead = ws.find(plan.lead);
        json made = json::object();
        for (const char* field : {"converted_company", "converted_contact", "converted_deal"})
            made[std::string(field).substr(10)] = lead->value(field);
        std::cout << json{{"converted", made}}.dump() << "\n";
    }
    return report_outcome(opened->engine, outcome);
}

int cmd_accept_quote(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const Outcome outcome =
        opened->engine.apply(AcceptQuote{args.positional[2]}, require_actor(args), now_from(args));
    if (outcome.ok)
        std::cout << json{{"order",
                           opened->engine.workspace().find(args.positional[2])->value("order")}}
                         .dump()
                  << "\n";
    return report_outcome(opened->engine, outcome);
}

// "2026-12-07..2026-12-11" (one day: "2026-12-07"); "none" clears.
std::vector<AwayPeriod> away_periods(const std::vector<std::string>& texts) {
    std::vector<AwayPeriod> away;
    for (const auto& text : texts) {
        if (text == "none") continue;
        const auto dots = text.find("..");
        const auto from = parse_date(text.substr(0, dots));
        const auto to = dots == std::string::npos ? from : parse_date(text.substr(dots + 2));
        if (!from || !to)
            throw UsageError{"away: expected FROM..TO as YYYY-MM-DD..YYYY-MM-DD (or one date, or "
                             "none), got \"" +
                             text + "\""};
        away.push_back({*from, *to});
    }
    return away;
}

int cmd_away(const Args& args) {
    need_positional(args, 4);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const std::vector<std::string> texts(args.positional.begin() + 3, args.positional.end());
    return report_outcome(opened->engine,
                          opened->engine.apply(SetAway{args.positional[2], away_periods(texts)},
                                               require_actor(args), now_from(args)));
}

int cmd_score(const Args& args) {
    need_positional(args, 3);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    const Record* lead = find_record(ws, args.positional[2]);
    if (!lead) return kRejected;
    if (lead->type != "lead")
        throw Refused{args.positional[2] + " is a " + lead->type + ", not a lead"};
    if (!ws.lead_scoring)
        throw Refused{"the workspace has no lead scoring; an admin sets one with crm set-scoring"};
    const Instant now = now_from(args);
    std::cout << score_breakdown_json(ws, *lead, score_lead(ws, *lead, now)).dump(2) << "\n";
    return kOk;
}

int cmd_scoring(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const auto& scoring = opened->engine.workspace().lead_scoring;
    std::cout << (scoring ? lead_scoring_to_json(*scoring) : json()).dump(2) << "\n";
    return kOk;
}

int cmd_set_scoring(const Args& args) {
    need_positional(args, 3);
    const std::string& path = args.positional[2];
    auto document = parse_json_text(read_input(args, path));
    if (!document) throw UsageError{path + ": " + document.error()};
    SetLeadScoring command;
    if (!document->is_null()) {
        auto scoring = lead_scoring_from_json(*document, "$");
        if (!scoring) throw UsageError{path + ": " + scoring.error()};
        command.scoring = std::move(*scoring);
    }
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const Workspace& ws = opened->engine.workspace();
    // A file that does not fit this workspace is bad input, as set-processes says.
    if (command.scoring) {
        const auto problems = validate_lead_scoring(ws.schema, ws.directory, *command.scoring, "$");
        for (const auto& problem : problems)
            std::cerr << "crm: " << path << ": " << problem << "\n";
        if (!problems.empty()) return kBadInput;
    }
    return report_outcome(opened->engine,
                          opened->engine.apply(command, require_actor(args), now_from(args)));
}

int cmd_logic(const Args& args) {
    need_positional(args, 3);
    auto rule = parse_json_argument(args.positional[1], "rule");
    auto data = parse_json_argument(args.positional[2], "data");
    const auto problems = logic::check(rule);
    for (const auto& problem : problems)
        std::cerr << "crm: rule: " << problem << "\n";
    if (!problems.empty()) return kBadInput;
    auto result = logic::evaluate(rule, data, logic::Context{now_from(args)});
    if (!result) throw UsageError{"rule: " + result.error()};
    std::cout << result->dump() << "\n";
    return kOk;
}

int cmd_sla_due(const Args& args) {
    const std::string calendar_path = option(args, "calendar"), start_text = option(args, "start"),
                      duration_text = option(args, "duration");
    if (calendar_path.empty() || start_text.empty() || duration_text.empty())
        throw UsageError{"sla-due needs --calendar FILE, --start ISO8601 and --duration TEXT"};
    auto document = parse_json_text(read_input(args, calendar_path));
    if (!document) throw UsageError{calendar_path + ": " + document.error()};
    auto calendar = calendar_from_json(*document);
    if (!calendar) throw UsageError{calendar_path + ": " + calendar.error()};
    const auto start = parse_instant(start_text);
    if (!start)
        throw UsageError{"--start: expected an ISO 8601 time like 2026-03-02T09:30:00Z, got \"" +
                         start_text + "\""};
    auto duration = parse_duration(duration_text);
    if (!duration) throw UsageError{"--duration: " + duration.error()};
    auto due = due_at(*calendar, *start, *duration);
    if (!due) throw UsageError{due.error()};
    std::cout << format_instant(*due) << "\n";
    return kOk;
}

// --first N: how many of the most urgent rows to print; none: all of them.
std::optional<std::size_t> first_rows(const Args& args) {
    const auto given = args.options.find("first");
    if (given == args.options.end()) return std::nullopt;
    const std::string& text = given->second;
    std::size_t rows = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), rows);
    if (error != std::errc() || end != text.data() + text.size() || rows == 0)
        throw UsageError{"--first: expected a whole number of rows above 0, got \"" + text + "\""};
    return rows;
}

// The queue of what USER should do, as JSON lines, after the timers have run
// (flows that came due start; breaches raise their alerts, once).
int cmd_next_actions(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const Workspace& ws = opened->engine.workspace();
    const std::string user = require_known_actor(ws, args);
    const Instant now = now_from(args);
    const TickReport report = tick(opened->engine, now);
    for (const auto& note : report.started)
        std::cerr << "crm: " << note << "\n";
    for (const auto& alert : report.alerts)
        std::cerr << "crm: alert: " << alert << "\n";
    check_saved(opened->engine);
    const auto first = first_rows(args);
    for (const auto& item :
         first ? first_actions(ws, user, now, *first) : next_actions(ws, user, now))
        std::cout << work_item_json(item).dump() << "\n";
    return kOk;
}

// The exception queues USER may see, as JSON lines: one per group.
int cmd_exceptions(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    const std::string user = require_known_actor(ws, args);
    for (const auto& queue : exception_queues(ws, user, now_from(args)))
        std::cout << exception_queue_json(queue).dump() << "\n";
    return kOk;
}

const char* unit_name(MetricUnit unit) {
    switch (unit) {
    case MetricUnit::Hours:
        return "hours";
    case MetricUnit::Days:
        return "days";
    case MetricUnit::Fraction:
        return "fraction";
    case MetricUnit::Money:
        return "money";
    case MetricUnit::Count:
        return "count";
    case MetricUnit::Score:
        return "score";
    case MetricUnit::Percent:
        return "percent";
    case MetricUnit::PerWeek:
        return "per week";
    }
    return "";
}

std::optional<CivilDate> date_option(const Args& args, const std::string& name) {
    const auto it = args.options.find(name);
    if (it == args.options.end()) return std::nullopt;
    const auto date = parse_date(it->second);
    if (!date)
        throw UsageError{"--" + name + ": expected a date as YYYY-MM-DD, got \"" + it->second +
                         "\""};
    return date;
}

ReportQuery report_query(const Args& args) {
    const auto metric = args.options.find("metric");
    if (metric == args.options.end())
        throw UsageError{"say which metric with --metric NAME (crm report DIR --list names them)"};
    if (!metric_info(metric->second))
        throw UsageError{"there is no metric \"" + metric->second +
                         "\"; crm report --list names every metric"};
    ReportQuery query{metric->second, option(args, "by"), {}};
    query.filter.from = date_option(args, "from");
    query.filter.to = date_option(args, "to");
    if (query.filter.from && query.filter.to && *query.filter.to < *query.filter.from)
        throw UsageError{"the period ends (" + format_date(*query.filter.to) +
                         ") before it starts (" + format_date(*query.filter.from) + ")"};
    query.filter.owner = option(args, "owner");
    query.filter.team = option(args, "team");
    query.filter.flow = option(args, "flow");
    for (const auto& pair : args.wheres) {
        const auto equals = pair.find('=');
        if (equals == std::string::npos || equals == 0)
            throw UsageError{"--where: expected FIELD=VALUE, got \"" + pair + "\""};
        query.filter.where.emplace_back(pair.substr(0, equals), pair.substr(equals + 1));
    }
    return query;
}

// A metric over what USER may see (JSON or CSV), or with --list every metric.
int cmd_report(const Args& args) {
    need_positional(args, 2);
    if (args.list) {
        for (const auto& metric : metric_catalog())
            std::cout << nlohmann::ordered_json{{"metric", metric.name},
                                                {"title", metric.title},
                                                {"unit", unit_name(metric.unit)},
                                                {"rows", metric.rows},
                                                {"count", metric.counts},
                                                {"definition", metric.definition}}
                             .dump()
                      << "\n";
        return kOk;
    }
    const ReportQuery query = report_query(args);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    const std::string user = require_known_actor(ws, args);
    // A user, team or flow the workspace does not hold is its refusal (exit
    // 1); a field it has not, or a period the wrong way round, bad input (2).
    if (auto names = check_report_names(ws, query.filter); !names) throw Refused{names.error()};
    auto report = run_report(ws, user, query, now_from(args));
    if (!report) throw UsageError{report.error()};
    if (args.csv)
        std::cout << report_csv(*report, ws.currency);
    else
        std::cout << report_to_json(*report, args.records).dump() << "\n";
    return kOk;
}

// USER's notifications as JSON lines, newest first; --mark-read then marks
// the ones shown read (one journal entry).
int cmd_inbox(const Args& args) {
    need_positional(args, 2);
    auto opened =
        open_workspace(args, args.positional[1], args.mark_read ? Access::Write : Access::Read);
    const Workspace& ws = opened->engine.workspace();
    const std::string user = require_known_actor(ws, args);
    const Inbox box = inbox(ws, user, args.unread);
    MarkNotificationsRead mark;
    for (const Notification* notification : box.items) {
        std::cout << inbox_item_json(ws, *notification).dump() << "\n";
        mark.ids.push_back(notification->id);
    }
    if (!args.mark_read) return kOk;
    return report_outcome(opened->engine, opened->engine.apply(mark, user, now_from(args)));
}

// USER's next actions as an iCalendar feed (RFC 5545) for their own calendar
// app. Read-only: a calendar polling the feed changes nothing, so the timers
// do not run here (next-actions and the app run them).
int cmd_export_ics(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    const std::string user = require_known_actor(ws, args);
    std::cout << work_calendar(ws, user, now_from(args));
    return kOk;
}

// ---- team sync (docs/sync.md) ----------------------------------------------

// The team database's URL and the account to reach it with.
TeamServer team_server(const Args& args, const std::string& url) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        throw UsageError{"expected the team database's URL (http://HOST:PORT/DATABASE), got \"" +
                         url + "\""};
    TeamServer server;
    server.database = url;
    while (!server.database.empty() && server.database.back() == '/')
        server.database.pop_back();
    const auto user = args.options.find("user");
    const auto password_file = args.options.find("password-file");
    if ((user == args.options.end()) != (password_file == args.options.end()))
        throw UsageError{"--user and --password-file go together"};
    if (user != args.options.end()) {
        server.user = user->second;
        server.password = read_input(args, password_file->second);
        while (!server.password.empty() &&
               (server.password.back() == '\n' || server.password.back() == '\r'))
            server.password.pop_back();
    }
    return server;
}

// Sends each request a session asks for until it is done.
template <typename Session> void run_session(Session& session, const TeamServer& server) {
    run_to_end(session, [&](const HttpRequest& request) { return send_http(server, request); });
}

// This device's batches after `after` that go to the team, from its journal and history.
OutboxReader outbox_of(const Opened& opened) {
    return [&opened](std::uint64_t after) -> Result<std::vector<EventBatch>> {
        const std::string device = opened.engine.device();
        auto kept = opened.store.read_history(
            [&](const EventBatch& batch) {
                return batch.seq > after && sent_to_team(batch, device);
            },
            after);
        for (const auto& problem : kept.problems)
            std::cerr << "crm: warning: " << problem << "\n";
        return std::move(kept.batches);
    };
}

int report_sync(const SyncReport& report, const Workspace& ws) {
    for (const auto& what : report.dropped)
        std::cerr << "crm: warning: not applied here: " << what << "\n";
    if (!report.error.empty()) {
        std::cerr << "crm: " << report.error << "\n";
        std::cerr << "crm: nothing on this device was lost; sync again later\n";
        return kRejected;
    }
    std::cout << "pushed " << report.pushed << (report.pushed == 1 ? " change" : " changes")
              << ", pulled " << report.pulled << (report.pulled == 1 ? " change" : " changes");
    if (const std::size_t open = open_conflicts(ws).size())
        std::cout << "; " << open << (open == 1 ? " open conflict" : " open conflicts")
                  << " (crm conflicts lists them)";
    std::cout << " (" << report.bytes_sent << " bytes sent, " << report.bytes_received
              << " received)\n";
    return kOk;
}

// A directory with no workspace joins the team: the base the database holds.
int join_team(const Args& args, const std::string& dir, const TeamServer& server) {
    JoinSession join(server.database);
    run_session(join, server);
    auto workspace = join.workspace();
    if (!workspace) {
        std::cerr << "crm: " << workspace.error() << "\n";
        return kRejected;
    }
    require_known_actor(*workspace, args);
    DirectoryStorage storage(dir);
    if (auto status = storage.ensure_exists(); !status) throw NotSaved{status.error()};
    const auto lock = lock_workspace(args, dir, WorkspaceLock::Mode::Exclusive);
    WorkspaceStore store(storage);
    if (store.exists()) throw Refused{dir + " already holds a workspace"};
    if (auto status = store.create(*workspace); !status) throw NotSaved{status.error()};
    std::cout << "joined the team database " << server.database << " (" << workspace->record_count()
              << " records, " << join.bytes_received() << " bytes)\n";
    return kOk;
}

int cmd_sync(const Args& args) {
    need_positional(args, 3);
    const std::string& dir = args.positional[1];
    const TeamServer server = team_server(args, args.positional[2]);
    const std::string actor = require_actor(args);
    DirectoryStorage probe(dir);
    if (!WorkspaceStore(probe).exists())
        if (const int joined = join_team(args, dir, server); joined != kOk) return joined;
    auto opened = open_workspace(args, dir, Access::Write);
    require_known_actor(opened->engine.workspace(), args);
    SyncSession session(opened->engine, server.database, outbox_of(*opened), actor, now_from(args));
    run_session(session, server);
    return report_sync(session.report(), opened->engine.workspace());
}

int cmd_publish(const Args& args) {
    need_positional(args, 3);
    const TeamServer server = team_server(args, args.positional[2]);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const std::string actor = require_known_actor(opened->engine.workspace(), args);
    PublishSession publish(opened->engine, server.database, actor, now_from(args));
    run_session(publish, server);
    if (!publish.error().empty()) {
        std::cerr << "crm: " << publish.error() << "\n";
        return kRejected;
    }
    std::cout << "published " << opened->engine.workspace().record_count() << " records to "
              << server.database << " (" << publish.bytes_sent() << " bytes)\n";
    return kOk;
}

int cmd_conflicts(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Read);
    const Workspace& ws = opened->engine.workspace();
    const auto side = [](const ConflictSide& s) {
        return json{{"value", s.value},
                    {"by", s.actor},
                    {"device", s.device},
                    {"at", format_instant(s.at)}};
    };
    for (const auto& conflict : open_conflicts(ws)) {
        const Record* record = ws.find(conflict.record);
        std::cout << json{{"id", conflict.id},
                          {"record", conflict.record},
                          {"title", record ? ws.title_of(*record) : conflict.record},
                          {"field", conflict.field},
                          {"kept", side(conflict.kept)},
                          {"other", side(conflict.other)}}
                         .dump()
                  << "\n";
    }
    return kOk;
}

int cmd_resolve(const Args& args) {
    need_positional(args, 3);
    const auto keep = args.options.find("keep");
    if (keep == args.options.end() || (keep->second != "kept" && keep->second != "other"))
        throw UsageError{"say which value stays with --keep kept (the one that stands) or --keep "
                         "other"};
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    return report_outcome(
        opened->engine,
        opened->engine.apply(ResolveConflict{args.positional[2], keep->second == "other"},
                             require_actor(args), now_from(args)));
}

int cmd_compact(const Args& args) {
    need_positional(args, 2);
    auto opened = open_workspace(args, args.positional[1], Access::Write);
    const std::size_t before = opened->store.journal_bytes();
    if (auto status = opened->store.compact(opened->engine); !status)
        throw NotSaved{status.error()};
    std::cout << "compacted " << before << " journal bytes into the snapshot\n";
    return kOk;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const Args args = parse_args(argc, argv);
        if (args.positional.empty()) throw UsageError{"no command given"};
        const std::string& command = args.positional[0];
        if (command == "init") return cmd_init(args);
        if (command == "import") return cmd_import(args);
        if (command == "import-csv") return cmd_import_csv(args);
        if (command == "undo") return cmd_undo(args);
        if (command == "merge") return cmd_merge(args);
        if (command == "export") return cmd_export(args);
        if (command == "export-csv") return cmd_export_csv(args);
        if (command == "duplicates") return cmd_duplicates(args);
        if (command == "read-csv") return cmd_read_csv(args);
        if (command == "validate") return cmd_validate(args);
        if (command == "add") return cmd_add(args);
        if (command == "set") return cmd_set(args);
        if (command == "delete") return cmd_delete(args);
        if (command == "restore") return cmd_restore(args);
        if (command == "history") return cmd_history(args);
        if (command == "show") return cmd_show(args);
        if (command == "list") return cmd_list(args);
        if (command == "compact") return cmd_compact(args);
        if (command == "publish") return cmd_publish(args);
        if (command == "sync") return cmd_sync(args);
        if (command == "conflicts") return cmd_conflicts(args);
        if (command == "resolve") return cmd_resolve(args);
        if (command == "add-field") return cmd_add_field(args);
        if (command == "add-type") return cmd_add_type(args);
        if (command == "move") return cmd_move(args);
        if (command == "log") return cmd_log(args);
        if (command == "processes") return cmd_processes(args);
        if (command == "set-processes") return cmd_set_processes(args);
        if (command == "tick") return cmd_tick(args);
        if (command == "rules") return cmd_rules(args);
        if (command == "set-rules") return cmd_set_rules(args);
        if (command == "automation-log") return cmd_automation_log(args);
        if (command == "retry") return cmd_retry(args);
        if (command == "dismiss") return cmd_dismiss(args);
        if (command == "away") return cmd_away(args);
        if (command == "convert") return cmd_convert(args);
        if (command == "accept-quote") return cmd_accept_quote(args);
        if (command == "score") return cmd_score(args);
        if (command == "scoring") return cmd_scoring(args);
        if (command == "set-scoring") return cmd_set_scoring(args);
        if (command == "logic") return cmd_logic(args);
        if (command == "sla-due") return cmd_sla_due(args);
        if (command == "next-actions") return cmd_next_actions(args);
        if (command == "exceptions") return cmd_exceptions(args);
        if (command == "report") return cmd_report(args);
        if (command == "inbox") return cmd_inbox(args);
        if (command == "export-ics") return cmd_export_ics(args);
        if (command == "help" || command == "--help") {
            std::cout << kUsage;
            return kOk;
        }
        throw UsageError{"unknown command \"" + command + "\""};
    } catch (const UsageError& error) {
        std::cerr << "crm: " << error.message << "\n";
        if (error.message == "no command given" || error.message.rfind("unknown command", 0) == 0)
            std::cerr << kUsage;
        return kBadInput;
    } catch (const Refused& error) {
        std::cerr << "crm: " << error.message << "\n";
        return kRejected;
    } catch (const NotSaved& error) {
        std::cerr << "crm: " << error.message << "\n";
        return kNotSaved;
    } catch (const std::bad_alloc&) {
        std::cerr << "crm: out of memory; nothing was changed\n";
        return kNotSaved;
    } catch (const std::exception& error) {
        // Every input error is caught where it is read; reaching here is a bug.
        std::cerr << "crm: internal error, nothing was changed (please report it): " << error.what()
                  << "\n";
        return kInternalError;
    }
}
