#include "io/ics.hpp"

#include "query/my_work.hpp"

#include <cstdio>

namespace crm {

namespace {

constexpr std::int64_t kEventSeconds = 30 * 60;
constexpr std::size_t kMaxLineOctets = 75; // RFC 5545 3.1, without the CRLF

bool is_utf8_continuation(char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

// Ids go into UIDs as they are when plain; any other byte (the '.' between
// parts too) as %XX, so two different items never share a UID.
std::string uid_part(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (plain) {
            out += c;
            continue;
        }
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        out += hex;
    }
    return out;
}

// The SLA policy an "sla" or "escalation" item stands for (its reason is
// "SLA: <policy name>"): its id outlives a rename, so the UID does too.
std::string policy_key(const Workspace& ws, const WorkItem& item) {
    const Record* record = ws.find(item.record_id);
    for (const auto& policy : ws.sla_policies)
        if (record && policy.record_type == record->type && item.reason == "SLA: " + policy.name)
            return policy.id;
    return item.reason;
}

std::string event_uid(const Workspace& ws, const WorkItem& item) {
    std::string uid = uid_part(item.record_id);
    if (item.kind == "next_action")
        uid += ".next." + uid_part(item.flow);
    else if (item.kind != "task")
        uid += "." + uid_part(item.kind) + "." + uid_part(policy_key(ws, item));
    return uid + "@crm";
}

// "Qualified (Sales pipeline)": where the record stands in the item's flow.
std::string stage_of(const Workspace& ws, const WorkItem& item) {
    const Record* record = ws.find(item.record_id);
    const Flow* flow = ws.flow(item.flow);
    if (!record || !flow) return "";
    const auto state = record->flows.find(item.flow);
    if (state == record->flows.end()) return "";
    const Stage* stage = flow->stage(state->second.stage);
    return stage ? stage->name + " (" + flow->name + ")" : "";
}

std::string event_description(const Workspace& ws, const WorkItem& item, Instant now) {
    std::string text;
    if (!item.reason.empty()) text += "Why: " + item.reason + "\n";
    if (const std::string stage = stage_of(ws, item); !stage.empty())
        text += "Stage: " + stage + "\n";
    text += "State: " + item.state + " (as of " + format_instant(now) + ")\n";
    text += "Record: " + item.record_id;
    if (!item.about.empty() && item.about != item.record_id) text += " (on " + item.about + ")";
    return text;
}

// A task on no record is titled by itself: say it once.
std::string event_summary(const WorkItem& item) {
    if (item.title.empty() || item.title == item.what) return item.what;
    return item.what + " — " + item.title;
}

void add_line(std::string& out, std::string_view name, std::string_view value) {
    out += fold_ics_line(std::string(name) + ":" + std::string(value));
}

void add_text(std::string& out, std::string_view name, std::string_view text) {
    add_line(out, name, escape_ics_text(text));
}

void add_event(std::string& out, const Workspace& ws, const WorkItem& item, Instant now) {
    const std::string summary = event_summary(item);
    add_line(out, "BEGIN", "VEVENT");
    add_text(out, "UID", event_uid(ws, item));
    add_line(out, "DTSTAMP", ics_utc(now));
    add_line(out, "DTSTART", ics_utc(*item.due));
    add_line(out, "DTEND", ics_utc(Instant{item.due->seconds + kEventSeconds}));
    add_text(out, "SUMMARY", summary);
    add_text(out, "DESCRIPTION", event_description(ws, item, now));
    add_line(out, "BEGIN", "VALARM");
    add_line(out, "ACTION", "DISPLAY");
    add_text(out, "DESCRIPTION", summary);
    add_line(out, "TRIGGER", "-PT15M");
    add_line(out, "END", "VALARM");
    add_line(out, "END", "VEVENT");
}

} // namespace

std::string escape_ics_text(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' || c == ';' || c == ',') {
            out += '\\';
            out += c;
        } else if (c == '\r') {
            if (i + 1 < text.size() && text[i + 1] == '\n') continue; // the \n writes it
            out += "\\n";
        } else if (c == '\n') {
            out += "\\n";
        } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) {
            out += ' '; // TEXT allows no other control characters
        } else {
            out += c;
        }
    }
    return out;
}

std::string fold_ics_line(std::string_view line) {
    std::string out;
    std::size_t room = kMaxLineOctets;
    while (line.size() > room) {
        std::size_t cut = room;
        while (cut > 0 && is_utf8_continuation(line[cut]))
            --cut;
        if (cut == 0) cut = room; // not UTF-8: cut where it is full
        out.append(line.substr(0, cut));
        out += "\r\n ";
        line.remove_prefix(cut);
        room = kMaxLineOctets - 1; // the leading space counts
    }
    out.append(line);
    out += "\r\n";
    return out;
}

std::string ics_utc(Instant instant) {
    std::string out;
    for (const char c : format_instant(instant))
        if (c != '-' && c != ':') out += c;
    return out;
}

std::string work_calendar(const Workspace& ws, const std::string& user, Instant now) {
    const User* person = ws.directory.user(user);
    std::string out;
    add_line(out, "BEGIN", "VCALENDAR");
    add_line(out, "VERSION", "2.0");
    add_text(out, "PRODID", "-//CRM//Work calendar//EN");
    add_line(out, "METHOD", "PUBLISH");
    add_line(out, "CALSCALE", "GREGORIAN");
    add_text(out, "X-WR-CALNAME", (person ? person->name : user) + " — CRM work");
    for (const auto& row : next_actions(ws, user, now)) {
        if (row.due) add_event(out, ws, row, now);
        for (const auto& item : row.more)
            if (item.due) add_event(out, ws, item, now);
    }
    add_line(out, "END", "VCALENDAR");
    return out;
}

} // namespace crm
