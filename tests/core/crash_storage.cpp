#include "crash_storage.hpp"

#include <algorithm>

namespace crm::test {

namespace {

Error power_gone() {
    return Error{"the power failed"};
}

} // namespace

bool CrashStorage::powered() {
    if (m_power_lost) return false;
    if (m_countdown > 0 && --m_countdown == 0) m_power_lost = true;
    return !m_power_lost;
}

bool CrashStorage::exists(const std::string& name) const {
    return m_names.count(name) > 0;
}

Result<std::string> CrashStorage::read(const std::string& name) const {
    const auto it = m_names.find(name);
    if (it == m_names.end()) return Error{"cannot read " + name + ": there is no such file"};
    return m_files.at(it->second).current;
}

namespace {

// `bytes` written over `content` from `offset`, on past its end.
void overwrite(std::string& content, std::size_t offset, std::string_view bytes) {
    if (content.size() < offset + bytes.size()) content.resize(offset + bytes.size());
    content.replace(offset, bytes.size(), bytes);
}

} // namespace

// A write the power or the disk cut short: part of it lands, then it fails.
Status CrashStorage::fail_write(File& file, std::size_t offset, std::string_view bytes) {
    overwrite(file.current, offset,
              bytes.substr(0, m_disk_full ? bytes.size() / 2 : some_of(bytes.size())));
    if (m_disk_full) return Error{"cannot write: the disk is full"};
    return power_gone();
}

Status CrashStorage::write(const std::string& name, std::string_view bytes, Sync sync) {
    const bool on = powered();
    auto it = m_names.find(name);
    if (it == m_names.end()) {
        if (!on) return power_gone();
        const int id = m_next_file++;
        m_files[id];
        it = m_names.emplace(name, id).first;
        m_unsynced.push_back({DirectoryChange::Create, name, "", id});
    }
    File& file = m_files[it->second];
    file.replaced = true;
    if (!on || m_disk_full) {
        file.current.clear();
        return fail_write(file, 0, bytes);
    }
    file.current.assign(bytes);
    if (sync == Sync::Yes) {
        file.durable = file.current;
        file.replaced = false;
    }
    return Status::success();
}

Status CrashStorage::write_at(const std::string& name, std::size_t offset, std::string_view bytes,
                              Sync sync) {
    const bool on = powered();
    const auto it = m_names.find(name);
    if (it == m_names.end()) return Error{"cannot write to " + name + ": there is no such file"};
    File& file = m_files[it->second];
    if (!on || m_disk_full) return fail_write(file, offset, bytes);
    overwrite(file.current, offset, bytes);
    if (sync == Sync::Yes) { // a sync flushes the whole file, not only these bytes
        file.durable = file.current;
        file.replaced = false;
    }
    return Status::success();
}

Status CrashStorage::truncate(const std::string& name, std::size_t size) {
    if (!powered()) return power_gone();
    const auto it = m_names.find(name);
    if (it == m_names.end()) return Error{"cannot truncate " + name + ": there is no such file"};
    std::string& content = m_files[it->second].current;
    content.resize(std::min(size, content.size()));
    return Status::success();
}

void CrashStorage::change(std::map<std::string, int>& names, const DirectoryChange& change) {
    if (change.kind == DirectoryChange::Create) {
        names[change.name] = change.file;
    } else if (change.kind == DirectoryChange::Rename) {
        const auto it = names.find(change.name);
        if (it == names.end()) return;
        const int file = it->second;
        names.erase(it);
        names[change.to] = file;
    } else {
        names.erase(change.name);
    }
}

Status CrashStorage::rename(const std::string& from, const std::string& to) {
    if (!powered()) return power_gone();
    if (!m_names.count(from)) return Error{"cannot rename " + from + ": there is no such file"};
    const DirectoryChange renamed{DirectoryChange::Rename, from, to, 0};
    change(m_names, renamed);
    m_unsynced.push_back(renamed);
    return Status::success();
}

Status CrashStorage::remove(const std::string& name) {
    if (!powered()) return power_gone();
    if (!m_names.count(name)) return Status::success();
    const DirectoryChange removed{DirectoryChange::Remove, name, "", 0};
    change(m_names, removed);
    m_unsynced.push_back(removed);
    return Status::success();
}

Status CrashStorage::sync_directory() {
    if (!powered()) return power_gone();
    m_durable_names = m_names;
    m_unsynced.clear();
    return Status::success();
}

std::vector<std::string> CrashStorage::list() const {
    std::vector<std::string> names;
    for (const auto& [name, file] : m_names)
        names.push_back(name);
    return names;
}

std::string CrashStorage::written_in_part(const File& file) {
    const auto differ = std::mismatch(file.current.begin(), file.current.end(),
                                      file.durable.begin(), file.durable.end());
    const std::size_t from = static_cast<std::size_t>(differ.first - file.current.begin());
    const std::size_t to = file.current.size();
    const std::size_t landed = some_of(to - from);
    const bool first_part = m_random() % 2;
    const std::size_t land_from = first_part ? from : to - landed;
    const std::size_t land_to = first_part ? from + landed : to;
    // The file's end moves only as far as what landed; what did not land
    // reads as the disk held it, or as zeros past its old end.
    std::string disk = file.durable;
    if (landed == 0) return disk;
    if (disk.size() < land_to) disk.resize(land_to, '\0');
    disk.replace(land_from, landed, file.current, land_from, landed);
    return disk;
}

void CrashStorage::power_cut() {
    // Some of the directory changes since the last sync reached the disk, in order.
    const std::size_t kept = below(m_unsynced.size());
    for (std::size_t i = 0; i < kept; ++i)
        change(m_durable_names, m_unsynced[i]);
    m_unsynced.clear();
    m_names = m_durable_names;
    // Of content not synced, a random part survives: of what replaced the
    // file, a prefix; of what was written into it, its first or its last
    // part (pages reach the disk in any order), over what the disk held there.
    for (auto& [id, file] : m_files) {
        if (file.replaced) {
            if (m_random() % 2)
                file.current.resize(below(file.current.size()));
            else
                file.current = file.durable;
        } else {
            file.current = written_in_part(file);
        }
        file.durable = file.current;
        file.replaced = false;
    }
    m_countdown = 0;
    m_power_lost = false;
}

} // namespace crm::test
