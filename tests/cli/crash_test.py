"""Crash safety of the `crm` store: SIGKILL at random points never loses an
acknowledged edit and never leaves half an edit behind.

`crm set`, `crm add`, `crm compact` and `crm import` are killed with SIGKILL
at random instants inside their work (half the delays are drawn uniformly
from [0, 1.2 x the median wall time of the command's recent uninterrupted
runs], half from its last part, [0.7, 1.1] x that time)
on a workspace of 1,200-1,500 records (the demo plus generated companies),
until 200 kills have landed while the process was still running (at most 800
attempts).
After every kill the test proves:

- the workspace opens: `crm export` exits 0 (a warning about a torn journal
  tail is allowed, any other warning is a failure);
- every acknowledged edit is there with its value (a set: the value of the
  last acknowledged set of that field; an add: the record with its fields),
  and no record appeared or vanished;
- the killed command is all or nothing: a set of two fields left both or
  neither, an add left one whole record or none, a compaction changed no
  data, an import left wholly the old workspace or wholly the new one.

The run is a sequence of phases, each starting from an imported file (A or B:
distinct workspace names and record counts) and going on with sets and adds.
Each import, killed or not, either leaves the phase going (the workspace must
then be exactly the old one) or starts the next phase (exactly the new file:
edits made before it are gone), so the expectations are exact at every step.
A killed command found to have taken effect is part of the expected state
from then on.

Usage: crash_test.py CRM_PATH WORK_DIR. The random seed is printed; set
CRM_CRASH_SEED to replay a run. Ends with "crash: N passed, M failed"
(N = kills verified, M = failed checks; it stops early after 40 failures)
and exits non-zero on any failure. Workspaces are kept under WORK_DIR/crash
when something failed.
"""
import collections
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time

NOW = ["--now", "2026-11-20T10:00:00Z"]
ADMIN = ["--as", "u-sam"]
TARGET_DEALS = [f"deal-{n}" for n in range(1, 9)]  # in both files
TRACKED_FIELDS = ("next_step", "probability")
KILLS_WANTED = 200
MAX_ATTEMPTS = 800
MAX_FAILURES = 40
KIND_WEIGHTS = {"set": 3, "add": 3, "compact": 2, "import": 2}
FILES = {  # label -> (workspace name, generated companies, next_step and probability of targets)
    "A": ("Crash test A", 1200, ("base A", 11)),
    "B": ("Crash test B", 900, ("base B", 22)),
}


def run_process(args, timeout=120):
    """Runs a command to the end; one that hangs is killed and gets returncode "timeout"."""
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, "timeout", "", f"no exit within {timeout} s")


class Crm:
    """Runs the crm binary on one workspace directory."""

    def __init__(self, binary, directory):
        self.binary = binary
        self.directory = directory

    def command(self, verb, *args):
        return [self.binary, verb, self.directory, *args]

    def run(self, verb, *args):
        return run_process(self.command(verb, *args))

    def export(self):
        return self.run("export")


# ---------------------------------------------------------------- workspace files


def generated_company(number, index, label):
    return {
        "id": f"company-{number}", "type": "company", "owner": "u-ana",
        "fields": {"name": f"{label} generated {index}", "city": "Springfield " * 4,
                   "employees": index, "country": "Nowhere"},
        "created_at": "2026-11-01T09:00:00Z", "created_by": "u-sam",
        "updated_at": "2026-11-01T09:00:00Z", "updated_by": "u-sam",
    }


def workspace_file(demo, label):
    """The demo export renamed, with generated companies and known target values."""
    name, extra, (next_step, probability) = FILES[label]
    doc = json.loads(json.dumps(demo))
    doc["name"] = name
    first = doc["next_ids"]["company"]
    doc["records"] += [generated_company(first + i, i, label) for i in range(extra)]
    doc["next_ids"]["company"] = first + extra
    for record in doc["records"]:
        if record["id"] in TARGET_DEALS:
            record["fields"]["next_step"] = next_step
            record["fields"]["probability"] = probability
    return doc


def make_files(binary, work):
    """Writes A.json and B.json from a demo workspace; returns {label: (path, doc)}."""
    demo_dir = os.path.join(work, "demo")
    subprocess.run([binary, "init", demo_dir, "--demo", *NOW], check=True, capture_output=True)
    demo = json.loads(Crm(binary, demo_dir).export().stdout)
    files = {}
    for label in FILES:
        path = os.path.join(work, f"{label}.json")
        doc = workspace_file(demo, label)
        with open(path, "w") as out:
            json.dump(doc, out)
        files[label] = (path, doc)
    return files


# ---------------------------------------------------------------- expected state


class Model:
    """What the workspace must hold: its name, its record ids and tracked fields."""

    def __init__(self, name, ids, fields):
        self.name = name
        self.ids = set(ids)
        self.fields = fields  # record id -> {field: value, None = absent}

    @classmethod
    def from_document(cls, doc):
        by_id = {record["id"]: record for record in doc["records"]}
        fields = {deal: {f: by_id[deal]["fields"].get(f) for f in TRACKED_FIELDS}
                  for deal in TARGET_DEALS if deal in by_id}
        return cls(doc.get("name"), by_id, fields)

    def problems_in(self, doc):
        problems = []
        if doc.get("name") != self.name:
            problems.append(f"workspace name is {doc.get('name')!r}, expected {self.name!r}")
        ids = [record["id"] for record in doc["records"]]
        doubles = sorted(i for i, n in collections.Counter(ids).items() if n > 1)
        if doubles:
            problems.append(f"duplicate record ids: {doubles[:5]}")
        missing, extra = sorted(self.ids - set(ids)), sorted(set(ids) - self.ids)
        if missing:
            problems.append(f"{len(missing)} records missing, e.g. {missing[:5]}")
        if extra:
            problems.append(f"{len(extra)} unexpected records, e.g. {extra[:5]}")
        by_id = {record["id"]: record for record in doc["records"]}
        for record_id, expected in self.fields.items():
            record = by_id.get(record_id)
            if record is None:
                continue  # already reported as missing
            for field, value in expected.items():
                actual = record["fields"].get(field)
                if actual != value:
                    problems.append(f"{record_id}.{field} is {actual!r}, expected {value!r} "
                                    "(an acknowledged edit was lost)")
        return problems


# ---------------------------------------------------------------- commands under test


class SetEdit:
    """crm set of two tracked fields of one target deal, to values never used before."""

    kind = "set"

    def __init__(self, serial):
        self.record = random.choice(TARGET_DEALS)
        self.values = {"next_step": f"step {serial}", "probability": serial % 97 + 1}  # within the demo rule: 0 to 100

    def args(self, run):
        pairs = [f"{field}={value}" for field, value in self.values.items()]
        return run.crm.command("set", self.record, *pairs, *ADMIN, *NOW)

    def acknowledge(self, run, stdout):
        run.model.fields[self.record].update(self.values)
        return []

    def settle(self, run, doc, stdout):
        record = record_by_id(doc, self.record)
        if record is None:
            return [f"{self.record} is gone"]
        actual = {field: record["fields"].get(field) for field in self.values}
        if actual == self.values:
            run.effects[self.kind]["whole"] += 1
            return self.acknowledge(run, stdout)
        before = dict(run.model.fields[self.record])
        if actual == before:
            run.effects[self.kind]["none"] += 1
            return []
        run.model.fields[self.record].update(actual)  # report the half edit once, not as a loss
        return [f"killed set of {self.record} is half there: {actual}, "
                f"wanted all of {self.values} or all of {before}"]


class AddEdit:
    """crm add of a deal with a unique name and two more fields."""

    kind = "add"

    def __init__(self, serial):
        self.values = {"name": f"crash deal {serial}", "next_step": f"added {serial}",
                       "probability": serial % 89}

    def args(self, run):
        pairs = [f"{field}={value}" for field, value in self.values.items()]
        return run.crm.command("add", "deal", *pairs, "--as", "u-ana", *NOW)

    def acknowledge(self, run, stdout):
        new_id = stdout.strip()
        if not new_id or new_id in run.model.ids:
            return [f"add printed {stdout!r}: not a new id"]
        run.model.ids.add(new_id)
        run.model.fields[new_id] = dict(self.values)
        return []

    def settle(self, run, doc, stdout):
        found = [r for r in doc["records"] if r["fields"].get("name") == self.values["name"]]
        if not found:
            run.effects[self.kind]["none"] += 1
            return []
        if len(found) > 1:
            return [f"killed add left {len(found)} records named {self.values['name']!r}"]
        record = found[0]
        actual = {field: record["fields"].get(field) for field in self.values}
        if actual != self.values:
            return [f"killed add left {record['id']} half written: {actual}"]
        if stdout.strip() and stdout.strip() != record["id"]:
            return [f"killed add printed {stdout.strip()} but left {record['id']}"]
        run.effects[self.kind]["whole"] += 1
        return self.acknowledge(run, record["id"])


class CompactEdit:
    """crm compact: changes no data, whenever it is killed."""

    kind = "compact"

    def __init__(self, serial):
        self.before = None

    def args(self, run):
        return run.crm.command("compact")

    def prepare(self, run):
        self.before = run.export_document()

    def acknowledge(self, run, stdout):
        return []

    def settle(self, run, doc, stdout):
        if self.before is None or doc == self.before:
            return []
        before = {r["id"]: r for r in self.before["records"]}
        changed = [r["id"] for r in doc["records"] if before.get(r["id"]) != r]
        return [f"killed compact changed the data (e.g. {changed[:3]})"]


class ImportEdit:
    """crm import of the other file: the workspace is wholly the old one or the new one."""

    kind = "import"

    def __init__(self, serial):
        self.label = None

    def prepare(self, run):
        self.label = "B" if run.model.name == FILES["A"][0] else "A"

    def args(self, run):
        return run.crm.command("import", run.files[self.label][0], *ADMIN, *NOW)

    def acknowledge(self, run, stdout):
        run.model = Model.from_document(run.files[self.label][1])
        return []

    def settle(self, run, doc, stdout):
        if doc.get("name") == FILES[self.label][0]:
            run.effects[self.kind]["whole"] += 1
            return self.acknowledge(run, stdout)
        run.effects[self.kind]["none"] += 1
        return []  # otherwise the old workspace must be intact: checked by the model


EDITS = {"set": SetEdit, "add": AddEdit, "compact": CompactEdit, "import": ImportEdit}


def record_by_id(doc, record_id):
    return next((r for r in doc["records"] if r["id"] == record_id), None)


# ---------------------------------------------------------------- the run


class Run:
    """The workspace under test, its expected state and the tally."""

    def __init__(self, binary, work, files):
        self.binary = binary
        self.work = work
        self.files = files  # label -> (path, document)
        self.generation = 0
        self.crm = None
        self.model = None
        self.serial = 0
        self.kills = {kind: 0 for kind in EDITS}
        self.effects = {kind: collections.Counter() for kind in EDITS}  # killed edit: whole/none
        self.passed = 0
        self.failed = 0
        self.torn_tail_warnings = 0

    def fresh_workspace(self):
        """A new directory holding file A (at the start, and after a broken workspace)."""
        self.generation += 1
        self.crm = Crm(self.binary, os.path.join(self.work, f"ws-{self.generation}"))
        result = self.crm.run("import", self.files["A"][0])
        if result.returncode != 0:
            sys.exit(f"crash: cannot import the start file: {result.stderr}")
        self.model = Model.from_document(self.files["A"][1])

    def next_edit(self, kind):
        self.serial += 1
        return EDITS[kind](self.serial)

    def fail(self, context, problems):
        for problem in problems:
            print(f"FAIL: {context}: {problem}")
        self.failed += len(problems)

    def export_document(self):
        """The workspace as exported, or None (and a failure) if it does not open."""
        result = self.crm.export()
        warnings = [line for line in result.stderr.splitlines() if line.strip()]
        self.torn_tail_warnings += sum("torn write" in line for line in warnings)
        other = [line for line in warnings if "torn write" not in line]
        if result.returncode != 0:
            self.fail("open", [f"crm export exited {result.returncode}: {result.stderr.strip()}"])
            return None
        if other:
            self.fail("open", [f"unexpected warning: {line}" for line in other])
        return json.loads(result.stdout)

    def run_acknowledged(self, edit):
        """Runs an edit to the end; returns its wall time, or None if it failed."""
        if hasattr(edit, "prepare"):
            edit.prepare(self)
        started = time.monotonic()
        result = run_process(edit.args(self))
        elapsed = time.monotonic() - started
        if result.returncode != 0:
            self.fail(f"acknowledged {edit.kind}",
                      [f"exited {result.returncode}: {result.stderr.strip()}"])
            return None
        self.fail(f"acknowledged {edit.kind}", edit.acknowledge(self, result.stdout))
        return elapsed

    def kill_during(self, edit, delay):
        """Starts the edit and SIGKILLs it after delay unless it is done by then.
        Returns (landed: killed while running, exit code, stdout, stderr, seconds)."""
        process = subprocess.Popen(edit.args(self), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        started = time.monotonic()
        deadline = started + delay
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(min(0.002, max(0.0, deadline - time.monotonic())))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        stdout, stderr = process.communicate()
        elapsed = time.monotonic() - started
        landed = process.returncode == -signal.SIGKILL
        return landed, process.returncode, stdout, stderr, elapsed

    def verify_after_kill(self, edit, stdout):
        """Settles the killed edit against the workspace and checks everything else."""
        context = f"kill {sum(self.kills.values())} ({edit.kind})"
        doc = self.export_document()
        if doc is None:
            self.fresh_workspace()
            return False
        problems = edit.settle(self, doc, stdout) + self.model.problems_in(doc)
        if problems:
            self.fail(context, problems)
            self.model = Model.from_document(doc)  # resynchronise: report each loss once
            return False
        return True


class Timings:
    """Recent wall times of each kind of command run to completion; kill delays follow them."""

    def __init__(self, keep=7):
        self.recent = {kind: collections.deque(maxlen=keep) for kind in EDITS}

    def add(self, kind, seconds):
        if seconds is not None:
            self.recent[kind].append(seconds)

    def typical(self, kind):
        return statistics.median(self.recent[kind]) if self.recent[kind] else 0.2

    def kill_delay(self, kind):
        # Half anywhere in the run, half in its last part: after the data is
        # written and before the process exits is the narrow window that
        # tells an acknowledged edit from a lost one.
        typical = self.typical(kind)
        if random.random() < 0.5:
            return random.uniform(0, 1.2 * typical)
        return random.uniform(0.7 * typical, 1.1 * typical)

    def summary(self):
        return ", ".join(f"{kind} {self.typical(kind) * 1000:.0f} ms" for kind in EDITS)


def measure_durations(run, timings, samples=3):
    """Runs each kind of command to completion a few times, timing it."""
    for kind in EDITS:
        for _ in range(samples):
            timings.add(kind, run.run_acknowledged(run.next_edit(kind)))


def one_round(run, timings):
    """Now and then an acknowledged edit, then one edit killed at a random instant."""
    if random.random() < 0.5:
        kind = random.choice(["set", "add"])
        timings.add(kind, run.run_acknowledged(run.next_edit(kind)))
    kind = random.choices(list(KIND_WEIGHTS), weights=KIND_WEIGHTS.values())[0]
    edit = run.next_edit(kind)
    if hasattr(edit, "prepare"):
        edit.prepare(run)
    landed, code, stdout, stderr, elapsed = run.kill_during(edit, timings.kill_delay(kind))
    if not landed:  # it finished first: an ordinary run
        if code == 0:
            timings.add(kind, elapsed)
            run.fail(f"acknowledged {kind}", edit.acknowledge(run, stdout))
        else:
            run.fail(f"unkilled {kind}", [f"exited {code}: {stderr.strip()}"])
        return
    run.kills[kind] += 1
    if run.verify_after_kill(edit, stdout):
        run.passed += 1


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: crash_test.py CRM_PATH WORK_DIR")
    binary, work = os.path.abspath(sys.argv[1]), os.path.join(os.path.abspath(sys.argv[2]), "crash")
    seed = int(os.environ.get("CRM_CRASH_SEED", "20261120"))
    random.seed(seed)
    print(f"crash: seed {seed} (set CRM_CRASH_SEED to change it)")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    run = Run(binary, work, make_files(binary, work))
    run.fresh_workspace()
    timings = Timings()
    measure_durations(run, timings)
    print(f"crash: command durations: {timings.summary()}")

    attempts = 0
    while sum(run.kills.values()) < KILLS_WANTED and attempts < MAX_ATTEMPTS:
        attempts += 1
        landed_before = sum(run.kills.values())
        one_round(run, timings)
        landed = sum(run.kills.values())
        if landed != landed_before and landed % 50 == 0:
            print(f"crash: {landed} kills landed ({attempts} attempts)", flush=True)
        if run.failed >= MAX_FAILURES:
            print(f"crash: stopping after {run.failed} failures")
            break

    total = sum(run.kills.values())
    print(f"crash: command durations at the end: {timings.summary()}")
    print("crash: kills landed: " + ", ".join(f"{k} {n}" for k, n in run.kills.items()) +
          f" ({attempts} attempts); torn-tail warnings seen: {run.torn_tail_warnings}")
    print("crash: killed edits found whole/absent afterwards: " +
          ", ".join(f"{k} {c['whole']}/{c['none']}" for k, c in run.effects.items() if c))
    if total < KILLS_WANTED and run.failed < MAX_FAILURES:
        run.fail("coverage", [f"only {total} kills landed in {attempts} attempts"])
    if run.failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"crash: workspaces kept in {work}")
    print(f"crash: {run.passed} passed, {run.failed} failed")
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
