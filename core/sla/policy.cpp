#include "sla/policy.hpp"

#include "io/schema_json.hpp"

namespace crm {

using nlohmann::json;

Result<std::vector<SlaPolicy>> sla_policies_from_json(const json& value, const std::string& path) {
    if (!value.is_array()) return Error{path + ": expected an array of policies"};
    std::vector<SlaPolicy> policies;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const json& item = value[i];
        const std::string at = path + "[" + std::to_string(i) + "]";
        if (!item.is_object()) return Error{at + ": expected a policy object"};
        if (auto s = check_known_keys(item, at,
                                      {"id", "name", "record_type", "applies", "starts", "stops",
                                       "pauses", "within", "at_risk", "alert", "escalate_to",
                                       "reassign_to", "set"});
            !s)
            return Error{s.error()};
        SlaPolicy policy;
        auto id = require_identifier(item, at, "id");
        if (!id) return Error{id.error()};
        auto name = require_string(item, at, "name");
        if (!name) return Error{name.error()};
        auto type = require_string(item, at, "record_type");
        if (!type) return Error{type.error()};
        auto within = require_string(item, at, "within");
        if (!within) return Error{within.error()};
        policy.id = *id;
        policy.name = *name;
        policy.record_type = *type;
        policy.within = *within;
        if (item.contains("applies")) policy.applies = item["applies"];
        if (item.contains("stops")) policy.stops = item["stops"];
        if (item.contains("pauses")) policy.pauses = item["pauses"];
        if (item.contains("starts")) {
            if (!item["starts"].is_string())
                return Error{at + ".starts: expected \"created\" or \"flow:FLOW/STAGE\""};
            policy.starts = item["starts"].get<std::string>();
        }
        if (item.contains("at_risk")) {
            const json& share = item["at_risk"];
            if (!share.is_number() || share.get<double>() <= 0 || share.get<double>() >= 1)
                return Error{at + ".at_risk: expected a share between 0 and 1, like 0.75"};
            policy.at_risk = share.get<double>();
        }
        for (const auto& [key, list] :
             {std::pair<const char*, std::vector<std::string>*>{"alert", &policy.alert},
              {"escalate_to", &policy.escalate_to}}) {
            if (!item.contains(key)) continue;
            const json& who = item[key];
            if (!who.is_array())
                return Error{at + "." + key + ": expected a list of people, like [\"owner\"]"};
            for (const auto& name : who) {
                if (!name.is_string()) return Error{at + "." + key + ": expected names as text"};
                list->push_back(name.get<std::string>());
            }
        }
        if (item.contains("reassign_to")) {
            if (!item["reassign_to"].is_string())
                return Error{
                    at + ".reassign_to: expected \"owner_manager\", \"role:NAME\" or a user id"};
            policy.reassign_to = item["reassign_to"].get<std::string>();
        }
        if (item.contains("set")) {
            if (!item["set"].is_object())
                return Error{at + ".set: expected field values, like {\"priority\": \"High\"}"};
            policy.set = item["set"];
        }
        policies.push_back(policy);
    }
    return policies;
}

json sla_policies_to_json(const std::vector<SlaPolicy>& policies) {
    json out = json::array();
    for (const auto& p : policies) {
        json item = {{"id", p.id},           {"name", p.name},     {"record_type", p.record_type},
                     {"applies", p.applies}, {"starts", p.starts}, {"within", p.within},
                     {"at_risk", p.at_risk}, {"alert", p.alert}};
        if (!p.stops.is_null()) item["stops"] = p.stops;
        if (!p.pauses.is_null()) item["pauses"] = p.pauses;
        if (!p.escalate_to.empty()) item["escalate_to"] = p.escalate_to;
        if (!p.reassign_to.empty()) item["reassign_to"] = p.reassign_to;
        if (!p.set.empty()) item["set"] = p.set;
        out.push_back(std::move(item));
    }
    return out;
}

} // namespace crm
