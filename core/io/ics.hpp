// A person's work as an iCalendar feed (RFC 5545) that they import into, or
// subscribe to from, their own calendar (Google Calendar, Outlook, Apple
// Calendar). Written by hand: no iCalendar writer in Debian also builds for
// WebAssembly, and the part of RFC 5545 needed here is small.
#pragma once

#include "model/workspace.hpp"
#include "util/time.hpp"

#include <string>
#include <string_view>

namespace crm {

// USER's next actions (the folded items too) as one VCALENDAR: a 30-minute
// VEVENT at each item's due time, with a reminder 15 minutes before. Items
// without a due time are left out. Each UID names what the item is ("task-12@crm",
// "deal-7.next.sales_pipeline@crm"), so importing again updates the events.
std::string work_calendar(const Workspace& workspace, const std::string& user, Instant now);

// RFC 5545 TEXT: backslash, ';', ',' and newlines escaped (\\ \; \, \n).
std::string escape_ics_text(std::string_view text);

// One content line, CRLF-terminated, folded at 75 octets between UTF-8
// characters; each continuation line starts with one space.
std::string fold_ics_line(std::string_view line);

// An instant as an RFC 5545 UTC date-time: "20261124T160000Z".
std::string ics_utc(Instant instant);

} // namespace crm
