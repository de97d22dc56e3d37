// A storage double for crash tests: files live in memory and behave like a
// disk under a power cut, as SQLite's crash-test file system does. Content
// written but not synced, and files created, renamed or removed since the
// directory was last synced, may be forgotten, whole or in part, by
// power_cut(). It can also fail like a full disk.
#pragma once

#include "store/storage.hpp"

#include <cstddef>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace crm::test {

class CrashStorage : public Storage {
  public:
    // Half the seeds fill journal segments ahead, as a disk does, and half
    // grow them, as IndexedDB does, so crash tests cover both.
    explicit CrashStorage(std::uint32_t seed) : m_random(seed), m_fills_ahead(seed % 2 == 1) {}

    // The power fails during the `count`-th changing operation from now: a
    // write in progress lands in part, and that operation and all later ones fail.
    void lose_power_after(std::size_t count) { m_countdown = count; }
    bool power_lost() const { return m_power_lost; }
    // Reboots: forgets what was not durable (a random part of it survives),
    // and the power is back.
    void power_cut();
    // Every write from now on fails as on a full disk, the first one after
    // writing half its bytes; until disk_freed().
    void fill_disk() { m_disk_full = true; }
    void disk_freed() { m_disk_full = false; }

    bool exists(const std::string& name) const override;
    Result<std::string> read(const std::string& name) const override;
    Status write(const std::string& name, std::string_view bytes, Sync sync) override;
    Status write_at(const std::string& name, std::size_t offset, std::string_view bytes,
                    Sync sync) override;
    Status truncate(const std::string& name, std::size_t size) override;
    Status rename(const std::string& from, const std::string& to) override;
    Status remove(const std::string& name) override;
    Status sync_directory() override;
    std::vector<std::string> list() const override;
    bool fills_segments_ahead() const override { return m_fills_ahead; }

  private:
    struct File {
        std::string durable;   // what survives any power cut
        std::string current;   // what the running program sees
        bool replaced = false; // written whole since it was last synced
    };
    struct DirectoryChange {
        enum Kind { Create, Rename, Remove } kind;
        std::string name, to;
        int file = 0;
    };
    // Counts a changing operation; false once the power is gone.
    bool powered();
    // Lands part of `bytes` at `offset` in what the file holds, then fails.
    Status fail_write(File& file, std::size_t offset, std::string_view bytes);
    std::size_t below(std::size_t n) { return n == 0 ? 0 : m_random() % (n + 1); }
    // How much of n bytes in flight reach the disk: all, none, or a torn part,
    // each as likely (the page cache often writes all of it before power fails).
    std::size_t some_of(std::size_t n) {
        const auto pick = m_random() % 3;
        return pick == 0 ? n : pick == 1 ? 0 : below(n);
    }
    static void change(std::map<std::string, int>& names, const DirectoryChange& change);
    // What a power cut leaves of a file written into (not replaced) since it was synced.
    std::string written_in_part(const File& file);

    std::mt19937 m_random;
    std::map<int, File> m_files;
    std::map<std::string, int> m_names;         // the directory as the program sees it
    std::map<std::string, int> m_durable_names; // the directory as it is on disk
    std::vector<DirectoryChange> m_unsynced;    // changes since the last directory sync
    int m_next_file = 1;
    std::size_t m_countdown = 0; // 0: the power stays on
    bool m_power_lost = false;
    bool m_disk_full = false;
    bool m_fills_ahead = false;
};

} // namespace crm::test
