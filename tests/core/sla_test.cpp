#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "query/my_work.hpp"
#include "sla/calendar.hpp"

#include <doctest/doctest.h>

namespace sla_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

BusinessCalendar calendar(const char* text) {
    auto parsed = calendar_from_json(json::parse(text));
    REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error()));
    return *parsed;
}

std::string due(const BusinessCalendar& cal, const char* start, const char* duration) {
    auto parsed = parse_duration(duration);
    REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error()));
    auto result = due_at(cal, at(start), *parsed);
    REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.error()));
    return format_instant(*result);
}

const char* kNewYork = R"({"timezone":"America/New_York","week":{
    "mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],
    "thu":[["09:00","17:00"]],"fri":[["09:00","12:00"],["13:00","17:00"]]},
    "holidays":["2026-12-25"]})";

} // namespace

TEST_CASE("time zones from the shipped rules, across daylight-saving changes") {
    const auto ny = TimeZone::named("America/New_York");
    REQUIRE(ny);
    CHECK(ny->offset_at(at("2026-03-08T06:59:59Z")) == -5 * 3600);
    CHECK(ny->offset_at(at("2026-03-08T07:00:00Z")) == -4 * 3600);
    CHECK(ny->offset_at(at("2040-07-01T00:00:00Z")) ==
          -4 * 3600); // from the zone's rule, far ahead
    const auto lord_howe = TimeZone::named("Australia/Lord_Howe");
    REQUIRE(lord_howe);
    CHECK(lord_howe->offset_at(at("2026-07-01T00:00:00Z")) == 10 * 3600 + 1800);
    CHECK(lord_howe->offset_at(at("2026-12-01T00:00:00Z")) == 11 * 3600);
    // 02:30 does not exist on 2026-03-08 in New York: read with the offset before the change.
    CHECK(format_instant(ny->to_instant(days_from_civil({2026, 3, 8}) * 86400 + 2 * 3600 + 1800)) ==
          "2026-03-08T07:30:00Z");
    // 01:30 happens twice on 2026-11-01: the first one.
    CHECK(format_instant(ny->to_instant(days_from_civil({2026, 11, 1}) * 86400 + 3600 + 1800)) ==
          "2026-11-01T05:30:00Z");
    CHECK(TimeZone::named("Mars/Olympus").error() ==
          "unknown time zone \"Mars/Olympus\" (expected an IANA name like Europe/Berlin)");
}

TEST_CASE("business time: the exact rules") {
    const BusinessCalendar ny = calendar(kNewYork);
    SUBCASE("a demo request on Friday 16:30 with 4 business hours is due Monday 12:30") {
        CHECK(due(ny, "2026-11-20T21:30:00Z", "4 business hours") == "2026-11-23T17:30:00Z");
    }
    SUBCASE("a contract signed on Friday with 3 business days is due Wednesday at close") {
        CHECK(due(ny, "2026-11-20T21:30:00Z", "3 business days") == "2026-11-25T22:00:00Z");
    }
    SUBCASE("over the spring-forward weekend") {
        CHECK(due(ny, "2026-03-06T21:00:00Z", "4 business hours") == "2026-03-09T16:00:00Z");
    }
    SUBCASE("holidays are skipped") {
        CHECK(due(ny, "2026-12-24T21:00:00Z", "2 business hours") == "2026-12-28T15:00:00Z");
    }
    SUBCASE("split days and starts outside working time") {
        CHECK(due(ny, "2026-11-20T17:30:00Z", "1 business hour") == "2026-11-20T19:00:00Z");
        CHECK(due(ny, "2026-11-19T22:00:00Z", "1 business minute") ==
              "2026-11-20T14:01:00Z"); // at close
        CHECK(due(ny, "2026-11-19T21:00:00Z", "8 business hours") ==
              "2026-11-20T22:00:00Z"); // ends at a close
    }
    SUBCASE("zero is the start; plain durations are exact") {
        CHECK(due(ny, "2026-11-19T23:00:00Z", "0 business minutes") == "2026-11-19T23:00:00Z");
        CHECK(due(ny, "2026-03-07T12:00:00Z", "2 days") == "2026-03-09T12:00:00Z");
        CHECK(due(ny, "2026-03-07T12:00:00Z", "48 hours") == "2026-03-09T12:00:00Z");
    }
    SUBCASE("other zones: Berlin, Kolkata (+05:30), Lord Howe (30-minute DST), 24/7 across DST") {
        const auto berlin = calendar(
            R"({"timezone":"Europe/Berlin","week":{"mon":[["08:00","12:30"],["13:30","17:00"]],
            "tue":[["08:00","12:30"],["13:30","17:00"]],"wed":[["08:00","12:30"],["13:30","17:00"]],
            "thu":[["08:00","12:30"],["13:30","17:00"]],"fri":[["08:00","12:30"],["13:30","17:00"]]}})");
        CHECK(due(berlin, "2026-03-27T15:00:00Z", "4 business hours") == "2026-03-30T09:00:00Z");
        CHECK(due(berlin, "2026-10-23T14:00:00Z", "3 business hours") == "2026-10-26T09:00:00Z");
        const auto kolkata =
            calendar(R"({"timezone":"Asia/Kolkata","week":{"mon":[["10:00","18:30"]],
            "tue":[["10:00","18:30"]],"wed":[["10:00","18:30"]],"thu":[["10:00","18:30"]],
            "fri":[["10:00","18:30"]],"sat":[["10:00","18:30"]]}})");
        CHECK(due(kolkata, "2026-11-20T12:30:00Z", "1 business day") == "2026-11-21T13:00:00Z");
        const auto lord_howe = calendar(R"({"timezone":"Australia/Lord_Howe","week":{
            "mon":[["01:00","03:00"],["09:00","17:00"]],"fri":[["01:00","03:00"],["09:00","17:00"]]}})");
        CHECK(due(lord_howe, "2026-04-03T05:00:00Z", "2 business hours") == "2026-04-05T15:30:00Z");
        const auto always =
            calendar(R"({"timezone":"America/New_York","week":{"mon":[["00:00","24:00"]],
            "tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],
            "fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}})");
        CHECK(due(always, "2026-03-08T06:30:00Z", "1 business hour") == "2026-03-08T07:30:00Z");
        CHECK(due(always, "2026-11-01T05:30:00Z", "2 business hours") == "2026-11-01T07:30:00Z");
        CHECK(working_seconds(always, at("2026-03-08T05:00:00Z"), at("2026-03-09T04:00:00Z")) ==
              23 * 3600);
    }
}

TEST_CASE("daylight-saving gaps never count time twice or make empty days count") {
    // 02:30-03:00 does not exist on 2026-03-08 in New York: that Sunday has no working time.
    const auto gap_day = calendar(
        R"({"timezone":"America/New_York","week":{"sun":[["02:30","03:00"]],"mon":[["09:00","17:00"]]}})");
    CHECK(due(gap_day, "2026-03-07T12:00:00Z", "1 business day") == "2026-03-09T21:00:00Z");
    CHECK(due(gap_day, "2026-03-07T12:00:00Z", "2 business days") == "2026-03-15T07:00:00Z");
    // 01:00-02:30 and 03:00-04:00 overlap in UTC on that day (06:00-07:30 and 07:00-08:00).
    const auto split = calendar(
        R"({"timezone":"America/New_York","week":{"sun":[["01:00","02:30"],["03:00","04:00"]]}})");
    CHECK(working_seconds(split, at("2026-03-08T06:00:00Z"), at("2026-03-08T08:00:00Z")) ==
          2 * 3600);
    CHECK(due(split, "2026-03-08T06:00:00Z", "2 business hours") == "2026-03-08T08:00:00Z");
    // Long counts are not cut short.
    const BusinessCalendar ny = calendar(kNewYork);
    CHECK(due(ny, "2026-01-05T14:00:00Z", "10000 business hours") == "2030-12-04T21:00:00Z");
    CHECK(TimeZone::named("Arctic/Longyearbyen"));
    CHECK(TimeZone::named("US/Eastern"));
}

TEST_CASE("bad calendars and durations say what is wrong") {
    auto error = [](const char* text) {
        auto parsed = calendar_from_json(json::parse(text));
        REQUIRE_FALSE(parsed);
        return parsed.error();
    };
    CHECK(error(R"({"timezone":"America/New_York","week":{"mon":[["17:00","09:00"]]}})") ==
          "calendar.week.mon[0]: opens at or after it closes ([\"17:00\",\"09:00\"])");
    CHECK(error(R"({"timezone":"America/New_York","week":{"monday":[]}})") ==
          "calendar.week.monday: unknown day (expected mon, tue, wed, thu, fri, sat or sun)");
    CHECK(error(R"({"timezone":"America/New_York","week":{"mon":[["09:00","25:00"]]}})") ==
          "calendar.week.mon[0]: expected times from 00:00 to 24:00, got [\"09:00\",\"25:00\"]");
    CHECK(error(R"({"timezone":"Europe/Atlantis","week":{}})") ==
          "calendar.timezone: unknown time zone \"Europe/Atlantis\" (expected an IANA name like "
          "Europe/Berlin)");
    CHECK(error(R"({"timezone":"UTC","week":{},"holidays":["25.12.2026"]})") ==
          "calendar.holidays[0]: expected a date as YYYY-MM-DD, got \"25.12.2026\"");
    CHECK(parse_duration("4 buisness hours").error() ==
          "expected a duration like \"4 business hours\", \"3 business days\" or \"30 minutes\", "
          "got \"4 buisness hours\"");
    const BusinessCalendar closed = calendar(R"({"timezone":"UTC","week":{}})");
    CHECK(due_at(closed, at("2026-01-01T00:00:00Z"), *parse_duration("1 business hour")).error() ==
          "the calendar has no working time to count 1 business hour");
    CHECK(due_at(closed, at("2026-01-01T00:00:00Z"), *parse_duration("999999999 days")).error() ==
          "the due time falls after the year 9999");
}

TEST_CASE("the queue's one-click call log is an ordinary, valid activity") {
    Engine engine(team_workspace());
    REQUIRE(
        engine.apply(CreateRecord{"deal", {{"name", "Fleet"}}}, "u-ana", at("2026-11-20T10:00:00Z"))
            .ok);
    const Record& deal = *engine.workspace().find("deal-1");
    const auto outcome =
        engine.apply(logged_call(engine.workspace(), deal, at("2026-11-20T11:00:00Z")), "u-ana",
                     at("2026-11-20T11:00:00Z"));
    REQUIRE(outcome.ok);
    const Record& call = *engine.workspace().find(outcome.record_id);
    CHECK(call.fields["kind"] == "Call");
    CHECK(call.fields["subject"] == "Call about Fleet");
    CHECK(call.fields["related"] == "deal-1");
    CHECK(call.owner == "u-ana");
}

} // namespace sla_test
