#include "store/storage.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace crm {

namespace fs = std::filesystem;

std::string system_error_text(int error_number) {
    switch (error_number) {
    case ENOSPC:
    case EDQUOT:
        return "the disk is full";
    case EACCES:
    case EPERM:
        return "permission denied";
    case EROFS:
        return "the disk is read-only";
    case EISDIR:
        return "it is a directory, not a file";
    case ENOENT:
        return "there is no such file";
    case EIO:
        return "the disk reported an input/output error";
    default:
        return std::strerror(error_number);
    }
}

namespace {

Error failed(const char* action, const std::string& path, int error_number = errno) {
    return Error{std::string("cannot ") + action + " " + path + ": " +
                 system_error_text(error_number)};
}

// Writes all of `bytes` at `offset`, however the kernel splits it.
bool write_all(int fd, std::string_view bytes, std::size_t offset = 0) {
    while (!bytes.empty()) {
        const ssize_t written =
            ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(written));
        offset += static_cast<std::size_t>(written);
    }
    return true;
}

class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor() {
        if (m_fd >= 0) ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }
    bool ok() const { return m_fd >= 0; }
    // Closing can report a failed write; say so instead of losing it.
    bool close() {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }

  private:
    int m_fd;
};

Error too_large(const std::string& file, std::size_t size, std::size_t limit) {
    return Error{file + ": the file is " + std::to_string(size / (1024 * 1024)) +
                 " MiB; the largest accepted is " + std::to_string(limit / (1024 * 1024)) + " MiB"};
}

Result<std::string> read_whole_file(const std::string& file,
                                    std::size_t limit = static_cast<std::size_t>(-1)) {
    FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) return failed("read", file);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return failed("read", file);
    if (S_ISDIR(info.st_mode)) return failed("read", file, EISDIR);
    std::string content;
    if (static_cast<std::size_t>(info.st_size) > limit)
        return too_large(file, static_cast<std::size_t>(info.st_size), limit);
    content.reserve(static_cast<std::size_t>(info.st_size));
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return failed("read", file);
        if (got == 0) break;
        content.append(buffer, static_cast<std::size_t>(got));
        if (content.size() > limit) return too_large(file, content.size(), limit); // a pipe
    }
    return content;
}

} // namespace

Result<std::string> read_input_file(const std::string& path, std::size_t limit) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return failed("read", path);
    if (S_ISDIR(info.st_mode)) return Error{path + " is a directory, not a file"};
    return read_whole_file(path, limit);
}

Status Storage::write_atomic(const std::string& name, std::string_view bytes) {
    const std::string temporary = name + ".tmp";
    if (auto status = write(temporary, bytes, Sync::Yes); !status) {
        remove(temporary);
        return status;
    }
    if (auto status = rename(temporary, name); !status) return status;
    return sync_directory();
}

DirectoryStorage::DirectoryStorage(std::string directory, Durability durability)
    : m_directory(std::move(directory)), m_durability(durability) {}

std::string DirectoryStorage::path(const std::string& name) const {
    return (fs::path(m_directory) / name).string();
}

Status DirectoryStorage::ensure_exists() const {
    std::error_code error;
    const bool created = fs::create_directories(m_directory, error);
    if (error)
        return Error{"cannot create " + m_directory + ": " + system_error_text(error.value())};
    if (created && m_durability == Durability::Synced) {
        // The new directory's own entry must survive a power cut too.
        fs::path made = fs::absolute(m_directory).lexically_normal();
        if (made.filename().empty()) made = made.parent_path(); // "dir/"
        const std::string parent = made.parent_path().string();
        FileDescriptor fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd.ok() || ::fsync(fd.get()) != 0) return failed("sync the directory", parent);
    }
    if (!fs::is_directory(m_directory, error))
        return Error{"cannot use " + m_directory +
                     " as a workspace: it is a file, not a directory"};
    return Status::success();
}

bool DirectoryStorage::exists(const std::string& name) const {
    struct stat info {};
    return ::stat(path(name).c_str(), &info) == 0;
}

Result<std::string> DirectoryStorage::read(const std::string& name) const {
    return read_whole_file(path(name));
}

Status DirectoryStorage::write(const std::string& name, std::string_view bytes, Sync sync) {
    // Overwrites in place and then cuts the file to length: ext4 flushes a
    // file truncated to zero when it is closed, which made rewriting
    // journal.head on every edit cost as much as the edit itself.
    const std::string file = path(name);
    FileDescriptor fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC | O_CREAT, 0644));
    if (!fd.ok() || !write_all(fd.get(), bytes) ||
        ::ftruncate(fd.get(), static_cast<off_t>(bytes.size())) != 0)
        return failed("write", file);
    if (auto status = finish_write(fd.get(), file, "write", sync); !status) return status;
    return fd.close() ? Status::success() : failed("write", file);
}

Status DirectoryStorage::write_at(const std::string& name, std::size_t offset,
                                  std::string_view bytes, Sync sync) {
    // Never creates the file: a journal segment without its header is damage.
    const std::string file = path(name);
    FileDescriptor fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.ok() || !write_all(fd.get(), bytes, offset)) return failed("write to", file);
    if (auto status = finish_write(fd.get(), file, "write to", sync); !status) return status;
    return fd.close() ? Status::success() : failed("write to", file);
}

Status DirectoryStorage::finish_write(int fd, const std::string& file, const char* action,
                                      Sync sync) const {
    if (sync == Sync::Yes && m_durability == Durability::Synced && ::fdatasync(fd) != 0)
        return failed(action, file);
    return Status::success();
}

Status DirectoryStorage::truncate(const std::string& name, std::size_t size) {
    if (::truncate(path(name).c_str(), static_cast<off_t>(size)) != 0)
        return failed("truncate", path(name));
    return Status::success();
}

Status DirectoryStorage::rename(const std::string& from, const std::string& to) {
    if (::rename(path(from).c_str(), path(to).c_str()) != 0) return failed("rename", path(from));
    return Status::success();
}

Status DirectoryStorage::remove(const std::string& name) {
    if (::unlink(path(name).c_str()) != 0 && errno != ENOENT) return failed("remove", path(name));
    return Status::success();
}

Status DirectoryStorage::sync_directory() {
    if (m_durability == Durability::Unsynced) return Status::success();
    FileDescriptor fd(::open(m_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.ok() || ::fsync(fd.get()) != 0) return failed("sync the directory", m_directory);
    return Status::success();
}

std::vector<std::string> DirectoryStorage::list() const {
    std::vector<std::string> names;
    DIR* directory = ::opendir(m_directory.c_str());
    if (!directory) return names;
    while (const dirent* entry = ::readdir(directory)) {
        const std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        struct stat info {};
        if (::stat(path(name).c_str(), &info) == 0 && S_ISREG(info.st_mode)) names.push_back(name);
    }
    ::closedir(directory);
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace crm
