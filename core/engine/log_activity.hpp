// Logging a call, meeting, email or note (the LogActivity command): the kinds
// of activity, the outcomes each may have and which of them count as having
// reached the person, and the field a first contact fills on each record type.
#pragma once

#include "model/workspace.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace crm {

struct ActivityKind {
    std::string id;                    // "call"
    std::string label;                 // the activity's Kind value: "Call"
    std::string with;                  // how a summary names it: "a call with"
    std::vector<std::string> outcomes; // what may come of it; none for a note
    std::vector<std::string> reached;  // the outcomes that are a contact made
};

// Call: Reached, Left voicemail, No answer, Wrong number (only Reached is a
// contact: a voicemail is an attempt). Email: Sent, Bounced (a sent email is
// the first touch the lead routing flow asks for). Meeting: Meeting held,
// No-show, Rescheduled. Note: no outcome, never a contact.
const std::vector<ActivityKind>& activity_kinds();
// By id or label, in any case; null when it names none.
const ActivityKind* activity_kind(std::string_view kind);

// The field a first outbound contact fills on a record type when it is empty:
// lead -> first_contact_at, ticket -> first_response_at; "" for other types.
// The SLA clocks and stage gates that wait for that field read it from there.
std::string first_contact_field(const std::string& record_type);

// The record's oldest open task (related to it, not done); null when none.
const Record* oldest_open_task(const Workspace& workspace, const std::string& record_id);

} // namespace crm
