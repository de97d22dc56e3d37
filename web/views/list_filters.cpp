// The list's filters: owners, stage and a date range, combined; and the
// totals of what the list shows. Dates are typed in local time like any
// date field and turned into days here; the core does the filtering.
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "util/local_time.hpp"

#include <imgui_stdlib.h>

#include <cctype>

namespace crm::web {

namespace {

// Checkboxes in a combo: each person, "Unassigned", and "Me" first.
void draw_owner_filter(ViewContext& view, std::set<std::string>& owners, float width) {
    const Directory& people = view.workspace.directory;
    std::string preview = "Anyone";
    if (owners.size() == 1)
        preview = *owners.begin() == kUnowned ? "Unassigned" : people.names({*owners.begin()});
    else if (owners.size() > 1)
        preview = std::to_string(owners.size()) + " owners";
    ImGui::SetNextItemWidth(width);
    if (begin_combo_fitted("##owners", "Owner: " + preview)) {
        auto toggle = [&](const std::string& id, const std::string& label) {
            bool on = owners.count(id) > 0;
            if (ImGui::Checkbox(label.c_str(), &on)) {
                if (on)
                    owners.insert(id);
                else
                    owners.erase(id);
            }
            mark(view.ui, "filter-owner-" + (id.empty() ? std::string("none") : id));
        };
        toggle(view.ui.user, "Me");
        for (const auto& user : people.users())
            if (user.id != view.ui.user) toggle(user.id, user.name);
        toggle(kUnowned, "Unassigned");
        ImGui::EndCombo();
    }
    mark(view.ui, "filter-owner");
}

// The stages of the type's flows; choosing one in another flow starts over.
void draw_stage_filter(ViewContext& view, const RecordTypeDef& type, StageFilter& filter,
                       float width) {
    std::vector<const Flow*> flows;
    for (const auto& flow : view.workspace.flows)
        if (flow.record_type == type.id) flows.push_back(&flow);
    if (flows.empty()) return;
    std::string preview = "Any stage";
    if (filter.stages.size() == 1)
        if (const Flow* flow = view.workspace.flow(filter.flow))
            if (const Stage* stage = flow->stage(*filter.stages.begin())) preview = stage->name;
    if (filter.stages.size() > 1) preview = std::to_string(filter.stages.size()) + " stages";
    ImGui::SameLine();
    ImGui::SetNextItemWidth(width);
    if (begin_combo_fitted("##stages", "Stage: " + preview, ImGuiComboFlags_HeightLarge)) {
        for (const Flow* flow : flows) {
            if (flows.size() > 1) ImGui::TextColored(colors::kMuted, "%s", flow->name.c_str());
            for (const auto& stage : flow->stages) {
                bool on = filter.flow == flow->id && filter.stages.count(stage.id) > 0;
                ImGui::PushID((flow->id + "/" + stage.id).c_str());
                if (ImGui::Checkbox(stage.name.c_str(), &on)) {
                    if (filter.flow != flow->id) filter = StageFilter{flow->id, {}};
                    if (on)
                        filter.stages.insert(stage.id);
                    else
                        filter.stages.erase(stage.id);
                    if (filter.stages.empty()) filter.flow.clear();
                }
                ImGui::PopID();
                mark(view.ui, "filter-stage-" + stage.id);
            }
        }
        ImGui::EndCombo();
    }
    mark(view.ui, "filter-stage");
}

// Which date, and from/to as typed ("1 Dec", "2026-12-01", "today").
void draw_date_filter(ViewContext& view, const RecordTypeDef& type, float width) {
    ListFilterText& text = view.ui.filter_text;
    DateFilter& date = view.ui.filter.date;
    std::vector<std::pair<std::string, std::string>> fields = {{kUpdatedAt, "Updated"},
                                                               {kCreatedAt, "Created"}};
    for (const auto& field : type.fields)
        if (field.type == FieldType::Date || field.type == FieldType::DateTime)
            fields.emplace_back(field.id, field.label);
    if (date.field.empty()) date.field = kUpdatedAt;
    std::string preview = date.field;
    for (const auto& [id, label] : fields)
        if (id == date.field) preview = label;
    if (!is_phone()) ImGui::SameLine();
    ImGui::SetNextItemWidth(width);
    if (begin_combo_fitted("##datefield", preview)) {
        for (const auto& [id, label] : fields)
            if (ImGui::Selectable(label.c_str(), id == date.field)) date.field = id;
        ImGui::EndCombo();
    }
    mark(view.ui, "filter-date-field");
    auto bound = [&](const char* id, const char* hint, std::string& typed,
                     std::optional<CivilDate>& day) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(width * 0.8f);
        ImGui::InputTextWithHint(id, hint, &typed);
        mark(view.ui, std::string("filter-") + (id + 2));
        day.reset();
        if (typed.empty()) return std::string();
        auto parsed = parse_local_date(typed, view.ui.zone, view.now);
        if (parsed) day = *parsed;
        return parsed ? std::string() : "\"" + typed + "\" " + parsed.error();
    };
    std::string problem = bound("##from", "From", text.from, date.from_day);
    if (std::string to = bound("##to", "To", text.to, date.to_day); problem.empty()) problem = to;
    text.problem = problem;
}

// The list as a saved view: type, search, sort and filters.
void apply_saved_view(UiState& ui, const SavedView& saved) {
    ui.view_name = saved.name;
    ui.search = saved.search;
    ui.sort_by = saved.sort_by;
    ui.sort_ascending = saved.ascending;
    ui.filter = saved.filter;
    ui.filter_text = ListFilterText{};
    if (saved.filter.date.from_day) ui.filter_text.from = format_date(*saved.filter.date.from_day);
    if (saved.filter.date.to_day) ui.filter_text.to = format_date(*saved.filter.date.to_day);
}

// "View: Mine in Proposal" — the person's saved views of this type, saving
// the list as it is, and deleting the one shown.
void draw_view_picker(ViewContext& view, const RecordTypeDef& type, float width) {
    UiState& ui = view.ui;
    const SavedView* shown = find_view(view.workspace.views, ui.user, ui.view_name);
    if (shown && shown->type != type.id) shown = nullptr;
    if (!shown) ui.view_name.clear(); // another type's, or deleted
    const bool changed = shown && (shown->search != ui.search || shown->sort_by != ui.sort_by ||
                                   shown->ascending != ui.sort_ascending ||
                                   filter_key(shown->filter) != filter_key(ui.filter));
    ImGui::SetNextItemWidth(width);
    const std::string preview =
        ui.view_name.empty() ? "All " + type.plural : ui.view_name + (changed ? " (changed)" : "");
    if (begin_combo_fitted("##views", "View: " + preview)) {
        if (ImGui::Selectable(("All " + type.plural).c_str(), ui.view_name.empty())) {
            ui.view_name.clear();
            ui.filter = ListFilter{};
            ui.filter_text = ListFilterText{};
            ui.search.clear();
        }
        std::size_t n = 0;
        for (const SavedView* saved : views_of(view.workspace.views, ui.user)) {
            if (saved->type != type.id) continue;
            if (ImGui::Selectable((saved->name + "##saved").c_str(), saved->name == ui.view_name))
                apply_saved_view(ui, *saved);
            mark(ui, "view-" + std::to_string(n++));
        }
        ImGui::Separator();
        if (!view.read_only && ImGui::Selectable("Save this list as a view…")) {
            ui.naming = ViewNaming{true, ui.view_name, ""};
        }
        mark(ui, "view-save");
        if (!view.read_only && !ui.view_name.empty() &&
            ImGui::Selectable(("Delete \"" + ui.view_name + "\"").c_str()))
            view.intents.push_back(DeleteListView{ui.view_name});
        mark(ui, "view-delete");
        ImGui::EndCombo();
    }
    mark(ui, "views");
}

// A name for the view; saving under a name one already has replaces it.
void draw_view_naming(ViewContext& view) {
    ViewNaming& naming = view.ui.naming;
    if (!naming.open) return;
    if (!ImGui::IsPopupOpen("Save view")) ImGui::OpenPopup("Save view");
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(dialog_width(420), 0));
    if (!ImGui::BeginPopupModal("Save view", nullptr,
                                ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoSavedSettings))
        return;
    ImGui::TextWrapped("Keep these filters, search and sort under a name. Only you see it.");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool entered =
        ImGui::InputTextWithHint("##name", "e.g. My deals closing this month", &naming.name,
                                 ImGuiInputTextFlags_EnterReturnsTrue);
    mark(view.ui, "view-name");
    if (!naming.message.empty()) text_colored_wrapped(colors::kDanger, naming.message);
    if (primary_button("Save", ImVec2(120 * scale(), tap_height())) || entered)
        view.intents.push_back(SaveListView{naming.name});
    mark(view.ui, "view-save-submit");
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(100 * scale(), tap_height())) ||
        ImGui::IsKeyPressed(ImGuiKey_Escape, false)) {
        naming = ViewNaming{};
        ImGui::CloseCurrentPopup();
    }
    mark(view.ui, "view-save-cancel");
    ImGui::EndPopup();
}

} // namespace

std::string filter_key(const ListFilter& filter) {
    std::string key;
    for (const auto& owner : filter.owners)
        key += owner + ",";
    key += "|" + filter.stage.flow + ":";
    for (const auto& stage : filter.stage.stages)
        key += stage + ",";
    key += "|" + filter.date.field;
    if (filter.date.from_day) key += "<" + format_date(*filter.date.from_day);
    if (filter.date.to_day) key += ">" + format_date(*filter.date.to_day);
    return key;
}

bool filters_active(const ListFilter& filter) {
    return !filter.owners.empty() || !filter.stage.flow.empty() || filter.date.active();
}

namespace {

// A phone's list toolbar: the view, a Filters button that shows or hides the
// filters (with how many are on), and Select for bulk actions.
void draw_phone_toolbar(ViewContext& view, const RecordTypeDef& type) {
    UiState& ui = view.ui;
    const ListFilter& filter = ui.filter;
    const int on = static_cast<int>(!filter.owners.empty()) +
                   static_cast<int>(!filter.stage.flow.empty()) +
                   static_cast<int>(filter.date.active());
    const std::string filters = on ? "Filters (" + std::to_string(on) + ")" : "Filters";
    const char* select = ui.bulk.selecting ? "Done" : "Select";
    const ImGuiStyle& style = ImGui::GetStyle();
    auto button_width = [&](const char* label) {
        return ImGui::CalcTextSize(label).x + style.FramePadding.x * 2;
    };
    const float buttons = button_width(filters.c_str()) + style.ItemSpacing.x +
                          (view.read_only ? 0 : button_width(select) + style.ItemSpacing.x);
    draw_view_picker(view, type, ImGui::GetContentRegionAvail().x - buttons);
    ImGui::SameLine();
    if (ImGui::Button(filters.c_str(), ImVec2(0, tap_height()))) ui.filters_open = !ui.filters_open;
    mark(ui, "filters-toggle");
    if (view.read_only) return;
    ImGui::SameLine();
    if (ImGui::Button(select, ImVec2(0, tap_height()))) {
        const bool selecting = !ui.bulk.selecting;
        ui.bulk = BulkSelection{};
        ui.bulk.selecting = selecting;
    }
    mark(ui, "bulk-select");
}

} // namespace

void draw_list_filters(ViewContext& view, const RecordTypeDef& type) {
    const float s = scale();
    const bool phone = is_phone();
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float avail = ImGui::GetContentRegionAvail().x;
    if (phone) {
        draw_phone_toolbar(view, type);
    } else {
        draw_view_picker(view, type, 230 * s);
        ImGui::SameLine();
    }
    draw_view_naming(view);
    if (phone && !view.ui.filters_open) return;
    draw_owner_filter(view, view.ui.filter.owners, phone ? (avail - spacing) / 2 : 170 * s);
    draw_stage_filter(view, type, view.ui.filter.stage, phone ? (avail - spacing) / 2 : 170 * s);
    // On a phone the date field and its two bounds share one row.
    draw_date_filter(view, type, phone ? (avail - 2 * spacing) / 2.6f : 120 * s);
    if (filters_active(view.ui.filter) || !view.ui.filter_text.from.empty() ||
        !view.ui.filter_text.to.empty()) {
        same_line_if_fits("Clear filters");
        if (ImGui::Button("Clear filters", ImVec2(0, phone ? tap_height() : 0))) {
            view.ui.filter = ListFilter{};
            view.ui.filter_text = ListFilterText{};
        }
        mark(view.ui, "filter-clear");
    }
    if (!view.ui.filter_text.problem.empty())
        text_colored_wrapped(colors::kDanger, view.ui.filter_text.problem);
}

void draw_list_totals(const ViewContext& view, const RecordTypeDef& type) {
    const ListTotals& totals = view.ui.list.totals;
    std::string noun = totals.count == 1 ? type.label : type.plural;
    for (auto& c : noun)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string line = std::to_string(totals.count) + " " + noun;
    if (!totals.sums.empty()) line += " · " + format_money_totals(totals.sums);
    ImGui::TextColored(colors::kMuted, "%s", line.c_str());
    mark(view.ui, "list-totals");
}

} // namespace crm::web
