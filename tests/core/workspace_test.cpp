// The workspace's record indexes: a type's records read without a lookup
// each (reports, lists) stay in creation order and point at the records the
// workspace holds, through adds, replacements, deletions, copies and moves.
#include "model/workspace.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace workspace_test {

using namespace crm;

namespace {

Record deal(const std::string& id, const std::string& name) {
    return Record{id, "deal", "", {{"name", name}}};
}

// The ids records_of_type() gives, and that each pointer is the record find() gives.
std::vector<std::string> listed(const Workspace& ws, const std::string& type) {
    std::vector<std::string> ids;
    for (const Record* record : ws.records_of_type(type)) {
        CHECK(record == ws.find(record->id));
        ids.push_back(record->id);
    }
    CHECK(ids == ws.ids_of_type(type));
    return ids;
}

} // namespace

TEST_CASE("a type's records are read in creation order through adds, replacements and deletions") {
    Workspace ws;
    CHECK(ws.records_of_type("deal").empty());
    ws.put(deal("deal-1", "One"));
    ws.put(deal("deal-2", "Two"));
    ws.put(deal("deal-3", "Three"));
    CHECK(listed(ws, "deal") == std::vector<std::string>{"deal-1", "deal-2", "deal-3"});

    ws.put(deal("deal-2", "Two, renamed")); // replaced in place: same place, new value
    CHECK(listed(ws, "deal") == std::vector<std::string>{"deal-1", "deal-2", "deal-3"});
    CHECK(ws.records_of_type("deal")[1]->value("name") == "Two, renamed");

    ws.erase("deal-2"); // from the middle
    ws.erase("deal-3"); // the newest
    ws.put(deal("deal-4", "Four"));
    CHECK(listed(ws, "deal") == std::vector<std::string>{"deal-1", "deal-4"});
    CHECK(ws.all_records().size() == 2);
}

TEST_CASE("a copied workspace lists its own records, not the original's") {
    Workspace original;
    original.put(deal("deal-1", "One"));
    original.put(deal("deal-2", "Two"));
    CHECK(listed(original, "deal").size() == 2); // the original's index is built

    Workspace copy = original;
    copy.edit("deal-1")->fields["name"] = "Changed in the copy";
    copy.erase("deal-2");
    CHECK(listed(copy, "deal") == std::vector<std::string>{"deal-1"});
    CHECK(copy.records_of_type("deal")[0]->value("name") == "Changed in the copy");
    CHECK(listed(original, "deal") == std::vector<std::string>{"deal-1", "deal-2"});
    CHECK(original.records_of_type("deal")[0]->value("name") == "One");

    Workspace assigned;
    assigned.put(deal("deal-9", "Nine"));
    assigned = original;
    CHECK(listed(assigned, "deal") == std::vector<std::string>{"deal-1", "deal-2"});

    Workspace moved = std::move(copy);
    CHECK(listed(moved, "deal") == std::vector<std::string>{"deal-1"});
}

TEST_CASE("a company's referrers follow edits that change a reference, and only those") {
    Workspace ws;
    ws.put(Record{"company-1", "company", "", {{"name", "Acme"}}});
    ws.put(Record{"company-2", "company", "", {{"name", "Globex"}}});
    for (const char* id : {"deal-1", "deal-2", "deal-3"})
        ws.put(Record{id, "deal", "", {{"name", id}, {"company", "company-1"}}});
    using Ids = std::vector<std::string>;
    CHECK(ws.referrers_of("company-1") == Ids{"deal-1", "deal-2", "deal-3"});

    ws.edit("deal-1")->fields["name"] = "Renamed"; // no reference changed: same order
    ws.reindex_links("deal-1");
    CHECK(ws.referrers_of("company-1") == Ids{"deal-1", "deal-2", "deal-3"});

    ws.edit("deal-2")->fields["company"] = "company-2";
    ws.reindex_links("deal-2");
    CHECK(ws.referrers_of("company-1") == Ids{"deal-1", "deal-3"});
    CHECK(ws.referrers_of("company-2") == Ids{"deal-2"});

    ws.edit("deal-3")->fields.erase("company");
    ws.reindex_links("deal-3");
    CHECK(ws.referrers_of("company-1") == Ids{"deal-1"});
}

namespace {

std::vector<std::string> ids_of(const std::vector<const Record*>& records) {
    std::vector<std::string> ids;
    for (const Record* record : records)
        ids.push_back(record->id);
    return ids;
}

Record owned(const std::string& id, const std::string& type, const std::string& owner) {
    return Record{id, type, owner, {{"name", id}}};
}

} // namespace

TEST_CASE("a person's records are found without a scan, in the order of all records") {
    using Ids = std::vector<std::string>;
    Workspace ws;
    ws.put(owned("deal-1", "deal", "u-ana"));
    ws.put(owned("company-1", "company", "u-ana"));
    ws.put(owned("deal-2", "deal", "u-ben"));
    ws.put(owned("deal-3", "deal", "u-ana"));
    ws.put(owned("company-2", "company", ""));
    // Companies come before deals in all_records(), as in the schema.
    CHECK(ids_of(ws.records_owned_by("u-ana")) == Ids{"company-1", "deal-1", "deal-3"});
    CHECK(ids_of(ws.records_owned_by("u-ben")) == Ids{"deal-2"});
    CHECK(ws.records_owned_by("u-nobody").empty());
    CHECK(ws.listed_before(*ws.find("company-2"), *ws.find("deal-1"))); // type first
    CHECK(ws.listed_before(*ws.find("deal-1"), *ws.find("deal-2")));
    CHECK_FALSE(ws.listed_before(*ws.find("deal-2"), *ws.find("deal-1")));

    ws.set_owner("deal-2", "u-ana"); // reassigned: keeps its place among Ana's
    CHECK(ids_of(ws.records_owned_by("u-ana")) == Ids{"company-1", "deal-1", "deal-2", "deal-3"});
    CHECK(ws.records_owned_by("u-ben").empty());

    ws.put(owned("deal-1", "deal", "u-ben")); // replaced with another owner
    ws.erase("deal-3");
    CHECK(ids_of(ws.records_owned_by("u-ana")) == Ids{"company-1", "deal-2"});
    CHECK(ids_of(ws.records_owned_by("u-ben")) == Ids{"deal-1"});

    Workspace copy = ws; // the copy's index points at the copy's records
    copy.set_owner("company-1", "u-ben");
    CHECK(ids_of(copy.records_owned_by("u-ben")) == Ids{"company-1", "deal-1"});
    CHECK(copy.records_owned_by("u-ben")[0] == copy.find("company-1"));
    CHECK(ids_of(ws.records_owned_by("u-ana")) == Ids{"company-1", "deal-2"});
}

TEST_CASE("records with a breach escalated to someone are listed until nobody is") {
    using Ids = std::vector<std::string>;
    Workspace ws;
    ws.put(owned("lead-1", "lead", "u-ana"));
    ws.put(owned("lead-2", "lead", "u-ana"));
    CHECK(ws.escalated_records().empty());
    ws.set_escalation("lead-2", "first_response", std::vector<std::string>{"u-maria"});
    ws.set_escalation("lead-1", "first_response", std::vector<std::string>{"u-maria"});
    ws.set_escalation("lead-1", "follow_up", std::vector<std::string>{"u-ben"});
    CHECK(ids_of(ws.escalated_records()) == Ids{"lead-1", "lead-2"});
    CHECK(ws.find("lead-1")->sla_escalations.at("follow_up") == Ids{"u-ben"});

    ws.set_escalation("lead-1", "first_response", std::nullopt); // one breach left
    CHECK(ids_of(ws.escalated_records()) == Ids{"lead-1", "lead-2"});
    ws.set_escalation("lead-1", "follow_up", std::nullopt);
    CHECK(ids_of(ws.escalated_records()) == Ids{"lead-2"});
    ws.erase("lead-2");
    CHECK(ws.escalated_records().empty());
}

} // namespace workspace_test
