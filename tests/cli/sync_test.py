"""crm publish, crm sync, crm conflicts and crm resolve against a real
CouchDB-protocol server: pouchdb-server from npm (tests/sync), on 127.0.0.1.

- Two devices on one team database: A publishes the demo, B joins. Offline,
  they change different fields of one deal and the same field of two others
  (one where B is later, one where A is), A adds a task and moves a deal, B
  deletes a task and moves another deal. After sync A, sync B, sync A both
  hold the same records (fields, owner, each process's stage and status);
  each same-field change is listed on both as one conflict with one id, the
  later value kept, both values, who and which device; the other changes
  are all there. Keeping the other value on A and the kept one on B travel
  and close both conflicts on both devices.
- A second sync with nothing new moves nothing; a third device joining late
  gets the same records and no open conflict.
- A server that wants a password: a wrong one, no network and a missing
  database fail with exit 1 and exact words, and change no file of the
  workspace; its unsent edit goes with the next sync that works.
- The server killed (SIGKILL) mid-sync, through a proxy that counts requests:
  once it has stored a page of pushed changes but before crm heard so, once
  crm applied a page of pulled ones, as a push arrives, and during a join.
  The data survives the restart (--dir); syncing again sends and takes every
  change exactly once: one document per batch on the server, each change
  once in the other devices' history, the same values everywhere.

Usage: sync_test.py CRM WORKDIR. Prints failures, then "sync: N passed, M failed".
"""
import json, os, re, shutil, signal, socket, subprocess, sys, threading, time
import urllib.error, urllib.parse, urllib.request
from base64 import b64encode
from datetime import datetime, timedelta, timezone

from tally import Tally
from workspace_files import fingerprint

crm, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.join(ROOT, "tests/sync/node_modules/pouchdb-server/bin/pouchdb-server")
LOST = "crm: nothing on this device was lost; sync again later"
ADMIN, PASSWORD = "alice", "correct horse"
EDITS, MORE_EDITS, DEALS = 300, 50, 60  # the kill test's edits, on deal-1..deal-60

# Straight to 127.0.0.1, for crm (libcurl) and for urllib, whatever the environment says.
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1"

tally = Tally("sync")
check = tally.check

# Every command gets --now, one minute later each time.
clock = [datetime(2026, 12, 7, 9, 0, 0, tzinfo=timezone.utc)]


def now():
    clock[0] += timedelta(minutes=1)
    return clock[0].strftime("%Y-%m-%dT%H:%M:%SZ")


def crm_run(*args):
    return subprocess.run([crm, *args, "--now", now()], capture_output=True, text=True, timeout=120)


def run(*args):
    """A step that must work; the test stops if it does not."""
    result = crm_run(*args)
    if result.returncode != 0:
        sys.exit(f"crm {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, auth=None):
    """(status, parsed JSON body) of one request."""
    request = urllib.request.Request(url, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    if auth:
        request.add_header("Authorization", "Basic " + b64encode(":".join(auth).encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Server:
    """pouchdb-server on 127.0.0.1, in memory or on disk (--dir), its files
    (log.txt, config.json) in its own directory under WORKDIR."""

    def __init__(self, name, data=None, port=None):
        self.cwd = os.path.join(work, name)
        os.makedirs(self.cwd, exist_ok=True)
        self.data, self.port = data, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.start()

    def start(self):
        storage = ["--dir", self.data] if self.data else ["--in-memory"]
        with open(os.path.join(self.cwd, "server.out"), "ab") as out:
            self.process = subprocess.Popen(
                ["node", SERVER, "--host", "127.0.0.1", "--port", str(self.port), "-n", *storage],
                cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        sys.exit(f"pouchdb-server did not start (see {self.cwd}/server.out)")

    def kill(self):
        """SIGKILL, no chance to flush anything."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process:
            self.process.wait()


class Proxy:
    """A TCP proxy in front of a server. crm opens one connection per request,
    so the proxy reads a whole request, forwards it with "Connection: close",
    reads the whole answer and sends it back. It can stop listening (no
    network), and cut once: on the nth request that starts with a given
    "METHOD /path", kill the server before it sees the request ("before") or
    once it has answered ("answered": crm never hears the answer), then
    close crm's connection with no answer."""

    def __init__(self, target_port):
        self.target_port, self.port = target_port, 0
        self.lock = threading.Lock()
        self.cut_rule = None  # [prefix, nth, mode, action]
        self.cut_done = threading.Event()
        self.answered = []  # (request line, body) of each request crm got an answer to
        self.listen()

    def listen(self):
        self.listening = socket.socket()
        self.listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listening.bind(("127.0.0.1", self.port))
        self.listening.listen(32)
        self.listening.settimeout(0.1)
        self.port = self.listening.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self.accept, args=(self.listening, self.stopped), daemon=True).start()

    def close(self):
        self.stopped.set()
        self.listening.close()

    def cut(self, prefix, nth, mode, action):
        with self.lock:
            self.cut_rule = [prefix, nth, mode, action]
            self.cut_done.clear()

    def accept(self, listening, stopped):
        while not stopped.is_set():
            try:
                client, _ = listening.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    @staticmethod
    def read_request(client):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = client.recv(65536)
            if not chunk:
                return None, None, b""
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = [line for line in lines[1:]
                   if line.split(":")[0].strip().lower() not in ("connection", "expect", "keep-alive")]
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
            if name.strip().lower() == "expect" and "100-continue" in value.lower():
                client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                break
            body += chunk
        request = (lines[0] + "\r\n" + "\r\n".join(headers + ["Connection: close"]) + "\r\n\r\n").encode()
        return lines[0], request + body, body

    def serve(self, client):
        try:
            client.settimeout(30)
            line, request, body = self.read_request(client)
            if line is None:
                return
            cut = None
            with self.lock:
                rule = self.cut_rule
                if rule and line.startswith(rule[0]):
                    rule[1] -= 1
                    if rule[1] == 0:
                        cut, self.cut_rule = rule, None
            if cut and cut[2] == "before":
                cut[3]()
                self.cut_done.set()
                return
            with socket.create_connection(("127.0.0.1", self.target_port), timeout=30) as server:
                server.sendall(request)
                answer = b""
                while chunk := server.recv(65536):
                    answer += chunk
            if cut:
                cut[3]()
                self.cut_done.set()
                return
            with self.lock:  # before crm can see the answer and go on
                self.answered.append((line, body))
            client.sendall(answer)
        except OSError:
            pass
        finally:
            client.close()


def records(ws):
    """id -> (fields, owner, {flow: (stage, status)}) from crm export."""
    exported = json.loads(run("export", ws))
    return {r["id"]: (r["fields"], r.get("owner"),
                      {flow: (s.get("stage"), s.get("status")) for flow, s in r.get("flows", {}).items()})
            for r in exported["records"]}


def differences(a, b):
    ids = sorted(set(a) | set(b))
    return [(i, a.get(i), b.get(i)) for i in ids if a.get(i) != b.get(i)][:3]


def conflicts(ws):
    return [json.loads(line) for line in run("conflicts", ws).splitlines()]


def history(ws, record):
    return [json.loads(line) for line in run("history", ws, record).splitlines()]


SYNCED = re.compile(r"pushed (\d+) changes?, pulled (\d+) changes?"
                    r"(?:; (\d+) open conflicts? \(crm conflicts lists them\))? \((\d+) bytes sent, (\d+) received\)")


def synced(result):
    """(pushed, pulled, conflicts) from a sync's last line; None if it failed."""
    lines = result.stdout.splitlines()
    found = SYNCED.fullmatch(lines[-1]) if result.returncode == 0 and lines else None
    return (int(found[1]), int(found[2]), int(found[3] or 0)) if found else None


def failed_with(result, first_line):
    """Exit 1, nothing on stdout, stderr: the message (exact, or a prefix ending
    in ": "), then the line that says nothing was lost."""
    lines = result.stderr.splitlines()
    return (result.returncode == 1 and result.stdout == "" and len(lines) == 2 and lines[1] == LOST
            and (lines[0] == first_line or first_line.endswith(": ") and lines[0].startswith(first_line)))


def device_of(ws, record):
    """The device of the latest entry in a record's history (a public name for a device)."""
    return history(ws, record)[-1]["device"]


def amount(value):
    return {"amount": value, "currency": "USD"}


def two_devices(url):
    """1 and 2: offline edits on A and B, conflicts, resolve, nothing new."""
    a, b = f"{work}/a", f"{work}/b"
    run("init", a, "--demo")
    result = crm_run("publish", a, url, "--as", "u-sam")
    check("publish: the whole demo", result.returncode == 0 and re.fullmatch(
        rf"published 629 records to {re.escape(url)}( \(\d+ bytes\))?\n", result.stdout), result)
    result = crm_run("sync", b, url, "--as", "u-maria")
    lines = result.stdout.splitlines()
    check("B joins: joined, then a sync", result.returncode == 0 and len(lines) == 2
          and re.fullmatch(rf"joined the team database {re.escape(url)} \(629 records, \d+ bytes\)", lines[0])
          and synced(result) == (0, 0, 0), result)
    check("B joins: the same records as A", records(a) == records(b), differences(records(a), records(b)))

    # Offline on both. deal-4's amount: A first, B later (B's stands);
    # deal-16's next step: B first, A later (A's stands).
    at = {}
    run("set", a, "deal-1", "name=Acme Logistics – Fleet rollout, phase 2", "--as", "u-ana")
    run("set", b, "deal-1", "close_date=2027-01-31", "--as", "u-maria")
    run("set", a, "deal-4", "amount=5000", "--as", "u-ana")
    at["a4"] = clock[0].strftime("%Y-%m-%dT%H:%M:%SZ")
    run("set", b, "deal-4", "amount=7000", "--as", "u-maria")
    at["b4"] = clock[0].strftime("%Y-%m-%dT%H:%M:%SZ")
    run("set", b, "deal-16", "next_step=Send the revised quote", "--as", "u-maria")
    at["b16"] = clock[0].strftime("%Y-%m-%dT%H:%M:%SZ")
    run("set", a, "deal-16", "next_step=Book the CFO call", "--as", "u-ana")
    at["a16"] = clock[0].strftime("%Y-%m-%dT%H:%M:%SZ")
    a_device, b_device = device_of(a, "deal-4"), device_of(b, "deal-4")
    check("two devices", a_device != b_device, a_device)
    task = run("add", a, "task", "title=Call back about the fleet", "related=deal-1", "--as", "u-ana").strip()
    run("delete", b, "task-1", "--as", "u-maria")
    run("move", a, "deal-10", "lead", "--as", "u-ana")
    run("move", b, "deal-12", "negotiation", "pricing_discussed=true", "--as", "u-maria")

    result = crm_run("sync", a, url, "--as", "u-ana")
    check("sync A: pushes its 5 changes", synced(result) == (5, 0, 0), result)
    result = crm_run("sync", b, url, "--as", "u-maria")
    check("sync B: pushes its 5, pulls A's 5, two conflicts", synced(result) == (5, 5, 2), result)
    result = crm_run("sync", a, url, "--as", "u-ana")
    check("sync A again: pulls B's 5, two conflicts", synced(result) == (0, 5, 2), result)

    ra, rb = records(a), records(b)
    check("A and B hold the same records", ra == rb, differences(ra, rb))
    for name, got in (("A", ra), ("B", rb)):
        fields = {id: got.get(id, [{}])[0] for id in ("deal-1", "deal-4", "deal-10", "deal-12", "deal-16")}
        check(f"{name}: both changes to deal-1 (different fields)",
              fields["deal-1"].get("name") == "Acme Logistics – Fleet rollout, phase 2"
              and fields["deal-1"].get("close_date") == "2027-01-31", fields["deal-1"])
        check(f"{name}: deal-4's amount is the later change's (B's)",
              fields["deal-4"].get("amount") == amount(7000), fields["deal-4"].get("amount"))
        check(f"{name}: deal-16's next step is the later change's (A's)",
              fields["deal-16"].get("next_step") == "Book the CFO call", fields["deal-16"].get("next_step"))
        check(f"{name}: A's new task", got.get(task, [{}])[0] == {
            "title": "Call back about the fleet", "related": "deal-1"} and got[task][1] == "u-ana", got.get(task))
        check(f"{name}: B's deleted task is gone", "task-1" not in got)
        check(f"{name}: A's move of deal-10", got.get("deal-10", [0, 0, {}])[2].get("sales_pipeline")
              == ("lead", "active") and fields["deal-10"].get("stage") == "Lead", got.get("deal-10"))
        check(f"{name}: B's move of deal-12", got.get("deal-12", [0, 0, {}])[2].get("sales_pipeline")
              == ("negotiation", "active") and fields["deal-12"].get("stage") == "Negotiation"
              and fields["deal-12"].get("pricing_discussed") is True, got.get("deal-12"))

    want = [{"record": "deal-16", "field": "next_step",
             "kept": {"value": "Book the CFO call", "by": "u-ana", "device": a_device, "at": at["a16"]},
             "other": {"value": "Send the revised quote", "by": "u-maria", "device": b_device, "at": at["b16"]}},
            {"record": "deal-4", "field": "amount",
             "kept": {"value": amount(7000), "by": "u-maria", "device": b_device, "at": at["b4"]},
             "other": {"value": amount(5000), "by": "u-ana", "device": a_device, "at": at["a4"]}}]
    listed = {}
    for name, ws in (("A", a), ("B", b)):
        listed[name] = sorted(conflicts(ws), key=lambda c: c.get("record", ""))
        got = [{k: c.get(k) for k in want[0]} for c in listed[name]]
        check(f"{name}: two conflicts, each the later value kept, both values, who and which device",
              got == want, f"{listed[name]} (A's device {a_device}, B's {b_device})")
    ids = {name: [c.get("id") for c in listed[name]] for name in listed}
    check("each conflict has one id on both devices", ids["A"] == ids["B"] and len(ids["A"]) == 2, ids)
    by_record = {c.get("record"): c.get("id") for c in listed["A"]}

    # A keeps the other amount (its own 5000): a change of its own that travels.
    # B keeps what stands on deal-16: nothing changes, the conflict closes.
    result = crm_run("resolve", a, by_record.get("deal-4", "none"), "--keep", "other", "--as", "u-ana")
    check("resolve deal-4 on A, keep other: exit 0", result.returncode == 0, result)
    check("resolve on A: the other value stands at once, one conflict left",
          records(a)["deal-4"][0].get("amount") == amount(5000)
          and [c["record"] for c in conflicts(a)] == ["deal-16"], conflicts(a))
    result = crm_run("resolve", b, by_record.get("deal-16", "none"), "--keep", "kept", "--as", "u-maria")
    check("resolve deal-16 on B, keep kept: exit 0", result.returncode == 0, result)
    check("resolve on B: the value stays, one conflict left",
          records(b)["deal-16"][0].get("next_step") == "Book the CFO call"
          and [c["record"] for c in conflicts(b)] == ["deal-4"], conflicts(b))
    result = crm_run("sync", a, url, "--as", "u-ana")
    check("sync A: pushes its resolution; B's conflict still open here", synced(result) == (1, 0, 1), result)
    result = crm_run("sync", b, url, "--as", "u-maria")
    check("sync B: pushes its resolution, pulls A's", synced(result) == (1, 1, 0), result)
    result = crm_run("sync", a, url, "--as", "u-ana")
    check("sync A: pulls B's resolution", synced(result) == (0, 1, 0), result)
    ra, rb = records(a), records(b)
    check("after resolving: A and B the same", ra == rb, differences(ra, rb))
    check("after resolving: both show deal-4's other value",
          ra["deal-4"][0].get("amount") == amount(5000) == rb["deal-4"][0].get("amount"),
          (ra["deal-4"][0].get("amount"), rb["deal-4"][0].get("amount")))
    check("after resolving: both keep deal-16's value",
          ra["deal-16"][0].get("next_step") == "Book the CFO call" == rb["deal-16"][0].get("next_step"))
    check("after resolving: no open conflict on A", conflicts(a) == [], conflicts(a))
    check("after resolving: no open conflict on B", conflicts(b) == [], conflicts(b))
    result = crm_run("resolve", b, by_record.get("deal-4", "none"), "--keep", "kept", "--as", "u-maria")
    check("resolving a settled conflict: refused", result.returncode == 1
          and result.stderr == f'crm: There is no open conflict "{by_record.get("deal-4")}"\n', result)

    # 2. Nothing new: nothing moves, nothing changes.
    for name, ws, user in (("A", a, "u-ana"), ("B", b, "u-maria")):
        result = crm_run("sync", ws, url, "--as", user)
        check(f"nothing new: sync {name} moves nothing", synced(result) == (0, 0, 0)
              and result.stdout.startswith("pushed 0 changes, pulled 0 changes ("), result)
        check(f"nothing new: {name} unchanged", records(ws) == ra)
    return a, b, 5 + 5 + 1 + 1


def late_joiner(url, a, b, changes):
    """3: a third device joins after everything else."""
    c = f"{work}/c"
    result = crm_run("sync", c, url, "--as", "u-ben")
    lines = result.stdout.splitlines()
    # It meets both conflicts and both resolutions in this one sync: none stays open.
    check(f"C joins late: the base, then all {changes} changes",
          result.returncode == 0 and len(lines) == 2
          and re.fullmatch(rf"joined the team database {re.escape(url)} \(629 records, \d+ bytes\)", lines[0])
          and synced(result) == (0, changes, 0), result)
    rc, ra = records(c), records(a)
    check("C holds the same records as A", rc == ra, differences(rc, ra))
    check("C holds the same records as B", rc == records(b))
    check("C: no open conflict (both were resolved)", conflicts(c) == [], conflicts(c))
    result = crm_run("sync", c, url, "--as", "u-ben")
    check("C: a second sync moves nothing", synced(result) == (0, 0, 0), result)


def restored_copy(url, a, c):
    """4: C's directory is backed up, C syncs two changes, then the backup is
    put back: its next changes would reuse the numbers of the two sent."""
    backup = f"{work}/c-backup"
    shutil.copytree(c, backup)
    run("set", c, "deal-2", "next_step=Ship the pilot kit", "--as", "u-ben")
    run("set", c, "deal-2", "next_step=Ship the pilot kit on Monday", "--as", "u-ben")
    check("C sends its two changes", synced(crm_run("sync", c, url, "--as", "u-ben"))[0] == 2)
    shutil.rmtree(c)
    shutil.copytree(backup, c)
    words = ("crm: The team server holds changes from this device that this copy of the workspace "
             "does not: it was restored from a backup or copied from another device. Nothing more was "
             "sent; join the team again as a new device (this copy keeps everything it holds)")
    before = fingerprint(c)
    result = crm_run("sync", c, url, "--as", "u-ben")
    check("the restored copy, before any change: refused in words, nothing changed",
          failed_with(result, words) and fingerprint(c) == before, result)
    for step in range(3):
        run("set", c, "deal-2", f"next_step=Restored {step}", "--as", "u-ben")
    before = fingerprint(c)
    result = crm_run("sync", c, url, "--as", "u-ben")
    check("the restored copy, three changes later: refused in words, nothing changed",
          failed_with(result, words) and fingerprint(c) == before, result)
    result = crm_run("sync", a, url, "--as", "u-ana")
    check("A still gets C's two changes, and the restored copy's are not among them",
          synced(result)[1] == 2 and records(a)["deal-2"][0].get("next_step") ==
          "Ship the pilot kit on Monday", result)


def large_import(url, a, b):
    """5: a spreadsheet of 5,000 contacts imported on A, too big for one
    document of some servers (IBM Cloudant takes 1 MB), reaches B whole."""
    rows = ["First Name,Last Name,E-mail,Job title"]
    rows += [f"Imported,Contact {i},import{i}@example.com,Head of operations for the northern depots"
             for i in range(5000)]
    sheet, mapping = f"{work}/contacts.csv", f"{work}/contacts-map.json"
    with open(sheet, "w") as out:
        out.write("\n".join(rows) + "\n")
    with open(mapping, "w") as out:
        json.dump({"columns": {"First Name": "first_name", "Last Name": "last_name",
                               "E-mail": "email", "Job title": "job_title"}, "key": "email"}, out)
    result = crm_run("import-csv", a, sheet, "--type", "contact", "--map", mapping, "--as", "u-sam")
    check("large import: A imports 5,000 contacts", result.returncode == 0, result)
    result = crm_run("sync", a, url, "--as", "u-sam")
    check("large import: A sends it as one change", synced(result) == (1, 0, 0), result)
    status, answer = http("GET", f"{url}/_all_docs?startkey=%22p-%22&endkey=%22p.%22")
    parts = len(answer.get("rows", [])) if status == 200 else 0
    check("large import: in parts of under 1 MB each", parts > 1, (status, parts))
    result = crm_run("sync", b, url, "--as", "u-maria")
    pulled = synced(result)
    check("large import: B receives it (and what C sent before)", pulled and pulled[0] == 0 and pulled[1] >= 1, result)
    rb, ra = records(b), records(a)
    check("large import: B holds the same records as A", rb == ra and len(ra) >= 5629, differences(rb, ra))


def failures():
    """5: a server that wants a password; wrong password, no network, no database."""
    server = Server("server-auth")
    try:
        status, _ = http("PUT", f"{server.url}/_config/admins/{ADMIN}", PASSWORD)
        # (pouchdb-server 4.2 still lets anonymous requests through with this;
        # a wrong password is what it refuses.)
        status2, _ = http("PUT", f"{server.url}/_config/couch_httpd_auth/require_valid_user", "true",
                          (ADMIN, PASSWORD))
        check("the server takes an admin (no more admin party)", status == 200 and status2 == 200,
              (status, status2))
        status, _ = http("GET", server.url + "/", auth=(ADMIN, "wrong"))
        check("the server refuses a wrong password (HTTP 401)", status == 401, status)
        proxy = Proxy(server.port)
        url = f"http://127.0.0.1:{proxy.port}/team"
        good, bad = f"{work}/good-password", f"{work}/bad-password"
        with open(good, "w") as f:
            f.write(PASSWORD + "\n")
        with open(bad, "w") as f:
            f.write("wrong horse\n")
        e, d = f"{work}/e", f"{work}/d"
        run("init", e, "--demo")
        refused = f"crm: The team server at {url} did not accept the user name or password (HTTP 401)"
        result = crm_run("publish", e, url, "--as", "u-sam", "--user", ADMIN, "--password-file", bad)
        check("publish, wrong password: exit 1, the words",
              result.returncode == 1 and result.stderr.splitlines()[:1] == [refused], result)
        run("publish", e, url, "--as", "u-sam", "--user", ADMIN, "--password-file", good)
        result = crm_run("sync", d, url, "--as", "u-ana", "--user", ADMIN, "--password-file", bad)
        check("join, wrong password: exit 1, the words, no workspace",
              result.returncode == 1 and result.stderr.splitlines()[:1] == [refused]
              and not os.path.exists(f"{d}/workspace.snapshot"), result)
        result = crm_run("sync", d, url, "--as", "u-ana", "--user", ADMIN, "--password-file", good)
        check("join with the password", result.returncode == 0 and synced(result) == (0, 0, 0), result)

        run("set", d, "deal-13", "next_step=Send the signed order form", "--as", "u-ana")
        export_before, files_before = records(d), fingerprint(d)
        result = crm_run("sync", d, url, "--as", "u-ana", "--user", ADMIN, "--password-file", bad)
        check("sync, wrong password: exit 1, the words", failed_with(result, refused), result)
        check("sync, wrong password: the workspace as it was", records(d) == export_before)
        check("sync, wrong password: no file changed", fingerprint(d) == files_before)

        proxy.close()  # the network is gone
        result = crm_run("sync", d, url, "--as", "u-ana", "--user", ADMIN, "--password-file", good)
        check("sync, no network: exit 1, the words",
              failed_with(result, f"crm: Cannot reach the team server at {url}: "), result)
        check("sync, no network: the workspace as it was", records(d) == export_before)
        check("sync, no network: no file changed", fingerprint(d) == files_before)
        result = crm_run("sync", f"{work}/d2", url, "--as", "u-ana", "--user", ADMIN, "--password-file", good)
        check("join, no network: exit 1, the words, no workspace", result.returncode == 1
              and result.stderr.startswith(f"crm: Cannot reach the team server at {url}: ")
              and not os.path.exists(f"{work}/d2/workspace.snapshot"), result)
        proxy.listen()  # back

        missing = f"http://127.0.0.1:{proxy.port}/nothing-here"
        no_db = f"crm: There is no team database at {missing} (an admin starts one by publishing a workspace to it)"
        result = crm_run("sync", d, missing, "--as", "u-ana", "--user", ADMIN, "--password-file", good)
        check("sync with another team's database: refused in words, nothing changed",
              failed_with(result, f"crm: This workspace syncs with {url}, not {missing}")
              and fingerprint(d) == files_before, result)
        lone = f"{work}/lone"
        run("init", lone, "--demo")
        lone_files = fingerprint(lone)
        result = crm_run("sync", lone, url, "--as", "u-ana", "--user", ADMIN, "--password-file", good)
        check("sync of a workspace that is no team's: refused in words, nothing changed",
              failed_with(result, "crm: This workspace is not a team's: publishing starts a team "
                                  "database from it, and a new device joins one")
              and fingerprint(lone) == lone_files, result)
        result = crm_run("sync", f"{work}/d3", missing, "--as", "u-ana", "--user", ADMIN, "--password-file", good)
        check("join, no database: exit 1, the words, no workspace",
              result.returncode == 1 and result.stderr.splitlines()[:1] == [no_db]
              and not os.path.exists(f"{work}/d3/workspace.snapshot"), result)
        f = f"{work}/f"
        run("init", f, "--demo")
        result = crm_run("publish", f, url, "--as", "u-sam", "--user", ADMIN, "--password-file", good)
        check("publish where there is a database: exit 1, the words", result.returncode == 1
              and result.stderr == f"crm: There is already a team database at {url}"
              ": join it instead; a new team needs a new database name\n", result)
        with open(f"{work}/f.json", "w") as out:
            out.write(run("export", f))
        result = crm_run("import", d, f"{work}/f.json", "--as", "u-sam")
        check("a file replacing a team's copy: refused in words, nothing changed",
              result.returncode == 1 and result.stderr ==
              f"crm: this workspace is the team's copy from {url}, and a file cannot replace it "
              "without cutting it off from the team; merge the file instead\n"
              and fingerprint(d) == files_before, result)

        result = crm_run("sync", d, url, "--as", "u-ana", "--user", ADMIN, "--password-file", good)
        check("sync once it works: the unsent edit goes", synced(result) == (1, 0, 0), result)
        check("that sync keeps the edit", records(d)["deal-13"][0].get("next_step") == "Send the signed order form")
        result = crm_run("sync", e, url, "--as", "u-sam", "--user", ADMIN, "--password-file", good)
        check("the publisher gets it", synced(result) == (0, 1, 0)
              and records(e)["deal-13"][0].get("next_step") == "Send the signed order form", result)
    finally:
        server.kill()


def batch_documents(url, device):
    """Ids of the device's batch documents on the server, and whether any has conflicting revisions."""
    status, answer = http("GET", f"{url}/_all_docs?include_docs=true&conflicts=true&startkey="
                          + urllib.parse.quote(json.dumps(f"b-{device}-"))
                          + "&endkey=" + urllib.parse.quote(json.dumps(f"b-{device}-\ufff0")))
    rows = answer.get("rows", []) if status == 200 else []
    return [row["id"] for row in rows], [row["id"] for row in rows if row.get("doc", {}).get("_conflicts")]


def all_batch_documents(url):
    status, answer = http("GET", f"{url}/_all_docs?startkey=%22b-%22&endkey=%22b.%22")
    return [row["id"] for row in answer.get("rows", [])] if status == 200 else None


def edit_deals(a, first, last, edits):
    """Edits first..last-1, one crm set each, round the deals; edits: deal -> values in order."""
    for i in range(first, last):
        deal, value = f"deal-{i % DEALS + 1}", f"Follow-up {i + 1:03d}"
        run("set", a, deal, f"next_step={value}", "--as", "u-sam")
        edits.setdefault(deal, []).append(value)


def next_steps(ws, deal, device):
    """The next_step values of a record's history, and how many of its updates came from `device`."""
    entries = [h for h in history(ws, deal) if h["kind"] == "record.updated"]
    return ([h["data"]["fields"]["next_step"] for h in entries if "next_step" in h["data"].get("fields", {})],
            [h["actor"] for h in entries if h["device"] == device])


def server_killed():
    """6: the server killed mid-sync and restarted on the same files."""
    data = os.path.join(work, "server-disk", "data")
    os.makedirs(data, exist_ok=True)
    server = Server("server-disk", data=data)
    try:
        proxy = Proxy(server.port)
        url = f"http://127.0.0.1:{proxy.port}/team"
        direct = f"{server.url}/team"
        cut_off = f"crm: Cannot reach the team server at {url}: "
        a, b, c = f"{work}/kill-a", f"{work}/kill-b", f"{work}/kill-c"
        run("init", a, "--demo")
        run("publish", a, url, "--as", "u-sam")
        run("sync", b, url, "--as", "u-maria")

        # The data survives SIGKILL and a restart.
        server.kill()
        server.start()
        status, info = http("GET", direct)
        check("the server on disk keeps the database over SIGKILL and a restart",
              status == 200 and info.get("doc_count") == 3, (status, info))

        edits = {}
        edit_deals(a, 0, EDITS, edits)
        device = device_of(a, "deal-1")

        # Push: the server stores the first page, then dies before crm hears so.
        before = fingerprint(a)
        proxy.cut("POST /team/_bulk_docs", 1, "answered", server.kill)
        result = crm_run("sync", a, url, "--as", "u-sam")
        check("push cut: the server died once it had stored a page", proxy.cut_done.is_set())
        check("push cut: exit 1, the words", failed_with(result, cut_off), result)
        check("push cut: A's workspace as it was", fingerprint(a) == before)
        server.start()
        stored, _ = batch_documents(direct, device)
        check("push cut: the page the server took survived", 0 < len(stored) < EDITS, len(stored))
        result = crm_run("sync", a, url, "--as", "u-sam")
        check("push again: only what the server lacks", synced(result) == (EDITS - len(stored), 0, 0),
              (len(stored), result))

        # Pull: B applies one page, then the server dies.
        old = records(b)
        proxy.answered.clear()
        proxy.cut("POST /team/_bulk_get", 2, "answered", server.kill)
        result = crm_run("sync", b, url, "--as", "u-maria")
        check("pull cut: the server died on the second page", proxy.cut_done.is_set())
        check("pull cut: exit 1, the words", failed_with(result, cut_off), result)
        taken = sum(len(json.loads(body)["docs"]) for line, body in proxy.answered if "_bulk_get" in line)
        partly = records(b)
        changed = sum(partly[d][0].get("next_step") != old[d][0].get("next_step") for d in edits)
        check("pull cut: B kept what it took before the server died", 0 < taken < EDITS and changed > 0,
              (taken, changed))
        server.start()
        result = crm_run("sync", b, url, "--as", "u-maria")
        check("pull again: only what B lacks", synced(result) == (0, EDITS - taken, 0), (taken, result))

        ra, rb = records(a), records(b)
        check("after the kills: B's records equal A's", ra == rb, differences(ra, rb))
        check("after the kills: each deal's last edit",
              all(rb[d][0].get("next_step") == values[-1] for d, values in edits.items()))
        ids, conflicted = batch_documents(direct, device)
        check(f"the server holds one document per edit ({EDITS})", len(ids) == EDITS == len(set(ids)), len(ids))
        check("no document with conflicting revisions", conflicted == [], conflicted[:3])
        check("no batch documents but A's", all_batch_documents(direct) == ids,
              len(all_batch_documents(direct) or []))
        wrong = []
        for deal, values in sorted(edits.items()):
            seen, actors = next_steps(b, deal, device)
            if seen != values or actors != ["u-sam"] * len(values):
                wrong.append((deal, seen, actors, values))
        check("B's history: each of A's changes once, by its actor, from A's device", wrong == [], wrong[:2])
        check("B: no conflicts", conflicts(b) == [], conflicts(b))

        # The server dies as a push arrives, before it stored anything.
        edit_deals(a, EDITS, EDITS + MORE_EDITS, edits)
        proxy.cut("POST /team/_bulk_docs", 1, "before", server.kill)
        result = crm_run("sync", a, url, "--as", "u-sam")
        check("killed as the push arrives: exit 1, the words", proxy.cut_done.is_set()
              and failed_with(result, cut_off), result)
        server.start()
        result = crm_run("sync", a, url, "--as", "u-sam")
        check("killed as the push arrives: pushing again sends all of it",
              synced(result) == (MORE_EDITS, 0, 0), result)

        # A device joining while the server dies gets nothing; joining again, everything.
        proxy.cut("GET /team/_all_docs", 1, "answered", server.kill)
        result = crm_run("sync", c, url, "--as", "u-ben")
        check("join cut: exit 1, the words, no workspace", proxy.cut_done.is_set() and result.returncode == 1
              and result.stderr.startswith(cut_off) and not os.path.exists(f"{c}/workspace.snapshot"), result)
        server.start()
        result = crm_run("sync", c, url, "--as", "u-ben")
        check("join again: the base and every change", result.returncode == 0
              and result.stdout.startswith(f"joined the team database {url} (629 records, ")
              and synced(result) == (0, EDITS + MORE_EDITS, 0), result)
        result = crm_run("sync", b, url, "--as", "u-maria")
        check("B pulls the last edits once", synced(result) == (0, MORE_EDITS, 0), result)
        ra = records(a)
        check("at the end: B's records equal A's", records(b) == ra, differences(records(b), ra))
        check("at the end: C's records equal A's", records(c) == ra, differences(records(c), ra))
        ids, conflicted = batch_documents(direct, device)
        check(f"at the end: one document per edit ({EDITS + MORE_EDITS})",
              len(ids) == EDITS + MORE_EDITS and conflicted == [], (len(ids), conflicted[:3]))
        wrong = []
        for ws in (b, c):
            for deal in ("deal-1", "deal-7", "deal-60"):
                seen, actors = next_steps(ws, deal, device)
                if seen != edits[deal] or len(actors) != len(edits[deal]):
                    wrong.append((ws, deal, seen))
        check("at the end: B's and C's history, each change once", wrong == [], wrong[:2])
        for name, ws, user in (("A", a, "u-sam"), ("B", b, "u-maria"), ("C", c, "u-ben")):
            result = crm_run("sync", ws, url, "--as", user)
            check(f"at the end: sync {name} moves nothing", synced(result) == (0, 0, 0), result)
    finally:
        server.kill()


if not os.path.exists(SERVER) or not shutil.which("node"):
    sys.exit(f"pouchdb-server is not installed: {SERVER} (npm ci in tests/sync), or no node")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
started = time.monotonic()
main = Server("server-memory")
try:
    team = f"{main.url}/team"
    a, b, changes = two_devices(team)
    late_joiner(team, a, b, changes)
    restored_copy(team, a, f"{work}/c")
    large_import(team, a, f"{work}/b")
finally:
    main.kill()
failures()
server_killed()
print(f"took {time.monotonic() - started:.1f} s")
tally.finish()
