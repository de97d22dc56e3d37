#include "model/line_items.hpp"

#include "model/field_values.hpp"
#include "util/text.hpp"

#include <cmath>

namespace crm {

using nlohmann::json;

namespace {

const FieldDef kNumber{"", "", FieldType::Number};
const FieldDef kMoney{"", "", FieldType::Money};

std::string line_label(std::size_t index) {
    return "line " + std::to_string(index + 1);
}

double cents(double amount) {
    return std::round(amount * 100) / 100;
}

// 12 stays 12 in JSON, 12.5 stays 12.5.
json number_json(double value) {
    if (std::floor(value) == value && std::fabs(value) < 9e15)
        return json(static_cast<long long>(value));
    return json(value);
}

Result<json> normalize_line(const json& line, std::size_t index) {
    const std::string where = line_label(index);
    if (!line.is_object())
        return Error{where + ": expected {\"product\", \"quantity\", \"price\", \"discount\"}"};
    for (const auto& [key, value] : line.items())
        if (key != "product" && key != "quantity" && key != "price" && key != "discount")
            return Error{where + ": unknown key \"" + key +
                         "\" (a line has product, quantity, price and discount)"};
    const auto product = line.find("product");
    if (product == line.end() || !product->is_string())
        return Error{where + ": the product is missing"};
    if (auto problem = text_problem(product->get_ref<const std::string&>(), kMaxProductBytes))
        return Error{where + ": the product " + *problem};
    const std::string name = trim_space(product->get_ref<const std::string&>());
    if (name.empty()) return Error{where + ": the product is missing"};
    // The text form separates lines with them: a product holding one would not read back.
    if (name.find_first_of(";\n\r") != std::string::npos)
        return Error{where + ": the product cannot contain ';' or a line break"};
    const auto quantity = line.find("quantity");
    if (quantity == line.end() || !quantity->is_number() || quantity->get<double>() <= 0 ||
        quantity->get<double>() > 1e9)
        return Error{where + " (" + name + "): expected a quantity above 0"};
    auto price = normalize_field_value(kMoney, line.value("price", json()));
    if (!price || price->is_null() || (*price)["amount"].get<double>() < 0 ||
        (*price)["amount"].get<double>() >= kMaxMoneyAmount)
        return Error{where + " (" + name + "): expected a unit price like {\"amount\": 1200, " +
                     "\"currency\": \"EUR\"} of 0 or more"};
    json clean = {{"product", name}, {"quantity", *quantity}, {"price", *price}};
    if (const auto discount = line.find("discount");
        discount != line.end() && !discount->is_null()) {
        if (!discount->is_number() || discount->get<double>() < 0 || discount->get<double>() > 100)
            return Error{where + " (" + name + "): expected a discount from 0 to 100 (percent)"};
        if (discount->get<double>() != 0) clean["discount"] = *discount;
    }
    return clean;
}

} // namespace

std::string line_items_shape() {
    return "lines as [{\"product\": text, \"quantity\": number, \"price\": money, \"discount\": "
           "percent}]";
}

Result<json> normalize_line_items(const json& value) {
    if (value.is_null()) return json(nullptr);
    if (!value.is_array()) return Error{"expected " + line_items_shape()};
    if (value.size() > kMaxLineItems)
        return Error{"at most " + std::to_string(kMaxLineItems) + " lines, got " +
                     std::to_string(value.size())};
    json lines = json::array();
    std::string currency;
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto line = normalize_line(value[i], i);
        if (!line) return line;
        const std::string& line_currency =
            (*line)["price"]["currency"].get_ref<const std::string&>();
        if (currency.empty()) currency = line_currency;
        if (line_currency != currency)
            return Error{line_label(i) + ": the price is in " + line_currency +
                         ", the lines before it in " + currency + "; use one currency"};
        lines.push_back(std::move(*line));
    }
    if (lines.empty()) return json(nullptr);
    if (std::fabs(line_items_total(lines)["amount"].get<double>()) >= kMaxMoneyAmount)
        return Error{"the lines come to 1,000,000,000,000,000 or more; money stays below that"};
    return lines;
}

double line_amount(const json& line) {
    const double quantity = line.value("quantity", 0.0);
    const double price = line.contains("price") ? line["price"].value("amount", 0.0) : 0.0;
    const double discount = line.value("discount", 0.0);
    // In whole cents first, so 3 x 0.35 less 50% is 0.53, not 0.52.
    const double price_cents = std::round(price * 100);
    return std::round(quantity * price_cents * (100 - discount) / 100) / 100;
}

json line_items_total(const json& lines) {
    if (!lines.is_array() || lines.empty()) return json(nullptr);
    double total = 0;
    for (const auto& line : lines)
        total += line_amount(line);
    return json{{"amount", number_json(cents(total))},
                {"currency", lines[0]["price"].value("currency", "")}};
}

namespace {

// "10 x Growth plan @ 1200 EUR -10%" -> a line (not yet normalised).
Result<json> parse_line_text(const std::string& text, const std::string& default_currency,
                             std::size_t index) {
    const std::string where = line_label(index);
    const auto times = text.find(" x ");
    const auto at = text.rfind(" @ ");
    if (times == std::string::npos || at == std::string::npos || at < times)
        return Error{where +
                     ": expected \"quantity x product @ price\", like \"10 x Growth "
                     "plan @ 1200 EUR -10%\", got \"" +
                     text + "\""};
    json line = json::object();
    auto quantity = parse_field_text(kNumber, text.substr(0, times), default_currency);
    if (!quantity || quantity->is_null())
        return Error{where + ": expected a quantity before \" x \", got \"" +
                     trim_space(text.substr(0, times)) + "\""};
    line["quantity"] = *quantity;
    line["product"] = trim_space(text.substr(times + 3, at - times - 3));
    std::string price_text = trim_space(text.substr(at + 3));
    const auto percent = price_text.rfind('%');
    const auto minus = price_text.rfind(" -");
    if (percent == price_text.size() - 1 && minus != std::string::npos) {
        auto discount = parse_field_text(kNumber, price_text.substr(minus + 2, percent - minus - 2),
                                         default_currency);
        if (!discount || discount->is_null())
            return Error{where + ": expected a discount like -10%, got \"" +
                         price_text.substr(minus + 1) + "\""};
        line["discount"] = *discount;
        price_text = trim_space(price_text.substr(0, minus));
    }
    auto price = parse_field_text(kMoney, price_text, default_currency);
    if (!price || price->is_null())
        return Error{where + ": expected a price like 1200 EUR after \" @ \", got \"" + price_text +
                     "\""};
    line["price"] = *price;
    return line;
}

} // namespace

Result<json> parse_line_items_text(const std::string& text, const std::string& default_currency) {
    json lines = json::array();
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find_first_of(";\n", start);
        const std::string item =
            trim_space(text.substr(start, end == std::string::npos ? end : end - start));
        if (!item.empty()) {
            auto line = parse_line_text(item, default_currency, lines.size());
            if (!line) return line;
            lines.push_back(std::move(*line));
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return normalize_line_items(lines);
}

std::string line_items_to_text(const json& lines) {
    if (!lines.is_array()) return "";
    std::string text;
    for (const auto& line : lines) {
        if (!text.empty()) text += "; ";
        text += format_field_value(kNumber, line.value("quantity", json())) + " x " +
                line.value("product", "") + " @ " +
                field_value_to_text(kMoney, line.value("price", json()));
        if (line.contains("discount"))
            text += " -" + format_field_value(kNumber, line["discount"]) + "%";
    }
    return text;
}

std::string format_line_items(const json& lines) {
    if (!lines.is_array()) return "";
    std::string text;
    for (const auto& line : lines) {
        if (!line.is_object()) continue; // a value never checked (a conflict's losing side)
        const auto product = line.find("product");
        if (!text.empty()) text += ", ";
        text += format_field_value(kNumber, line.value("quantity", json())) + " \u00d7 " +
                (product != line.end() && product->is_string() ? product->get<std::string>() : "");
    }
    return text;
}

} // namespace crm
