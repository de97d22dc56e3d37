// The work calendar (.ics): exact RFC 5545 text for a small workspace, TEXT
// escaping, folding at 75 octets between UTF-8 characters, and UIDs that stay
// the same from one export to the next.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/ics.hpp"
#include "sla/policy.hpp"
#include "util/utf8.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>

namespace ics_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-11-17T12:00:00Z"); // Tuesday noon

std::string create(Engine& engine, const std::string& type, json fields, const char* when) {
    const auto created =
        engine.apply(CreateRecord{type, std::move(fields), "u-ana"}, "u-ana", at(when));
    REQUIRE_MESSAGE(created.ok, created.message);
    return created.record_id;
}

// A 48-hour SLA on tickets; a breach goes to the owner's manager.
Workspace with_ticket_sla() {
    Workspace ws = team_with_pipeline();
    auto policies = sla_policies_from_json(json::parse(R"([{"id": "case_open",
        "name": "Case open 48 hours", "record_type": "ticket", "starts": "created",
        "within": "48 hours", "alert": ["owner"], "escalate_to": ["owner_manager"]}])"),
                                           "$.sla_policies");
    REQUIRE(policies.ok());
    ws.sla_policies = *policies;
    return ws;
}

// Ana's plate: a lead in lead routing with a task on it, a task on nothing,
// a task with no due time (not in the calendar) and a ticket under the SLA.
Engine small_workspace() {
    Engine engine(with_ticket_sla());
    const std::string lead =
        create(engine, "lead", {{"name", "Zoë Novak; ACME, Inc."}}, "2026-11-16T09:00:00Z");
    create(
        engine, "task",
        {{"title", "Send pricing, then call"}, {"due", "2026-11-17T16:00:00Z"}, {"related", lead}},
        "2026-11-16T09:30:00Z");
    create(engine, "task", {{"title", "Renew the domain"}, {"due", "2026-11-20T10:00:00Z"}},
           "2026-11-16T09:40:00Z");
    create(engine, "task", {{"title", "Some day: tidy the pipeline"}}, "2026-11-16T09:50:00Z");
    create(engine, "ticket", {{"subject", "Printer jam"}}, "2026-11-16T10:00:00Z");
    return engine;
}

std::vector<std::string> physical_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", start)) {
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    CHECK(start == text.size()); // every line ends in CRLF
    return lines;
}

// RFC 5545 3.1: a CRLF followed by one space is removed.
std::string unfold(std::string text) {
    for (auto at = text.find("\r\n "); at != std::string::npos; at = text.find("\r\n ", at))
        text.erase(at, 3);
    return text;
}

std::set<std::string> uids(const std::string& calendar) {
    std::set<std::string> found;
    for (const auto& line : physical_lines(unfold(calendar)))
        if (line.rfind("UID:", 0) == 0) found.insert(line.substr(4));
    return found;
}

} // namespace

TEST_CASE("the work calendar holds one event per item with a due time, exactly") {
    Engine engine = small_workspace();
    const std::string expected =
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//CRM//Work calendar//EN\r\n"
        "METHOD:PUBLISH\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "X-WR-CALNAME:Ana Reyes — CRM work\r\n"
        // The lead's row: its stage action, 1 business hour after creation.
        "BEGIN:VEVENT\r\n"
        "UID:lead-1.next.lead_routing@crm\r\n"
        "DTSTAMP:20261117T120000Z\r\n"
        "DTSTART:20261116T100000Z\r\n"
        "DTEND:20261116T103000Z\r\n"
        "SUMMARY:Assign an owner by territory — Zoë Novak\\; ACME\\, Inc.\r\n"
        "DESCRIPTION:Stage: New (Lead routing)\\nState: overdue (as of 2026-11-17T12:\r\n"
        " 00:00Z)\\nRecord: lead-1\r\n"
        "BEGIN:VALARM\r\n"
        "ACTION:DISPLAY\r\n"
        "DESCRIPTION:Assign an owner by territory — Zoë Novak\\; ACME\\, Inc.\r\n"
        "TRIGGER:-PT15M\r\n"
        "END:VALARM\r\n"
        "END:VEVENT\r\n"
        // Folded under the lead's row: the task on it.
        "BEGIN:VEVENT\r\n"
        "UID:task-1@crm\r\n"
        "DTSTAMP:20261117T120000Z\r\n"
        "DTSTART:20261117T160000Z\r\n"
        "DTEND:20261117T163000Z\r\n"
        "SUMMARY:Send pricing\\, then call — Zoë Novak\\; ACME\\, Inc.\r\n"
        "DESCRIPTION:State: at-risk (as of 2026-11-17T12:00:00Z)\\nRecord: task-1 (on\r\n"
        "  lead-1)\r\n"
        "BEGIN:VALARM\r\n"
        "ACTION:DISPLAY\r\n"
        "DESCRIPTION:Send pricing\\, then call — Zoë Novak\\; ACME\\, Inc.\r\n"
        "TRIGGER:-PT15M\r\n"
        "END:VALARM\r\n"
        "END:VEVENT\r\n"
        // The ticket has no action: its SLA is the item.
        "BEGIN:VEVENT\r\n"
        "UID:ticket-1.sla.case_open@crm\r\n"
        "DTSTAMP:20261117T120000Z\r\n"
        "DTSTART:20261118T100000Z\r\n"
        "DTEND:20261118T103000Z\r\n"
        "SUMMARY:Meet the SLA: Case open 48 hours — Printer jam\r\n"
        "DESCRIPTION:Why: SLA: Case open 48 hours\\nState: ok (as of 2026-11-17T12:00\r\n"
        " :00Z)\\nRecord: ticket-1\r\n"
        "BEGIN:VALARM\r\n"
        "ACTION:DISPLAY\r\n"
        "DESCRIPTION:Meet the SLA: Case open 48 hours — Printer jam\r\n"
        "TRIGGER:-PT15M\r\n"
        "END:VALARM\r\n"
        "END:VEVENT\r\n"
        // A task on no record: its title said once.
        "BEGIN:VEVENT\r\n"
        "UID:task-2@crm\r\n"
        "DTSTAMP:20261117T120000Z\r\n"
        "DTSTART:20261120T100000Z\r\n"
        "DTEND:20261120T103000Z\r\n"
        "SUMMARY:Renew the domain\r\n"
        "DESCRIPTION:State: ok (as of 2026-11-17T12:00:00Z)\\nRecord: task-2\r\n"
        "BEGIN:VALARM\r\n"
        "ACTION:DISPLAY\r\n"
        "DESCRIPTION:Renew the domain\r\n"
        "TRIGGER:-PT15M\r\n"
        "END:VALARM\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n";
    CHECK(work_calendar(engine.workspace(), "u-ana", kNow) == expected);
}

TEST_CASE("a person with nothing due gets an empty calendar") {
    Engine engine = small_workspace();
    CHECK(work_calendar(engine.workspace(), "u-ben", kNow) ==
          "BEGIN:VCALENDAR\r\n"
          "VERSION:2.0\r\n"
          "PRODID:-//CRM//Work calendar//EN\r\n"
          "METHOD:PUBLISH\r\n"
          "CALSCALE:GREGORIAN\r\n"
          "X-WR-CALNAME:Ben Okafor — CRM work\r\n"
          "END:VCALENDAR\r\n");
}

TEST_CASE("TEXT escapes backslash, semicolon, comma and newlines, and drops control bytes") {
    CHECK(escape_ics_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne");
    CHECK(escape_ics_text("one\r\ntwo\rthree") == "one\\ntwo\\nthree");
    CHECK(escape_ics_text("tab\tand\x01"
                          "bell") == "tab\tand bell");
    CHECK(escape_ics_text("Zoë: \"quoted\"") == "Zoë: \"quoted\""); // ':' and '"' stay in TEXT
}

TEST_CASE("lines fold at 75 octets, never inside a UTF-8 character") {
    const std::string full(75, 'x');
    CHECK(fold_ics_line(full) == full + "\r\n");
    CHECK(fold_ics_line(full + "y") == full + "\r\n y\r\n");
    // "ë" (2 octets) would straddle octet 75: it moves whole to the next line.
    const std::string straddling = std::string(74, 'x') + "ëz";
    CHECK(fold_ics_line(straddling) == std::string(74, 'x') + "\r\n ëz\r\n");
    // Continuation lines hold 74 octets after their space.
    const std::string long_line(75 + 74 + 1, 'x');
    CHECK(fold_ics_line(long_line) ==
          full + "\r\n " + std::string(74, 'x') + "\r\n " + std::string(1, 'x') + "\r\n");
}

TEST_CASE("a long multilingual title folds into valid lines and unfolds back to itself") {
    Engine engine(team_workspace());
    std::string title;
    for (int i = 0; i < 12; ++i)
        title += "Zoë Łukasz Дмитрий; 北京, \\ ";
    title += "end"; // titles are stored trimmed
    create(engine, "task", {{"title", title}, {"due", "2026-11-18T09:00:00Z"}},
           "2026-11-16T09:00:00Z");
    const std::string calendar = work_calendar(engine.workspace(), "u-ana", kNow);
    for (const auto& line : physical_lines(calendar)) {
        CHECK(line.size() <= 75);
        CHECK_FALSE(find_invalid_utf8(line)); // no character cut in two
    }
    const auto lines = physical_lines(unfold(calendar));
    CHECK(std::find(lines.begin(), lines.end(), "SUMMARY:" + escape_ics_text(title)) !=
          lines.end());
}

TEST_CASE("UIDs name what each item is and stay the same across exports") {
    Engine engine = small_workspace();
    const std::string first = work_calendar(engine.workspace(), "u-ana", kNow);
    CHECK(uids(first) == std::set<std::string>{"lead-1.next.lead_routing@crm", "task-1@crm",
                                               "task-2@crm", "ticket-1.sla.case_open@crm"});
    // A moved due date is the same event, updated.
    REQUIRE(engine
                .apply(UpdateRecord{"task-2", {{"due", "2026-11-21T10:00:00Z"}}}, "u-ana",
                       at("2026-11-17T13:00:00Z"))
                .ok);
    const std::string second =
        work_calendar(engine.workspace(), "u-ana", at("2026-11-17T14:00:00Z"));
    CHECK(uids(second) == uids(first));
    CHECK(second.find("DTSTART:20261121T100000Z") != std::string::npos);
    CHECK(second.find("DTSTAMP:20261117T140000Z") != std::string::npos);

    // A breach escalated to the manager is an event of hers, named by its policy.
    engine.raise_breaches(at("2026-11-18T11:00:00Z"));
    CHECK(uids(work_calendar(engine.workspace(), "u-maria", at("2026-11-18T11:00:00Z"))) ==
          std::set<std::string>{"ticket-1.escalation.case_open@crm"});
}

} // namespace ics_test
