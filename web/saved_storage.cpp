#include "saved_storage.hpp"

#include "platform.hpp"

namespace crm::web {

void SavedStorage::noted(const std::string& name) const {
    note_file_changed(directory() + "/" + name);
}

Status SavedStorage::write(const std::string& name, std::string_view bytes, Sync sync) {
    Status status = DirectoryStorage::write(name, bytes, sync);
    noted(name);
    return status;
}

Status SavedStorage::write_at(const std::string& name, std::size_t offset, std::string_view bytes,
                              Sync sync) {
    Status status = DirectoryStorage::write_at(name, offset, bytes, sync);
    noted(name);
    return status;
}

Status SavedStorage::truncate(const std::string& name, std::size_t size) {
    Status status = DirectoryStorage::truncate(name, size);
    noted(name);
    return status;
}

Status SavedStorage::rename(const std::string& from, const std::string& to) {
    Status status = DirectoryStorage::rename(from, to);
    noted(from);
    noted(to);
    return status;
}

Status SavedStorage::remove(const std::string& name) {
    Status status = DirectoryStorage::remove(name);
    noted(name);
    return status;
}

} // namespace crm::web
