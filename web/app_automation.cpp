// The app's side of automation: turning a rule on or off, saving the rule
// editor's draft, deleting a rule, and the recovery queue's Retry and
// Dismiss, each through the engine like any change. The screens are
// views/automation.cpp, views/rule_editor.cpp and views/my_work.cpp (Exceptions).
#include "app.hpp"
#include "automation/rule_check.hpp"
#include "automation/rule_draft.hpp"
#include "platform.hpp"

namespace crm::web {

bool App::set_rules(std::vector<AutomationRule> rules, const std::string& notice) {
    const auto outcome = m_engine.apply(SetRules{std::move(rules)}, m_ui.user, now());
    if (!outcome.ok) {
        if (m_ui.rule_editor.open)
            m_ui.rule_editor.message = outcome.message;
        else
            m_ui.error_dialog = outcome.message;
        return false;
    }
    m_ui.notice = notice;
    remember_change(outcome);
    after_change();
    return true;
}

void App::toggle_rule(const ToggleRule& request) {
    std::vector<AutomationRule> rules = m_engine.workspace().automation.rules;
    std::string name;
    for (auto& rule : rules)
        if (rule.id == request.rule_id) {
            rule.enabled = request.enabled;
            name = rule.name;
        }
    set_rules(std::move(rules), (request.enabled ? "Turned on: " : "Turned off: ") + name);
}

void App::save_rule() {
    RuleEditor& editor = m_ui.rule_editor;
    const Workspace& ws = m_engine.workspace();
    // Checked again against the workspace as it is now: another tab may have changed it.
    editor.checked = check_rule_draft(ws, editor.draft);
    if (!editor.checked.problems.empty()) {
        editor.message = "Cannot save the rule: " + editor.checked.problems.front();
        return;
    }
    const AutomationRule& rule = editor.checked.rule;
    const std::string notice = (editor.draft.replacing.empty() ? "Added: " : "Saved: ") + rule.name;
    if (set_rules(rules_with(ws.automation.rules, rule, editor.draft.replacing), notice))
        editor = RuleEditor{};
}

void App::delete_rule(const DeleteRule& request) {
    const Workspace& ws = m_engine.workspace();
    const AutomationRule* rule = ws.automation.rule(request.rule_id);
    m_ui.rule_editor.confirm_delete.clear();
    if (!rule) return;
    set_rules(rules_without(ws.automation.rules, request.rule_id), "Deleted: " + rule->name);
}

void App::fix_automation(const FixAutomation& request) {
    const Workspace& ws = m_engine.workspace();
    const Record* record = ws.find(request.record_id);
    const std::string title = record ? ws.title_of(*record) : request.record_id;
    const auto outcome =
        request.dismiss
            ? m_engine.apply(DismissAutomation{request.record_id, request.automation, request.note},
                             m_ui.user, now())
            : m_engine.apply(RetryAutomation{request.record_id, request.automation}, m_ui.user,
                             now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    m_ui.dismissing = {};
    m_ui.dismiss_note.clear();
    m_ui.notice = (request.dismiss ? "Dismissed for " : "Ran again on ") + title;
    remember_change(outcome);
    after_change();
}

nlohmann::json App::automation_json() const {
    const Workspace& ws = m_engine.workspace();
    const Automation& automation = ws.automation;
    nlohmann::json rules = nlohmann::json::object();
    nlohmann::json names = nlohmann::json::object();
    nlohmann::json sentences = nlohmann::json::object();
    for (const auto& rule : automation.rules) {
        rules[rule.id] = rule.enabled;
        names[rule.id] = rule.name;
        sentences[rule.id] = describe_rule(ws, rule);
    }
    std::size_t created = 0; // runs that made a record (a task, a linked record)
    for (const auto& run : automation.log)
        created += run.did.rfind("created the ", 0) == 0;
    nlohmann::json out = {{"rules", rules},
                          {"names", names},
                          {"sentences", sentences},
                          {"runs", automation.log.size()},
                          {"created", created}};
    if (const RuleEditor& editor = m_ui.rule_editor; editor.open)
        out["editor"] = {{"problems", editor.checked.problems},
                         {"sentence", editor.checked.sentence},
                         {"id", editor.checked.rule.id},
                         {"name", editor.checked.rule.name},
                         {"message", editor.message}};
    return out;
}

} // namespace crm::web
