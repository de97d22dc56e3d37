// The data-quality screen, for managers and admins: how complete one record
// type is against its target (overall, per field, the least complete
// records), records nobody has done anything on for a chosen period, and the
// data problems people flagged, each with Open and Resolve. What it shows is
// the core's (query/data_quality); a row opens its record.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"
#include "util/local_time.hpp"

#include <algorithm>
#include <cstdio>

namespace crm::web {

namespace {

constexpr int kQuietPeriods[] = {30, 90, 180, 365};

std::string period_label(int days) {
    return days == 365 ? "1 year" : std::to_string(days) + " days";
}

// Asked of the core again only when the workspace, the person, the minute
// or what the screen looks at changes; flagged records always (their count
// labels the third part), the other parts only when shown.
const DataQualityFindings& findings(const ViewContext& view) {
    DataQualityScreen& screen = view.ui.quality;
    const std::string wanted = std::to_string(static_cast<int>(screen.part)) + "|" + screen.type +
                               "|" + std::to_string(screen.inactive_days);
    auto& cache = screen.findings;
    if (!cache.refresh(view.version, view.ui.user, view.now) && screen.found_for == wanted)
        return cache.value;
    screen.found_for = wanted;
    DataQualityFindings& found = cache.value;
    found = DataQualityFindings{};
    found.flagged = data_problem_queue(view.workspace, view.ui.user);
    if (screen.part == QualityPart::Completeness) {
        found.completeness = completeness_report(view.workspace, view.ui.user, screen.type);
        for (const auto& record : found.completeness.least_complete)
            found.least_complete_ids.push_back(record.record_id);
    } else if (screen.part == QualityPart::Inactive) {
        found.inactive = inactive_records(view.workspace, view.ui.user, screen.type,
                                          screen.inactive_days, view.now);
        for (const auto& record : found.inactive)
            found.inactive_ids.push_back(record.record_id);
    }
    return found;
}

void draw_part_choice(ViewContext& view, std::size_t flagged) {
    DataQualityScreen& screen = view.ui.quality;
    const struct {
        QualityPart part;
        std::string label;
        const char* name;
    } parts[] = {
        {QualityPart::Completeness, "Completeness", "quality-completeness"},
        {QualityPart::Inactive, "Inactive", "quality-inactive"},
        {QualityPart::Flagged, "Flagged (" + std::to_string(flagged) + ")", "quality-flagged"}};
    for (const auto& part : parts)
        if (choice_button(view.ui, part.label, screen.part == part.part, part.name,
                          part.part == QualityPart::Completeness)) {
            screen.part = part.part;
            screen.flagged_pages = ListPages{}; // the queue opens on its first page
        }
}

void draw_quality_type_choice(ViewContext& view) {
    DataQualityScreen& screen = view.ui.quality;
    const RecordTypeDef* shown = view.workspace.schema.type(screen.type);
    ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x, 260 * scale()));
    if (ImGui::BeginCombo("##quality-type", shown ? shown->plural.c_str() : "Choose a type",
                          ImGuiComboFlags_HeightLarge)) {
        for (const RecordTypeDef* type : measured_types(view.workspace.schema)) {
            if (ImGui::Selectable(type->plural.c_str(), type->id == screen.type, 0,
                                  ImVec2(0, tap_height())))
                screen.type = type->id;
            mark(view.ui, "quality-type-" + type->id);
        }
        ImGui::EndCombo();
    }
    mark(view.ui, "quality-type");
}

// "contacts": a type's plural as it reads inside a sentence.
std::string lower_plural(const Workspace& ws, const std::string& type_id) {
    const RecordTypeDef* type = ws.schema.type(type_id);
    std::string plural = type ? type->plural : "records";
    std::transform(plural.begin(), plural.end(), plural.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return plural;
}

std::string record_title(const Workspace& ws, const std::string& id) {
    const Record* record = ws.find(id);
    return record ? ws.title_of(*record) : id;
}

std::string owner_name(const Workspace& ws, const std::string& id) {
    const Record* record = ws.find(id);
    const User* owner = record ? ws.directory.user(record->owner) : nullptr;
    return owner ? owner->name : "Unassigned";
}

std::string percent_text(std::size_t part, std::size_t whole) {
    return std::to_string(whole == 0 ? 100 : part * 100 / whole) + "%";
}

// A bar in `color`, its share written on it.
void draw_share_bar(float fraction, const ImVec4& color, float width, const char* text) {
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, color);
    ImGui::ProgressBar(fraction, ImVec2(width, 0), text);
    ImGui::PopStyleColor();
}

// "Phone   [=====   ] 62%   25 of 40": the label column and the bar keep
// to readable widths on a wide screen.
void draw_field_fill(const FieldFill& fill, std::size_t records) {
    const float s = scale();
    const float width = ImGui::GetContentRegionAvail().x;
    const float label_width = std::min(width * 0.38f, 200 * s);
    ImGui::AlignTextToFramePadding();
    text_fitted(fill.label, label_width - 8 * s);
    ImGui::SameLine(label_width);
    const float fraction = records == 0 ? 1.0f : static_cast<float>(fill.filled) / records;
    const std::string shown = percent_text(fill.filled, records);
    draw_share_bar(fraction, ImVec4(0.55f, 0.70f, 0.98f, 1), std::min(width * 0.32f, 320 * s),
                   shown.c_str());
    ImGui::SameLine();
    ImGui::TextColored(colors::kMuted, "%zu of %zu", fill.filled, records);
}

void draw_completeness(ViewContext& view, const DataQualityFindings& found) {
    const CompletenessReport& report = found.completeness;
    if (!view.workspace.schema.type(report.type)) return;
    const std::string plural = lower_plural(view.workspace, report.type);
    if (report.records == 0) {
        text_colored_wrapped(colors::kMuted, "No " + plural + " to measure yet.");
        return;
    }
    const bool on_target = report.percent >= report.target;
    ImGui::PushFont(heading_font());
    ImGui::TextColored(on_target ? colors::kSuccess : colors::kWarning, "%d%% complete",
                       report.percent);
    ImGui::PopFont();
    mark(view.ui, "quality-percent");
    text_colored_wrapped(colors::kMuted, "Target " + std::to_string(report.target) + "% · " +
                                             std::to_string(report.below_target) + " of " +
                                             std::to_string(report.records) + " " + plural +
                                             " below it");
    draw_share_bar(static_cast<float>(report.percent) / 100.0f,
                   on_target ? colors::kSuccess : colors::kWarning,
                   std::min(ImGui::GetContentRegionAvail().x, 552 * scale()), "");
    ImGui::Spacing();
    ImGui::TextColored(colors::kMuted, "BY FIELD, LEAST FILLED FIRST");
    for (const auto& fill : report.fields)
        draw_field_fill(fill, report.records);
    ImGui::Spacing();
    if (report.least_complete.empty()) return;
    ImGui::TextColored(colors::kMuted, "LEAST COMPLETE");
    draw_record_rows(view, found.least_complete_ids, "quality-record", [&](std::size_t row) {
        const RecordCompleteness& record = report.least_complete[row];
        std::string missing;
        for (const auto& label : record.missing)
            missing += (missing.empty() ? "" : ", ") + label;
        return std::to_string(record.percent()) + "% · missing " + missing;
    });
}

void draw_inactive(ViewContext& view, const DataQualityFindings& found) {
    const std::vector<InactiveRecord>& inactive = found.inactive;
    DataQualityScreen& screen = view.ui.quality;
    ImGui::TextColored(colors::kMuted, "Nothing done for");
    for (const int days : kQuietPeriods)
        if (choice_button(view.ui, period_label(days), screen.inactive_days == days,
                          "quality-days-" + std::to_string(days)))
            screen.inactive_days = days;
    const std::string plural = lower_plural(view.workspace, screen.type);
    if (inactive.empty()) {
        text_colored_wrapped(colors::kMuted, "Every one of the " + plural +
                                                 " has had something done in the last " +
                                                 period_label(screen.inactive_days) + ".");
        return;
    }
    text_colored_wrapped(colors::kMuted, std::to_string(inactive.size()) + " " + plural +
                                             " with nothing done on them or their records, "
                                             "longest quiet first");
    draw_record_rows(view, found.inactive_ids, "quality-inactive-row", [&](std::size_t row) {
        const Instant at = inactive[row].last_touched;
        return owner_name(view.workspace, inactive[row].record_id) + " · last touched " +
               format_local_date(local_date(at, view.ui.zone), view.now, view.ui.zone) + " (" +
               describe_relative(at, view.now) + ")";
    });
}

// One flagged record: its title, each problem with who and when, and
// Open and Resolve (for those who may edit the record).
void draw_flagged_record(ViewContext& view, const FlaggedRecord& flagged, int row) {
    const Workspace& ws = view.workspace;
    const Record* record = ws.find(flagged.record_id);
    if (!record) return;
    ImGui::PushID(row);
    ImGui::PushFont(strong_font());
    text_fitted(ws.title_of(*record), ImGui::GetContentRegionAvail().x);
    ImGui::PopFont();
    for (const auto& problem : flagged.problems) {
        const User* by = ws.directory.user(problem.by);
        text_colored_wrapped(colors::kMuted, (by ? by->name : problem.by) + " · " +
                                                 describe_relative(problem.at, view.now));
        ImGui::TextWrapped("%s", problem.note.c_str());
    }
    if (ImGui::Button("Open", ImVec2(0, tap_height()))) open_record(view, flagged.record_id);
    if (row < 30) mark(view.ui, "flagged-open-" + std::to_string(row));
    const User* me = ws.directory.user(view.ui.user);
    if (!view.read_only && me && check_update(ws, *me, *record)) {
        ImGui::SameLine();
        if (ImGui::Button("Resolve", ImVec2(0, tap_height())))
            view.intents.push_back(ResolveProblems{flagged.record_id});
        if (row < 30) mark(view.ui, "flagged-resolve-" + std::to_string(row));
    }
    ImGui::Separator();
    ImGui::PopID();
}

void draw_flagged(ViewContext& view, const std::vector<FlaggedRecord>& flagged) {
    if (flagged.empty()) {
        text_colored_wrapped(colors::kMuted,
                             "No data problems flagged. Anyone can flag one from a record: "
                             "\"Flag a data problem\" under its fields.");
        return;
    }
    text_colored_wrapped(colors::kMuted,
                         std::to_string(flagged.size()) + " flagged, the longest waiting first");
    // Rows differ in height (a record may carry several problems), so no
    // clipper: the queue is drawn a page at a time inside a scrolling child.
    ListPages& pages = view.ui.quality.flagged_pages;
    ImGui::BeginChild("##flagged", ImVec2(0, 0));
    for (std::size_t i = 0; i < pages.drawn(flagged.size()); ++i)
        draw_flagged_record(view, flagged[i], static_cast<int>(i));
    draw_show_more(view.ui, pages, flagged.size(), "Show more", "flagged-more");
    ImGui::EndChild();
}

} // namespace

// A list of two-line rows the clipper draws only where visible: the
// record's title, a muted detail line; a tap opens the record.
void draw_record_rows(ViewContext& view, const std::vector<std::string>& ids, const char* prefix,
                      const std::function<std::string(std::size_t)>& detail) {
    const float s = scale();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float row_height = std::max(tap_height(), line * 2 + 10 * s);
    ImGui::BeginChild(prefix, ImVec2(0, 0));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(ids.size()), row_height + ImGui::GetStyle().ItemSpacing.y);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const std::string& id = ids[static_cast<std::size_t>(row)];
            ImGui::PushID(row);
            const ImVec2 top = ImGui::GetCursorScreenPos();
            const float width = ImGui::GetContentRegionAvail().x;
            if (ImGui::Selectable("##row", view.ui.form.record_id == id, 0,
                                  ImVec2(width, row_height)))
                open_record(view, id);
            if (row < 30) mark(view.ui, std::string(prefix) + "-" + std::to_string(row));
            const ImVec2 after = ImGui::GetCursorScreenPos();
            ImGui::SetCursorScreenPos(ImVec2(top.x + 4 * s, top.y + 4 * s));
            ImGui::PushFont(strong_font());
            text_fitted(record_title(view.workspace, id), width - 8 * s);
            ImGui::PopFont();
            ImGui::SetCursorScreenPos(ImVec2(top.x + 4 * s, top.y + 4 * s + line));
            text_fitted(detail(static_cast<std::size_t>(row)), width - 8 * s, &colors::kMuted);
            ImGui::SetCursorScreenPos(after);
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

void draw_data_quality(ViewContext& view) {
    // Someone else chose who they are: a rep works from My work.
    const User* me = view.workspace.directory.user(view.ui.user);
    if (!me || !can_review_data_quality(*me)) {
        view.ui.screen = Screen::MyWork;
        return;
    }
    place_main_area(view.ui.form.open);
    ImGui::Begin("##data-quality", nullptr, kPanel);
    if (!is_phone()) {
        ImGui::PushFont(heading_font());
        ImGui::TextUnformatted("Data quality");
        ImGui::PopFont();
    }
    DataQualityScreen& screen = view.ui.quality;
    const DataQualityFindings& found = findings(view);
    draw_part_choice(view, found.flagged.size());
    draw_undo_button(view);
    if (screen.part != QualityPart::Flagged) draw_quality_type_choice(view);
    ImGui::Spacing();
    // A choice above may have changed what is asked: the next frame shows it.
    const DataQualityFindings& shown = findings(view);
    switch (screen.part) {
    case QualityPart::Completeness:
        draw_completeness(view, shown);
        break;
    case QualityPart::Inactive:
        draw_inactive(view, shown);
        break;
    case QualityPart::Flagged:
        draw_flagged(view, shown.flagged);
        break;
    }
    ImGui::End();
}

} // namespace crm::web
