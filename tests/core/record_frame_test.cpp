// Reading a record straight from its snapshot frame must give the record the
// long way (a JSON tree, then read_record()) gives, and refuse what it refuses.
#include "fixtures.hpp"
#include "io/msgpack_frames.hpp"
#include "io/record_checks.hpp"
#include "io/record_frame.hpp"
#include "io/workspace_json.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

namespace record_frame_test {

using namespace crm;
using nlohmann::json;

namespace {

constexpr const char* kNotRead = "not read straight";

std::string frame_of(const json& record) {
    std::string bytes;
    json::to_msgpack(record, bytes);
    return bytes;
}

// What each way makes of a frame: the record as the export writes it, or why not.
std::string long_way(const std::string& frame, const Workspace& ws) {
    auto value = decode_frame(frame);
    REQUIRE(value.ok());
    auto read = read_record(*value, ws, "$.records[0]", Instant{});
    return read.ok() ? record_to_json(*read).dump() : "refused: " + read.error();
}

std::string straight(const std::string& frame, const Workspace& ws) {
    auto read = read_record_frame(frame, ws, Instant{});
    return read ? record_to_json(*read).dump() : kNotRead;
}

// The demo read the long way, from one JSON tree of the whole file.
Workspace demo() {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    auto demo = workspace_from_json(json::parse(text));
    REQUIRE_MESSAGE(demo.ok(), (demo.ok() ? "" : demo.error()));
    return std::move(*demo);
}

json usual_deal() {
    return {{"id", "deal-7"},
            {"type", "deal"},
            {"owner", "u-ana"},
            {"fields",
             {{"name", "  Boiler retrofit "}, {"amount", {{"amount", 1200}, {"currency", "EUR"}}}}},
            {"created_at", "2026-11-02T09:00:00Z"},
            {"created_by", "u-ana"},
            {"updated_at", "2026-11-03T09:00:00Z"},
            {"version", 3},
            {"flows",
             {{"sales_pipeline",
               {{"stage", "qualified"},
                {"status", "active"},
                {"started_at", "2026-11-02T09:00:00Z"},
                {"entered_at", "2026-11-03T09:00:00+02:00"},
                {"history",
                 {{{"stage", "lead"}, {"at", "2026-11-02T09:00:00Z"}, {"by", "u-ana"}},
                  {{"stage", "qualified"},
                   {"at", "2026-11-03T07:00:00Z"},
                   {"by", "u-ben"},
                   {"warnings", {"moved although not met: Budget known"}},
                   {"mapped_from", "discovery"},
                   {"joined", false}}}}}}}}};
}

} // namespace

TEST_CASE("every record of the demo is read straight from its frame, as the long way reads it") {
    const Workspace whole = demo();
    REQUIRE(whole.record_count() > 100);
    // Its people, schema and processes: the records' references are checked
    // once all are read, by WorkspaceReader::finish().
    auto settings = workspace_from_json(workspace_settings_to_json(whole));
    REQUIRE(settings.ok());
    for (const Record* record : whole.all_records()) {
        const json written = record_to_json(*record);
        CHECK_MESSAGE(straight(frame_of(written), *settings) == written.dump(), record->id);
    }
}

TEST_CASE("a record read straight from its frame is the record the long way reads") {
    const Workspace ws = crm::test::team_with_pipeline();
    json record = usual_deal();
    const std::string expected = long_way(frame_of(record), ws);
    REQUIRE_MESSAGE(expected.rfind("refused", 0) == std::string::npos, expected);
    // Text trimmed, times given with an offset kept as UTC, history whole.
    CHECK(straight(frame_of(record), ws) == expected);
    CHECK(expected.find("\"Boiler retrofit\"") != std::string::npos);
    CHECK(expected.find("2026-11-03T07:00:00Z") != std::string::npos);

    SUBCASE("with the engine's state on it, and a move a gate stopped") {
        record["sla_alerts"] = {{"first_response", "2026-11-04T09:00:00Z"}};
        record["sla_escalations"] = {{"first_response", {"u-maria"}}};
        record["sla_pauses"] = {
            {"first_response",
             {{{"from", "2026-11-03T10:00:00Z"}, {"to", "2026-11-03T12:00:00Z"}}}}};
        record["automation_failures"] = {
            {"start:onboarding", {{"reason", "no owner"}, {"at", "2026-11-03T09:00:00Z"}}}};
        record["rule_occasions"] = {{"renewal", {"renewal_date=2027-06-30:-120"}}};
        record["data_problems"] = {{{"note", "the phone is the switchboard"},
                                    {"by", "u-ben"},
                                    {"at", "2026-11-03T09:00:00Z"}}};
        record["flows"]["sales_pipeline"]["blocked"] = {
            {"to", "meeting_scheduled"},    {"missing", {"amount"}}, {"failing", json::array()},
            {"at", "2026-11-03T09:00:00Z"}, {"by", "u-ana"},         {"attempts", 2}};
        const std::string read = straight(frame_of(record), ws);
        CHECK(read != kNotRead);
        CHECK(read == long_way(frame_of(record), ws));
    }
    SUBCASE("with an ended flow and nothing but the id and type set") {
        record = {{"id", "deal-8"},
                  {"type", "deal"},
                  {"fields", {{"name", "Old one"}}},
                  {"flows",
                   {{"gone_process",
                     {{"stage", "x"},
                      {"status", "exited"},
                      {"outcome", "no_reply"},
                      {"reason", "went quiet"},
                      {"ended_at", "2026-01-02T09:00:00Z"}}}}}};
        const std::string read = straight(frame_of(record), ws);
        CHECK(read != kNotRead);
        CHECK(read == long_way(frame_of(record), ws));
    }
    SUBCASE("with null where text may be left out, read the long way") {
        record["flows"]["sales_pipeline"]["reason"] = nullptr;
        record["flows"]["sales_pipeline"]["history"][0]["reason"] = nullptr;
        CHECK(straight(frame_of(record), ws) == long_way(frame_of(record), ws));
    }
}

TEST_CASE("a record written to its frame holds what the export writes for it") {
    const Workspace ws = crm::test::team_with_pipeline();
    json written = usual_deal();
    written["sla_alerts"] = {{"first_response", "2026-11-04T09:00:00Z"}};
    written["sla_pauses"] = {{"first_response", {{{"from", "2026-11-03T10:00:00Z"}}}}};
    written["rule_occasions"] = {{"renewal", {"renewal_date=2027-06-30:-120"}}};
    written["flows"]["sales_pipeline"]["blocked"] = {
        {"to", "meeting_scheduled"},    {"missing", {"amount"}}, {"failing", {"Budget known"}},
        {"at", "2026-11-03T09:00:00Z"}, {"by", "u-ana"},         {"attempts", 2}};
    written["flows"]["old_process"] = {{"stage", "x"},
                                       {"status", "exited"},
                                       {"outcome", "no_reply"},
                                       {"reason", "went quiet"},
                                       {"started_at", "2026-01-01T09:00:00Z"},
                                       {"entered_at", "2026-01-01T09:00:00Z"},
                                       {"ended_at", "2026-01-02T09:00:00Z"},
                                       {"history",
                                        {{{"stage", "no_reply"},
                                          {"at", "2026-01-02T09:00:00Z"},
                                          {"by", "u-ben"},
                                          {"reason", "went quiet"},
                                          {"joined", true}}}}};
    written["owner"] = "";
    // Counts typed as JSON text and MessagePack give them (unsigned).
    auto value = decode_frame(frame_of(written));
    REQUIRE(value.ok());
    auto record = read_record(*value, ws, "$", Instant{});
    REQUIRE_MESSAGE(record.ok(), (record.ok() ? "" : record.error()));
    std::string frames;
    append_record_frame(frames, *record);
    std::size_t at = 0;
    const auto frame = frame_bytes(frames, at);
    REQUIRE(frame.ok());
    CHECK(at == frames.size());
    const auto decoded = decode_frame(*frame);
    REQUIRE(decoded.ok());
    CHECK(*decoded == record_to_json(*record));
    CHECK(straight(std::string(*frame), ws) == record_to_json(*record).dump());
}

TEST_CASE("a count that claims more entries than a frame holds reserves nothing for them") {
    const Workspace ws = crm::test::team_with_pipeline();
    // A history claiming four million entries, followed by a text of four
    // million bytes, which passes the count's check against the bytes left.
    // Reserved at its claim it would take 168 bytes an entry, 672 MB.
    const std::uint32_t claimed = 4'000'000;
    const auto big_endian = [](std::uint32_t value) {
        std::string bytes;
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes += static_cast<char>((value >> shift) & 0xff);
        return bytes;
    };
    for (const bool in_warnings : {false, true}) {
        std::string frame = frame_of(json{{"id", "deal-1"}, {"type", "deal"}});
        frame[0] = static_cast<char>(0x83); // one more entry: the flows
        frame +=
            frame_of("flows") + '\x81' + frame_of("sales_pipeline") + '\x81' + frame_of("history");
        if (in_warnings) // one entry, whose warnings make the claim
            frame += std::string("\x91\x81") + frame_of("warnings");
        frame +=
            '\xdd' + big_endian(claimed) + '\xdb' + big_endian(claimed) + std::string(claimed, 'x');
        CHECK(straight(frame, ws) == kNotRead);
        CHECK(decode_frame(frame).error() == "is not valid MessagePack");
    }
}

TEST_CASE("what the long way refuses is not read straight from a frame either") {
    const Workspace ws = crm::test::team_with_pipeline();
    const std::vector<std::pair<std::string, std::function<void(json&)>>> damages = {
        {"an unknown key", [](json& r) { r["colour"] = "red"; }},
        {"no id", [](json& r) { r.erase("id"); }},
        {"an empty id", [](json& r) { r["id"] = ""; }},
        {"an id of another type", [](json& r) { r["id"] = "company-7"; }},
        {"an unknown type", [](json& r) { r["type"] = "boat"; }},
        {"an unknown owner", [](json& r) { r["owner"] = "u-nobody"; }},
        {"an owner that is a number", [](json& r) { r["owner"] = 7; }},
        {"version 0", [](json& r) { r["version"] = 0; }},
        {"a negative version", [](json& r) { r["version"] = -1; }},
        {"a time that is no time", [](json& r) { r["updated_at"] = "yesterday"; }},
        {"fields that are a list", [](json& r) { r["fields"] = json::array(); }},
        {"an unknown field", [](json& r) { r["fields"]["colour"] = "red"; }},
        {"money as text", [](json& r) { r["fields"]["amount"] = "a lot"; }},
        {"no name, which is required", [](json& r) { r["fields"].erase("name"); }},
        {"a stage the pipeline has not",
         [](json& r) { r["flows"]["sales_pipeline"]["stage"] = "paused"; }},
        {"a status that is none",
         [](json& r) { r["flows"]["sales_pipeline"]["status"] = "sleeping"; }},
        {"an ended flow without its outcome",
         [](json& r) { r["flows"]["sales_pipeline"]["status"] = "ended"; }},
        {"a flow that is not there",
         [](json& r) { r["flows"]["boat_race"] = r["flows"]["sales_pipeline"]; }},
        {"a history entry without who",
         [](json& r) { r["flows"]["sales_pipeline"]["history"][0].erase("by"); }},
        {"a history entry with an unknown key",
         [](json& r) { r["flows"]["sales_pipeline"]["history"][0]["mood"] = "fine"; }},
        {"joined as text",
         [](json& r) { r["flows"]["sales_pipeline"]["history"][1]["joined"] = "yes"; }},
        {"a blank data problem",
         [](json& r) {
             r["data_problems"] = {
                 {{"note", " "}, {"by", "u-ana"}, {"at", "2026-11-03T09:00:00Z"}}};
         }},
        {"an alert without its time",
         [](json& r) {
             r["sla_alerts"] = {{"first_response", 7}};
         }},
    };
    for (const auto& damage : damages) {
        const std::string& what = damage.first;
        json record = usual_deal();
        damage.second(record);
        CHECK_MESSAGE(long_way(frame_of(record), ws).rfind("refused: ", 0) == 0, what);
        CHECK_MESSAGE(straight(frame_of(record), ws) == kNotRead, what);
    }
    // Bytes after the record, and a key given twice, are left to the long way.
    CHECK(straight(frame_of(usual_deal()) + '\x01', ws) == kNotRead);
    std::string twice = frame_of(usual_deal());
    REQUIRE(static_cast<unsigned char>(twice[0]) == 0x89); // a map of nine entries
    twice[0] = static_cast<char>(0x8a);
    twice += frame_of("id") + frame_of("deal-9");
    CHECK(straight(twice, ws) == kNotRead);
}

} // namespace record_frame_test
