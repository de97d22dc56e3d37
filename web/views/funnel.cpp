// The funnel on the record page: Convert on a lead (a dialog showing what the
// core found to link to), New quote on a deal, Accept on a quote, and the
// editor of a quote's lines. The rules (what links, what a line must hold,
// the total) are the core's; these views only ask and show.
#include "funnel.hpp"

#include "theme.hpp"
#include "widgets.hpp"

#include "engine/funnel.hpp"
#include "engine/permissions.hpp"
#include "model/field_values.hpp"
#include "model/line_items.hpp"

#include <imgui_stdlib.h>

namespace crm::web {

namespace {

// "Use Acme Logistics" (and why it was found) or "Make a new one: Brightline".
void draw_link_choice(ViewContext& view, const char* what,
                      const std::optional<ConversionMatch>& match, const std::string& new_name,
                      bool& link, const std::string& name) {
    ImGui::TextColored(colors::kMuted, "%s", what);
    if (!match) {
        ImGui::TextWrapped("%s", new_name.empty() ? "A new one" : ("New: " + new_name).c_str());
        return;
    }
    if (ImGui::RadioButton(("Use " + match->title).c_str(), link)) link = true;
    mark(view.ui, "convert-link-" + name);
    if (!match->reason.empty())
        text_colored_wrapped(colors::kMuted, "  Already here: " + match->reason);
    const std::string make = new_name.empty() ? "Make a new one" : "Make a new one: " + new_name;
    if (ImGui::RadioButton(make.c_str(), !link)) link = false;
    mark(view.ui, "convert-new-" + name);
    ImGui::Spacing();
}

std::string deal_line(const ViewContext& view, const ConvertDialog& dialog) {
    const Record* deal = view.workspace.find(dialog.plan.deal);
    return deal ? "Its deal: " + view.workspace.title_of(*deal) + " (started when it qualified)"
                : "";
}

// An untouched deal name follows the company chosen (the match, or a new one).
void follow_company_choice(ConvertDialog& dialog) {
    ConversionPlan chosen = dialog.plan;
    if (!dialog.link_company) chosen.company.reset();
    const std::string wanted = default_deal_name(chosen);
    if (wanted == dialog.named_after || dialog.deal_name != dialog.named_after) return;
    dialog.deal_name = dialog.named_after = wanted;
}

} // namespace

void draw_convert_dialog(ViewContext& view) {
    ConvertDialog& dialog = view.ui.convert;
    if (!dialog.open) return;
    const Record* lead = view.workspace.find(dialog.plan.lead);
    if (!lead) {
        dialog = ConvertDialog{};
        return;
    }
    if (!begin_dialog("##convert", 520)) return;
    ImGui::PushFont(heading_font());
    ImGui::TextWrapped("Convert %s", view.workspace.title_of(*lead).c_str());
    ImGui::PopFont();
    text_colored_wrapped(colors::kMuted,
                         "Makes the customer's company, contact and deal in one step; the lead "
                         "keeps a link to each.");
    ImGui::Spacing();
    const ConversionPlan& plan = dialog.plan;
    draw_link_choice(view, "Company", plan.company, plan.new_company, dialog.link_company,
                     "company");
    draw_link_choice(view, "Contact", plan.contact, plan.new_contact, dialog.link_contact,
                     "contact");
    follow_company_choice(dialog);
    ImGui::TextColored(colors::kMuted, "Deal");
    if (!plan.deal.empty()) {
        ImGui::TextWrapped("%s", deal_line(view, dialog).c_str());
    } else {
        ImGui::SetNextItemWidth(-1);
        ImGui::InputTextWithHint("##deal-name", "The deal's name", &dialog.deal_name);
        mark(view.ui, "convert-deal-name");
    }
    if (!dialog.message.empty()) text_colored_wrapped(colors::kDanger, dialog.message);
    ImGui::Spacing();
    const float width = is_phone() ? ImGui::GetContentRegionAvail().x * 0.5f : 0;
    if (primary_button("Convert", ImVec2(width, tap_height())))
        view.intents.push_back(SubmitConversion{});
    mark(view.ui, "convert-submit");
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(0, tap_height())) || dialog_escape(dialog.popup_was_open)) {
        dialog = ConvertDialog{};
        ImGui::CloseCurrentPopup();
    }
    mark(view.ui, "convert-cancel");
    ImGui::EndPopup();
}

void draw_funnel_buttons(ViewContext& view, const Record& record) {
    const User* me = view.workspace.directory.user(view.ui.user);
    if (!me || !check_update(view.workspace, *me, record)) return;
    if (record.type == "lead" && may_convert(view.workspace, record)) {
        same_line_if_fits("Convert");
        if (ImGui::Button("Convert", ImVec2(0, tap_height())))
            view.intents.push_back(OpenConversion{record.id});
        mark(view.ui, "convert-lead");
    } else if (record.type == "deal") {
        same_line_if_fits("New quote");
        if (ImGui::Button("New quote", ImVec2(0, tap_height())))
            view.intents.push_back(NewQuote{record.id});
        mark(view.ui, "new-quote");
    } else if (record.type == "quote" && may_accept(view.workspace, record)) {
        same_line_if_fits("Accept quote");
        if (primary_button("Accept quote", ImVec2(0, tap_height())))
            view.intents.push_back(AcceptQuoteRequested{record.id});
        mark(view.ui, "accept-quote");
    }
}

namespace {

std::vector<LineDraft> drafts_from_text(const std::string& text, const std::string& currency) {
    std::vector<LineDraft> drafts;
    auto lines = parse_line_items_text(text, currency);
    if (!lines || !lines->is_array()) return drafts;
    const FieldDef number{"", "", FieldType::Number};
    const FieldDef money{"", "", FieldType::Money};
    for (const auto& line : *lines)
        drafts.push_back(
            {line.value("product", ""),
             format_field_value(number, line.value("quantity", nlohmann::json())),
             field_value_to_text(money, line.value("price", nlohmann::json())),
             line.contains("discount") ? format_field_value(number, line["discount"]) : ""});
    return drafts;
}

// The lines in the text form the core reads ("10 x Licence @ 1200 USD -10%"),
// one per line; a half-typed line is kept, so saving says what it lacks.
std::string drafts_to_text(const std::vector<LineDraft>& drafts) {
    std::string text;
    for (const auto& draft : drafts) {
        if (draft.product.empty() && draft.quantity.empty() && draft.price.empty()) continue;
        if (!text.empty()) text += "\n";
        text += (draft.quantity.empty() ? "?" : draft.quantity) + " x " + draft.product + " @ " +
                (draft.price.empty() ? "?" : draft.price);
        if (!draft.discount.empty()) text += " -" + draft.discount + "%";
    }
    return text;
}

bool line_input(const ViewContext& view, const char* id, const char* hint, std::string& text,
                float width, const std::string& name) {
    ImGui::SetNextItemWidth(width);
    const bool changed = ImGui::InputTextWithHint(id, hint, &text);
    mark(view.ui, name);
    return changed;
}

void text_between(const char* text) {
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(colors::kMuted, "%s", text);
    ImGui::SameLine();
}

// What one line comes to, as the core works it out; "" until it reads.
std::string line_amount_text(const ViewContext& view, const LineDraft& draft) {
    auto lines = parse_line_items_text(drafts_to_text({draft}), view.workspace.currency);
    if (!lines || !lines->is_array() || lines->empty()) return "";
    const FieldDef money{"", "", FieldType::Money};
    return format_field_value(money, line_items_total(*lines));
}

// One line as two rows: the product (and remove), then "10 × 1200 − 10 % =
// USD 10,800": quantity, unit price, discount and what the line comes to.
bool edit_line(const ViewContext& view, LineDraft& draft, std::size_t index, bool& remove) {
    const float s = scale();
    const std::string n = std::to_string(index);
    const float cross = ImGui::GetFrameHeight();
    bool changed = false;
    ImGui::PushID(static_cast<int>(index));
    changed |=
        line_input(view, "##product", "Product", draft.product,
                   ImGui::GetContentRegionAvail().x - cross - ImGui::GetStyle().ItemSpacing.x,
                   "line-product-" + n);
    ImGui::SameLine();
    remove = ImGui::Button("×", ImVec2(cross, 0));
    mark(view.ui, "line-remove-" + n);
    changed |= line_input(view, "##quantity", "Qty", draft.quantity, 56 * s, "line-quantity-" + n);
    text_between("×");
    changed |= line_input(view, "##price", "Unit price", draft.price, 104 * s, "line-price-" + n);
    text_between("−");
    changed |= line_input(view, "##discount", "0", draft.discount, 44 * s, "line-discount-" + n);
    text_between("%");
    // What the line comes to: beside the numbers where it fits, else under them.
    const std::string amount = "= " + line_amount_text(view, draft);
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(amount.c_str()).x) ImGui::NewLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(amount.c_str());
    ImGui::Spacing();
    ImGui::PopID();
    return changed || remove;
}

} // namespace

void edit_line_items(const ViewContext& view, const FieldDef& field, std::string& value) {
    auto& drafts_by_field = view.ui.form.line_drafts;
    auto found = drafts_by_field.find(field.id);
    if (found == drafts_by_field.end())
        found = drafts_by_field.emplace(field.id, drafts_from_text(value, view.workspace.currency))
                    .first;
    std::vector<LineDraft>& drafts = found->second;
    ImGui::BeginGroup();
    bool changed = false;
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        bool remove = false;
        changed |= edit_line(view, drafts[i], i, remove);
        if (remove) {
            drafts.erase(drafts.begin() + static_cast<std::ptrdiff_t>(i));
            break;
        }
    }
    if (ImGui::Button("+ Add line", ImVec2(0, tap_height()))) {
        drafts.push_back({"", "1", "", ""});
        changed = true;
    }
    mark(view.ui, "line-add");
    ImGui::EndGroup();
    if (changed) value = drafts_to_text(drafts);
}

std::string live_total(const ViewContext& view, const FieldDef& total_field,
                       const std::string& lines_text) {
    auto lines = parse_line_items_text(lines_text, view.workspace.currency);
    if (!lines) return "—";
    const auto total = line_items_total(*lines);
    return total.is_null() ? "—" : format_field_value(total_field, total);
}

} // namespace crm::web
