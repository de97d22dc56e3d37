#!/usr/bin/env python3
"""crm import-csv end to end on the demo workspace: a messy spreadsheet gets a
precise report per row and changes nothing; the fixed file imports; the same
file again changes nothing; a dry run writes nothing; failed rows can be set
aside; an import is undone as a whole.
Usage: csv_import_test.py PATH/TO/crm WORK_DIR
Prints "csv import: N passed, M failed" last; exits non-zero on a failure."""
import csv
import json
import os
import shutil
import subprocess
import sys

from tally import Tally
from workspace_files import fingerprint

crm, work = sys.argv[1], sys.argv[2]
NOW = ["--now", "2026-11-20T10:00:00Z"]
tally = Tally("csv import")
check = tally.check


def run(*args):
    return subprocess.run([crm, *args, *NOW], capture_output=True)


def write(name, data):
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
ws = os.path.join(work, "demo")
check("init", run("init", ws, "--demo").returncode == 0)

mapping = write("map.json", json.dumps({
    "columns": {"First Name": "first_name", "Last Name": "last_name", "E-mail": "email",
                "Company": "company", "Owner": "owner", "Decision maker": "decision_maker",
                "Met on": "last_met"},
    "key": "email"}).encode())
# A date field to show mixed date formats (the demo has none on contacts).
check("add a date field", run("add-field", ws, "contact",
      '{"id":"last_met","label":"Last met","type":"date"}', "--as", "u-sam").returncode == 0)

# Excel on a German machine: BOM, semicolons, a quoted line break, dates in
# three forms, a repeated person, a bad email, an unknown owner and company.
messy = ("\ufeffFirst Name;Last Name;E-mail;Company;Owner;Decision maker;Met on;Notes\r\n"
         "Nora;Vance;nora.vance@acmelogistics.example;Acme Logistics;Ana Reyes;yes;2026-03-04;\"met at\r\nthe fair\"\r\n"
         "Piet;Jansen;piet.jansen@@cobalt;Cobalt Robotics;ben.okafor@northwind.example;no;4 Mar 2026;\r\n"
         "Ida;Berg;ida.berg@initech.example;Initech;Ana Reyes;yes;25.03.2026;\r\n"
         "Ravi;Shah;ravi.shah@deltafreight.example;Delta Freight;Bob Smith;no;03/25/2026;\r\n"
         "Nora;Vance;NORA.VANCE@acmelogistics.example;Acme Logistics;Ana Reyes;yes;2026-03-04;again\r\n"
         "Lea;Roth;lea.roth@fjordenergy.example;Fjord Energy;Ana Reyes;maybe;31.02.2026;\r\n")
messy_path = write("contacts.csv", messy.encode("utf-8"))
before = fingerprint(ws)
result = run("import-csv", ws, messy_path, "--type", "contact", "--map", mapping, "--as", "u-sam")
want_errors = [
    'row 3, column "E-mail": expected an email address like name@example.com, got "piet.jansen@@cobalt"',
    'row 4, column "Company": there is no Company called "Initech"',
    'row 5, column "Owner": there is no user "Bob Smith" (give a user\'s name, email or id)',
    "row 6: has the same E-mail as row 2",
    'row 7, column "Decision maker": expected yes or no, got "maybe"',
    'row 7, column "Met on": expected a date like 2025-04-03, 3 Apr 2025 or 03/04/2025, got "31.02.2026"',
]
check("a messy file: exit 1", result.returncode == 1, result)
check("a messy file: every problem, exactly",
      result.stderr.decode().splitlines() == want_errors, result.stderr.decode())
check("a messy file: the summary", result.stdout.decode() ==
      "1 added, 0 updated, 0 unchanged, 5 failed (nothing written)\n", result.stdout.decode())
check("a messy file changes nothing", fingerprint(ws) == before)

# The fixed file drops the repeat and fixes the rest.
fixed = ("\ufeffFirst Name;Last Name;E-mail;Company;Owner;Decision maker;Met on;Notes\r\n"
         "Nora;Vance;nora.vance@acmelogistics.example;Acme Logistics;Ana Reyes;yes;2026-03-04;\"met at\r\nthe fair\"\r\n"
         "Piet;Jansen;piet.jansen@cobaltrobotics.example;Cobalt Robotics;ben.okafor@northwind.example;no;4 Mar 2026;\r\n"
         "Ida;Berg;ida.berg@cobaltrobotics.example;cobalt robotics;Ana Reyes;yes;25.03.2026;\r\n"
         "Ravi;Shah;ravi.shah@deltafreight.example;Delta Freight;Ben Okafor;no;03/25/2026;\r\n"
         "Lea;Roth;lea.roth@fjordenergy.example;Fjord Energy;Ana Reyes;x;28.02.2026;\r\n")
fixed_path = write("contacts-fixed.csv", fixed.encode("utf-8"))
dry = run("import-csv", ws, fixed_path, "--type", "contact", "--map", mapping, "--as", "u-sam", "--dry-run")
check("a dry run reports", dry.returncode == 0 and dry.stdout.decode() ==
      "5 added, 0 updated, 0 unchanged, 0 failed (dry run: nothing written)\n", dry)
check("a dry run writes nothing", fingerprint(ws) == before)

done = run("import-csv", ws, fixed_path, "--type", "contact", "--map", mapping, "--as", "u-sam")
out = done.stdout.decode()
check("the fixed file imports", done.returncode == 0 and
      out.startswith("5 added, 0 updated, 0 unchanged, 0 failed (batch "), done)
batch = out.split("(batch ")[1].split(")")[0] if "(batch " in out else "0"
listed = run("list", ws, "contact").stdout.decode()
for name in ["Nora Vance", "Piet Jansen", "Ida Berg", "Ravi Shah", "Lea Roth"]:
    check(f"{name} is in the list", f"\t{name}\t" in listed, listed[-300:])
ida = [line.split("\t")[0] for line in listed.splitlines() if "\tIda Berg\t" in line]
shown = json.loads(run("show", ws, ida[0]).stdout) if ida else {}
fields = shown.get("fields", {})
check("a day-first date read right", fields.get("last_met") == "2026-03-25", shown)
check("a company by its name, any case", fields.get("company", "").startswith("company-"), shown)
check("an owner by name", shown.get("owner") == "u-ana", shown)

again = run("import-csv", ws, fixed_path, "--type", "contact", "--map", mapping, "--as", "u-sam")
check("the same file again changes nothing", again.returncode == 0 and
      again.stdout.decode() == "0 added, 0 updated, 5 unchanged, 0 failed\n", again)

# Windows-1252 (Excel's "CSV" on Windows), with --skip-invalid.
latin = ("First Name,Last Name,E-mail,Company,Owner,Decision maker,Met on\r\n"
         "Zoë,Müller,zoe.mueller@fjordenergy.example,Fjord Energy,,,\r\n"
         "Jörg,Bad,not-an-email,Fjord Energy,,,\r\n")
latin_path = write("latin.csv", latin.encode("cp1252"))
rejects = os.path.join(work, "rejects.csv")
skipped = run("import-csv", ws, latin_path, "--type", "contact", "--map", mapping, "--as", "u-sam",
              "--skip-invalid", rejects)
check("skip-invalid imports the rest", skipped.returncode == 0 and skipped.stdout.decode() ==
      f"1 added, 0 updated, 0 unchanged, 1 failed (batch {int(batch) + 2}); failed rows written to {rejects}\n",
      skipped)
check("Windows-1252 read right", "\tZoë Müller\t" in run("list", ws, "contact").stdout.decode())
with open(rejects, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
check("the rejects file has the row and its reason", rows == [
    ["First Name", "Last Name", "E-mail", "Company", "Owner", "Decision maker", "Met on", "Reason"],
    ["Jörg", "Bad", "not-an-email", "Fjord Energy", "", "", "",
     'column "E-mail": expected an email address like name@example.com, got "not-an-email"']], rows)

# Undo: the Windows-1252 import comes out whole; the first is refused once edited.
undo = run("undo", ws, str(int(batch) + 2), "--as", "u-sam")
check("undo takes the import back", undo.returncode == 0 and
      undo.stdout.decode().startswith("undid the import of latin.csv (batch "), undo)
check("the undone record is gone", "Zoë Müller" not in run("list", ws, "contact").stdout.decode())
check("a rep edits an imported contact", run("set", ws, ida[0] if ida else "x", "job_title=CTO",
                                              "--as", "u-ana").returncode == 0)
refused = run("undo", ws, batch, "--as", "u-sam")
check("undo refused once a record changed", refused.returncode == 1 and
      refused.stderr.decode().startswith("crm: Cannot undo the import of contacts-fixed.csv: Ida Berg has changed since (batch "),
      refused)

# Normalisation and the demo's own rule (contacts: "Write the whole last name.").
phones_map = write("phones-map.json", json.dumps({
    "columns": {"First Name": "first_name", "Last Name": "last_name", "E-mail": "email",
                "Phone": "phone"}, "key": "email"}).encode())
phones = ("First Name,Last Name,E-mail,Phone\n"
          "Mara,Quinn, Mara.Quinn@Example.COM ,(415) 555-0123\n"
          "Tom,Q,tom.q@example.com,+44 20 7946 0958\n"
          "Uma,Ray,uma.ray@example.com,12\n")
phones_path = write("phones.csv", phones.encode())
before = fingerprint(ws)
result = run("import-csv", ws, phones_path, "--type", "contact", "--map", phones_map, "--as", "u-sam")
check("an admin's rule and a bad phone: exit 1", result.returncode == 1, result)
check("an admin's rule and a bad phone: row and column", result.stderr.decode().splitlines() == [
    'row 3, column "Last Name": Write the whole last name.',
    'row 4, column "Phone": "12" is not a phone number (expected e.g. +1 415 555 0123)'],
    result.stderr.decode())
check("a failing row writes nothing", fingerprint(ws) == before)
phones_fixed = write("phones-fixed.csv", phones.replace("Tom,Q,", "Tom,Quill,")
                     .replace(",12\n", ",0044 20 7946 0959\n").encode())
done = run("import-csv", ws, phones_fixed, "--type", "contact", "--map", phones_map, "--as", "u-sam")
check("the fixed phones import", done.returncode == 0 and
      done.stdout.decode().startswith("3 added, 0 updated"), done)
listed = run("list", ws, "contact").stdout.decode()
mara = [line.split("\t")[0] for line in listed.splitlines() if "\tMara Quinn\t" in line]
shown = json.loads(run("show", ws, mara[0]).stdout) if mara else {}
check("a phone kept in E.164", shown.get("fields", {}).get("phone") == "+14155550123", shown)
check("an email kept trimmed and lower case",
      shown.get("fields", {}).get("email") == "mara.quinn@example.com", shown)

# Bad usage: exit 2 with the reason.
bad_map = write("bad-map.json", b'{"columns": {"Mail": "email"}}')
usage = run("import-csv", ws, fixed_path, "--type", "contact", "--map", bad_map, "--as", "u-sam")
check("a map naming a missing column", usage.returncode == 2 and usage.stderr.decode() ==
      f'crm: {bad_map}: $.columns: the file has no column "Mail"\n', usage)
utf16 = write("utf16.csv", "a,b\n1,2\n".encode("utf-16"))
usage = run("import-csv", ws, utf16, "--type", "contact", "--map", mapping, "--as", "u-sam")
check("a UTF-16 file", usage.returncode == 2 and "UTF-16" in usage.stderr.decode(), usage)
usage = run("import-csv", ws, fixed_path, "--map", mapping, "--as", "u-sam")
check("no --type", usage.returncode == 2 and usage.stderr.decode() ==
      "crm: say which records the rows are with --type TYPE\n", usage)
usage = run("undo", ws, "twelve", "--as", "u-sam")
check("undo needs a batch number", usage.returncode == 2, usage)

# People: users and teams from a spreadsheet (--type user), admins only.
people_map = write("people-map.json", json.dumps({
    "columns": {"Name": "name", "Email": "email", "Role": "role", "Team": "team",
                "Manager": "manager"}}).encode())
messy_people = ("Name,Email,Role,Team,Manager\r\n"
                "Nora Vance,nora.vance@northwind,rep,Field Sales,\r\n"
                "Piet Jansen,piet.jansen@northwind.example,boss,Field Sales,\r\n"
                "Ida Berg,ida.berg@northwind.example,rep,Key Accounts,Bob Smith\r\n"
                "Piet Again,PIET.JANSEN@northwind.example,rep,Field Sales,\r\n"
                "Lea Roth,lea.roth@northwind.example,manager,Key Accounts,\r\n")
messy_people_path = write("people.csv", messy_people.encode())
before = fingerprint(ws)
result = run("import-csv", ws, messy_people_path, "--type", "user", "--map", people_map,
             "--as", "u-sam")
check("people: a messy file exits 1", result.returncode == 1, result)
check("people: every problem, exactly", result.stderr.decode().splitlines() == [
    'row 2, column "Email": expected an email address like name@example.com, got "nora.vance@northwind"',
    'row 3, column "Role": unknown role "boss" (expected rep, manager or admin)',
    'row 4, column "Manager": there is no user "Bob Smith" (give a user\'s name, email or id)',
    'row 5, column "Email": has the same email as row 3',
], result.stderr.decode())
check("people: a messy file's summary", result.stdout.decode() ==
      "1 added, 0 updated, 0 unchanged, 4 failed (nothing written)\n", result.stdout.decode())
check("people: a messy file changes nothing", fingerprint(ws) == before)

fixed_people = ("Name,Email,Role,Team,Manager\r\n"
                "Nora Vance,nora.vance@northwind.example,rep,Field Sales,\r\n"
                "Piet Jansen,Piet.Jansen@northwind.example,Rep,field sales,\r\n"
                "Ida Berg,ida.berg@northwind.example,rep,Key Accounts,Lea Roth\r\n"
                "Lea Roth,lea.roth@northwind.example,Manager,Key Accounts,\r\n"
                "Ana Reyes,ana.reyes@northwind.example,rep,Field Sales,\r\n")
fixed_people_path = write("people-fixed.csv", fixed_people.encode())
by_rep = run("import-csv", ws, fixed_people_path, "--type", "user", "--map", people_map,
             "--as", "u-ana")
check("people: a rep is refused", by_rep.returncode == 1 and (by_rep.stderr.decode().splitlines() or [""])[0] ==
      "row 2: Ana Reyes (rep) cannot import people; only admins can", by_rep)
dry = run("import-csv", ws, fixed_people_path, "--type", "user", "--map", people_map,
          "--as", "u-sam", "--dry-run")
check("people: a dry run reports", dry.returncode == 0 and dry.stdout.decode() ==
      "4 added, 0 updated, 1 unchanged, 0 failed (dry run: nothing written)\n", dry)
check("people: a dry run writes nothing", fingerprint(ws) == before)
done = run("import-csv", ws, fixed_people_path, "--type", "user", "--map", people_map,
           "--as", "u-sam")
out = done.stdout.decode()
check("people: the fixed file imports", done.returncode == 0 and
      out.startswith("4 added, 0 updated, 1 unchanged, 0 failed (batch "), done)
people_batch = out.split("(batch ")[1].split(")")[0] if "(batch " in out else "0"
again = run("import-csv", ws, fixed_people_path, "--type", "user", "--map", people_map,
            "--as", "u-sam")
check("people: the same file again changes nothing", again.returncode == 0 and
      again.stdout.decode() == "0 added, 0 updated, 5 unchanged, 0 failed\n", again)

# Another crm process reads them back from the journal.
exported = json.loads(run("export", ws).stdout or b"{}")
users = {user["email"]: user for user in exported.get("users", []) if "email" in user}
teams = {team["name"]: team for team in exported.get("teams", [])}
check("people: a new user, its id from the email", users.get("lea.roth@northwind.example") == {
    "id": "u-lea-roth", "name": "Lea Roth", "email": "lea.roth@northwind.example",
    "role": "manager", "team": "t-key-accounts"}, users.get("lea.roth@northwind.example"))
check("people: emails lower-cased, teams by name",
      users.get("piet.jansen@northwind.example", {}).get("team") == "t-field", users)
check("people: a new team with its manager", teams.get("Key Accounts") ==
      {"id": "t-key-accounts", "name": "Key Accounts", "manager": "u-lea-roth"}, teams)
check("people: no one twice", len(exported.get("users", [])) == 10, exported.get("users"))
check("people: a new user can work", run("list", ws, "contact", "--as", "u-ida-berg").returncode == 0)
undo = run("undo", ws, people_batch, "--as", "u-sam")
check("people: undo refuses in words", undo.returncode == 1 and undo.stderr.decode() ==
      "crm: Cannot undo the import of people-fixed.csv: imported people cannot be undone; "
      "change them with another import\n", undo)
bad_people_map = write("bad-people-map.json", b'{"columns": {"Name": "name", "Email": "mail"}}')
usage = run("import-csv", ws, fixed_people_path, "--type", "user", "--map", bad_people_map,
            "--as", "u-sam")
check("people: a map naming an unknown field", usage.returncode == 2 and usage.stderr.decode() ==
      f'crm: {bad_people_map}: $.columns.Email: people have no field "mail" '
      '(id, name, email, role, team, manager)\n', usage)

tally.finish()
