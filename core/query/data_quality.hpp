// Data quality for managers and admins (can_review_data_quality; others get
// nothing): how complete records are against their type's target (per record
// and per field), records nobody has touched for a while, and the data
// problems people flagged (the queue). Results name fields by id and label,
// never by pointer, so they outlive a change to the schema.
#pragma once

#include "model/workspace.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace crm {

// The fields a complete record of the type has filled in, in schema order.
std::vector<const FieldDef*> completeness_fields(const RecordTypeDef& type);

struct RecordCompleteness {
    std::string record_id;
    std::size_t filled = 0, counted = 0;
    std::vector<std::string> missing; // their labels, in schema order
    int percent() const;              // rounded down: 79.9 % is below 80
};

RecordCompleteness record_completeness(const RecordTypeDef& type, const Record& record);

struct FieldFill {
    std::string field, label;
    std::size_t filled = 0;
};

struct CompletenessReport {
    std::string type;
    int target = 80; // percent, from the type
    std::size_t records = 0;
    int percent = 0; // the average record, rounded down
    std::size_t below_target = 0;
    std::vector<FieldFill> fields;                  // least filled first, then schema order
    std::vector<RecordCompleteness> least_complete; // below target, least complete first
};

// Over the records of `type` that `viewer` may see.
CompletenessReport completeness_report(const Workspace& workspace, const std::string& viewer,
                                       const std::string& type);

// The record types the data-quality screen measures (a target above 0), in schema order.
std::vector<const RecordTypeDef*> measured_types(const Schema& schema);

struct InactiveRecord {
    std::string record_id;
    Instant last_touched; // the last time anything was done on it or its records
};

// Records of `type` that `viewer` may see with nothing done for `days` days:
// no change to them, no activity or task about them, and none on the records
// that point at them (a company's contacts and deals). Longest quiet first.
std::vector<InactiveRecord> inactive_records(const Workspace& workspace, const std::string& viewer,
                                             const std::string& type, int days, Instant now);

struct FlaggedRecord {
    std::string record_id;
    std::vector<DataProblem> problems; // oldest first
};

// Records `viewer` may see with open data problems, the longest waiting first.
std::vector<FlaggedRecord> data_problem_queue(const Workspace& workspace,
                                              const std::string& viewer);

} // namespace crm
