#include "service/duplicates.hpp"

#include "engine/permissions.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace crm {

namespace {

// A company or domain shared by more records than this is not compared
// pairwise (a bucket of n costs n^2/2 name comparisons); email and phone
// matches inside it are still found through their own indexes.
constexpr std::size_t kMaxBucket = 2000;

constexpr double kEmailScore = 1.0;
constexpr double kPhoneScore = 0.9;

// Mail providers whose domain says nothing about where a person works.
const std::set<std::string>& free_mail_domains() {
    static const std::set<std::string> domains = {
        "gmail.com",      "googlemail.com", "outlook.com", "hotmail.com", "live.com",
        "msn.com",        "yahoo.com",      "yahoo.co.uk", "icloud.com",  "me.com",
        "aol.com",        "gmx.de",         "gmx.net",     "web.de",      "proton.me",
        "protonmail.com", "mail.ru",        "yandex.ru",   "qq.com",      "163.com"};
    return domains;
}

// What the matching reads of one record.
struct Fingerprint {
    std::string id;
    std::string name;    // as written, for the reason
    std::string email;   // trimmed, lower case
    std::string phone;   // phone_match_key()
    std::string company; // the referenced company's id
    std::string domain;  // the email's domain unless a free-mail one
};

std::string text_of(const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : "";
}

// The fields matching reads, by their type: the first email, phone and
// company reference of the record type.
struct MatchFields {
    std::string email, phone, company;
    std::vector<std::string> name;
};

MatchFields match_fields(const RecordTypeDef& type) {
    MatchFields fields;
    fields.name = type.title_fields;
    for (const auto& field : type.fields) {
        if (field.type == FieldType::Email && fields.email.empty()) fields.email = field.id;
        if (field.type == FieldType::Phone && fields.phone.empty()) fields.phone = field.id;
        if (field.type == FieldType::RecordRef && field.target_type == "company" &&
            fields.company.empty())
            fields.company = field.id;
    }
    return fields;
}

template <typename Values>
Fingerprint fingerprint(const MatchFields& fields, const std::string& id, const Values& value) {
    Fingerprint print;
    print.id = id;
    for (const auto& part : fields.name) {
        const std::string text = text_of(value(part));
        if (text.empty()) continue;
        print.name += (print.name.empty() ? "" : " ") + text;
    }
    if (!fields.email.empty()) print.email = normalize_email(text_of(value(fields.email)));
    if (!fields.phone.empty()) print.phone = phone_match_key(text_of(value(fields.phone)));
    if (!fields.company.empty()) print.company = text_of(value(fields.company));
    if (const auto at = print.email.rfind('@'); at != std::string::npos) {
        const std::string domain = print.email.substr(at + 1);
        if (!domain.empty() && !free_mail_domains().count(domain)) print.domain = domain;
    }
    return print;
}

Fingerprint record_fingerprint(const MatchFields& fields, const Record& record) {
    return fingerprint(fields, record.id, [&](const std::string& field) -> const nlohmann::json& {
        return record.value(field);
    });
}

std::string quoted(const std::string& text) {
    return "\"" + text + "\"";
}

std::string two_decimals(double value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return buffer;
}

// Why `a` and `b` look like one person, and how strongly (0 = they do not).
DuplicatePair compare(const Workspace& ws, const Fingerprint& a, const Fingerprint& b,
                      double threshold) {
    DuplicatePair pair;
    pair.first = std::min(a.id, b.id);
    pair.second = std::max(a.id, b.id);
    if (!a.email.empty() && a.email == b.email) {
        pair.reasons.push_back("same email " + quoted(a.email));
        pair.score = std::max(pair.score, kEmailScore);
    }
    if (!a.phone.empty() && a.phone == b.phone) {
        pair.reasons.push_back("same phone number (ending " + a.phone.substr(a.phone.size() - 4) +
                               ")");
        pair.score = std::max(pair.score, kPhoneScore);
    }
    const bool same_company = !a.company.empty() && a.company == b.company;
    const bool same_domain = !a.domain.empty() && a.domain == b.domain;
    if ((same_company || same_domain) && !a.name.empty() && !b.name.empty()) {
        const double similarity = name_similarity(a.name, b.name);
        if (similarity >= threshold) {
            std::string where;
            if (same_company) {
                const Record* company = ws.find(a.company);
                where =
                    "at the same company " + quoted(company ? ws.title_of(*company) : a.company);
            } else {
                where = "with the same email domain " + quoted(a.domain);
            }
            pair.reasons.push_back("similar name (" + quoted(a.name) + " / " + quoted(b.name) +
                                   ", " + two_decimals(similarity) + ") " + where);
            pair.score = std::max(pair.score, similarity);
        }
    }
    // Two reasons are stronger evidence than either alone.
    if (pair.reasons.size() > 1) pair.score = std::min(1.0, pair.score + 0.05);
    return pair;
}

bool stronger(const DuplicatePair& a, const DuplicatePair& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.first != b.first) return a.first < b.first;
    return a.second < b.second;
}

// Record indexes of the fingerprints sharing each key.
using Buckets = std::unordered_map<std::string, std::vector<std::size_t>>;

void add_to(Buckets& buckets, const std::string& key, std::size_t index) {
    if (!key.empty()) buckets[key].push_back(index);
}

// The jaro similarity of two strings of bytes.
double jaro(const std::string& a, const std::string& b) {
    if (a.empty() && b.empty()) return 1.0;
    if (a.empty() || b.empty()) return 0.0;
    const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
    std::vector<bool> a_matched(a.size()), b_matched(b.size());
    std::size_t matches = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::size_t from = i > window ? i - window : 0;
        const std::size_t to = std::min(i + window + 1, b.size());
        for (std::size_t j = from; j < to; ++j) {
            if (b_matched[j] || a[i] != b[j]) continue;
            a_matched[i] = b_matched[j] = true;
            ++matches;
            break;
        }
    }
    if (matches == 0) return 0.0;
    std::size_t transpositions = 0;
    for (std::size_t i = 0, j = 0; i < a.size(); ++i) {
        if (!a_matched[i]) continue;
        while (!b_matched[j])
            ++j;
        if (a[i] != b[j]) ++transpositions;
        ++j;
    }
    const double m = static_cast<double>(matches);
    return (m / a.size() + m / b.size() + (m - transpositions / 2.0) / m) / 3.0;
}

double jaro_winkler(const std::string& a, const std::string& b) {
    const double similarity = jaro(a, b);
    std::size_t prefix = 0;
    while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    return similarity + static_cast<double>(prefix) * 0.1 * (1.0 - similarity);
}

// 1 - edits / length of the longer: how much of a word survives.
double edit_similarity(const std::string& a, const std::string& b) {
    const std::size_t longer = std::max(a.size(), b.size());
    if (longer == 0) return 1.0;
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return 1.0 - static_cast<double>(row[b.size()]) / static_cast<double>(longer);
}

// Two words of names: Jaro-Winkler forgives typos but rates a shared start
// highly ("Hill" / "Hillman" 0.91); the edit distance does not, so the two
// are averaged ("Hill" / "Hillman" 0.74, "Smith" / "Smtih" 0.90).
double word_similarity(const std::string& a, const std::string& b) {
    return (jaro_winkler(a, b) + edit_similarity(a, b)) / 2.0;
}

// Folded words of a name, punctuation dropped.
std::vector<std::string> name_words(const std::string& name) {
    const std::string folded = fold_text(name);
    std::vector<std::string> words;
    std::string word;
    for (const char c : folded) {
        const bool letter =
            std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
        if (letter) {
            word += c;
        } else if (!word.empty()) {
            words.push_back(word);
            word.clear();
        }
    }
    if (!word.empty()) words.push_back(word);
    return words;
}

} // namespace

// Word by word: each word of the shorter name against its closest word of
// the other, averaged; so "Ingrid Brennan" and "Ingrid Chen" do not match on
// their shared first name, while "Jon Smith" and "Smith, John" do.
double name_similarity(const std::string& a, const std::string& b) {
    auto words_a = name_words(a), words_b = name_words(b);
    if (words_a.empty() || words_b.empty()) return 0.0;
    if (words_a.size() > words_b.size()) std::swap(words_a, words_b);
    double total = 0;
    std::vector<bool> used(words_b.size());
    for (const auto& word : words_a) {
        double best = 0;
        std::size_t best_index = 0;
        for (std::size_t j = 0; j < words_b.size(); ++j) {
            if (used[j]) continue;
            const double similarity = word_similarity(word, words_b[j]);
            if (similarity > best) best = similarity, best_index = j;
        }
        used[best_index] = true;
        total += best;
    }
    const double mean = total / static_cast<double>(words_a.size());
    // A middle name or initial more on one side: nearly the same name.
    return words_a.size() == words_b.size() ? mean : mean * 0.97;
}

std::vector<DuplicatePair> find_duplicates(const Workspace& workspace, const std::string& type,
                                           double name_threshold) {
    const RecordTypeDef* type_def = workspace.schema.type(type);
    if (!type_def) return {};
    const MatchFields fields = match_fields(*type_def);
    std::vector<Fingerprint> prints;
    for (const auto& id : workspace.ids_of_type(type))
        if (const Record* record = workspace.find(id))
            prints.push_back(record_fingerprint(fields, *record));
    Buckets by_email, by_phone, by_company, by_domain;
    for (std::size_t i = 0; i < prints.size(); ++i) {
        add_to(by_email, prints[i].email, i);
        add_to(by_phone, prints[i].phone, i);
        add_to(by_company, prints[i].company, i);
        add_to(by_domain, prints[i].domain, i);
    }
    // Candidate pairs from every bucket, each compared once.
    std::unordered_set<std::uint64_t> seen;
    std::vector<DuplicatePair> pairs;
    auto visit = [&](const Buckets& buckets) {
        for (const auto& [key, members] : buckets) {
            if (members.size() < 2 || members.size() > kMaxBucket) continue;
            for (std::size_t x = 0; x < members.size(); ++x)
                for (std::size_t y = x + 1; y < members.size(); ++y) {
                    const std::uint64_t low = std::min(members[x], members[y]);
                    const std::uint64_t high = std::max(members[x], members[y]);
                    if (!seen.insert(low << 32 | high).second) continue;
                    auto pair = compare(workspace, prints[low], prints[high], name_threshold);
                    if (!pair.reasons.empty()) pairs.push_back(std::move(pair));
                }
        }
    };
    visit(by_email);
    visit(by_phone);
    visit(by_company);
    visit(by_domain);
    std::sort(pairs.begin(), pairs.end(), stronger);
    return pairs;
}

std::vector<DuplicatePair> duplicates_of(const Workspace& workspace, const std::string& type,
                                         const nlohmann::json& values, const std::string& except,
                                         double name_threshold) {
    const RecordTypeDef* type_def = workspace.schema.type(type);
    if (!type_def || !values.is_object()) return {};
    static const nlohmann::json kNull;
    const Fingerprint candidate =
        fingerprint(match_fields(*type_def), except.empty() ? std::string(kNewRecord) : except,
                    [&](const std::string& field) -> const nlohmann::json& {
                        const auto found = values.find(field);
                        return found == values.end() ? kNull : *found;
                    });
    const MatchFields fields = match_fields(*type_def);
    std::vector<DuplicatePair> pairs;
    for (const auto& id : workspace.ids_of_type(type)) {
        if (id == except) continue;
        const Record* record = workspace.find(id);
        if (!record) continue;
        auto pair =
            compare(workspace, candidate, record_fingerprint(fields, *record), name_threshold);
        if (pair.reasons.empty()) continue;
        pair.first = candidate.id;
        pair.second = id;
        pairs.push_back(std::move(pair));
    }
    std::sort(pairs.begin(), pairs.end(), stronger);
    return pairs;
}

void keep_visible_pairs(const Workspace& ws, const User& viewer,
                        std::vector<DuplicatePair>& pairs) {
    auto visible = [&](const std::string& id) {
        if (id == kNewRecord) return true;
        const Record* record = ws.find(id);
        return record && can_view(ws, viewer, *record);
    };
    std::erase_if(pairs, [&](const DuplicatePair& pair) {
        return !visible(pair.first) || !visible(pair.second);
    });
}

} // namespace crm
