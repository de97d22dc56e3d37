#include "model/field_text_local.hpp"

#include "util/local_time.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace crm {

using nlohmann::json;

namespace {

bool is_date_type(const FieldDef& field) {
    return field.type == FieldType::Date || field.type == FieldType::DateTime;
}

Error refusal(const std::string& text, const std::string& message) {
    return Error{"\"" + shortened_utf8(text, 40) + "\" " + message};
}

} // namespace

Result<json> parse_field_text_local(const FieldDef& field, const std::string& raw,
                                    const std::string& currency, const TimeZone& zone,
                                    Instant now) {
    if (!is_date_type(field)) return parse_field_text(field, raw, currency);
    const std::string text = trim_space(raw);
    if (text.empty()) return json(nullptr);
    // Not UTF-8, control characters, too long: the same words as every other
    // field (and nothing unprintable is quoted back).
    if (auto problem = text_problem(text, kMaxTextBytes)) return Error{"the text " + *problem};
    if (field.type == FieldType::Date) {
        const auto date = parse_local_date(text, zone, now);
        if (!date) return refusal(text, date.error());
        return json(format_date(*date));
    }
    const auto instant = parse_local_datetime(text, zone, now);
    if (!instant) return refusal(text, instant.error());
    return json(format_instant(*instant));
}

std::string field_value_to_local_text(const FieldDef& field, const json& value,
                                      const TimeZone& zone) {
    if (field.type == FieldType::DateTime && value.is_string())
        if (const auto instant = parse_instant(value.get_ref<const std::string&>()))
            return local_datetime_text(*instant, zone);
    return field_value_to_text(field, value);
}

std::string format_field_value_local(const FieldDef& field, const json& value, const TimeZone& zone,
                                     Instant now) {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (field.type == FieldType::DateTime)
            if (const auto instant = parse_instant(text); instant && text.size() > 10)
                return format_local_datetime(*instant, zone, now);
        if (field.type == FieldType::Date)
            if (const auto date = parse_date(text)) return format_local_date(*date, now, zone);
    }
    return format_field_value(field, value);
}

} // namespace crm
