// View functions: each reads the workspace and UI state and pushes intents.
#pragma once

#include "model/workspace.hpp"
#include "platform.hpp"
#include "ui_state.hpp"

#include <cstdint>
#include <vector>

namespace crm::web {

struct ViewContext {
    const Workspace& workspace;
    UiState& ui;
    std::vector<Intent>& intents;
    std::uint64_t version;
    bool read_only;
    SaveState save_state;
    const std::string& save_message;
};

void draw_top_bar(ViewContext& view);
void draw_record_list(ViewContext& view);
void draw_record_form(ViewContext& view);
void draw_dialogs(ViewContext& view);

// Opens the form on an existing record, or a blank one for `type`.
void open_form(const Workspace& workspace, UiState& ui, const std::string& record_id);
void open_new_form(const Workspace& workspace, UiState& ui, const std::string& type);

} // namespace crm::web
