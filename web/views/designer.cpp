// The process designer: flows, stages, gates and conditions edited through a
// structured editor. Every change is checked by the core (validate_flows for
// the list of problems, Engine::decide for the command saving would send) and
// each condition is shown in plain words; saving is one SetProcesses command.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"
#include "io/workspace_json.hpp"
#include "logic/jsonlogic.hpp"
#include "process/conditions.hpp"
#include "process/validate.hpp"
#include "query/board.hpp"

#include <imgui_stdlib.h>

#include <algorithm>

namespace crm::web {

namespace {

Flow* selected_flow(DesignerState& designer) {
    for (auto& flow : designer.draft)
        if (flow.id == designer.flow) return &flow;
    return designer.draft.empty() ? nullptr : &designer.draft.front();
}

// Checks the draft, only when it changes: validate_flows lists each problem
// of the definitions, and the engine decides the command saving would send
// (who may change processes, records in flight keeping a place). Both walk the
// definitions and the records in flight, which is too much for every frame.
void check_draft(const ViewContext& view, DesignerState& designer) {
    const Workspace& ws = view.workspace;
    designer.problems = validate_flows(ws.schema, designer.draft);
    designer.stranded = stranded_stages(ws, designer.draft);
    for (const auto& [key, error] : designer.condition_error)
        if (!error.empty()) designer.problems.insert(designer.problems.begin(), key + ": " + error);
    const auto verdict =
        view.engine.decide(SetProcesses{designer.draft, designer.mapping}, view.ui.user, view.now);
    designer.verdict = verdict ? "" : verdict.error();
}

void revalidate(const ViewContext& view, DesignerState& designer) {
    check_draft(view, designer);
    designer.dirty = true;
}

std::string unique_id(const Flow& flow, const std::string& base) {
    std::string id = base;
    for (int n = 2; flow.stage(id) || flow.outcome(id) || flow.exit(id); ++n)
        id = base + "_" + std::to_string(n);
    return id;
}

// A JsonLogic condition as editable text, its plain-words reading, and its problems.
bool edit_condition(const ViewContext& view, DesignerState& designer, const RecordTypeDef& type,
                    const std::string& key, const char* label, nlohmann::json& rule) {
    auto [it, fresh] = designer.condition_text.try_emplace(key, rule.is_null() ? "" : rule.dump());
    ImGui::TextColored(colors::kMuted, "%s (JsonLogic)", label);
    ImGui::SetNextItemWidth(-1);
    bool changed = false;
    if (ImGui::InputTextMultiline(("##" + key).c_str(), &it->second,
                                  ImVec2(-1, ImGui::GetTextLineHeight() * 3))) {
        changed = true;
        if (it->second.find_first_not_of(" \t\r\n") == std::string::npos) {
            rule = nullptr;
            designer.condition_error[key].clear();
        } else if (auto parsed = parse_json_text(it->second); parsed) {
            rule = *parsed;
            designer.condition_error[key].clear();
        } else {
            designer.condition_error[key] = parsed.error();
        }
    }
    mark(view.ui, "designer-" + key);
    const std::string& error = designer.condition_error[key];
    const auto issues = rule.is_null() ? std::vector<std::string>{} : logic::check(rule);
    if (!error.empty())
        text_colored_wrapped(colors::kDanger, error);
    else if (!issues.empty())
        text_colored_wrapped(colors::kDanger, issues.front());
    else if (!rule.is_null())
        text_colored_wrapped(colors::kSuccess, "Reads: " + describe_condition(type, rule));
    (void)fresh;
    return changed;
}

bool edit_gate(const ViewContext& view, DesignerState& designer, const RecordTypeDef& type,
               const std::string& key, Gate& gate) {
    bool changed = false;
    ImGui::TextColored(colors::kMuted, "When the requirements are not met");
    int mode = gate.mode == GateMode::Block ? 0 : 1;
    changed |= ImGui::RadioButton("Block the move", &mode, 0);
    mark(view.ui, "designer-gate-block");
    ImGui::SameLine();
    changed |= ImGui::RadioButton("Warn, and record who moved anyway", &mode, 1);
    mark(view.ui, "designer-gate-warn");
    gate.mode = mode == 0 ? GateMode::Block : GateMode::Warn;
    ImGui::TextColored(colors::kMuted, "Required data");
    if (ImGui::BeginChild(("##required" + key).c_str(),
                          ImVec2(-1, ImGui::GetFrameHeightWithSpacing() * 5),
                          ImGuiChildFlags_Border)) {
        // Required fields first, so what a stage asks for is in view.
        std::vector<const FieldDef*> fields;
        for (const auto& field : type.fields)
            if (std::find(gate.required.begin(), gate.required.end(), field.id) !=
                gate.required.end())
                fields.push_back(&field);
        for (const auto& field : type.fields)
            if (std::find(fields.begin(), fields.end(), &field) == fields.end())
                fields.push_back(&field);
        for (const FieldDef* field_ptr : fields) {
            const FieldDef& field = *field_ptr;
            bool on = std::find(gate.required.begin(), gate.required.end(), field.id) !=
                      gate.required.end();
            if (ImGui::Checkbox(field.label.c_str(), &on)) {
                changed = true;
                if (on)
                    gate.required.push_back(field.id);
                else
                    gate.required.erase(
                        std::find(gate.required.begin(), gate.required.end(), field.id));
            }
            mark(view.ui, "designer-required-" + field.id);
        }
    }
    ImGui::EndChild();
    changed |= edit_condition(view, designer, type, key + "/entry", "Entry condition", gate.entry);
    return changed;
}

bool edit_stage(const ViewContext& view, DesignerState& designer, const RecordTypeDef& type,
                Flow& flow, Stage& stage) {
    bool changed = false;
    const std::string key = flow.id + "/" + stage.id;
    ImGui::TextColored(colors::kMuted, "Stage name");
    ImGui::SetNextItemWidth(-1);
    changed |= ImGui::InputText("##name", &stage.name);
    mark(view.ui, "designer-stage-name");
    changed |= edit_gate(view, designer, type, key, stage.gate);
    ImGui::TextColored(colors::kMuted, "Next action (what the rep does here)");
    ImGui::SetNextItemWidth(-1);
    changed |= ImGui::InputText("##next", &stage.next_action.text);
    mark(view.ui, "designer-next-action");
    bool has_task = stage.next_action.task.has_value();
    if (ImGui::Checkbox("Create a task for it", &has_task)) {
        changed = true;
        if (has_task)
            stage.next_action.task = TaskTemplate{stage.next_action.text, "1 business day"};
        else
            stage.next_action.task.reset();
    }
    if (stage.next_action.task) {
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.6f);
        changed |= ImGui::InputTextWithHint("##task", "Task title", &stage.next_action.task->title);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::InputTextWithHint("##due", "due in, e.g. 2 business days",
                                            &stage.next_action.task->due_in);
    }
    ImGui::TextColored(colors::kMuted, "SLA");
    ImGui::SetNextItemWidth(-1);
    changed |= ImGui::InputTextWithHint("##sla", "e.g. follow-up email within 2 business days",
                                        &stage.sla);
    (void)flow;
    return changed;
}

} // namespace

void open_designer(ViewContext& view) {
    DesignerState designer;
    designer.open = true;
    designer.draft = view.workspace.flows;
    if (!designer.draft.empty()) {
        designer.flow = designer.draft.front().id;
        if (!designer.draft.front().stages.empty())
            designer.item = designer.draft.front().stages.front().id;
    }
    check_draft(view, designer);
    view.ui.designer = std::move(designer);
    view.ui.screen = Screen::Designer;
    view.ui.form = RecordForm{};
}

void draw_designer(ViewContext& view) {
    const float s = scale();
    DesignerState& designer = view.ui.designer;
    place_main_area(false);
    ImGui::Begin("##designer", nullptr, kPanel);
    ImGui::PushFont(heading_font());
    ImGui::TextUnformatted("Process designer");
    ImGui::PopFont();
    // Who may change processes is the core's rule (admins); the view follows it.
    const User* me = view.workspace.directory.user(view.ui.user);
    Status may_change = view.read_only ? Status(Error{"this tab is read-only"})
                        : me           ? check_schema_change(*me)
                                       : Status(Error{"choose who you are first"});
    const bool may_edit = static_cast<bool>(may_change);
    if (!may_edit) text_colored_wrapped(colors::kMuted, "View only: " + may_change.error());
    Flow* flow = selected_flow(designer);
    if (!flow) {
        ImGui::TextUnformatted("There are no processes yet.");
        ImGui::End();
        return;
    }
    const RecordTypeDef* type = view.workspace.schema.type(flow->record_type);
    bool changed = false;
    const float footer = ImGui::GetFrameHeightWithSpacing() * 2 +
                         ImGui::GetTextLineHeightWithSpacing() *
                             std::min<std::size_t>(designer.problems.size() + 1, 6);
    ImGui::BeginDisabled(!may_edit);

    // Column 1: flows.
    ImGui::BeginChild("##flows", ImVec2(220 * s, -footer), ImGuiChildFlags_Border);
    for (const auto& f : designer.draft) {
        if (ImGui::Selectable(f.name.c_str(), f.id == flow->id)) {
            designer.flow = f.id;
            designer.item = f.stages.empty() ? "" : f.stages.front().id;
        }
        mark(view.ui, "designer-flow-" + f.id);
    }
    ImGui::EndChild();
    flow = selected_flow(designer);
    type = view.workspace.schema.type(flow->record_type);
    ImGui::SameLine();

    // Column 2: the flow's settings and its stages, outcomes and exits.
    ImGui::BeginChild("##items", ImVec2(330 * s, -footer), ImGuiChildFlags_Border);
    ImGui::TextColored(colors::kMuted, "Flow name");
    ImGui::SetNextItemWidth(-1);
    changed |= ImGui::InputText("##flowname", &flow->name);
    ImGui::TextColored(colors::kMuted, "Runs on %s",
                       type ? type->plural.c_str() : flow->record_type.c_str());
    changed |= ImGui::Checkbox("Allow moving back", &flow->allow_backward);
    changed |= ImGui::Checkbox("Allow skipping stages", &flow->allow_skip);
    if (type)
        changed |= edit_condition(view, designer,
                                  *view.workspace.schema.type(
                                      flow->start.on.empty() ? flow->record_type : flow->start.on),
                                  flow->id + "/start", "Starts when", flow->start.when);
    ImGui::Separator();
    ImGui::TextColored(colors::kMuted, "STAGES");
    for (std::size_t i = 0; i < flow->stages.size(); ++i) {
        Stage& stage = flow->stages[i];
        ImGui::PushID(stage.id.c_str());
        if (ImGui::Selectable((std::to_string(i + 1) + ". " + stage.name).c_str(),
                              designer.item == stage.id))
            designer.item = stage.id;
        mark(view.ui, "designer-stage-" + stage.id);
        ImGui::PopID();
    }
    if (ImGui::SmallButton("+ Add stage")) {
        Stage stage;
        stage.id = unique_id(*flow, "stage");
        stage.name = "New stage";
        stage.next_action.text = "Say what the rep does here";
        flow->stages.push_back(stage);
        designer.item = stage.id;
        changed = true;
    }
    mark(view.ui, "designer-add-stage");
    const int selected = flow->stage_index(designer.item);
    if (selected >= 0) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Up") && selected > 0) {
            std::swap(flow->stages[static_cast<std::size_t>(selected)],
                      flow->stages[static_cast<std::size_t>(selected - 1)]);
            changed = true;
        }
        ImGui::SameLine();
        if (ImGui::SmallButton("Down") && selected + 1 < static_cast<int>(flow->stages.size())) {
            std::swap(flow->stages[static_cast<std::size_t>(selected)],
                      flow->stages[static_cast<std::size_t>(selected + 1)]);
            changed = true;
        }
        ImGui::SameLine();
        if (ImGui::SmallButton("Remove")) {
            flow->stages.erase(flow->stages.begin() + selected);
            designer.item = flow->stages.empty() ? "" : flow->stages.front().id;
            changed = true;
        }
        mark(view.ui, "designer-remove-stage");
    }
    ImGui::Separator();
    ImGui::TextColored(colors::kMuted, "OUTCOMES");
    for (const auto& outcome : flow->outcomes) {
        if (ImGui::Selectable((outcome.name + " (" + outcome.kind + ")##" + outcome.id).c_str(),
                              designer.item == outcome.id))
            designer.item = outcome.id;
        mark(view.ui, "designer-outcome-" + outcome.id);
    }
    ImGui::TextColored(colors::kMuted, "EXITS");
    for (const auto& exit : flow->exits)
        ImGui::BulletText("%s (%s)", exit.name.c_str(), exit.kind.c_str());
    ImGui::EndChild();
    ImGui::SameLine();

    // Column 3: the selected stage or outcome.
    ImGui::BeginChild("##editor", ImVec2(0, -footer), ImGuiChildFlags_Border);
    if (type) {
        if (const int index = flow->stage_index(designer.item); index >= 0) {
            changed |= edit_stage(view, designer, *type, *flow,
                                  flow->stages[static_cast<std::size_t>(index)]);
        } else {
            for (auto& outcome : flow->outcomes) {
                if (outcome.id != designer.item) continue;
                ImGui::TextColored(colors::kMuted, "Outcome name");
                ImGui::SetNextItemWidth(-1);
                changed |= ImGui::InputText("##oname", &outcome.name);
                changed |= ImGui::Checkbox("A reason is required", &outcome.reason_required);
                changed |=
                    edit_gate(view, designer, *type, flow->id + "/" + outcome.id, outcome.gate);
            }
        }
    }
    ImGui::EndChild();
    ImGui::EndDisabled();

    // Records in a stage the draft removes need a new place before saving.
    for (const auto& stranded : designer.stranded) {
        const Flow* target = nullptr;
        for (const auto& f : designer.draft)
            if (f.id == stranded.flow) target = &f;
        if (!target) continue;
        std::string& to = designer.mapping[stranded.flow][stranded.stage];
        ImGui::TextColored(colors::kWarning,
                           "%zu record(s) are in %s, which is removed. Move them to:",
                           stranded.records.size(), stranded.stage_name.c_str());
        ImGui::SameLine();
        ImGui::SetNextItemWidth(220 * s);
        const Stage* chosen = target->stage(to);
        ImGui::PushID((stranded.flow + stranded.stage).c_str());
        if (ImGui::BeginCombo("##map", chosen ? chosen->name.c_str() : "choose a stage")) {
            for (const auto& stage : target->stages)
                if (ImGui::Selectable(stage.name.c_str(), stage.id == to)) {
                    to = stage.id;
                    changed = true;
                }
            ImGui::EndCombo();
        }
        mark(view.ui, "designer-map-" + stranded.stage);
        ImGui::PopID();
    }

    if (changed) revalidate(view, designer);

    // Footer: what the core says about the draft, and saving.
    const bool refused = may_edit && designer.problems.empty() && !designer.verdict.empty();
    if (refused)
        text_colored_wrapped(colors::kDanger, designer.verdict);
    else if (designer.problems.empty())
        ImGui::TextColored(colors::kSuccess, "%s",
                           designer.dirty ? "No problems: ready to save."
                                          : "All processes are valid.");
    for (std::size_t i = 0; i < designer.problems.size() && i < 5; ++i)
        ImGui::TextColored(colors::kDanger, "%s", designer.problems[i].c_str());
    if (designer.problems.size() > 5)
        ImGui::TextColored(colors::kDanger, "… and %zu more", designer.problems.size() - 5);
    if (!designer.message.empty())
        text_colored_wrapped(designer.saved ? colors::kSuccess : colors::kDanger, designer.message);
    ImGui::BeginDisabled(!may_edit || !designer.problems.empty() || !designer.verdict.empty() ||
                         !designer.dirty);
    if (primary_button("Save processes")) view.intents.push_back(SaveProcesses{});
    mark(view.ui, "designer-save");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Discard changes")) open_designer(view);
    mark(view.ui, "designer-discard");
    ImGui::End();
}

} // namespace crm::web
