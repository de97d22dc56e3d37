"""crm sla-due against an independent implementation of the business-time rules
(docs/sla.md), written on Python's zoneinfo: random starts around daylight-saving
changes in New York, Berlin, Kolkata and Lord Howe, a 24/7 calendar, holidays,
split days and intervals inside the skipped and repeated hours.

Usage: sla_reference.py CRM WORKDIR. Prints mismatches, then
"sla reference: N cases, M mismatches" and "sla: 1 passed, 0 failed" (one test).
"""
import json, random, subprocess, sys
from datetime import datetime, timedelta, timezone, date, time
from zoneinfo import ZoneInfo

DAYS = ["mon","tue","wed","thu","fri","sat","sun"]
def hm(s):
    h, m = map(int, s.split(":")); return h*60+m

def intervals(cal, d):
    """UTC [open, close) intervals of local date d."""
    tz = ZoneInfo(cal["timezone"])
    if d.isoformat() in cal.get("holidays", []): return []
    out = []
    for o, c in cal["week"].get(DAYS[d.weekday()], []):
        def inst(mins):
            if mins == 1440:
                nd = d + timedelta(days=1)
                return datetime(nd.year, nd.month, nd.day, tzinfo=tz).astimezone(timezone.utc)
            return datetime(d.year, d.month, d.day, mins//60, mins%60, tzinfo=tz, fold=0).astimezone(timezone.utc)
        a, b = inst(hm(o)), inst(hm(c))
        if a < b: out.append((a, b))
    return out

def working(cal, start, days=40):
    """Working pieces from start, each instant at most once."""
    tz = ZoneInfo(cal["timezone"])
    d0 = start.astimezone(tz).date() - timedelta(days=1)
    covered = start
    for k in range(days):
        for a, b in intervals(cal, d0 + timedelta(days=k)):
            a = max(a, covered)
            if a >= b: continue
            covered = b
            yield a, b

def due(cal, start, amount, unit, business):
    if not business:
        return start + timedelta(minutes=amount*{"minutes":1,"hours":60,"days":1440}[unit])
    if unit == "days":
        tz = ZoneInfo(cal["timezone"])
        d = start.astimezone(tz).date(); found = 0
        for k in range(1, 400):
            iv = intervals(cal, d + timedelta(days=k))
            if iv:
                found += 1
                if found == amount: return iv[-1][1]
    remaining = timedelta(minutes=amount*(60 if unit == "hours" else 1))
    if remaining == timedelta(0): return start
    for a, b in working(cal, start):
        if remaining <= b - a: return a + remaining
        remaining -= b - a

cals = {
 "ny": {"timezone":"America/New_York","week":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","12:00"],["13:00","17:00"]]},"holidays":["2026-12-25","2026-11-26"]},
 "berlin": {"timezone":"Europe/Berlin","week":{d:[["08:00","12:30"],["13:30","18:00"]] for d in DAYS[:5]},"holidays":["2026-10-26"]},
 "kolkata": {"timezone":"Asia/Kolkata","week":{d:[["09:30","18:30"]] for d in DAYS[:6]}},
 "lordhowe": {"timezone":"Australia/Lord_Howe","week":{d:[["01:00","03:00"],["09:00","17:00"]] for d in DAYS[:7]}},
 "ny247": {"timezone":"America/New_York","week":{d:[["00:00","24:00"]] for d in DAYS}},
}
random.seed(20261122)
crm = sys.argv[1]
work = sys.argv[2]
anchors = [datetime(2026,3,8,7,0,tzinfo=timezone.utc), datetime(2026,11,1,6,0,tzinfo=timezone.utc),
           datetime(2026,3,29,1,0,tzinfo=timezone.utc), datetime(2026,10,25,1,0,tzinfo=timezone.utc),
           datetime(2026,4,5,0,0,tzinfo=timezone.utc), datetime(2026,10,4,0,0,tzinfo=timezone.utc),
           datetime(2026,11,20,21,30,tzinfo=timezone.utc), datetime(2026,12,24,15,0,tzinfo=timezone.utc)]
bad = 0; n = 0
for name, cal in cals.items():
    path = f"{work}/{name}.json"; json.dump(cal, open(path, "w"))
    for _ in range(240):
        start = random.choice(anchors) + timedelta(minutes=random.choice([0, 15, 30]) + 60*random.randint(-30, 30))
        unit = random.choice(["minutes", "hours", "days"]); business = random.random() < 0.8
        amount = random.choice([0, 1, 2, 3, 4, 7, 8, 30, 90, 240]) if unit == "minutes" else random.randint(1 if unit == "days" and business else 0, 10)
        text = f"{amount} {'business ' if business else ''}{unit}"
        want = due(cal, start, amount, unit, business).strftime("%Y-%m-%dT%H:%M:%SZ")
        got = subprocess.run([crm, "sla-due", "--calendar", path, "--start", start.strftime("%Y-%m-%dT%H:%M:%SZ"), "--duration", text], capture_output=True, text=True).stdout.strip()
        n += 1
        if got != want:
            bad += 1; print("MISMATCH", name, start, text, "want", want, "got", got)
print(f"sla reference: {n} cases, {bad} mismatches")
print(f"sla: {1 if bad == 0 and n > 0 else 0} passed, {0 if bad == 0 and n > 0 else 1} failed")
