#include "model/field_text_local.hpp"
#include "util/local_time.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

namespace local_time_test {

using namespace crm;
using nlohmann::json;

namespace {

Instant at(const char* iso) {
    return *parse_instant(iso);
}
std::string iso(Instant instant) {
    return format_instant(instant);
}
TimeZone zone(const char* name) {
    return *TimeZone::named(name);
}

// Monday 30 November 2026, 13:00 in Berlin.
const Instant kNow = *parse_instant("2026-11-30T12:00:00Z");

std::string parsed(const char* text, const TimeZone& tz, Instant now = kNow) {
    const auto instant = parse_local_datetime(text, tz, now);
    return instant ? iso(*instant) : instant.error();
}

std::string parsed_date(const char* text, const TimeZone& tz, Instant now = kNow) {
    const auto date = parse_local_date(text, tz, now);
    return date ? format_date(*date) : date.error();
}

FieldDef def(FieldType type) {
    return FieldDef{"due", "Due", type};
}

const std::string kRefusedDateTime =
    "is not a date and time: use a form like 2026-12-02 09:00, 2 Dec 09:00 or tomorrow 9:00";
const std::string kRefusedDate = "is not a date: use a form like 2026-12-02, 2 Dec or tomorrow";

} // namespace

TEST_CASE("calendar arithmetic for pickers") {
    CHECK(add_days({2026, 12, 31}, 1) == CivilDate{2027, 1, 1});
    CHECK(add_days({2024, 3, 1}, -1) == CivilDate{2024, 2, 29});
    CHECK(add_days({2026, 11, 30}, 0) == CivilDate{2026, 11, 30});
    CHECK(weekday({2026, 11, 30}) == 0); // Monday
    CHECK(weekday({2026, 12, 1}) == 1);
    CHECK(weekday({2026, 11, 1}) == 6); // Sunday
    CHECK(weekday({1969, 12, 31}) == 2);
    CHECK(weekday({1970, 1, 1}) == 3);
    CHECK(days_in_month(2024, 2) == 29);
    CHECK(days_in_month(2026, 2) == 28);
    CHECK(days_in_month(2000, 2) == 29);
    CHECK(days_in_month(1900, 2) == 28);
    CHECK(days_in_month(2026, 11) == 30);
    CHECK(days_in_month(2026, 12) == 31);
    CHECK(days_in_month(2026, 13) == 0);
    CHECK(days_in_month(2026, 0) == 0);
}

TEST_CASE("instants are shown in the zone's local time") {
    const auto berlin = zone("Europe/Berlin");
    CHECK(format_local_datetime(at("2026-12-01T15:00:00Z"), berlin, kNow) == "Tue 1 Dec, 16:00");
    CHECK(format_local_datetime(at("2025-11-30T08:05:00Z"), berlin, kNow) ==
          "Sun 30 Nov 2025, 09:05");
    CHECK(format_local_datetime(at("2026-07-01T08:05:00Z"), berlin, kNow) == "Wed 1 Jul, 10:05");
    CHECK(format_local_datetime(at("2026-12-01T10:30:00Z"), zone("Asia/Kolkata"), kNow) ==
          "Tue 1 Dec, 16:00");
    CHECK(format_local_datetime(at("2026-12-01T21:00:00Z"), zone("America/New_York"), kNow) ==
          "Tue 1 Dec, 16:00");
    CHECK(format_local_datetime(at("2026-12-01T16:00:00Z"), TimeZone::utc(), kNow) ==
          "Tue 1 Dec, 16:00");
    SUBCASE("the year is now's local year, which may differ from UTC's") {
        const Instant new_year = at("2026-12-31T23:30:00Z"); // 00:30 on 1 Jan 2027 in Berlin
        CHECK(format_local_datetime(at("2026-12-31T22:00:00Z"), berlin, new_year) ==
              "Thu 31 Dec 2026, 23:00");
        CHECK(format_local_datetime(at("2026-12-31T23:00:00Z"), berlin, new_year) ==
              "Fri 1 Jan, 00:00");
        CHECK(format_local_datetime(at("2026-12-31T22:00:00Z"), TimeZone::utc(), new_year) ==
              "Thu 31 Dec, 22:00");
    }
    SUBCASE("dates") {
        CHECK(format_local_date({2026, 12, 1}, kNow, berlin) == "Tue 1 Dec");
        CHECK(format_local_date({2025, 11, 30}, kNow, berlin) == "Sun 30 Nov 2025");
        CHECK(format_local_date({2027, 1, 2}, kNow, berlin) == "Sat 2 Jan 2027");
    }
}

TEST_CASE("due times in words") {
    const auto berlin = zone("Europe/Berlin"); // now: Mon 30 Nov, 13:00 local
    const auto due = [&](const char* when) { return describe_due_local(at(when), kNow, berlin); };
    CHECK(due("2026-11-30T12:00:00Z") == "due now");
    CHECK(due("2026-11-30T12:00:59Z") == "due now");
    CHECK(due("2026-11-30T11:59:30Z") == "due now");
    CHECK(due("2026-11-30T11:35:00Z") == "overdue by 25 min");
    CHECK(due("2026-11-30T11:00:00Z") == "overdue by 1 h");
    CHECK(due("2026-11-30T09:00:00Z") == "overdue by 3 h");
    CHECK(due("2026-11-29T12:00:01Z") == "overdue by 23 h");
    CHECK(due("2026-11-28T09:00:00Z") == "overdue by 2 d");
    CHECK(due("2026-11-30T12:01:00Z") == "due in 1 min");
    CHECK(due("2026-11-30T12:40:00Z") == "due in 40 min");
    CHECK(due("2026-11-30T13:00:00Z") == "due in 1 h");
    CHECK(due("2026-11-30T13:59:00Z") == "due in 1 h");
    CHECK(due("2026-11-30T14:00:00Z") == "due in 2 h");
    CHECK(due("2026-11-30T15:00:00Z") == "due today 16:00");
    CHECK(due("2026-11-30T22:59:00Z") == "due today 23:59");
    CHECK(due("2026-11-30T23:00:00Z") == "due tomorrow 00:00");
    CHECK(due("2026-12-01T11:30:00Z") == "due tomorrow 12:30");
    CHECK(due("2026-12-04T08:00:00Z") == "due Fri 4 Dec");
    CHECK(due("2027-01-04T08:00:00Z") == "due Mon 4 Jan 2027");
    SUBCASE("today and tomorrow are the zone's days") {
        // 13:00 UTC on 30 Nov is 18:30 in Kolkata; 20:00 UTC is 01:30 there the next day.
        CHECK(describe_due_local(at("2026-11-30T17:00:00Z"), at("2026-11-30T13:00:00Z"),
                                 zone("Asia/Kolkata")) == "due today 22:30");
        CHECK(describe_due_local(at("2026-11-30T20:00:00Z"), at("2026-11-30T13:00:00Z"),
                                 zone("Asia/Kolkata")) == "due tomorrow 01:30");
        CHECK(describe_due_local(at("2026-11-30T20:00:00Z"), at("2026-11-30T13:00:00Z"),
                                 TimeZone::utc()) == "due today 20:00");
    }
}

TEST_CASE("relative times") {
    CHECK(describe_relative(at("2026-11-30T12:00:30Z"), kNow) == "just now");
    CHECK(describe_relative(at("2026-11-30T11:59:01Z"), kNow) == "just now");
    CHECK(describe_relative(at("2026-11-30T12:05:00Z"), kNow) == "in 5 min");
    CHECK(describe_relative(at("2026-11-30T11:55:00Z"), kNow) == "5 min ago");
    CHECK(describe_relative(at("2026-11-30T14:00:00Z"), kNow) == "in 2 h");
    CHECK(describe_relative(at("2026-11-30T09:00:00Z"), kNow) == "3 h ago");
    CHECK(describe_relative(at("2026-12-04T12:00:00Z"), kNow) == "in 4 d");
    CHECK(describe_relative(at("2026-11-28T11:00:00Z"), kNow) == "2 d ago");
}

TEST_CASE("dates and times typed the way people write them") {
    const auto berlin = zone("Europe/Berlin"); // 09:00 in December is 08:00Z
    const char* const nine_on_2_dec[] = {
        "2026-12-02 09:00",          "2026-12-02T09:00",
        "2026-12-02 9:00",           "2026-12-02t09:00:00",
        "  2026-12-02 09:00\t",      "2 Dec 09:00",
        "2 Dec 2026 09:00",          "Dec 2 09:00",
        "2 December 2026 9:00",      "2 DECEMBER 9:00",
        "dec 2, 2026 09:00",         "Wed 2 Dec, 09:00",
        "wednesday 2 dec 2026 9:00", "2 Dec at 9:00",
        "2026-12-02T08:00:00Z",      "2026-12-02T09:00+01:00",
        "2026-12-02T03:00-05:00",
    };
    for (const char* text : nine_on_2_dec) {
        CAPTURE(text);
        CHECK(parsed(text, berlin) == "2026-12-02T08:00:00Z");
    }
    CHECK(parsed("today 15:00", berlin) == "2026-11-30T14:00:00Z");
    CHECK(parsed("Tomorrow 9:00", berlin) == "2026-12-01T08:00:00Z");
    CHECK(parsed("yesterday 17:30", berlin) == "2026-11-29T16:30:00Z");
    CHECK(parsed("2026-12-02 09:00:30", berlin) == "2026-12-02T08:00:30Z");
    CHECK(parsed("2 Jul 09:00", berlin) == "2026-07-02T07:00:00Z"); // summer time
    SUBCASE("a date alone is the start of that local day") {
        CHECK(parsed("2026-12-02", berlin) == "2026-12-01T23:00:00Z");
        CHECK(parsed("2 Dec", berlin) == "2026-12-01T23:00:00Z");
        CHECK(parsed("tomorrow", berlin) == "2026-11-30T23:00:00Z");
        CHECK(parsed("2026-12-02", TimeZone::utc()) == "2026-12-02T00:00:00Z");
    }
    SUBCASE("other zones") {
        CHECK(parsed("2 Dec 09:00", zone("Asia/Kolkata")) == "2026-12-02T03:30:00Z");
        CHECK(parsed("2 Dec 09:00", zone("America/New_York")) == "2026-12-02T14:00:00Z");
        CHECK(parsed("2 Dec 09:00", TimeZone::utc()) == "2026-12-02T09:00:00Z");
        // "today" is the zone's today: 23:30Z on 30 Nov is 1 Dec 05:00 in Kolkata, and
        // 03:00Z on 1 Dec is still 30 Nov in New York.
        CHECK(parsed("today 9:00", zone("Asia/Kolkata"), at("2026-11-30T23:30:00Z")) ==
              "2026-12-01T03:30:00Z");
        CHECK(parsed("today 9:00", zone("America/New_York"), at("2026-12-01T03:00:00Z")) ==
              "2026-11-30T14:00:00Z");
    }
    SUBCASE("daylight-saving changes go through TimeZone::to_instant") {
        const auto ny = zone("America/New_York");
        // 02:30 on 8 Mar 2026 does not exist there: read with the offset before (-05:00).
        CHECK(parsed("2026-03-08 02:30", ny) == "2026-03-08T07:30:00Z");
        CHECK(format_local_datetime(at("2026-03-08T07:30:00Z"), ny, kNow) == "Sun 8 Mar, 03:30");
        CHECK(parsed("2026-03-08 03:30", ny) == "2026-03-08T07:30:00Z");
        // 01:30 on 1 Nov 2026 happens twice: the first (EDT).
        CHECK(parsed("1 Nov 2026 1:30", ny) == "2026-11-01T05:30:00Z");
        CHECK(parsed("2026-11-01 01:30-05:00", ny) == "2026-11-01T06:30:00Z");
        CHECK(parsed("29 Mar 2026 02:30", berlin) == "2026-03-29T01:30:00Z");
        CHECK(parsed("25 Oct 2026 02:30", berlin) == "2026-10-25T00:30:00Z");
    }
    SUBCASE("a day and month without a year: this year, unless more than 183 days ago") {
        const Instant december = at("2026-12-20T12:00:00Z");
        CHECK(parsed("2 Jan 09:00", berlin, december) == "2027-01-02T08:00:00Z");
        CHECK(parsed("1 Jul 09:00", berlin, december) == "2026-07-01T07:00:00Z");  // 172 days ago
        CHECK(parsed("15 Jun 09:00", berlin, december) == "2027-06-15T07:00:00Z"); // 188 days ago
        CHECK(parsed("20 Dec 09:00", berlin, december) == "2026-12-20T08:00:00Z");
        CHECK(parsed("2 Jan 2026 09:00", berlin, december) == "2026-01-02T08:00:00Z");
        const Instant january = at("2027-01-05T12:00:00Z");
        CHECK(parsed("30 Dec 09:00", berlin, january) == "2027-12-30T08:00:00Z");
        CHECK(parsed("29 Feb 09:00", berlin, at("2028-01-05T12:00:00Z")) == "2028-02-29T08:00:00Z");
    }
    SUBCASE("refused") {
        const char* const refused[] = {
            "31 Nov 09:00",
            "2026-12-02 25:00",
            "2026-12-02 24:00",
            "2026-12-02 09:60",
            "2026-12-02 09:00:60",
            "next week",
            "",
            "   ",
            ",",
            "\xff\xfe 2 Dec",
            "2 Dec \xc3",
            "29 Feb 2026 09:00",
            "2026-02-29 09:00",
            "2026-13-01 09:00",
            "0 Dec 09:00",
            "32 Dec 09:00",
            "-1 Dec 09:00",
            "+2 Dec 09:00",
            "2 Dec 9",
            "2 Dec 9:0",
            "2 Dec 009:00",
            "2 Dec 99999 09:00",
            "99999999999999999999 Dec 09:00",
            "2 Dec 2026 09:00 extra",
            "today tomorrow",
            "12/02/2026 09:00",
            "09:00",
            "Mon 2 Dec 09:00", // 2 Dec 2026 is a Wednesday
            "2 Decem 09:00",
            "Dec",
            "2",
            "at 9:00",
            "2 Dec at",
            "2026-12-02T09:00+25:00",
            "0000-01-01 09:00",
            "9999-12-31 23:30 extra",
            "2 Dec 09:00 pm",
        };
        for (const char* text : refused) {
            CAPTURE(text);
            CHECK(parsed(text, berlin) == kRefusedDateTime);
        }
        // The last local day that UTC can still keep, and one past it.
        CHECK(parsed("9999-12-31 23:59", TimeZone::utc()) == "9999-12-31T23:59:00Z");
        CHECK(parsed("0001-01-01 00:30", berlin) == kRefusedDateTime);
        CHECK(parsed("tomorrow", TimeZone::utc(), at("9999-12-31T12:00:00Z")) == kRefusedDateTime);
        CHECK(parsed("9999-12-31 23:59", zone("America/New_York")) == kRefusedDateTime);
    }
}

TEST_CASE("dates typed the way people write them") {
    const auto berlin = zone("Europe/Berlin");
    for (const char* text : {"2026-12-02", "2 Dec", "2 Dec 2026", "Dec 2", "dec 2, 2026",
                             "Wed 2 Dec", " 2 december "}) {
        CAPTURE(text);
        CHECK(parsed_date(text, berlin) == "2026-12-02");
    }
    CHECK(parsed_date("today", berlin) == "2026-11-30");
    CHECK(parsed_date("TOMORROW", berlin) == "2026-12-01");
    CHECK(parsed_date("today", zone("Asia/Kolkata"), at("2026-11-30T19:00:00Z")) == "2026-12-01");
    CHECK(parsed_date("today", zone("America/New_York"), at("2026-12-01T03:00:00Z")) ==
          "2026-11-30");
    CHECK(parsed_date("2 Jan", berlin, at("2026-12-20T12:00:00Z")) == "2027-01-02");
    for (const char* text : {"31 Nov", "2026-02-29", "2 Dec 09:00", "next week", "", "\xff",
                             "Tue 2 Dec", "2 Dec 26", "tomorrow 9:00"}) {
        CAPTURE(text);
        CHECK(parsed_date(text, berlin) == kRefusedDate);
    }
}

TEST_CASE("nothing typed makes the parsers throw or crash") {
    const auto berlin = zone("Europe/Berlin");
    const std::vector<std::string> pieces = {
        "2",          "31",          "Dec",
        "dec",        "2026",        "9:00",
        "25:00",      "-",           ":",
        "T",          "t",           "Z",
        "+01:00",     "today",       "at",
        ",",          " ",           "\xff",
        "\xc3\xa9",   "0",           "99999999999999999999",
        "2026-12-02", "2026-12-02T", "9999-12-31",
        "0000-00-00", "mon",         "\n",
        "::",         "1:2:3",
    };
    std::mt19937 random(42);
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const int count = static_cast<int>(random() % 6);
        for (int i = 0; i < count; ++i) {
            text += pieces[random() % pieces.size()];
            if (random() % 2) text += ' ';
        }
        if (round % 4 == 0) // and raw bytes
            for (int i = 0; i < 8; ++i)
                text += static_cast<char>(random() % 256);
        CAPTURE(text);
        const Instant now{static_cast<std::int64_t>(random() % 4000000000u) - 1000000000};
        const auto instant = parse_local_datetime(text, berlin, now);
        if (instant) {
            CHECK(parse_instant(format_instant(*instant))); // storable
        } else {
            CHECK(instant.error() == kRefusedDateTime);
        }
        const auto date = parse_local_date(text, berlin, now);
        if (!date) CHECK(date.error() == kRefusedDate);
        const auto value =
            parse_field_text_local(def(FieldType::DateTime), text, "EUR", berlin, now);
        if (value && !value->is_null())
            CHECK(*parse_field_text_local(
                      def(FieldType::DateTime),
                      field_value_to_local_text(def(FieldType::DateTime), *value, berlin), "EUR",
                      berlin, now) == *value);
    }
}

TEST_CASE("fields read and show dates in the device's zone") {
    const auto berlin = zone("Europe/Berlin");
    const auto datetime = def(FieldType::DateTime);
    const auto date = def(FieldType::Date);
    SUBCASE("typed text is kept as today: UTC instants and YYYY-MM-DD") {
        CHECK(*parse_field_text_local(datetime, "2 Dec 09:00", "EUR", berlin, kNow) ==
              "2026-12-02T08:00:00Z");
        CHECK(*parse_field_text_local(datetime, "2026-12-02T08:00:00Z", "EUR", berlin, kNow) ==
              "2026-12-02T08:00:00Z");
        CHECK(*parse_field_text_local(date, "tomorrow", "EUR", berlin, kNow) == "2026-12-01");
        CHECK(parse_field_text_local(date, "  ", "EUR", berlin, kNow)->is_null());
        CHECK(parse_field_text_local(datetime, "", "EUR", berlin, kNow)->is_null());
    }
    SUBCASE("refusals quote what was typed") {
        CHECK(parse_field_text_local(datetime, " 31 Nov 09:00 ", "EUR", berlin, kNow).error() ==
              "\"31 Nov 09:00\" " + kRefusedDateTime);
        CHECK(parse_field_text_local(date, "next week", "EUR", berlin, kNow).error() ==
              "\"next week\" " + kRefusedDate);
        CHECK(parse_field_text_local(datetime, "2 Dec \xff", "EUR", berlin, kNow).error() ==
              "the text is not valid UTF-8 (byte 7 (0xFF) is not valid UTF-8)");
        CHECK(parse_field_text_local(date, "2 Dec\x1b", "EUR", berlin, kNow).error() ==
              "the text contains the control character U+001B (character 6); remove it");
    }
    SUBCASE("other types are read as before") {
        CHECK(*parse_field_text_local(def(FieldType::Money), "12,000", "EUR", berlin, kNow) ==
              json{{"amount", 12000}, {"currency", "EUR"}});
        CHECK(
            parse_field_text_local(def(FieldType::Number), "twelve", "EUR", berlin, kNow).error() ==
            "expected a number, got \"twelve\"");
        CHECK(field_value_to_local_text(def(FieldType::Bool), true, berlin) == "yes");
        CHECK(format_field_value_local(def(FieldType::Bool), true, berlin, kNow) == "Yes");
    }
    SUBCASE("editor text and display") {
        CHECK(field_value_to_local_text(datetime, "2026-12-02T08:00:00Z", berlin) ==
              "2026-12-02 09:00");
        CHECK(field_value_to_local_text(datetime, "2026-12-02T08:00:30Z", berlin) ==
              "2026-12-02 09:00:30");
        CHECK(field_value_to_local_text(datetime, "2026-12-02T08:00:00Z", zone("Asia/Kolkata")) ==
              "2026-12-02 13:30");
        CHECK(field_value_to_local_text(date, "2026-12-02", berlin) == "2026-12-02");
        CHECK(field_value_to_local_text(datetime, nullptr, berlin) == "");
        CHECK(field_value_to_local_text(datetime, "garbled", berlin) == "garbled");
        CHECK(format_field_value_local(datetime, "2026-12-01T15:00:00Z", berlin, kNow) ==
              "Tue 1 Dec, 16:00");
        CHECK(format_field_value_local(datetime, "2025-11-30T08:05:00Z", berlin, kNow) ==
              "Sun 30 Nov 2025, 09:05");
        CHECK(format_field_value_local(date, "2026-12-01", berlin, kNow) == "Tue 1 Dec");
        CHECK(format_field_value_local(date, "2027-12-01", berlin, kNow) == "Wed 1 Dec 2027");
        CHECK(format_field_value_local(date, nullptr, berlin, kNow) == "");
        CHECK(format_field_value_local(datetime, "garbled", berlin, kNow) == "garbled");
    }
    SUBCASE("the editor text reads back unchanged, across daylight-saving changes") {
        const char* const zones[] = {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"};
        for (const char* name : zones) {
            const auto tz = zone(name);
            // Every quarter hour and some odd seconds around both 2026 changes in Europe
            // and in the US.
            for (const char* start : {"2026-03-07T20:00:00Z", "2026-03-28T20:00:00Z",
                                      "2026-10-24T20:00:00Z", "2026-10-31T20:00:00Z"}) {
                for (std::int64_t step = 0; step < 4 * 30; ++step) {
                    const Instant instant{at(start).seconds + step * 900 +
                                          (step % 7 == 0 ? 17 : 0)};
                    const json value = format_instant(instant);
                    const auto text = field_value_to_local_text(datetime, value, tz);
                    CAPTURE(name);
                    CAPTURE(text);
                    // Read back on another day too: the text names its own date.
                    CHECK(*parse_field_text_local(datetime, text, "EUR", tz, kNow) == value);
                    CHECK(*parse_field_text_local(datetime, text, "EUR", tz,
                                                  at("2027-06-01T00:00:00Z")) == value);
                }
            }
            CHECK(*parse_field_text_local(date, field_value_to_local_text(date, "2026-03-29", tz),
                                          "EUR", tz, kNow) == "2026-03-29");
        }
        // The repeated hour: the second 01:30 in New York carries its offset.
        const auto ny = zone("America/New_York");
        CHECK(field_value_to_local_text(datetime, "2026-11-01T05:30:00Z", ny) ==
              "2026-11-01 01:30");
        CHECK(field_value_to_local_text(datetime, "2026-11-01T06:30:00Z", ny) ==
              "2026-11-01 01:30-05:00");
        CHECK(field_value_to_local_text(datetime, "2026-10-25T01:30:00Z", berlin) ==
              "2026-10-25 02:30+01:00");
        // A local day past what four digits write stays in UTC.
        CHECK(field_value_to_local_text(datetime, "9999-12-31T23:30:00Z", berlin) ==
              "9999-12-31T23:30:00Z");
    }
}

} // namespace local_time_test
