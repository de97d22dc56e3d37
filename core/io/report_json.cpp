#include "io/report_json.hpp"

namespace crm {

using nlohmann::ordered_json;

nlohmann::ordered_json report_to_json(const Report& report, bool with_records) {
    auto value = [](const std::optional<double>& number) {
        return number ? ordered_json(*number) : ordered_json(nullptr);
    };
    ordered_json rows = ordered_json::array();
    for (const auto& row : report.rows) {
        ordered_json line{{"key", row.key},
                          {"label", row.label},
                          {"value", value(row.value)},
                          {"count", row.count}};
        if (with_records) line["records"] = row.records;
        rows.push_back(line);
    }
    ordered_json out{{"metric", report.metric},
                     {"rows", rows},
                     {"total", value(report.total)},
                     {"count", report.count}};
    if (!report.highlight.empty()) out["highlight"] = report.highlight;
    if (!report.notes.empty()) out["notes"] = report.notes;
    if (with_records) out["records"] = report.records;
    return out;
}

} // namespace crm
