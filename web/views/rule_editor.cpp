// The rule editor (admins): a rule's name, its trigger with that trigger's
// inputs, its condition as JsonLogic text and its actions, each chosen from
// what the workspace holds (fields, people, teams, flows, stages). The core
// reads and checks the draft when it changes (check_rule_draft) and words the
// rule as a sentence; Save stays off while it names a problem, and sends one
// SetRules. Labels sit above full-width inputs, so a phone stacks them.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "automation/rule_check.hpp"
#include "automation/rule_json.hpp"
#include "model/field_values.hpp"

#include <imgui_stdlib.h>

#include <algorithm>

namespace crm::web {

namespace {

struct Choice {
    std::string value, label;
};
using Choices = std::vector<Choice>;

std::string label_of(const Choices& choices, const std::string& value, const char* none) {
    for (const auto& choice : choices)
        if (choice.value == value) return choice.label;
    return value.empty() ? none : value;
}

void input_label(const char* label) {
    ImGui::TextColored(colors::kMuted, "%s", label);
}

// A full-width list to choose one from; each choice is marked "<name>-<value>".
bool choose(ViewContext& view, const char* label, const std::string& name, const Choices& choices,
            std::string& value, const char* none = "choose…") {
    input_label(label);
    ImGui::SetNextItemWidth(-1);
    bool changed = false;
    const std::string preview = label_of(choices, value, none);
    if (ImGui::BeginCombo(("##" + name).c_str(), preview.c_str(), ImGuiComboFlags_HeightLarge)) {
        for (const auto& choice : choices) {
            const bool chosen = choice.value == value;
            if (ImGui::Selectable((choice.label + "##" + choice.value).c_str(), chosen) &&
                !chosen) {
                value = choice.value;
                changed = true;
            }
            mark(view.ui, name + "-" + choice.value);
        }
        ImGui::EndCombo();
    }
    mark(view.ui, name);
    return changed;
}

// A full-width list to tick several in: people to notify, to route to.
bool choose_many(ViewContext& view, const char* label, const std::string& name,
                 const Choices& choices, std::vector<std::string>& values) {
    input_label(label);
    ImGui::SetNextItemWidth(-1);
    std::string preview;
    for (const auto& value : values)
        preview += (preview.empty() ? "" : ", ") + label_of(choices, value, "");
    bool changed = false;
    if (ImGui::BeginCombo(("##" + name).c_str(), preview.empty() ? "choose…" : preview.c_str(),
                          ImGuiComboFlags_HeightLarge)) {
        for (const auto& choice : choices) {
            const auto it = std::find(values.begin(), values.end(), choice.value);
            bool on = it != values.end();
            if (ImGui::Checkbox((choice.label + "##" + choice.value).c_str(), &on)) {
                if (on)
                    values.push_back(choice.value);
                else
                    values.erase(it);
                changed = true;
            }
            mark(view.ui, name + "-" + choice.value);
        }
        ImGui::EndCombo();
    }
    mark(view.ui, name);
    return changed;
}

bool text_input(ViewContext& view, const char* label, const std::string& name, std::string& text,
                const char* hint = "") {
    input_label(label);
    ImGui::SetNextItemWidth(-1);
    const bool changed = ImGui::InputTextWithHint(("##" + name).c_str(), hint, &text);
    mark(view.ui, name);
    return changed;
}

bool int_input(ViewContext& view, const char* label, const std::string& name, int& value) {
    input_label(label);
    ImGui::SetNextItemWidth(-1);
    const bool changed = ImGui::InputInt(("##" + name).c_str(), &value);
    mark(view.ui, name);
    return changed;
}

// What the workspace offers to choose from.
Choices record_types(const Workspace& ws) {
    Choices out;
    for (const auto& type : ws.schema.types())
        out.push_back({type.id, type.label});
    return out;
}

Choices fields_of(const Workspace& ws, const std::string& type_id,
                  bool (*wanted)(const FieldDef&) = nullptr) {
    Choices out;
    if (const RecordTypeDef* type = ws.schema.type(type_id))
        for (const auto& field : type->fields)
            if (!wanted || wanted(field)) out.push_back({field.id, field.label});
    return out;
}

bool is_date(const FieldDef& field) {
    return field.type == FieldType::Date || field.type == FieldType::DateTime;
}
bool is_number(const FieldDef& field) {
    return field.type == FieldType::Number;
}
bool is_reference(const FieldDef& field) {
    return field.type == FieldType::RecordRef;
}

Choices flows_on(const Workspace& ws, const std::string& type_id) {
    Choices out;
    for (const auto& flow : ws.flows)
        if (flow.record_type == type_id) out.push_back({flow.id, flow.name});
    return out;
}

// A flow's stages, then (for where a flow ends or a move goes) its outcomes and exits.
Choices targets_of(const Workspace& ws, const std::string& flow_id, bool stages, bool ends) {
    Choices out;
    const Flow* flow = ws.flow(flow_id);
    if (!flow) return out;
    if (stages)
        for (const auto& stage : flow->stages)
            out.push_back({stage.id, stage.name});
    if (ends) {
        for (const auto& outcome : flow->outcomes)
            out.push_back({outcome.id, outcome.name});
        for (const auto& exit : flow->exits)
            out.push_back({exit.id, exit.name});
    }
    return out;
}

Choices users(const Workspace& ws) {
    Choices out;
    for (const auto& user : ws.directory.users())
        out.push_back({user.id, user.name});
    return out;
}

// Who a task is for, or who hears of it: the record's people, a role, anyone.
Choices people(const Workspace& ws, bool roles) {
    Choices out = {{"owner", "the owner"}, {"owner_manager", "the owner's manager"}};
    if (roles)
        for (const char* role : {"rep", "manager", "admin"})
            out.push_back({std::string("role:") + role, std::string("every ") + role});
    for (auto& user : users(ws))
        out.push_back(std::move(user));
    return out;
}

// A value of `field` as typed, or chosen among its options (a picklist, yes or no).
bool value_input(ViewContext& view, const char* label, const std::string& name,
                 const FieldDef* field, std::string& text, const char* blank) {
    Choices options;
    if (field && field->type == FieldType::Picklist)
        for (const auto& option : field->options)
            options.push_back({option, option});
    if (field && field->type == FieldType::Bool)
        for (const bool value : {true, false}) {
            const std::string shown = field_value_to_text(*field, value);
            options.push_back({shown, shown});
        }
    if (options.empty()) return text_input(view, label, name, text, blank);
    options.insert(options.begin(), {"", blank});
    return choose(view, label, name, options, text, blank);
}

const FieldDef* field_def(const Workspace& ws, const std::string& type, const std::string& id) {
    const RecordTypeDef* def = ws.schema.type(type);
    return def ? def->field(id) : nullptr;
}

bool edit_trigger_inputs(ViewContext& view, RuleDraft& draft) {
    const Workspace& ws = view.workspace;
    RuleTrigger& t = draft.rule.trigger;
    const std::string& type = draft.rule.record_type;
    using K = TriggerKind;
    bool changed = false;
    switch (t.kind) {
    case K::Created:
        break;
    case K::FieldChanged: {
        if (choose(view, "Field", "rule-field", fields_of(ws, type), t.field)) {
            draft.from.clear(); // values of the field chosen before
            draft.to.clear();
            changed = true;
        }
        const FieldDef* field = field_def(ws, type, t.field);
        changed |= value_input(view, "From (optional)", "rule-from", field, draft.from, "any");
        changed |= value_input(view, "To (optional)", "rule-to", field, draft.to, "any");
        break;
    }
    case K::StageEntered:
    case K::StageLeft:
        changed |= choose(view, "Flow", "rule-flow", flows_on(ws, type), t.flow);
        {
            Choices stages = targets_of(ws, t.flow, true, false);
            stages.insert(stages.begin(), {"", "any stage"});
            changed |= choose(view, "Stage", "rule-stage", stages, t.stage, "any stage");
        }
        break;
    case K::FlowStarted:
        changed |= choose(view, "Flow", "rule-flow", flows_on(ws, type), t.flow);
        break;
    case K::FlowEnded: {
        changed |= choose(view, "Flow", "rule-flow", flows_on(ws, type), t.flow);
        Choices ends = targets_of(ws, t.flow, false, true);
        ends.insert(ends.begin(), {"", "any way it ends"});
        changed |= choose(view, "Ending at", "rule-outcome", ends, t.outcome, "any way it ends");
        break;
    }
    case K::SlaAtRisk:
    case K::SlaBreached: {
        Choices policies = {{"", "any SLA"}};
        for (const auto& policy : ws.sla_policies)
            if (policy.record_type == type) policies.push_back({policy.id, policy.name});
        changed |= choose(view, "SLA policy", "rule-policy", policies, t.policy, "any SLA");
        break;
    }
    case K::Idle:
        changed |= int_input(view, "Business days with nothing done", "rule-days", t.business_days);
        break;
    case K::DateReached:
        changed |= choose(view, "Date field", "rule-field", fields_of(ws, type, is_date), t.field);
        changed |= text_input(view, "Days from the date (-120 = 120 days before)", "rule-days",
                              draft.days, "-120, -90, -60");
        break;
    case K::ScoreCrossed:
        changed |=
            choose(view, "Number field", "rule-field", fields_of(ws, type, is_number), t.field);
        input_label("Threshold");
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::InputDouble("##rule-threshold", &t.threshold, 0, 0, "%g");
        mark(view.ui, "rule-threshold");
        break;
    case K::SatisfactionReceived:
        changed |=
            choose(view, "Score field", "rule-field", fields_of(ws, type, is_number), t.field);
        break;
    }
    return changed;
}

bool edit_trigger(ViewContext& view, RuleDraft& draft) {
    Choices kinds;
    for (const TriggerKind kind : kTriggerKinds)
        kinds.push_back({trigger_kind_id(kind), trigger_kind_name(kind)});
    std::string kind = trigger_kind_id(draft.rule.trigger.kind);
    if (choose(view, "When", "rule-trigger", kinds, kind)) {
        for (const TriggerKind k : kTriggerKinds)
            if (trigger_kind_id(k) == kind) draft.rule.trigger = blank_trigger(k);
        draft.from.clear();
        draft.to.clear();
        draft.days = day_offsets_text(draft.rule.trigger.days);
        return true;
    }
    return edit_trigger_inputs(view, draft);
}

bool edit_routing(ViewContext& view, const std::string& name, Routing& routing) {
    const Workspace& ws = view.workspace;
    bool changed = choose_many(view, "People, in turn", name + "-users", users(ws), routing.users);
    Choices teams = {{"", "no team"}};
    for (const auto& team : ws.directory.teams())
        teams.push_back({team.id, team.name});
    changed |=
        choose(view, "Or every rep of a team", name + "-team", teams, routing.team, "no team");
    if (routing.users.size() > 1)
        for (const auto& user : routing.users) {
            int weight = routing.weights.count(user) ? routing.weights[user] : 1;
            const std::string label = "Share of " + ws.directory.names({user}) + " (weight)";
            if (int_input(view, label.c_str(), name + "-weight-" + user, weight)) {
                routing.weights[user] = weight;
                changed = true;
            }
        }
    bool capped = routing.capacity.has_value();
    if (ImGui::Checkbox("Limit open records per person", &capped)) {
        routing.capacity = capped ? std::optional<int>(40) : std::nullopt;
        changed = true;
    }
    mark(view.ui, name + "-capped");
    if (routing.capacity)
        changed |= int_input(view, "At most", name + "-capacity", *routing.capacity);
    return changed;
}

bool edit_action_inputs(ViewContext& view, const std::string& type, const std::string& name,
                        ActionDraft& draft) {
    const Workspace& ws = view.workspace;
    RuleAction& a = draft.action;
    using A = ActionKind;
    bool changed = false;
    switch (a.kind) {
    case A::Assign:
        return edit_routing(view, name, a.routing);
    case A::CreateTask:
        changed |= text_input(view, "Task title", name + "-title", a.title);
        changed |= text_input(view, "Due in", name + "-due", a.due_in, "3 business days");
        changed |= choose(view, "For", name + "-for", people(ws, false), a.task_for);
        return changed;
    case A::Notify:
    case A::Escalate:
        changed |= choose_many(view, "Who", name + "-to", people(ws, true), a.to);
        changed |= text_input(view, a.kind == A::Notify ? "Message" : "Message (optional)",
                              name + "-message", a.message);
        return changed;
    case A::SetField:
        if (choose(view, "Field", name + "-field", fields_of(ws, type), a.field)) {
            draft.value.clear();
            changed = true;
        }
        changed |= value_input(view, "Value (empty clears it)", name + "-value",
                               field_def(ws, type, a.field), draft.value, "nothing (clear it)");
        return changed;
    case A::Move:
        if (choose(view, "Flow", name + "-flow", flows_on(ws, type), a.flow)) {
            a.stage.clear();
            changed = true;
        }
        changed |= choose(view, "To", name + "-stage", targets_of(ws, a.flow, true, true), a.stage);
        return changed;
    case A::StartFlow:
        return choose(view, "Flow", name + "-flow", flows_on(ws, type), a.flow);
    case A::CreateRecord: {
        changed |= choose(view, "Record type", name + "-type", record_types(ws), a.type);
        changed |= text_input(view, "Its values (JSON)", name + "-fields", draft.fields,
                              "{\"title\": \"Kickoff\"}");
        Choices links = fields_of(ws, a.type, is_reference);
        links.insert(links.begin(), {"", "none"});
        changed |=
            choose(view, "Field that links back", name + "-link", links, a.link_field, "none");
        return changed;
    }
    }
    return changed;
}

// The row of an action's own buttons: up, down, remove.
bool action_buttons(ViewContext& view, RuleDraft& draft, std::size_t i, const std::string& name) {
    auto& actions = draft.actions;
    bool changed = false;
    ImGui::BeginDisabled(i == 0);
    if (tap_button("Up")) {
        std::swap(actions[i], actions[i - 1]);
        changed = true;
    }
    mark(view.ui, name + "-up");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(i + 1 >= actions.size());
    if (!changed && tap_button("Down")) {
        std::swap(actions[i], actions[i + 1]);
        changed = true;
    }
    mark(view.ui, name + "-down");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (!changed && tap_button("Remove")) {
        actions.erase(actions.begin() + static_cast<std::ptrdiff_t>(i));
        changed = true;
    }
    mark(view.ui, name + "-remove");
    return changed;
}

bool edit_actions(ViewContext& view, RuleDraft& draft) {
    Choices kinds;
    for (const ActionKind kind : kActionKinds)
        kinds.push_back({action_kind_id(kind), action_kind_name(kind)});
    bool changed = false;
    for (std::size_t i = 0; i < draft.actions.size(); ++i) {
        const std::string name = "rule-action-" + std::to_string(i);
        ImGui::PushID(static_cast<int>(i));
        ImGui::Separator();
        ImGui::PushFont(strong_font());
        ImGui::AlignTextToFramePadding();
        ImGui::Text("Action %zu", i + 1);
        ImGui::PopFont();
        ImGui::SameLine();
        if (action_buttons(view, draft, i, name)) {
            ImGui::PopID();
            changed = true;
            break; // the list changed under the loop: the rest is drawn next frame
        }
        std::string kind = action_kind_id(draft.actions[i].action.kind);
        if (choose(view, "Do", name + "-kind", kinds, kind)) {
            for (const ActionKind k : kActionKinds)
                if (action_kind_id(k) == kind) draft.actions[i] = blank_action(k);
            changed = true;
        } else {
            changed |= edit_action_inputs(view, draft.rule.record_type, name, draft.actions[i]);
        }
        ImGui::PopID();
    }
    ImGui::Spacing();
    ImGui::BeginDisabled(draft.actions.size() >= kMaxActionsPerRule);
    const bool add = tap_button("Add an action");
    mark(view.ui, "rule-add-action");
    ImGui::EndDisabled();
    if (add) draft.actions.push_back(blank_action(ActionKind::Notify));
    return changed || add;
}

bool edit_form(ViewContext& view, RuleDraft& draft) {
    const Workspace& ws = view.workspace;
    bool changed = text_input(view, "Name", "rule-name", draft.rule.name, "Critical tickets");
    changed |= choose(view, "Records", "rule-type", record_types(ws), draft.rule.record_type);
    changed |= ImGui::Checkbox("On", &draft.rule.enabled);
    mark(view.ui, "rule-enabled");
    ImGui::Spacing();
    changed |= edit_trigger(view, draft);
    ImGui::Spacing();
    input_label("Only if (a JsonLogic condition; empty = always)");
    changed |= ImGui::InputTextMultiline("##rule-condition", &draft.condition,
                                         ImVec2(-1, ImGui::GetTextLineHeight() * 4));
    mark(view.ui, "rule-condition");
    ImGui::Spacing();
    changed |= edit_actions(view, draft);
    return changed;
}

// The rule in words and what the core says stands in the way of saving.
void draw_verdict(ViewContext& view, const RuleEditor& editor) {
    input_label("Reads as");
    text_colored_wrapped(ImGui::GetStyleColorVec4(ImGuiCol_Text), editor.checked.sentence);
    mark(view.ui, "rule-sentence");
    ImGui::Spacing();
    const auto& problems = editor.checked.problems;
    if (problems.empty()) ImGui::TextColored(colors::kSuccess, "%s", "No problems: ready to save.");
    for (std::size_t i = 0; i < problems.size(); ++i) {
        text_colored_wrapped(colors::kDanger, problems[i]);
        mark(view.ui, "rule-problem-" + std::to_string(i));
    }
    if (!editor.message.empty()) text_colored_wrapped(colors::kDanger, editor.message);
}

void draw_buttons(ViewContext& view, RuleEditor& editor, float width) {
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float half = (width - gap) / 2;
    ImGui::BeginDisabled(!editor.checked.problems.empty() || !editor.changed);
    if (primary_button("Save rule", ImVec2(half, tap_height()))) view.intents.push_back(SaveRule{});
    mark(view.ui, "rule-save");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (tap_button("Cancel", half)) editor = RuleEditor{};
    mark(view.ui, "rule-cancel");
}

} // namespace

void open_rule_editor(ViewContext& view, const AutomationRule* rule) {
    RuleEditor& editor = view.ui.rule_editor;
    editor = RuleEditor{};
    editor.open = true;
    editor.draft = rule ? draft_of_rule(view.workspace, *rule) : new_rule_draft(view.workspace);
    editor.checked = check_rule_draft(view.workspace, editor.draft);
}

void draw_rule_editor(ViewContext& view) {
    RuleEditor& editor = view.ui.rule_editor;
    ImGui::PushFont(strong_font());
    ImGui::TextUnformatted(editor.draft.replacing.empty() ? "New rule" : "Edit rule");
    ImGui::PopFont();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float buttons = tap_height() + style.ItemSpacing.y + style.WindowPadding.y;
    bool changed = false;
    if (is_phone()) {
        // One column: the form scrolls; under it, always in view, the verdict
        // (scrolling on its own when long) and Save and Cancel. The verdict
        // sits below, so its changing length never moves the field being typed in.
        const float avail = ImGui::GetContentRegionAvail().y;
        const float verdict = avail * 0.25f;
        ImGui::BeginChild("##rule-form", ImVec2(0, avail - verdict - buttons));
        changed = edit_form(view, editor.draft);
        ImGui::EndChild();
        ImGui::BeginChild("##rule-verdict", ImVec2(0, verdict), true);
        draw_verdict(view, editor);
        ImGui::EndChild();
        draw_buttons(view, editor, ImGui::GetContentRegionAvail().x);
    } else {
        const float width = ImGui::GetContentRegionAvail().x;
        ImGui::BeginChild("##rule-form", ImVec2(width * 0.58f, 0));
        changed = edit_form(view, editor.draft);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("##rule-verdict", ImVec2(0, 0));
        draw_buttons(view, editor, ImGui::GetContentRegionAvail().x);
        ImGui::Spacing();
        draw_verdict(view, editor);
        ImGui::EndChild();
    }
    if (changed && editor.open) {
        editor.checked = check_rule_draft(view.workspace, editor.draft);
        editor.changed = true;
        editor.message.clear();
    }
}

} // namespace crm::web
