// Covers opening a snapshot (core/store/snapshot_body, core/io/msgpack_frames,
// core/io/record_frame): the input is a snapshot body, a run of
// length-prefixed MessagePack frames, as a damaged or crafted file on disk or
// in IndexedDB would hold it. Every frame that reads must be written back to
// the same value, and a record read straight from its frame must be the
// record the long way (a JSON tree, then read_record()) reads from it.
#include "io/msgpack_frames.hpp"
#include "io/record_checks.hpp"
#include "io/record_frame.hpp"
#include "io/workspace_json.hpp"
#include "store/snapshot_body.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void broken(const char* invariant) {
    std::fprintf(stderr, "invariant broken: %s\n", invariant);
    std::abort();
}

void check_rewritten(const nlohmann::json& frame) {
    std::string again;
    crm::append_frame(again, frame);
    std::size_t from = 0;
    auto reread = crm::read_frame(again, from);
    if (!reread || *reread != frame) broken("a frame read back as something else");
}

void check_read_straight(std::string_view frame, const crm::Workspace& settings) {
    const auto straight = crm::read_record_frame(frame, settings, crm::Instant{});
    if (!straight) return;
    auto value = crm::decode_frame(frame);
    if (!value) broken("a record was read straight from a frame that does not decode");
    auto long_way = crm::read_record(*value, settings, "$", crm::Instant{});
    if (!long_way) broken("a record was read straight from a frame the long way refuses");
    if (crm::record_to_json(*straight) != crm::record_to_json(*long_way))
        broken("a record read straight differs from the one read the long way");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    (void)crm::decode_snapshot_body(body);
    // As a snapshot this build's checks passed is read: less checked, never a crash.
    (void)crm::decode_snapshot_body(body, crm::RecordChecks::PassedBefore);
    std::optional<crm::Workspace> settings;
    std::size_t at = 0;
    while (at < body.size()) {
        const std::size_t started = at;
        auto frame = crm::read_frame(body, at);
        if (!frame) break;
        check_rewritten(*frame);
        if (!settings) {
            auto read = crm::workspace_from_json(*frame);
            if (!read) break;
            settings = std::move(*read);
            continue;
        }
        std::size_t again = started;
        check_read_straight(*crm::frame_bytes(body, again), *settings);
    }
    return 0;
}
