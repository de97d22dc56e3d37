// The native programs' allocator settings, read by jemalloc when it starts.
//
// An import or a replay of 100k records allocates hundreds of megabytes in
// small pieces. With glibc's malloc on 4 KiB pages, the first touch of each
// page (and again after memory is handed back) costs as much as the import's
// own work; with huge pages and freed memory kept for 30 s, a 100k-row import
// takes a third of the time (bench/import_bench, docs/dependencies.md).
extern "C" {
const char* malloc_conf =
    "thp:always,metadata_thp:always,dirty_decay_ms:30000,muzzy_decay_ms:30000";
}
