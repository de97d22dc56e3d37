// Covers opening a snapshot (core/store/snapshot_body, core/io/msgpack_frames):
// the input is a snapshot body, a run of length-prefixed MessagePack frames,
// as a damaged or crafted file on disk or in IndexedDB would hold it. Every
// frame that reads must be written back to the same value.
#include "io/msgpack_frames.hpp"
#include "store/snapshot_body.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    (void)crm::decode_snapshot_body(body);
    std::size_t at = 0;
    while (at < body.size()) {
        auto frame = crm::read_frame(body, at);
        if (!frame) break;
        std::string again;
        crm::append_frame(again, *frame);
        std::size_t from = 0;
        auto reread = crm::read_frame(again, from);
        if (!reread || *reread != *frame) {
            std::fprintf(stderr, "invariant broken: a frame read back as something else\n");
            std::abort();
        }
    }
    return 0;
}
