#include "query/my_work.hpp"

#include "engine/permissions.hpp"
#include "sla/clocks.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <queue>
#include <unordered_map>

namespace crm {

namespace {

std::string span(std::int64_t seconds) {
    const std::int64_t days = seconds / 86400, hours = seconds % 86400 / 3600,
                       minutes = seconds % 3600 / 60;
    if (days > 0)
        return std::to_string(days) + "d" + (hours ? " " + std::to_string(hours) + "h" : "");
    if (hours > 0)
        return std::to_string(hours) + "h" + (minutes ? " " + std::to_string(minutes) + "m" : "");
    return std::to_string(std::max<std::int64_t>(minutes, 1)) + "m";
}

ClockState state_of(const BusinessCalendar& calendar, Instant started, Instant due, Instant now,
                    double at_risk) {
    if (now >= due) return ClockState::Overdue;
    return share_used(calendar, started, due, now) >= at_risk ? ClockState::AtRisk : ClockState::Ok;
}

} // namespace

CreateRecord logged_call(const Workspace& ws, const Record& record, Instant now) {
    return CreateRecord{"activity",
                        {{"kind", "Call"},
                         {"subject", "Call about " + ws.title_of(record)},
                         {"at", format_instant(now)},
                         {"direction", "Outbound"},
                         {"related", record.id}},
                        std::nullopt};
}

std::string describe_due(Instant due, Instant now) {
    if (now >= due) return "overdue " + span(now.seconds - due.seconds);
    return span(due.seconds - now.seconds) + " left";
}

std::string describe_clock(const Workspace& ws, const Record& record, const SlaClock& clock,
                           Instant now) {
    switch (clock.state) {
    case ClockState::Met:
        return "met";
    case ClockState::Paused:
        return "paused while waiting";
    case ClockState::AtRisk:
        return describe_due(clock.due, now) + " (at risk)";
    case ClockState::Ok:
        return describe_due(clock.due, now);
    case ClockState::Overdue:
        break;
    }
    const auto escalated = record.sla_escalations.find(clock.policy->id);
    return describe_due(clock.due, now) +
           (escalated == record.sla_escalations.end()
                ? ""
                : ", escalated to " + ws.directory.names(escalated->second));
}

std::string describe_ago(Instant then, Instant now) {
    if (now <= then) return "just now";
    return span(now.seconds - then.seconds) + " ago";
}

namespace {

// A work item before it is put in words: pointers into the workspace, so
// that finding, folding and ordering a busy rep's thousands of items copies
// no text. Only what is returned is written out (in_words()).
struct PendingItem {
    enum class Kind : std::uint8_t { NextAction, Task, Sla, Escalation };
    const Record* record = nullptr; // the record to open (for a task: the task)
    const Record* about = nullptr;  // the record whose row it folds into
    Kind kind = Kind::NextAction;
    std::optional<Instant> due;
    ClockState state = ClockState::Ok; // Ok, AtRisk or Overdue
    const std::string* what = nullptr; // a next action: its stage's words
    const std::string* flow = nullptr; // a next action: its flow's id
    const SlaPolicy* sla = nullptr;    // the SLA whose clock it is due by
};

const char* kind_name(PendingItem::Kind kind) {
    switch (kind) {
    case PendingItem::Kind::NextAction:
        return "next_action";
    case PendingItem::Kind::Task:
        return "task";
    case PendingItem::Kind::Sla:
        return "sla";
    case PendingItem::Kind::Escalation:
        break;
    }
    return "escalation";
}

// `user`: whose My work it is (an escalation names the record's owner, unless that is them).
WorkItem in_words(const Workspace& ws, const PendingItem& item, const std::string& user) {
    WorkItem words;
    words.record_id = item.record->id;
    words.kind = kind_name(item.kind);
    switch (item.kind) {
    case PendingItem::Kind::NextAction:
        words.what = *item.what;
        break;
    case PendingItem::Kind::Task: // named by name_work_items(), with its title
        break;
    case PendingItem::Kind::Sla:
        words.what = "Meet the SLA: " + item.sla->name;
        break;
    case PendingItem::Kind::Escalation: {
        const User* owner = ws.directory.user(item.record->owner);
        words.what = "Escalated: " + item.sla->name +
                     (owner && owner->id != user ? " (owner " + owner->name + ")" : "");
        break;
    }
    }
    words.due = item.due;
    words.state = clock_state_name(item.state);
    if (item.flow) words.flow = *item.flow;
    if (item.sla) words.reason = "SLA: " + item.sla->name;
    words.about = item.about->id;
    return words;
}

// The next actions of the record's active stages, due by their task template.
void add_stage_actions(std::vector<PendingItem>& items, const Workspace& ws,
                       const SlaClockReader& clocks, const Record& record, Instant now) {
    for (const auto& [flow_id, state] : record.flows) {
        const Flow* flow = ws.flow(flow_id);
        const Stage* stage = flow && state.active() ? flow->stage(state.stage) : nullptr;
        if (!stage || stage->next_action.text.empty()) continue;
        PendingItem item{&record, &record, PendingItem::Kind::NextAction};
        item.what = &stage->next_action.text;
        item.flow = &flow_id;
        if (const auto due = clocks.action_due(record, state)) {
            item.due = due->at;
            item.state = state_of(*due->clock, state.entered_at, due->at, now, 0.75);
        }
        items.push_back(item);
    }
}

void name_item(const Workspace& ws, WorkItem& item) {
    if (!item.title.empty()) return;
    const Record* record = ws.find(item.record_id);
    const Record* about = item.about == item.record_id ? record : ws.find(item.about);
    if (item.kind == "task") item.what = record ? ws.title_of(*record) : item.record_id;
    item.title = about ? ws.title_of(*about) : item.record_id;
}

} // namespace

void name_work_items(const Workspace& ws, std::vector<WorkItem>& rows, std::size_t from,
                     std::size_t to) {
    for (std::size_t i = from; i < std::min(to, rows.size()); ++i) {
        name_item(ws, rows[i]);
        for (auto& item : rows[i].more)
            name_item(ws, item);
    }
}

namespace {

bool more_urgent(const PendingItem& a, const PendingItem& b) {
    if (a.due.has_value() != b.due.has_value()) return a.due.has_value();
    return a.due && b.due ? *a.due < *b.due : false;
}

// An open task, as a work item shown under the record it belongs to.
std::optional<PendingItem> task_item(const Workspace& ws, const Record& task, Instant now) {
    const auto& done = task.value("done");
    if (done.is_boolean() && done.get<bool>()) return std::nullopt;
    PendingItem item{&task, &task, PendingItem::Kind::Task};
    const auto& related = task.value("related");
    if (related.is_string())
        if (const Record* parent = ws.find(related.get_ref<const std::string&>()))
            item.about = parent;
    const auto& due = task.value("due");
    if (due.is_string())
        if (const auto when = parse_instant(due.get_ref<const std::string&>())) {
            item.due = *when;
            item.state =
                state_of(BusinessCalendar::always_open(), task.created_at, *when, now, 0.75);
        }
    return item;
}

// A running clock is the deadline of the record's action: its first stage
// action, else its most urgent open task; with neither, the SLA is the action.
void add_clock(std::vector<PendingItem>& items, std::size_t first_of_record, const Record& record,
               const SlaClock& clock) {
    PendingItem* action = nullptr;
    for (std::size_t i = first_of_record; i < items.size() && !action; ++i)
        if (items[i].kind == PendingItem::Kind::NextAction) action = &items[i];
    if (!action)
        for (std::size_t i = first_of_record; i < items.size(); ++i)
            if (items[i].kind == PendingItem::Kind::Task &&
                (!action || more_urgent(items[i], *action)))
                action = &items[i];
    if (!action) {
        PendingItem item{&record, &record, PendingItem::Kind::Sla, clock.due, clock.state};
        item.sla = clock.policy;
        items.push_back(item);
        return;
    }
    if (action->due && *action->due < clock.due) return; // the action is due sooner anyway
    action->due = clock.due;
    action->state = clock.state;
    action->sla = clock.policy;
}

// One row per record, in words: its most urgent item, the rest under it.
// Items that fall due together keep the order they were found in.
std::vector<WorkItem> fold_by_record(const Workspace& ws, const std::vector<PendingItem>& items,
                                     const std::string& user) {
    std::vector<std::size_t> order(items.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return more_urgent(items[a], items[b]); });
    std::vector<WorkItem> rows;
    rows.reserve(items.size());
    std::unordered_map<const Record*, std::size_t> row_of;
    row_of.reserve(items.size());
    for (const std::size_t at : order) {
        const PendingItem& item = items[at];
        const auto [it, first] = row_of.emplace(item.about, rows.size());
        if (first)
            rows.push_back(in_words(ws, item, user));
        else
            rows[it->second].more.push_back(in_words(ws, item, user));
    }
    return rows;
}

} // namespace

std::optional<WorkItem> record_next_action(const Workspace& ws, const Record& record, Instant now) {
    const BusinessCalendar calendar = workspace_calendar(ws);
    const SlaClockReader clocks(ws, calendar);
    std::vector<PendingItem> items;
    add_stage_actions(items, ws, clocks, record, now);
    for (const auto& id : ws.referrers_of(record.id)) {
        const Record* task = ws.find(id);
        if (!task || task->type != "task" || task->value("related") != record.id) continue;
        if (auto item = task_item(ws, *task, now)) items.push_back(*item);
    }
    for (const auto& clock : clocks(record, now))
        if (clock.state != ClockState::Met && clock.state != ClockState::Paused)
            add_clock(items, 0, record, clock);
    if (items.empty()) return std::nullopt;
    for (auto& item : items)
        item.about = &record; // one row, whoever's task it is
    auto rows = fold_by_record(ws, items, record.owner);
    name_work_items(ws, rows, 0, 1);
    return std::move(rows.front());
}

namespace {

bool names(const std::vector<std::string>& people, const std::string& user) {
    return std::find(people.begin(), people.end(), user) != people.end();
}

bool escalated_to(const Record& record, const std::string& user) {
    return std::any_of(record.sla_escalations.begin(), record.sla_escalations.end(),
                       [&](const auto& escalation) { return names(escalation.second, user); });
}

using TasksByRecord = std::unordered_map<const Record*, std::vector<PendingItem>>;

// The user's open tasks, by the record each belongs to, so that a record's
// clock can find its action among them.
TasksByRecord open_tasks(const Workspace& ws, const std::string& user, Instant now) {
    TasksByRecord tasks_of;
    for (const Record* task : ws.records_owned_by(user, "task"))
        if (auto item = task_item(ws, *task, now)) tasks_of[item->about].push_back(*item);
    return tasks_of;
}

// Whether records of `type` can have work of their own: a process runs on
// them or an SLA times them (a stage's flow is always of its record's type).
bool may_have_work(const Workspace& ws, const SlaClockReader& clocks, const std::string& type) {
    return clocks.times_type(type) ||
           std::any_of(ws.flows.begin(), ws.flows.end(),
                       [&](const Flow& flow) { return flow.record_type == type; });
}

// What My work looks at, from the indexes rather than every record: the
// user's records that can have work, those their open tasks belong to, and
// those with a breach escalated to them, in all_records() order (which
// orders rows due at the same time). A busy rep owns thousands of records
// that can have none (activities, companies), and each one looked at costs.
std::vector<const Record*> records_for(const Workspace& ws, const SlaClockReader& clocks,
                                       const std::string& user, const TasksByRecord& tasks_of) {
    std::unordered_map<std::string_view, std::vector<const Record*>> holding_tasks;
    for (const auto& [record, tasks] : tasks_of)
        if (record->owner == user) holding_tasks[record->type].push_back(record);
    std::vector<const Record*> mine;
    for (const auto& type : ws.schema.types()) {
        if (may_have_work(ws, clocks, type.id)) {
            const auto& owned = ws.records_owned_by(user, type.id);
            mine.insert(mine.end(), owned.begin(), owned.end());
        } else if (const auto it = holding_tasks.find(type.id); it != holding_tasks.end()) {
            auto& records = it->second;
            std::sort(records.begin(), records.end(),
                      [&](const Record* a, const Record* b) { return ws.listed_before(*a, *b); });
            mine.insert(mine.end(), records.begin(), records.end());
        }
    }
    std::vector<const Record*> escalated;
    for (const Record* record : ws.escalated_records())
        if (record->owner != user && escalated_to(*record, user)) escalated.push_back(record);
    if (escalated.empty()) return mine;
    std::vector<const Record*> records;
    records.reserve(mine.size() + escalated.size());
    std::merge(mine.begin(), mine.end(), escalated.begin(), escalated.end(),
               std::back_inserter(records),
               [&](const Record* a, const Record* b) { return ws.listed_before(*a, *b); });
    return records;
}

// Tasks whose record is not the user's (or is gone) are still theirs to do:
// after everything else, by the id of that record.
void add_other_tasks(std::vector<PendingItem>& items, const TasksByRecord& tasks_of) {
    std::vector<const TasksByRecord::value_type*> left;
    left.reserve(tasks_of.size());
    for (const auto& entry : tasks_of)
        left.push_back(&entry);
    std::sort(left.begin(), left.end(),
              [](const auto* a, const auto* b) { return a->first->id < b->first->id; });
    for (const auto* entry : left)
        items.insert(items.end(), entry->second.begin(), entry->second.end());
}

} // namespace

namespace {

// What My work reads for one person at one time.
struct WorkSources {
    WorkSources(const Workspace& workspace, const std::string& user, Instant now)
        : ws(workspace), calendar(workspace_calendar(workspace)), clocks(workspace, calendar),
          me(workspace.directory.user(user)), user(user), now(now),
          tasks_of(open_tasks(workspace, user, now)),
          records(records_for(workspace, clocks, user, tasks_of)) {}
    WorkSources(const WorkSources&) = delete; // `clocks` reads `calendar`

    const Workspace& ws;
    const BusinessCalendar calendar;
    const SlaClockReader clocks;
    const User* me;
    const std::string& user;
    const Instant now;
    TasksByRecord tasks_of; // what is left of them once records take theirs
    std::vector<const Record*> records;
};

// The user's open tasks on `record` when it is theirs: on someone else's
// record they make a row of their own, after the rest (add_other_tasks()).
const std::vector<PendingItem>* own_tasks(const WorkSources& from, const Record& record) {
    if (record.owner != from.user) return nullptr;
    const auto tasks = from.tasks_of.find(&record);
    return tasks == from.tasks_of.end() ? nullptr : &tasks->second;
}

// The items of one record's row: for its owner its stage actions, `tasks`
// (their open tasks on it) and its clocks; for others a breach escalated to them.
void add_record_items(std::vector<PendingItem>& items, const WorkSources& from,
                      const Record& record, const std::vector<PendingItem>* tasks) {
    const bool mine = record.owner == from.user;
    if (!mine && !(from.me && can_view(from.ws, *from.me, record))) return;
    const std::size_t first = items.size();
    if (mine) {
        add_stage_actions(items, from.ws, from.clocks, record, from.now);
        if (tasks) items.insert(items.end(), tasks->begin(), tasks->end());
    }
    for (const auto& clock : from.clocks.running(record, from.now)) {
        if (clock.state == ClockState::Paused) continue;
        const auto escalation = record.sla_escalations.find(clock.policy->id);
        const bool mine_to_rescue = clock.state == ClockState::Overdue &&
                                    escalation != record.sla_escalations.end() &&
                                    names(escalation->second, from.user);
        if (mine_to_rescue) {
            PendingItem item{&record, &record, PendingItem::Kind::Escalation, clock.due,
                             ClockState::Overdue};
            item.sla = clock.policy;
            items.push_back(item);
        } else if (mine) {
            add_clock(items, first, record, clock);
        }
    }
}

// The rows of `records` (in the order found) and of the tasks left in
// from.tasks_of, most urgent first; the first `titled` of them named.
std::vector<WorkItem> rows_of(WorkSources& from, const std::vector<const Record*>& records,
                              std::size_t titled) {
    std::vector<PendingItem> items;
    items.reserve(records.size());
    for (const Record* record : records) {
        add_record_items(items, from, *record, own_tasks(from, *record));
        if (record->owner == from.user) from.tasks_of.erase(record); // taken
    }
    add_other_tasks(items, from.tasks_of);
    auto rows = fold_by_record(from.ws, items, from.user);
    name_work_items(from.ws, rows, 0, titled);
    return rows;
}

constexpr Instant kNoDue{std::numeric_limits<std::int64_t>::max()}; // sorts after every due time

Instant row_due(const std::vector<PendingItem>& items) {
    Instant due = kNoDue;
    for (const auto& item : items)
        if (item.due) due = std::min(due, *item.due);
    return due;
}

// When the record's row can be due at the soonest: none of its deadlines
// falls earlier (pauses only push them back). A breach escalated to the
// user from someone else's record: at once, so it is always worked out.
Instant soonest_due(const WorkSources& from, const Record& record) {
    if (record.owner != from.user) return Instant{std::numeric_limits<std::int64_t>::min()};
    Instant due = from.clocks.earliest_deadline(record).value_or(kNoDue);
    if (const auto* tasks = own_tasks(from, record)) due = std::min(due, row_due(*tasks));
    return due;
}

// from.records' places in it, as a heap whose front has the soonest due time.
using SoonestFirst = std::vector<std::pair<Instant, std::size_t>>;
constexpr auto kLater = std::greater<>{};

SoonestFirst soonest_first(const WorkSources& from) {
    const auto& records = from.records;
    SoonestFirst heap(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        // Each record is a cache miss: ask for the next ones while this one is read.
        if (i + 16 < records.size()) __builtin_prefetch(&records[i + 16]->due_facts);
        if (i + 8 < records.size()) __builtin_prefetch(records[i + 8]->due_facts.get().get());
        heap[i] = {soonest_due(from, *records[i]), i};
    }
    // Only the few records looked at come out of it in order.
    std::make_heap(heap.begin(), heap.end(), kLater);
    return heap;
}

// Which of from.records can have a row among the first `limit`: by their
// soonest due time, each worked out until the next could only come after
// the `limit` soonest rows found so far.
std::vector<bool> records_up_front(const WorkSources& from, std::size_t limit) {
    const auto& records = from.records;
    SoonestFirst by_soonest = soonest_first(from);
    std::priority_queue<Instant> first_dues; // the `limit` soonest rows so far
    std::vector<bool> chosen(records.size());
    std::vector<PendingItem> items;
    for (auto end = by_soonest.end(); end != by_soonest.begin(); --end) {
        const auto [soonest, at] = by_soonest.front();
        if (first_dues.size() == limit && first_dues.top() < soonest) break;
        std::pop_heap(by_soonest.begin(), end, kLater);
        chosen[at] = true;
        items.clear();
        add_record_items(items, from, *records[at], own_tasks(from, *records[at]));
        if (items.empty()) continue;
        first_dues.push(row_due(items));
        if (first_dues.size() > limit) first_dues.pop();
    }
    return chosen;
}

} // namespace

std::vector<WorkItem> next_actions(const Workspace& ws, const std::string& user, Instant now,
                                   std::size_t titled) {
    WorkSources from(ws, user, now);
    const auto records = std::move(from.records);
    return rows_of(from, records, titled);
}

std::vector<WorkItem> first_actions(const Workspace& ws, const std::string& user, Instant now,
                                    std::size_t limit) {
    if (limit == 0) return {};
    WorkSources from(ws, user, now);
    const std::vector<bool> chosen = records_up_front(from, limit);
    std::vector<const Record*> records;
    for (std::size_t i = 0; i < from.records.size(); ++i)
        if (chosen[i]) records.push_back(from.records[i]);
    // The open tasks on the user's records left out go with their rows, further down.
    std::vector<const Record*> looked_at = records;
    std::sort(looked_at.begin(), looked_at.end());
    std::erase_if(from.tasks_of, [&](const auto& entry) {
        return entry.first->owner == user &&
               !std::binary_search(looked_at.begin(), looked_at.end(), entry.first);
    });
    auto rows = rows_of(from, records, limit);
    if (rows.size() > limit) rows.resize(limit);
    return rows;
}

} // namespace crm
