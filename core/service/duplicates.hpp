// Likely duplicates among the records of one type: the same email, the same
// phone number, or a similar name at the same company or email domain. Each
// pair says why it matched and how strongly; blank values never match.
#pragma once

#include "model/workspace.hpp"
#include "quality/normalize.hpp" // normalize_email(), phone_match_key()

#include <map>
#include <string>
#include <vector>

namespace crm {

// Names at least this similar (0..1, word by word: Jaro-Winkler and edit
// distance averaged) pair
// when they share a company or an email domain.
inline constexpr double kDefaultNameThreshold = 0.88;

struct DuplicatePair {
    std::string first, second;        // record ids, first < second
    double score = 0;                 // 0..1: the strongest reason's
    std::vector<std::string> reasons; // "same email \"ana@acme.example\"", ...
};

// Every likely duplicate pair among the records of `type`, strongest first
// (then by ids). Found through indexes (email, phone, company, domain), never
// by comparing every record with every other.
std::vector<DuplicatePair> find_duplicates(const Workspace& workspace, const std::string& type,
                                           double name_threshold = kDefaultNameThreshold);

// How duplicates_of() names the record not created yet in its pairs.
inline constexpr const char* kNewRecord = "(new)";

// The records a record with these `values` (field id -> JSON value, as on a
// form) would duplicate, strongest first; `except` is the record's own id
// when it exists. For the warning before a likely duplicate is created.
std::vector<DuplicatePair> duplicates_of(const Workspace& workspace, const std::string& type,
                                         const nlohmann::json& values, const std::string& except,
                                         double name_threshold = kDefaultNameThreshold);

// Only the pairs whose records `viewer` may both see (a record `duplicates_of`
// compares with is named by its id; the other side is kNewRecord).
void keep_visible_pairs(const Workspace& workspace, const User& viewer,
                        std::vector<DuplicatePair>& pairs);

// Similarity of two names, 0..1: case, accents of Latin letters, punctuation
// and word order ignored ("Smith, John" is "John Smith").
double name_similarity(const std::string& a, const std::string& b);

} // namespace crm
