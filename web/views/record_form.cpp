// The record panel: field-type-aware editors, inline messages, save/delete.
#include "funnel.hpp"
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"
#include "model/field_text_local.hpp"
#include "model/field_values.hpp"
#include "query/exceptions.hpp"
#include "query/my_work.hpp"
#include "query/related.hpp"
#include "sla/clocks.hpp"
#include "util/local_time.hpp"
#include "util/text.hpp"

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>

namespace crm::web {

namespace {

constexpr ImGuiWindowFlags kFormPanel =
    ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
    ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoTitleBar;
constexpr std::size_t kMaxReferenceChoices = 200; // keeps an open picker cheap on big workspaces
constexpr std::size_t kRelatedShownPerType = 20;  // the rest are counted, not listed

std::string hint_for(const FieldDef& field, const std::string& currency) {
    switch (field.type) {
    case FieldType::Money:
        return "e.g. 12000 " + currency;
    case FieldType::Date:
        return "e.g. 2 Dec or 2026-12-02";
    case FieldType::DateTime:
        return "e.g. tomorrow 9:00 or 2 Dec 14:30";
    case FieldType::Email:
        return "name@example.com";
    case FieldType::Phone:
        return "+1 415 555 0123";
    case FieldType::Url:
    case FieldType::Domain:
        return "example.com";
    case FieldType::Number:
        return "0";
    default:
        return "";
    }
}

void edit_picklist(UiState& ui, const FieldDef& field, std::string& value) {
    if (ImGui::BeginCombo("##v", value.empty() ? "—" : value.c_str())) {
        if (ImGui::Selectable("—", value.empty())) value.clear();
        for (const auto& option : field.options) {
            if (ImGui::Selectable(option.c_str(), option == value)) value = option;
            mark(ui, "option-" + option);
        }
        ImGui::EndCombo();
    }
}

void edit_multi_picklist(const Workspace& ws, const FieldDef& field, std::string& value) {
    auto parsed = parse_field_text(field, value, ws.currency);
    std::vector<std::string> chosen;
    if (parsed && parsed->is_array())
        for (const auto& item : *parsed)
            chosen.push_back(item.get<std::string>());
    if (ImGui::BeginCombo("##v", value.empty() ? "—" : value.c_str())) {
        for (const auto& option : field.options) {
            bool on = std::find(chosen.begin(), chosen.end(), option) != chosen.end();
            if (ImGui::Checkbox(option.c_str(), &on)) {
                if (on)
                    chosen.push_back(option);
                else
                    chosen.erase(std::find(chosen.begin(), chosen.end(), option));
                value.clear();
                for (const auto& item : chosen)
                    value += (value.empty() ? "" : "; ") + item;
            }
        }
        ImGui::EndCombo();
    }
}

void edit_user_ref(const Workspace& ws, UiState& ui, std::string& value, const char* none_label) {
    const User* user = ws.directory.user(value);
    if (ImGui::BeginCombo("##v", user ? user->name.c_str() : none_label)) {
        if (ImGui::Selectable(none_label, value.empty())) value.clear();
        for (const auto& candidate : ws.directory.users()) {
            if (ImGui::Selectable(describe_user(candidate).c_str(), candidate.id == value))
                value = candidate.id;
            mark(ui, "choice-" + candidate.id);
        }
        ImGui::EndCombo();
    }
}

// A record picker: the records near this one first (under "Linked"), then the
// rest; typing narrows both. The core chooses and orders them.
void edit_record_ref(const ViewContext& view, const FieldDef& field, std::string& value,
                     std::string& filter, const std::vector<std::string>& nearby) {
    const Workspace& ws = view.workspace;
    UiState& ui = view.ui;
    const Record* target = ws.find(value);
    const std::string preview = target ? ws.title_of(*target) : (value.empty() ? "—" : value);
    if (!ImGui::BeginCombo("##v", preview.c_str(), ImGuiComboFlags_HeightLarge)) return;
    ImGui::SetNextItemWidth(-1);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::InputTextWithHint("##filter", "Type to search…", &filter);
    mark(ui, "picker-filter");
    if (ImGui::Selectable("—", value.empty())) value.clear();
    PickerChoices& picker = ui.form.picker;
    PickerChoices::Inputs inputs{field.target_type, filter, nearby, ui.user, view.version};
    if (!(picker.inputs == inputs)) {
        picker.found = reference_choices(ws, ui.user, field, nearby, filter, kMaxReferenceChoices);
        picker.inputs = std::move(inputs);
    }
    const ReferenceChoices& found = picker.found;
    for (std::size_t i = 0; i < found.choices.size(); ++i) {
        const ReferenceChoice& choice = found.choices[i];
        const bool first_of_part = i == 0 || found.choices[i - 1].nearby != choice.nearby;
        if (first_of_part && (choice.nearby || found.choices.front().nearby))
            ImGui::SeparatorText(choice.nearby ? "Linked" : "Everyone else");
        if (ImGui::Selectable((choice.title + "##" + choice.record_id).c_str(),
                              choice.record_id == value))
            value = choice.record_id;
        if (i < 20) mark(ui, "choice-" + choice.record_id);
    }
    if (found.more) ImGui::TextColored(colors::kMuted, "Type to narrow the list…");
    ImGui::EndCombo();
}

const char* const kMonths[] = {"January",   "February", "March",    "April",
                               "May",       "June",     "July",     "August",
                               "September", "October",  "November", "December"};

// The month grid: weeks from Monday; a tap on a day fills the field (with
// the time box's time for a date and time) and closes the calendar.
void draw_calendar(const ViewContext& view, const FieldDef& field, std::string& value) {
    DatePicker& picker = view.ui.date_picker;
    const float s = scale();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float cell = std::max(40 * s, tap_height());
    // Seven finger-sized days fit a phone's width: the gaps give way first.
    const float room = ImGui::GetIO().DisplaySize.x - 2 * style.WindowPadding.x -
                       2 * style.DisplaySafeAreaPadding.x - 4 * s;
    const float gap = std::clamp((room - 7 * cell) / 6, 2 * s, style.ItemSpacing.x);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, style.ItemSpacing.y));
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) {
        picker.month = add_days(picker.month, -1); // the last day of the month before
        picker.month.day = 1;
    }
    mark(view.ui, "picker-prev");
    ImGui::SameLine();
    const std::string title =
        std::string(kMonths[picker.month.month - 1]) + " " + std::to_string(picker.month.year);
    const float grid = cell * 7 + gap * 6;
    ImGui::AlignTextToFramePadding();
    ImGui::SetCursorPosX((grid - ImGui::CalcTextSize(title.c_str()).x) * 0.5f);
    ImGui::TextUnformatted(title.c_str());
    ImGui::SameLine(grid - ImGui::GetFrameHeight() + style.WindowPadding.x);
    if (ImGui::ArrowButton("##next", ImGuiDir_Right))
        picker.month = add_days(picker.month, days_in_month(picker.month.year, picker.month.month));
    mark(view.ui, "picker-next");
    const char* days[] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
    for (int d = 0; d < 7; ++d) {
        if (d) ImGui::SameLine();
        ImGui::SetCursorPosX(style.WindowPadding.x + d * (cell + gap) +
                             (cell - ImGui::CalcTextSize(days[d]).x) * 0.5f);
        ImGui::TextColored(colors::kMuted, "%s", days[d]);
    }
    const CivilDate today = local_date(view.now, view.ui.zone);
    const int lead = weekday(picker.month);
    const int length = days_in_month(picker.month.year, picker.month.month);
    for (int slot = 0; slot < lead + length; ++slot) {
        if (slot % 7) ImGui::SameLine();
        if (slot < lead) {
            ImGui::Dummy(ImVec2(cell, cell));
            continue;
        }
        const CivilDate date{picker.month.year, picker.month.month, slot - lead + 1};
        const std::string label = std::to_string(date.day);
        const bool is_today = date == today;
        if (is_today) ImGui::PushStyleColor(ImGuiCol_Text, colors::kAccentV);
        const bool chosen = ImGui::Button(label.c_str(), ImVec2(cell, cell));
        if (is_today) ImGui::PopStyleColor();
        mark(view.ui, "picker-day-" + label);
        if (chosen) {
            value = format_date(date);
            if (field.type == FieldType::DateTime) value += " " + picker.time;
            picker.field.clear();
            ImGui::CloseCurrentPopup();
        }
    }
    if (field.type == FieldType::DateTime) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(colors::kMuted, "Time");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100 * s);
        ImGui::InputTextWithHint("##time", "09:00", &picker.time);
        mark(view.ui, "picker-time");
    }
    ImGui::PopStyleVar();
}

// A date (and time) field: typed in the forms people use, or picked.
void edit_date(const ViewContext& view, const FieldDef& field, std::string& value) {
    const float button = ImGui::CalcTextSize("Pick").x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - button -
                            ImGui::GetStyle().ItemSpacing.x);
    ImGui::InputTextWithHint("##v", hint_for(field, view.workspace.currency).c_str(), &value);
    const ImGuiLastItemData input = GImGui->LastItemData;
    const std::string name = std::to_string(ImGui::GetItemID());
    ImGui::SameLine();
    DatePicker& picker = view.ui.date_picker;
    if (ImGui::Button("Pick")) {
        // Open on the month of what is typed, else this month.
        CivilDate start = local_date(view.now, view.ui.zone);
        if (field.type == FieldType::Date) {
            if (auto typed = parse_local_date(value, view.ui.zone, view.now)) start = *typed;
        } else if (auto typed = parse_local_datetime(value, view.ui.zone, view.now)) {
            start = local_date(*typed, view.ui.zone);
            const std::string text = local_datetime_text(*typed, view.ui.zone);
            picker.time = text.size() >= 16 ? text.substr(11, 5) : "09:00";
        }
        start.day = 1;
        picker.month = start;
        picker.field = name;
        ImGui::OpenPopup("##calendar");
    }
    mark(view.ui, "pick-" + field.id);
    if (ImGui::BeginPopup("##calendar")) {
        draw_calendar(view, field, value);
        ImGui::EndPopup();
    }
    // The field is the text box (tests and callers name it), not the button.
    ImGui::SetLastItemData(input.ID, input.InFlags, input.StatusFlags, input.Rect);
}

} // namespace

void edit_field_value(const ViewContext& view, const FieldDef& field, std::string& value,
                      std::string& filter, const std::vector<std::string>& nearby) {
    switch (field.type) {
    case FieldType::LongText:
        ImGui::InputTextMultiline("##v", &value, ImVec2(-1, ImGui::GetTextLineHeight() * 4));
        if (ImGui::IsItemActive()) view.ui.form.editing_multiline = true;
        break;
    case FieldType::Bool: {
        bool on = value == "yes";
        if (ImGui::Checkbox("##v", &on)) value = on ? "yes" : "no";
        break;
    }
    case FieldType::Picklist:
        edit_picklist(view.ui, field, value);
        break;
    case FieldType::MultiPicklist:
        edit_multi_picklist(view.workspace, field, value);
        break;
    case FieldType::UserRef:
        edit_user_ref(view.workspace, view.ui, value, "—");
        break;
    case FieldType::RecordRef:
        edit_record_ref(view, field, value, filter, nearby);
        break;
    case FieldType::Date:
    case FieldType::DateTime:
        edit_date(view, field, value);
        break;
    case FieldType::LineItems:
        edit_line_items(view, field, value);
        break;
    default:
        ImGui::InputTextWithHint("##v", hint_for(field, view.workspace.currency).c_str(), &value);
        break;
    }
}

std::vector<std::string> linked_ids(const RecordTypeDef& type, const Record* record,
                                    const std::map<std::string, std::string>& values) {
    std::vector<std::string> ids;
    for (const auto& field : type.fields) {
        if (field.type != FieldType::RecordRef) continue;
        std::string id;
        if (const auto typed = values.find(field.id); typed != values.end())
            id = typed->second;
        else if (record && record->value(field.id).is_string())
            id = record->value(field.id).get<std::string>();
        if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end())
            ids.push_back(std::move(id));
    }
    return ids;
}

namespace {

// A total the core works out from lines: shown as the lines being typed come to.
void draw_worked_out_field(ViewContext& view, const FieldDef& field) {
    ImGui::TextColored(colors::kMuted, "%s", field.label.c_str());
    ImGui::PushFont(heading_font());
    ImGui::TextUnformatted(live_total(view, field, view.ui.form.values[field.sum_of]).c_str());
    ImGui::PopFont();
    mark(view.ui, "field-" + field.id);
    ImGui::Spacing();
}

// What a funnel step filled in (where a lead went, when a quote was accepted):
// read, not edited; nothing until the step happens.
void draw_filled_in_field(ViewContext& view, const FieldDef& field, const Record* record) {
    if (!record || !record->has_value(field.id)) return;
    ImGui::TextColored(colors::kMuted, "%s", field.label.c_str());
    const std::string shown = shown_value(view, field, record->value(field.id));
    const auto& linked = record->value(field.id);
    if (field.type == FieldType::RecordRef && linked.is_string() &&
        view.workspace.find(linked.get<std::string>())) {
        // A tap opens where the lead went (its deal), or the quote's order.
        if (ImGui::Button((shown + "##" + field.id).c_str(), ImVec2(0, tap_height())))
            open_record(view, linked.get<std::string>());
    } else {
        text_fitted(shown, ImGui::GetContentRegionAvail().x);
    }
    mark(view.ui, "field-" + field.id);
    ImGui::Spacing();
}

void draw_field(ViewContext& view, const FieldDef& field) {
    if (!field.sum_of.empty()) return draw_worked_out_field(view, field);
    if (!field.filled_by.empty())
        return draw_filled_in_field(view, field, view.workspace.find(view.ui.form.record_id));
    RecordForm& form = view.ui.form;
    std::string& value = form.values[field.id];
    const auto problem = form.problems.find(field.id);
    ImGui::PushID(field.id.c_str());
    ImGui::TextColored(colors::kMuted, "%s%s", field.label.c_str(), field.required ? " *" : "");
    ImGui::SetNextItemWidth(-1);
    if (problem != form.problems.end()) ImGui::PushStyleColor(ImGuiCol_Border, colors::kDanger);
    if (form.focus_first) {
        ImGui::SetKeyboardFocusHere();
        form.focus_first = false;
    }
    const std::vector<std::string> nearby =
        field.type == FieldType::RecordRef
            ? linked_ids(*view.workspace.schema.type(form.type),
                         view.workspace.find(form.record_id), form.values)
            : std::vector<std::string>{};
    edit_field_value(view, field, value, form.reference_filters[field.id], nearby);
    mark(view.ui, "field-" + field.id);
    if (view.ui.keep_active_in_view > 0 && ImGui::IsItemActive()) ImGui::SetScrollHereY(0.4f);
    if (problem != form.problems.end()) {
        ImGui::PopStyleColor();
        // A field problem (the core's FieldProblem, or the form's own parse) reads after
        // the field's label, as the core joins them: "Last name: is required".
        text_colored_wrapped(colors::kDanger, field.label + ": " + problem->second);
    }
    ImGui::Spacing();
    ImGui::PopID();
}

// The record's SLA clocks and anything automation could not do, so the person
// on it sees by when, and what is stuck.
void draw_record_deadlines(const ViewContext& view, const Record& record) {
    const Workspace& ws = view.workspace;
    const auto clocks = sla_clocks(ws, workspace_calendar(ws), record, view.now);
    for (const auto& clock : clocks) {
        const ImVec4 color = clock.state == ClockState::Overdue  ? colors::kDanger
                             : clock.state == ClockState::AtRisk ? colors::kWarning
                             : clock.state == ClockState::Ok     ? colors::kSuccess
                                                                 : colors::kMuted;
        text_colored_wrapped(color, clock.policy->name + ": " +
                                        describe_clock(ws, record, clock, view.now));
    }
    for (const auto& [automation, failure] : record.automation_failures)
        text_colored_wrapped(colors::kDanger,
                             automation_failure_title(ws, automation) + ": " + failure.reason);
    if (!clocks.empty() || !record.automation_failures.empty()) ImGui::Separator();
}

// Problems people flagged in the record's data: what, who, when, and
// Resolve for those who may edit it.
void draw_data_problems(ViewContext& view, const Record& record, bool may_edit) {
    if (record.data_problems.empty()) return;
    const Workspace& ws = view.workspace;
    for (const auto& problem : record.data_problems) {
        const User* by = ws.directory.user(problem.by);
        text_colored_wrapped(colors::kWarning, "Data problem: " + problem.note);
        text_colored_wrapped(colors::kMuted, "Flagged by " + (by ? by->name : problem.by) + ", " +
                                                 describe_relative(problem.at, view.now));
    }
    mark(view.ui, "data-problems");
    if (may_edit) {
        if (ImGui::Button("Resolve", ImVec2(0, tap_height())))
            view.intents.push_back(ResolveProblems{record.id});
        mark(view.ui, "resolve-data-problems");
    }
    ImGui::Separator();
}

// "Flag a data problem": anyone who sees the record may say what is wrong
// with its data; it lands in the managers' data-quality queue.
void draw_flag_problem(ViewContext& view, const Record& record) {
    RecordForm& form = view.ui.form;
    if (view.read_only) return;
    ImGui::Spacing();
    if (!form.flagging) {
        if (ImGui::Button("Flag a data problem", ImVec2(0, tap_height()))) {
            form.flagging = form.focus_flag_note = form.show_flag_box = true;
            view.ui.keep_active_in_view = 3; // frames to scroll it into view
        }
        mark(view.ui, "flag-problem");
        return;
    }
    ImGui::TextColored(colors::kMuted, "What is wrong with this record's data?");
    ImGui::SetNextItemWidth(-1);
    if (form.focus_flag_note) ImGui::SetKeyboardFocusHere();
    ImGui::InputTextWithHint("##flag-note", "e.g. the phone number is the switchboard",
                             &form.flag_note);
    mark(view.ui, "flag-note");
    if (!form.flag_message.empty()) text_colored_wrapped(colors::kDanger, form.flag_message);
    if (primary_button("Flag", ImVec2(0, tap_height())))
        view.intents.push_back(FlagProblem{record.id, form.flag_note});
    mark(view.ui, "flag-submit");
    ImGui::SameLine();
    if (ImGui::Button("Cancel##flag", ImVec2(0, tap_height()))) {
        form.flagging = false;
        form.flag_note.clear();
        form.flag_message.clear();
    }
    mark(view.ui, "flag-cancel");
    if (form.show_flag_box) ImGui::SetScrollHereY(1.0f);
    form.show_flag_box = form.show_flag_box && view.ui.keep_active_in_view > 0;
    form.focus_flag_note = false;
}

// A record made before its history was kept (imported, or from the demo)
// still says who made it and when.
bool created_outside_history(const std::vector<TimelineEntry>& history) {
    return history.empty() || history.front().kind != "record.created";
}

// What happened to the record, newest first: who (or which automation, after
// whose change), how long ago, and what, in words.
void draw_record_history(const ViewContext& view, const Record& record) {
    const auto& history = view.ui.form.history;
    auto when = [&](Instant at) {
        return format_local_datetime(at, view.ui.zone, view.now) + " (" +
               describe_relative(at, view.now) + ")";
    };
    ListPages& pages = view.ui.form.history_pages;
    const std::size_t drawn = pages.drawn(history.size());
    for (auto entry = history.rbegin(); entry != history.rbegin() + drawn; ++entry) {
        text_colored_wrapped(colors::kMuted, entry->by + " · " + when(entry->at));
        ImGui::TextWrapped("%s", entry->what.c_str());
        ImGui::Spacing();
    }
    if (drawn < history.size()) {
        draw_show_more(view.ui, pages, history.size(), "Show older changes", "history-older");
        return;
    }
    if (!created_outside_history(history)) return;
    const User* creator = view.workspace.directory.user(record.created_by);
    text_colored_wrapped(colors::kMuted, (creator ? creator->name : std::string("Import")) + " · " +
                                             when(record.created_at));
    ImGui::TextWrapped("Created (brought in before its history was kept)");
}

// The record's next action and related records, read from the core once per
// change or minute, not per frame.
const RecordSurroundings& surroundings_of(const ViewContext& view, const Record& record) {
    auto& cache = view.ui.form.surroundings;
    if (cache.refresh(view.version, view.ui.user + "|" + record.id, view.now)) {
        cache.value.next = record_next_action(view.workspace, record, view.now);
        cache.value.related =
            related_records(view.workspace, view.ui.user, record, kRelatedShownPerType);
        cache.value.score.reset();
        if (record.type == "lead" && view.workspace.lead_scoring)
            cache.value.score = score_lead(view.workspace, record, view.now);
    }
    return cache.value;
}

ImVec4 due_color(const std::string& state) {
    return state == "overdue"   ? colors::kDanger
           : state == "at-risk" ? colors::kWarning
                                : colors::kMuted;
}

// When it is due, in words and the reader's zone: "overdue by 3 h", "due tomorrow 12:30".
std::string due_words(const ViewContext& view, const WorkItem& item) {
    if (!item.due) return "no due time";
    return describe_due_local(*item.due, view.now, view.ui.zone);
}

// A small filled label beside the text before it: "MQL".
void draw_badge(const char* text, const ImVec4& color) {
    ImGui::SameLine();
    const ImVec2 size = ImGui::CalcTextSize(text);
    const ImVec2 pad(6 * scale(), 1 * scale());
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(
        at, ImVec2(at.x + size.x + pad.x * 2, at.y + size.y + pad.y * 2),
        ImGui::ColorConvertFloat4ToU32(color), 4 * scale());
    ImGui::SetCursorScreenPos(ImVec2(at.x + pad.x, at.y + pad.y));
    ImGui::TextColored(ImVec4(1, 1, 1, 1), "%s", text);
}

std::string signed_text(int points) {
    return (points < 0 ? "" : "+") + std::to_string(points);
}

// A lead's score and why, point by point, as the core computes it now.
void draw_lead_score(ViewContext& view, const Record& record) {
    const auto& score = surroundings_of(view, record).score;
    if (!score) return;
    const LeadScoring& model = *view.workspace.lead_scoring;
    ImGui::PushFont(heading_font());
    ImGui::Text("Score %d", score->total);
    ImGui::PopFont();
    mark(view.ui, "lead-score");
    if (is_mql(record)) {
        draw_badge("MQL", colors::kSuccess);
        mark(view.ui, "mql-badge");
    }
    const nlohmann::json& mql_at = record.value("mql_at");
    const auto since = mql_at.is_string() ? parse_instant(mql_at.get<std::string>()) : std::nullopt;
    if (since)
        text_colored_wrapped(colors::kMuted,
                             "Handed to sales " +
                                 format_local_datetime(*since, view.ui.zone, view.now) +
                                 " (MQL at " + std::to_string(model.mql_threshold) + ")");
    else
        text_colored_wrapped(colors::kMuted,
                             std::to_string(std::max(0, model.mql_threshold - score->total)) +
                                 " points to MQL (" + std::to_string(model.mql_threshold) + ")");
    // On a phone the reasons fold away, so the fields stay on the first screen.
    const bool why =
        !score->lines.empty() &&
        ImGui::TreeNodeEx("Why this score", is_phone() ? 0 : ImGuiTreeNodeFlags_DefaultOpen);
    if (score->lines.empty())
        text_colored_wrapped(colors::kMuted, "No fit or engagement points yet");
    else if (why && ImGui::BeginTable("##score", 2,
                                      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        ImGui::TableSetupColumn("why", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("points", ImGuiTableColumnFlags_WidthFixed,
                                ImGui::CalcTextSize("+1000").x);
        for (const auto& line : score->lines) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const std::string when =
                line.at ? " " + format_local_date(local_date(*line.at, view.ui.zone), view.now,
                                                  view.ui.zone)
                        : "";
            ImGui::TextWrapped("%s", (line.label + when).c_str());
            if (!line.faded.empty())
                text_colored_wrapped(colors::kMuted, signed_text(line.base) + ", " + line.faded);
            ImGui::TableNextColumn();
            const std::string points = signed_text(line.points);
            // Right-aligned, so the column reads as a sum.
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x -
                                 ImGui::CalcTextSize(points.c_str()).x);
            ImGui::TextColored(line.points < 0 ? colors::kDanger
                                               : ImGui::GetStyleColorVec4(ImGuiCol_Text),
                               "%s", points.c_str());
        }
        ImGui::EndTable();
    }
    if (why) ImGui::TreePop();
    mark(view.ui, "score-breakdown");
    ImGui::Separator();
}

// First on the page: what to do next on this record, and by when.
void draw_next_action(ViewContext& view, const Record& record) {
    const auto& next = surroundings_of(view, record).next;
    if (!next) return;
    ImGui::PushFont(heading_font());
    text_colored_wrapped(colors::kAccentV, "Next: " + next->what);
    ImGui::PopFont();
    mark(view.ui, "next-action");
    if (!next->flow.empty()) mark(view.ui, "next-action-" + next->flow);
    std::string detail = due_words(view, *next);
    if (!next->reason.empty()) detail += " · " + next->reason;
    text_colored_wrapped(due_color(next->state), detail);
    mark(view.ui, "next-action-due");
    for (const auto& later : next->more) {
        text_colored_wrapped(colors::kMuted,
                             "Then: " + later.what + " · " + due_words(view, later));
        if (!later.flow.empty()) mark(view.ui, "next-action-" + later.flow);
    }
    ImGui::Separator();
}

std::string related_line(const ViewContext& view, const RelatedItem& item) {
    std::string line = item.title;
    if (!item.stage.empty()) line += " · " + item.stage;
    if (item.done)
        line += " · done";
    else if (item.at)
        line += " · " + format_local_datetime(*item.at, view.ui.zone, view.now);
    return line;
}

// Who points at this record, by type: a company's contacts, deals and
// tickets; a contact's deals, activities and tasks. A tap opens one.
void draw_related(ViewContext& view, const Record& record) {
    const auto& groups = surroundings_of(view, record).related;
    if (groups.empty())
        ImGui::TextColored(colors::kMuted, "No other records link to this one yet.");
    for (const auto& group : groups) {
        ImGui::PushID(group.type.c_str());
        ImGui::PushFont(heading_font());
        ImGui::Text("%s (%zu)", group.label.c_str(), group.count);
        ImGui::PopFont();
        for (const auto& item : group.shown) {
            if (ImGui::Selectable((related_line(view, item) + "##" + item.record_id).c_str(), false,
                                  0, ImVec2(0, tap_height())))
                open_record(view, item.record_id);
            mark(view.ui, "related-" + item.record_id);
        }
        if (group.count > group.shown.size())
            ImGui::TextColored(colors::kMuted, "… and %zu more", group.count - group.shown.size());
        ImGui::Spacing();
        ImGui::PopID();
    }
}

// Details, Related and History, then Log activity, wrapping where the panel is narrow.
void draw_pane_buttons(ViewContext& view, const Record& record) {
    RecordForm& form = view.ui.form;
    std::size_t related = 0;
    for (const auto& group : surroundings_of(view, record).related)
        related += group.count;
    const std::size_t history =
        form.history.size() + (created_outside_history(form.history) ? 1 : 0);
    const struct {
        FormPane pane;
        std::string label;
        const char* name;
    } panes[] = {{FormPane::Details, "Details", "form-details"},
                 {FormPane::Related, "Related (" + std::to_string(related) + ")", "related"},
                 {FormPane::History, "History (" + std::to_string(history) + ")", "history"}};
    for (const auto& pane : panes) {
        if (pane.pane != FormPane::Details) same_line_if_fits(pane.label.c_str());
        const bool on = form.pane == pane.pane;
        if (on) { // the pane shown: tinted, in the accent colour
            ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.86f, 0.91f, 1.0f, 1));
            ImGui::PushStyleColor(ImGuiCol_Text, colors::kAccentV);
        }
        if (ImGui::Button((pane.label + "###" + pane.name).c_str(), ImVec2(0, tap_height())))
            form.pane = pane.pane;
        if (on) ImGui::PopStyleColor(2);
        mark(view.ui, pane.name);
    }
    if (view.read_only) return;
    same_line_if_fits("Log activity");
    if (ImGui::Button("Log activity", ImVec2(0, tap_height())))
        open_log_form(view.ui, record.id, record.type == "task" ? record.id : "");
    mark(view.ui, "log-activity");
    draw_funnel_buttons(view, record);
}

} // namespace

bool form_has_unsaved_edits(const ViewContext& view) {
    const RecordForm& form = view.ui.form;
    if (!form.open || view.read_only) return false;
    return form.values != form.original || form.owner != form.original_owner;
}

void leave_form_then(ViewContext& view, LeaveAction leave) {
    if (!form_has_unsaved_edits(view)) {
        leave(view.workspace, view.ui);
        return;
    }
    view.ui.pending_leave = std::move(leave);
    view.ui.ask_leave = true;
}

void open_record(ViewContext& view, const std::string& id) {
    leave_form_then(view, [id](const Workspace& ws, UiState& ui) {
        ui.selected = id;
        open_form(ws, ui, id);
    });
}

void draw_leave_dialog(ViewContext& view) {
    UiState& ui = view.ui;
    if (!ui.ask_leave) return;
    if (!ImGui::IsPopupOpen("Unsaved changes")) ImGui::OpenPopup("Unsaved changes");
    const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
    ImGui::SetNextWindowPos(center, ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(dialog_width(480), 0));
    if (!ImGui::BeginPopupModal("Unsaved changes", nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoTitleBar))
        return;
    const Record* record = view.workspace.find(ui.form.record_id);
    ImGui::PushFont(heading_font());
    ImGui::TextWrapped("Save your changes%s?",
                       record ? (" to " + view.workspace.title_of(*record)).c_str() : "");
    ImGui::PopFont();
    ImGui::TextWrapped("You edited this record and have not saved it yet.");
    ImGui::Spacing();
    const float button = is_phone() ? ImGui::GetContentRegionAvail().x : 0;
    auto close = [&] {
        ui.ask_leave = false;
        ImGui::CloseCurrentPopup();
    };
    if (primary_button("Save", ImVec2(button, tap_height()))) {
        view.intents.push_back(SubmitForm{}); // leaves once it saved
        close();
    }
    mark(ui, "leave-save");
    if (!is_phone()) ImGui::SameLine();
    if (ImGui::Button("Discard changes", ImVec2(button, tap_height()))) {
        LeaveAction leave = std::move(ui.pending_leave);
        ui.pending_leave = nullptr;
        ui.form = RecordForm{};
        if (leave) leave(view.workspace, ui);
        close();
    }
    mark(ui, "leave-discard");
    if (!is_phone()) ImGui::SameLine();
    if (ImGui::Button("Keep editing", ImVec2(button, tap_height())) ||
        ImGui::IsKeyPressed(ImGuiKey_Escape)) {
        ui.pending_leave = nullptr;
        close();
    }
    mark(ui, "leave-keep");
    ImGui::EndPopup();
}

void open_form(const Workspace& ws, UiState& ui, const std::string& record_id) {
    const Record* record = ws.find(record_id);
    if (!record) return;
    const RecordTypeDef* type = ws.schema.type(record->type);
    RecordForm form;
    form.open = true;
    form.type = record->type;
    form.record_id = record->id;
    form.owner = record->owner;
    form.original_owner = record->owner;
    for (const auto& field : type->fields) {
        const auto& value = record->value(field.id);
        form.values[field.id] =
            value.is_null() ? "" : field_value_to_local_text(field, value, ui.zone);
    }
    form.original = form.values;
    ui.form = std::move(form);
    ui.notice.clear();
}

void open_new_form(const Workspace& ws, UiState& ui, const std::string& type_id) {
    const RecordTypeDef* type = ws.schema.type(type_id);
    if (!type) return;
    RecordForm form;
    form.open = true;
    form.creating = true;
    form.type = type_id;
    form.owner = ui.user;
    form.original_owner = ui.user;
    form.focus_first = true;
    for (const auto& field : type->fields)
        form.values[field.id] = "";
    form.original = form.values;
    ui.form = std::move(form);
    ui.selected.clear();
    ui.notice.clear();
}

namespace {

void close_form(const Workspace&, UiState& ui) {
    ui.form = RecordForm{};
}

// Type, title, who changed it last and when; on a phone a Back button first.
void draw_form_header(ViewContext& view, const RecordTypeDef& type, const Record* record) {
    const RecordForm& form = view.ui.form;
    if (is_phone()) {
        if (tap_button("‹ Back")) leave_form_then(view, close_form);
        mark(view.ui, "form-back");
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
    }
    ImGui::TextColored(colors::kMuted, "%s",
                       form.creating ? ("New " + type.label).c_str() : type.label.c_str());
    ImGui::PushFont(heading_font());
    ImGui::TextWrapped("%s", form.creating ? ("New " + type.label).c_str()
                                           : view.workspace.title_of(*record).c_str());
    ImGui::PopFont();
    if (!record) return;
    const User* creator = view.workspace.directory.user(record->created_by);
    const User* updater = view.workspace.directory.user(record->updated_by);
    const std::string who =
        updater ? updater->name : (creator ? creator->name : std::string("import"));
    text_colored_wrapped(colors::kMuted, "Updated " +
                                             describe_relative(record->updated_at, view.now) +
                                             " by " + who);
}

// "This may already exist": each likely duplicate a Create found, with why
// and a way to open it instead.
void draw_duplicate_warning(ViewContext& view) {
    RecordForm& form = view.ui.form;
    ImGui::TextColored(colors::kWarning, "This may already exist:");
    for (std::size_t i = 0; i < form.likely_duplicates.size(); ++i) {
        const DuplicatePair& pair = form.likely_duplicates[i];
        const std::string id = pair.first == kNewRecord ? pair.second : pair.first;
        const Record* existing = view.workspace.find(id);
        if (!existing) continue;
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("Open")) open_record(view, id);
        mark(view.ui, "open-duplicate-" + std::to_string(i));
        ImGui::SameLine();
        text_fitted(view.workspace.title_of(*existing) + " · " +
                        (pair.reasons.empty() ? std::string() : pair.reasons.front()),
                    ImGui::GetContentRegionAvail().x);
        ImGui::PopID();
    }
}

// Cancel's and Delete's width on a phone: each as wide as its word needs,
// the same for both, so Save keeps the rest of the row.
float phone_side_button_width(bool deletes) {
    const float padding = ImGui::GetStyle().FramePadding.x * 2;
    float widest = ImGui::CalcTextSize("Cancel").x;
    if (deletes)
        widest =
            std::max({widest, ImGui::CalcTextSize("Delete").x, ImGui::CalcTextSize("Confirm").x});
    return widest + padding * 2;
}

// Save (or Create), Cancel and Delete: always in view, below the fields.
void draw_form_footer(ViewContext& view, const Record* record, bool may_edit, bool may_delete) {
    RecordForm& form = view.ui.form;
    const float s = scale();
    ImGui::Separator();
    if (!form.message.empty()) text_colored_wrapped(colors::kDanger, form.message);
    if (!form.likely_duplicates.empty()) draw_duplicate_warning(view);
    ImGui::BeginDisabled(!may_edit);
    const bool warned = !form.likely_duplicates.empty();
    // On a phone the buttons share the row: Save takes what Cancel and Delete leave.
    const bool deletes = record && may_delete;
    const float side_width = is_phone() ? phone_side_button_width(deletes) : 100 * s;
    const float save_width =
        is_phone() ? ImGui::GetContentRegionAvail().x -
                         (side_width + ImGui::GetStyle().ItemSpacing.x) * (deletes ? 2 : 1)
                   : (warned ? 150 : 120) * s;
    if (primary_button(form.creating ? (warned ? "Create anyway" : "Create") : "Save",
                       ImVec2(save_width, tap_height()))) {
        form.create_anyway = warned;
        view.intents.push_back(SubmitForm{});
    }
    mark(view.ui, "save-record");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(side_width, tap_height())))
        leave_form_then(view, close_form);
    mark(view.ui, "cancel-record");
    if (!deletes) return;
    ImGui::SameLine(ImGui::GetContentRegionMax().x - side_width);
    if (!form.confirm_delete) {
        ImGui::PushStyleColor(ImGuiCol_Text, colors::kDanger);
        if (ImGui::Button("Delete", ImVec2(side_width, tap_height()))) form.confirm_delete = true;
        ImGui::PopStyleColor();
        mark(view.ui, "delete-record");
    } else {
        ImGui::PushStyleColor(ImGuiCol_Button, colors::kDanger);
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
        if (ImGui::Button("Confirm", ImVec2(side_width, tap_height())))
            view.intents.push_back(DeleteSelected{});
        ImGui::PopStyleColor(2);
        mark(view.ui, "confirm-delete");
    }
}

// Escape closes the form (asking first about unsaved edits); Enter saves it,
// except in a multi-line field, where Enter is a new line.
void handle_form_keys(ViewContext& view, bool may_edit) {
    if (ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId) || view.ui.ask_leave) return;
    RecordForm& form = view.ui.form;
    const bool enter = ImGui::IsKeyPressed(ImGuiKey_Enter, false) ||
                       ImGui::IsKeyPressed(ImGuiKey_KeypadEnter, false);
    // While a data problem is being written, Enter flags it and Escape puts it away.
    if (form.flagging) {
        if (enter) view.intents.push_back(FlagProblem{form.record_id, form.flag_note});
        if (ImGui::IsKeyPressed(ImGuiKey_Escape, false)) {
            form.flagging = false;
            form.flag_note.clear();
            form.flag_message.clear();
        }
        return;
    }
    if (ImGui::IsKeyPressed(ImGuiKey_Escape, false)) {
        leave_form_then(view, close_form);
        return;
    }
    if (enter && may_edit && !view.ui.form.editing_multiline) {
        // Enter after the duplicate warning is "Create anyway", like the button.
        view.ui.form.create_anyway = !view.ui.form.likely_duplicates.empty();
        view.intents.push_back(SubmitForm{});
    }
}

} // namespace

void draw_record_form(ViewContext& view) {
    RecordForm& form = view.ui.form;
    if (!form.open) return;
    const RecordTypeDef* type = view.workspace.schema.type(form.type);
    const Record* record = form.creating ? nullptr : view.workspace.find(form.record_id);
    if (!type || (!form.creating && !record)) {
        form = RecordForm{};
        return;
    }
    place(record_panel_area());
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.985f, 0.988f, 0.995f, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
    ImGui::Begin("##form", nullptr, kFormPanel);
    draw_form_header(view, *type, record);
    if (record) draw_pane_buttons(view, *record);
    ImGui::Separator();

    // The core says what this person may do here; the view only follows.
    const User* me = view.workspace.directory.user(view.ui.user);
    Status may_edit = view.read_only ? Status(Error{"this tab is read-only"}) : Status::success();
    Status may_delete = may_edit;
    if (record && me && may_edit) {
        may_edit = check_update(view.workspace, *me, *record);
        may_delete = check_delete(view.workspace, *me, *record);
    }
    if (!may_edit) text_colored_wrapped(colors::kMuted, "View only: " + may_edit.error());

    const float footer = tap_height() + ImGui::GetStyle().ItemSpacing.y * 3 +
                         (form.message.empty() ? 0 : ImGui::GetTextLineHeightWithSpacing() * 3) +
                         (form.likely_duplicates.empty()
                              ? 0
                              : ImGui::GetTextLineHeightWithSpacing() +
                                    ImGui::GetFrameHeightWithSpacing() *
                                        static_cast<float>(form.likely_duplicates.size()));
    // Process, deadlines and fields scroll together; the footer stays put.
    if (form.scroll_to_top) ImGui::SetNextWindowScroll(ImVec2(0, 0));
    form.scroll_to_top = false;
    ImGui::BeginChild("##fields", ImVec2(0, -footer));
    form.editing_multiline = false;
    if (record && form.pane == FormPane::History) {
        draw_record_history(view, *record);
    } else if (record && form.pane == FormPane::Related) {
        draw_related(view, *record);
    } else {
        if (record) {
            draw_next_action(view, *record);
            draw_record_deadlines(view, *record);
            draw_lead_score(view, *record);
            draw_data_problems(view, *record, static_cast<bool>(may_edit));
            draw_record_process(view, *record);
        }
        ImGui::BeginDisabled(!may_edit);
        ImGui::TextColored(colors::kMuted, "Owner");
        ImGui::SetNextItemWidth(-1);
        ImGui::PushID("owner");
        edit_user_ref(view.workspace, view.ui, form.owner, "Unassigned");
        ImGui::PopID();
        mark(view.ui, "field-owner");
        ImGui::Spacing();
        for (const auto& field : type->fields)
            draw_field(view, field);
        ImGui::EndDisabled();
        if (record) draw_flag_problem(view, *record);
    }
    ImGui::EndChild();
    draw_form_footer(view, record, static_cast<bool>(may_edit), static_cast<bool>(may_delete));
    handle_form_keys(view, static_cast<bool>(may_edit));
    ImGui::End();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
}

} // namespace crm::web
