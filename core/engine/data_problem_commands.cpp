// Flagging a problem in a record's data, and resolving it: the data-quality
// queue's two commands.
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "model/field_values.hpp"
#include "util/text.hpp"

namespace crm::detail {

namespace {

// A flag's note is short: it says what is wrong, the fix goes in the record.
constexpr std::size_t kMaxNoteBytes = 1000;

Result<const Record*> flagged_record(const Workspace& ws, const User& actor,
                                     const std::string& id) {
    const Record* record = ws.find(id);
    if (!record || !can_view(ws, actor, *record)) return Error{"there is no record \"" + id + "\""};
    return record;
}

} // namespace

Result<Decision> decide_flag(const Workspace& ws, const User& actor, const FlagDataProblem& cmd) {
    auto record = flagged_record(ws, actor, cmd.id);
    if (!record) return Error{record.error()};
    const std::string note = trim_space(cmd.note);
    if (note.empty()) return Error{"Say what is wrong with the data of " + ws.title_of(**record)};
    if (const auto problem = text_problem(note, kMaxNoteBytes))
        return Error{"The note " + *problem};
    Decision decision;
    decision.record_id = cmd.id;
    decision.events.push_back(events::DataProblemFlagged{cmd.id, note});
    return decision;
}

Result<Decision> decide_resolve_flags(const Workspace& ws, const User& actor,
                                      const ResolveDataProblems& cmd) {
    auto record = flagged_record(ws, actor, cmd.id);
    if (!record) return Error{record.error()};
    const std::string title = ws.title_of(**record);
    if (auto status = check_update(ws, actor, **record); !status)
        return Error{"Cannot resolve the data problems of " + title + ": " + status.error()};
    if ((*record)->data_problems.empty()) return Error{title + " has no open data problem"};
    const std::string note = trim_space(cmd.note);
    if (const auto problem = text_problem(note, kMaxNoteBytes))
        return Error{"The note " + *problem};
    Decision decision;
    decision.record_id = cmd.id;
    decision.events.push_back(events::DataProblemsResolved{cmd.id, note});
    return decision;
}

} // namespace crm::detail
