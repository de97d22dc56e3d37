// The CSV import wizard: which records the rows become, which column fills
// which field, a dry run that lists every row that would fail and why, the
// import as one batch, and its undo. On a phone each column's choice sits
// under its name; elsewhere beside it. Picklist values that are no option
// get a choice of option below the columns.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <map>
#include <string>

namespace crm::web {

namespace {

constexpr const char* kNotImported = "Not imported";
const std::string kNoSample;

std::string target_label(const RecordTypeDef& type, const std::string& target) {
    if (target.empty()) return kNotImported;
    if (target == kOwnerTarget) return "Owner";
    const FieldDef* field = type.field(target);
    return field ? field->label : target;
}

std::string rows_text(std::size_t count) {
    return std::to_string(count) + (count == 1 ? " row" : " rows");
}

// Any change to what is imported makes the last dry run stale.
void forget_plan(CsvImportWizard& wizard) {
    wizard.plan.reset();
    wizard.message.clear();
}

// Finds the values no option takes once per change of the columns. A field
// newly listed (or listed for another column) starts from the suggested
// options, for the rep to see and change; a field no longer listed drops
// its choices.
void find_unmatched_values(const RecordTypeDef& type, CsvImportWizard& wizard) {
    std::map<std::string, std::string> column_before; // field -> the column it was listed for
    for (const auto& field : wizard.unmatched)
        column_before[field.field] = field.column;
    wizard.unmatched = unmatched_values(type, wizard.table, wizard.mapping);
    std::map<std::string, std::map<std::string, std::string>> values;
    for (const auto& field : wizard.unmatched) {
        auto& chosen = values[field.field];
        if (column_before[field.field] == field.column) {
            chosen = std::move(wizard.mapping.values[field.field]);
            continue;
        }
        for (const auto& value : field.values)
            if (!value.suggestion.empty()) chosen[value.text] = value.suggestion;
    }
    std::erase_if(values, [](const auto& field) { return field.second.empty(); });
    wizard.mapping.values = std::move(values);
}

void columns_changed(const RecordTypeDef& type, CsvImportWizard& wizard) {
    find_unmatched_values(type, wizard);
    forget_plan(wizard);
}

void draw_type_choice(ViewContext& view, CsvImportWizard& wizard) {
    const RecordTypeDef* current = view.workspace.schema.type(wizard.type);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Each row becomes a");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(180 * scale());
    if (ImGui::BeginCombo("##csv-type", current ? current->label.c_str() : "")) {
        for (const auto& type : view.workspace.schema.types()) {
            if (ImGui::Selectable(type.label.c_str(), type.id == wizard.type) &&
                type.id != wizard.type)
                choose_csv_import_type(view.workspace, wizard, type.id);
            mark(view.ui, "csv-type-" + type.id);
        }
        ImGui::EndCombo();
    }
    mark(view.ui, "csv-type");
}

void draw_target_combo(ViewContext& view, CsvImportWizard& wizard, const RecordTypeDef& type,
                       const std::string& header, float width) {
    auto& columns = wizard.mapping.columns;
    const auto found = columns.find(header);
    const std::string current = found == columns.end() ? "" : found->second;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##target", target_label(type, current).c_str(),
                          ImGuiComboFlags_HeightLarge)) {
        auto choose = [&](const std::string& target) {
            if (target == current) return;
            if (target.empty())
                columns.erase(header);
            else
                columns[header] = target;
            if (wizard.mapping.key == current) wizard.mapping.key.clear();
            columns_changed(type, wizard);
        };
        if (ImGui::Selectable(kNotImported, current.empty())) choose("");
        if (ImGui::Selectable("Owner", current == kOwnerTarget)) choose(kOwnerTarget);
        for (const auto& field : type.fields) {
            if (ImGui::Selectable(field.label.c_str(), field.id == current)) choose(field.id);
            mark(view.ui, "csv-target-" + field.id);
        }
        ImGui::EndCombo();
    }
}

// A name and its choice: side by side, or on a phone the choice under the name.
struct MappingLayout {
    float width = 0;
    bool stacked = false;
    float name_width = 0;
    float combo_width = 0;
};

MappingLayout mapping_layout() {
    const float width = ImGui::GetContentRegionAvail().x;
    const bool stacked = is_phone();
    return {width, stacked, stacked ? width : std::min(260 * scale(), width * 0.35f),
            stacked ? width : std::min(280 * scale(), width * 0.4f)};
}

void draw_column_mapping(ViewContext& view, CsvImportWizard& wizard, const RecordTypeDef& type) {
    const float s = scale();
    const auto [width, stacked, name_width, combo_width] = mapping_layout();
    ImGui::TextColored(colors::kMuted, "Columns: what each one fills");
    for (std::size_t i = 0; i < wizard.table.header.size(); ++i) {
        const std::string& header = wizard.table.header[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::AlignTextToFramePadding();
        text_fitted(header, name_width);
        if (!stacked) ImGui::SameLine(name_width + 16 * s);
        draw_target_combo(view, wizard, type, header, combo_width);
        mark(view.ui, "csv-column-" + std::to_string(i));
        // Found when the file was opened: no scan of the rows per frame.
        const std::string& sample = i < wizard.samples.size() ? wizard.samples[i] : kNoSample;
        if (!stacked && !sample.empty()) {
            ImGui::SameLine();
            text_fitted("e.g. " + sample, std::max(40.0f, ImGui::GetContentRegionAvail().x),
                        &colors::kMuted);
        }
        if (stacked) ImGui::Spacing();
        ImGui::PopID();
    }
}

// The option the rep chose for a value; "" = none.
std::string chosen_option(const ImportMapping& mapping, const std::string& field,
                          const std::string& value) {
    const auto map = mapping.values.find(field);
    if (map == mapping.values.end()) return "";
    const auto option = map->second.find(value);
    return option == map->second.end() ? "" : option->second;
}

// The option one unmatched value becomes, or none (its rows then fail).
void draw_value_combo(ViewContext& view, CsvImportWizard& wizard, const FieldDef& field,
                      const std::string& value, float width) {
    constexpr const char* kLeave = "Leave as is (fails)";
    auto& values = wizard.mapping.values;
    const std::string current = chosen_option(wizard.mapping, field.id, value);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##value", current.empty() ? kLeave : current.c_str(),
                          ImGuiComboFlags_HeightLarge)) {
        auto choose = [&](const std::string& option) {
            if (option == current) return;
            if (!option.empty())
                values[field.id][value] = option;
            else if (values[field.id].erase(value) && values[field.id].empty())
                values.erase(field.id);
            forget_plan(wizard);
        };
        if (ImGui::Selectable(kLeave, current.empty())) choose("");
        mark(view.ui, "csv-value-option-none");
        for (const auto& option : field.options) {
            if (ImGui::Selectable(option.c_str(), option == current)) choose(option);
            mark(view.ui, "csv-value-option-" + option);
        }
        ImGui::EndCombo();
    }
}

// The picklist values the file holds that are no option ("Won" where the
// picklist says "Closed won"), each with the option it becomes.
void draw_value_mapping(ViewContext& view, CsvImportWizard& wizard, const RecordTypeDef& type) {
    const float s = scale();
    const auto [width, stacked, name_width, combo_width] = mapping_layout();
    ImGui::TextColored(colors::kMuted, "Values no option matches: what each becomes");
    for (const auto& unmatched : wizard.unmatched) {
        const FieldDef* field = type.field(unmatched.field);
        if (!field) continue;
        ImGui::PushID(unmatched.field.c_str());
        text_fitted(field->label + " (column \"" + unmatched.column + "\")", width);
        for (std::size_t i = 0; i < unmatched.values.size(); ++i) {
            const UnmatchedValue& value = unmatched.values[i];
            ImGui::PushID(static_cast<int>(i));
            ImGui::AlignTextToFramePadding();
            text_fitted(value.text + " \xC2\xB7 " + rows_text(value.rows), name_width);
            mark(view.ui, "csv-value-text-" + unmatched.field + "-" + std::to_string(i));
            if (!stacked) ImGui::SameLine(name_width + 16 * s);
            draw_value_combo(view, wizard, *field, value.text, combo_width);
            mark(view.ui, "csv-value-" + unmatched.field + "-" + std::to_string(i));
            if (stacked) ImGui::Spacing();
            ImGui::PopID();
        }
        if (unmatched.more > 0)
            text_colored_wrapped(colors::kMuted,
                                 "and " + std::to_string(unmatched.more) +
                                     " more values that are no option: their rows fail");
        ImGui::PopID();
    }
}

// The field that finds the record a row updates: re-running a file then
// updates what it made instead of adding it twice.
void draw_key_choice(ViewContext& view, CsvImportWizard& wizard, const RecordTypeDef& type) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Match existing records by");
    if (!is_phone()) ImGui::SameLine();
    ImGui::SetNextItemWidth(is_phone() ? -1 : 220 * scale());
    const std::string& key = wizard.mapping.key;
    if (ImGui::BeginCombo("##csv-key", key.empty() ? "Nothing (every row adds)"
                                                   : target_label(type, key).c_str())) {
        if (ImGui::Selectable("Nothing (every row adds)", key.empty())) {
            wizard.mapping.key.clear();
            forget_plan(wizard);
        }
        for (const auto& [header, target] : wizard.mapping.columns) {
            if (target == kOwnerTarget) continue;
            if (ImGui::Selectable(target_label(type, target).c_str(), target == key)) {
                wizard.mapping.key = target;
                forget_plan(wizard);
            }
        }
        ImGui::EndCombo();
    }
    mark(view.ui, "csv-key");
}

// How to read dates such as 03/04/25, which fit two ways.
void draw_date_choice(ViewContext& view, CsvImportWizard& wizard) {
    static constexpr const char* kFormats[][2] = {
        {"", "Find out from the file"},
        {"DD/MM/YYYY", "Day first (31/12/2025)"},
        {"MM/DD/YYYY", "Month first (12/31/2025)"},
    };
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Dates like 03/04/25 are");
    if (!is_phone()) ImGui::SameLine();
    ImGui::SetNextItemWidth(is_phone() ? -1 : 220 * scale());
    const char* shown = kFormats[0][1];
    for (const auto& format : kFormats)
        if (wizard.mapping.date_format == format[0]) shown = format[1];
    if (ImGui::BeginCombo("##csv-dates", shown)) {
        for (const auto& format : kFormats)
            if (ImGui::Selectable(format[1], wizard.mapping.date_format == format[0])) {
                wizard.mapping.date_format = format[0];
                forget_plan(wizard);
            }
        ImGui::EndCombo();
    }
    mark(view.ui, "csv-dates");
}

// The dry run's counts and its problems, one per line; a file of 100k rows
// may have as many, so the screen shows the first ones and the saved file
// of failed rows holds them all.
void draw_report(ViewContext& view, const ImportPlan& plan) {
    constexpr std::size_t kShownProblems = 200;
    const std::size_t failed = plan.count(RowAction::Fail);
    text_colored_wrapped(failed ? colors::kWarning : colors::kSuccess,
                         "Checked: " + plan.summary());
    mark(view.ui, "csv-summary");
    if (view.ui.csv.show_report) {
        ImGui::SetScrollHereY(0.0f); // the report, not the mapping above it
        view.ui.csv.show_report = false;
    }
    if (plan.problems.empty()) return;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const std::size_t shown = std::min(plan.problems.size(), kShownProblems);
    const float height = std::min(line * static_cast<float>(shown + 1),
                                  std::max(line * 4, ImGui::GetContentRegionAvail().y * 0.5f));
    ImGui::BeginChild("##csv-problems", ImVec2(0, height), ImGuiChildFlags_Border);
    for (std::size_t i = 0; i < shown; ++i)
        text_colored_wrapped(colors::kDanger, describe_problem(plan.problems[i]));
    if (shown < plan.problems.size())
        text_colored_wrapped(colors::kMuted, "and " + std::to_string(plan.problems.size() - shown) +
                                                 " more: save the failed rows to see every reason");
    ImGui::EndChild();
    mark(view.ui, "csv-problems");
}

// The footer's height: one row of buttons, more when rows failed (the
// skip and save choices; a phone stacks them).
float footer_height(const CsvImportWizard& wizard) {
    const bool failed = wizard.plan && wizard.plan->count(RowAction::Fail) > 0;
    const float rows = failed ? (is_phone() ? 3.0f : 2.0f) : 1.0f;
    const ImGuiStyle& style = ImGui::GetStyle();
    return rows * (tap_height() + style.ItemSpacing.y) + style.ItemSpacing.y;
}

void draw_actions(ViewContext& view, CsvImportWizard& wizard) {
    const ImportPlan* plan = wizard.plan ? &*wizard.plan : nullptr;
    if (!plan) {
        const std::string check =
            "Check " + rows_text(wizard.table.rows.size()) + " (nothing is saved)";
        if (primary_button(check.c_str(), ImVec2(0, tap_height())))
            view.intents.push_back(CheckCsvImport{});
        mark(view.ui, "csv-check");
    } else {
        const std::size_t failed = plan->count(RowAction::Fail);
        const std::size_t changes = plan->count(RowAction::Add) + plan->count(RowAction::Update);
        if (failed > 0) {
            ImGui::Checkbox("Skip the rows that failed", &wizard.skip_failed);
            mark(view.ui, "csv-skip");
            same_line_if_fits("Save the failed rows");
            if (ImGui::Button("Save the failed rows", ImVec2(0, tap_height())))
                view.intents.push_back(SaveFailedRows{});
            mark(view.ui, "csv-save-failed");
        }
        const bool can_import =
            changes > 0 && (failed == 0 || wizard.skip_failed) && !view.read_only;
        ImGui::BeginDisabled(!can_import);
        const std::string label = "Import " + rows_text(changes);
        if (primary_button(label.c_str(), ImVec2(0, tap_height())))
            view.intents.push_back(CommitCsvImport{});
        ImGui::EndDisabled();
        mark(view.ui, "csv-import");
        if (changes == 0 && failed == 0)
            text_colored_wrapped(colors::kMuted, "Nothing to import: every row is already here.");
    }
    same_line_if_fits("Cancel");
    if (ImGui::Button("Cancel", ImVec2(0, tap_height()))) view.ui.csv = CsvImportWizard{};
    mark(view.ui, "csv-cancel");
}

// After the import: what it did, its undo, and the way back.
void draw_done(ViewContext& view, CsvImportWizard& wizard) {
    text_colored_wrapped(wizard.undone ? colors::kMuted : colors::kSuccess,
                         wizard.undone
                             ? "Undone: the import of " + wizard.file_name + " was taken back."
                             : wizard.done);
    mark(view.ui, "csv-done");
    if (!wizard.message.empty()) text_colored_wrapped(colors::kDanger, wizard.message);
    if (!wizard.undone && wizard.batch != 0 && !view.read_only) {
        if (ImGui::Button("Undo this import", ImVec2(0, tap_height())))
            view.intents.push_back(UndoCsvImport{});
        mark(view.ui, "csv-undo");
        ImGui::SameLine();
    }
    if (primary_button("Done", ImVec2(0, tap_height()))) {
        view.ui.type = wizard.type;
        view.ui.screen = Screen::Records;
        view.ui.csv = CsvImportWizard{};
    }
    mark(view.ui, "csv-close");
}

} // namespace

void choose_csv_import_type(const Workspace& workspace, CsvImportWizard& wizard,
                            const std::string& type_id) {
    const RecordTypeDef* type = workspace.schema.type(type_id);
    if (!type) return;
    wizard.type = type_id;
    wizard.mapping = suggest_mapping(workspace, *type, wizard.table.header);
    wizard.unmatched.clear(); // another type's fields: suggest afresh
    columns_changed(*type, wizard);
}

void draw_csv_import(ViewContext& view) {
    CsvImportWizard& wizard = view.ui.csv;
    const RecordTypeDef* type = view.workspace.schema.type(wizard.type);
    place_main_area(false);
    ImGui::Begin("##csv-import", nullptr, kPanel);
    ImGui::PushFont(heading_font());
    text_fitted("Import " + wizard.file_name, ImGui::GetContentRegionAvail().x);
    ImGui::PopFont();
    const char* separator = wizard.delimiter == '\t'  ? "tab"
                            : wizard.delimiter == ';' ? "semicolon"
                                                      : "comma";
    text_colored_wrapped(colors::kMuted, std::to_string(wizard.table.rows.size()) + " rows, " +
                                             std::to_string(wizard.table.header.size()) +
                                             " columns · " + wizard.encoding + ", " + separator +
                                             "-separated");
    ImGui::Spacing();
    if (!wizard.done.empty()) {
        draw_done(view, wizard);
    } else if (type) {
        // The mapping and the report scroll; the actions stay at the foot.
        ImGui::BeginChild("##csv-body", ImVec2(0, -footer_height(wizard)));
        draw_type_choice(view, wizard);
        ImGui::Spacing();
        draw_column_mapping(view, wizard, *type);
        ImGui::Spacing();
        if (!wizard.unmatched.empty()) {
            draw_value_mapping(view, wizard, *type);
            ImGui::Spacing();
        }
        draw_key_choice(view, wizard, *type);
        draw_date_choice(view, wizard);
        ImGui::Separator();
        if (!wizard.message.empty()) text_colored_wrapped(colors::kDanger, wizard.message);
        if (wizard.plan) draw_report(view, *wizard.plan);
        ImGui::EndChild();
        draw_actions(view, wizard);
    }
    ImGui::End();
}

} // namespace crm::web
