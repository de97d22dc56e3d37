#include "model/workspace.hpp"

#include "util/fnv1a.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <charconv>

namespace crm {

const nlohmann::json& Record::value(std::string_view field) const {
    static const nlohmann::json unset;
    const auto it = fields.find(field);
    return it == fields.end() ? unset : *it;
}

std::vector<const SavedView*> views_of(const std::vector<SavedView>& views,
                                       std::string_view owner) {
    std::vector<const SavedView*> mine;
    for (const auto& view : views)
        if (view.owner == owner) mine.push_back(&view);
    return mine;
}

const SavedView* find_view(const std::vector<SavedView>& views, std::string_view owner,
                           std::string_view name) {
    for (const auto& view : views)
        if (view.owner == owner && view.name == name) return &view;
    return nullptr;
}

bool is_date_filter_field(const RecordTypeDef& type, const std::string& field) {
    if (const FieldDef* def = type.field(field))
        return def->type == FieldType::Date || def->type == FieldType::DateTime;
    return field == kCreatedAt || field == kUpdatedAt;
}

Workspace::Workspace() : schema(builtin_schema()) {}

const Flow* Workspace::flow(std::string_view id) const {
    for (const auto& flow : flows)
        if (flow.id == id) return &flow;
    return nullptr;
}

const Record* Workspace::find(std::string_view id) const {
    const auto it = m_records.find(std::string(id));
    return it == m_records.end() ? nullptr : &it->second;
}

const std::vector<std::string>& Workspace::ids_of_type(std::string_view type) const {
    static const std::vector<std::string> kNone;
    const auto it = m_ids_by_type.find(std::string(type));
    return it == m_ids_by_type.end() ? kNone : it->second;
}

namespace {

// Puts `record` in or takes it out of an index list, which stays in
// position order (a new record goes at the end); nothing when it already is
// or is not there.
void set_listed(std::vector<const Record*>& records, const Record* record, bool listed) {
    // Records join at the end: the newest need no search.
    if (records.empty() || records.back()->position < record->position) {
        if (listed) records.push_back(record);
        return;
    }
    const auto at = std::lower_bound(records.begin(), records.end(), record->position,
                                     [](const Record* listed_at, std::uint64_t position) {
                                         return listed_at->position < position;
                                     });
    const bool there = at != records.end() && *at == record;
    if (listed && !there) records.insert(at, record);
    if (!listed && there) records.erase(at);
}

} // namespace

const Workspace::Indexes& Workspace::indexes() const {
    if (m_indexes.valid) return m_indexes;
    m_indexes = Indexes();
    for (const auto& [type_id, ids] : m_ids_by_type) {
        auto& records = m_indexes.by_type[type_id];
        records.reserve(ids.size());
        for (const auto& id : ids) {
            const Record& record = m_records.at(id);
            records.push_back(&record);
            list_new(record);
        }
    }
    return m_indexes;
}

std::array<Workspace::IndexMembership, 4> Workspace::memberships(const Record& record) const {
    // No owner, no owner's list to be in or out of.
    auto* owned = record.owner.empty() ? nullptr : &m_indexes.by_owner[record.owner];
    return {{{owned, true},
             {&m_indexes.escalated, !record.sla_escalations.empty()},
             {&m_indexes.failed, !record.automation_failures.empty()},
             {&m_indexes.in_flows, !record.flows.empty()}}};
}

const std::string* listed_stage(const FlowState& state) {
    if (state.active()) return &state.stage;
    if (state.status == "ended" || state.status == "exited") return &state.outcome;
    return nullptr;
}

void Workspace::sync_stages(const Record& record, bool listed) const {
    auto& flows = m_indexes.by_stage[record.type];
    for (auto& [flow, stages] : flows)
        for (auto& [stage, records] : stages)
            set_listed(records, &record, false);
    if (!listed) return;
    for (const auto& [flow, state] : record.flows)
        if (const std::string* stage = listed_stage(state))
            set_listed(flows[flow][*stage], &record, true);
}

void Workspace::sync_indexes(const Record& record) {
    if (!m_indexes.valid) return;
    for (const auto& [index, belongs] : memberships(record))
        if (index) set_listed((*index)[record.type], &record, belongs);
    sync_stages(record, true);
}

void Workspace::list_new(const Record& record) const {
    for (const auto& [index, belongs] : memberships(record))
        if (index && belongs) (*index)[record.type].push_back(&record);
    if (record.flows.empty()) return;
    auto& flows = m_indexes.by_stage[record.type];
    for (const auto& [flow, state] : record.flows)
        if (const std::string* stage = listed_stage(state)) flows[flow][*stage].push_back(&record);
}

void Workspace::unlist(const Record& record) {
    if (!m_indexes.valid) return;
    for (const auto& [index, belongs] : memberships(record))
        if (index) set_listed((*index)[record.type], &record, false);
    sync_stages(record, false);
}

std::vector<const Record*>
Workspace::in_type_order(const std::unordered_map<std::string, ByPosition>& by_type) const {
    std::vector<const Record*> records;
    for (const auto& type : schema.types())
        if (const auto it = by_type.find(type.id); it != by_type.end())
            records.insert(records.end(), it->second.begin(), it->second.end());
    return records;
}

namespace {

const std::vector<const Record*>&
listed_of_type(const std::unordered_map<std::string, std::vector<const Record*>>& index,
               std::string_view type) {
    static const std::vector<const Record*> kNone;
    const auto it = index.find(std::string(type));
    return it == index.end() ? kNone : it->second;
}

} // namespace

const std::vector<const Record*>& Workspace::records_of_type(std::string_view type) const {
    return listed_of_type(indexes().by_type, type);
}

std::vector<const Record*> Workspace::records_owned_by(std::string_view owner) const {
    const auto& by_owner = indexes().by_owner;
    const auto it = by_owner.find(std::string(owner));
    return it == by_owner.end() ? std::vector<const Record*>() : in_type_order(it->second);
}

const std::vector<const Record*>& Workspace::records_owned_by(std::string_view owner,
                                                              std::string_view type) const {
    static const std::vector<const Record*> kNone;
    const auto& by_owner = indexes().by_owner;
    const auto it = by_owner.find(std::string(owner));
    return it == by_owner.end() ? kNone : listed_of_type(it->second, type);
}

std::vector<const Record*> Workspace::records_at_stages(std::string_view type,
                                                        const std::string& flow,
                                                        const std::set<std::string>& stages) const {
    std::vector<const Record*> records;
    const auto& by_stage = indexes().by_stage;
    const auto flows = by_stage.find(std::string(type));
    if (flows == by_stage.end()) return records;
    const auto lists = flows->second.find(flow);
    if (lists == flows->second.end()) return records;
    for (const auto& stage : stages)
        if (const auto it = lists->second.find(stage); it != lists->second.end())
            records.insert(records.end(), it->second.begin(), it->second.end());
    if (stages.size() > 1)
        std::sort(records.begin(), records.end(),
                  [&](const Record* a, const Record* b) { return listed_before(*a, *b); });
    return records;
}

std::vector<const Record*> Workspace::escalated_records() const {
    return in_type_order(indexes().escalated);
}

bool Workspace::listed_before(const Record& a, const Record& b) const {
    if (a.type == b.type) return a.position < b.position;
    for (const auto& type : schema.types()) {
        if (type.id == a.type) return true;
        if (type.id == b.type) return false;
    }
    return false;
}

const std::vector<const Record*>& Workspace::failed_records(std::string_view type) const {
    return listed_of_type(indexes().failed, type);
}

const std::vector<const Record*>& Workspace::records_in_processes(std::string_view type) const {
    return listed_of_type(indexes().in_flows, type);
}

std::vector<const Record*> Workspace::all_records() const {
    std::vector<const Record*> records;
    records.reserve(m_records.size());
    for (const auto& type : schema.types()) {
        const auto& of_type = records_of_type(type.id);
        records.insert(records.end(), of_type.begin(), of_type.end());
    }
    return records;
}

const std::vector<std::string>& Workspace::referrers_of(std::string_view id) const {
    static const std::vector<std::string> kNone;
    const auto& referrers = links().referrers;
    const auto it = referrers.find(std::string(id));
    return it == referrers.end() ? kNone : it->second;
}

std::string Workspace::title_of(const Record& record) const {
    const RecordTypeDef* type = schema.type(record.type);
    std::string title;
    if (type) {
        for (const auto& field_id : type->title_fields) {
            const auto& value = record.value(field_id);
            if (!value.is_string()) continue;
            if (!title.empty()) title += ' ';
            title += value.get<std::string>();
        }
    }
    return title.empty() ? record.id : title;
}

std::string Workspace::peek_next_id(std::string_view type, std::string_view device,
                                    std::size_t offset) const {
    const auto it = m_next_numbers.find(std::string(type));
    // A cause's ids must not depend on what else this device has made.
    const long long first = is_cause_tag(device) ? 1 : it == m_next_numbers.end() ? 1 : it->second;
    const long long number = first + static_cast<long long>(offset);
    std::string id(type);
    if (!device.empty()) id.append("-").append(device);
    return id + "-" + std::to_string(number);
}

namespace {

bool is_number_text(std::string_view text) {
    return !text.empty() && text.size() <= 15 &&
           text.find_first_not_of("0123456789") == std::string_view::npos;
}

// The number at the end of "deal-42" or "deal-k7m2qx-42"; -1 when there is none.
long long id_number(std::string_view id) {
    const auto dash = id.rfind('-');
    if (dash == std::string_view::npos || !is_number_text(id.substr(dash + 1))) return -1;
    long long number = -1;
    std::from_chars(id.data() + dash + 1, id.data() + id.size(), number);
    return number < kMaxRecordNumber ? number : -1;
}

} // namespace

bool is_device_tag(std::string_view tag) {
    return tag.size() >= 2 && tag.size() <= 12 &&
           tag.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string_view::npos;
}

std::string cause_tag(std::string_view cause) {
    std::uint64_t hash = fnv1a_64(cause);
    std::string tag = "c";
    for (int i = 0; i < 11; ++i, hash /= 36)
        tag += "0123456789abcdefghijklmnopqrstuvwxyz"[hash % 36];
    return tag;
}

bool is_cause_tag(std::string_view tag) {
    return tag.size() == 12 && tag[0] == 'c';
}

bool is_made_for_a_cause(std::string_view id) {
    const auto first = id.find('-');
    if (first == std::string_view::npos) return false;
    const std::string_view rest = id.substr(first + 1);
    return is_cause_tag(rest.substr(0, rest.find('-')));
}

bool is_record_id_of(std::string_view id, std::string_view type) {
    if (id.size() <= type.size() + 1 || id.substr(0, type.size()) != type || id[type.size()] != '-')
        return false;
    const std::string_view rest = id.substr(type.size() + 1);
    const auto dash = rest.find('-');
    if (dash == std::string_view::npos) return is_number_text(rest);
    return is_device_tag(rest.substr(0, dash)) && is_number_text(rest.substr(dash + 1));
}

const std::vector<Workspace::TitledRecord>& Workspace::titled_records(std::string_view type) const {
    static const std::vector<TitledRecord> kNone;
    const RecordTypeDef* def = schema.type(type);
    if (!def) return kNone;
    const std::string key(type);
    auto& titled = m_titles.by_type[key];
    auto& fields = m_titles.title_fields[key];
    if (titled.empty() || fields != def->title_fields) {
        titled.clear();
        fields = def->title_fields;
        const auto& records = records_of_type(type);
        titled.reserve(records.size());
        for (const Record* record : records)
            titled.push_back({record, fold_text(title_of(*record))});
    }
    return titled;
}

Record* Workspace::edit(std::string_view id) {
    const auto it = m_records.find(std::string(id));
    if (it == m_records.end()) return nullptr;
    it->second.due_facts.clear(); // it is about to change
    m_titles.forget();
    return &it->second;
}

const Record& Workspace::put(Record record) {
    m_titles.forget();
    const auto existing = m_records.find(record.id);
    if (existing != m_records.end()) {
        note_id(record.type, record.id);
        // A record replaced in place keeps its place and its node, so pointers hold.
        record.position = existing->second.position;
        unlist(existing->second);
        if (m_links.built) {
            unlink(record.id);
            link(record);
        }
        existing->second = std::move(record);
        existing->second.due_facts.start_keeping();
        sync_indexes(existing->second);
        return existing->second;
    }
    return *add(std::move(record));
}

const Record* Workspace::add(Record&& record) {
    const auto [at, added] = m_records.try_emplace(record.id);
    if (!added) return nullptr;
    m_titles.forget();
    note_id(record.type, record.id);
    record.position = ++m_last_position;
    m_ids_by_type[record.type].push_back(record.id);
    if (m_links.built) link(record);
    Record& kept = at->second = std::move(record);
    kept.due_facts.start_keeping();
    if (m_indexes.valid) {
        m_indexes.by_type[kept.type].push_back(&kept);
        list_new(kept);
    }
    return &kept;
}

void Workspace::erase(std::string_view id) {
    const auto it = m_records.find(std::string(id));
    if (it == m_records.end()) return;
    m_titles.forget();
    auto& ids = m_ids_by_type[it->second.type];
    // Newest first is O(1): undoing an import deletes its records that way.
    const auto at = !ids.empty() && ids.back() == it->first
                        ? ids.end() - 1
                        : std::find(ids.begin(), ids.end(), it->first);
    if (m_indexes.valid) {
        auto& records = m_indexes.by_type[it->second.type];
        records.erase(records.begin() + (at - ids.begin()));
    }
    unlist(it->second);
    ids.erase(at);
    if (m_links.built) unlink(it->first);
    m_records.erase(it);
}

void Workspace::set_owner(std::string_view id, std::string owner) {
    Record* record = edit(id);
    if (!record || record->owner == owner) return;
    unlist(*record);
    record->owner = std::move(owner);
    sync_indexes(*record);
}

void Workspace::set_escalation(std::string_view id, const std::string& policy,
                               std::optional<std::vector<std::string>> people) {
    Record* record = edit(id);
    if (!record) return;
    if (people)
        record->sla_escalations[policy] = std::move(*people);
    else
        record->sla_escalations.erase(policy);
    sync_indexes(*record);
}

void Workspace::reindex_record(std::string_view id) {
    if (const Record* record = find(id)) sync_indexes(*record);
}

void Workspace::reindex_links(std::string_view id) {
    const auto it = m_records.find(std::string(id));
    if (it == m_records.end() || !m_links.built) return;
    // Most edits change no reference: leave the index alone, since taking a
    // record out of a company's referrers is a walk through all of them.
    const auto links = m_links.from.find(it->first);
    const std::vector<std::string> targets = link_targets(it->second);
    if (links == m_links.from.end() ? targets.empty() : links->second == targets) return;
    unlink(it->first);
    link(it->second);
}

std::vector<std::string> Workspace::link_targets(const Record& record) const {
    std::vector<std::string> targets;
    const RecordTypeDef* type = schema.type(record.type);
    if (!type) return targets;
    for (const auto& field : type->fields) {
        if (field.type != FieldType::RecordRef) continue;
        const auto& value = record.value(field.id);
        if (!value.is_string()) continue;
        std::string target = value.get<std::string>();
        // Two fields naming one record (contact and decision maker) link once.
        if (std::find(targets.begin(), targets.end(), target) != targets.end()) continue;
        targets.push_back(std::move(target));
    }
    return targets;
}

const Workspace::Links& Workspace::links() const {
    if (m_links.built) return m_links;
    m_links.built = true;
    // In position order, so that each referrer joins the end of its lists.
    std::vector<const Record*> records;
    records.reserve(m_records.size());
    for (const auto& [id, record] : m_records)
        records.push_back(&record);
    std::sort(records.begin(), records.end(),
              [](const Record* a, const Record* b) { return a->position < b->position; });
    for (const Record* record : records)
        link(*record);
    return m_links;
}

void Workspace::link(const Record& record) const {
    std::vector<std::string> targets = link_targets(record);
    const auto joined_before = [&](const std::string& id, std::uint64_t position) {
        const Record* other = find(id);
        return other && other->position < position;
    };
    for (const auto& target : targets) {
        // In the order the referrers joined the workspace, however the index
        // was built: the newest need no search.
        auto& referrers = m_links.referrers[target];
        if (referrers.empty() || joined_before(referrers.back(), record.position))
            referrers.push_back(record.id);
        else
            referrers.insert(std::lower_bound(referrers.begin(), referrers.end(), record.position,
                                              joined_before),
                             record.id);
    }
    if (!targets.empty()) m_links.from[record.id] = std::move(targets);
}

void Workspace::unlink(const std::string& id) const {
    const auto it = m_links.from.find(id);
    if (it == m_links.from.end()) return;
    for (const auto& target : it->second) {
        auto& referrers = m_links.referrers[target];
        const auto found = std::find(referrers.begin(), referrers.end(), id);
        if (found != referrers.end()) referrers.erase(found);
        if (referrers.empty()) m_links.referrers.erase(target);
    }
    m_links.from.erase(it);
}

void Workspace::note_id(std::string_view type, std::string_view id) {
    const long long number = id_number(id);
    if (number < 0) return;
    auto& next = m_next_numbers[std::string(type)];
    next = std::max(next, number + 1);
}

void Workspace::set_next_number(const std::string& type, long long number) {
    auto& next = m_next_numbers[type];
    next = std::max(next, number);
}

} // namespace crm
