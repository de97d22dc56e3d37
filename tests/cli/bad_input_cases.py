"""The bad-input corpus for tests/cli/bad_input_test.py: data first.

Each Case names what is wrong with its input, says which workspace it runs
against (None, or "demo": the demo workspace the cases share, which no case
may change), lists the files it needs and gives the argv. The contract
it checks: bad input gets a clear error and changes nothing; `exit` is the
code the contract asks for (docs/cli.md): 0 done; 1 the workspace said no (a
record, user, flow or stage it does not hold, a permission, a rule); 2 crm
could not read the request (usage, a value or file of the wrong shape, a
record type or field the schema does not have); 3 a gate blocked a move;
4 not saved.

argv placeholders (filled in by the harness):
  CRM        the crm binary
  WS         the shared demo workspace directory
  F(name)    the case's file `name`, in the case's own scratch directory
A case file is bytes, str (written as UTF-8), a function(path) that makes
it (a directory, a dangling symlink, a sparse file, a big generated text), or
None for a file that must be missing. Big texts are generated once. argv items may be bytes (for
invalid UTF-8 on the command line). One argv string holds at most 128 KiB on
Linux (MAX_ARG_STRLEN), so inputs given on the command line are kept below
that; files carry the 100,000-level nestings.

The shared demo workspace is `crm init --demo`, then DEMO_SETUP (custom
fields, so that user_ref and multi_picklist values can be typed).
"""

import copy
import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CRM = "{crm}"
WS = "{ws}"
NOW = ("--now", "2026-11-20T10:00:00Z")


def F(name="in.json"):
    """The argv placeholder for one of the case's files."""
    return "{file:" + name + "}"


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple
    workspace: str = None  # None or "demo"
    files: dict = field(default_factory=dict)
    exit: int = 2


DEMO_SETUP = [
    (CRM, "add-field", WS, "deal",
     '{"id":"account_manager","label":"Account manager","type":"user_ref"}', "--as", "u-sam", *NOW),
    (CRM, "add-field", WS, "deal",
     '{"id":"regions","label":"Regions","type":"multi_picklist","options":["North","South"]}',
     "--as", "u-sam", *NOW),
]

# ---------------------------------------------------------------- generators


def directory(path):
    os.mkdir(path)


def dangling_symlink(path):
    os.symlink("nowhere.json", path)


def sparse_file(size):
    def make(path):
        with open(path, "wb") as out:
            out.truncate(size)
    return make


@functools.lru_cache(maxsize=None)
def nested_arrays(depth, closed=True):
    return "[" * depth + ("]" * depth if closed else "")


@functools.lru_cache(maxsize=None)
def nested_objects(depth, key="a", leaf="1", closed=True):
    return ('{"%s":' % key) * depth + (leaf + "}" * depth if closed else "")


def lazy(make_text):
    """A file whose (big) content is made only when the case runs."""
    def make(path):
        text = make_text()
        Path(path).write_bytes(text if isinstance(text, bytes) else text.encode())
    return make


# ------------------------------------------------------- editing documents

DELETE = object()


def _steps(path):
    """ 'records[2].fields.amount' -> ['records', 2, 'fields', 'amount'] """
    return [int(t[1:-1]) if t.startswith("[") else t for t in re.findall(r"\[\d+\]|[^.\[\]]+", path)]


def edited(document, path, value):
    document = copy.deepcopy(document)
    *parents, last = _steps(path)
    node = document
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list) and last == len(node):
        node.append(value)
    else:
        node[last] = value
    return document


def dump(document):
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def with_raw(document, path, raw):
    """The document's text with raw JSON text (deep, duplicated, invalid) at path."""
    sentinel = "@@RAW@@"
    text = dump(edited(document, path, sentinel))
    return text.replace(json.dumps(sentinel), raw)


def replaced(text, old, new):
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


# ------------------------------------------------------ the base documents

# A small valid workspace: every section present. records: [0] company-1,
# [1] contact-1, [2] deal-1 (in flow "mini"), [3] ticket-1 (SLA state), [4] site_visit-1.
BASE = {
    "format": "crm-workspace", "version": 1, "name": "Bad input base", "currency": "USD",
    "teams": [{"id": "t-field", "name": "Field Sales", "manager": "u-maria"}],
    "users": [
        {"id": "u-ana", "name": "Ana Reyes", "email": "ana@example.com", "role": "rep", "team": "t-field"},
        {"id": "u-maria", "name": "Maria Lindqvist", "role": "manager", "team": "t-field"},
        {"id": "u-sam", "name": "Sam Patel", "role": "admin"}],
    "custom_types": [{
        "id": "site_visit", "label": "Site visit", "plural": "Site visits", "title_fields": ["place"],
        "fields": [{"id": "place", "label": "Place", "type": "text", "required": True},
                   {"id": "host", "label": "Host", "type": "user_ref"}]}],
    "custom_fields": {"deal": [{"id": "region", "label": "Region", "type": "picklist",
                                "options": ["North", "South"]},
                               {"id": "channels", "label": "Channels", "type": "multi_picklist",
                                "options": ["Email", "Phone"]}]},
    "processes": [{
        "id": "mini", "name": "Mini pipeline", "record_type": "deal", "start": {"when": True},
        "stages": [{"id": "open", "name": "Open", "next_action": "Call the customer"},
                   {"id": "qualified", "name": "Qualified", "required": ["amount"],
                    "entry": {"is_set": {"var": "close_date"}}, "gate": "block",
                    "next_action": {"text": "Send a proposal",
                                    "task": {"title": "Proposal", "due_in": "2 business days"}}}],
        "outcomes": [{"id": "won", "name": "Won", "kind": "won"}],
        "exits": [{"id": "dropped", "name": "Dropped", "kind": "stalled"}]}],
    "calendar": {"timezone": "America/New_York",
                 "week": {"mon": [["09:00", "17:00"]], "fri": [["09:00", "12:00"], ["13:00", "17:00"]]},
                 "holidays": ["2026-12-25"]},
    "sla_policies": [{
        "id": "case_open", "name": "Case resolved within 48 hours", "record_type": "ticket",
        "starts": "created", "stops": {"==": [{"var": "status"}, "Closed"]},
        "pauses": {"==": [{"var": "status"}, "Waiting on customer"]},
        "within": "48 hours", "alert": ["owner"], "escalate_to": ["owner_manager"]}],
    "records": [
        {"id": "company-1", "type": "company", "owner": "u-ana",
         "fields": {"name": "Acme", "domain": "acme.example", "employees": 540,
                    "phone": "+1 555 617 4898", "industry": "Logistics"},
         "created_at": "2026-11-01T09:00:00Z", "created_by": "u-ana",
         "updated_at": "2026-11-01T09:00:00Z", "updated_by": "u-ana"},
        {"id": "contact-1", "type": "contact", "owner": "u-ana",
         "fields": {"first_name": "Olivier", "last_name": "Brennan", "email": "olivier@acme.example",
                    "company": "company-1", "decision_maker": True}},
        {"id": "deal-1", "type": "deal", "owner": "u-ana",
         "fields": {"name": "Fleet rollout", "amount": {"amount": 48000, "currency": "USD"},
                    "close_date": "2027-02-02", "probability": 40, "company": "company-1",
                    "contact": "contact-1", "region": "North", "channels": ["Email"], "stage": "Lead"},
         "flows": {"mini": {"stage": "open", "status": "active", "started_at": "2026-11-01T09:00:00Z",
                            "entered_at": "2026-11-01T09:00:00Z",
                            "history": [{"stage": "open", "at": "2026-11-01T09:00:00Z", "by": "u-ana"}]}}},
        {"id": "ticket-1", "type": "ticket", "owner": "u-ana",
         "fields": {"subject": "Scanner offline", "description": "Since Monday.", "status": "Open",
                    "opened_at": "2026-11-16T10:00:00Z"},
         "sla_alerts": {"case_open": "2026-11-18T10:00:00Z"},
         "sla_escalations": {"case_open": ["u-maria"]},
         "sla_pauses": {"case_open": [{"from": "2026-11-16T20:00:00Z", "to": "2026-11-17T06:00:00Z"}]},
         "automation_failures": {"start:mini": {"reason": "Name is required", "at": "2026-11-16T10:00:00Z"}}},
        {"id": "site_visit-1", "type": "site_visit", "owner": "u-ana",
         "fields": {"place": "Depot 4", "host": "u-ana"}}],
    "next_ids": {"deal": 2, "ticket": 2},
}
BASE_TEXT = dump(BASE)

# A calendar for sla-due.
CALENDAR = {"timezone": "America/New_York",
            "week": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
                     "fri": [["09:00", "12:00"], ["13:00", "17:00"]]},
            "holidays": ["2026-12-25"]}


def _template(name):
    return json.loads((ROOT / "assets" / "processes" / f"{name}.json").read_text(encoding="utf-8"))


# One template on its own (valid alone), for `crm validate`.
SALES = _template("sales_pipeline")
# The demo's processes (the six templates, in the demo's order), for
# `crm set-processes`: a valid replacement, so only the planted fault can be refused.
ALL_FLOWS = {"format": "crm-processes", "version": 1, "flows": [
    flow for name in ["lead_routing", "sales_pipeline", "onboarding", "customer_support",
                      "renewal_management", "expansion"] for flow in _template(name)["flows"]]}
SP = "flows[1]"  # the sales pipeline inside ALL_FLOWS

# ------------------------------------------------------------ case makers


def validate(what, content, exit=2, name="in.json"):
    return Case("validate: " + what, (CRM, "validate", F(name)), None, {name: content}, exit)


def import_(what, content, exit=2, name="in.json"):
    return Case("import: " + what, (CRM, "import", WS, F(name), "--as", "u-sam", *NOW), "demo",
                {name: content}, exit)


def both(what, content, name="in.json"):
    return [validate(what, content, name=name), import_(what, content, name=name)]


def ws_with(path, value):
    return dump(edited(BASE, path, value))


def ws_raw(path, raw):
    return with_raw(BASE, path, raw)


def ws_replace(old, new):
    return replaced(BASE_TEXT, old, new)


def add(what, *assignments, actor="u-ana", record_type="deal", extra=(), exit=2):
    return Case("add: " + what, (CRM, "add", WS, record_type, *assignments, "--as", actor, *NOW, *extra),
                "demo", exit=exit)


def set_(what, record, *assignments, actor="u-ana", exit=2):
    return Case("set: " + what, (CRM, "set", WS, record, *assignments, "--as", actor, *NOW), "demo",
                exit=exit)


def move(what, *args, actor="u-ben", exit=2):
    return Case("move: " + what, (CRM, "move", WS, *args, "--as", actor, *NOW), "demo", exit=exit)


def logic(what, rule, data="{}", exit=2):
    return Case("logic: " + what, (CRM, "logic", rule, data), exit=exit)


def sla_due(what, calendar, start="2026-11-20T21:30:00Z", duration="4 business hours"):
    files = {} if calendar is None else {"calendar.json": calendar}
    return Case("sla-due: " + what, (CRM, "sla-due", "--calendar", F("calendar.json"), "--start", start,
                                     "--duration", duration), None, files)


def cal_with(path, value):
    return dump(edited(CALENDAR, path, value))


def sla_due_args(what, *argv):
    return Case("sla-due: " + what, (CRM, "sla-due", *argv), None,
                {"calendar.json": dump(CALENDAR)})


def proc_validate(what, content):
    return Case("validate processes: " + what, (CRM, "validate", F("processes.json")), None,
                {"processes.json": content})


def set_processes(what, content, extra=(), actor="u-sam", exit=2):
    return Case("set-processes: " + what,
                (CRM, "set-processes", WS, F("processes.json"), "--as", actor, *NOW, *extra), "demo",
                {"processes.json": content}, exit)


# The demo's rule templates, for `crm set-rules`: valid, so only the planted fault is refused.
RULES = json.loads((ROOT / "assets" / "automation" / "northwind.json").read_text(encoding="utf-8"))


def set_rules(what, content, actor="u-sam", exit=2):
    return Case("set-rules: " + what, (CRM, "set-rules", WS, F("rules.json"), "--as", actor, *NOW),
                "demo", {"rules.json": content}, exit)


def rules_with(path, value):
    return dump(edited(RULES, path, value))


def sales_with(path, value):
    return dump(edited(SALES, path, value))


def all_with(path, value):
    return dump(edited(ALL_FLOWS, path, value))


MIB = 1024 * 1024
DEEP = 100_000
BIG_TEXT = "x" * 130_000  # over the 100,000-character text limit, under argv's 128 KiB

# ================================================================== CASES

# --- Workspace files: how the file itself is wrong (both validate and import).
FILE_LEVEL = [
    *both("the file is empty", b""),
    *both("the file is only whitespace", b"  \n\t \r\n"),
    *both("the file is truncated mid-document", BASE_TEXT[: len(BASE_TEXT) // 2]),
    *both("trailing garbage after the document", BASE_TEXT + "}\ngarbage\n"),
    *both("a second document after the first", BASE_TEXT + BASE_TEXT),
    *both("invalid UTF-8 inside a string", ws_replace('"Bad input base"', '"Bad \udcff base"')
          .encode("utf-8", "surrogateescape")),
    *both("invalid UTF-8 outside a string", b'{"format": "crm-workspace", \xff "version": 1}\n'),
    *both("overlong UTF-8 for '/' inside a string", b'{"format": "crm-workspace", "version": 1, '
          b'"name": "a\xc0\xafb"}\n'),
    *both("a UTF-8 encoded surrogate (ED A0 80) inside a string",
          b'{"format": "crm-workspace", "version": 1, "name": "a\xed\xa0\x80b"}\n'),
    *both("a lone surrogate escape \\ud800 in name", ws_replace('"Bad input base"', '"Bad \\ud800 base"')),
    *both("UTF-16 LE with a BOM", b"\xff\xfe" + BASE_TEXT.encode("utf-16-le")),
    *both("UTF-16 BE with a BOM", b"\xfe\xff" + BASE_TEXT.encode("utf-16-be")),
    *both("a binary file led by NUL bytes", b"\x00\x00\x00\x01\x89PNG\r\n\x1a\n" + bytes(range(256))),
    *both("a NUL byte inside a string", b'{"format": "crm-workspace", "version": 1, "name": "a\x00b"}\n'),
    *both("the path is a directory", directory),
    *both("the file is missing", None),
    *both("the path is a dangling symlink", dangling_symlink),
    *both("a 600 MiB file (sparse) over the size limit", sparse_file(600 * MIB)),
    *both("1e400 at line 5", '{\n "format": "crm-workspace",\n "version": 1,\n "records": [],\n'
                             ' "next_ids": {"deal": 1e400}\n}\n'),
    *both("-1e400 at line 4", '{\n "format": "crm-workspace",\n "version": 1,\n'
                              ' "next_ids": {"deal": -1e400}\n}\n'),
    *both("100,000 unclosed [", lazy(lambda: nested_arrays(DEEP, closed=False))),
    *both("100,000 nested {\"a\": (closed)", lazy(lambda: nested_objects(DEEP))),
    *both("comments are not JSON", '// exported today\n' + BASE_TEXT),
    *both("NaN is not JSON", ws_replace('"probability": 40', '"probability": NaN')),
    *both("single-quoted strings", "{'format': 'crm-workspace', 'version': 1}\n"),
    *both("a raw newline inside a string", ws_replace('"Bad input base"', '"Bad\ninput"')),
    *both("an invalid escape \\q in a string", ws_replace('"Bad input base"', '"Bad \\q base"')),
    *both("a document that is an array", "[]\n"),
    *both("a document that is a string", '"crm-workspace"\n'),
    *both("a document that is null", "null\n"),
    validate("a valid document (control)", BASE_TEXT, exit=0),
    validate("a UTF-8 BOM before a valid document (control)", b"\xef\xbb\xbf" + BASE_TEXT.encode(), exit=0),
    validate("a UTF-8 BOM and then a bad currency", b"\xef\xbb\xbf" + ws_with("currency", "usd").encode()),
]

# --- Workspace files: the top level (import; both ways where validate reads the key itself).
TOP_LEVEL = [
    *both("format is missing", ws_with("format", DELETE)),
    *both("format is a number", ws_with("format", 1)),
    *both("format is null", ws_with("format", None)),
    *both("format is an array", ws_with("format", ["crm-workspace"])),
    *both("format is another format", ws_with("format", "crm-spreadsheet")),
    import_("version is a string", ws_with("version", "1")),
    import_("version is 1.0", ws_replace('"version": 1,', '"version": 1.0,')),
    import_("version is 3", ws_with("version", 3)),
    import_("name is a number", ws_with("name", 7)),
    *both("currency is lower-case \"usd\"", ws_with("currency", "usd")),
    import_("currency is three digits", ws_with("currency", "840")),
    import_("currency is a number", ws_with("currency", 840)),
    import_("teams is an object", ws_with("teams", {})),
    import_("users is a string", ws_with("users", "u-ana")),
    import_("custom_types is an object", ws_with("custom_types", {})),
    import_("custom_fields is an array", ws_with("custom_fields", [])),
    import_("processes is an object", ws_with("processes", {})),
    import_("calendar is a string", ws_with("calendar", "America/New_York")),
    import_("sla_policies is an object", ws_with("sla_policies", {})),
    import_("records is an object", ws_with("records", {})),
    import_("next_ids is an array", ws_with("next_ids", [])),
    *both("an unknown top-level key", ws_with("colour", "blue")),
    *both("duplicate top-level key \"version\"", ws_replace('"version": 1,', '"version": 1,\n "version": 2,')),
    *both("duplicate top-level key \"records\"", ws_replace('"next_ids"', '"records": [],\n "next_ids"')),
]

# --- Workspace files: inside the document (through import: the path that could
# damage a workspace; validate reads them with the same code).
NESTED = [import_(what, content) for what, content in [
    # users and teams
    ("users[0] is a string", ws_with("users[0]", "u-ana")),
    ("users[0] has an unknown key \"mail\"", ws_with("users[0].mail", "ana@example.com")),
    ("users[0].id is a number", ws_with("users[0].id", 7)),
    ("users[0].id is empty", ws_with("users[0].id", "")),
    ("users[0].role is \"boss\"", ws_with("users[0].role", "boss")),
    ("users[0].email is a number", ws_with("users[0].email", 7)),
    ("users[0].team names no team", ws_with("users[0].team", "t-nowhere")),
    ("users[2].name is missing", ws_with("users[2].name", DELETE)),
    ("two users with the id u-ana", ws_with("users[1].id", "u-ana")),
    ("duplicate key \"role\" in users[0]", ws_replace('"role": "rep"', '"role": "rep", "role": "admin"')),
    ("teams[0].manager is a number", ws_with("teams[0].manager", 3)),
    ("teams[0].manager names nobody", ws_with("teams[0].manager", "u-nobody")),
    ("teams[0] has an unknown key", ws_with("teams[0].members", ["u-ana"])),
    # custom types and fields
    ("custom_types[0].fields is an object", ws_with("custom_types[0].fields", {})),
    ("custom_types[0].id is \"Site Visit\"", ws_with("custom_types[0].id", "Site Visit")),
    ("custom_types[0].title_fields is a string", ws_with("custom_types[0].title_fields", "place")),
    ("custom_types[0] has an unknown key", ws_with("custom_types[0].icon", "pin")),
    ("custom_types[0].fields[0].type is \"colour\"", ws_with("custom_types[0].fields[0].type", "colour")),
    ("custom_types[0].fields[0].required is \"yes\"", ws_with("custom_types[0].fields[0].required", "yes")),
    ("custom_types[0] redefines the built-in deal", ws_with("custom_types[0].id", "deal")),
    ("custom_fields names the type \"spaceship\"", ws_with("custom_fields.spaceship", [])),
    ("custom_fields.deal is an object", ws_with("custom_fields.deal", {})),
    ("custom_fields.deal[0] has no label", ws_with("custom_fields.deal[0].label", DELETE)),
    ("custom_fields.deal[0] is a picklist without options", ws_with("custom_fields.deal[0].options", DELETE)),
    ("custom_fields.deal[0].options repeats \"North\"", ws_with("custom_fields.deal[0].options", ["North", "North"])),
    ("custom_fields.deal[0].options holds a number", ws_with("custom_fields.deal[0].options", ["North", 2])),
    ("custom_fields.deal[0] redefines the built-in amount", ws_with("custom_fields.deal[0].id", "amount")),
    ("custom_fields.deal[0] has an unknown key", ws_with("custom_fields.deal[0].default", "North")),
    ("custom_fields.deal[2] refers to the type \"spaceship\"",
     ws_with("custom_fields.deal[2]", {"id": "ship", "label": "Ship", "type": "record_ref",
                                       "target_type": "spaceship"})),
    # validation rules
    ("validation: a pattern that backtracks forever", ws_with("validation", {"deal": {"fields": {
        "next_step": {"pattern": "(a+)+$"}}}})),
    ("validation: a pattern that does not compile", ws_with("validation", {"deal": {"fields": {
        "next_step": {"pattern": "[a-"}}}})),
    ("validation: a pattern of 300 characters", ws_with("validation", {"deal": {"fields": {
        "next_step": {"pattern": "a" * 300}}}})),
    ("validation: min above max", ws_with("validation", {"deal": {"fields": {
        "probability": {"min": 100, "max": 0}}}})),
    ("validation: a rule that is not an object", ws_with("validation", {"deal": {"rules": [
        {"rule": "always", "message": "M"}]}})),
    ("validation: a rule without a message", ws_with("validation", {"deal": {"rules": [
        {"rule": {"is_set": "name"}}]}})),
    ("custom_fields.deal[0] has a pattern on a picklist", ws_with("custom_fields.deal[0].pattern", "N.*")),
    ("default_country is \"XX\"", ws_with("default_country", "XX")),
    # processes
    ("processes[0].stages is an object", ws_with("processes[0].stages", {})),
    ("processes[0].stages[1].required names \"budjet\"", ws_with("processes[0].stages[1].required", ["budjet"])),
    ("processes[0].stages[1].required is a string", ws_with("processes[0].stages[1].required", "amount")),
    ("processes[0].stages[1].entry reads the unknown field \"closing\"",
     ws_with("processes[0].stages[1].entry", {"is_set": {"var": "closing"}})),
    ("processes[0].stages[1].entry uses the unknown operator \"is set\"",
     ws_with("processes[0].stages[1].entry", {"is set": {"var": "close_date"}})),
    ("processes[0].stages[1].entry compares close_date with a number",
     ws_with("processes[0].stages[1].entry", {">": [{"var": "close_date"}, 5]})),
    ("processes[0].stages[1].gate is \"maybe\"", ws_with("processes[0].stages[1].gate", "maybe")),
    ("processes[0].stages[1] has an unknown key", ws_with("processes[0].stages[1].colour", "red")),
    ("processes[0] has two stages with the id \"open\"", ws_with("processes[0].stages[1].id", "open")),
    ("processes[0].record_type is \"spaceship\"", ws_with("processes[0].record_type", "spaceship")),
    ("processes[0].start has no \"when\"", ws_with("processes[0].start", {})),
    ("processes[0].exits[0].kind is \"won\"", ws_with("processes[0].exits[0].kind", "won")),
    ("processes[0].stages[1].next_action.task.due_in is \"soon\"",
     ws_with("processes[0].stages[1].next_action.task.due_in", "soon")),
    ("duplicate key \"gate\" in processes[0].stages[1]",
     ws_replace('"gate": "block"', '"gate": "block",\n    "gate": "warn"')),
    # calendar
    ("calendar.timezone is \"Mars/Olympus_Mons\"", ws_with("calendar.timezone", "Mars/Olympus_Mons")),
    ("calendar.timezone is a number", ws_with("calendar.timezone", -5)),
    ("calendar.week has the day \"monday\"", ws_with("calendar.week.monday", [["09:00", "17:00"]])),
    ("calendar.week.mon[0] is reversed", ws_with("calendar.week.mon[0]", ["17:00", "09:00"])),
    ("calendar.week.fri intervals overlap", ws_with("calendar.week.fri[1]", ["11:00", "17:00"])),
    ("calendar.week.mon[0] closes at 25:00", ws_with("calendar.week.mon[0]", ["09:00", "25:00"])),
    ("calendar.holidays[0] is 2026-02-30", ws_with("calendar.holidays[0]", "2026-02-30")),
    ("calendar.holidays is a string", ws_with("calendar.holidays", "2026-12-25")),
    ("calendar has an unknown key", ws_with("calendar.zone", "UTC")),
    # SLA policies
    ("sla_policies[0].stops reads the unknown field \"state\"",
     ws_with("sla_policies[0].stops", {"==": [{"var": "state"}, "Closed"]})),
    ("sla_policies[0].applies uses an unknown operator",
     ws_with("sla_policies[0].applies", {"equals": [{"var": "status"}, "Open"]})),
    ("sla_policies[0].within is \"2 fortnights\"", ws_with("sla_policies[0].within", "2 fortnights")),
    ("sla_policies[0].within is a number", ws_with("sla_policies[0].within", 48)),
    ("sla_policies[0].within is \"-5 hours\"", ws_with("sla_policies[0].within", "-5 hours")),
    ("sla_policies[0].at_risk is 1.5", ws_with("sla_policies[0].at_risk", 1.5)),
    ("sla_policies[0].alert is a string", ws_with("sla_policies[0].alert", "owner")),
    ("sla_policies[0].set names the unknown field \"urgency\"", ws_with("sla_policies[0].set", {"urgency": "High"})),
    ("sla_policies[0].set.priority is \"Urgent\"", ws_with("sla_policies[0].set", {"priority": "Urgent"})),
    ("sla_policies[0].starts names a missing flow", ws_with("sla_policies[0].starts", "flow:nowhere/open")),
    ("sla_policies[0].record_type is \"spaceship\"", ws_with("sla_policies[0].record_type", "spaceship")),
    ("sla_policies[0].reassign_to is a number", ws_with("sla_policies[0].reassign_to", 1)),
    ("sla_policies[0] has an unknown key", ws_with("sla_policies[0].priority", "High")),
    # records
    ("records[0] is a string", ws_with("records[0]", "company-1")),
    ("records[0].id is a number", ws_with("records[0].id", 1)),
    ("records[0].id is \"deal-9\" on a company", ws_with("records[0].id", "deal-9")),
    ("records[0].type is \"spaceship\"", ws_with("records[0].type", "spaceship")),
    ("records[0].owner is a number", ws_with("records[0].owner", 7)),
    ("records[0].owner names nobody", ws_with("records[0].owner", "u-nobody")),
    ("records[0].fields is an array", ws_with("records[0].fields", [])),
    ("records[0].fields has the unknown field \"colour\"", ws_with("records[0].fields.colour", "red")),
    ("records[0].created_at is \"yesterday\"", ws_with("records[0].created_at", "yesterday")),
    ("records[0].created_by is a number", ws_with("records[0].created_by", 7)),
    ("records[0] has an unknown key", ws_with("records[0].tags", ["vip"])),
    ("two records with the id company-1", ws_with("records[5]", BASE["records"][0])),
    ("records[0].fields.name is a number", ws_with("records[0].fields.name", 42)),
    ("records[0].fields.employees is the string \"540\"", ws_with("records[0].fields.employees", "540")),
    ("records[0].fields.domain is \"not a url\"", ws_with("records[0].fields.domain", "not a url")),
    ("records[0].fields.phone is \"call me\"", ws_with("records[0].fields.phone", "call me")),
    ("records[0].fields.industry is \"Spaceships\"", ws_with("records[0].fields.industry", "Spaceships")),
    ("records[1].fields.email is \"olivier at acme\"", ws_with("records[1].fields.email", "olivier at acme")),
    ("records[1].fields.decision_maker is \"yes\"", ws_with("records[1].fields.decision_maker", "yes")),
    ("records[1].fields.company names no record", ws_with("records[1].fields.company", "company-99")),
    ("records[1].fields.company is a contact", ws_with("records[1].fields.company", "contact-1")),
    ("records[1].fields.last_name is missing (required)", ws_with("records[1].fields.last_name", DELETE)),
    ("records[2].fields.amount is a string", ws_with("records[2].fields.amount", "48000 USD")),
    ("records[2].fields.amount has the currency \"usd\"", ws_with("records[2].fields.amount.currency", "usd")),
    ("records[2].fields.amount.amount is a string", ws_with("records[2].fields.amount.amount", "48000")),
    ("records[2].fields.amount has an unknown key", ws_with("records[2].fields.amount.rate", 1)),
    ("records[2].fields.amount.amount is 1e400", ws_raw("records[2].fields.amount.amount", "1e400")),
    ("records[2].fields.close_date is 2026-02-30", ws_with("records[2].fields.close_date", "2026-02-30")),
    ("records[2].fields.close_date is 02/02/2027", ws_with("records[2].fields.close_date", "02/02/2027")),
    ("records[2].fields.probability is \"40%\"", ws_with("records[2].fields.probability", "40%")),
    ("records[2].fields.region is \"West\"", ws_with("records[2].fields.region", "West")),
    ("records[2].fields.stage is an array", ws_with("records[2].fields.stage", ["Lead"])),
    ("records[2].fields.channels is a string", ws_with("records[2].fields.channels", "Email")),
    ("records[2].fields.channels holds \"Fax\"", ws_with("records[2].fields.channels", ["Email", "Fax"])),
    ("records[3].fields.description is an object", ws_with("records[3].fields.description", {"text": "x"})),
    ("duplicate key \"probability\" in records[2].fields",
     ws_replace('"probability": 40', '"probability": 40,\n    "probability": "forty"')),
    ("records[2].fields.next_step nests 100,000 arrays",
     lazy(lambda: ws_raw("records[2].fields.next_step", nested_arrays(DEEP)))),
    ("records[3].fields.opened_at is \"yesterday\"", ws_with("records[3].fields.opened_at", "yesterday")),
    ("records[3].fields.opened_at is a date, not a time", ws_with("records[3].fields.opened_at", "2026-11-16")),
    ("records[4].fields.host names no user", ws_with("records[4].fields.host", "u-nobody")),
    # flows on records
    ("records[2].flows is an array", ws_with("records[2].flows", [])),
    ("records[2].flows.mini is a string", ws_with("records[2].flows.mini", "open")),
    ("records[2].flows.mini has an unknown key", ws_with("records[2].flows.mini.colour", "red")),
    ("records[2].flows.mini.status is \"paused\"", ws_with("records[2].flows.mini.status", "paused")),
    ("records[2].flows.mini.stage is \"won\" (not a stage)", ws_with("records[2].flows.mini.stage", "won")),
    ("records[2].flows.mini.started_at is a number", ws_with("records[2].flows.mini.started_at", 1700000000)),
    ("records[2].flows names the unknown flow \"nowhere\"",
     ws_with("records[2].flows.nowhere", BASE["records"][2]["flows"]["mini"])),
    ("records[2].flows.mini.history is an object", ws_with("records[2].flows.mini.history", {})),
    ("records[2].flows.mini.history[0] is a number", ws_with("records[2].flows.mini.history[0]", 7)),
    ("records[2].flows.mini.history[0] is null", ws_with("records[2].flows.mini.history[0]", None)),
    ("records[2].flows.mini.history[0] has an unknown key",
     ws_with("records[2].flows.mini.history[0].colour", "red")),
    ("records[2].flows.mini.history[0].at is a number", ws_with("records[2].flows.mini.history[0].at", 5)),
    ("records[2].flows.mini.history[0].at is \"yesterday\"",
     ws_with("records[2].flows.mini.history[0].at", "yesterday")),
    ("records[2].flows.mini.history[0].stage is an array",
     ws_with("records[2].flows.mini.history[0].stage", ["open"])),
    ("records[2].flows.mini.history[1] nests 100,000 objects",
     lazy(lambda: ws_raw("records[2].flows.mini.history[1]", nested_objects(DEEP, key="stage")))),
    ("records[2].flows.mini.blocked.attempts is 0",
     ws_with("records[2].flows.mini.blocked", {"to": "qualified", "missing": ["amount"], "failing": [],
                                              "at": "2026-11-02T09:00:00Z", "by": "u-ana", "attempts": 0})),
    # engine state on records
    ("records[3].sla_alerts is an array", ws_with("records[3].sla_alerts", [])),
    ("records[3].sla_alerts.case_open is a number", ws_with("records[3].sla_alerts.case_open", 5)),
    ("records[3].sla_alerts.case_open is \"soon\"", ws_with("records[3].sla_alerts.case_open", "soon")),
    ("records[3].sla_pauses is a list", ws_with("records[3].sla_pauses", [])),
    ("records[3].sla_pauses.case_open[0] is a string", ws_with("records[3].sla_pauses.case_open[0]", "paused")),
    ("records[3].sla_pauses.case_open[0] ends before it starts",
     ws_with("records[3].sla_pauses.case_open[0].to", "2026-11-15T00:00:00Z")),
    ("records[3].sla_pauses.case_open[0] has no \"from\"", ws_with("records[3].sla_pauses.case_open[0].from", DELETE)),
    ("records[3].sla_pauses.case_open[0] has an unknown key",
     ws_with("records[3].sla_pauses.case_open[0].why", "customer")),
    ("records[3].automation_failures is a list", ws_with("records[3].automation_failures", [])),
    ("records[3].automation_failures.start:mini has no reason",
     ws_with("records[3].automation_failures.start:mini.reason", DELETE)),
    ("records[3].automation_failures.start:mini.at is \"later\"",
     ws_with("records[3].automation_failures.start:mini.at", "later")),
    ("records[3].automation_failures.start:mini has an unknown key",
     ws_with("records[3].automation_failures.start:mini.retries", 3)),
    ("records[3].data_problems is an object", ws_with("records[3].data_problems", {"note": "Wrong phone"})),
    ("records[3].data_problems[0] is a string", ws_with("records[3].data_problems", ["Wrong phone"])),
    ("records[3].data_problems[0] has no note",
     ws_with("records[3].data_problems", [{"by": "u-ana", "at": "2026-11-16T10:00:00Z"}])),
    ("records[3].data_problems[0].at is \"yesterday\"",
     ws_with("records[3].data_problems", [{"note": "Wrong phone", "by": "u-ana", "at": "yesterday"}])),
    ("records[3].data_problems[0].note is blank",
     ws_with("records[3].data_problems", [{"note": "  ", "by": "u-ana", "at": "2026-11-16T10:00:00Z"}])),
    ("records[3].data_problems[0] has no time",
     ws_with("records[3].data_problems", [{"note": "Wrong phone", "by": "u-ana"}])),
    ("records[3].data_problems[0] has an unknown key",
     ws_with("records[3].data_problems", [{"note": "Wrong phone", "by": "u-ana",
                                            "at": "2026-11-16T10:00:00Z", "severity": "high"}])),
    # next_ids
    ("next_ids.deal is a string", ws_with("next_ids.deal", "2")),
    ("next_ids.deal is negative", ws_with("next_ids.deal", -3)),
    ("next_ids.deal is 0", ws_with("next_ids.deal", 0)),
    ("next_ids.deal is 1.5", ws_with("next_ids.deal", 1.5)),
    ("next_ids.deal is 2^53", ws_with("next_ids.deal", 2 ** 53)),
    ("next_ids.deal is 2^64", ws_raw("next_ids.deal", "18446744073709551616")),
    ("next_ids names the type \"spaceship\"", ws_with("next_ids.spaceship", 3)),
    # deep nesting in other places
    ("calendar.holidays[0] nests 100,000 arrays", lazy(lambda: ws_raw("calendar.holidays[0]", nested_arrays(DEEP)))),
    ("processes[0].stages[1].entry nests 100,000 \"!\"",
     lazy(lambda: ws_raw("processes[0].stages[1].entry", nested_objects(DEEP, key="!", leaf="true")))),
]]

# --- Field values typed on the command line.
COMMAND_LINE = [
    add("amount=lots", "name=X", "amount=lots"),
    add("amount with the lower-case currency \"usd\"", "name=X", "amount=18000 usd"),
    add("amount with the currency \"EURO\"", "name=X", "amount=18000 EURO"),
    add("amount=1e400", "name=X", "amount=1e400"),
    add("amount with two currencies", "name=X", "amount=EUR 18000 USD"),
    add("probability=forty (number)", "name=X", "probability=forty"),
    add("probability=1e400 (number)", "name=X", "probability=1e400"),
    add("probability=nan (number)", "name=X", "probability=nan"),
    add("probability=0x1A (hex is not a number here)", "name=X", "probability=0x1A"),
    add("close_date=2026-02-30 (date)", "name=X", "close_date=2026-02-30"),
    add("close_date=20/11/2026 (date)", "name=X", "close_date=20/11/2026"),
    add("close_date=tomorrow (date)", "name=X", "close_date=tomorrow"),
    add("first_contact_at=2026-13-01T00:00:00Z (datetime)", "name=X",
        "first_contact_at=2026-13-01T00:00:00Z", record_type="lead"),
    add("first_contact_at=yesterday (datetime)", "name=X", "first_contact_at=yesterday", record_type="lead"),
    add("demo_completed=maybe (bool)", "name=X", "demo_completed=maybe"),
    add("stage=Huge (picklist)", "name=X", "stage=Huge"),
    add("regions=North;Mars (multi picklist)", "name=X", "regions=North;Mars"),
    add("account_manager=u-nobody (user ref)", "name=X", "account_manager=u-nobody", exit=1),
    add("company=company-999 (record ref to nothing)", "name=X", "company=company-999", exit=1),
    add("company=contact-1 (record ref to the wrong type)", "name=X", "company=contact-1", exit=1),
    add("source_lead=deal-1 (record ref to the wrong type)", "name=X", "source_lead=deal-1", exit=1),
    add("--owner u-nobody", "name=X", extra=("--owner", "u-nobody"), exit=1),
    add("owner=u-nobody", "name=X", "owner=u-nobody", actor="u-maria", exit=1),
    add("the unknown field colour=red", "name=X", "colour=red"),
    add("an assignment without '='", "name=X", "amount"),
    add("an assignment with an empty field name", "name=X", "=18000"),
    add("the record type \"spaceship\"", "name=X", record_type="spaceship"),
    add("invalid UTF-8 in a value", b"name=Bad \xff\xfe name"),
    add("an overlong UTF-8 '/' in a value", b"name=a\xc0\xafb"),
    add("invalid UTF-8 in a field name", b"na\xffme=X"),
    add("invalid UTF-8 in --as", "name=X", actor=b"u-\xffana"),
    add("control characters in a value", "name=a\x01b\x1b[31mred\x7f"),
    add("a 130,000-byte name", "name=" + BIG_TEXT),
    add("email=not-an-email on a lead", "name=X", "email=not-an-email", record_type="lead"),
    set_("email=not-an-email (email)", "contact-1", "email=not-an-email"),
    set_("email with two @ (email)", "contact-1", "email=a@@b.example"),
    set_("phone=call-me (phone)", "contact-1", "phone=call-me"),
    set_("phone=123 (too few digits)", "contact-1", "phone=123"),
    set_("phone with an extension", "contact-1", "phone=+1 415 555 0123 ext. 12"),
    set_("a last name the demo's rule refuses", "contact-1", "last_name=X", exit=1),
    set_("phone with 20 digits", "contact-1", "phone=+1 234 567 890 123 456 789 0"),
    set_("domain=\"not a url\" (url)", "company-1", "domain=not a url"),
    set_("employees=many (number)", "company-1", "employees=many"),
    set_("opened_at=2026-11-20T25:00:00Z (datetime)", "ticket-1", "opened_at=2026-11-20T25:00:00Z"),
    set_("amount=12 000 usd (lower-case currency)", "deal-1", "amount=12000 usd"),
    set_("account_manager=u-nobody (user ref)", "deal-1", "account_manager=u-nobody", exit=1),
    set_("contact=deal-1 (record ref to the wrong type)", "deal-1", "contact=deal-1", exit=1),
    set_("owner=u-nobody", "deal-1", "owner=u-nobody", actor="u-maria", exit=1),
    set_("the unknown field colour=red", "deal-1", "colour=red"),
    set_("a missing '='", "deal-1", "probability"),
    set_("a tab inside the field name", "deal-1", "next\tstep=x"),
    set_("invalid UTF-8 in a value", "deal-1", b"next_step=\xff"),
    set_("invalid UTF-8 in the record id", b"deal-\xff1", "probability=5"),
    set_("the record deal-999 does not exist", "deal-999", "probability=5", exit=1),
    set_("a 130,000-byte next_step", "deal-1", "next_step=" + BIG_TEXT),
    move("invalid UTF-8 in --reason", "deal-2", "closed_lost", "--reason", b"Budget \xff frozen"),
    move("a 130,000-byte --reason", "deal-2", "closed_lost", "--reason", BIG_TEXT),
    move("control characters in --reason", "deal-2", "closed_lost", "--reason", "a\x1b[2Jb\x07"),
    move("budget=lots with the move", "deal-2", "meeting_scheduled", "budget=lots"),
    move("the unknown field colour=red with the move", "deal-2", "meeting_scheduled", "colour=red"),
    move("--flow names no flow", "deal-2", "closed_lost", "--reason", "x", "--flow", "nowhere", exit=1),
    move("no stage given", "deal-2"),
    move("--reason swallows the --as after it", "deal-2", "closed_lost", "--reason"),
    Case("move: --reason at the end without a value",
         (CRM, "move", WS, "deal-2", "closed_lost", "--as", "u-ben", *NOW, "--reason"), "demo"),
    Case("add: --now tomorrow", (CRM, "add", WS, "deal", "name=X", "--as", "u-ana", "--now", "tomorrow"), "demo"),
    Case("add: --now 2026-13-45T99:00:00Z",
         (CRM, "add", WS, "deal", "name=X", "--as", "u-ana", "--now", "2026-13-45T99:00:00Z"), "demo"),
    Case("add: --now without an offset",
         (CRM, "add", WS, "deal", "name=X", "--as", "u-ana", "--now", "2026-11-20T10:00:00"), "demo"),
    Case("add: --now with invalid UTF-8",
         (CRM, "add", WS, "deal", "name=X", "--as", "u-ana", "--now", b"2026-11-20T10:00:00\xffZ"), "demo"),
    Case("add: --now without a value", (CRM, "add", WS, "deal", "name=X", "--as", "u-ana", "--now"), "demo"),
    Case("add: the unknown option --colour", (CRM, "add", WS, "deal", "name=X", "--colour", "red",
                                              "--as", "u-ana", *NOW), "demo"),
    Case("add: --as without a value", (CRM, "add", WS, "deal", "name=X", *NOW, "--as"), "demo"),
    Case("add: no --as", (CRM, "add", WS, "deal", "name=X", *NOW), "demo"),
    Case("add: --as names nobody", (CRM, "add", WS, "deal", "name=X", "--as", "u-nobody", *NOW), "demo", exit=1),
    Case("add: no record type", (CRM, "add", WS, "--as", "u-ana", *NOW), "demo"),
    Case("set: no record id", (CRM, "set", WS, "--as", "u-ana", *NOW), "demo"),
    Case("add: the workspace directory does not exist",
         (CRM, "add", F("nowhere"), "deal", "name=X", "--as", "u-ana", *NOW)),
    Case("add: the workspace path is a file",
         (CRM, "add", F("file.txt"), "deal", "name=X", "--as", "u-ana", *NOW), files={"file.txt": "hello\n"}),
    Case("crm: an unknown command with invalid UTF-8", (CRM, b"fr\xffob")),
]

# --- Conditions: crm logic RULE DATA.
LOGIC = [
    logic("a rule with a missing value", '{"==": [1, }'),
    logic("data with a missing value", '{"var": "a"}', '{"a": }'),
    logic("an empty rule", ""),
    logic("an empty data argument", '{"var": "a"}', ""),
    logic("the unknown operator \"frobnicate\"", '{"frobnicate": [1, 2]}'),
    logic("the unknown operator \"Var\" (case)", '{"Var": "a"}'),
    logic("== with one argument", '{"==": [1]}'),
    logic("> with four arguments", '{">": [1, 2, 3, 4]}'),
    logic("! with two arguments", '{"!": [true, false]}'),
    logic("an operator object with two keys", '{"==": [1, 1], "!=": [1, 2]}'),
    logic("var with an object name", '{"var": {"a": 1}}'),
    logic("days_since with two arguments", '{"days_since": ["2026-01-01", "2026-02-01"]}'),
    logic("an unknown operator deep inside", '{"and": [true, {"or": [false, {"nope": 1}]}]}'),
    logic("days_until with no arguments", '{"days_until": []}'),
    logic("hours_since with three arguments", '{"hours_since": ["2026-01-01", 1, 2]}'),
    logic("an operator that is the empty string", '{"": [1]}'),
    logic("is_set with two arguments", '{"is_set": [{"var": "a"}, {"var": "b"}]}'),
    logic("now with an argument", '{"now": [1]}'),
    logic("an operator name with invalid UTF-8", b'{"is_s\xffet": {"var": "a"}}'),
    logic("a rule that is an array of operators", '[{"var": "a"}, {"nope": 1}]'),
    logic("a rule that is 1e400", "1e400"),
    logic("data that is 1e400", '{"var": "a"}', '{"a": 1e400}'),
    logic("invalid UTF-8 in a rule string", b'{"==": ["\xff", "x"]}'),
    logic("invalid UTF-8 in the data", '{"var": "a"}', b'{"a": "\xc3\x28"}'),
    logic("a lone surrogate escape in the data", '{"var": "a"}', '{"a": "\\ud800"}'),
    logic("a rule with trailing garbage", '{"var": "a"} x'),
    logic("100,000 unclosed [ in the rule", nested_arrays(DEEP, closed=False)),
    logic("100,000 unclosed [ in the data", '{"var": "a"}', nested_arrays(DEEP, closed=False)),
    logic("65,000 nested arrays in the rule", nested_arrays(65_000)),
    logic("20,000 nested ! in the rule", nested_objects(20_000, key="!", leaf="true")),
    logic("12,000 nested and in the rule", '{"and":[' * 12_000 + "true" + "]}" * 12_000),
    logic("65,000 nested arrays in the data", '{"var": "a"}', '{"a":' + nested_arrays(65_000) + "}"),
    logic("20,000 nested objects in the data", '{"var": "a"}', nested_objects(20_000)),
    Case("logic: no data argument", (CRM, "logic", '{"var": "a"}')),
]

# --- Calendars: crm sla-due --calendar FILE --start ... --duration ...
CALENDARS = [
    sla_due("timezone \"Mars/Olympus_Mons\"", cal_with("timezone", "Mars/Olympus_Mons")),
    sla_due("timezone is empty", cal_with("timezone", "")),
    sla_due("timezone is a number", cal_with("timezone", -5)),
    sla_due("timezone is a path \"../../etc/passwd\"", cal_with("timezone", "../../etc/passwd")),
    sla_due("timezone \"UTC+05:00\"", cal_with("timezone", "UTC+05:00")),
    sla_due("timezone with invalid UTF-8", replaced(dump(CALENDAR), "America/New_York", "America/\udcffork")
            .encode("utf-8", "surrogateescape")),
    sla_due("week is missing", cal_with("week", DELETE)),
    sla_due("week is an array", cal_with("week", [])),
    sla_due("week has the day \"monday\"", cal_with("week.monday", [["09:00", "17:00"]])),
    sla_due("week has the day \"Mon\"", cal_with("week.Mon", [["09:00", "17:00"]])),
    sla_due("week.mon[0] is reversed", cal_with("week.mon[0]", ["17:00", "09:00"])),
    sla_due("week.fri intervals overlap", cal_with("week.fri[1]", ["11:30", "17:00"])),
    sla_due("week.fri intervals out of order", cal_with("week.fri", [["13:00", "17:00"], ["09:00", "12:00"]])),
    sla_due("week.mon[0] closes at 25:00", cal_with("week.mon[0]", ["09:00", "25:00"])),
    sla_due("week.mon[0] opens at 9:00 (one digit)", cal_with("week.mon[0]", ["9:00", "17:00"])),
    sla_due("week.mon[0] has three times", cal_with("week.mon[0]", ["09:00", "12:00", "17:00"])),
    sla_due("week.mon[0] holds numbers", cal_with("week.mon[0]", [9, 17])),
    sla_due("week.mon is a string", cal_with("week.mon", "09:00-17:00")),
    sla_due("no working time at all", cal_with("week", {})),
    sla_due("holidays[0] is 2026-02-30", cal_with("holidays[0]", "2026-02-30")),
    sla_due("holidays[0] is 25/12/2026", cal_with("holidays[0]", "25/12/2026")),
    sla_due("holidays[0] is a number", cal_with("holidays[0]", 20261225)),
    sla_due("holidays is an object", cal_with("holidays", {"christmas": "2026-12-25"})),
    sla_due("holidays[1] nests 100,000 arrays", lazy(lambda: with_raw(CALENDAR, "holidays[1]", nested_arrays(DEEP)))),
    sla_due("week.tue nests 100,000 objects", lazy(lambda: with_raw(CALENDAR, "week.tue", nested_objects(DEEP)))),
    sla_due("an unknown key \"zone\"", cal_with("zone", "UTC")),
    sla_due("duplicate key \"timezone\"", replaced(dump(CALENDAR), '"timezone": "America/New_York"',
                                                  '"timezone": "America/New_York", "timezone": "Europe/Berlin"')),
    sla_due("the calendar is a directory", directory),
    sla_due("the calendar file is missing", None),
    sla_due("the calendar file is empty", b""),
    sla_due("the calendar is UTF-16 LE with a BOM", b"\xff\xfe" + dump(CALENDAR).encode("utf-16-le")),
    sla_due("the calendar is 600 MiB (sparse)", sparse_file(600 * MIB)),
    sla_due("--start tomorrow", dump(CALENDAR), start="tomorrow"),
    sla_due("--start 2026-11-20T25:00:00Z", dump(CALENDAR), start="2026-11-20T25:00:00Z"),
    sla_due("--start without an offset", dump(CALENDAR), start="2026-11-20T21:30:00"),
    sla_due("--duration \"-4 business hours\"", dump(CALENDAR), duration="-4 business hours"),
    sla_due("--duration \"4.5 hours\"", dump(CALENDAR), duration="4.5 hours"),
    sla_due("--duration \"4 business  hours\" (two spaces)", dump(CALENDAR), duration="4 business  hours"),
    sla_due("--duration \"0 business days\"", dump(CALENDAR), duration="0 business days"),
    sla_due("--duration \"9999999999 days\"", dump(CALENDAR), duration="9999999999 days"),
    sla_due("--duration \"999999999 business days\"", dump(CALENDAR), duration="999999999 business days"),
    sla_due("--duration \"999999999 days\" (past year 9999)", dump(CALENDAR), duration="999999999 days"),
    sla_due("--duration with invalid UTF-8", dump(CALENDAR), duration=b"4 business h\xffours"),
    sla_due_args("no --calendar", "--start", "2026-11-20T21:30:00Z", "--duration", "4 hours"),
    sla_due_args("--duration without a value", "--calendar", F("calendar.json"), "--start",
                 "2026-11-20T21:30:00Z", "--duration"),
]

# --- Process documents: crm validate FILE and crm set-processes DIR FILE.
PROCESSES = [
    proc_validate("required names \"budjet\"", sales_with("flows[0].stages[1].required", ["budjet"])),
    proc_validate("required is a string", sales_with("flows[0].stages[1].required", "budget")),
    proc_validate("required holds a number", sales_with("flows[0].stages[1].required", [1])),
    proc_validate("entry reads the unknown field \"demo_done\"",
                  sales_with("flows[0].stages[3].entry", {"==": [{"var": "demo_done"}, True]})),
    proc_validate("entry uses the unknown operator \"equals\"",
                  sales_with("flows[0].stages[3].entry", {"equals": [{"var": "demo_completed"}, True]})),
    proc_validate("entry == with one argument", sales_with("flows[0].stages[3].entry", {"==": [True]})),
    proc_validate("entry compares a bool with text",
                  sales_with("flows[0].stages[3].entry", {"==": [{"var": "demo_completed"}, "yes"]})),
    proc_validate("two stages with the id \"qualified\"", sales_with("flows[0].stages[2].id", "qualified")),
    proc_validate("two outcomes with the id \"closed_won\"", sales_with("flows[0].outcomes[1].id", "closed_won")),
    proc_validate("a stage with an unknown key", sales_with("flows[0].stages[0].colour", "red")),
    proc_validate("a flow with an unknown key", sales_with("flows[0].owner", "u-sam")),
    proc_validate("an unknown top-level key", sales_with("author", "sam")),
    proc_validate("stages is an object", sales_with("flows[0].stages", {})),
    proc_validate("stages[0] is a string", sales_with("flows[0].stages[0]", "lead")),
    proc_validate("a stage id with capitals", sales_with("flows[0].stages[0].id", "Lead Stage")),
    proc_validate("gate is \"maybe\"", sales_with("flows[0].stages[1].gate", "maybe")),
    proc_validate("next_action is a number", sales_with("flows[0].stages[1].next_action", 7)),
    proc_validate("next_action.task.due_in is \"soon\"", sales_with("flows[0].stages[1].next_action.task.due_in", "soon")),
    proc_validate("next names an unknown stage", sales_with("flows[0].stages[0].next", ["nowhere"])),
    proc_validate("exits[0].kind is \"won\"", sales_with("flows[0].exits[0].kind", "won")),
    proc_validate("outcomes[0] has no kind", sales_with("flows[0].outcomes[0].kind", DELETE)),
    proc_validate("start has no \"when\"", sales_with("flows[0].start.when", DELETE)),
    proc_validate("start.copy into the unknown field \"title\"", sales_with("flows[0].start.copy.title", "company_name")),
    proc_validate("stage_field names an unknown field", sales_with("flows[0].stage_field", "phase")),
    proc_validate("record_type is \"spaceship\"", sales_with("flows[0].record_type", "spaceship")),
    proc_validate("allow_skip is \"no\"", sales_with("flows[0].allow_skip", "no")),
    proc_validate("version is the string \"1\"", sales_with("version", "1")),
    proc_validate("version is 2", sales_with("version", 2)),
    proc_validate("format is a number", sales_with("format", 1)),
    proc_validate("flows is missing", sales_with("flows", DELETE)),
    proc_validate("flows is an object", sales_with("flows", {})),
    proc_validate("entry nests 100,000 \"!\"",
                  lazy(lambda: with_raw(SALES, "flows[0].stages[3].entry", nested_objects(DEEP, key="!", leaf="true")))),
    proc_validate("duplicate key \"required\" in a stage",
                  with_raw(SALES, "flows[0].stages[2].required", '["budget"], "required": ["bugdet"]')),
    proc_validate("invalid UTF-8 in a stage name",
                  replaced(dump(SALES), '"Meeting scheduled"', '"Meeting \udcffscheduled"')
                  .encode("utf-8", "surrogateescape")),
    set_processes("required names \"budjet\"", all_with(SP + ".stages[1].required", ["budjet"])),
    set_processes("entry reads the unknown field \"demo_done\"",
                  all_with(SP + ".stages[3].entry", {"==": [{"var": "demo_done"}, True]})),
    set_processes("entry uses the unknown operator \"equals\"",
                  all_with(SP + ".stages[3].entry", {"equals": [{"var": "demo_completed"}, True]})),
    set_processes("two stages with the id \"qualified\"", all_with(SP + ".stages[2].id", "qualified")),
    set_processes("two flows with the id \"sales_pipeline\"", all_with("flows[6]", ALL_FLOWS["flows"][1])),
    set_processes("a stage with an unknown key", all_with(SP + ".stages[0].colour", "red")),
    set_processes("stages[0] is a number", all_with(SP + ".stages[0]", 1)),
    set_processes("gate is \"maybe\"", all_with(SP + ".stages[1].gate", "maybe")),
    set_processes("version is the string \"1\"", all_with("version", "1")),
    set_processes("format is a number", all_with("format", 1)),
    set_processes("a workspace export instead", BASE_TEXT),
    set_processes("the file is empty", b""),
    set_processes("the file is a directory", directory),
    set_processes("the file is 600 MiB (sparse)", sparse_file(600 * MIB)),
    set_processes("entry nests 100,000 \"!\"",
                  lazy(lambda: with_raw(ALL_FLOWS, SP + ".stages[3].entry", nested_objects(DEEP, key="!", leaf="true")))),
    set_processes("invalid UTF-8 in a flow name", replaced(dump(ALL_FLOWS), '"Sales pipeline"', '"Sales \udcffpipeline"')
                  .encode("utf-8", "surrogateescape")),
    set_processes("--map without '='", dump(ALL_FLOWS), extra=("--map", "sales_pipeline:lead")),
    set_processes("--map to an unknown stage", dump(ALL_FLOWS), extra=("--map", "sales_pipeline:lead=nowhere"),
                  exit=1),
    set_processes("a rep may not replace processes (valid file)", dump(ALL_FLOWS), actor="u-ana", exit=1),
    set_processes("removing a stage that holds records, without --map",
                  dump(edited(ALL_FLOWS, SP + ".stages[1]", DELETE)), exit=1),
]

AUTOMATION = [
    set_rules("a trigger \"whenever\"", rules_with("rules[0].trigger.on", "whenever")),
    set_rules("an action \"teleport\"", rules_with("rules[0].actions[0].do", "teleport")),
    set_rules("assign to an unknown user", rules_with("rules[0].actions[0].users", ["u-nobody"])),
    set_rules("a condition reads the unknown field \"contry\"",
              rules_with("rules[0].condition", {"==": [{"var": "contry"}, "Germany"]})),
    set_rules("a task due \"soonish\"", rules_with("rules[2].actions[0].due_in", "soonish")),
    set_rules("a date trigger on a text field", rules_with("rules[7].trigger.field", "name")),
    set_rules("notify nobody", rules_with("rules[3].actions[0].to", [])),
    set_rules("two rules with one id", rules_with("rules[1].id", "route_dach_leads")),
    set_rules("a rule with an unknown key", rules_with("rules[0].colour", "red")),
    set_rules("a weight of zero", rules_with("rules[1].actions[0].weights", {"u-ana": 0})),
    set_rules("days is not a list", rules_with("rules[7].trigger.days", 120)),
    set_rules("actions is empty", rules_with("rules[0].actions", [])),
    set_rules("a processes file instead", dump(ALL_FLOWS)),
    set_rules("the file is empty", b""),
    set_rules("condition nests 100,000 \"!\"",
              lazy(lambda: with_raw(RULES, "rules[0].condition", nested_objects(DEEP, key="!", leaf="true")))),
    set_rules("invalid UTF-8 in a rule name", replaced(dump(RULES), '"Route DACH leads"', '"Route \udcffDACH"')
              .encode("utf-8", "surrogateescape")),
    set_rules("a rep may not replace rules (valid file)", dump(RULES), actor="u-ana", exit=1),
    Case("away: a period that ends before it starts",
         (CRM, "away", WS, "u-ana", "2026-12-10..2026-12-01", "--as", "u-ana", *NOW), "demo", exit=1),
    Case("retry: a record with no failed automation",
         (CRM, "retry", WS, "deal-1", "rule:route_dach_leads", "--as", "u-sam", *NOW), "demo", exit=1),
]

# --- Lead scoring models: crm set-scoring DIR FILE (docs/scoring.md). A valid
# model is the demo's own, so only the planted fault can be refused.
SCORING = json.loads((ROOT / "assets" / "demo-workspace.json").read_text(encoding="utf-8"))["lead_scoring"]


def set_scoring(what, content, actor="u-sam", exit=2):
    return Case("set-scoring: " + what,
                (CRM, "set-scoring", WS, F("scoring.json"), "--as", actor, *NOW), "demo",
                {"scoring.json": content}, exit)


def scoring_with(path, value):
    return dump(edited(SCORING, path, value))


SCORING_CASES = [
    set_scoring("the file is not JSON", "{\"mql_threshold\": 60,"),
    set_scoring("the model is an array", "[]"),
    set_scoring("an unknown key", scoring_with("mql_treshold", 60)),
    set_scoring("no threshold", scoring_with("mql_threshold", DELETE)),
    set_scoring("the threshold is text", scoring_with("mql_threshold", "60")),
    set_scoring("the threshold is 0", scoring_with("mql_threshold", 0)),
    set_scoring("points are a fraction", scoring_with("fit[0].points", 2.5)),
    set_scoring("points past 1000", scoring_with("fit[0].points", 5000)),
    set_scoring("a rule without a label", scoring_with("fit[1].label", DELETE)),
    set_scoring("a blank label", scoring_with("engagement[0].label", "  ")),
    set_scoring("a rule without a condition", scoring_with("engagement[2].when", DELETE)),
    set_scoring("an unknown operator", scoring_with("fit[0].when", {"equals": [{"var": "industry"}, "Logistics"]})),
    set_scoring("a fit rule reads a field the lead lacks", scoring_with("fit[0].when", {"==": [{"var": "industy"}, "Logistics"]})),
    set_scoring("an engagement rule reads a lead field", scoring_with("engagement[0].when", {"==": [{"var": "territory"}, "EMEA"]})),
    set_scoring("fit is an object", scoring_with("fit", {"label": "x"})),
    set_scoring("decay of 0 days", scoring_with("decay", {"halve_every_days": 0})),
    set_scoring("decay of an unknown kind", scoring_with("decay", {"fade_days": 30})),
    set_scoring("decay with two kinds", scoring_with("decay", {"halve_every_days": 30, "expire_after_days": 90})),
    set_scoring("a status the lead has not", scoring_with("mql_status", "Hot")),
    set_scoring("a team that does not exist", scoring_with("notify_team", "t-nowhere")),
    set_scoring("the file is empty", b""),
    set_scoring("the file is missing", None),
    set_scoring("a rep may not replace the model (valid file)", dump(SCORING), actor="u-ana", exit=1),
    Case("score: a record that is not a lead", (CRM, "score", WS, "deal-1", *NOW), "demo", exit=1),
    Case("score: no such lead", (CRM, "score", WS, "lead-999", *NOW), "demo", exit=1),
    Case("score: no lead named", (CRM, "score", WS), "demo"),
]

# --- The funnel: quote lines typed on the command line, converting, accepting.
def set_lines(what, text, exit=2):
    return Case("quote lines: " + what,
                (CRM, "set", WS, "quote-1", "lines=" + text, "--as", "u-ana", *NOW), "demo", exit=exit)


FUNNEL = [
    set_lines("no \" x \"", "ten licences @ 1200"),
    set_lines("no price", "10 x Licence"),
    set_lines("a quantity of 0", "0 x Licence @ 1200"),
    set_lines("a negative price", "1 x Licence @ -5 USD"),
    set_lines("a discount of 150%", "1 x Licence @ 1200 -150%"),
    set_lines("two currencies", "1 x Licence @ 1200 USD; 1 x Setup @ 900 EUR"),
    set_lines("a price that is not a number", "1 x Licence @ lots"),
    set_lines("a control character in a product", "1 x Lic\x1bence @ 1200"),
    set_lines("201 lines", "; ".join(["1 x Seat @ 10"] * 201)),
    set_lines("a 300-character product", "1 x " + "L" * 300 + " @ 10"),
    Case("quote: the total set by hand", (CRM, "set", WS, "quote-1", "total=1 USD", "--as", "u-ana", *NOW),
         "demo", exit=1),
    Case("quote: a quote without its deal", (CRM, "add", WS, "quote", "name=Loose", "--as", "u-ana", *NOW),
         "demo", exit=1),
    Case("convert: a record that is not a lead", (CRM, "convert", WS, "deal-1", "--as", "u-ana", *NOW),
         "demo", exit=1),
    Case("convert: no such lead", (CRM, "convert", WS, "lead-999", "--as", "u-ana", *NOW), "demo", exit=1),
    Case("convert: a disqualified lead", (CRM, "convert", WS, "lead-2", "--as", "u-sam", *NOW), "demo", exit=1),
    Case("convert: a company that is a contact",
         (CRM, "convert", WS, "lead-10", "--company", "contact-1", "--as", "u-ana", *NOW), "demo", exit=1),
    Case("convert: --company without a value", (CRM, "convert", WS, "lead-10", "--company"), "demo"),
    Case("convert: no lead named", (CRM, "convert", WS, "--as", "u-ana"), "demo"),
    Case("accept-quote: a deal in Proposal sent", (CRM, "accept-quote", WS, "quote-1", "--as", "u-ana", *NOW),
         "demo", exit=1),
    Case("accept-quote: an accepted quote", (CRM, "accept-quote", WS, "quote-3", "--as", "u-sam", *NOW),
         "demo", exit=1),
    Case("accept-quote: another rep's quote", (CRM, "accept-quote", WS, "quote-2", "--as", "u-ana", *NOW),
         "demo", exit=1),
]

# --- Reports: crm report reads the workspace and writes nothing, whatever it is asked.
def report(what, *args, actor="u-maria", exit=2, metric="win_rate"):
    as_ = ("--as", actor) if actor is not None else ()
    metric_ = ("--metric", metric) if metric is not None else ()
    return Case("report: " + what, (CRM, "report", WS, *metric_, *as_, *args, *NOW), "demo", exit=exit)


REPORTS = [
    report("an unknown metric", metric="nps"),
    report("no --metric", metric=None),
    report("--metric without a value", "--metric"),
    report("--from that is not a date", "--from", "last monday"),
    report("--from on a day that is none", "--from", "2026-02-30"),
    report("--to before --from", "--from", "2026-11-01", "--to", "2026-10-01"),
    report("--from with invalid UTF-8", "--from", b"2026-11-01\xff"),
    report("--owner names nobody", "--owner", "u-nobody", exit=1),
    report("--team names no team", "--team", "t-nowhere", exit=1),
    report("--flow names no process", "--flow", "upsell", exit=1),
    report("--by a field no record type has", "--by", "colour"),
    report("--by a field deals do not have", "--by", "priority"),
    report("--by a field for a metric grouped by people only", "--by", "stage", metric="adoption"),
    report("--where without '='", "--where", "stage"),
    report("--where with an empty field name", "--where", "=Lead"),
    report("--where as the last argument", "--where"),
    report("--where on an unknown field", "--where", "colour=red"),
    report("invalid UTF-8 in --where", "--where", b"stage=Le\xffad"),
    report("no --as", actor=None),
    report("--as names nobody", actor="u-nobody", exit=1),
    report("an unknown option", "--group-by", "owner"),
    Case("report: no workspace named", (CRM, "report", "--metric", "win_rate", "--as", "u-maria", *NOW)),
]

CASES = (FILE_LEVEL + TOP_LEVEL + NESTED + COMMAND_LINE + LOGIC + CALENDARS + PROCESSES + AUTOMATION
         + SCORING_CASES + FUNNEL + REPORTS)

_names = [case.name for case in CASES]
assert len(_names) == len(set(_names)), sorted({n for n in _names if _names.count(n) > 1})
