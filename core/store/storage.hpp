// Storage: the few file operations the store needs, over one directory.
// Natively a plain directory; in the browser the same directory is an IDBFS
// mount, so the same code and the same files serve both.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace crm {

class Storage {
  public:
    virtual ~Storage() = default;
    virtual bool exists(const std::string& name) const = 0;
    virtual Result<std::string> read(const std::string& name) const = 0;
    // Replaces the file as a whole: written beside it, then renamed over it.
    virtual Status write_atomic(const std::string& name, std::string_view bytes) = 0;
    virtual Status append(const std::string& name, std::string_view bytes) = 0;
    // Cuts a file back to `size` bytes (undoing a partly written append).
    virtual Status truncate(const std::string& name, std::size_t size) = 0;
    virtual Status rename(const std::string& from, const std::string& to) = 0;
    virtual Status remove(const std::string& name) = 0;
    // File names in the directory, sorted.
    virtual std::vector<std::string> list() const = 0;
};

class DirectoryStorage : public Storage {
  public:
    explicit DirectoryStorage(std::string directory);
    const std::string& directory() const { return m_directory; }
    // Creates the directory (and parents) if needed.
    Status ensure_exists() const;

    bool exists(const std::string& name) const override;
    Result<std::string> read(const std::string& name) const override;
    Status write_atomic(const std::string& name, std::string_view bytes) override;
    Status append(const std::string& name, std::string_view bytes) override;
    Status truncate(const std::string& name, std::size_t size) override;
    Status rename(const std::string& from, const std::string& to) override;
    Status remove(const std::string& name) override;
    std::vector<std::string> list() const override;

  private:
    std::string path(const std::string& name) const;
    std::string m_directory;
};

} // namespace crm
