// One writer per workspace directory for `crm` processes on this machine:
// writers hold an exclusive lock on DIR/workspace.lock from before they read
// the workspace until they are done; readers hold a shared one, so they never
// see a half-finished compaction or import. (The browser elects its one
// writing tab with navigator.locks instead; see web/platform.js.)
#pragma once

#include "util/result.hpp"

#include <chrono>
#include <string>

namespace crm::cli {

inline constexpr const char* kLockFile = "workspace.lock";

class WorkspaceLock {
  public:
    enum class Mode { Shared, Exclusive };

    // Waits up to `wait` for the lock. A writer leaves `holder` (e.g. "crm set")
    // in the lock file, so one that gives up can say who is busy with it.
    static Result<WorkspaceLock> acquire(const std::string& directory, Mode mode,
                                         std::chrono::milliseconds wait, const std::string& holder);
    // No lock: a directory that cannot hold one (read-only media) is only read.
    WorkspaceLock() = default;
    WorkspaceLock(WorkspaceLock&& other) noexcept;
    WorkspaceLock& operator=(WorkspaceLock&& other) noexcept;
    WorkspaceLock(const WorkspaceLock&) = delete;
    WorkspaceLock& operator=(const WorkspaceLock&) = delete;
    ~WorkspaceLock();

  private:
    explicit WorkspaceLock(int fd, bool exclusive) : m_fd(fd), m_exclusive(exclusive) {}
    void release();
    int m_fd = -1;
    bool m_exclusive = false;
};

} // namespace crm::cli
