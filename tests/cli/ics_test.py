"""crm export-ics read by an independent parser, Debian's python3-icalendar.

For three demo users (two reps and a manager with an escalation) the calendar
must hold exactly their next-actions items that have a due time: each event at
its item's due, 30 minutes long, with a display reminder 15 minutes before;
UIDs unique and the same in a later export; every line CRLF-terminated and at
most 75 octets of whole UTF-8 characters; a long multilingual task title read
back exactly.

Usage: ics_test.py CRM WORKDIR. Prints failures, then "ics: N passed, M failed".
"""
import json, os, shutil, subprocess, sys
from datetime import datetime, timedelta, timezone

from tally import Tally

try:
    import icalendar
except ImportError:
    # python3-icalendar is installed for Debian's python3; another python3
    # (pyenv, say) may come first on PATH.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

crm, work = sys.argv[1], sys.argv[2]
NOW = "2026-11-23T12:00:00Z"
LATER = "2026-11-23T12:05:00Z"
USERS = {"u-ana": "Ana Reyes", "u-ben": "Ben Okafor", "u-maria": "Maria Lindqvist"}
LONG_TITLE = "Call Zoë Łukasz and Дмитрий about the 北京 office; budget, \\scope\\ & timing " * 4
LONG_TITLE = LONG_TITLE.strip()

tally = Tally("ics")
check = tally.check


def run(*args):
    result = subprocess.run([crm, *args], capture_output=True)
    if result.returncode != 0:
        sys.exit(f"crm {' '.join(args)} failed ({result.returncode}): {result.stderr.decode()}")
    return result.stdout


def utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def expected_items(user):
    """(record, kind, flow, summary, due) of each next-actions item with a due time."""
    items = []
    for line in run("next-actions", ws, "--as", user, "--now", NOW).decode().splitlines():
        row = json.loads(line)
        for item in [row, *row.get("more", [])]:
            if item["due"] is None:
                continue
            title, what = item["title"], item["what"]
            summary = what if not title or title == what else f"{what} — {title}"
            items.append((item["record"], item["kind"], item.get("flow", ""), summary, utc(item["due"])))
    return sorted(items)


def uid_key(uid):
    """(record, kind, flow) from "task-1@crm", "deal-7.next.FLOW@crm", "lead-3.escalation.P@crm"."""
    name = uid.removesuffix("@crm")
    if "." not in name:
        return name, "task", ""
    record, kind, rest = name.split(".", 2)
    return (record, "next_action", rest) if kind == "next" else (record, kind, "")


def check_lines(user, raw):
    check(f"{user}: CRLF line ends", raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""))
    lines = raw.split(b"\r\n")[:-1]
    too_long = [line for line in lines if len(line) > 75]
    check(f"{user}: lines of at most 75 octets", not too_long, too_long[:1])
    split = []
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            split.append(line)
    check(f"{user}: no UTF-8 character split by folding", not split, split[:1])


def check_events(user, calendar, expected):
    check(f"{user}: calendar properties",
          str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
          and str(calendar["CALSCALE"]) == "GREGORIAN" and str(calendar["PRODID"])
          and str(calendar["X-WR-CALNAME"]) == f"{USERS[user]} — CRM work")
    events = calendar.walk("VEVENT")
    check(f"{user}: one event per item with a due ({len(expected)})", len(events) == len(expected),
          f"{len(events)} events")
    got = sorted((*uid_key(str(e["UID"])), str(e["SUMMARY"]), e.decoded("DTSTART")) for e in events)
    missing = [item for item in expected if item not in got]
    extra = [item for item in got if item not in expected]
    check(f"{user}: each event at its item's due", not missing and not extra,
          f"missing {missing[:2]}, unexpected {extra[:2]}")
    wrong = [str(e["UID"]) for e in events
             if e.decoded("DTEND") - e.decoded("DTSTART") != timedelta(minutes=30)
             or e.decoded("DTSTART").utcoffset() != timedelta(0)
             or e.decoded("DTSTAMP") != utc(NOW)]
    check(f"{user}: 30-minute UTC events stamped now", not wrong, wrong[:3])
    alarms = [a for e in events for a in e.walk("VALARM")
              if str(a["ACTION"]) == "DISPLAY" and a.decoded("TRIGGER") == timedelta(minutes=-15)]
    check(f"{user}: a display reminder 15 minutes before each", len(alarms) == len(events))
    uids = [str(e["UID"]) for e in events]
    check(f"{user}: UIDs unique", len(set(uids)) == len(uids))
    return uids


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
ws = f"{work}/demo"
run("init", ws, "--demo", "--now", NOW)
long_task = run("add", ws, "task", f"title={LONG_TITLE}", "due=2026-11-24T15:00:00Z",
                "--as", "u-ana", "--now", NOW).decode().strip()

for user in USERS:
    expected = expected_items(user)  # runs the timers first, as the app does
    raw = run("export-ics", ws, "--as", user, "--now", NOW)
    check_lines(user, raw)
    uids = check_events(user, icalendar.Calendar.from_ical(raw), expected)
    later = icalendar.Calendar.from_ical(run("export-ics", ws, "--as", user, "--now", LATER))
    check(f"{user}: the same UIDs in a later export",
          sorted(uids) == sorted(str(e["UID"]) for e in later.walk("VEVENT")))
    if user == "u-maria":
        check("u-maria: the escalated breach is on her calendar",
              any(uid_key(uid)[1] == "escalation" for uid in uids), uids)

calendar = icalendar.Calendar.from_ical(run("export-ics", ws, "--as", "u-ana", "--now", NOW))
mine = [e for e in calendar.walk("VEVENT") if str(e["UID"]) == f"{long_task}@crm"]
check("the long unicode title reads back exactly",
      len(mine) == 1 and str(mine[0]["SUMMARY"]) == LONG_TITLE
      and mine[0].decoded("DTSTART") == utc("2026-11-24T15:00:00Z"),
      [str(e["SUMMARY"]) for e in mine])

tally.finish()
