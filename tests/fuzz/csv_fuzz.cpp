// Covers the CSV reader and writer (core/io/csv): any bytes as a file a person
// chose to import, decoded as each encoding, split by each delimiter; every
// table read is written back and must read back the same.
#include "io/csv.hpp"
#include "util/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "invariant broken: %s\n", what.c_str());
    std::abort();
}

void check_table(const crm::CsvTable& table) {
    if (table.header.empty() || table.header.size() > crm::kMaxCsvColumns)
        fail("a header of " + std::to_string(table.header.size()) + " columns");
    if (table.lines.size() != table.rows.size()) fail("a line for each row");
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        if (table.rows[i].size() != table.header.size()) fail("a row that is not header-wide");
        if (i > 0 && table.lines[i] <= table.lines[i - 1]) fail("rows on lines out of order");
    }
}

// A cell as it reads back once written: a CR then LF in it (a lone CR before
// a CRLF of the file, "\r\r\n") is a CRLF, which the reader takes as LF.
std::vector<std::string> as_read_back(std::vector<std::string> cells) {
    for (auto& cell : cells)
        for (auto at = cell.find("\r\n"); at != std::string::npos; at = cell.find("\r\n", at))
            cell.erase(at, 1);
    return cells;
}

// What the writer writes, the reader reads back unchanged (but for CRLF in a cell).
void check_round_trip(const crm::CsvTable& table, char delimiter) {
    std::string text;
    crm::append_csv_row(text, table.header, delimiter);
    for (const auto& row : table.rows) {
        crm::append_csv_row(text, row, delimiter);
        for (const auto& cell : row) {
            const std::string shown = crm::neutralize_formula(cell);
            if (shown != cell && shown != "'" + cell) fail("neutralize_formula changed the text");
        }
    }
    auto again = crm::parse_csv(text, delimiter);
    if (!again) fail("written table does not read back: " + again.error());
    if (again->header != as_read_back(table.header) || again->rows.size() != table.rows.size())
        fail("written table reads back differently");
    for (std::size_t i = 0; i < table.rows.size(); ++i)
        if (again->rows[i] != as_read_back(table.rows[i]))
            fail("row " + std::to_string(i) + " of the written table reads back differently");
}

void read_as(const crm::DecodedText& decoded, char delimiter) {
    auto table = crm::parse_csv(decoded.text, delimiter);
    if (!table) {
        if (table.error().empty()) fail("a refusal without a message");
        return;
    }
    check_table(*table);
    check_round_trip(*table, delimiter);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
    const std::string_view data(reinterpret_cast<const char*>(bytes), size);
    for (const auto chosen :
         {std::optional<crm::TextEncoding>(), std::optional(crm::TextEncoding::Utf8),
          std::optional(crm::TextEncoding::Windows1252)}) {
        auto decoded = crm::decode_text(data, chosen);
        if (!decoded) {
            if (decoded.error().empty()) fail("a refusal without a message");
            continue;
        }
        if (crm::find_invalid_utf8(decoded->text)) fail("decoded text is not UTF-8");
        const char detected = crm::detect_delimiter(decoded->text);
        if (detected != ',' && detected != ';' && detected != '\t') fail("an unknown delimiter");
        for (const char delimiter : {',', ';', '\t'})
            read_as(*decoded, delimiter);
    }
    return 0;
}
