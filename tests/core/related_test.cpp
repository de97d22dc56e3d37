// The record page's neighbourhood and the reference pickers: what a rep sees
// linked to a company or a contact, and which contacts a deal offers first.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/workspace_json.hpp"
#include "query/my_work.hpp"
#include "query/related.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace related_test {

using namespace crm;
using namespace crm::test;

namespace {

const Instant kWhen = at("2026-11-20T10:00:00Z");

std::string create(Engine& engine, const std::string& type, nlohmann::json fields,
                   const std::string& actor = "u-ana") {
    const Outcome outcome = engine.apply(CreateRecord{type, std::move(fields), {}}, actor, kWhen);
    REQUIRE_MESSAGE(outcome.ok, outcome.message);
    return outcome.record_id;
}

// "Contacts: Dana Whitfield, Lee Park | Deals: Harbour renewal"
std::string describe(const std::vector<RelatedGroup>& groups) {
    std::string text;
    for (const auto& group : groups) {
        if (!text.empty()) text += " | ";
        text += group.label + " (" + std::to_string(group.count) + "):";
        for (const auto& item : group.shown)
            text += " " + item.title + (item.stage.empty() ? "" : " [" + item.stage + "]") +
                    (item.done ? " (done)" : "");
    }
    return text;
}

std::vector<std::string> titles(const ReferenceChoices& found) {
    std::vector<std::string> out;
    for (const auto& choice : found.choices)
        out.push_back(choice.title + (choice.nearby ? " *" : ""));
    return out;
}

// Who points at `id`, found the slow way: every record's reference fields.
std::vector<std::string> scanned_referrers(const Workspace& ws, const std::string& id) {
    std::vector<std::string> found;
    for (const Record* record : ws.all_records())
        for (const auto& field : ws.schema.type(record->type)->fields)
            if (field.type == FieldType::RecordRef && record->value(field.id) == id) {
                found.push_back(record->id);
                break;
            }
    std::sort(found.begin(), found.end());
    return found;
}

// The link index agrees with a scan for every record.
void check_index_matches_scan(const Workspace& ws) {
    for (const Record* record : ws.all_records()) {
        auto indexed = ws.referrers_of(record->id);
        CHECK_MESSAGE(std::is_sorted(indexed.begin(), indexed.end(),
                                     [&](const std::string& a, const std::string& b) {
                                         return ws.find(a)->position < ws.find(b)->position;
                                     }),
                      (record->id + ": referrers in the order they joined"));
        std::sort(indexed.begin(), indexed.end());
        CHECK_MESSAGE(indexed == scanned_referrers(ws, record->id), record->id);
    }
}

struct Harbour {
    Engine engine{team_workspace()};
    std::string acme, harbour, dana, lee, kim, deal, task, call;

    Harbour() {
        acme = create(engine, "company", {{"name", "Acme"}});
        harbour = create(engine, "company", {{"name", "Harbour Foods"}});
        dana = create(engine, "contact",
                      {{"first_name", "Dana"}, {"last_name", "Whitfield"}, {"company", harbour}});
        lee = create(engine, "contact",
                     {{"first_name", "Lee"}, {"last_name", "Park"}, {"company", harbour}});
        kim = create(engine, "contact",
                     {{"first_name", "Kim"}, {"last_name", "Adler"}, {"company", acme}});
        deal = create(engine, "deal",
                      {{"name", "Harbour renewal"}, {"company", harbour}, {"contact", dana}});
        task = create(engine, "task",
                      {{"title", "Send the price sheet"},
                       {"related", dana},
                       {"due", "2026-11-21T09:00:00Z"}});
        call = create(engine, "activity",
                      {{"kind", "Call"},
                       {"subject", "Intro call"},
                       {"at", "2026-11-19T15:00:00Z"},
                       {"related", dana}});
    }
    const Record& record(const std::string& id) { return *engine.workspace().find(id); }
};

} // namespace

TEST_CASE("a company shows its contacts, deals and tickets; a contact its deals, activities and "
          "tasks") {
    Harbour h;
    CHECK(describe(related_records(h.engine.workspace(), "u-ana", h.record(h.harbour), 10)) ==
          "Contacts (2): Dana Whitfield Lee Park | Deals (1): Harbour renewal");
    CHECK(describe(related_records(h.engine.workspace(), "u-ana", h.record(h.dana), 10)) ==
          "Deals (1): Harbour renewal | Tasks (1): Send the price sheet | Activities (1): Intro "
          "call");
    CHECK(related_records(h.engine.workspace(), "u-ana", h.record(h.call), 10).empty());
    // A group says how many there are, and shows only the first few.
    const auto limited = related_records(h.engine.workspace(), "u-ana", h.record(h.harbour), 1);
    REQUIRE(limited.size() == 2);
    CHECK(limited[0].count == 2);
    CHECK(limited[0].shown.size() == 1);
}

TEST_CASE("related records follow edits, deletions, restores and a reload") {
    Harbour h;
    // Lee moves to Acme. (Changed at one time, related records are listed
    // in the order they joined the workspace.)
    REQUIRE(
        h.engine.apply(UpdateRecord{h.lee, {{"company", h.acme}}, {}, false}, "u-ana", kWhen).ok);
    CHECK(describe(related_records(h.engine.workspace(), "u-ana", h.record(h.acme), 10)) ==
          "Contacts (2): Lee Park Kim Adler");
    CHECK(describe(related_records(h.engine.workspace(), "u-ana", h.record(h.harbour), 10)) ==
          "Contacts (1): Dana Whitfield | Deals (1): Harbour renewal");
    // The task is done and then deleted.
    REQUIRE(h.engine.apply(UpdateRecord{h.task, {{"done", true}}, {}, false}, "u-ana", kWhen).ok);
    CHECK(describe(related_records(h.engine.workspace(), "u-ana", h.record(h.dana), 10))
              .find("Send the price sheet (done)") != std::string::npos);
    const nlohmann::json kept = record_to_json(h.record(h.task));
    REQUIRE(h.engine.apply(DeleteRecord{h.task}, "u-maria", kWhen).ok);
    CHECK(describe(related_records(h.engine.workspace(), "u-ana", h.record(h.dana), 10)) ==
          "Deals (1): Harbour renewal | Activities (1): Intro call");
    REQUIRE(h.engine.apply(RestoreRecord{h.task, kept}, "u-maria", kWhen).ok);
    CHECK(related_records(h.engine.workspace(), "u-ana", h.record(h.dana), 10).size() == 3);
    // An export read back links the same records.
    auto reread = import_workspace(export_workspace(h.engine.workspace()));
    REQUIRE(reread);
    CHECK(describe(related_records(*reread, "u-ana", *reread->find(h.dana), 10)) ==
          describe(related_records(h.engine.workspace(), "u-ana", h.record(h.dana), 10)));
    check_index_matches_scan(h.engine.workspace());
    check_index_matches_scan(*reread);
}

TEST_CASE("a record others point at cannot be deleted, and the refusal names them") {
    Harbour h;
    const Outcome refused = h.engine.apply(DeleteRecord{h.harbour}, "u-maria", kWhen);
    CHECK_FALSE(refused.ok);
    CHECK(refused.message == "Cannot delete Harbour Foods: 3 record(s) refer to it (" + h.dana +
                                 ", " + h.lee + ", " + h.deal +
                                 "); remove or change those links first");
    REQUIRE(h.engine.apply(DeleteRecord{h.kim}, "u-maria", kWhen).ok);
    CHECK(h.engine.apply(DeleteRecord{h.acme}, "u-maria", kWhen).ok);
}

TEST_CASE("related records and choices leave out what the viewer may not see") {
    Harbour h;
    create(h.engine, "contact",
           {{"first_name", "Wes"}, {"last_name", "Hidden"}, {"company", h.harbour}}, "u-zed");
    CHECK(related_records(h.engine.workspace(), "u-ana", h.record(h.harbour), 10)[0].count == 2);
    const FieldDef& maker = *h.engine.workspace().schema.type("deal")->field("decision_maker");
    CHECK(titles(reference_choices(h.engine.workspace(), "u-ana", maker, {h.harbour}, "", 10)) ==
          std::vector<std::string>{"Dana Whitfield *", "Lee Park *", "Kim Adler"});
}

TEST_CASE("a deal's decision maker is offered from the deal's company and contact first") {
    Harbour h;
    const Workspace& ws = h.engine.workspace();
    const FieldDef& maker = *ws.schema.type("deal")->field("decision_maker");
    // The deal's primary contact and its company's contacts lead, then the rest.
    CHECK(titles(reference_choices(ws, "u-ana", maker, {h.dana, h.acme}, "", 10)) ==
          std::vector<std::string>{"Dana Whitfield *", "Kim Adler *", "Lee Park"});
    CHECK(titles(reference_choices(ws, "u-ana", maker, {h.harbour}, "", 10)) ==
          std::vector<std::string>{"Dana Whitfield *", "Lee Park *", "Kim Adler"});
    // Typing narrows both parts; a full list says there is more.
    CHECK(titles(reference_choices(ws, "u-ana", maker, {h.harbour}, "ADL", 10)) ==
          std::vector<std::string>{"Kim Adler"});
    const ReferenceChoices two = reference_choices(ws, "u-ana", maker, {h.harbour}, "", 2);
    CHECK(titles(two) == std::vector<std::string>{"Dana Whitfield *", "Lee Park *"});
    CHECK(two.more);
    // With no context, the field's type in creation order; a field for any type offers all.
    CHECK(titles(reference_choices(ws, "u-ana", maker, {}, "", 10)) ==
          std::vector<std::string>{"Dana Whitfield", "Lee Park", "Kim Adler"});
    const FieldDef& related = *ws.schema.type("task")->field("related");
    CHECK(reference_choices(ws, "u-ana", related, {}, "harbour", 10).choices.size() == 2);
}

TEST_CASE("a picker finds a person by the name they have now, and no longer once deleted") {
    Harbour h;
    const FieldDef& maker = *h.engine.workspace().schema.type("deal")->field("decision_maker");
    CHECK(titles(reference_choices(h.engine.workspace(), "u-ana", maker, {}, "adler", 10)) ==
          std::vector<std::string>{"Kim Adler"});
    REQUIRE(
        h.engine
            .apply(UpdateRecord{h.kim, {{"last_name", "Novak"}}, std::nullopt}, "u-maria", kWhen)
            .ok);
    CHECK(reference_choices(h.engine.workspace(), "u-ana", maker, {}, "adler", 10).choices.empty());
    CHECK(titles(reference_choices(h.engine.workspace(), "u-ana", maker, {}, "novak", 10)) ==
          std::vector<std::string>{"Kim Novak"});
    REQUIRE(h.engine.apply(DeleteRecord{h.kim}, "u-maria", kWhen).ok);
    CHECK(reference_choices(h.engine.workspace(), "u-ana", maker, {}, "novak", 10).choices.empty());
}

TEST_CASE("the record page's next action is its most urgent open item, whoever's it is") {
    Harbour h;
    const Workspace& ws = h.engine.workspace();
    const auto next = record_next_action(ws, h.record(h.dana), at("2026-11-21T12:00:00Z"));
    REQUIRE(next);
    CHECK(next->what == "Send the price sheet");
    CHECK(next->state == "overdue");
    CHECK(next->due == at("2026-11-21T09:00:00Z"));
    REQUIRE(h.engine.apply(UpdateRecord{h.task, {{"done", true}}, {}, false}, "u-ana", kWhen).ok);
    CHECK_FALSE(record_next_action(h.engine.workspace(), h.record(h.dana), kWhen));
}

} // namespace related_test
