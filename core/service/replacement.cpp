#include "service/replacement.hpp"

namespace crm {

ReplacementCounts count_replacement(const Workspace& current, const Workspace& incoming) {
    ReplacementCounts counts;
    for (const Record* record : incoming.all_records()) {
        if (current.find(record->id))
            ++counts.replaced;
        else
            ++counts.added;
    }
    counts.removed = current.record_count() - counts.replaced;
    return counts;
}

std::string describe_replacement(const ReplacementCounts& counts) {
    return std::to_string(counts.added) + " added, " + std::to_string(counts.replaced) +
           " replaced, " + std::to_string(counts.removed) + " removed";
}

} // namespace crm
