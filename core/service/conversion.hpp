// What converting a lead would do, before anyone confirms it: the existing
// company and contact it would link to instead of making duplicates (found
// by the duplicate check), and the deal it would use or make. The dialog and
// `crm convert` show this plan; ConvertLead carries it out.
#pragma once

#include "engine/command.hpp"
#include "model/workspace.hpp"

#include <optional>
#include <string>

namespace crm {

struct ConversionMatch {
    std::string id;
    std::string title;  // "Acme GmbH"
    std::string reason; // "same web site acme.example", "same email ..."
};

struct ConversionPlan {
    std::string lead;
    std::optional<ConversionMatch> company; // an existing company to link to
    std::optional<ConversionMatch> contact; // an existing contact to link to
    std::string new_company;                // the name of the company it would make
    std::string new_contact;                // the name of the contact it would make
    std::string deal;                       // the deal the lead already started, or ""
    std::string deal_name;                  // the name of the deal it would make
};

// The plan for converting `lead_id`, as `viewer` may see the workspace: only
// records they may see are offered as matches.
ConversionPlan plan_conversion(const Workspace& workspace, const User& viewer,
                               const std::string& lead_id);

// The deal's name unless someone gives one: the company it links, or makes.
std::string default_deal_name(const ConversionPlan& plan);

// The command that carries the plan out (the matches linked, the rest made).
ConvertLead conversion_command(const ConversionPlan& plan);

} // namespace crm
