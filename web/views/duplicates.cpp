// The duplicates review: likely pairs of one record type, strongest first,
// each with why it matched; opening one shows both records field by field,
// the person picks which record stays and which values it keeps, and Merge
// sends one MergeRecords command (undone by Undo beside its notice).
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/merge.hpp"
#include "engine/permissions.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace crm::web {

namespace {

// The record types a person looks for duplicates among, in the schema's order.
std::vector<const RecordTypeDef*> reviewable_types(const Workspace& ws) {
    std::vector<const RecordTypeDef*> types;
    for (const auto& type : ws.schema.types())
        for (const char* id : {"contact", "company", "lead"})
            if (type.id == id) types.push_back(&type);
    return types;
}

void open_pair(DuplicatesReview& review, int index) {
    review.open = index;
    review.swapped = false;
    review.from_other.clear();
}

// Pairs of records this person may see, found again only when the
// workspace or the type changes; the open pair stays open (found again by
// its records) while it is still a pair, else it closes with its choices.
void refresh_pairs(const ViewContext& view) {
    DuplicatesReview& review = view.ui.duplicates;
    if (review.version == view.version && review.searched_type == review.type &&
        review.searched_user == view.ui.user)
        return;
    std::optional<DuplicatePair> was_open;
    if (review.open >= 0 && review.open < static_cast<int>(review.pairs.size()))
        was_open = review.pairs[static_cast<std::size_t>(review.open)];
    review.pairs = find_duplicates(view.workspace, review.type);
    if (const User* me = view.workspace.directory.user(view.ui.user))
        keep_visible_pairs(view.workspace, *me, review.pairs);
    else
        review.pairs.clear();
    review.version = view.version;
    review.searched_type = review.type;
    review.searched_user = view.ui.user;
    const auto same = std::find_if(review.pairs.begin(), review.pairs.end(), [&](const auto& pair) {
        return was_open && pair.first == was_open->first && pair.second == was_open->second;
    });
    if (same == review.pairs.end())
        open_pair(review, -1);
    else
        review.open = static_cast<int>(same - review.pairs.begin());
}

std::string title_of(const Workspace& ws, const std::string& id) {
    const Record* record = ws.find(id);
    return record ? ws.title_of(*record) : id;
}

void draw_duplicates_type_choice(ViewContext& view) {
    DuplicatesReview& review = view.ui.duplicates;
    for (const RecordTypeDef* type : reviewable_types(view.workspace)) {
        const bool chosen = review.type == type->id;
        if (chosen)
            ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(type->plural.c_str(), ImVec2(0, tap_height())) && !chosen) {
            review.type = type->id;
            open_pair(review, -1);
        }
        if (chosen) ImGui::PopStyleColor();
        mark(view.ui, "duplicates-type-" + type->id);
        ImGui::SameLine();
    }
    ImGui::NewLine();
}

void draw_pair_list(ViewContext& view, float height) {
    DuplicatesReview& review = view.ui.duplicates;
    const float s = scale();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float row_height = std::max(tap_height(), line * 2 + 10 * s);
    ImGui::BeginChild("##pairs", ImVec2(0, height));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(review.pairs.size()),
                  row_height + ImGui::GetStyle().ItemSpacing.y);
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const DuplicatePair& pair = review.pairs[static_cast<std::size_t>(row)];
            ImGui::PushID(row);
            const ImVec2 top = ImGui::GetCursorScreenPos();
            const float width = ImGui::GetContentRegionAvail().x;
            if (ImGui::Selectable("##pair", review.open == row, 0, ImVec2(width, row_height)))
                open_pair(review, review.open == row ? -1 : row);
            if (row < 30) mark(view.ui, "duplicate-" + std::to_string(row));
            const ImVec2 after = ImGui::GetCursorScreenPos();
            char score[16];
            std::snprintf(score, sizeof score, "%d%%", static_cast<int>(pair.score * 100 + 0.5));
            ImGui::SetCursorScreenPos(ImVec2(top.x + 4 * s, top.y + 4 * s));
            ImGui::PushFont(strong_font());
            text_fitted(title_of(view.workspace, pair.first) + "  /  " +
                            title_of(view.workspace, pair.second) + "  ·  " + score,
                        width - 8 * s);
            ImGui::PopFont();
            ImGui::SetCursorScreenPos(ImVec2(top.x + 4 * s, top.y + 4 * s + line));
            // The strongest reason; the review lists them all.
            std::string reasons = pair.reasons.empty() ? "" : pair.reasons.front();
            if (pair.reasons.size() > 1)
                reasons += " (+" + std::to_string(pair.reasons.size() - 1) + " more)";
            text_fitted(reasons, width - 8 * s, &colors::kMuted);
            ImGui::SetCursorScreenPos(after);
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

// One field of the pair: both values, and a choice where they differ.
// One field as the merge will treat it (the core's merge_fields()): the
// value that stays, the blank the other fills, or a choice of the two.
void draw_field_choice(ViewContext& view, const MergeField& merged) {
    DuplicatesReview& review = view.ui.duplicates;
    const FieldDef& field = *merged.field;
    ImGui::TextColored(colors::kMuted, "%s", field.label.c_str());
    const float width = ImGui::GetContentRegionAvail().x;
    const std::string mine = shown_value(view, field, merged.keep_value);
    switch (merged.outcome) {
    case MergeOutcome::Same:
    case MergeOutcome::KeepsOwn:
        return text_fitted(mine, width);
    case MergeOutcome::Fixed:
        return text_fitted(mine + "  (a stage: move the record to change it)", width);
    case MergeOutcome::Worked:
        return text_fitted(mine + "  (worked out from the lines that stay)", width);
    case MergeOutcome::FillsBlank:
        return text_fitted(shown_value(view, field, merged.other_value) + "  (fills the blank)",
                           width);
    case MergeOutcome::Choice:
        break;
    }
    ImGui::PushID(field.id.c_str());
    const bool taken = review.from_other.count(field.id) > 0;
    if (ImGui::RadioButton(mine.c_str(), !taken)) review.from_other.erase(field.id);
    mark(view.ui, "keep-value-" + field.id);
    if (ImGui::RadioButton(shown_value(view, field, merged.other_value).c_str(), taken))
        review.from_other.insert(field.id);
    mark(view.ui, "other-value-" + field.id);
    ImGui::PopID();
}

void draw_which_stays(ViewContext& view, const Record& first, const Record& second) {
    DuplicatesReview& review = view.ui.duplicates;
    ImGui::TextColored(colors::kMuted, "Which record stays");
    for (const Record* record : {&first, &second}) {
        const bool stays = (record == &second) == review.swapped;
        const std::string label = view.workspace.title_of(*record) + " (" + record->id + ", " +
                                  std::to_string(view.workspace.referrers_of(record->id).size()) +
                                  " linked)";
        if (ImGui::RadioButton(label.c_str(), stays) && !stays) {
            review.swapped = !review.swapped;
            review.from_other.clear();
        }
        mark(view.ui, record == &first ? "stays-first" : "stays-second");
    }
}

void draw_pair_review(ViewContext& view) {
    DuplicatesReview& review = view.ui.duplicates;
    const DuplicatePair& pair = review.pairs[static_cast<std::size_t>(review.open)];
    const Record* first = view.workspace.find(pair.first);
    const Record* second = view.workspace.find(pair.second);
    const RecordTypeDef* type = first ? view.workspace.schema.type(first->type) : nullptr;
    if (!first || !second || !type) return;
    const Record& keep = review.swapped ? *second : *first;
    const Record& other = review.swapped ? *first : *second;
    const std::string consequence = "Merging moves the activities, tasks and links of " +
                                    view.workspace.title_of(other) + " (" + other.id + ") to " +
                                    keep.id + " and deletes " + other.id +
                                    ". Its history stays with " + keep.id + ".";
    // The fields scroll; why they matched, which record stays and the buttons stay in view.
    for (const auto& reason : pair.reasons)
        text_colored_wrapped(colors::kMuted, "· " + reason);
    draw_which_stays(view, *first, *second);
    const float wrap = ImGui::GetContentRegionAvail().x;
    const float footer = ImGui::CalcTextSize(consequence.c_str(), nullptr, false, wrap).y +
                         tap_height() + ImGui::GetStyle().ItemSpacing.y * 4;
    ImGui::BeginChild("##review", ImVec2(0, -footer), true);
    for (const auto& merged : merge_fields(view.workspace, keep, other))
        draw_field_choice(view, merged);
    if (keep.owner != other.owner) {
        ImGui::TextColored(colors::kMuted, "Owner");
        const bool taken = review.from_other.count("owner") > 0;
        auto name = [&](const std::string& id) {
            const User* user = view.workspace.directory.user(id);
            return user ? user->name : std::string("nobody");
        };
        if (ImGui::RadioButton((name(keep.owner) + "##keep-owner").c_str(), !taken))
            review.from_other.erase("owner");
        if (ImGui::RadioButton((name(other.owner) + "##other-owner").c_str(), taken))
            review.from_other.insert("owner");
    }
    ImGui::EndChild();
    text_colored_wrapped(colors::kMuted, consequence);
    if (!view.read_only) {
        if (primary_button("Merge", ImVec2(0, tap_height())))
            view.intents.push_back(MergeDuplicates{
                keep.id, other.id, {review.from_other.begin(), review.from_other.end()}});
        mark(view.ui, "merge");
        ImGui::SameLine();
    }
    if (ImGui::Button("Open", ImVec2(0, tap_height()))) open_record(view, keep.id);
    mark(view.ui, "open-kept");
}

} // namespace

bool can_review_duplicates(const ViewContext& view) {
    const User* me = view.workspace.directory.user(view.ui.user);
    return me && can_merge_records(*me);
}

void draw_duplicates(ViewContext& view) {
    const float s = scale();
    place_main_area(view.ui.form.open);
    ImGui::Begin("##duplicates", nullptr, kPanel);
    if (!is_phone()) {
        ImGui::PushFont(heading_font());
        ImGui::TextUnformatted("Duplicates");
        ImGui::PopFont();
    }
    draw_duplicates_type_choice(view);
    refresh_pairs(view);
    DuplicatesReview& review = view.ui.duplicates;
    const RecordTypeDef* type = view.workspace.schema.type(review.type);
    ImGui::TextColored(colors::kMuted, "%zu likely duplicate %s", review.pairs.size(),
                       review.pairs.size() == 1 ? "pair" : "pairs");
    draw_undo_button(view);
    if (review.pairs.empty()) {
        text_colored_wrapped(colors::kMuted,
                             "No two " + std::string(type ? type->plural : "records") +
                                 " share an email or phone number, or a similar name at one "
                                 "company or email domain.");
    } else if (review.open < 0) {
        draw_pair_list(view, 0);
    } else {
        // The list keeps at most a third of the height; a phone shows the pair alone.
        if (!is_phone()) {
            const float row =
                std::max(tap_height(), ImGui::GetTextLineHeightWithSpacing() * 2 + 10 * s) +
                ImGui::GetStyle().ItemSpacing.y;
            draw_pair_list(view, std::min(row * static_cast<float>(review.pairs.size()),
                                          ImGui::GetContentRegionAvail().y * 0.33f));
        } else if (ImGui::Button("< All pairs", ImVec2(0, tap_height()))) {
            open_pair(review, -1);
        }
        mark(view.ui, "duplicates-back");
        ImGui::Dummy(ImVec2(0, 4 * s));
        if (review.open >= 0) draw_pair_review(view);
    }
    ImGui::End();
}

} // namespace crm::web
