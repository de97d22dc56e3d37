#include "workspace_lock.hpp"

#include "store/storage.hpp"
#include "util/time.hpp"

#include <cerrno>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace crm::cli {

namespace {

std::string read_holder(int fd) {
    char buffer[256];
    const ssize_t got = ::pread(fd, buffer, sizeof buffer - 1, 0);
    std::string holder(buffer, got > 0 ? static_cast<std::size_t>(got) : 0);
    if (const auto newline = holder.find('\n'); newline != std::string::npos)
        holder.resize(newline);
    return holder;
}

std::string seconds_text(std::chrono::milliseconds wait) {
    const auto ms = wait.count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

std::string busy_message(const std::string& directory, int fd, std::chrono::milliseconds wait) {
    const std::string holder = read_holder(fd);
    return directory + " is busy: " +
           (holder.empty() ? std::string("another crm command is reading it")
                           : holder + " is changing it") +
           "; gave up after " + seconds_text(wait) + " (--wait SECONDS waits longer)";
}

void write_holder(int fd, const std::string& holder) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    const std::string line = holder + " (pid " + std::to_string(::getpid()) + ", since " +
                             format_instant(Instant{now.count()}) + ")\n";
    if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, line.data(), line.size(), 0) < 0) {
        // Only a courtesy for a process that waits; the lock holds without it.
    }
}

} // namespace

Result<WorkspaceLock> WorkspaceLock::acquire(const std::string& directory, Mode mode,
                                             std::chrono::milliseconds wait,
                                             const std::string& holder) {
    const bool exclusive = mode == Mode::Exclusive;
    const std::string path = directory + "/" + kLockFile;
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    // A reader without write access still shares the lock (flock works on a
    // read-only descriptor); on read-only media with no lock file, no one writes.
    if (fd < 0 && !exclusive) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (!exclusive) return WorkspaceLock();
        return Error{"cannot lock " + path + ": " + system_error_text(errno)};
    }
    WorkspaceLock lock(fd, exclusive);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            return Error{"cannot lock " + path + ": " + system_error_text(errno)};
        if (std::chrono::steady_clock::now() >= deadline)
            return Error{busy_message(directory, fd, wait)};
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (exclusive) write_holder(fd, holder);
    return lock;
}

WorkspaceLock::WorkspaceLock(WorkspaceLock&& other) noexcept
    : m_fd(other.m_fd), m_exclusive(other.m_exclusive) {
    other.m_fd = -1;
}

WorkspaceLock& WorkspaceLock::operator=(WorkspaceLock&& other) noexcept {
    if (this != &other) {
        release();
        m_fd = other.m_fd;
        m_exclusive = other.m_exclusive;
        other.m_fd = -1;
    }
    return *this;
}

WorkspaceLock::~WorkspaceLock() {
    release();
}

void WorkspaceLock::release() {
    if (m_fd < 0) return;
    if (m_exclusive && ::ftruncate(m_fd, 0) != 0) {
        // A stale holder line only shows in a busy message; the lock is what counts.
    }
    ::close(m_fd); // closing releases the flock
    m_fd = -1;
}

} // namespace crm::cli
