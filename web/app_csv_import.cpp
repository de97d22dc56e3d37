// The app's side of the CSV import wizard: reading the picked file, the dry
// run, the import and its undo. The rules are the core's (service/csv_import);
// the wizard's screen is views/csv_import.cpp.
#include "app.hpp"
#include "io/json_text.hpp"
#include "platform.hpp"
#include "views.hpp"

#include <cstdio>
#include <filesystem>

namespace crm::web {

bool is_spreadsheet_file(const std::string& path) {
    const std::string extension = std::filesystem::path(path).extension().string();
    return extension == ".csv" || extension == ".CSV" || extension == ".tsv" || extension == ".txt";
}

// The records a spreadsheet most likely holds: the list being looked at.
static std::string first_import_type(const Workspace& ws, const std::string& shown) {
    if (ws.schema.type(shown)) return shown;
    return ws.schema.types().empty() ? "" : ws.schema.types().front().id;
}

// Each column's first non-empty cell: one pass over the rows, stopping once
// every column has one.
static std::vector<std::string> column_samples(const CsvTable& table) {
    std::vector<std::string> samples(table.header.size());
    std::size_t missing = samples.size();
    for (const auto& row : table.rows) {
        if (missing == 0) break;
        for (std::size_t i = 0; i < samples.size() && i < row.size(); ++i)
            if (samples[i].empty() && !row[i].empty()) {
                samples[i] = row[i];
                --missing;
            }
    }
    return samples;
}

void App::open_csv_import(const std::string& path) {
    auto bytes = read_input_file(path, kMaxImportBytes);
    std::remove(path.c_str());
    CsvImportWizard wizard;
    wizard.file_name = std::filesystem::path(path).filename().string();
    const auto fail = [&](const std::string& why) {
        m_ui.error_dialog = "Import failed, and your workspace was not changed.\n\n" +
                            wizard.file_name + ": " + why;
    };
    if (!bytes) return fail(bytes.error());
    auto decoded = decode_text(*bytes, std::nullopt);
    if (!decoded) return fail(decoded.error());
    wizard.delimiter = detect_delimiter(decoded->text);
    auto table = parse_csv(decoded->text, wizard.delimiter);
    if (!table) return fail(table.error());
    if (table->rows.empty()) return fail("the file has a header but no rows");
    wizard.encoding = std::string(encoding_name(decoded->encoding));
    wizard.table = std::move(*table);
    wizard.samples = column_samples(wizard.table);
    wizard.open = true;
    m_ui.csv = std::move(wizard);
    choose_csv_import_type(m_engine.workspace(), m_ui.csv,
                           first_import_type(m_engine.workspace(), m_ui.type));
}

void App::check_csv_import() {
    CsvImportWizard& wizard = m_ui.csv;
    wizard.message.clear();
    wizard.skip_failed = false;
    auto plan = plan_import(m_engine, wizard.table, wizard.type, wizard.mapping, m_ui.user,
                            wizard.file_name, now());
    if (!plan) {
        wizard.plan.reset();
        wizard.message = plan.error();
        return;
    }
    wizard.plan = std::move(*plan);
    wizard.show_report = true;
}

void App::commit_csv_import() {
    CsvImportWizard& wizard = m_ui.csv;
    if (m_read_only) {
        wizard.message = "This tab is read-only because the workspace is open in another tab.";
        return;
    }
    if (!wizard.plan) return;
    if (wizard.plan->count(RowAction::Fail) > 0 && !wizard.skip_failed) return;
    const std::string summary = wizard.plan->summary();
    const auto outcome = commit_import(m_engine, *wizard.plan, m_ui.user, now());
    if (!outcome.ok) {
        wizard.message = outcome.message;
        wizard.plan.reset(); // the rows were taken out of it: check again
        return;
    }
    wizard.batch = outcome.batch ? outcome.batch->seq : 0;
    wizard.done = "Imported " + wizard.file_name + ": " + summary;
    m_ui.notice = wizard.done;
    m_ui.undo.reset(); // this import is undone from the wizard, as one batch
    after_change();
}

void App::undo_csv_import() {
    CsvImportWizard& wizard = m_ui.csv;
    if (wizard.batch == 0 || wizard.undone) return;
    auto command = undo_whole_batch(wizard.batch);
    if (!command) {
        wizard.message = command.error();
        return;
    }
    const auto outcome = m_engine.apply(*command, m_ui.user, now());
    if (!outcome.ok) {
        wizard.message = outcome.message;
        return;
    }
    wizard.undone = true;
    wizard.message.clear();
    m_ui.notice = "Undid the import of " + wizard.file_name;
    after_change();
}

void App::save_failed_rows() {
    const CsvImportWizard& wizard = m_ui.csv;
    if (!wizard.plan) return;
    const std::string stem = std::filesystem::path(wizard.file_name).stem().string();
    download_text(stem + "-failed-rows.csv", rejected_rows_csv(wizard.table, *wizard.plan));
}

// The values no option takes, as the wizard lists them.
static nlohmann::json unmatched_json(const std::vector<UnmatchedField>& fields) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& field : fields) {
        nlohmann::json values = nlohmann::json::array();
        for (const auto& value : field.values)
            values.push_back(
                {{"text", value.text}, {"rows", value.rows}, {"suggestion", value.suggestion}});
        out.push_back({{"field", field.field},
                       {"column", field.column},
                       {"values", values},
                       {"more", field.more}});
    }
    return out;
}

nlohmann::json App::csv_import_json() const {
    const CsvImportWizard& wizard = m_ui.csv;
    nlohmann::json problems = nlohmann::json::array();
    if (wizard.plan)
        for (const auto& problem : wizard.plan->problems)
            problems.push_back(describe_problem(problem));
    nlohmann::json state = {{"open", wizard.open},
                            {"file", wizard.file_name},
                            {"type", wizard.type},
                            {"mapping", import_mapping_to_json(wizard.mapping)},
                            {"summary", wizard.plan ? wizard.plan->summary() : ""},
                            {"problems", problems},
                            {"message", wizard.message},
                            {"done", wizard.done},
                            {"batch", wizard.batch},
                            {"undone", wizard.undone}};
    state["unmatched"] = unmatched_json(wizard.unmatched);
    return state;
}

} // namespace crm::web
