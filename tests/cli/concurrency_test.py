"""Concurrent `crm` processes on one workspace lose nothing, and the workspace
lock behaves as documented.

Pairs: 200 pairs of commands are started at the same moment on one workspace
(both processes spawned before waiting for either), mixing set+set on one
record (different fields, and the same field), add+add, set+compact,
add+compact, compact+compact and set+add. With the default wait (10 s) no
command may time out, so every command must exit 0. After each pair the test
proves that the workspace opens without warnings, that no two adds ever
returned the same id, that every added record exists with its fields, and
that every acknowledged set is there (when both commands of a pair set the
same field the final value must be one of the two: the order in which the
processes exit does not tell which one committed last). A compaction must
not change the data.

The lock (flock on DIR/workspace.lock): while this process holds it
exclusively, `crm set --wait 1` exits 4 within about 1-3 s with "is busy" on
stderr and changes no file; a writer without --wait waits for the lock and
succeeds once it is released; `crm set --wait 5` does the same; while this
process holds a shared lock a writer is busy but readers (`crm show`,
`crm export`) succeed. A crm that does not know --wait fails that check once
and the checks that need it are skipped.

Usage: concurrency_test.py CRM_PATH WORK_DIR. The random seed is printed; set
CRM_CONCURRENCY_SEED to replay a run. Ends with "concurrency: N passed, M
failed" (N = checks passed) and exits non-zero on any failure.
"""
import collections
import fcntl
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time

NOW = ["--now", "2026-11-20T10:00:00Z"]
ADMIN = ["--as", "u-sam"]
TARGET_DEALS = [f"deal-{n}" for n in range(1, 21)]
PAIR_COUNT = 200
GENERATED_RECORDS = 500
COMMAND_TIMEOUT = 60  # seconds; far above the default lock wait of 10 s
PAIR_KINDS = ["set+set, two fields", "set+set, same field", "add+add", "set+compact",
              "add+compact", "compact+compact", "set+add"]


# ---------------------------------------------------------------- commands


class SetCommand:
    """crm set of one field of one deal; acknowledged when it exits 0."""

    def __init__(self, record, field, value):
        self.record, self.field, self.value = record, field, value

    def args(self, run):
        return run.command("set", self.record, f"{self.field}={self.value}", *ADMIN, *NOW)

    def describe(self):
        return f"set {self.record} {self.field}={self.value}"

    def acknowledge(self, run, stdout, settled):
        settled.setdefault((self.record, self.field), set()).add(self.value)


class AddCommand:
    """crm add of a deal with a unique name; acknowledged when it exits 0 and prints the id."""

    def __init__(self, serial):
        self.values = {"name": f"concurrent deal {serial}", "next_step": f"added {serial}"}

    def args(self, run):
        pairs = [f"{field}={value}" for field, value in self.values.items()]
        return run.command("add", "deal", *pairs, "--as", "u-ana", *NOW)

    def describe(self):
        return f"add deal name={self.values['name']!r}"

    def acknowledge(self, run, stdout, settled):
        new_id = stdout.strip()
        if not new_id or "\n" in new_id:
            run.check(f"{self.describe()} prints one id", False, f"stdout was {stdout!r}")
            return
        earlier = run.issued_ids.get(new_id)
        lost = run.model.lost_ids.get(new_id)
        run.check(f"{self.describe()} gets an id no other add got", earlier is None,
                  f"it printed {new_id}, which {earlier} had already been given" +
                  (f" (that record was lost in {lost}, so its id was handed out again)"
                   if lost else ""))
        run.issued_ids.setdefault(new_id, self.describe())
        # After a duplicate either add may hold the id: the record must be one of them, whole.
        run.model.added.setdefault(new_id, []).append(dict(self.values))


class CompactCommand:
    """crm compact; changes no data."""

    def args(self, run):
        return run.command("compact")

    def describe(self):
        return "compact"

    def acknowledge(self, run, stdout, settled):
        pass


def make_pair(kind, serial):
    """The two commands of a pair; the sets of a pair go to one random deal."""
    deal = random.choice(TARGET_DEALS)

    def step(n):
        return SetCommand(deal, "next_step", f"step {serial}.{n}")

    pairs = {
        "set+set, two fields": lambda: (step(1),
                                        SetCommand(deal, "probability", serial % 97 + 1)),
        "set+set, same field": lambda: (step(1), step(2)),
        "add+add": lambda: (AddCommand(f"{serial}.1"), AddCommand(f"{serial}.2")),
        "set+compact": lambda: (step(1), CompactCommand()),
        "add+compact": lambda: (AddCommand(serial), CompactCommand()),
        "compact+compact": lambda: (CompactCommand(), CompactCommand()),
        "set+add": lambda: (step(1), AddCommand(serial)),
    }
    return pairs[kind]()


# ---------------------------------------------------------------- expected state


class Model:
    """Acknowledged sets (acceptable values per field) and acknowledged adds."""

    def __init__(self):
        self.expected = {}  # (record, field) -> set of acceptable values
        self.added = {}  # record id -> acceptable field values (two after a duplicate id)
        self.lost_ids = {}  # id of an acknowledged add found missing -> where

    def problems_in(self, doc):
        problems = []
        ids = [record["id"] for record in doc["records"]]
        doubles = sorted(i for i, n in collections.Counter(ids).items() if n > 1)
        if doubles:
            problems.append(f"the workspace holds duplicate record ids {doubles[:5]}")
        by_id = {record["id"]: record for record in doc["records"]}
        for (record_id, field), values in sorted(self.expected.items()):
            actual = by_id.get(record_id, {}).get("fields", {}).get(field)
            if actual not in values:
                problems.append(f"{record_id}.{field} is {actual!r}, expected "
                                f"{' or '.join(map(repr, sorted(values, key=str)))} "
                                "(an acknowledged set was lost)")
        for record_id, choices in sorted(self.added.items()):
            names = " or ".join(repr(values["name"]) for values in choices)
            record = by_id.get(record_id)
            if record is None:
                problems.append(f"added record {record_id} ({names}) is missing")
                continue
            actual = {field: record["fields"].get(field) for field in choices[0]}
            if actual not in choices:
                problems.append(f"added record {record_id} holds {actual}, "
                                f"expected the add of {names}")
        return problems

    def settle_to(self, doc, context):
        """Takes what the workspace holds as the expectation from now on (after a check)."""
        by_id = {record["id"]: record for record in doc["records"]}
        for (record_id, field) in list(self.expected):
            self.expected[(record_id, field)] = {
                by_id.get(record_id, {}).get("fields", {}).get(field)}
        for record_id in list(self.added):
            if record_id not in by_id:
                del self.added[record_id]
                self.lost_ids[record_id] = context
            else:
                fields = by_id[record_id]["fields"]
                self.added[record_id] = [{f: fields.get(f) for f in self.added[record_id][0]}]


# ---------------------------------------------------------------- the run


class Run:
    """The workspace under test, the expected state and the tally."""

    def __init__(self, binary, directory):
        self.binary = binary
        self.directory = directory
        self.model = Model()
        self.issued_ids = {}  # id -> the add that got it
        self.last_doc = None
        self.passed = 0
        self.failed = 0
        self.failures_by_group = collections.Counter()
        self.group = "setup"

    def command(self, verb, *args):
        return [self.binary, verb, self.directory, *args]

    def check(self, name, ok, details=""):
        if ok:
            self.passed += 1
            return True
        self.failed += 1
        self.failures_by_group[self.group] += 1
        print(f"FAIL: {name}" + (f": {details}" if details else ""))
        return False

    def run(self, args, timeout=COMMAND_TIMEOUT):
        """Runs a command to the end; a command that hangs is killed and reported."""
        started = time.monotonic()
        try:
            result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            result = subprocess.CompletedProcess(args, "timeout", "", f"no exit in {timeout} s")
        return result, time.monotonic() - started

    def export_document(self, context):
        """The exported workspace, checked to open without warnings; None if it does not open."""
        result, _ = self.run(self.command("export"))
        if not self.check(f"{context}: the workspace opens", result.returncode == 0,
                          f"crm export exited {result.returncode}: {result.stderr.strip()}"):
            return None
        self.check(f"{context}: the workspace opens without warnings", not result.stderr.strip(),
                   result.stderr.strip())
        return json.loads(result.stdout)

    def verify(self, context, unchanged=False):
        """Checks every acknowledged edit so far, then takes the workspace as the new baseline."""
        doc = self.export_document(context)
        if doc is None:
            return
        problems = self.model.problems_in(doc)
        self.check(f"{context}: every acknowledged edit is there", not problems,
                   "\n    ".join([""] + problems))
        if unchanged and self.last_doc is not None:
            self.check(f"{context}: compaction changed no data", doc == self.last_doc,
                       "the exports before and after differ")
        self.model.settle_to(doc, context)
        self.last_doc = doc


def finish(process):
    """Waits for a spawned command; (exit code, stdout, stderr), "timeout" if it hangs."""
    try:
        stdout, stderr = process.communicate(timeout=COMMAND_TIMEOUT)
        return process.returncode, stdout, stderr
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        return "timeout", stdout, stderr


def run_pair(run, index, kind):
    """Starts both commands of a pair at once, then checks each and the workspace."""
    run.group = kind
    commands = make_pair(kind, index)
    processes = [subprocess.Popen(c.args(run), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for c in commands]
    outcomes = [finish(p) for p in processes]
    context = f"pair {index} ({kind})"
    settled = {}
    for command, (code, stdout, stderr) in zip(commands, outcomes):
        if run.check(f"{context}: {command.describe()} exits 0", code == 0,
                     f"exit {code}: {stderr.strip()}"):
            command.acknowledge(run, stdout, settled)
    run.model.expected.update(settled)
    run.verify(context, unchanged=(kind == "compact+compact"))


def run_pairs(run):
    kinds = (PAIR_KINDS * (PAIR_COUNT // len(PAIR_KINDS) + 1))[:PAIR_COUNT]
    random.shuffle(kinds)
    for index, kind in enumerate(kinds, 1):
        run_pair(run, index, kind)
        if index % 50 == 0:
            print(f"concurrency: {index} pairs run", flush=True)


# ---------------------------------------------------------------- the lock


class HeldLock:
    """An flock on DIR/workspace.lock held by this process until release()."""

    def __init__(self, directory, mode):
        self.fd = os.open(os.path.join(directory, "workspace.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, mode)

    def release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def fingerprint(directory):
    """sha256 of every file in DIR except the lock file."""
    digests = {}
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name != "workspace.lock" and os.path.isfile(path):
            with open(path, "rb") as file:
                digests[name] = hashlib.sha256(file.read()).hexdigest()
    return digests


def knows_wait_option(result):
    return not (result.returncode == 2 and "unknown option --wait" in result.stderr)


def check_busy_writer(run, mode, label):
    """With the lock held (mode), crm set --wait 1 is busy (exit 4) and changes no file.
    Returns False when crm does not accept --wait at all."""
    lock = HeldLock(run.directory, mode)
    try:
        before = fingerprint(run.directory)
        result, seconds = run.run(run.command("set", "deal-3", "probability=41", "--wait", "1",
                                              *ADMIN, *NOW))
        after = fingerprint(run.directory)
    finally:
        lock.release()
    if not knows_wait_option(result):
        run.check(f"{label}: crm accepts --wait", False,
                  f"exit 2, {result.stderr.strip()!r} (no lock support?); "
                  "the checks that need --wait are skipped")
        return False
    run.check(f"{label}: crm set --wait 1 exits 4", result.returncode == 4,
              f"exit {result.returncode}: {result.stderr.strip()}")
    run.check(f"{label}: ... after about a second", 0.8 <= seconds <= 3.5, f"took {seconds:.2f} s")
    run.check(f"{label}: ... saying 'is busy'", "is busy" in result.stderr,
              f"stderr: {result.stderr.strip()!r}")
    changed = sorted(name for name in before.keys() | after.keys()
                     if before.get(name) != after.get(name))
    run.check(f"{label}: ... and changes no file", not changed, f"changed: {changed}")
    return True


def check_writer_waits(run, extra_args, label, hold_seconds=1.0):
    """A writer started while the lock is held waits, then succeeds once it is released."""
    value = f"after the lock {label}"
    lock = HeldLock(run.directory, fcntl.LOCK_EX)
    try:
        process = subprocess.Popen(run.command("set", "deal-4", f"next_step={value}", *extra_args,
                                               *ADMIN, *NOW),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(hold_seconds)
        finished_early = process.poll() is not None
    finally:
        lock.release()
    code, _, stderr = finish(process)
    run.check(f"{label}: the writer waits while the lock is held", not finished_early,
              f"it had exited ({code}) before the lock was released after {hold_seconds} s")
    if run.check(f"{label}: ... then exits 0", code == 0, f"exit {code}: {stderr.strip()}"):
        run.model.expected[("deal-4", "next_step")] = {value}
    run.verify(label)


def check_readers_share(run):
    """While this process holds a shared lock, readers run."""
    lock = HeldLock(run.directory, fcntl.LOCK_SH)
    try:
        show, show_seconds = run.run(run.command("show", "deal-3"), timeout=15)
        export, _ = run.run(run.command("export"), timeout=15)
    finally:
        lock.release()
    run.check("shared lock held: crm show exits 0", show.returncode == 0 and show_seconds < 5,
              f"exit {show.returncode} after {show_seconds:.2f} s: {show.stderr.strip()}")
    run.check("shared lock held: crm export exits 0", export.returncode == 0,
              f"exit {export.returncode}: {export.stderr.strip()}")


def run_lock_checks(run):
    run.group = "lock"
    if check_busy_writer(run, fcntl.LOCK_EX, "exclusive lock held"):
        check_busy_writer(run, fcntl.LOCK_SH, "shared lock held")
        check_writer_waits(run, ["--wait", "5"], "with --wait 5")
    else:
        print("SKIP: busy writer under a shared lock, writer with --wait 5 (need --wait)")
    check_writer_waits(run, [], "with the default wait")
    check_readers_share(run)


# ---------------------------------------------------------------- setup


def generated_company(number, index):
    return {
        "id": f"company-{number}", "type": "company", "owner": "u-ana",
        "fields": {"name": f"Generated {index}", "city": "Springfield", "employees": index},
        "created_at": "2026-11-01T09:00:00Z", "created_by": "u-sam",
        "updated_at": "2026-11-01T09:00:00Z", "updated_by": "u-sam",
    }


def make_workspace(binary, work):
    """The demo workspace plus generated records (so commands take a while); its directory."""
    demo, directory = os.path.join(work, "demo"), os.path.join(work, "ws")
    subprocess.run([binary, "init", demo, "--demo", *NOW], check=True, capture_output=True)
    doc = json.loads(subprocess.run([binary, "export", demo], check=True, capture_output=True,
                                    text=True).stdout)
    first = doc["next_ids"]["company"]
    doc["records"] += [generated_company(first + i, i) for i in range(GENERATED_RECORDS)]
    doc["next_ids"]["company"] = first + GENERATED_RECORDS
    path = os.path.join(work, "start.json")
    with open(path, "w") as out:
        json.dump(doc, out)
    subprocess.run([binary, "import", directory, path], check=True, capture_output=True)
    return directory


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: concurrency_test.py CRM_PATH WORK_DIR")
    binary = os.path.abspath(sys.argv[1])
    work = os.path.join(os.path.abspath(sys.argv[2]), "concurrency")
    seed = int(os.environ.get("CRM_CONCURRENCY_SEED", "20261120"))
    random.seed(seed)
    print(f"concurrency: seed {seed} (set CRM_CONCURRENCY_SEED to change it)")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    run = Run(binary, make_workspace(binary, work))
    run.verify("start")
    started = time.monotonic()
    run_pairs(run)
    print(f"concurrency: {PAIR_COUNT} pairs in {time.monotonic() - started:.1f} s")
    run_lock_checks(run)

    if run.failed:
        print("concurrency: failures by group: " +
              ", ".join(f"{group} {n}" for group, n in run.failures_by_group.most_common()))
        print(f"concurrency: workspace kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"concurrency: {run.passed} passed, {run.failed} failed")
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
