// Data quality: completeness against the type's target, records gone quiet,
// and flagged data problems (kept, in history, resolved by those who may edit).
#include "fixtures.hpp"
#include "query/data_quality.hpp"
#include "query/history.hpp"
#include "service/record_history.hpp"
#include "store/storage.hpp"
#include "store/workspace_store.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace data_quality_test {

using namespace crm;
using namespace crm::test;
using nlohmann::json;

namespace {

const Instant kNow = at("2026-03-02T10:00:00Z");

struct QualitySetup : StoredTeam {
    std::string create(const char* type, json fields, const char* owner = "u-ana",
                       Instant when = kNow) {
        const Outcome outcome =
            engine.apply(CreateRecord{type, std::move(fields), owner}, "u-sam", when);
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
        return outcome.record_id;
    }
    const Record& record(const std::string& id) { return *engine.workspace().find(id); }
    std::vector<std::string> timeline(const std::string& id) {
        const KeptHistory kept = read_record_history(store, id);
        std::vector<std::string> lines;
        for (const auto& entry :
             record_timeline(engine.workspace(), kept.batches, kept.origins, id))
            lines.push_back(entry.what);
        return lines;
    }
};

std::vector<std::string> labels(const std::vector<const FieldDef*>& fields) {
    std::vector<std::string> out;
    for (const FieldDef* field : fields)
        out.push_back(field->label);
    return out;
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

} // namespace

TEST_CASE("a contact's completeness counts its six key fields against the 80 % target") {
    QualitySetup setup;
    const std::string full = setup.create("contact", {{"first_name", "Dana"},
                                                      {"last_name", "Whitfield"},
                                                      {"email", "dana@acme.example"},
                                                      {"phone", "+1 415 555 0100"},
                                                      {"job_title", "COO"},
                                                      {"decision_maker", true}});
    const std::string thin =
        setup.create("contact", {{"first_name", "Lee"}, {"last_name", "Park"}, {"job_title", ""}});
    const RecordTypeDef& contact = *setup.engine.workspace().schema.type("contact");

    const RecordCompleteness one = record_completeness(contact, setup.record(full));
    CHECK(one.filled == 5);
    CHECK(one.counted == 6);
    CHECK(one.percent() == 83);
    CHECK(one.missing == std::vector<std::string>{"Company"});
    const RecordCompleteness two = record_completeness(contact, setup.record(thin));
    CHECK(two.percent() == 33); // an empty text is blank
    CHECK(two.missing == std::vector<std::string>{"Email", "Phone", "Job title", "Company"});

    const CompletenessReport report =
        completeness_report(setup.engine.workspace(), "u-maria", "contact");
    CHECK(report.target == 80);
    CHECK(report.records == 2);
    CHECK(report.percent == 58); // 7 of 12 key fields filled
    CHECK(report.below_target == 1);
    REQUIRE(report.least_complete.size() == 1);
    CHECK(report.least_complete[0].record_id == thin);
    REQUIRE(report.fields.size() == 6);
    CHECK(report.fields.front().label == "Company"); // least filled first
    CHECK(report.fields.front().filled == 0);
    CHECK(report.fields.back().filled == 2);
}

TEST_CASE("completeness is measured over the records the reviewer may see; reps get nothing") {
    QualitySetup setup;
    const std::string anas =
        setup.create("contact", {{"first_name", "Ana's"}, {"last_name", "Contact"}}, "u-ana");
    setup.create("contact", {{"first_name", "Zed's"}, {"last_name", "Contact"}}, "u-zed");
    CHECK(completeness_report(setup.engine.workspace(), "u-ana", "contact").records == 0);
    REQUIRE(setup.engine.apply(FlagDataProblem{anas, "Wrong"}, "u-ana", kNow).ok);
    CHECK(data_problem_queue(setup.engine.workspace(), "u-ana").empty());
    CHECK(inactive_records(setup.engine.workspace(), "u-ana", "contact", 0,
                           at("2027-01-01T00:00:00Z"))
              .empty());
    CHECK(completeness_report(setup.engine.workspace(), "u-maria", "contact").records == 1);
    CHECK(completeness_report(setup.engine.workspace(), "u-sam", "contact").records == 2);
    CHECK(completeness_report(setup.engine.workspace(), "u-nobody", "contact").records == 0);
}

TEST_CASE("tasks and activities are not measured; a custom type counts every field but yes/no") {
    Workspace ws = team_workspace();
    ws.schema = builtin_schema();
    RecordTypeDef custom;
    custom.id = "site";
    custom.fields = {{"name", "Name", FieldType::Text},
                     {"open", "Open", FieldType::Bool},
                     {"city", "City", FieldType::Text}};
    ws.schema.add_type(custom);
    std::vector<std::string> measured;
    for (const RecordTypeDef* type : measured_types(ws.schema))
        measured.push_back(type->id);
    CHECK(measured == std::vector<std::string>{"company", "contact", "lead", "deal", "ticket",
                                               "subscription", "site"});
    CHECK(labels(completeness_fields(*ws.schema.type("site"))) ==
          std::vector<std::string>{"Name", "City"});
}

TEST_CASE("a record is inactive when nothing was done on it, nor logged or planned about it") {
    QualitySetup setup;
    const Instant long_ago = at("2025-10-01T09:00:00Z");
    const std::string quiet = setup.create("company", {{"name", "Quiet Ltd"}}, "u-ana", long_ago);
    const std::string called = setup.create("company", {{"name", "Called Inc"}}, "u-ana", long_ago);
    const std::string fresh =
        setup.create("company", {{"name", "Fresh Co"}}, "u-ana", at("2026-02-20T09:00:00Z"));
    setup.create("activity",
                 {{"kind", "Call"},
                  {"subject", "Check-in"},
                  {"at", "2026-02-25T15:00:00Z"},
                  {"related", called}},
                 "u-ana", at("2026-02-25T15:00:00Z"));

    const auto inactive = inactive_records(setup.engine.workspace(), "u-sam", "company", 30, kNow);
    CHECK(inactive_records(setup.engine.workspace(), "u-maria", "company", 30, kNow).size() == 1);
    REQUIRE(inactive.size() == 1);
    CHECK(inactive[0].record_id == quiet);
    CHECK(inactive[0].last_touched == long_ago);
    CHECK(inactive_records(setup.engine.workspace(), "u-sam", "company", 5, kNow).size() == 2);
    CHECK(inactive_records(setup.engine.workspace(), "u-wes", "company", 30, kNow).empty());
    (void)fresh;
}

TEST_CASE("a flagged data problem waits in the queue, shows in history, and is resolved") {
    QualitySetup setup;
    const std::string dana = setup.create(
        "contact",
        {{"first_name", "Dana"}, {"last_name", "Whitfield"}, {"phone", "+1 415 555 0100"}});
    const Outcome flagged = setup.engine.apply(
        FlagDataProblem{dana, "  The phone is the switchboard  "}, "u-ana", kNow);
    REQUIRE_MESSAGE(flagged.ok, flagged.message);
    CHECK(setup.record(dana).version == 1); // a flag is not a change to the data
    REQUIRE(setup.record(dana).data_problems.size() == 1);
    CHECK(setup.record(dana).data_problems[0].note == "The phone is the switchboard");
    CHECK(setup.record(dana).data_problems[0].by == "u-ana");

    const auto queue = data_problem_queue(setup.engine.workspace(), "u-maria");
    REQUIRE(queue.size() == 1);
    CHECK(queue[0].record_id == dana);
    CHECK(data_problem_queue(setup.engine.workspace(), "u-wes").empty()); // not their team's

    // Survives a reopen and a compaction, in the record and in its history.
    REQUIRE(setup.store.compact(setup.engine));
    Engine reopened;
    REQUIRE(setup.store.open(reopened).ok());
    REQUIRE(reopened.workspace().find(dana)->data_problems.size() == 1);
    CHECK(reopened.workspace().find(dana)->data_problems[0].at == kNow);
    CHECK(
        contains(setup.timeline(dana), "Flagged a data problem: \"The phone is the switchboard\""));

    const Outcome resolved =
        setup.engine.apply(ResolveDataProblems{dana, "Direct line added"}, "u-maria", kNow);
    REQUIRE_MESSAGE(resolved.ok, resolved.message);
    CHECK(setup.record(dana).data_problems.empty());
    CHECK(data_problem_queue(setup.engine.workspace(), "u-maria").empty());
    CHECK(contains(setup.timeline(dana), "Resolved the data problems: \"Direct line added\""));
}

TEST_CASE("flagging and resolving refuse what is not theirs, blank notes and bad text") {
    QualitySetup setup;
    const std::string dana =
        setup.create("contact", {{"first_name", "Dana"}, {"last_name", "Whitfield"}});
    const auto refused = [&](const Command& command, const char* who) {
        const Outcome outcome = setup.engine.apply(command, who, kNow);
        CHECK_FALSE(outcome.ok);
        return outcome.message;
    };
    REQUIRE(setup.engine.apply(FlagDataProblem{dana, "Two\nlines\tand a tab"}, "u-ana", kNow).ok);
    CHECK(setup.record(dana).data_problems.back().note == "Two lines and a tab");
    REQUIRE(setup.engine.apply(ResolveDataProblems{dana, ""}, "u-ana", kNow).ok);
    CHECK(refused(FlagDataProblem{dana, "   "}, "u-ana") ==
          "Say what is wrong with the data of Dana Whitfield");
    CHECK(refused(FlagDataProblem{dana, "bad \x1b text"}, "u-ana") ==
          "The note contains the control character U+001B (character 5); remove it");
    CHECK(refused(FlagDataProblem{dana, "Wrong person"}, "u-zed") ==
          "there is no record \"" + dana + "\"");
    CHECK(refused(FlagDataProblem{"contact-999", "Wrong person"}, "u-ana") ==
          "there is no record \"contact-999\"");
    CHECK(refused(ResolveDataProblems{dana, ""}, "u-ana") ==
          "Dana Whitfield has no open data problem");

    REQUIRE(setup.engine.apply(FlagDataProblem{dana, "Wrong company"}, "u-ana", kNow).ok);
    REQUIRE(setup.engine.apply(FlagDataProblem{dana, "Email bounces"}, "u-maria", kNow).ok);
    CHECK(setup.record(dana).data_problems.size() == 2);
    CHECK(refused(ResolveDataProblems{dana, ""}, "u-ben") == "there is no record \"" + dana + "\"");
    CHECK(setup.record(dana).data_problems.size() == 2);
    REQUIRE(setup.engine.apply(ResolveDataProblems{dana, ""}, "u-ana", kNow).ok);
    CHECK(setup.record(dana).data_problems.empty());
}

TEST_CASE("a record with open data problems is not merged away: they are resolved first") {
    QualitySetup setup;
    const std::string keep =
        setup.create("contact", {{"first_name", "Dana"}, {"last_name", "Whitfield"}});
    const std::string other =
        setup.create("contact", {{"first_name", "Dana"}, {"last_name", "Whitfield"}});
    REQUIRE(setup.engine.apply(FlagDataProblem{other, "Wrong company"}, "u-ana", kNow).ok);
    const Outcome merged = setup.engine.apply(MergeRecords{keep, other, {}}, "u-maria", kNow);
    CHECK_FALSE(merged.ok);
    CHECK(merged.message == "Cannot merge " + other + " into " + keep +
                                ": Dana Whitfield has open data problems; resolve them first, or "
                                "keep that record");
    REQUIRE(setup.engine.apply(ResolveDataProblems{other, ""}, "u-maria", kNow).ok);
    CHECK(setup.engine.apply(MergeRecords{keep, other, {}}, "u-maria", kNow).ok);
}

} // namespace data_quality_test
