// The app's side of data quality: flagging a problem on the open record and
// resolving a record's problems, through the engine like any change. The
// screen is views/data_quality.cpp; the rules are the core's.
#include "app.hpp"
#include "platform.hpp"

namespace crm::web {

using nlohmann::json;

void App::flag_problem(const FlagProblem& request) {
    const auto outcome =
        m_engine.apply(FlagDataProblem{request.record_id, request.note}, m_ui.user, now());
    RecordForm& form = m_ui.form;
    if (!outcome.ok) {
        form.flag_message = outcome.message;
        form.show_flag_box = true; // the message must not push the buttons out of view
        m_ui.keep_active_in_view = 3;
        return;
    }
    form.flagging = false;
    form.flag_note.clear();
    form.flag_message.clear();
    const Record* record = m_engine.workspace().find(request.record_id);
    m_ui.notice = "Flagged " +
                  (record ? m_engine.workspace().title_of(*record) : request.record_id) +
                  " for the data-quality queue";
    remember_change(outcome);
    after_change();
}

void App::resolve_problems(const ResolveProblems& request) {
    const auto outcome =
        m_engine.apply(ResolveDataProblems{request.record_id, ""}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.error_dialog = outcome.message;
        return;
    }
    const Record* record = m_engine.workspace().find(request.record_id);
    m_ui.notice = "Resolved the data problems of " +
                  (record ? m_engine.workspace().title_of(*record) : request.record_id);
    remember_change(outcome);
    after_change();
}

json App::data_quality_json() const {
    const DataQualityScreen& screen = m_ui.quality;
    const DataQualityFindings& found = screen.findings.value;
    json fields = json::object();
    for (const auto& fill : found.completeness.fields)
        fields[fill.field] = fill.filled;
    json least = json::array();
    for (const auto& record : found.completeness.least_complete)
        least.push_back(record.record_id);
    json inactive = json::array();
    for (const auto& record : found.inactive)
        inactive.push_back(record.record_id);
    json flagged = json::array();
    for (const auto& record : found.flagged)
        flagged.push_back(record.record_id);
    const Record* open = m_engine.workspace().find(m_ui.form.record_id);
    json open_problems = json::array();
    if (m_ui.form.open && open)
        for (const auto& problem : open->data_problems)
            open_problems.push_back(problem.note);
    return {{"type", screen.type},
            {"days", screen.inactive_days},
            {"records", found.completeness.records},
            {"percent", found.completeness.percent},
            {"target", found.completeness.target},
            {"below_target", found.completeness.below_target},
            {"fields", fields},
            {"least_complete", least},
            {"inactive", inactive},
            {"flagged", flagged},
            {"form_flag_message", m_ui.form.flag_message},
            {"form_data_problems", open_problems}};
}

} // namespace crm::web
