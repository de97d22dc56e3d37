// Flagging a problem in a record's data, and resolving it: the data-quality
// queue's two commands.
#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "model/field_values.hpp"
#include "util/text.hpp"

namespace crm::detail {

// A note is one line in the queue and in history: line breaks and tabs
// become spaces.
static std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return trim_space(text);
}

// The note as kept: one line, within the length a flag's note may have.
Result<std::string> checked_note(const std::string& text) {
    std::string note = one_line(text);
    if (const auto problem = text_problem(note, kMaxDataProblemNoteBytes))
        return Error{"The note " + *problem};
    return note;
}

namespace {

Result<const Record*> flagged_record(const Workspace& ws, const User& actor,
                                     const std::string& id) {
    const Record* record = ws.find(id);
    if (!record || !can_view(ws, actor, *record)) return Error{"there is no record \"" + id + "\""};
    return record;
}

Decision about_record(const std::string& id, Event event) {
    Decision decision;
    decision.record_id = id;
    decision.events.push_back(std::move(event));
    return decision;
}

} // namespace

Result<Decision> decide_flag(const Workspace& ws, const User& actor, const FlagDataProblem& cmd) {
    auto record = flagged_record(ws, actor, cmd.id);
    if (!record) return Error{record.error()};
    auto note = checked_note(cmd.note);
    if (!note) return Error{note.error()};
    if (note->empty()) return Error{"Say what is wrong with the data of " + ws.title_of(**record)};
    return about_record(cmd.id, events::DataProblemFlagged{cmd.id, *note});
}

Result<Decision> decide_resolve_flags(const Workspace& ws, const User& actor,
                                      const ResolveDataProblems& cmd) {
    auto record = flagged_record(ws, actor, cmd.id);
    if (!record) return Error{record.error()};
    const std::string title = ws.title_of(**record);
    if (auto status = check_update(ws, actor, **record); !status)
        return Error{"Cannot resolve the data problems of " + title + ": " + status.error()};
    if ((*record)->data_problems.empty()) return Error{title + " has no open data problem"};
    auto note = checked_note(cmd.note);
    if (!note) return Error{note.error()};
    return about_record(cmd.id, events::DataProblemsResolved{cmd.id, *note});
}

} // namespace crm::detail
