// Inside the engine: what deciding a command produces, and the checks that
// several kinds of command share. Not for use outside core/engine.
#pragma once

#include "engine/command.hpp"
#include "engine/engine.hpp"
#include "engine/event.hpp"
#include "model/workspace.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace crm::detail {

struct Decision {
    std::vector<Event> events;
    std::string record_id;
};

using Problems = std::vector<FieldProblem>;

// Records a batch adds, by id, with their types: an import's rows may refer
// to records other rows of it add, which do not exist until it is kept.
using BatchRecords = std::unordered_map<std::string, std::string>;

// Who sets the values being checked. Fields a funnel step fills in
// (FieldDef::filled_by) are set by that step; a person who tries is refused.
// Imports bring them on the records they add (orders from before, with their
// dates), and a workspace file merged in fills them where they are blank; on
// records here an import leaves them as they are (a CSV round trip, an older
// file never undoes a conversion).
enum class Setter { Person, Import, WorkspaceFile, FunnelStep };

// "Email: expected an email address ...; Last name: is required"
std::string join_problems(const RecordTypeDef& type, const Problems& problems);
// Checks and normalises field values against the type and the fields' rules,
// one problem per bad field. `current`: the record's kept values, when it
// exists; a value given as it is kept is taken as it is. `added`: records
// the batch adds, which references may name too.
nlohmann::json check_fields(const Workspace& workspace, const RecordTypeDef& type,
                            const nlohmann::json& fields, Problems& problems,
                            const nlohmann::json* current = nullptr,
                            const BatchRecords* added = nullptr, Setter setter = Setter::Person);
void check_required(const RecordTypeDef& type, const nlohmann::json& merged, Problems& problems);
// The type's rules across fields, for `record` with `fields` laid over it;
// `touched` limits them to the rules that concern the fields a change sets
// (nullptr: all). Skipped when the fields have problems already.
void check_record_rules(const RecordTypeDef& type, const Record& record,
                        const nlohmann::json& fields, const std::set<std::string>* touched,
                        Instant now, Problems& problems);
// The ids of a field object's members.
std::set<std::string> field_ids(const nlohmann::json& fields);
// Only real changes become events: the given values that differ from the record's.
nlohmann::json changed_fields(const Record& record, const nlohmann::json& fields);
// The record's fields with the given values laid over them (null clears).
nlohmann::json merged_fields(const Record& record, const nlohmann::json& fields);

// `added` and `setter`: as for decide_update (a funnel step's status change
// that moves a stage).
Result<Decision> decide_move(const Workspace& workspace, const User& actor, const MoveRecord& move,
                             Instant now, DecideDetails& details,
                             const BatchRecords* added = nullptr, Setter setter = Setter::Person);
Result<Decision> decide_set_processes(const Workspace& workspace, const User& actor,
                                      const SetProcesses& command);
// The flow whose stage field `fields` changes on an active flow of the record, if any.
const Flow* stage_field_flow(const Workspace& workspace, const Record& record,
                             const nlohmann::json& fields);

// The funnel (core/engine/funnel_commands.cpp).
Result<Decision> decide_convert_lead(const Workspace& workspace, const User& actor,
                                     const ConvertLead& command, Instant now,
                                     const std::string& device, DecideDetails& details);
Result<Decision> decide_accept_quote(const Workspace& workspace, const User& actor,
                                     const AcceptQuote& command, Instant now,
                                     const std::string& device, DecideDetails& details);

Result<Decision> decide_set_lead_scoring(const Workspace& workspace, const User& actor,
                                         const SetLeadScoring& command);
Result<Decision> decide_score_leads(const Workspace& workspace, const ScoreLeads& command,
                                    Instant now, DecideDetails& details);

// An update event for the changed fields, carrying what they held before.
events::RecordUpdated field_changes(const Record& record, nlohmann::json changed);

// The fields of records of one type that `flow`'s start condition reads
// (fields_read()), worked out once to ask flow_start_due() of many records.
using StartReads = std::optional<std::vector<const FieldDef*>>;
StartReads start_condition_reads(const Workspace& workspace, const Flow& flow,
                                 const std::string& type);

// Whether `flow` should start for (or be joined by) `record` now, or has a
// failed start to retry or clear. `reads`: start_condition_reads() for the
// record's type, so the condition sees only what it reads of the record.
bool flow_start_due(const Workspace& workspace, const Record& record, const Flow& flow, Instant now,
                    const StartReads* reads = nullptr);
// Starts one flow for a record: joins it at the stage its stage field names,
// starts it at the first stage (on the record, or on a new linked record), or
// records once why it could not (the manual recovery queue).
// `id_offset`: records of the spawned type this batch already creates.
Result<Decision> decide_start_flow(const Workspace& workspace, const StartFlow& command,
                                   Instant now, const std::string& device, DecideDetails& details,
                                   std::size_t id_offset = 0);
// Many starts in one batch (what an import started), said in one line.
Result<Decision> decide_start_flows(const Workspace& workspace, const StartFlows& command,
                                    Instant now, const std::string& device, DecideDetails& details);

// `id_offset`: records of the type this batch already creates.
Result<Decision> decide_create(const Workspace& workspace, const User& actor,
                               const CreateRecord& command, Instant now, const std::string& device,
                               Problems& problems, std::size_t id_offset = 0);
// Where an import's new record gets its id, and what else its batch adds.
struct BatchCreate {
    std::string id;                      // kept from elsewhere; "" = the next free id ...
    std::size_t offset = 0;              // ... this many further on
    const BatchRecords* added = nullptr; // references may name these
    Setter setter = Setter::Person;
};
// The same without a CreateRecord: an import's rows are not copied into one.
Result<Decision> decide_create(const Workspace& workspace, const User& actor,
                               const std::string& type, const nlohmann::json& fields,
                               const std::optional<std::string>& owner, Instant now,
                               const std::string& device, Problems& problems,
                               const BatchCreate& how);
// `added`: records the batch adds, which references may name too.
Result<Decision> decide_update(const Workspace& workspace, const User& actor,
                               const UpdateRecord& command, Instant now, DecideDetails& details,
                               const BatchRecords* added = nullptr, Setter setter = Setter::Person);

// Imports rows as one batch; each row's problems go to details.rows
// (core/engine/import_commands.cpp).
Result<Decision> decide_import(const Workspace& workspace, const User& actor,
                               const ImportRecords& command, Instant now, const std::string& device,
                               DecideDetails& details);
// Imports users and teams as one batch; each row's problems go to
// details.rows, what each row does to details.planned_rows
// (core/engine/people_commands.cpp).
Result<Decision> decide_import_people(const Workspace& workspace, const User& actor,
                                      const ImportPeople& command, DecideDetails& details);
// The longest name of an import's source (a file name) history keeps.
inline constexpr std::size_t kMaxSourceBytes = 1000;
// "Cannot import: row 5: Email: expected ...; and 3 more rows", the field
// named by `label_of`.
std::string describe_row_problems(const std::vector<RowProblem>& rows,
                                  const std::function<std::string(const std::string&)>& label_of);
// Automation rules (core/engine/rule_commands.cpp).
Result<Decision> decide_set_rules(const Workspace& workspace, const User& actor,
                                  const SetRules& command);
// One action of a rule; an action that cannot run is recorded (the recovery
// queue), not refused. `retry`: run even if the occasion has fired.
Result<Decision> decide_run_rule(const Workspace& workspace, const RunRule& command, Instant now,
                                 const std::string& device, DecideDetails& details,
                                 bool retry = false);
Result<Decision> decide_retry(const Workspace& workspace, const User& actor,
                              const RetryAutomation& command, Instant now,
                              const std::string& device, DecideDetails& details);
Result<Decision> decide_dismiss(const Workspace& workspace, const User& actor,
                                const DismissAutomation& command);
Result<Decision> decide_set_away(const Workspace& workspace, const User& actor,
                                 const SetAway& command);
// A person's note (a flag, a dismissal) as kept: one line, within
// kMaxDataProblemNoteBytes, or why not.
Result<std::string> checked_note(const std::string& text);
// Everything automation may do, it does with an admin's rights.
const User& automation_user();

// Folds one record into another (core/engine/merge_commands.cpp).
Result<Decision> decide_merge(const Workspace& workspace, const User& actor,
                              const MergeRecords& command);
// The inverse of a kept batch, checked against the records as they stand.
Result<Decision> decide_revert(const Workspace& workspace, const User& actor,
                               const RevertBatch& command);

// Flags a data problem on a record, or resolves its open ones
// (core/engine/data_problem_commands.cpp).
Result<Decision> decide_flag(const Workspace& workspace, const User& actor,
                             const FlagDataProblem& command);
Result<Decision> decide_resolve_flags(const Workspace& workspace, const User& actor,
                                      const ResolveDataProblems& command);

// Logs an activity and completes what it satisfies (core/engine/log_activity.cpp).
Result<Decision> decide_log_activity(const Workspace& workspace, const User& actor,
                                     const LogActivity& command, Instant now,
                                     const std::string& device, DecideDetails& details);

// Keeps one side of a conflict sync found (conflict_commands.cpp).
Result<Decision> decide_resolve_conflict(const Workspace& ws, const User& actor,
                                         const ResolveConflict& command, Instant now);

} // namespace crm::detail
