// The workspace's directory in the browser: an IDBFS mount whose every
// change is noted, so a save stores the files that changed and nothing else
// (platform.js saveChanged) instead of IDBFS comparing every file on both
// sides, which grows with the history kept.
#pragma once

#include "store/storage.hpp"

namespace crm::web {

class SavedStorage : public DirectoryStorage {
  public:
    using DirectoryStorage::DirectoryStorage;

    Status write(const std::string& name, std::string_view bytes, Sync sync) override;
    Status write_at(const std::string& name, std::size_t offset, std::string_view bytes,
                    Sync sync) override;
    Status truncate(const std::string& name, std::size_t size) override;
    Status rename(const std::string& from, const std::string& to) override;
    Status remove(const std::string& name) override;
    // A save stores each changed file whole: a segment filled ahead would
    // be stored at its full size on every edit.
    bool fills_segments_ahead() const override { return false; }

  private:
    // Noted whether or not the call succeeded: a failed write may still
    // have changed the file.
    void noted(const std::string& name) const;
};

} // namespace crm::web
