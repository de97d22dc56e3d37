#include "io/queue_json.hpp"

namespace crm {

using nlohmann::json;

json work_item_json(const WorkItem& item) {
    json out = {{"record", item.record_id},
                {"title", item.title},
                {"kind", item.kind},
                {"what", item.what},
                {"state", item.state}};
    out["due"] = item.due ? json(format_instant(*item.due)) : json(nullptr);
    if (!item.flow.empty()) out["flow"] = item.flow;
    if (!item.reason.empty()) out["reason"] = item.reason;
    if (item.about != item.record_id && !item.about.empty()) out["about"] = item.about;
    if (!item.more.empty()) {
        json more = json::array();
        for (const auto& other : item.more)
            more.push_back(work_item_json(other));
        out["more"] = more;
    }
    return out;
}

json exception_queue_json(const ExceptionQueue& queue) {
    json items = json::array();
    for (const auto& item : queue.items) {
        json listed = {{"record", item.record_id},
                       {"title", item.title},
                       {"detail", item.detail},
                       {"owner", item.owner}};
        if (!item.problem.empty()) listed["problem"] = item.problem;
        items.push_back(std::move(listed));
    }
    return {{"kind", queue.kind},          {"group", queue.group},       {"title", queue.title},
            {"count", queue.items.size()}, {"handlers", queue.handlers}, {"items", items}};
}

} // namespace crm
