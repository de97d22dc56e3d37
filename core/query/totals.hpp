// Totals for what a list or a board column shows: how many records, and the
// sum of their value field (a deal's amount) per currency, kept exactly.
#pragma once

#include "model/workspace.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crm {

// An exact sum of money in one currency, in minor units (cents). Amounts are
// doubles today; adding doubles drifts (0.1 + 0.2 != 0.3), adding whole cents
// does not, so each amount is rounded to the cent once and then added.
struct MoneyTotal {
    std::string currency;
    std::int64_t cents = 0;
    bool overflow = false; // the sum passed what 64 bits hold; cents stops there
    bool operator==(const MoneyTotal&) const = default;
};

// Sums per currency. Currencies are never added together: that needs an
// exchange rate and a date for it, which the workspace does not keep, and a
// converted figure would not match any record. The workspace currency comes
// first, then the others by code.
class MoneySums {
  public:
    void add(const std::string& currency, std::int64_t cents);
    std::vector<MoneyTotal> totals(const std::string& first_currency) const;

  private:
    std::vector<MoneyTotal> m_sums;
};

// A money value's amount in cents, rounded half away from zero; nothing when
// the value is not money ({"amount", "currency"}).
std::optional<std::pair<std::string, std::int64_t>> money_cents(const nlohmann::json& value);

struct ListTotals {
    std::size_t count = 0;
    std::vector<MoneyTotal> sums; // of each record's value field; the workspace currency first
};

// For exactly the records `ids` names (a list's rows); ids that name no record
// are left out. The value field is each record's type's (value_field()).
ListTotals list_totals(const Workspace& workspace, const std::vector<std::string>& ids);

// "EUR 125,000", "USD 1,234.50", "USD -5"; "more than EUR ..." for a sum
// that overflowed.
std::string format_money_total(const MoneyTotal& total);
// "EUR 125,000 + USD 3,000", "0" when there is nothing.
std::string format_money_totals(const std::vector<MoneyTotal>& totals);

} // namespace crm
