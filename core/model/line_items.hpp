// The lines of a quote or an order (field type line_items): what is sold,
// how many, at what unit price, with what discount. Kept as JSON:
// [{"product": "Growth plan", "quantity": 10,
//   "price": {"amount": 1200, "currency": "EUR"}, "discount": 10}, ...]
// The discount is a percentage (0 when absent); every line is in one currency.
#pragma once

#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace crm {

inline constexpr std::size_t kMaxLineItems = 200;
inline constexpr std::size_t kMaxProductBytes = 200;

// What a line_items value looks like, for messages.
std::string line_items_shape();

// Checks lines and returns them normalised (product trimmed, discount 0
// left out); null for no lines. Says which line is wrong and how.
Result<nlohmann::json> normalize_line_items(const nlohmann::json& value);

// One line's amount: quantity x price less the discount, to the cent.
double line_amount(const nlohmann::json& line);

// The total of normalised lines as money ({"amount", "currency"}); null for none.
nlohmann::json line_items_total(const nlohmann::json& lines);

// Lines as a person types them, one per line or separated by ';':
// "10 x Growth plan @ 1200 EUR -10%"; the currency defaults to `default_currency`.
Result<nlohmann::json> parse_line_items_text(const std::string& text,
                                             const std::string& default_currency);

// The text parse_line_items_text() reads back as the same lines.
std::string line_items_to_text(const nlohmann::json& lines);

// For lists: "10 × Growth plan, 1 × Onboarding".
std::string format_line_items(const nlohmann::json& lines);

} // namespace crm
