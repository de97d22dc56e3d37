// Reading and writing CSV files as spreadsheets save them (RFC 4180, lenient
// where Excel and others are). Hand-written: the readers Debian packages either
// fix the column count at compile time, cannot read line breaks inside quoted
// cells, or do not build for WebAssembly; the state machine is small.
#pragma once

#include "util/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

enum class TextEncoding { Utf8, Windows1252 };

struct DecodedText {
    std::string text; // UTF-8, without a byte order mark
    TextEncoding encoding = TextEncoding::Utf8;
    bool had_bom = false;
};

// Bytes of a file as UTF-8 text. A UTF-8 BOM is removed. Without `chosen`:
// valid UTF-8 is UTF-8, anything else is read as Windows-1252 (what Excel on
// Windows saves). Refuses UTF-16, NUL bytes and bytes the encoding lacks,
// naming the line.
Result<DecodedText> decode_text(std::string_view bytes,
                                std::optional<TextEncoding> chosen = std::nullopt);

// "UTF-8", "Windows-1252"
std::string_view encoding_name(TextEncoding encoding);
// "utf-8", "utf8", "windows-1252", "cp1252", in any case.
std::optional<TextEncoding> encoding_from_name(std::string_view name);

// ',', ';' or '\t': the one giving the most consistent column count (>1) over
// the first 50 records, quote-aware; ties and single-column files give ','.
char detect_delimiter(std::string_view text);

struct CsvTable {
    std::vector<std::string> header;            // trimmed column names
    std::vector<std::vector<std::string>> rows; // each exactly header.size() cells
    std::vector<std::size_t> lines;             // the file line each row starts on (1-based)
};

// Rows are counted as a spreadsheet shows them: the header is row 1, rows[i]
// is row i + 2.
inline std::size_t csv_row_number(std::size_t index) {
    return index + 2;
}

// Reads a table: the first record names the columns. Errors say the row (and
// line or column) and what was expected.
Result<CsvTable> parse_csv(std::string_view text, char delimiter);

inline constexpr std::size_t kMaxCsvColumns = 500;

// Writing. Files start with the BOM so that Excel reads them as UTF-8.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Quoted when it holds the delimiter, a quote, CR or LF, or starts or ends
// with a space (readers that trim would lose it).
std::string csv_cell(std::string_view value, char delimiter = ',');

// "'" prefixed when it starts with = + - @ TAB or CR, so a spreadsheet shows
// it as text instead of running it as a formula; plain numbers such as -12.5
// or +3 stay as they are. "+49 30 1234" is not a plain number: it gets the
// prefix.
std::string neutralize_formula(std::string_view value);

// One record, CRLF at its end. A row of one empty cell is written as "" so
// that it is not an empty line, which readers skip.
void append_csv_row(std::string& out, const std::vector<std::string>& cells, char delimiter = ',');

} // namespace crm
