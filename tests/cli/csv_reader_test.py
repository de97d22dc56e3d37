"""crm read-csv against Python's csv module, an independent reader, and crm
export-csv read back with it.

Random tables (cells with commas, semicolons, tabs, quotes, CR, LF and CRLF,
non-ASCII letters, spaces at either end, empty cells) are written by
csv.writer with each delimiter, both quoting styles and both line ends, and
encoded as UTF-8, UTF-8 with BOM and (when it can hold them) Windows-1252.
`crm read-csv` must read each as csv.reader does, by the rules of
docs (empty lines skipped, header trimmed, short rows padded, trailing empty
cells dropped, CRLF inside a cell read as LF): once with --delimiter, once
with --encoding windows-1252 for the Windows-1252 files, and once detecting
the delimiter where the table leaves no doubt. Then a demo workspace gets a
contact built to break spreadsheets, and `crm export-csv` must read back as
`crm show` describes each record.

Usage: csv_reader_test.py CRM WORKDIR. Prints mismatches, then
"csv: N passed, M failed" (one test per crm run).
"""
import csv, io, json, os, random, shutil, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

crm, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
random.seed(20261123)
passed = failed = 0

PIECES = ["a", "b", "Z", "7", "x y", ",", ";", "\t", '"', '""', "'", "\r", "\n", "\r\n", " ",
          "é", "ß", "Zoë", "€", "Müller", "Łukasz", "Дмитрий", "日本", "🙂", "=1+1", "-3"]
# Pieces Windows-1252 can hold: a third of the tables use only these.
CP1252_PIECES = [p for p in PIECES if p not in ("Łukasz", "Дмитрий", "日本", "🙂")]
TRIM = " \t\r\n\f\v"
DELIMITER_NAMES = {",": ",", ";": ";", "\t": "tab"}
# The built-in contact type (docs/workspace-format.md): custom fields come after these.
CONTACT_FIELDS = [
    {"id": "first_name", "label": "First name", "type": "text"},
    {"id": "last_name", "label": "Last name", "type": "text"},
    {"id": "email", "label": "Email", "type": "email"},
    {"id": "phone", "label": "Phone", "type": "phone"},
    {"id": "job_title", "label": "Job title", "type": "text"},
    {"id": "company", "label": "Company", "type": "record_ref"},
    {"id": "decision_maker", "label": "Decision maker", "type": "bool"},
]


def report(ok, *what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("MISMATCH", *what)


def random_cell(pieces):
    if random.random() < 0.2:
        return ""
    cell = "".join(random.choice(pieces) for _ in range(random.randint(1, 4)))
    if random.random() < 0.15:
        cell = " " + cell + "  "
    return cell


def random_header(columns, pieces):
    names = []
    while len(names) < columns:
        name = random_cell(pieces)
        if name.strip(TRIM) and name.strip(TRIM) not in [n.strip(TRIM) for n in names]:
            names.append(name)
    return names


def random_table():
    columns, rows = random.randint(1, 6), random.randint(0, 12)
    pieces = CP1252_PIECES if random.random() < 0.35 else PIECES
    return [random_header(columns, pieces)] + \
        [[random_cell(pieces) for _ in range(columns)] for _ in range(rows)]


def write(table, delimiter, quoting, terminator):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=terminator).writerows(table)
    return out.getvalue()


def decoded(data, encoding):
    """The text and encoding name the reading rules give: a UTF-8 BOM is dropped;
    valid UTF-8 is UTF-8 unless Windows-1252 was chosen."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if encoding != "windows-1252":
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252"), "Windows-1252"


def records(text, delimiter):
    return [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r]


def filled_through(cells):
    return max([i + 1 for i, c in enumerate(cells) if c] or [0])


def expected_table(text, delimiter):
    """What crm should read, from what csv.reader reads; None when crm must refuse it."""
    found = records(text, delimiter)
    if not found:
        return None
    columns = max(filled_through(found[0]), 1)
    header = [c.replace("\r\n", "\n").strip(TRIM) for c in found[0][:columns]]
    if "" in header or len(set(header)) != len(header):
        return None
    rows = []
    for record in found[1:]:
        if filled_through(record) > columns:
            return None
        cells = (record + [""] * columns)[:columns]
        rows.append([c.replace("\r\n", "\n") for c in cells])
    return {"header": header, "rows": rows}


def read_csv(path, *options):
    run = subprocess.run([crm, "read-csv", path, *options], capture_output=True)
    return run.returncode, run.stdout.decode("utf-8"), run.stderr.decode("utf-8")


def check_read(result, path, data, delimiter, encoding, label):
    text, encoding_name = decoded(data, encoding)
    want = expected_table(text, delimiter)
    code, out, err = result
    if want is None:
        report(code == 2 and err.startswith("crm: " + path + ": row"), label, "expected a refusal, got",
               code, out[:200], err)
        return
    if code != 0:
        report(False, label, "exit", code, err)
        return
    got = json.loads(out)
    want.update(encoding=encoding_name, delimiter=delimiter)
    report(got == want, label, "\n  want", json.dumps(want, ensure_ascii=False)[:600],
           "\n  got ", json.dumps(got, ensure_ascii=False)[:600])


def consistent_columns(text, delimiter):
    """The column count when every one of the first 50 records has the same, else None."""
    counts = {len(r) for r in records(text, delimiter)[:50]}
    return counts.pop() if len(counts) == 1 else None


def detection_is_clear(text, delimiter):
    true_columns = consistent_columns(text, delimiter)
    if not true_columns or true_columns < 2:
        return False
    return all((consistent_columns(text, other) or 1) < 2 for other in ",;\t" if other != delimiter)


def differential():
    """Writes the tables, runs crm on them four at a time, then compares."""
    checks = []  # (path, options, data, delimiter, encoding, label)
    for number in range(300):
        table = random_table()
        delimiter = random.choice(",;\t")
        quoting = random.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
        terminator = random.choice(["\r\n", "\n"])
        text = write(table, delimiter, quoting, terminator)
        encodings = ["utf-8", "utf-8-sig"]
        try:
            text.encode("cp1252")
            encodings.append("cp1252")
        except UnicodeEncodeError:
            pass
        encoding = random.choice(encodings)
        data = text.encode(encoding)
        path = os.path.join(work, f"table-{number}.csv")
        with open(path, "wb") as out:
            out.write(data)
        label = f"{path} ({encoding}, delimiter {DELIMITER_NAMES[delimiter]}, " \
                f"quoting {'all' if quoting == csv.QUOTE_ALL else 'minimal'}, line end {terminator!r})"
        given = ["--delimiter", DELIMITER_NAMES[delimiter]]
        checks.append((path, given, data, delimiter, None, label))
        if encoding == "cp1252":
            checks.append((path, given + ["--encoding", "windows-1252"], data, delimiter,
                           "windows-1252", label + " --encoding windows-1252"))
        if len(table) >= 4 and detection_is_clear(decoded(data, None)[0], delimiter):
            checks.append((path, [], data, delimiter, None, label + " detected"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda check: read_csv(check[0], *check[1]), checks))
    for result, (path, _, data, delimiter, encoding, label) in zip(results, checks):
        check_read(result, path, data, delimiter, encoding, label)
    windows = sum(1 for check in checks if check[4] == "windows-1252")
    detected = sum(1 for check in checks if not check[1])
    return f"{len(checks)} reads of 300 random tables ({windows} as Windows-1252, " \
           f"{detected} with the delimiter detected)"


def run(*args, check=True):
    result = subprocess.run([crm, *args], capture_output=True)
    if check and result.returncode != 0:
        raise SystemExit(f"crm {' '.join(args)}: exit {result.returncode}: {result.stderr.decode()}")
    return result.stdout


def money_text(value):
    amount = value["amount"]
    number = str(int(amount)) if float(amount).is_integer() and abs(amount) < 1e15 else repr(amount)
    return f"{number} {value.get('currency', '')}"


def neutralized(cell):
    """A spreadsheet runs cells starting with = + - @ TAB CR as formulas; plain numbers stay."""
    if cell and cell[0] in "=+-@\t\r":
        body = cell[1:] if cell[0] in "+-" else None
        plain = body is not None and body.replace(".", "", 1).isdigit() and body.isascii()
        if not plain:
            return "'" + cell
    return cell


def export_read_back():
    ws = os.path.join(work, "demo")
    now = "--now", "2026-03-02T09:00:00Z"
    run("init", ws, "--demo", *now)
    company = run("list", ws, "company").decode().splitlines()[0].split("\t")[0]
    hyperlink = '=HYPERLINK("http://evil","x")'
    job = 'said "hi", then\nleft'
    job_kept = 'said "hi", then left'  # a one-line field keeps the text on one line
    new_id = run("add", ws, "contact", "first_name=" + hyperlink, "last_name=Zoë", "job_title=" + job,
                 "company=" + company, "decision_maker=yes", "--as", "u-ana", *now).decode().strip()
    whole = json.loads(run("export", ws))
    fields = CONTACT_FIELDS + whole.get("custom_fields", {}).get("contact", [])
    users = {u["id"]: u["name"] for u in whole["users"]}

    data = run("export-csv", ws, "--type", "contact")
    report(data.startswith(b"\xef\xbb\xbf"), "export-csv: the file does not start with the BOM")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, rows = table[0], table[1:]
    ids = [line.split("\t")[0] for line in run("list", ws, "contact").decode().splitlines()]
    report([row[0] for row in rows] == ids, "export-csv: ids", [row[0] for row in rows], ids)
    want_header = ["ID"] + [field["label"] for field in fields] + ["Owner", "Created", "Updated"]
    report(header == want_header, "export-csv: header", header, want_header)
    titles = dict(line.split("\t")[:2] for line in run("list", ws, "company").decode().splitlines())
    with ThreadPoolExecutor(max_workers=4) as pool:
        shown_records = list(pool.map(lambda row: json.loads(run("show", ws, row[0])), rows))
    for row, shown in zip(rows, shown_records):
        values = shown.get("fields", {})
        want = [shown["id"]]
        for field in fields:
            value = values.get(field["id"])
            kind = field["type"]
            if value is None:
                want.append("")
            elif kind == "record_ref":
                want.append(titles.get(value, value))
            elif kind == "user_ref":
                want.append(users.get(value, value))
            elif kind == "bool":
                want.append("yes" if value else "no")
            elif kind == "money":
                want.append(money_text(value))
            elif kind == "multi_picklist":
                want.append("; ".join(value))
            elif kind == "number":
                want.append(str(int(value)) if float(value).is_integer() else repr(value))
            else:
                want.append(value)
        want += [users.get(shown["owner"], shown["owner"]) if shown["owner"] else "",
                 shown["created_at"], shown["updated_at"]]
        want = [neutralized(cell) for cell in want]
        report(row == want, "export-csv row", row[0], "\n  want", want, "\n  got ", row)
        if row[0] == new_id:
            first = header.index("First name")
            report(row[first] == "'" + hyperlink, "export-csv: the formula is not neutralised", row)
            report(row[header.index("Job title")] == job_kept and row[header.index("Last name")] == "Zoë",
                   "export-csv: text cells", row)
            report(row[header.index("Company")] == titles[company], "export-csv: company title", row)
    report(new_id in [row[0] for row in rows], "export-csv: the new contact is missing", new_id)
    return len(rows)


def errors_and_options():
    """A few refusals and options, exactly as a person sees them."""
    path = os.path.join(work, "bad.csv")
    cases = [
        (b"Name,Email\nAna,a@x\nBen,\"open\n", [],
         f"crm: {path}: row 3 (line 3): a quoted cell is not closed before the end of the file"),
        (b"\xff\xfeN\x00", [],
         f"crm: {path}: the file is UTF-16; save it as CSV UTF-8 (or Windows-1252) and try again"),
        (b"Name\nCaf\xe9\n", ["--encoding", "utf-8"],
         f"crm: {path}: line 2: byte 0xE9 is not UTF-8; choose Windows-1252 if the file came from "
         "Excel on Windows"),
        (b"Name\n", ["--delimiter", "|"], "crm: --delimiter: expected , ; or tab, got \"|\""),
        (b"Name\n", ["--encoding", "latin1"],
         "crm: --encoding: expected utf-8 or windows-1252, got \"latin1\""),
    ]
    for data, options, message in cases:
        with open(path, "wb") as out:
            out.write(data)
        code, out, err = read_csv(path, *options)
        report(code == 2 and err.strip() == message and out == "", "read-csv refusal", data, options,
               "\n  want", message, "\n  got ", code, err.strip())
    code, out, err = read_csv(os.path.join(work, "missing.csv"))
    report(code == 2 and "missing.csv" in err, "read-csv of a missing file", code, err)
    ws = os.path.join(work, "demo")
    result = subprocess.run([crm, "export-csv", ws, "--type", "x"], capture_output=True, text=True)
    report(result.returncode == 2 and result.stderr == 'crm: there is no record type "x"\n',
           "export-csv of an unknown type", result.returncode, result.stderr)


reads = differential()
exported = export_read_back()
errors_and_options()
print(f"csv reader: {reads}; export: {exported} contacts read back")
print(f"csv: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
