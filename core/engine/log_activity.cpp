#include "engine/log_activity.hpp"

#include "engine/decisions.hpp"
#include "engine/permissions.hpp"
#include "model/field_values.hpp"
#include "process/flow.hpp"

#include <algorithm>
#include <cctype>

namespace crm {

using nlohmann::json;

const std::vector<ActivityKind>& activity_kinds() {
    static const std::vector<ActivityKind> kinds = {
        {"call",
         "Call",
         "a call with",
         {"Reached", "Left voicemail", "No answer", "Wrong number"},
         {"Reached"}},
        {"email", "Email", "an email to", {"Sent", "Bounced"}, {"Sent"}},
        {"meeting",
         "Meeting",
         "a meeting with",
         {"Meeting held", "No-show", "Rescheduled"},
         {"Meeting held"}},
        {"note", "Note", "a note on", {}, {}},
    };
    return kinds;
}

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// "A, B or C"
std::string one_of(const std::vector<std::string>& choices) {
    std::string text;
    for (std::size_t i = 0; i < choices.size(); ++i)
        text += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
    return text;
}

bool is_open_task(const Record& record) {
    const auto& done = record.value("done");
    return record.type == "task" && !(done.is_boolean() && done.get<bool>());
}

} // namespace

const ActivityKind* activity_kind(std::string_view kind) {
    const std::string wanted = lower(kind);
    for (const auto& known : activity_kinds())
        if (known.id == wanted || lower(known.label) == wanted) return &known;
    return nullptr;
}

std::string first_contact_field(const std::string& record_type) {
    if (record_type == "lead") return "first_contact_at";
    if (record_type == "ticket") return "first_response_at";
    return "";
}

const Record* oldest_open_task(const Workspace& ws, const std::string& record_id) {
    const Record* oldest = nullptr;
    for (const auto& id : ws.ids_of_type("task")) {
        const Record* task = ws.find(id);
        const auto& related = task->value("related");
        if (!is_open_task(*task) || !related.is_string() || related.get<std::string>() != record_id)
            continue;
        if (!oldest || task->created_at < oldest->created_at ||
            (task->created_at == oldest->created_at && task->id < oldest->id))
            oldest = task;
    }
    return oldest;
}

namespace detail {

namespace {

struct LogPlan {
    const ActivityKind* kind = nullptr;
    const Record* subject = nullptr; // what the activity is about
    const Record* task = nullptr;    // the task it completes
};

// Everything that refuses the log before anything is decided.
Result<LogPlan> plan_log(const Workspace& ws, const User& actor, const LogActivity& cmd,
                         Instant now) {
    LogPlan plan;
    const Record* record = ws.find(cmd.id);
    if (!record) return Error{"there is no record \"" + cmd.id + "\""};
    plan.kind = activity_kind(cmd.kind);
    if (!plan.kind)
        return Error{"Cannot log \"" + cmd.kind + "\": choose a call, meeting, email or note"};
    const std::string what = "Cannot log " + plan.kind->with.substr(0, plan.kind->with.rfind(' '));
    plan.subject = record;
    if (record->type == "task") {
        // Logged on a task: about the task's record, and the task is done.
        const auto& related = record->value("related");
        if (related.is_string())
            if (const Record* parent = ws.find(related.get<std::string>())) plan.subject = parent;
        if (!is_open_task(*record)) return Error{what + ": " + ws.title_of(*record) + " is done"};
        plan.task = record;
    }
    const std::string title = ws.title_of(*plan.subject);
    if (auto status = check_update(ws, actor, *plan.subject); !status)
        return Error{what + " on " + title + ": " + status.error()};
    if (plan.kind->outcomes.empty() && !cmd.outcome.empty())
        return Error{what + ": a note has no outcome"};
    if (!plan.kind->outcomes.empty() &&
        std::find(plan.kind->outcomes.begin(), plan.kind->outcomes.end(), cmd.outcome) ==
            plan.kind->outcomes.end())
        return Error{what + ": the outcome must be " + one_of(plan.kind->outcomes) +
                     (cmd.outcome.empty() ? "" : " (got \"" + cmd.outcome + "\")")};
    if (const auto problem = text_problem(cmd.notes, kMaxTextBytes))
        return Error{what + ": the notes " + *problem};
    if (!cmd.task.empty() && !plan.task) {
        const Record* task = ws.find(cmd.task);
        const auto& related = task ? task->value("related") : json();
        if (!task || task->type != "task" || related != json(plan.subject->id))
            return Error{what + ": " + cmd.task + " is not a task of " + title};
        if (!is_open_task(*task)) return Error{what + ": " + ws.title_of(*task) + " is done"};
        plan.task = task;
    } else if (cmd.answers_oldest_task && !plan.task) {
        plan.task = oldest_open_task(ws, plan.subject->id);
    }
    if (cmd.next_title.empty() != !cmd.next_due.has_value())
        return Error{what + ": a next step needs " +
                     (cmd.next_title.empty() ? "a title" : "a due time")};
    if (const auto problem = text_problem(cmd.next_title, 200))
        return Error{what + ": the next step's title " + *problem};
    if (cmd.next_due && *cmd.next_due < now)
        return Error{what + ": the next step is due " + format_instant(*cmd.next_due) +
                     ", which has passed; choose a later time"};
    return plan;
}

void take(Decision& into, Decision&& from) {
    for (auto& event : from.events)
        into.events.push_back(std::move(event));
}

// Fills the first contact and, when the next stage's gate now passes, moves
// the record there through decide_move (the gate of every move). Returns the
// words for what it did.
Result<std::string> first_contact(const Workspace& ws, const User& actor, const Record& subject,
                                  Instant now, Decision& decision, DecideDetails& details) {
    const std::string field_id = first_contact_field(subject.type);
    const RecordTypeDef* type = ws.schema.type(subject.type);
    const FieldDef* field = type ? type->field(field_id) : nullptr;
    if (!field || !is_unset(subject.value(field_id))) return std::string();
    const json fields = {{field_id, format_instant(now)}};
    std::string said = field->label + " recorded";
    for (const auto& [flow_id, state] : subject.flows) {
        const Flow* flow = ws.flow(flow_id);
        const auto next = flow ? next_step(*flow, state) : std::nullopt;
        if (!next) continue;
        DecideDetails tried;
        auto moved = decide_move(
            ws, actor, MoveRecord{subject.id, next->id, flow_id, fields, "", false}, now, tried);
        if (!moved) continue; // its gate still holds: the field alone is recorded
        take(decision, std::move(*moved));
        return said + "; moved to " + next->name;
    }
    auto updated = decide_update(ws, actor, UpdateRecord{subject.id, fields, std::nullopt, false},
                                 now, details);
    if (!updated) return Error{updated.error()};
    take(decision, std::move(*updated));
    return said;
}

} // namespace

Result<Decision> decide_log_activity(const Workspace& ws, const User& actor, const LogActivity& cmd,
                                     Instant now, const std::string& device,
                                     DecideDetails& details) {
    auto plan = plan_log(ws, actor, cmd, now);
    if (!plan) return Error{plan.error()};
    const ActivityKind& kind = *plan->kind;
    const Record& subject = *plan->subject;
    const std::string title = ws.title_of(subject);
    json activity = {{"kind", kind.label},
                     {"subject", kind.label + (kind.id == "note" ? " on " : " with ") + title +
                                     (cmd.outcome.empty() ? "" : " (" + cmd.outcome + ")")},
                     {"at", format_instant(now)},
                     {"related", subject.id}};
    if (kind.id != "note") activity["direction"] = "Outbound";
    if (!cmd.outcome.empty()) activity["outcome"] = cmd.outcome;
    if (!cmd.notes.empty()) activity["body"] = cmd.notes;
    auto created = decide_create(ws, actor, CreateRecord{"activity", activity, std::nullopt}, now,
                                 device, details.problems);
    if (!created) return Error{created.error()};
    Decision decision;
    decision.record_id = created->record_id;
    take(decision, std::move(*created));
    std::string summary = "Logged " + kind.with + " " + title +
                          (cmd.outcome.empty() ? "" : " (" + cmd.outcome + ")") + ".";
    const bool reached =
        std::find(kind.reached.begin(), kind.reached.end(), cmd.outcome) != kind.reached.end();
    if (reached) {
        auto said = first_contact(ws, actor, subject, now, decision, details);
        if (!said) return Error{said.error()};
        if (!said->empty()) summary += " " + *said + ".";
    }
    if (plan->task) {
        auto done = decide_update(
            ws, actor, UpdateRecord{plan->task->id, {{"done", true}}, std::nullopt, false}, now,
            details);
        if (!done) return Error{done.error()};
        take(decision, std::move(*done));
        summary += " Completed " + ws.title_of(*plan->task) + ".";
    }
    if (cmd.next_due) {
        const json task = {{"title", cmd.next_title},
                           {"due", format_instant(*cmd.next_due)},
                           {"related", subject.id}};
        auto next = decide_create(ws, actor, CreateRecord{"task", task, std::nullopt}, now, device,
                                  details.problems);
        if (!next) return Error{next.error()};
        take(decision, std::move(*next));
        summary += " Next: " + cmd.next_title + ".";
    }
    details.summary = summary;
    return decision;
}

} // namespace detail

} // namespace crm
