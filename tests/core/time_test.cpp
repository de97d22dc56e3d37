#include "util/crc32.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

namespace time_test {

using namespace crm;

TEST_CASE("instants parse and format as UTC") {
    SUBCASE("Z and offsets name the same instant") {
        CHECK(parse_instant("2026-03-02T09:30:00Z") == parse_instant("2026-03-02T10:30:00+01:00"));
        CHECK(parse_instant("2026-03-02T09:30:00Z") == parse_instant("2026-03-02T04:00:00-05:30"));
    }
    SUBCASE("formatting is always YYYY-MM-DDTHH:MM:SSZ") {
        CHECK(format_instant(*parse_instant("2026-03-02T10:30+01:00")) == "2026-03-02T09:30:00Z");
        CHECK(format_instant(*parse_instant("1969-12-31T23:59:59Z")) == "1969-12-31T23:59:59Z");
        CHECK(format_instant(*parse_instant("2026-03-02")) == "2026-03-02T00:00:00Z");
    }
    SUBCASE("impossible or incomplete times are rejected") {
        CHECK_FALSE(parse_instant("2026-02-30T10:00:00Z"));
        CHECK_FALSE(parse_instant("2026-03-02T24:00:00Z"));
        CHECK_FALSE(parse_instant("2026-03-02T10:00:00")); // no offset: ambiguous
        CHECK_FALSE(parse_instant("yesterday"));
    }
}

TEST_CASE("dates check the calendar") {
    CHECK(parse_date("2024-02-29"));
    CHECK_FALSE(parse_date("2026-02-29"));
    CHECK_FALSE(parse_date("2026-13-01"));
    CHECK(format_date(civil_from_days(days_from_civil({2026, 12, 31}) + 1)) == "2027-01-01");
}

TEST_CASE("crc32 matches the IEEE check value") {
    CHECK(crc32("123456789") == 0xCBF43926u);
    CHECK(crc32("") == 0u);
    CHECK(crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
}

TEST_CASE("crc32 continues across pieces of any length") {
    const std::string text = "The quick brown fox jumps over the lazy dog";
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        const std::string_view view(text);
        CHECK(crc32_extend(crc32(view.substr(0, cut)), view.substr(cut)) == 0x414FA339u);
    }
}

} // namespace time_test
