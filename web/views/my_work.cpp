// "My work": everything the current person should do, most urgent first, with
// one click to act (open the record, complete the task, log the call).
#include "theme.hpp"
#include "views.hpp"
#include "widgets.hpp"

#include "engine/permissions.hpp"
#include "util/local_time.hpp"

#include <imgui_stdlib.h>

namespace crm::web {

namespace {

ImVec4 state_color(const std::string& state) {
    if (state == "overdue") return colors::kDanger;
    if (state == "at-risk") return colors::kWarning;
    return colors::kSuccess;
}

// Who the queue's handlers are to it.
const char* handler_label(const std::string& kind) {
    if (kind == "unowned") return "To reassign";
    if (kind == "sla_breach") return "Alerted";
    if (kind == "blocked_move") return "To review";
    if (kind == "overdue_next_action") return "To follow up";
    if (kind == "past_gate") return "To complete";
    if (kind == "not_permitted") return "To review";
    return "To recover";
}

// "Assign to…": the people this person may hand the record to, listed only
// while the menu is open.
void draw_assign(ViewContext& view, const User& me, const std::string& record_id) {
    const Record* record = view.workspace.find(record_id);
    if (!record) return;
    ImGui::SetNextItemWidth(150 * scale());
    if (!ImGui::BeginCombo("##assign", "Assign to…")) return;
    for (const User* user : assignable_owners(view.workspace, me, *record)) {
        if (ImGui::Selectable(user->name.c_str()))
            view.intents.push_back(AssignOwner{record_id, user->id});
        mark(view.ui, "assign-choice-" + user->id);
    }
    ImGui::EndCombo();
}

// What to do, and how many more things wait on the same record.
std::string what_text(const WorkItem& item) {
    if (item.more.empty()) return item.what;
    return item.what + "  (+" + std::to_string(item.more.size()) + " more)";
}

// On hover: why it is due then, and the record's other items.
void work_tooltip(const WorkItem& item, const ViewContext& view) {
    if (!ImGui::IsItemHovered() || (item.reason.empty() && item.more.empty())) return;
    std::string tip = item.what;
    if (!item.reason.empty()) tip += "\n" + item.reason;
    for (const auto& other : item.more)
        tip +=
            "\n· " + other.what +
            (other.due ? " (" + describe_due_local(*other.due, view.now, view.ui.zone) + ")" : "");
    ImGui::SetTooltip("%s", tip.c_str());
}

std::string when_text(const WorkItem& item, const ViewContext& view) {
    return item.due ? describe_due_local(*item.due, view.now, view.ui.zone) : "no due time";
}

// Open the record; complete a task or log a call: the row's actions.
void draw_work_actions(ViewContext& view, const WorkItem& item, int row, float width) {
    if (ImGui::Button("Open", ImVec2(width, tap_height()))) open_record(view, item.record_id);
    if (row < 50) mark(view.ui, "work-open-" + std::to_string(row));
    ImGui::SameLine();
    if (item.kind == "task") {
        if (ImGui::Button("Done", ImVec2(width, tap_height())))
            view.intents.push_back(CompleteTask{item.record_id});
        if (row < 50) mark(view.ui, "work-done-" + std::to_string(row));
    } else {
        if (ImGui::Button("Log call", ImVec2(width, tap_height())))
            open_log_form(view.ui, item.record_id, "");
        if (row < 50) mark(view.ui, "work-log-" + std::to_string(row));
    }
}

// The width of the longest usual due text, so it is never cut: "due
// tomorrow 23:59" is wider than "due tomorrow 12:30", as digits differ in width.
float widest_due_text() {
    float widest = 0;
    for (char digit = '0'; digit <= '9'; ++digit) {
        const std::string text =
            "due tomorrow " + std::string(2, digit) + ":" + std::string(2, digit);
        widest = std::max(widest, ImGui::CalcTextSize(text.c_str()).x);
    }
    return widest;
}

// Tablets and desktops: a table; the actions column keeps its width so its
// buttons never drop off, and long text ends with an ellipsis.
void draw_work_table(ViewContext& view, std::vector<WorkItem>& items) {
    const float s = scale();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("work", 4, flags)) return;
    const float button = 76 * s;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("When", ImGuiTableColumnFlags_WidthFixed, widest_due_text());
    ImGui::TableSetupColumn("What to do", 0, 3.0f);
    ImGui::TableSetupColumn("Record", 0, 2.0f);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed,
                            button * 2 + ImGui::GetStyle().ItemSpacing.x);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(items.size()));
    while (clipper.Step()) {
        name_work_items(view.workspace, items, static_cast<std::size_t>(clipper.DisplayStart),
                        static_cast<std::size_t>(clipper.DisplayEnd));
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const WorkItem& item = items[static_cast<std::size_t>(row)];
            ImGui::PushID(row);
            ImGui::TableNextRow(0, 36 * s);
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            const ImVec4 color = item.due ? state_color(item.state) : colors::kMuted;
            text_fitted(when_text(item, view), ImGui::GetContentRegionAvail().x, &color);
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::PushFont(strong_font());
            text_fitted(what_text(item), ImGui::GetContentRegionAvail().x);
            ImGui::PopFont();
            work_tooltip(item, view);
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            text_fitted(item.title, ImGui::GetContentRegionAvail().x);
            ImGui::TableNextColumn();
            draw_work_actions(view, item, row, button);
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
}

// Phones: one card per item, the due state first, buttons a thumb can hit.
void draw_work_cards(ViewContext& view, std::vector<WorkItem>& items) {
    const float s = scale();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float card = line * 3 + tap_height() + 20 * s;
    ImGui::BeginChild("##cards", ImVec2(0, 0));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(items.size()), card + style.ItemSpacing.y);
    while (clipper.Step()) {
        name_work_items(view.workspace, items, static_cast<std::size_t>(clipper.DisplayStart),
                        static_cast<std::size_t>(clipper.DisplayEnd));
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const WorkItem& item = items[static_cast<std::size_t>(row)];
            ImGui::PushID(row);
            ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1, 1, 1, 1));
            ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 10 * s);
            ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12 * s, 10 * s));
            ImGui::BeginChild("##card", ImVec2(0, card),
                              ImGuiChildFlags_Border | ImGuiChildFlags_AlwaysUseWindowPadding,
                              ImGuiWindowFlags_NoScrollbar); // the wheel scrolls the list
            const float width = ImGui::GetContentRegionAvail().x;
            const ImVec4 color = item.due ? state_color(item.state) : colors::kMuted;
            text_fitted(when_text(item, view), width, &color);
            ImGui::PushFont(strong_font());
            text_fitted(what_text(item), width);
            ImGui::PopFont();
            work_tooltip(item, view);
            text_fitted(item.title, width, &colors::kMuted);
            draw_work_actions(view, item, row, (width - style.ItemSpacing.x) / 2);
            ImGui::EndChild();
            ImGui::PopStyleVar(2);
            ImGui::PopStyleColor();
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

WorkScreen work_screen(std::vector<WorkItem> rows) {
    WorkScreen work{std::move(rows)};
    for (const auto& row : work.rows) {
        work.overdue += row.state == "overdue";
        work.at_risk += row.state == "at-risk";
    }
    return work;
}

} // namespace

void draw_my_work(ViewContext& view) {
    const float s = scale();
    place_main_area(view.ui.form.open);
    ImGui::Begin("##mywork", nullptr, kPanel);
    WorkScreen& work = view.ui.work.value;
    if (view.ui.work.refresh(view.version, view.ui.user, view.now))
        work = work_screen(next_actions(view.workspace, view.ui.user, view.now, 0));
    auto& items = work.rows; // rows are named as they come into view
    if (draw_screen_title("My work")) {
        ImGui::SameLine();
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 5 * s);
    }
    ImGui::TextColored(colors::kMuted, "%zu to do · ", items.size());
    ImGui::SameLine(0, 0);
    ImGui::TextColored(colors::kDanger, "%zu overdue", work.overdue);
    ImGui::SameLine(0, 0);
    ImGui::TextColored(colors::kMuted, " · ");
    ImGui::SameLine(0, 0);
    ImGui::TextColored(colors::kWarning, "%zu at risk", work.at_risk);
    if (!view.ui.alert.empty()) {
        text_colored_wrapped(colors::kWarning, view.ui.alert);
        if (ImGui::Button("Open the inbox", ImVec2(0, tap_height()))) go_to_inbox(view);
        mark(view.ui, "alert-inbox");
    }
    if (!view.ui.notice.empty()) {
        text_colored_wrapped(notice_color(view.ui), view.ui.notice);
        draw_undo_button(view);
    } else if (!is_phone())
        text_fitted("Most urgent first. Times are in working hours where the SLA says so.",
                    ImGui::GetContentRegionAvail().x, &colors::kMuted);
    ImGui::Spacing();
    if (items.empty()) {
        ImGui::TextColored(colors::kMuted, "Nothing waiting for you. Well done.");
        ImGui::End();
        return;
    }
    if (is_phone())
        draw_work_cards(view, items);
    else
        draw_work_table(view, items);
    ImGui::End();
}

namespace {

// The recovery queue's fixes beside a failed automation: Retry runs it again;
// Dismiss asks what was done instead (by hand, or not wanted) and takes it off.
void draw_recovery_fixes(ViewContext& view, const std::string& automation,
                         const ExceptionItem& item, bool marked) {
    auto& dismissing = view.ui.dismissing;
    const bool asking = dismissing.first == item.record_id && dismissing.second == automation;
    if (!asking) {
        if (ImGui::SmallButton("Retry"))
            view.intents.push_back(FixAutomation{item.record_id, automation, false, ""});
        if (marked) mark(view.ui, "retry-" + item.record_id);
        ImGui::SameLine();
        if (ImGui::SmallButton("Dismiss")) {
            dismissing = {item.record_id, automation};
            view.ui.dismiss_note.clear();
        }
        if (marked) mark(view.ui, "dismiss-" + item.record_id);
        ImGui::SameLine();
        return;
    }
    ImGui::NewLine();
    ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x, 420 * scale()));
    ImGui::InputTextWithHint("##note", "What was done instead (optional)", &view.ui.dismiss_note);
    mark(view.ui, "dismiss-note");
    if (ImGui::Button("Dismiss"))
        view.intents.push_back(
            FixAutomation{item.record_id, automation, true, view.ui.dismiss_note});
    mark(view.ui, "dismiss-confirm");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) dismissing = {};
}

} // namespace

void draw_exceptions(ViewContext& view) {
    auto& cache = view.ui.exceptions;
    if (cache.refresh(view.version, view.ui.user, view.now))
        cache.value = exception_queues(view.workspace, view.ui.user, view.now, QueueDetail::Words,
                                       kExceptionItemsListed);
    const auto& queues = cache.value;
    place_main_area(view.ui.form.open);
    ImGui::Begin("##exceptions", nullptr, kPanel);
    draw_screen_title("Exceptions");
    text_colored_wrapped(colors::kMuted, "Unowned work, SLA breaches, blocked moves, "
                                         "automations that could not run and changes a sync "
                                         "merged that broke a rule; the biggest groups first.");
    ImGui::Spacing();
    if (!view.ui.notice.empty())
        ImGui::TextColored(notice_color(view.ui), "%s", view.ui.notice.c_str());
    if (queues.empty()) ImGui::TextColored(colors::kSuccess, "Nothing needs attention.");
    const User* me = view.read_only ? nullptr : view.workspace.directory.user(view.ui.user);
    for (std::size_t q = 0; q < queues.size(); ++q) {
        const ExceptionQueue& queue = queues[q];
        const std::string handlers = view.workspace.directory.names(queue.handlers);
        ImGui::PushID(static_cast<int>(q));
        // One line even on a phone: the title gives way, the count stays.
        const float label_width = ImGui::GetContentRegionAvail().x -
                                  ImGui::GetTreeNodeToLabelSpacing() -
                                  ImGui::GetStyle().FramePadding.x * 2;
        const std::string header =
            fitted_label(queue.title, " (" + std::to_string(queue.items.size()) + ")",
                         label_width) +
            "###" + queue.group;
        std::string& open_group = view.ui.open_exception_group;
        const bool open = open_group == queue.group || (open_group.empty() && queues.size() == 1);
        ImGui::SetNextItemOpen(open);
        const bool shown = ImGui::CollapsingHeader(header.c_str());
        mark(view.ui, "exceptions-" + queue.group);
        if (shown != open) open_group = shown ? queue.group : std::string("-");
        if (shown) {
            ImGui::TextColored(colors::kMuted, "%s: %s", handler_label(queue.kind),
                               handlers.empty() ? "nobody" : handlers.c_str());
            for (std::size_t i = 0; i < queue.items.size() && i < kExceptionItemsListed; ++i) {
                const ExceptionItem& item = queue.items[i];
                ImGui::PushID(static_cast<int>(i));
                // Rows with an assign menu are a frame high, and on a phone every
                // Open is a finger's size; keep each row's parts level.
                const bool assignable = queue.kind == "unowned" && me;
                const bool framed = assignable || is_phone();
                // A record a merged change deleted, or the settings, has nothing to open.
                if (view.workspace.find(item.record_id)) {
                    if (framed ? tap_button("Open") : ImGui::SmallButton("Open"))
                        open_record(view, item.record_id);
                    if (i < 50) mark(view.ui, "exception-open-" + item.record_id);
                    ImGui::SameLine();
                }
                if (queue.kind == "not_permitted" && me) {
                    if (framed ? tap_button("Reviewed") : ImGui::SmallButton("Reviewed"))
                        view.intents.push_back(DismissSyncProblem{item.problem, item.title});
                    if (i < 50) mark(view.ui, "reviewed-" + item.problem);
                    ImGui::SameLine();
                }
                if (framed && !assignable) ImGui::AlignTextToFramePadding();
                if (assignable) {
                    draw_assign(view, *me, item.record_id);
                    if (i < 50) mark(view.ui, "assign-" + item.record_id);
                    ImGui::SameLine();
                    ImGui::AlignTextToFramePadding();
                }
                if (queue.kind == "automation_failure" && me)
                    draw_recovery_fixes(view, queue.group, item, i < 50);
                const User* owner = view.workspace.directory.user(item.owner);
                if (queue.kind == "overdue_next_action" ||
                    item.record_id.empty()) // no owner to name
                    ImGui::TextWrapped("%s · %s", item.title.c_str(), item.detail.c_str());
                else
                    ImGui::TextWrapped("%s · %s · %s", item.title.c_str(), item.detail.c_str(),
                                       owner ? owner->name.c_str() : "unassigned");
                ImGui::PopID();
            }
            if (queue.items.size() > kExceptionItemsListed)
                ImGui::TextColored(colors::kMuted, "… and %zu more",
                                   queue.items.size() - kExceptionItemsListed);
        }
        ImGui::PopID();
    }
    ImGui::End();
}

} // namespace crm::web
