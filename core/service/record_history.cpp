#include "service/record_history.hpp"

#include "query/history.hpp"

#include <algorithm>

namespace crm {

KeptHistory read_record_history(const WorkspaceStore& store, const std::string& record_id) {
    KeptHistory kept = store.read_history(
        [&](const EventBatch& batch) { return batch_mentions(batch, record_id); });
    std::vector<std::string> family = merged_into(kept.batches, record_id);
    if (family.empty()) return kept;
    family.push_back(record_id);
    return store.read_history([&](const EventBatch& batch) {
        return std::any_of(family.begin(), family.end(),
                           [&](const std::string& id) { return batch_mentions(batch, id); });
    });
}

} // namespace crm
