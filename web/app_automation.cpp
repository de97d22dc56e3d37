// The app's side of automation: turning a rule on or off, and the recovery
// queue's Retry and Dismiss, each through the engine like any change. The
// screens are views/automation.cpp and views/my_work.cpp (Exceptions).
#include "app.hpp"
#include "automation/rule.hpp"
#include "platform.hpp"

namespace crm::web {

void App::toggle_rule(const ToggleRule& request) {
    std::vector<AutomationRule> rules = m_engine.workspace().automation.rules;
    std::string name;
    for (auto& rule : rules)
        if (rule.id == request.rule_id) {
            rule.enabled = request.enabled;
            name = rule.name;
        }
    const auto outcome = m_engine.apply(SetRules{std::move(rules)}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    m_ui.notice = (request.enabled ? "Turned on: " : "Turned off: ") + name;
    remember_change(outcome);
    after_change();
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
    const Automation& automation = m_engine.workspace().automation;
    nlohmann::json rules = nlohmann::json::object();
    for (const auto& rule : automation.rules)
        rules[rule.id] = rule.enabled;
    std::size_t created = 0; // runs that made a record (a task, a linked record)
    for (const auto& run : automation.log)
        created += run.did.rfind("created the ", 0) == 0;
    return {{"rules", rules}, {"runs", automation.log.size()}, {"created", created}};
}

} // namespace crm::web
