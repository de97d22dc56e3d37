// Storage: the few file operations the store needs, over one directory.
// Natively a plain directory; in the browser the same directory is an IDBFS
// mount, so the same code and the same files serve both.
//
// Writes are durable only once synced: a power cut may forget any write that
// was not, and any creation, rename or removal of a file until the directory
// is synced. The store syncs before it acknowledges (tests use a double that
// forgets exactly that much).
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace crm {

enum class Sync { No, Yes };

class Storage {
  public:
    virtual ~Storage() = default;
    virtual bool exists(const std::string& name) const = 0;
    virtual Result<std::string> read(const std::string& name) const = 0;
    // Creates the file or replaces its content.
    virtual Status write(const std::string& name, std::string_view bytes, Sync sync) = 0;
    // Writes `bytes` at `offset` in an existing file (never creates one),
    // over what is there and on past its end.
    virtual Status write_at(const std::string& name, std::size_t offset, std::string_view bytes,
                            Sync sync) = 0;
    // Cuts a file back to `size` bytes (undoing a partly written entry).
    virtual Status truncate(const std::string& name, std::size_t size) = 0;
    virtual Status rename(const std::string& from, const std::string& to) = 0;
    virtual Status remove(const std::string& name) = 0;
    // Makes the creations, renames and removals so far durable.
    virtual Status sync_directory() = 0;
    // File names in the directory, sorted.
    virtual std::vector<std::string> list() const = 0;
    // Whether a journal segment is best written zero-filled to its full size
    // when it starts: each entry then overwrites bytes already on disk, so
    // its sync need not also commit a new file size (on ext4 0.12 ms instead
    // of 0.17). Not where every change stores the whole file (IndexedDB).
    virtual bool fills_segments_ahead() const { return false; }

    // Replaces a file as a whole, durably, the way SQLite and LevelDB do:
    // written and synced beside it, renamed over it, the directory synced.
    // A crash leaves the old file or the new one, never a mix.
    Status write_atomic(const std::string& name, std::string_view bytes);
};

// Whether DirectoryStorage syncs (fsync). Only benchmarks turn it off, to
// print what durability costs.
enum class Durability { Synced, Unsynced };

class DirectoryStorage : public Storage {
  public:
    explicit DirectoryStorage(std::string directory, Durability durability = Durability::Synced);
    const std::string& directory() const { return m_directory; }
    // Creates the directory (and parents) if needed.
    Status ensure_exists() const;

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
    bool fills_segments_ahead() const override { return true; }

  private:
    std::string path(const std::string& name) const;
    Status finish_write(int fd, const std::string& file, const char* action, Sync sync) const;
    std::string m_directory;
    Durability m_durability;
};

// The reason an operating-system call failed, in words: "the disk is full".
std::string system_error_text(int error_number);

// Reads a whole file a person named (an import, a process file, a calendar),
// refusing directories and files over `limit` bytes with a message that says so.
Result<std::string> read_input_file(const std::string& path, std::size_t limit);

} // namespace crm
