#!/usr/bin/env python3
"""Bad input gets a clear error and changes nothing.

Runs every case of tests/cli/bad_input_cases.py (malformed, mistyped, deep,
huge, mis-encoded or missing input to crm) and proves, for each one:

  1. crm does not crash: no signal, no exit code of 128 or more, no hang
     longer than TIMEOUT seconds;
  2. nothing changed: the shared demo workspace, and the case's own files,
     are byte-identical afterwards (sha256 of every file except
     workspace.lock; new and removed paths count as changes);
  3. the exit code is the one the contract asks for (the case's `exit`:
     0 done, 1 refused by the engine, 2 bad usage or input, 3 gate, 4 not saved);
  4. the exit code and the exact stderr are those in the golden file
     tests/cli/bad_input/expected.json, where the paths of the workspace, the
     case directory, the work directory and crm read $WS, $CASE, $WORK and
     $CRM, and bytes that are not UTF-8 are written as \\xNN.

With --record the golden entries are written from the binary's output
instead of checked (1-3 still fail). Ends with one line
"bad input: N passed, M failed"; exits 1 when anything failed.

Usage: bad_input_test.py CRM_PATH WORK_DIR [--record] [--only SUBSTRING] [--golden FILE]
Everything it writes goes under WORK_DIR (demo.pristine/, demo-N/, cases/).
Cases run on a few workers at once; each worker has its own copy of the demo
workspace, made once, checked before and after each case and restored when a
case changed it.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bad_input_cases as corpus  # noqa: E402

TIMEOUT = 20  # seconds per case
WORKERS = min(4, os.cpu_count() or 1)
GOLDEN = Path(__file__).resolve().parent / "bad_input" / "expected.json"
LOCK_FILE = "workspace.lock"
HASH_LIMIT = 64 * 1024 * 1024  # bigger files (the sparse ones) are compared by size and mtime


# ------------------------------------------------------------------ files

def fingerprint(root):
    """Every path under root -> what it is: sha256 of a file, a symlink's target, or a directory."""
    prints = {}
    root = Path(root)
    if not root.exists() and not root.is_symlink():
        return prints
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory) / name
            relative = str(path.relative_to(root))
            if name == LOCK_FILE:
                continue
            if path.is_symlink():
                prints[relative] = "symlink -> " + os.readlink(path)
            elif path.is_dir():
                prints[relative] = "directory"
            else:
                prints[relative] = file_print(path)
    return prints


def file_print(path):
    status = path.stat()
    if status.st_size > HASH_LIMIT:
        return f"{status.st_size} bytes, mtime {status.st_mtime_ns}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def differences(before, after):
    changed = [p for p in before if p in after and before[p] != after[p]]
    added = [p for p in after if p not in before]
    removed = [p for p in before if p not in after]
    parts = [f"{label}: {', '.join(sorted(paths))}"
             for label, paths in (("changed", changed), ("added", added), ("removed", removed)) if paths]
    return "; ".join(parts)


def make_files(case, case_dir):
    case_dir.mkdir(parents=True)
    for name, content in case.files.items():
        path = case_dir / name
        if content is None:
            continue  # the case wants it missing
        if callable(content):
            content(str(path))
        else:
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


# ---------------------------------------------------------------- running

class Paths:
    """Where things are; `ws` is the demo workspace copy of one worker."""

    def __init__(self, crm, work, ws=None):
        self.crm = crm
        self.work = work
        self.pristine = work / "demo.pristine"
        self.cases = work / "cases"
        self.ws = ws or self.pristine

    def for_worker(self, number):
        return Paths(self.crm, self.work, self.work / f"demo-{number}")


def resolve_argv(argv, paths, case_dir):
    """Placeholders -> real paths; everything as bytes (some arguments are not UTF-8)."""
    resolved = []
    for item in argv:
        if isinstance(item, str):
            item = item.replace(corpus.CRM, str(paths.crm)).replace(corpus.WS, str(paths.ws))
            while "{file:" in item:
                start = item.index("{file:")
                end = item.index("}", start)
                item = item[:start] + str(case_dir / item[start + 6:end]) + item[end + 1:]
            item = os.fsencode(item)
        resolved.append(item)
    return resolved


def run(argv, cwd):
    """(exit code or None, stdout, stderr, crash description or "")."""
    try:
        done = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired as timeout:
        return None, timeout.stdout or b"", timeout.stderr or b"", f"timed out after {TIMEOUT} s"
    except OSError as error:  # e.g. an argument longer than the system takes
        return None, b"", b"", f"could not start crm: {error}"
    code = done.returncode
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return code, done.stdout, done.stderr, f"killed by {name}"
    if code >= 128:
        return code, done.stdout, done.stderr, f"exit {code} (a crash)"
    return code, done.stdout, done.stderr, ""


def normalized(stderr, paths, case_dir):
    text = stderr.decode("utf-8", errors="backslashreplace")
    for path, placeholder in ((paths.ws, "$WS"), (case_dir, "$CASE"), (paths.work, "$WORK"),
                              (paths.crm, "$CRM")):
        text = text.replace(str(path), placeholder)
    return text


def clear_work(paths):
    """Removes what an earlier run left in WORK_DIR (only what this test makes)."""
    for path in [paths.pristine, paths.cases, *paths.work.glob("demo-[0-9]*")]:
        if path.is_dir():
            shutil.rmtree(path)


def make_demo(paths):
    """crm init --demo and DEMO_SETUP, once, into demo.pristine."""
    steps = [(corpus.CRM, "init", corpus.WS, "--demo", *corpus.NOW)] + list(corpus.DEMO_SETUP)
    for step in steps:
        code, _out, err, crash = run(resolve_argv(step, paths, paths.work), paths.work)
        if code != 0:
            shown = " ".join(item if isinstance(item, str) else repr(item) for item in step)
            sys.exit(f"bad input: setting up the demo workspace failed: {shown}\n"
                     f"  exit {code} {crash}\n  {err.decode(errors='backslashreplace')}")
    paths.cases.mkdir()


def restore_demo(paths):
    if paths.ws.exists():
        shutil.rmtree(paths.ws)
    shutil.copytree(paths.pristine, paths.ws, symlinks=True)


# ---------------------------------------------------------------- checking

def clip(text, limit=400):
    text = json.dumps(text, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def run_case(case, index, paths):
    """What happened: exit, stderr (normalized), crash, changes."""
    case_dir = paths.cases / f"c{index:03d}"
    make_files(case, case_dir)
    ws_before = fingerprint(paths.ws) if case.workspace else None
    files_before = fingerprint(case_dir)
    code, _out, err, crash = run(resolve_argv(case.argv, paths, case_dir), case_dir)
    changes = []
    if case.workspace:
        if diff := differences(ws_before, fingerprint(paths.ws)):
            changes.append("the workspace changed (" + diff + ")")
            restore_demo(paths)
    if diff := differences(files_before, fingerprint(case_dir)):
        changes.append("the case's files changed (" + diff + ")")
    shutil.rmtree(case_dir, ignore_errors=True)
    return {"exit": code, "stderr": normalized(err, paths, case_dir), "crash": crash, "changes": changes}


def problems(case, got, golden, record):
    found = []
    if got["crash"]:
        found.append(f"crashed: {got['crash']}; stderr {clip(got['stderr'])}")
    found += got["changes"]
    if not got["crash"] and got["exit"] != case.exit:
        found.append(f"exit: the contract says {case.exit}, got {got['exit']}; stderr {clip(got['stderr'])}")
    if record:
        return found
    want = golden.get(case.name)
    if want is None:
        found.append("no golden entry (record one with --record)")
        return found
    if want["exit"] != got["exit"]:
        found.append(f"exit: expected {want['exit']}, got {got['exit']}")
    if want["stderr"] != got["stderr"]:
        found.append(f"stderr expected: {clip(want['stderr'])}\n    stderr got:      {clip(got['stderr'])}")
    return found


def load_golden(path):
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save_golden(path, golden, recorded):
    golden = dict(golden)
    golden.update(recorded)
    order = {case.name: i for i, case in enumerate(corpus.CASES)}
    known = sorted((name for name in golden if name in order), key=order.get)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({name: golden[name] for name in known}, indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("crm")
    parser.add_argument("work")
    parser.add_argument("--record", action="store_true", help="write the golden file from this binary")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument("--golden", default=str(GOLDEN), help="the golden file (default: %(default)s)")
    args = parser.parse_args()

    work = Path(os.path.abspath(args.work))
    work.mkdir(parents=True, exist_ok=True)
    paths = Paths(Path(os.path.abspath(args.crm)), work)
    golden_path = Path(args.golden)
    golden = load_golden(golden_path)
    started = time.monotonic()
    clear_work(paths)
    make_demo(paths)
    workers = queue.Queue()
    for number in range(WORKERS):
        worker = paths.for_worker(number)
        restore_demo(worker)
        workers.put(worker)

    def run_on_a_worker(numbered):
        index, case = numbered
        worker = workers.get()
        try:
            return run_case(case, index, worker)
        finally:
            workers.put(worker)

    chosen = [(i, case) for i, case in enumerate(corpus.CASES) if args.only in case.name]
    passed = failed = 0
    recorded = {}
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        results = pool.map(run_on_a_worker, chosen)
        for (_index, case), got in zip(chosen, results):
            recorded[case.name] = {"exit": got["exit"], "stderr": got["stderr"]}
            found = problems(case, got, golden, args.record)
            if found:
                failed += 1
                print(f"FAIL: {case.name}", flush=True)
                for problem in found:
                    print("    " + problem)
            else:
                passed += 1
    if args.record:
        save_golden(golden_path, golden, recorded)
        print(f"recorded {len(recorded)} cases in {golden_path}")
    print(f"ran {len(chosen)} cases in {time.monotonic() - started:.1f} s")
    print(f"bad input: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
