// CSV files as spreadsheets save them: the encoding, the delimiter, the
// table, every message a bad file gets, and the writer the exports use.
#include "engine/engine.hpp"
#include "fixtures.hpp"
#include "io/csv.hpp"
#include "io/csv_export.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace csv_test {

using namespace crm;
using namespace crm::test;

namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string decode_error(std::string_view bytes, std::optional<TextEncoding> chosen = {}) {
    const auto decoded = decode_text(bytes, chosen);
    REQUIRE_FALSE(decoded.ok());
    return decoded.error();
}

CsvTable parsed(std::string_view text, char delimiter = ',') {
    auto table = parse_csv(text, delimiter);
    REQUIRE_MESSAGE(table.ok(), table.error());
    return std::move(*table);
}

std::string parse_error(std::string_view text, char delimiter = ',') {
    const auto table = parse_csv(text, delimiter);
    REQUIRE_FALSE(table.ok());
    return table.error();
}

// "a,b,c\n" with `count` columns named c1, c2, ...
std::string header_of_width(std::size_t count) {
    std::string text;
    for (std::size_t i = 1; i <= count; ++i)
        text += (i > 1 ? "," : "") + ("c" + std::to_string(i));
    return text + "\n";
}

} // namespace

TEST_CASE("UTF-8 is read as it is, without its byte order mark") {
    const auto plain = decode_text("Name,City\nZoë,Köln\n");
    REQUIRE(plain.ok());
    CHECK(plain->text == "Name,City\nZoë,Köln\n");
    CHECK(plain->encoding == TextEncoding::Utf8);
    CHECK_FALSE(plain->had_bom);

    const auto marked = decode_text("\xEF\xBB\xBFName\nZoë\n");
    REQUIRE(marked.ok());
    CHECK(marked->text == "Name\nZoë\n");
    CHECK(marked->encoding == TextEncoding::Utf8);
    CHECK(marked->had_bom);
}

TEST_CASE("bytes that are not UTF-8 are read as Windows-1252, as Excel on Windows saves") {
    const auto decoded = decode_text("Caf\xE9;M\xFCller\r\n\x80 12\r\n");
    REQUIRE(decoded.ok());
    CHECK(decoded->text == "Café;Müller\r\n€ 12\r\n");
    CHECK(decoded->encoding == TextEncoding::Windows1252);
    CHECK(parsed(decoded->text, ';').header == std::vector<std::string>{"Café", "Müller"});

    SUBCASE("the 0x80-0x9F block is Windows-1252's, the rest Latin-1") {
        const auto text = decode_text("\x80\x82\x83\x8A\x8C\x8E\x91\x92\x93\x94\x96\x97\x99\x9A\x9F"
                                      "\xA0\xC4\xDF\xFF",
                                      TextEncoding::Windows1252);
        REQUIRE(text.ok());
        CHECK(text->text == "€‚ƒŠŒŽ‘’“”–—™šŸ\u00A0Äßÿ");
    }
    SUBCASE("chosen, even for bytes that would be valid UTF-8") {
        const auto text = decode_text("\xC3\xA9", TextEncoding::Windows1252);
        REQUIRE(text.ok());
        CHECK(text->text == "Ã©");
        CHECK(text->encoding == TextEncoding::Windows1252);
    }
    SUBCASE("a UTF-8 byte order mark is removed whatever was chosen") {
        const auto text = decode_text("\xEF\xBB\xBF\xE9", TextEncoding::Windows1252);
        REQUIRE(text.ok());
        CHECK(text->text == "é");
        CHECK(text->had_bom);
    }
}

TEST_CASE("what decoding refuses, naming the line") {
    CHECK(decode_error("\xFF\xFEN\0a\0") ==
          "the file is UTF-16; save it as CSV UTF-8 (or Windows-1252) and try again");
    CHECK(decode_error("\xFE\xFF\0N\0a") ==
          "the file is UTF-16; save it as CSV UTF-8 (or Windows-1252) and try again");
    CHECK(decode_error(std::string_view("Name\r\nAna\0\r\n", 12)) ==
          "line 2: the file holds a NUL byte; it is not a text file");
    // CRLF, LF and a lone CR each end one line.
    CHECK(decode_error("Name\r\nAna\nBen\rCaf\xE9\n", TextEncoding::Utf8) ==
          "line 4: byte 0xE9 is not UTF-8; choose Windows-1252 if the file came from Excel on "
          "Windows");
    CHECK(decode_error("Name\n\"a\nb\"\nCaf\xE9\n", TextEncoding::Utf8) ==
          "line 4: byte 0xE9 is not UTF-8; choose Windows-1252 if the file came from Excel on "
          "Windows");
    for (const char* undefined : {"\x81", "\x8D", "\x8F", "\x90", "\x9D"}) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(undefined[0]));
        CHECK(decode_error("Name\n\xE9" + std::string(undefined)) ==
              "line 2: byte " + std::string(hex) + " is neither UTF-8 nor Windows-1252");
        CHECK(decode_error("Name\n" + std::string(undefined), TextEncoding::Windows1252) ==
              "line 2: byte " + std::string(hex) + " is not a Windows-1252 character");
    }
}

TEST_CASE("encodings by name") {
    CHECK(encoding_name(TextEncoding::Utf8) == "UTF-8");
    CHECK(encoding_name(TextEncoding::Windows1252) == "Windows-1252");
    for (const char* name : {"utf-8", "UTF-8", "utf8", "Utf8"})
        CHECK(encoding_from_name(name) == TextEncoding::Utf8);
    for (const char* name : {"windows-1252", "Windows-1252", "cp1252", "CP1252"})
        CHECK(encoding_from_name(name) == TextEncoding::Windows1252);
    for (const char* name : {"", "latin1", "utf-16", "utf-8 ", "windows1252"})
        CHECK_FALSE(encoding_from_name(name).has_value());
}

TEST_CASE("the delimiter is the one that splits the records most consistently") {
    CHECK(detect_delimiter("Name,Email\nAna,ana@example.com\n") == ',');
    CHECK(detect_delimiter("Name;Amount;City\nAna;1,5;Köln\nBen;2,25;Bonn\n") == ';');
    CHECK(detect_delimiter("Name\tAmount\nAna\t1,5\nBen\t2;3\n") == '\t');
    SUBCASE("quoted cells are read as cells") {
        CHECK(detect_delimiter("Name;Notes\n\"Ana\";\"a, b, c\"\n\"Ben\";\"d,\ne\"\n") == ';');
        CHECK(detect_delimiter("Name,Notes\nAna,\"a;b;c\"\nBen,\"x;\ny;z\"\n") == ',');
    }
    SUBCASE("a cell with other delimiters in a few rows does not win") {
        CHECK(detect_delimiter("Name,Tags\nAna,a;b;c\nBen,d\nCy,e\n") == ',');
    }
    SUBCASE("single-column files, empty text and ties give a comma") {
        CHECK(detect_delimiter("Name\nAna\nBen\n") == ',');
        CHECK(detect_delimiter("") == ',');
        CHECK(detect_delimiter("a,b;c\n") == ',');
    }
    SUBCASE("only the first 50 records count") {
        std::string text = "a;b\n";
        for (int i = 0; i < 49; ++i)
            text += "1;2\n";
        for (int i = 0; i < 200; ++i)
            text += "1,2,3\n";
        CHECK(detect_delimiter(text) == ';');
    }
}

TEST_CASE("records end at CRLF, LF or a lone CR; the last needs no line end") {
    for (const char* text :
         {"Name,City\r\nAna,Köln\r\nBen,Bonn\r\n", "Name,City\nAna,Köln\nBen,Bonn",
          "Name,City\rAna,Köln\rBen,Bonn\r", "Name,City\r\nAna,Köln\nBen,Bonn\r"}) {
        const CsvTable table = parsed(text);
        CHECK(table.header == std::vector<std::string>{"Name", "City"});
        CHECK(table.rows == Rows{{"Ana", "Köln"}, {"Ben", "Bonn"}});
        CHECK(table.lines == std::vector<std::size_t>{2, 3});
    }
}

TEST_CASE("quoted cells hold delimiters, quotes and line breaks") {
    const CsvTable table =
        parsed("Name,Notes,Size\r\n\"Ana, Jr.\",\"said \"\"hi\"\"\r\nthen left\",\"\"\r\n"
               "Ben,\"a\nb\rc\",3\r\n");
    CHECK(table.rows == Rows{{"Ana, Jr.", "said \"hi\"\nthen left", ""}, {"Ben", "a\nb\rc", "3"}});
    CHECK(table.lines == std::vector<std::size_t>{2, 4});
    SUBCASE("only a CRLF becomes LF; a lone CR stays") {
        CHECK(parsed("A\n\"1\r\r\n2\"\n").rows == Rows{{"1\r\n2"}});
    }
    SUBCASE("a quote inside an unquoted cell is a character") {
        CHECK(parsed("Size\n12\" pipe\n").rows == Rows{{"12\" pipe"}});
        CHECK(parsed("A,B\n x \"y\",z\"\n").rows == Rows{{" x \"y\"", "z\""}});
    }
    SUBCASE("the other delimiters are characters") {
        CHECK(parsed("A;B\n1,5;x\ty\n", ';').rows == Rows{{"1,5", "x\ty"}});
        CHECK(parsed("A\tB\n1,5;x\t\"y\tz\"\n", '\t').rows == Rows{{"1,5;x", "y\tz"}});
    }
}

TEST_CASE("empty lines are skipped; header cells are trimmed, data cells kept as written") {
    const CsvTable table = parsed("\r\n\n  Name ,\tEmail\t\r\n\r\n ana ,\r\n\n\n,\" b \"\n");
    CHECK(table.header == std::vector<std::string>{"Name", "Email"});
    CHECK(table.rows == Rows{{" ana ", ""}, {"", " b "}});
    CHECK(table.lines == std::vector<std::size_t>{5, 8});
    CHECK(csv_row_number(0) == 2);
    CHECK(csv_row_number(1) == 3);
}

TEST_CASE("short rows are padded; trailing empty cells, as Excel writes them, are dropped") {
    const CsvTable table = parsed("Name,Email,Phone,,\nAna\nBen,ben@x.org,,,,,\n\"\"\n,,\n");
    CHECK(table.header == std::vector<std::string>{"Name", "Email", "Phone"});
    CHECK(table.rows ==
          Rows{{"Ana", "", ""}, {"Ben", "ben@x.org", ""}, {"", "", ""}, {"", "", ""}});
    SUBCASE("a header row alone is an empty table") {
        const CsvTable empty = parsed("Name,Email\r\n");
        CHECK(empty.header.size() == 2);
        CHECK(empty.rows.empty());
        CHECK(empty.lines.empty());
    }
}

TEST_CASE("what parsing refuses, saying where") {
    CHECK(parse_error("") == "the file is empty; expected a header row naming the columns");
    CHECK(parse_error("\r\n\n\r") == "the file is empty; expected a header row naming the columns");
    CHECK(parse_error("Name,Email,,Phone\n") ==
          "row 1, column 3: the header cell is empty; every column needs a name");
    CHECK(parse_error(" \n") ==
          "row 1, column 1: the header cell is empty; every column needs a name");
    CHECK(parse_error(",,\nAna,,\n") ==
          "row 1, column 1: the header cell is empty; every column needs a name");
    CHECK(parse_error("Name,Email,Phone,Notes, Email\n") ==
          "row 1: the column \"Email\" appears twice (columns 2 and 5)");
    CHECK(parse_error(header_of_width(612)) == "row 1: 612 columns; at most 500 are read");
    CHECK(parsed(header_of_width(500)).header.size() == 500);

    SUBCASE("more cells than the header names") {
        std::string text = "A,B,C,D,E\n\n";
        for (int row = 2; row <= 5; ++row)
            text += "1,2,3,4,5\n";
        text += "1,\"two\nlines\",3,4,5\n"; // row 6, lines 7 and 8
        text += "1,2,3,4,5,6\n";            // row 7, line 9
        CHECK(parse_error(text) == "row 7 (line 9): 6 cells, but the header has 5 columns");
        CHECK(parse_error("A\nx,,y,,\n") == "row 2 (line 2): 3 cells, but the header has 1 column");
    }
    SUBCASE("a quote that is never closed") {
        std::string text = "Name,Notes\n\n\n\n";
        for (int row = 2; row <= 11; ++row)
            text += "Ana,ok\n";
        text += "Ben,\"it goes on\nand on,\n";
        CHECK(parse_error(text) ==
              "row 12 (line 15): a quoted cell is not closed before the end of the file");
        CHECK(parse_error("\"Name\n") ==
              "row 1 (line 1): a quoted cell is not closed before the end of the file");
    }
    SUBCASE("text after a closing quote") {
        CHECK(parse_error("Id,Name\n1,Ana\n2,\"Ben\" Jr.\n") ==
              "row 3, column \"Name\": unexpected text after a closing quote; write a quote inside "
              "a quoted cell as two quotes (\"\")");
        CHECK(parse_error("\"Id\"x,Name\n") ==
              "row 1, column 1: unexpected text after a closing quote; write a quote inside a "
              "quoted cell as two quotes (\"\")");
        CHECK(parse_error("A\n1,\"2\"3\n") ==
              "row 2, column 2: unexpected text after a closing quote; write a quote inside a "
              "quoted cell as two quotes (\"\")");
    }
    SUBCASE("a cell longer than 100000 bytes") {
        std::string text = "Name,Notes\n";
        for (int row = 2; row <= 8; ++row)
            text += "Ana,\n";
        CHECK(parsed(text + "Ben," + std::string(100000, 'x') + "\n").rows.back()[1].size() ==
              100000);
        CHECK(parse_error(text + "Ben,\"" + std::string(100001, 'x') + "\"\n") ==
              "row 9, column \"Notes\": the cell is longer than 100000 bytes");
        CHECK(parse_error(text + "Ben," + std::string(100001, 'x')) ==
              "row 9, column \"Notes\": the cell is longer than 100000 bytes");
    }
}

TEST_CASE("cells are quoted only when they must be") {
    CHECK(csv_cell("") == "");
    CHECK(csv_cell("Ana") == "Ana");
    CHECK(csv_cell("a;b\tc") == "a;b\tc");
    CHECK(csv_cell("a,b") == "\"a,b\"");
    CHECK(csv_cell("a;b", ';') == "\"a;b\"");
    CHECK(csv_cell("a\tb", '\t') == "\"a\tb\"");
    CHECK(csv_cell("a,b", ';') == "a,b");
    CHECK(csv_cell("12\" pipe") == "\"12\"\" pipe\"");
    CHECK(csv_cell("a\nb") == "\"a\nb\"");
    CHECK(csv_cell("a\rb") == "\"a\rb\"");
    CHECK(csv_cell(" lead") == "\" lead\"");
    CHECK(csv_cell("trail ") == "\"trail \"");
    CHECK(csv_cell("in side") == "in side");

    std::string out;
    append_csv_row(out, {"a", "", "b,c"});
    append_csv_row(out, {""});
    append_csv_row(out, {"x;y", "z"}, ';');
    CHECK(out == "a,,\"b,c\"\r\n\"\"\r\n\"x;y\";z\r\n");
}

TEST_CASE("cells a spreadsheet would run as formulas are shown as text") {
    CHECK(neutralize_formula("=HYPERLINK(\"http://x\",\"y\")") ==
          "'=HYPERLINK(\"http://x\",\"y\")");
    CHECK(neutralize_formula("=1+1") == "'=1+1");
    CHECK(neutralize_formula("@SUM(A1:A9)") == "'@SUM(A1:A9)");
    CHECK(neutralize_formula("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0");
    CHECK(neutralize_formula("-2+3") == "'-2+3");
    CHECK(neutralize_formula("\t=1") == "'\t=1");
    CHECK(neutralize_formula("\r=1") == "'\r=1");
    CHECK(neutralize_formula("-") == "'-");
    CHECK(neutralize_formula("-12000 EUR") == "'-12000 EUR");
    // A phone number with spaces is not a plain number: Excel would read "+49 30 1234" as a
    // formula, so it keeps the apostrophe too.
    CHECK(neutralize_formula("+49 30 1234") == "'+49 30 1234");
    SUBCASE("plain numbers stay numbers") {
        for (const char* number : {"-12.5", "+3", "-0", "-.5", "+10.", "-1234567890"})
            CHECK(neutralize_formula(number) == number);
    }
    SUBCASE("everything else stays as it is") {
        for (const char* text : {"", "Ana", "12", "a=b", " =1", "'=1", "Zoë"})
            CHECK(neutralize_formula(text) == text);
    }
}

TEST_CASE("what the writer writes, the reader reads back") {
    const std::vector<std::string> header{"Name", "Notes", "Empty", "Last"};
    const Rows rows{{"a,b", "say \"hi\"", "", " spaced "},
                    {"line\nbreak", "two\nlines", "", "tab\there"},
                    {"semi;colon", "\"", "", "\"quoted\""},
                    {"Zoë", "€ 12", "", "=1+1"},
                    {"", "", "", ""},
                    {"cr\ralone", "ends with CR\r", "", ","}};
    for (const char delimiter : {',', ';', '\t'}) {
        std::string text(kUtf8Bom);
        append_csv_row(text, header, delimiter);
        for (const auto& row : rows)
            append_csv_row(text, row, delimiter);
        const auto decoded = decode_text(text);
        REQUIRE(decoded.ok());
        CHECK(detect_delimiter(decoded->text) == delimiter);
        const CsvTable table = parsed(decoded->text, delimiter);
        CHECK(table.header == header);
        CHECK(table.rows == rows);
    }
    SUBCASE("a single column with an empty cell") {
        std::string text;
        append_csv_row(text, {"Name"});
        append_csv_row(text, {""});
        append_csv_row(text, {"Ana"});
        CHECK(parsed(text).rows == Rows{{""}, {"Ana"}});
    }
}

TEST_CASE("a record type exports as a spreadsheet reads it") {
    Workspace ws = team_workspace();
    RecordTypeDef visit{"visit", "Visit", "Visits", {"place"}, {}, true};
    visit.fields = {
        {"place", "Place", FieldType::Text, true},
        {"host", "Host", FieldType::UserRef},
        {"contact", "Contact", FieldType::RecordRef, false, {}, "contact"},
        {"fee", "Fee", FieldType::Money},
        {"tags", "Tags", FieldType::MultiPicklist, false, {"VIP", "Remote"}},
        {"guests", "Guests", FieldType::Number},
        {"paid", "Paid", FieldType::Bool},
        {"notes", "Notes", FieldType::LongText},
    };
    ws.schema.add_type(visit);
    Engine engine(std::move(ws));
    const auto create = [&](const std::string& type, nlohmann::json fields, const char* actor,
                            const char* when) {
        const Outcome outcome =
            engine.apply(CreateRecord{type, std::move(fields), {}}, actor, at(when));
        REQUIRE_MESSAGE(outcome.ok, outcome.message);
        return outcome.record_id;
    };
    const std::string zoe = create("contact", {{"first_name", "Zoë"}, {"last_name", "Ng"}}, "u-ana",
                                   "2026-03-01T09:00:00Z");
    create("visit",
           {{"place", "=HYPERLINK(\"http://evil\",\"x\")"},
            {"host", "u-maria"},
            {"contact", zoe},
            {"fee", {{"amount", -12.5}, {"currency", "EUR"}}},
            {"tags", {"VIP", "Remote"}},
            {"guests", -3},
            {"paid", true},
            {"notes", "said \"hi\", then\nleft"}},
           "u-ana", "2026-03-02T10:30:00Z");
    create("visit", {{"place", "Bonn"}}, "u-zed", "2026-03-03T08:00:00Z");
    const Workspace& exported = engine.workspace();

    const std::string header = "\xEF\xBB\xBFID,Place,Host,Contact,Fee,Tags,Guests,Paid,Notes,"
                               "Owner,Created,Updated\r\n";
    const std::string ana_row =
        "visit-1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",Maria Lindqvist,Zoë Ng,'-12.5 EUR,"
        "VIP; Remote,-3,yes,\"said \"\"hi\"\", then\nleft\",Ana Reyes,2026-03-02T10:30:00Z,"
        "2026-03-02T10:30:00Z\r\n";
    const std::string zed_row =
        "visit-2,Bonn,,,,,,,,Zed Ito,2026-03-03T08:00:00Z,2026-03-03T08:00:00Z\r\n";
    CHECK(export_records_csv(exported, "visit", nullptr) == header + ana_row + zed_row);
    SUBCASE("a viewer gets only the records they may see") {
        CHECK(export_records_csv(exported, "visit", exported.directory.user("u-ana")) ==
              header + ana_row);
        CHECK(export_records_csv(exported, "visit", exported.directory.user("u-maria")) ==
              header + ana_row);
        CHECK(export_records_csv(exported, "visit", exported.directory.user("u-ben")) == header);
        CHECK(export_records_csv(exported, "visit", exported.directory.user("u-zed")) ==
              header + zed_row);
    }
    SUBCASE("what it writes reads back, cell for cell") {
        const auto decoded = decode_text(export_records_csv(exported, "visit", nullptr));
        REQUIRE(decoded.ok());
        CHECK(decoded->had_bom);
        const CsvTable table = parsed(decoded->text);
        REQUIRE(table.rows.size() == 2);
        CHECK(table.rows[0][8] == "said \"hi\", then\nleft");
    }
    SUBCASE("an unknown type gives the header alone") {
        CHECK(export_records_csv(exported, "nothing", nullptr) ==
              "\xEF\xBB\xBFID,Owner,Created,Updated\r\n");
    }
}

} // namespace csv_test
