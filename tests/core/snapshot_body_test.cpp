#include "fixtures.hpp"
#include "io/msgpack_frames.hpp"
#include "io/workspace_json.hpp"
#include "store/snapshot_body.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

namespace snapshot_body_test {

using namespace crm;
using crm::test::team_workspace;
using nlohmann::json;

namespace {

Workspace demo() {
    std::ifstream in(CRM_DEMO_WORKSPACE);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    auto workspace = import_workspace(text);
    REQUIRE_MESSAGE(workspace.ok(), (workspace.ok() ? "" : workspace.error()));
    return std::move(*workspace);
}

// A body of hand-made frames: the settings of `workspace`, then `records`.
std::string body_of(const Workspace& workspace, const std::vector<json>& records) {
    // The settings frame of an encoded workspace, then the records as given.
    std::string body = encode_snapshot_body(workspace);
    const std::uint32_t length =
        static_cast<unsigned char>(body[0]) | static_cast<unsigned char>(body[1]) << 8 |
        static_cast<unsigned char>(body[2]) << 16 | static_cast<unsigned char>(body[3]) << 24;
    body.resize(4 + length);
    for (const auto& record : records) {
        std::string bytes;
        json::to_msgpack(record, bytes);
        const auto size = static_cast<std::uint32_t>(bytes.size());
        for (int i = 0; i < 4; ++i)
            body += static_cast<char>((size >> (8 * i)) & 0xff);
        body += bytes;
    }
    return body;
}

} // namespace

TEST_CASE("the binary snapshot holds everything the export holds") {
    const Workspace original = demo();
    REQUIRE(original.record_count() > 100);
    const std::string body = encode_snapshot_body(original);
    auto decoded = decode_snapshot_body(body);
    REQUIRE_MESSAGE(decoded.ok(), (decoded.ok() ? "" : decoded.error()));
    CHECK(decoded->record_count() == original.record_count());
    CHECK(export_workspace(*decoded) == export_workspace(original));
    // Smaller than the export a person downloads.
    CHECK(body.size() < export_workspace(original).size());

    // Each record frame, written without a tree, holds what the export writes for it.
    std::size_t at = 0;
    REQUIRE(read_frame(body, at).ok()); // the settings
    for (const Record* record : original.all_records()) {
        auto frame = read_frame(body, at);
        REQUIRE(frame.ok());
        CHECK_MESSAGE(*frame == record_to_json(*record), record->id);
    }
    CHECK(at == body.size());
}

TEST_CASE("a snapshot body that is wrong says where, and yields nothing") {
    const Workspace workspace = team_workspace();
    const json deal = {{"id", "deal-1"},
                       {"type", "deal"},
                       {"owner", "u-ana"},
                       {"fields", {{"name", "Boiler retrofit"}}},
                       {"created_at", "2026-11-02T09:00:00Z"},
                       {"updated_at", "2026-11-02T09:00:00Z"},
                       {"version", 1}};
    REQUIRE(decode_snapshot_body(body_of(workspace, {deal})).ok());

    SUBCASE("cut short inside a record") {
        std::string body = body_of(workspace, {deal, deal});
        body.resize(body.size() - 5);
        CHECK(decode_snapshot_body(body).error() == "record 2 is cut short");
    }
    SUBCASE("a record that is not MessagePack") {
        std::string body = body_of(workspace, {deal});
        body.append("\x02\x00\x00\x00\xc1\xc1", 6);
        CHECK(decode_snapshot_body(body).error() == "record 2 is not valid MessagePack");
    }
    SUBCASE("a record the workspace refuses") {
        json other = deal;
        other["id"] = "deal-2";
        other["fields"]["amount"] = "a lot";
        CHECK(decode_snapshot_body(body_of(workspace, {deal, other}))
                  .error()
                  .rfind("$.records[1].fields.amount: ", 0) == 0);
    }
    SUBCASE("a reference to a record that is not there") {
        json contact = {
            {"id", "contact-1"},
            {"type", "contact"},
            {"fields", {{"first_name", "Ana"}, {"last_name", "Reyes"}, {"company", "company-9"}}},
            {"created_at", "2026-11-02T09:00:00Z"},
            {"updated_at", "2026-11-02T09:00:00Z"}};
        CHECK(decode_snapshot_body(body_of(workspace, {deal, contact})).error() ==
              "$.records[1].fields.company: there is no record \"company-9\"");
    }
    SUBCASE("an empty body") {
        CHECK(decode_snapshot_body("").error() == "the workspace's settings is cut short");
    }
}

TEST_CASE("a frame written piece by piece reads back as the value it spells") {
    json object = json::object();
    for (int i = 0; i < 20; ++i) // more keys than MessagePack's smallest map holds
        object["key " + std::to_string(i)] = i;
    object[std::string(40, 'k')] = "a key longer than the smallest string holds";
    object[std::string(300, 'l')] = nullptr;
    std::string frames;
    const std::size_t started = start_frame(frames);
    append_map_header(frames, object.size());
    for (const auto& [key, value] : object.items()) {
        append_key(frames, key);
        json::to_msgpack(value, frames);
    }
    end_frame(frames, started);
    std::size_t at = 0;
    const auto read = read_frame(frames, at);
    REQUIRE(read.ok());
    CHECK(*read == object);
    CHECK(at == frames.size());
}

TEST_CASE("frames are counted from their lengths, a cut-short one left out") {
    std::string frames;
    for (int i = 0; i < 3; ++i)
        append_frame(frames, json{{"n", i}});
    CHECK(count_frames(frames) == 3);
    CHECK(count_frames(std::string_view(frames).substr(0, frames.size() - 1)) == 2);
    CHECK(count_frames("") == 0);
    CHECK(count_frames(std::string_view("\x05\x00", 2)) == 0); // a length cut short
}

namespace {

// `bytes` as one frame, read back.
Result<json> read_one(const std::string& bytes) {
    std::string frames;
    const std::size_t started = start_frame(frames);
    frames += bytes;
    end_frame(frames, started);
    std::size_t at = 0;
    return read_frame(frames, at);
}

std::string msgpack_of(const json& value) {
    std::string bytes;
    json::to_msgpack(value, bytes);
    return bytes;
}

} // namespace

TEST_CASE("a frame reads back every kind of JSON value, typed as nlohmann_json reads it") {
    const json value = {
        {"small", 7},
        {"byte", 200},
        {"wide", 70000},
        {"huge", 18000000000000000000ull},
        {"negative", -3},
        {"very negative", -9000000000ll},
        {"half", 0.5},
        {"third", 1.0 / 3},
        {"flags", {true, false, nullptr}},
        {"text", std::string(70000, 'x')}, // a 32-bit length
        {"names", json::array({"Ana", "Émile", ""})},
        {"nested", {{"deeper", {{"deepest", json::array({json::object()})}}}}},
        {"many", json::array()},
    };
    json many = json::array();
    for (int i = 0; i < 70000; ++i) // a 32-bit count
        many.push_back(i % 3);
    json copy = value;
    copy["many"] = many;
    const auto read = read_one(msgpack_of(copy));
    REQUIRE(read.ok());
    CHECK(*read == copy);
    CHECK(read->dump() == copy.dump());
    // The same number types as from_msgpack: a rule comparing them sees no difference.
    const json expected = json::from_msgpack(msgpack_of(copy));
    for (auto item = expected.begin(); item != expected.end(); ++item)
        CHECK_MESSAGE((*read)[item.key()].type() == item->type(), item.key());
    // A map whose keys come out of order reads back whole, the last of a key given twice kept.
    const std::string unordered = "\x83\xa1z\x01\xa1"
                                  "a\x02\xa1z\x03";
    CHECK(*read_one(unordered) == json{{"a", 2}, {"z", 3}});
}

TEST_CASE("a frame that is not a JSON value in MessagePack is refused") {
    const std::string not_valid = "is not valid MessagePack";
    CHECK(read_one("").error() == not_valid);
    CHECK(read_one("\xc1").error() == not_valid);                 // never used
    CHECK(read_one("\xc4\x01x").error() == not_valid);            // binary
    CHECK(read_one("\xd4\x01x").error() == not_valid);            // an extension
    CHECK(read_one("\x81\x01\x02").error() == not_valid);         // a key that is not text
    CHECK(*read_one("\xa5short") == "short");                     // five bytes of text are there
    CHECK(read_one("\xa6short").error() == not_valid);            // six are not
    CHECK(read_one("\xdd\xff\xff\xff\xff").error() == not_valid); // more items than bytes
    CHECK(read_one("\xcd\x01").error() == not_valid);             // a number cut short
    CHECK(read_one("\x01\x02").error() == not_valid);             // something after the value
    // Nesting deeper than any document the product reads is refused, not recursed into.
    CHECK(read_one(std::string(300, '\x91') + '\x01').error() == not_valid);
    CHECK(read_one(std::string(200, '\x91') + '\x01').ok());
    // Arrays nested in one another, each claiming nearly all the bytes of a
    // 1 MiB frame: refused without reserving room for every claim (4 GiB
    // together, past what the browser may hold).
    const std::size_t payload = std::size_t{1} << 20;
    std::string claims;
    for (std::size_t level = 0; level < 255; ++level) {
        const auto count = static_cast<std::uint32_t>(payload - 5 * (level + 1));
        claims += '\xdd';
        for (int shift = 24; shift >= 0; shift -= 8)
            claims += static_cast<char>((count >> shift) & 0xff);
    }
    claims.resize(payload, '\xc0');
    CHECK(read_one(claims).error() == not_valid);
}

} // namespace snapshot_body_test
