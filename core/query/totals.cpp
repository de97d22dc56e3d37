#include "query/totals.hpp"

#include "query/board.hpp"

#include <algorithm>
#include <cmath>

namespace crm {

void MoneySums::add(const std::string& currency, std::int64_t cents) {
    auto it = std::find_if(m_sums.begin(), m_sums.end(),
                           [&](const MoneyTotal& sum) { return sum.currency == currency; });
    if (it == m_sums.end()) it = m_sums.insert(m_sums.end(), MoneyTotal{currency, 0, false});
    if (it->overflow) return;
    if (__builtin_add_overflow(it->cents, cents, &it->cents)) it->overflow = true;
}

std::vector<MoneyTotal> MoneySums::totals(const std::string& first_currency) const {
    std::vector<MoneyTotal> sorted = m_sums;
    std::sort(sorted.begin(), sorted.end(), [&](const MoneyTotal& a, const MoneyTotal& b) {
        const bool a_first = a.currency == first_currency, b_first = b.currency == first_currency;
        if (a_first != b_first) return a_first;
        return a.currency < b.currency;
    });
    return sorted;
}

std::optional<std::pair<std::string, std::int64_t>> money_cents(const nlohmann::json& value) {
    if (!value.is_object()) return std::nullopt;
    const auto amount = value.find("amount");
    const auto currency = value.find("currency");
    if (amount == value.end() || !amount->is_number() || currency == value.end() ||
        !currency->is_string())
        return std::nullopt;
    constexpr std::int64_t kLimit = 90'000'000'000'000'000; // cents; well inside 64 bits
    if (amount->is_number_unsigned()) {
        const auto whole = amount->get<std::uint64_t>();
        if (whole < static_cast<std::uint64_t>(kLimit / 100))
            return std::pair{currency->get<std::string>(), static_cast<std::int64_t>(whole) * 100};
    } else if (amount->is_number_integer()) {
        const auto whole = amount->get<std::int64_t>();
        if (whole > -kLimit / 100 && whole < kLimit / 100)
            return std::pair{currency->get<std::string>(), whole * 100};
    }
    // Amounts stay below kMaxMoneyAmount (1e15), so this fits in 64 bits.
    const double cents = std::round(amount->get<double>() * 100);
    if (!std::isfinite(cents) || std::fabs(cents) >= static_cast<double>(kLimit))
        return std::nullopt;
    return std::pair{currency->get<std::string>(), static_cast<std::int64_t>(cents)};
}

ListTotals list_totals(const Workspace& ws, const std::vector<std::string>& ids) {
    ListTotals totals;
    MoneySums sums;
    // The value field per type, looked up once per type, not once per record.
    std::string last_type;
    const FieldDef* field = nullptr;
    for (const auto& id : ids) {
        const Record* record = ws.find(id);
        if (!record) continue;
        ++totals.count;
        if (record->type != last_type) {
            last_type = record->type;
            const RecordTypeDef* type = ws.schema.type(record->type);
            field = type ? value_field(*type) : nullptr;
        }
        if (!field) continue;
        if (const auto money = money_cents(record->value(field->id)))
            sums.add(money->first, money->second);
    }
    totals.sums = sums.totals(ws.currency);
    return totals;
}

std::string format_money_total(const MoneyTotal& total) {
    const std::int64_t cents = total.cents;
    const std::uint64_t magnitude = cents < 0 ? static_cast<std::uint64_t>(-(cents + 1)) + 1
                                              : static_cast<std::uint64_t>(cents);
    const std::string whole = std::to_string(magnitude / 100);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
        grouped += whole[i];
    }
    std::string text = total.currency + " " + (cents < 0 ? "-" : "") + grouped;
    if (const auto rest = magnitude % 100; rest != 0)
        text += (rest < 10 ? ".0" : ".") + std::to_string(rest);
    return (total.overflow ? "more than " : "") + text;
}

std::string format_money_totals(const std::vector<MoneyTotal>& totals) {
    std::string text;
    for (const auto& total : totals)
        text += (text.empty() ? "" : " + ") + format_money_total(total);
    return text.empty() ? "0" : text;
}

} // namespace crm
