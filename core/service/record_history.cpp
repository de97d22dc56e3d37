#include "service/record_history.hpp"

#include "query/history.hpp"

#include <algorithm>

namespace crm {

KeptHistory read_record_history(const WorkspaceStore& store, const std::string& record_id) {
    std::vector<std::string> family = {record_id};
    // Each read may find merges into the records merged here: read until none is new.
    for (;;) {
        KeptHistory kept = store.read_history([&](const EventBatch& batch) {
            return std::any_of(family.begin(), family.end(),
                               [&](const std::string& id) { return batch_mentions(batch, id); });
        });
        std::vector<std::string> found = merged_into(kept.batches, record_id);
        found.push_back(record_id);
        std::sort(found.begin(), found.end());
        std::sort(family.begin(), family.end());
        if (found == family) return kept;
        family = std::move(found);
    }
}

} // namespace crm
