#include "query/search.hpp"

#include "engine/permissions.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace crm {

namespace {

// 0: the title starts with the text; 1: a word in it does; 2: it contains
// the text somewhere; -1: no match.
int match_rank(const std::string& title, const std::string& needle) {
    const std::size_t at = title.find(needle);
    if (at == std::string::npos) return -1;
    if (at == 0) return 0;
    for (std::size_t from = at; from != std::string::npos; from = title.find(needle, from + 1)) {
        const unsigned char before = static_cast<unsigned char>(title[from - 1]);
        if (!std::isalnum(before) && before < 0x80) return 1;
    }
    return 2;
}

} // namespace

std::vector<SearchHit> search_records(const Workspace& ws, const std::string& viewer,
                                      const std::string& text, std::size_t limit) {
    const std::string needle = fold_text(text);
    const User* user = ws.directory.user(viewer);
    if (needle.find_first_not_of(' ') == std::string::npos || !user || limit == 0) return {};
    struct Ranked {
        int rank;
        std::string folded;
        SearchHit hit;
    };
    std::vector<Ranked> found;
    for (const auto& type : ws.schema.types()) {
        for (const auto& [record, folded] : ws.titled_records(type.id)) {
            const int rank = match_rank(folded, needle);
            if (rank < 0 || !can_view(ws, *user, *record)) continue;
            found.push_back({rank, folded, {record->id, ws.title_of(*record), type.label}});
        }
    }
    const auto better = [](const Ranked& a, const Ranked& b) {
        if (a.rank != b.rank) return a.rank < b.rank;
        if (a.folded != b.folded) return a.folded < b.folded;
        return a.hit.record_id < b.hit.record_id;
    };
    const std::size_t kept = std::min(limit, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(kept), found.end(),
                      better);
    std::vector<SearchHit> hits;
    for (std::size_t i = 0; i < kept; ++i)
        hits.push_back(std::move(found[i].hit));
    return hits;
}

} // namespace crm
