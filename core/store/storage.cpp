#include "store/storage.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace crm {

namespace fs = std::filesystem;

DirectoryStorage::DirectoryStorage(std::string directory) : m_directory(std::move(directory)) {}

std::string DirectoryStorage::path(const std::string& name) const {
    return (fs::path(m_directory) / name).string();
}

Status DirectoryStorage::ensure_exists() const {
    std::error_code error;
    fs::create_directories(m_directory, error);
    if (error) return Error{"cannot create " + m_directory + ": " + error.message()};
    return Status::success();
}

bool DirectoryStorage::exists(const std::string& name) const {
    std::error_code error;
    return fs::exists(path(name), error);
}

Result<std::string> DirectoryStorage::read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    if (!in) return Error{"cannot read " + path(name)};
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return Error{"cannot read " + path(name)};
    return buffer.str();
}

Status DirectoryStorage::write_atomic(const std::string& name, std::string_view bytes) {
    const std::string target = path(name), temporary = target + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            return Error{"cannot write " + target + " (is the disk full?)"};
        }
    }
    std::error_code error;
    fs::rename(temporary, target, error);
    if (error) return Error{"cannot replace " + target + ": " + error.message()};
    return Status::success();
}

Status DirectoryStorage::append(const std::string& name, std::string_view bytes) {
    std::ofstream out(path(name), std::ios::binary | std::ios::app);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return Error{"cannot append to " + path(name) + " (is the disk full?)"};
    return Status::success();
}

Status DirectoryStorage::truncate(const std::string& name, std::size_t size) {
    std::error_code error;
    fs::resize_file(path(name), size, error);
    if (error) return Error{"cannot truncate " + path(name) + ": " + error.message()};
    return Status::success();
}

Status DirectoryStorage::rename(const std::string& from, const std::string& to) {
    std::error_code error;
    fs::rename(path(from), path(to), error);
    if (error) return Error{"cannot rename " + path(from) + ": " + error.message()};
    return Status::success();
}

Status DirectoryStorage::remove(const std::string& name) {
    std::error_code error;
    fs::remove(path(name), error);
    if (error) return Error{"cannot remove " + path(name) + ": " + error.message()};
    return Status::success();
}

std::vector<std::string> DirectoryStorage::list() const {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(m_directory, error))
        if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace crm
