// Duplicate detection on a seeded set with known duplicate pairs: how many
// of the pairs it reports are real (precision) and how many real pairs it
// finds (recall), and how long it takes. Usage: duplicates_bench [CONTACTS]
//
// The set: contacts at companies of 20 people each, names drawn from 54
// first names and some 30,000 surnames (so the same name turns up at
// different companies),
// work emails, some without email or phone. Then, for 2% of them, a second
// record of the same person as a messy import would make it: the email in
// another case, the phone written another way, a typo or a dropped letter in
// the name, first and last name swapped, or only the name at the same
// company. Near misses that are not duplicates are left in on purpose: the
// same name at another company, colleagues sharing a surname, a shared
// switchboard number is not generated (it would be a true positive here).
#include "bench_clock.hpp"
#include "service/duplicates.hpp"

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace crm;
using crm::bench::ms_since;

namespace {

const char* const kFirst[] = {
    "James",   "Mary",      "John",    "Patricia", "Robert",  "Jennifer", "Michael", "Linda",
    "William", "Elizabeth", "David",   "Barbara",  "Richard", "Susan",    "Joseph",  "Jessica",
    "Thomas",  "Sarah",     "Charles", "Karen",    "Daniel",  "Nancy",    "Matthew", "Lisa",
    "Anthony", "Betty",     "Mark",    "Margaret", "Donald",  "Sandra",   "Steven",  "Ashley",
    "Paul",    "Kimberly",  "Andrew",  "Emily",    "Joshua",  "Donna",    "Kenneth", "Michelle",
    "Kevin",   "Carol",     "Brian",   "Amanda",   "George",  "Melissa",  "Edward",  "Deborah",
    "Ingrid",  "Zoë",       "Łukasz",  "Søren",    "Aiko",    "Chen"};
const char* const kLast[] = {
    "Smith",    "Johnson",   "Williams", "Brown",     "Jones",     "Garcia",   "Miller",
    "Davis",    "Rodriguez", "Martinez", "Hernandez", "Lopez",     "Gonzalez", "Wilson",
    "Anderson", "Thomas",    "Taylor",   "Moore",     "Jackson",   "Martin",   "Lee",
    "Perez",    "Thompson",  "White",    "Harris",    "Sanchez",   "Clark",    "Ramirez",
    "Lewis",    "Robinson",  "Walker",   "Young",     "Allen",     "King",     "Wright",
    "Scott",    "Torres",    "Nguyen",   "Hill",      "Flores",    "Green",    "Adams",
    "Nelson",   "Baker",     "Hall",     "Rivera",    "Campbell",  "Mitchell", "Carter",
    "Roberts",  "Müller",    "Schmidt",  "Kowalski",  "Lindqvist", "Okafor",   "Tanaka"};

// Surnames: one in twenty a common one from kLast, the rest two or three
// syllables ("Bertolin", "Kasonri"), some 30,000 in all; so that, as in
// life, two different people with one full name at one company of 20 are
// rare but do occur (and count against precision when they do).
const char* const kSyllables[] = {"ber", "to",   "lin", "mar", "ka", "son", "rei", "dal",
                                  "vo",  "chen", "ha",  "ri",  "gu", "mo",  "ne",  "sa",
                                  "li",  "tor",  "ven", "ko",  "da", "el",  "ma",  "ru",
                                  "fi",  "ge",   "lo",  "pa",  "wi", "zu"};

std::string surname(std::mt19937& random) {
    if (random() % 20 == 0) return kLast[random() % std::size(kLast)];
    std::string name;
    const std::size_t syllables = 2 + random() % 2;
    for (std::size_t i = 0; i < syllables; ++i)
        name += kSyllables[random() % std::size(kSyllables)];
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
    return name;
}

struct Person {
    std::string first, last, email, phone, company;
};

std::string lower_ascii(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

std::string ascii_only(const std::string& text) {
    std::string out;
    for (const char c : text)
        if (static_cast<unsigned char>(c) < 0x80) out += c;
    return out.empty() ? "x" : out;
}

// A typo a person makes: a letter dropped, doubled or two swapped.
std::string with_typo(std::string name, std::mt19937& random) {
    if (name.size() < 4) return name;
    const std::size_t at = 1 + random() % (name.size() - 2);
    switch (random() % 3) {
    case 0:
        name.erase(at, 1);
        break;
    case 1:
        name.insert(at, 1, name[at]);
        break;
    default:
        std::swap(name[at], name[at + 1]);
    }
    return name;
}

// The same phone number as another system writes it.
std::string reformatted(const std::string& phone, std::mt19937& random) {
    const std::string national = phone.substr(3); // "+49" dropped
    switch (random() % 3) {
    case 0:
        return "0049 " + national;
    case 1:
        return "0" + national;
    default:
        return "+49-" + national.substr(0, 3) + "-" + national.substr(3);
    }
}

nlohmann::json contact_fields(const Person& person) {
    nlohmann::json fields = {{"first_name", person.first}, {"last_name", person.last}};
    if (!person.email.empty()) fields["email"] = person.email;
    if (!person.phone.empty()) fields["phone"] = person.phone;
    fields["company"] = person.company;
    return fields;
}

} // namespace

int main(int argc, char** argv) {
    const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 100000;
    std::mt19937 random(20261203);
    Workspace ws;
    ws.schema = builtin_schema();
    const std::size_t companies = std::max<std::size_t>(1, count / 20);
    for (std::size_t c = 0; c < companies; ++c)
        ws.put(Record{"company-" + std::to_string(c),
                      "company",
                      "",
                      {{"name", "Company " + std::to_string(c)}}});

    std::vector<Person> people;
    std::set<std::pair<std::string, std::string>> truth; // the injected pairs
    std::size_t next = 0;
    auto add = [&](const Person& person) {
        const std::string id = "contact-" + std::to_string(next++);
        ws.put(Record{id, "contact", "", contact_fields(person)});
        return id;
    };
    std::vector<std::string> ids;
    const std::size_t originals = count - count / 50;
    for (std::size_t i = 0; i < originals; ++i) {
        Person person;
        person.first = kFirst[random() % std::size(kFirst)];
        person.last = surname(random);
        const std::size_t company = random() % companies;
        person.company = "company-" + std::to_string(company);
        if (random() % 10 != 0)
            person.email = lower_ascii(ascii_only(person.first)) + "." +
                           lower_ascii(ascii_only(person.last)) + std::to_string(i) + "@c" +
                           std::to_string(company) + ".example";
        if (random() % 4 != 0) person.phone = "+49151" + std::to_string(10000000 + i);
        people.push_back(person);
        ids.push_back(add(person));
    }
    const char* const kinds[] = {"email in another case", "phone written another way",
                                 "typo in the name, other email", "first and last swapped",
                                 "only the name, same company"};
    for (std::size_t i = 0; i < count / 50; ++i) {
        const std::size_t original = random() % originals;
        Person copy = people[original];
        switch (i % std::size(kinds)) {
        case 0:
            if (copy.email.empty()) copy.email = "someone" + std::to_string(i) + "@x.example";
            for (char& c : copy.email)
                if (random() % 3 == 0 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
            people[original].email = lower_ascii(copy.email);
            ws.edit(ids[original])->fields["email"] = people[original].email;
            copy.first = copy.first.substr(0, 1) + ".";
            break;
        case 1:
            if (copy.phone.empty()) {
                copy.phone = "+49152" + std::to_string(10000000 + i);
                ws.edit(ids[original])->fields["phone"] = copy.phone;
            }
            copy.phone = reformatted(copy.phone, random);
            copy.email.clear();
            break;
        case 2:
            copy.last = with_typo(copy.last, random);
            copy.email = "info" + std::to_string(i) + "@gmail.com";
            copy.phone.clear();
            break;
        case 3:
            std::swap(copy.first, copy.last);
            copy.email.clear();
            copy.phone.clear();
            break;
        default:
            copy.email.clear();
            copy.phone.clear();
        }
        const std::string id = add(copy);
        truth.insert({std::min(ids[original], id), std::max(ids[original], id)});
    }

    const auto start = std::chrono::steady_clock::now();
    const auto pairs = find_duplicates(ws, "contact");
    const double ms = ms_since(start);
    std::size_t true_positives = 0;
    std::vector<const DuplicatePair*> false_positives;
    for (const auto& pair : pairs) {
        if (truth.count({pair.first, pair.second}))
            ++true_positives;
        else
            false_positives.push_back(&pair);
    }
    const double precision = pairs.empty() ? 1.0 : double(true_positives) / pairs.size();
    const double recall = truth.empty() ? 1.0 : double(true_positives) / truth.size();
    std::printf("Duplicate detection: %zu contacts at %zu companies, %zu known duplicate pairs\n",
                count, companies, truth.size());
    std::printf("  find_duplicates:      %8.1f ms, %zu pairs reported\n", ms, pairs.size());
    std::printf("  true positives:       %8zu\n", true_positives);
    std::printf("  precision:            %8.3f  (target: at least 0.95)\n", precision);
    std::printf("  recall:               %8.3f  (target: at least 0.90)\n", recall);
    std::size_t same_name = 0; // a different person with the very same name
    for (const auto* pair : false_positives)
        if (pair->score == 1.0) ++same_name;
    std::printf("  not known pairs:      %8zu  (%zu of them the very same name at one company)\n",
                false_positives.size(), same_name);
    for (std::size_t i = 0; i < false_positives.size();
         i += std::max<std::size_t>(1, false_positives.size() / 4))
        std::printf("  e.g. not a known pair: %s / %s: %s\n", false_positives[i]->first.c_str(),
                    false_positives[i]->second.c_str(), false_positives[i]->reasons[0].c_str());
    return precision >= 0.95 && recall >= 0.90 ? 0 : 1;
}
