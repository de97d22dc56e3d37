#include "io/csv.hpp"

#include "util/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace crm {

namespace {

// The longest cell read, as for any text a field holds.
constexpr std::size_t kMaxCellBytes = 100000;
constexpr std::size_t kRecordsForDetection = 50;

// Windows-1252 0x80-0x9F as code points, 0 where the standard defines no
// character; 0xA0-0xFF are the same code points as the bytes (Latin-1).
constexpr std::array<char16_t, 32> kWindows1252From0x80 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 0x80-0x87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,      // 0x88-0x8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 0x90-0x97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178, // 0x98-0x9F
};

bool is_line_break(char c) {
    return c == '\r' || c == '\n';
}

// The line (from 1) holding the byte at `offset`; CRLF, LF and a lone CR
// each end a line, as they end a record.
std::size_t line_of(std::string_view text, std::size_t offset) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i)
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')))
            ++line;
    return line;
}

std::string line_prefix(std::string_view text, std::size_t offset) {
    return "line " + std::to_string(line_of(text, offset)) + ": ";
}

std::string hex_byte(char byte) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(byte));
    return hex;
}

void append_utf8(std::string& out, char32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

// The code point of a Windows-1252 byte; 0 for the five bytes it leaves undefined.
char32_t windows1252_code_point(unsigned char byte) {
    if (byte >= 0x80 && byte < 0xA0) return kWindows1252From0x80[byte - 0x80];
    return byte;
}

Result<std::string> from_windows1252(std::string_view bytes, bool chosen) {
    std::string text;
    text.reserve(bytes.size() + bytes.size() / 8);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char32_t code_point = windows1252_code_point(static_cast<unsigned char>(bytes[i]));
        if (code_point == 0)
            return Error{line_prefix(bytes, i) + "byte " + hex_byte(bytes[i]) +
                         (chosen ? " is not a Windows-1252 character"
                                 : " is neither UTF-8 nor Windows-1252")};
        append_utf8(text, code_point);
    }
    return text;
}

bool has_utf16_bom(std::string_view bytes) {
    return bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF";
}

// How many cells each of the first `limit` records holds with `delimiter`,
// reading quotes as parse_csv does but leniently (nothing is refused here).
std::vector<std::size_t> cells_per_record(std::string_view text, char delimiter,
                                          std::size_t limit) {
    std::vector<std::size_t> counts;
    std::size_t cells = 1;
    bool cell_start = true, quoted = false, record_empty = true;
    for (std::size_t i = 0; i < text.size() && counts.size() < limit; ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                ++i;
            else if (c == '"')
                quoted = false;
        } else if (is_line_break(c)) {
            if (!record_empty) counts.push_back(cells);
            cells = 1;
            cell_start = record_empty = true;
        } else {
            record_empty = false;
            quoted = c == '"' && cell_start;
            cell_start = c == delimiter;
            cells += cell_start;
        }
    }
    if (!record_empty && counts.size() < limit) counts.push_back(cells);
    return counts;
}

// How well a delimiter splits the records: how many have the most common
// cell count, out of how many.
struct Consistency {
    std::size_t columns = 0, matching = 0, records = 0;
};

Consistency consistency_of(const std::vector<std::size_t>& counts) {
    Consistency best;
    best.records = counts.size();
    for (const std::size_t columns : counts) {
        std::size_t matching = 0;
        for (const std::size_t other : counts)
            matching += other == columns;
        if (matching > best.matching || (matching == best.matching && columns > best.columns)) {
            best.columns = columns;
            best.matching = matching;
        }
    }
    return best;
}

// A higher share of records with the common count wins; then more columns.
bool better(const Consistency& a, const Consistency& b) {
    const std::size_t a_share = a.matching * b.records, b_share = b.matching * a.records;
    if (a_share != b_share) return a_share > b_share;
    return a.columns > b.columns;
}

// One record as read: the first cells kept, all of them counted.
struct RecordCells {
    std::vector<std::string> cells;
    std::size_t count = 0;
    std::size_t through_last_filled = 0; // cells up to the last one that is not empty
};

// Reads records one by one, keeping the line count.
class CsvReader {
  public:
    CsvReader(std::string_view text, char delimiter) : m_text(text), m_delimiter(delimiter) {}

    // Moves past empty lines; false at the end of the text.
    bool to_next_record();
    std::size_t line() const { return m_line; }
    // Reads the record at hand into `out`, keeping at most `keep` cells.
    // `header` names the columns in messages (none while reading the header).
    Status read_record(std::size_t row, const std::vector<std::string>* header, std::size_t keep,
                       RecordCells& out);

  private:
    bool at(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }
    void read_plain(std::string& cell);
    bool read_quoted(std::string& cell);
    void take_line_break();

    std::string_view m_text;
    char m_delimiter;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
};

void CsvReader::take_line_break() {
    if (m_text[m_pos++] == '\r' && at('\n')) ++m_pos;
    ++m_line;
}

bool CsvReader::to_next_record() {
    while (m_pos < m_text.size() && is_line_break(m_text[m_pos]))
        take_line_break();
    return m_pos < m_text.size();
}

void CsvReader::read_plain(std::string& cell) {
    std::size_t end = m_pos;
    while (end < m_text.size() && m_text[end] != m_delimiter && !is_line_break(m_text[end]))
        ++end;
    cell.assign(m_text.data() + m_pos, end - m_pos);
    m_pos = end;
}

// From after the opening quote to after the closing one; false when the text
// ends first. "" is a quote; a CRLF becomes "\n".
bool CsvReader::read_quoted(std::string& cell) {
    while (m_pos < m_text.size()) {
        std::size_t run = m_pos;
        while (run < m_text.size() && m_text[run] != '"' && !is_line_break(m_text[run]))
            ++run;
        cell.append(m_text.data() + m_pos, run - m_pos);
        m_pos = run;
        if (m_pos == m_text.size()) break;
        if (m_text[m_pos] != '"') {
            const bool crlf =
                m_text[m_pos] == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n';
            cell += crlf ? '\n' : m_text[m_pos];
            take_line_break();
            continue;
        }
        ++m_pos;
        if (!at('"')) return true;
        cell += '"';
        ++m_pos;
    }
    return false;
}

std::string column_name(const std::vector<std::string>* header, std::size_t column) {
    if (header && column < header->size()) return "column \"" + (*header)[column] + "\"";
    return "column " + std::to_string(column + 1);
}

std::string at_cell(std::size_t row, const std::vector<std::string>* header, std::size_t column) {
    return "row " + std::to_string(row) + ", " + column_name(header, column) + ": ";
}

std::string at_row(std::size_t row, std::size_t line) {
    return "row " + std::to_string(row) + " (line " + std::to_string(line) + "): ";
}

Status CsvReader::read_record(std::size_t row, const std::vector<std::string>* header,
                              std::size_t keep, RecordCells& out) {
    out.cells.clear();
    out.count = out.through_last_filled = 0;
    const std::size_t first_line = m_line;
    std::string dropped; // a cell past `keep`, only looked at
    for (;;) {
        const std::size_t column = out.count++;
        std::string& cell = column < keep ? out.cells.emplace_back() : dropped;
        cell.clear();
        if (at('"')) {
            ++m_pos;
            if (!read_quoted(cell))
                return Error{at_row(row, first_line) +
                             "a quoted cell is not closed before the end of the file"};
            if (m_pos < m_text.size() && !at(m_delimiter) && !is_line_break(m_text[m_pos]))
                return Error{at_cell(row, header, column) +
                             "unexpected text after a closing quote; write a quote inside a "
                             "quoted cell as two quotes (\"\")"};
        } else {
            read_plain(cell);
        }
        if (cell.size() > kMaxCellBytes)
            return Error{at_cell(row, header, column) + "the cell is longer than " +
                         std::to_string(kMaxCellBytes) + " bytes"};
        if (!cell.empty()) out.through_last_filled = out.count;
        if (m_pos == m_text.size()) return Status::success();
        if (!at(m_delimiter)) {
            take_line_break();
            return Status::success();
        }
        ++m_pos;
    }
}

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n\f\v");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n\f\v");
    return std::string(text.substr(first, last - first + 1));
}

// The column names: trimmed, each given, none twice. Trailing empty cells are
// dropped, as spreadsheets write separators past the last column.
Result<std::vector<std::string>> header_of(const RecordCells& record) {
    const std::size_t columns = std::max<std::size_t>(record.through_last_filled, 1);
    if (columns > kMaxCsvColumns)
        return Error{"row 1: " + std::to_string(columns) + " columns; at most " +
                     std::to_string(kMaxCsvColumns) + " are read"};
    std::vector<std::string> header;
    header.reserve(columns);
    for (std::size_t column = 0; column < columns; ++column) {
        header.push_back(trimmed(record.cells[column]));
        if (header.back().empty())
            return Error{"row 1, column " + std::to_string(column + 1) +
                         ": the header cell is empty; every column needs a name"};
        for (std::size_t earlier = 0; earlier < column; ++earlier)
            if (header[earlier] == header.back())
                return Error{"row 1: the column \"" + header.back() + "\" appears twice (columns " +
                             std::to_string(earlier + 1) + " and " + std::to_string(column + 1) +
                             ")"};
    }
    return header;
}

void append_cell(std::string& out, std::string_view value, char delimiter) {
    const char specials[] = {delimiter, '"', '\r', '\n'};
    const bool quoted =
        !value.empty() && (value.front() == ' ' || value.back() == ' ' ||
                           value.find_first_of(std::string_view(specials, 4)) != value.npos);
    if (!quoted) {
        out += value;
        return;
    }
    out += '"';
    for (const char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

// An optional sign, digits, and an optional decimal point with digits.
bool is_plain_number(std::string_view value) {
    std::size_t i = value.empty() || (value[0] != '+' && value[0] != '-') ? 0 : 1;
    std::size_t digits = 0;
    const auto take_digits = [&] {
        for (; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i)
            ++digits;
    };
    take_digits();
    if (i < value.size() && value[i] == '.') {
        ++i;
        take_digits();
    }
    return digits > 0 && i == value.size();
}

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

} // namespace

Result<DecodedText> decode_text(std::string_view bytes, std::optional<TextEncoding> chosen) {
    if (has_utf16_bom(bytes))
        return Error{"the file is UTF-16; save it as CSV UTF-8 (or Windows-1252) and try again"};
    if (const auto nul = bytes.find('\0'); nul != bytes.npos)
        return Error{line_prefix(bytes, nul) + "the file holds a NUL byte; it is not a text file"};
    DecodedText decoded;
    if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
        bytes.remove_prefix(kUtf8Bom.size());
        decoded.had_bom = true;
    }
    if (chosen != TextEncoding::Windows1252) {
        const auto invalid = find_invalid_utf8(bytes);
        if (!invalid) {
            decoded.text = std::string(bytes);
            return decoded;
        }
        if (chosen == TextEncoding::Utf8)
            return Error{line_prefix(bytes, *invalid) + "byte " + hex_byte(bytes[*invalid]) +
                         " is not UTF-8; choose Windows-1252 if the file came from Excel on "
                         "Windows"};
    }
    auto text = from_windows1252(bytes, chosen.has_value());
    if (!text) return Error{text.error()};
    decoded.text = std::move(*text);
    decoded.encoding = TextEncoding::Windows1252;
    return decoded;
}

std::string_view encoding_name(TextEncoding encoding) {
    return encoding == TextEncoding::Utf8 ? "UTF-8" : "Windows-1252";
}

std::optional<TextEncoding> encoding_from_name(std::string_view name) {
    for (const std::string_view utf8 : {"utf-8", "utf8"})
        if (equals_ignoring_case(name, utf8)) return TextEncoding::Utf8;
    for (const std::string_view windows : {"windows-1252", "cp1252"})
        if (equals_ignoring_case(name, windows)) return TextEncoding::Windows1252;
    return std::nullopt;
}

char detect_delimiter(std::string_view text) {
    char chosen = ',';
    Consistency best;
    for (const char delimiter : {',', ';', '\t'}) {
        const Consistency split =
            consistency_of(cells_per_record(text, delimiter, kRecordsForDetection));
        if (split.columns > 1 && (best.columns <= 1 || better(split, best))) {
            chosen = delimiter;
            best = split;
        }
    }
    return chosen;
}

Result<CsvTable> parse_csv(std::string_view text, char delimiter) {
    CsvReader reader(text, delimiter);
    if (!reader.to_next_record())
        return Error{"the file is empty; expected a header row naming the columns"};
    RecordCells record;
    if (auto read = reader.read_record(1, nullptr, kMaxCsvColumns, record); !read)
        return Error{read.error()};
    auto header = header_of(record);
    if (!header) return Error{header.error()};
    CsvTable table;
    table.header = std::move(*header);
    const std::size_t columns = table.header.size();
    while (reader.to_next_record()) {
        const std::size_t row = csv_row_number(table.rows.size()), line = reader.line();
        record.cells.reserve(columns);
        if (auto read = reader.read_record(row, &table.header, columns, record); !read)
            return Error{read.error()};
        if (record.through_last_filled > columns)
            return Error{at_row(row, line) + std::to_string(record.through_last_filled) +
                         " cells, but the header has " + std::to_string(columns) +
                         (columns == 1 ? " column" : " columns")};
        record.cells.resize(columns);
        table.rows.push_back(std::move(record.cells));
        table.lines.push_back(line);
        record.cells = {};
    }
    return table;
}

std::string csv_cell(std::string_view value, char delimiter) {
    std::string out;
    append_cell(out, value, delimiter);
    return out;
}

std::string neutralize_formula(std::string_view value) {
    if (value.empty()) return {};
    const char first = value.front();
    const bool formula_start = first == '=' || first == '+' || first == '-' || first == '@' ||
                               first == '\t' || first == '\r';
    if (!formula_start || is_plain_number(value)) return std::string(value);
    return "'" + std::string(value);
}

void append_csv_row(std::string& out, const std::vector<std::string>& cells, char delimiter) {
    if (cells.size() == 1 && cells.front().empty()) {
        out += "\"\"";
    } else {
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) out += delimiter;
            append_cell(out, cells[i], delimiter);
        }
    }
    out += "\r\n";
}

} // namespace crm
