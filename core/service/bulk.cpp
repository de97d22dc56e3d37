#include "service/bulk.hpp"

#include <algorithm>

namespace crm {

namespace {

BulkItem item_of(const std::string& id, const Outcome& outcome) {
    return {id, outcome.ok, outcome.ok ? std::string() : outcome.message, outcome.blocked,
            outcome.not_saved};
}

} // namespace

std::size_t BulkResult::done() const {
    return static_cast<std::size_t>(
        std::count_if(items.begin(), items.end(), [](const BulkItem& item) { return item.ok; }));
}

BulkResult bulk_reassign(Engine& engine, const std::vector<std::string>& ids,
                         const std::string& owner, const std::string& actor, Instant now) {
    BulkResult result;
    for (const auto& id : ids) {
        UpdateRecord update;
        update.id = id;
        update.owner = owner;
        result.items.push_back(item_of(id, engine.apply(update, actor, now)));
    }
    return result;
}

BulkResult bulk_move(Engine& engine, const std::vector<std::string>& ids, const std::string& flow,
                     const std::string& to, const std::string& actor, Instant now,
                     const std::string& reason) {
    BulkResult result;
    for (const auto& id : ids) {
        MoveRecord move;
        move.id = id;
        move.to = to;
        move.flow = flow;
        move.reason = reason;
        result.items.push_back(item_of(id, engine.apply(move, actor, now)));
    }
    return result;
}

std::string describe_bulk(const BulkResult& result) {
    std::string text =
        std::to_string(result.done()) + " of " + std::to_string(result.items.size()) + " done";
    for (const auto& item : result.items)
        if (!item.ok) text += "; " + item.id + ": " + item.message;
    return text;
}

} // namespace crm
