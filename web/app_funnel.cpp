// The app's side of the funnel: converting a lead (the core plans it, the
// person confirms), a new quote on a deal, and accepting a quote. Each goes
// through the engine like any change; the dialog is views/funnel.cpp.
#include "app.hpp"
#include "service/conversion.hpp"
#include "views.hpp"

namespace crm::web {

void App::open_conversion(const std::string& lead_id) {
    const Workspace& ws = m_engine.workspace();
    const User* me = ws.directory.user(m_ui.user);
    if (!me) return;
    ConvertDialog dialog;
    dialog.open = true;
    dialog.plan = plan_conversion(ws, *me, lead_id);
    dialog.deal_name = dialog.named_after = dialog.plan.deal_name;
    m_ui.convert = std::move(dialog);
}

void App::submit_conversion() {
    ConvertDialog& dialog = m_ui.convert;
    ConversionPlan plan = dialog.plan;
    if (!dialog.link_company) plan.company.reset();
    if (!dialog.link_contact) plan.contact.reset();
    plan.deal_name = dialog.deal_name;
    const auto outcome = m_engine.apply(conversion_command(plan), m_ui.user, now());
    if (!outcome.ok) {
        dialog.message = outcome.message;
        return;
    }
    const Workspace& ws = m_engine.workspace();
    const Record* lead = ws.find(plan.lead);
    const auto& deal = lead ? lead->value("converted_deal") : nlohmann::json();
    m_ui.convert = ConvertDialog{};
    // The rep carries on with the deal: that is where the next step is.
    if (deal.is_string()) open_form(ws, m_ui, deal.get<std::string>());
    m_ui.notice = "Converted " + (lead ? ws.title_of(*lead) : plan.lead) + " into a deal";
    remember_change(outcome);
    after_change();
}

void App::new_quote(const std::string& deal_id) {
    const Workspace& ws = m_engine.workspace();
    const Record* deal = ws.find(deal_id);
    if (!deal) return;
    open_new_form(ws, m_ui, "quote");
    m_ui.form.values["deal"] = deal->id;
    m_ui.form.values["name"] = "Quote for " + ws.title_of(*deal);
    m_ui.form.values["status"] = "Draft";
    m_ui.form.original = m_ui.form.values;
    m_ui.form.focus_first = false;
}

void App::accept_quote(const std::string& quote_id) {
    const auto outcome = m_engine.apply(AcceptQuote{quote_id}, m_ui.user, now());
    if (!outcome.ok) {
        m_ui.form.message = outcome.message;
        return;
    }
    const Workspace& ws = m_engine.workspace();
    const Record* quote = ws.find(quote_id);
    const auto& order = quote ? quote->value("order") : nlohmann::json();
    if (order.is_string()) open_form(ws, m_ui, order.get<std::string>());
    m_ui.notice = "Quote accepted: the order is made and the deal is won";
    remember_change(outcome);
    after_change();
}

} // namespace crm::web
