// Shared test fixtures: a small team and a scratch directory per test.
#pragma once

#include "engine/engine.hpp"
#include "model/workspace.hpp"
#include "process/flow_json.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"
#include "util/time.hpp"

#include <deque>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace crm::test {

inline Instant at(const char* iso) {
    return *parse_instant(iso);
}

// Two reps and their manager on one team, a rep on another, and an admin.
inline Workspace team_workspace() {
    Workspace ws;
    ws.directory.add_team({"t-east", "East", "u-maria"});
    ws.directory.add_team({"t-west", "West", "u-wes"});
    ws.directory.add_user({"u-ana", "Ana Reyes", "", Role::Rep, "t-east"});
    ws.directory.add_user({"u-ben", "Ben Okafor", "", Role::Rep, "t-east"});
    ws.directory.add_user({"u-maria", "Maria Lindqvist", "", Role::Manager, "t-east"});
    ws.directory.add_user({"u-wes", "Wes Tan", "", Role::Manager, "t-west"});
    ws.directory.add_user({"u-zed", "Zed Ito", "", Role::Rep, "t-west"});
    ws.directory.add_user({"u-sam", "Sam Patel", "", Role::Admin, ""});
    return ws;
}

// Adds the processes of assets/processes/<name>.json to the workspace.
inline void add_processes(Workspace& ws, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        std::ifstream in(std::string(CRM_PROCESS_DIR) + "/" + name + ".json");
        auto flows = processes_from_document(nlohmann::json::parse(in));
        if (!flows) throw std::runtime_error(flows.error());
        ws.flows.insert(ws.flows.end(), flows->begin(), flows->end());
    }
}

// The team with the lead routing and sales pipeline processes of assets/.
inline Workspace team_with_pipeline() {
    Workspace ws = team_workspace();
    add_processes(ws, {"lead_routing", "sales_pipeline"});
    return ws;
}

// A fresh, empty directory that is removed when the test ends.
class ScratchDir {
  public:
    ScratchDir() {
        static int counter = 0;
        m_path = (std::filesystem::temp_directory_path() /
                  ("crm-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter)))
                     .string();
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
};

// The team with the built-in schema, stored in a scratch directory and open
// in an engine: for tests that read kept history or reopen the store.
struct StoredTeam {
    ScratchDir dir;
    DirectoryStorage storage{dir.path()};
    WorkspaceStore store{storage};
    Engine engine;

    StoredTeam() {
        Workspace ws = team_workspace();
        ws.schema = builtin_schema();
        if (!store.create(ws).ok() || !store.open(engine).ok())
            throw std::runtime_error("cannot store the team's workspace in " + dir.path());
    }
};

// A workspace in a scratch directory, open in an engine with the store as its journal.
struct OpenStore {
    ScratchDir dir;
    DirectoryStorage storage{dir.path()};
    WorkspaceStore store{storage};
    Engine engine;
    // `reactor`: one more reaction the engine runs, for tests of reactions.
    explicit OpenStore(const Workspace& workspace,
                       std::shared_ptr<const Reactor> reactor = nullptr) {
        if (!store.create(workspace).ok()) throw std::runtime_error("cannot store the workspace");
        if (reactor) engine.add_reactor(std::move(reactor));
        if (!store.open(engine).ok())
            throw std::runtime_error("cannot store the workspace in " + dir.path());
    }
    // A second engine on the same directory, as the next session would open
    // it; its store (its journal) lives as long as this.
    std::deque<WorkspaceStore> later_stores;
    Engine reopen() {
        Engine again;
        if (!later_stores.emplace_back(storage).open(again).ok())
            throw std::runtime_error("cannot open the workspace in " + dir.path() + " again");
        return again;
    }
};

} // namespace crm::test
