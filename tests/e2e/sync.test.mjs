// Team sync in the browser against a real CouchDB-protocol server:
// pouchdb-server from tests/sync, on 127.0.0.1, in memory. The command line
// starts the team database from the demo (crm publish, the admin's
// workspace) and joins it with a second workspace (crm sync); two browsers
// join through the Team dialog.
//
// - Offline, the two browsers and the two command-line workspaces change
//   different fields of one deal, the same field of another, create a deal
//   each, delete one and move deals to other stages. Back online and synced,
//   all four hold the same records; the same-field change is in every
//   conflict queue with both values, who and when; keeping one side in one
//   browser clears it everywhere after the next sync. A move and a change
//   that each passed but together leave a deal past its gate are in the
//   manager's exception queue.
// - A server that wants a password: a wrong one is refused in words and
//   changes nothing here; a password changed on the server makes background
//   sync fail in words in the top bar while work goes on, is kept over a
//   reload, and goes up once signed in again. No export holds the password.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, root, openApp, click, navigate, replaceText, state,
  findByTitle, record, reveal, drawnAfter, waitOpen, waitSaved, assertOnScreen, becomeUser,
} from "./helpers.mjs";

const POUCHDB = join(root, "tests/sync/node_modules/pouchdb-server/bin/pouchdb-server");
const CRM = [join(root, "build/native/cli/crm"), join(root, "build/dev/cli/crm")].find(existsSync);
const work = mkdtempSync(join(tmpdir(), "crm-sync-e2e-"));
const servers = [];

before(startBrowser);
after(async () => {
  await stopBrowser();
  for (const server of servers) server.stop();
  rmSync(work, { recursive: true, force: true });
});

const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const desktop = { viewport: { width: 1440, height: 900 } };
const tablet = { viewport: { width: 1024, height: 768 } };

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// pouchdb-server on 127.0.0.1 in memory, its files in a directory of its own.
async function startTeamServer(name) {
  const cwd = mkdtempSync(join(work, `${name}-`));
  const port = await freePort();
  const child = spawn("node", [POUCHDB, "--host", "127.0.0.1", "--port", String(port), "--in-memory", "-n"],
    { cwd, stdio: "ignore" });
  const server = {
    origin: `http://127.0.0.1:${port}`,
    stop: () => { if (child.exitCode === null) child.kill("SIGKILL"); },
  };
  servers.push(server);
  for (let tries = 0; tries < 300; tries++) {
    if (await fetch(server.origin + "/").then((r) => r.ok, () => false)) return server;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`pouchdb-server did not start (${cwd})`);
}

// One request to the server, as an admin when `auth` is given: [status, body].
async function http(method, url, body, auth) {
  const headers = { "Content-Type": "application/json" };
  if (auth) headers.Authorization = "Basic " + Buffer.from(auth.join(":")).toString("base64");
  const answer = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return [answer.status, await answer.json().catch(() => null)];
}

// An account on the server, named as the person's user id in the workspace.
async function addAccount(server, name, password, auth) {
  const url = `${server.origin}/_users/org.couchdb.user:${name}`;
  const [, existing] = await http("GET", url, undefined, auth);
  const doc = { name, password, roles: [], type: "user" };
  if (existing && existing._rev) doc._rev = existing._rev;
  const [status] = await http("PUT", url, doc, auth);
  assert.ok(status < 300, `the server took the account ${name} (${status})`);
}

function crm(...args) {
  return execFileSync(CRM, args, { encoding: "utf8", env: { ...process.env, no_proxy: "127.0.0.1" } });
}

// The team database, started from the demo by the command line as the admin.
function publishDemo(url, ...auth) {
  const dir = join(work, `published-${Date.now()}`);
  crm("init", dir, "--demo");
  crm("publish", dir, url, "--as", "u-sam", ...auth);
  return dir;
}

// The Team dialog: from the person's name in a team's workspace, else from
// "who I am" (on phones and tablets, in the menu).
async function openTeamDialog(page) {
  const drawn = () => page.evaluate(() => window.crmTest.rects());
  let rects = await drawn();
  if (!rects["team-account"] && !rects["user-switcher"]) {
    await click(page, rects["tab-menu"] ? "tab-menu" : "menu");
    rects = await drawn();
  }
  if (rects["team-account"]) {
    await click(page, "team-account");
  } else {
    await click(page, "user-switcher");
    await click(page, "open-team");
  }
  await page.waitForFunction(() => window.crmTest.state().team.dialog_open);
}

// The Team dialog: sign in with `user` and `password`; joining replaces the
// workspace with the team's (or, when it is the team's already, signs in).
async function signIn(page, url, user, password, shot) {
  await openTeamDialog(page);
  await replaceText(page, "team-url", url);
  await replaceText(page, "team-user", user);
  await replaceText(page, "team-password", password);
  if (shot) await page.screenshot({ path: join(shots, shot) });
  await click(page, "team-join");
  await page.waitForFunction(() => {
    const team = window.crmTest.state().team;
    return !team.dialog_busy && (team.dialog_message || team.signed_in);
  }, null, { timeout: 60000 });
}

const team = (page) => state(page).then((s) => s.team);

// Waits for the sync running (if any), then syncs once more and returns
// what the app says after it.
async function syncNow(page) {
  await page.waitForFunction(() => !window.crmTest.state().team.syncing, null, { timeout: 60000 });
  const before = (await team(page)).completed;
  await page.evaluate(() => window.crmTest.syncNow());
  await page.waitForFunction((b) => {
    const t = window.crmTest.state().team;
    return t.completed > b && !t.syncing;
  }, before, { timeout: 60000 });
  await waitSaved(page);
  return team(page);
}

// No network to the team server: fetch fails as it does offline
// (setOffline alone does not stop every request).
async function cutOff(context, server, { browserOffline = false } = {}) {
  await context.route(`${server.origin}/**`, (route) => route.abort("internetdisconnected"));
  if (browserOffline) await context.setOffline(true);
}
async function reconnect(context, server) {
  await context.setOffline(false);
  await context.unroute(`${server.origin}/**`);
}

async function openRecord(page, title, id) {
  await drawnAfter(page, () => page.keyboard.press("Control+k"));
  if (!(await state(page)).palette_open) await click(page, "tab-search");
  await page.waitForFunction(() => window.crmTest.state().palette_open === true);
  await page.keyboard.type(title, { delay: 15 });
  await page.waitForFunction((t) => window.crmTest.state().palette_hits.includes(t), title);
  const hit = (await state(page)).palette_hits.indexOf(title);
  await click(page, `palette-${hit}`);
  await page.waitForFunction((i) => window.crmTest.state().form_record === i, id);
  await page.waitForTimeout(200);
}

// Sets fields of a record through its form, as a person types them.
async function editRecord(page, title, id, values) {
  await openRecord(page, title, id);
  await editOpenRecord(page, values);
}

async function editOpenRecord(page, values) {
  for (const [field, text] of Object.entries(values)) {
    await reveal(page, `field-${field}`);
    await replaceText(page, `field-${field}`, text);
  }
  await click(page, "save-record");
  await page.waitForFunction(() => !window.crmTest.state().form_open || window.crmTest.state().form_message);
  assert.equal((await state(page)).form_message, "");
}

async function createDeal(page, name, amount) {
  // A phone's bottom bar has the deals a tap away; its menu scrolls.
  const rects = await page.evaluate(() => window.crmTest.rects());
  if (rects["tab-records"]) await click(page, "tab-records");
  else await navigate(page, "type-deal");
  await page.waitForFunction(() => window.crmTest.state().screen === "records");
  await click(page, "new-record");
  await replaceText(page, "field-name", name);
  await replaceText(page, "field-amount", amount);
  await click(page, "save-record");
  await page.waitForFunction((n) => window.crmTest.state().notice === `Created ${n}`, name);
}

// What every device must agree on: fields, owner, each process's stage and status.
function comparable(kept) {
  if (!kept) return null;
  const flows = Object.fromEntries(Object.entries(kept.flows || {})
    .map(([flow, at]) => [flow, { stage: at.stage ?? null, status: at.status, outcome: at.outcome ?? null }]));
  return { fields: kept.fields, owner: kept.owner, flows };
}
const shownByCli = (dir, id) => comparable(JSON.parse(crm("show", dir, id)));
const shownInBrowser = async (page, id) => comparable(await record(page, id));

// The top bar as the person sees it, saved for looking at.
async function topBarShot(page, file) {
  await page.waitForTimeout(300);
  const { width } = page.viewportSize();
  await page.screenshot({ path: join(shots, file), clip: { x: 0, y: 0, width, height: 70 } });
}

test("two browsers and two command-line workspaces change records offline, sync, agree, and settle a conflict once for all", async () => {
  const server = await startTeamServer("team");
  const url = `${server.origin}/northwind`;
  await addAccount(server, "u-ana", "ana-secret");
  await addAccount(server, "u-maria", "maria-secret");
  const sam = publishDemo(url); // the admin's workspace, the team's first device
  const cli = join(work, "ben");
  assert.match(crm("sync", cli, url, "--as", "u-ben"), /^joined the team database/);

  const anaContext = await browser.newContext(desktop);
  const ana = await openApp(anaContext, { onMyWork: true });
  await signIn(ana, url, "u-ana", "ana-secret");
  const mariaContext = await browser.newContext(phone);
  const maria = await openApp(mariaContext, { onMyWork: true });
  await signIn(maria, url, "u-maria", "maria-secret", "team-sign-in-390x844.png");
  for (const [page, user] of [[ana, "u-ana"], [maria, "u-maria"]]) {
    await page.waitForFunction(() => window.crmTest.state().team.completed >= 1, null, { timeout: 60000 });
    const now = await state(page);
    assert.equal(now.user, user);
    assert.equal(now.records, 629);
    assert.equal(now.notice, "Joined the team: 629 records");
    assert.equal(now.team.status, "Synced just now");
    assert.equal(now.team.error, "");
  }
  await ana.screenshot({ path: join(shots, "sync-joined-1440x900.png") });
  await maria.screenshot({ path: join(shots, "team-signed-in-390x844.png") });
  await click(ana, "team-close");
  // Signed in, the person is the account: no switcher, the name opens the Team dialog.
  const anaRects = await ana.evaluate(() => window.crmTest.rects());
  assert.equal(anaRects["user-switcher"], undefined);
  assert.ok(anaRects["team-account"]);
  await click(maria, "team-close");

  // Offline: the browsers' requests to the server fail; the command line does not sync.
  await cutOff(anaContext, server, { browserOffline: true });
  await cutOff(mariaContext, server);
  const acme = "Acme Logistics – Fleet tracking rollout", delta = "Delta Freight – Renewal upsell";
  // Different fields of one deal: Ana its probability and a stage move, Maria its next step.
  await openRecord(ana, acme, "deal-1");
  await reveal(ana, "move-next-sales_pipeline");
  await click(ana, "move-next-sales_pipeline");
  await ana.waitForFunction(() => window.crmTest.state().move_open === true);
  await replaceText(ana, "move-field-budget", "30000 USD");
  await click(ana, "move-submit");
  await ana.waitForFunction(() => window.crmTest.state().move_open === false);
  await editOpenRecord(ana, { probability: "40" });
  await editRecord(maria, acme, "deal-1", { next_step: "Call the CFO" });
  // The same field of one deal: a conflict.
  await editRecord(ana, delta, "deal-4", { amount: "15000 USD" });
  await editRecord(maria, delta, "deal-4", { amount: "13000 USD" });
  // A new deal on each device.
  await createDeal(ana, "Harbor cranes retrofit", "25000 EUR");
  await createDeal(maria, "Quayside sensors", "9000 EUR");
  crm("add", cli, "deal", "name=Depot scanners", "amount=18000 EUR", "--as", "u-ben");
  // Ben moves his deal back a stage and changes it.
  crm("move", cli, "deal-5", "proposal_sent", "--as", "u-ben");
  crm("set", cli, "deal-5", "probability=55", "--as", "u-ben");
  // Sam deletes a deal and sets another field of the first one; he also
  // says Ben's deal had no demo, which the stage Ben moves it to needs.
  crm("delete", sam, "deal-51", "--as", "u-sam");
  crm("set", sam, "deal-1", "close_date=2027-03-31", "--as", "u-sam");
  crm("set", sam, "deal-5", "demo_completed=false", "--as", "u-sam");

  // Offline in words: Ana's browser knows it has no network; Maria's only that the server is not reached.
  await ana.evaluate(() => window.crmTest.syncNow());
  await ana.waitForFunction(() => /^Offline — \d+ changes waiting$/.test(window.crmTest.state().team.status));
  await topBarShot(ana, "sync-offline-topbar-1440x900.png");
  const failed = await syncNow(maria);
  assert.match(failed.status, new RegExp(`^Sync failed: Cannot reach the team server at ${url}: ` +
    "the connection failed \\(.+\\), retrying in \\d+ (s|min)$"));
  assert.match(failed.short_status, /^Sync failed · retry in \d+ (s|min)$/);
  assert.ok(failed.waiting >= 3, `Maria has ${failed.waiting} changes waiting`);
  await topBarShot(maria, "sync-failed-topbar-390x844.png");

  // Back online: each device syncs twice, so each has all the others' changes.
  // Maria keeps the first deal open meanwhile: it shows Ana's changes as they arrive.
  await openRecord(maria, acme, "deal-1");
  await reconnect(anaContext, server);
  await reconnect(mariaContext, server);
  for (let round = 0; round < 2; round++) {
    for (const page of [ana, maria]) {
      const after = await syncNow(page);
      assert.equal(after.error, "");
      assert.equal(after.waiting, 0);
    }
    for (const [dir, user] of [[cli, "u-ben"], [sam, "u-sam"]])
      assert.match(crm("sync", dir, url, "--as", user), /^pushed \d+ changes?, pulled \d+ changes?/);
  }
  assert.equal((await team(ana)).status, "Synced just now");
  await topBarShot(ana, "sync-synced-topbar-1440x900.png");
  const open = await state(maria);
  assert.equal(open.form_record, "deal-1");
  assert.equal(open.form_values.probability, "40");
  assert.equal(open.form_values.next_step, "Call the CFO");
  await click(maria, "form-back");

  // Everyone holds the same values, their own and the others'.
  const ids = ["deal-1", "deal-4", "deal-5"];
  for (const title of ["Harbor cranes retrofit", "Quayside sensors", "Depot scanners"]) {
    const id = await findByTitle(ana, title);
    assert.ok(id, `Ana has ${title}`);
    assert.equal(await findByTitle(maria, title), id, `Maria has ${title}`);
    ids.push(id);
  }
  for (const id of ids) {
    const cliSays = shownByCli(cli, id);
    assert.deepEqual(shownByCli(sam, id), cliSays, `Sam's ${id} is Ben's`);
    assert.deepEqual(await shownInBrowser(ana, id), cliSays, `Ana's ${id} is the command line's`);
    assert.deepEqual(await shownInBrowser(maria, id), cliSays, `Maria's ${id} is the command line's`);
  }
  // The deleted deal is gone everywhere; all four hold the same records (the
  // new deals' automation made the same tasks on each).
  const exported = (dir) => JSON.parse(crm("export", dir)).records.map((r) => r.id).sort();
  const everywhere = exported(cli);
  assert.ok(everywhere.length > 629 - 1 + 3, `${everywhere.length} records`);
  assert.ok(!everywhere.includes("deal-51"));
  assert.deepEqual(exported(sam), everywhere);
  for (const page of [ana, maria]) {
    assert.equal(await record(page, "deal-51"), null);
    assert.equal((await state(page)).records, everywhere.length);
  }
  const deal1 = shownByCli(cli, "deal-1");
  assert.equal(deal1.fields.probability, 40);
  assert.equal(deal1.fields.next_step, "Call the CFO");
  assert.equal(deal1.fields.close_date, "2027-03-31");
  assert.equal(deal1.flows.sales_pipeline.stage, "qualified");
  const deal5 = shownByCli(cli, "deal-5");
  assert.equal(deal5.fields.probability, 55);
  assert.equal(deal5.fields.demo_completed, false);
  assert.equal(deal5.flows.sales_pipeline.stage, "proposal_sent");

  // Ben's move and Sam's change each passed; together they leave deal-5 past
  // its gate, which every device lists for the manager.
  const pastGate = (groups) => groups.find((group) => group.kind === "past_gate");
  for (const dir of [cli, sam]) {
    const groups = crm("exceptions", dir, "--as", "u-maria").trim().split("\n").map((line) => JSON.parse(line));
    const listed = pastGate(groups);
    assert.ok(listed, `${dir}: ${JSON.stringify(groups.map((group) => group.kind))}`);
    assert.deepEqual(listed.items.map((item) => item.record), ["deal-5"]);
  }
  await navigate(maria, "open-exceptions");
  await maria.waitForFunction(() => window.crmTest.state().screen === "exceptions");
  const shown = pastGate((await state(maria)).exception_groups);
  assert.equal(shown.title, "Synced past a gate: Proposal sent (Sales pipeline)");
  assert.deepEqual(shown.items.map((item) => item.record), ["deal-5"]);
  assert.match(shown.items[0].detail, /^not met: Demo completed is yes · after Sam .+'s change, /);
  await click(maria, `exceptions-${shown.group}`);
  await assertOnScreen(maria, ["exception-open-deal-5"]);
  await maria.waitForTimeout(300);
  await maria.screenshot({ path: join(shots, "exceptions-past-gate-390x844.png") });

  // The same-field change is one conflict, with one id, on every device.
  const listed = crm("conflicts", cli).trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));
  assert.deepEqual(listed.map((c) => [c.record, c.field]), [["deal-4", "amount"]], JSON.stringify(listed));
  const [{ id: amountId }] = listed;
  for (const page of [ana, maria]) {
    const queue = (await team(page)).conflicts;
    assert.deepEqual(queue.map((c) => c.id), [amountId]);
    const [amount] = queue;
    assert.equal(amount.title, delta);
    assert.equal(amount.field, "Amount");
    assert.deepEqual([amount.kept.value, amount.other.value].sort(), ["USD 13,000", "USD 15,000"]);
    assert.deepEqual([amount.kept.who, amount.other.who].sort(), ["Ana Reyes", "Maria Lindqvist"]);
  }

  // The queues, as each person sees them.
  await navigate(ana, "open-conflicts");
  await ana.waitForFunction(() => window.crmTest.state().screen === "conflicts");
  await assertOnScreen(ana, [`conflict-kept-${amountId}`, `conflict-other-${amountId}`, `conflict-open-${amountId}`]);
  await ana.waitForTimeout(300);
  await ana.screenshot({ path: join(shots, "conflicts-1440x900.png") });
  await ana.setViewportSize(tablet.viewport);
  await ana.waitForTimeout(400);
  await assertOnScreen(ana, [`conflict-kept-${amountId}`, `conflict-other-${amountId}`, "sync-status", "team-account"]);
  await ana.screenshot({ path: join(shots, "conflicts-1024x768.png") });
  await ana.setViewportSize(desktop.viewport);
  await navigate(maria, "open-conflicts");
  await maria.waitForFunction(() => window.crmTest.state().screen === "conflicts");
  await assertOnScreen(maria, [`conflict-kept-${amountId}`, `conflict-other-${amountId}`, "sync-status"]);
  await maria.waitForTimeout(300);
  await maria.screenshot({ path: join(shots, "conflicts-390x844.png") });

  // Ana keeps the amount that lost: after the next syncs it stands everywhere and no queue lists it.
  const keptOther = (await team(ana)).conflicts[0].other.value;
  await click(ana, `conflict-other-${amountId}`);
  await ana.waitForFunction(() => window.crmTest.state().team.conflicts.length === 0);
  assert.equal((await state(ana)).notice, `Kept ${keptOther} as Amount of ${delta}`);
  await syncNow(ana);
  await syncNow(maria);
  crm("sync", cli, url, "--as", "u-ben");
  crm("sync", sam, url, "--as", "u-sam");
  assert.deepEqual((await team(maria)).conflicts, []);
  assert.equal(crm("conflicts", cli).trim(), "");
  assert.equal(crm("conflicts", sam).trim(), "");
  const amount = Number(keptOther.replace(/[^0-9]/g, ""));
  for (const kept of [shownByCli(cli, "deal-4"), shownByCli(sam, "deal-4"), await shownInBrowser(ana, "deal-4"),
    await shownInBrowser(maria, "deal-4")])
    assert.deepEqual(kept.fields.amount, { amount, currency: "USD" });
  await maria.waitForTimeout(300);
  await maria.screenshot({ path: join(shots, "conflicts-settled-390x844.png") });

  // After a reload the account is still signed in, and the person is still the account.
  await ana.reload();
  await waitOpen(ana);
  await ana.waitForFunction(() => window.crmTest.state().team.completed >= 1, null, { timeout: 60000 });
  assert.equal((await state(ana)).user, "u-ana");
  assert.equal((await team(ana)).status, "Synced just now");
  assert.deepEqual(ana.errors, []);
  assert.deepEqual(maria.errors, []);
  await anaContext.close();
  await mariaContext.close();
  server.stop();
});

test("a wrong password is refused in words and changes nothing; a changed one stops sync, not work", async () => {
  const server = await startTeamServer("guarded");
  const admin = ["alice", "secret"];
  const [status] = await http("PUT", `${server.origin}/_config/admins/alice`, "secret");
  assert.equal(status, 200); // the server leaves admin party: every request needs an account
  await addAccount(server, "u-ana", "ana-secret", admin);
  const url = `${server.origin}/northwind`;
  const passwordFile = join(work, "admin-password");
  writeFileSync(passwordFile, "secret\n");
  publishDemo(url, "--user", "alice", "--password-file", passwordFile);

  const context = await browser.newContext(tablet);
  const page = await openApp(context, { onMyWork: true });
  // Work done before, on this device's own workspace.
  assert.ok(await page.evaluate(() => window.crmTest.setNumber("deal-1", "probability", 35)));
  await waitSaved(page);
  const before = await state(page);

  await signIn(page, url, "u-ana", "not-her-password");
  const refused = await team(page);
  assert.equal(refused.dialog_message, `The team server at ${url} did not accept the user name or password ` +
    "(HTTP 401)\n\nNothing on this device was changed.");
  assert.equal(refused.signed_in, false);
  await page.screenshot({ path: join(shots, "sync-wrong-password-1024x768.png") });
  const after = await state(page);
  assert.equal(after.records, before.records);
  assert.equal(after.last_seq, before.last_seq);
  assert.equal((await record(page, "deal-1")).fields.probability, 35);

  // A user the team does not have is refused too, and nothing changes.
  await addAccount(server, "u-nobody", "pw", admin);
  await replaceText(page, "team-user", "u-nobody");
  await replaceText(page, "team-password", "pw");
  await click(page, "team-join");
  await page.waitForFunction(() => window.crmTest.state().team.dialog_message.startsWith("There is no user"));
  assert.equal((await team(page)).dialog_message, "There is no user \"u-nobody\" in the team's workspace. " +
    "Your user name is your user id in the team's workspace.\n\nNothing on this device was changed.");
  assert.equal((await state(page)).last_seq, before.last_seq);

  await replaceText(page, "team-user", "u-ana");
  await replaceText(page, "team-password", "ana-secret");
  await click(page, "team-join");
  await page.waitForFunction(() => window.crmTest.state().team.completed >= 1, null, { timeout: 60000 });
  assert.equal((await team(page)).status, "Synced just now");
  assert.equal((await record(page, "deal-1")).fields.probability, 10, "the team's deal, not this device's old one");
  await click(page, "team-close");

  // The password changes on the server: background sync fails in words, work goes on.
  await addAccount(server, "u-ana", "new-secret", admin);
  assert.ok(await page.evaluate(() => window.crmTest.setNumber("deal-1", "probability", 60)));
  await page.waitForFunction(() => window.crmTest.state().team.error !== "", null, { timeout: 30000 });
  const words = `Sync failed: The team server at ${url} did not accept the user name or password (HTTP 401)`;
  const failing = await team(page);
  assert.match(failing.status, new RegExp(`^${words.replace(/[()]/g, "\\$&")}, retrying in \\d+ s$`));
  assert.equal(failing.waiting, 1);
  assert.equal((await record(page, "deal-1")).fields.probability, 60);
  await assertOnScreen(page, ["sync-status", "save-state", "team-account"]);
  await topBarShot(page, "sync-401-topbar-1024x768.png");
  await click(page, "sync-status"); // the whole story, one tap away
  await page.waitForFunction(() => window.crmTest.state().team.dialog_open);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, "sync-401-dialog-1024x768.png") });

  // No export holds the account.
  const [download] = await Promise.all([page.waitForEvent("download"), (async () => {
    await click(page, "team-close");
    await click(page, "export");
  })()]);
  const exported = readFileSync(await download.path(), "utf8");
  assert.ok(!exported.includes("ana-secret") && !exported.includes(server.origin), "the export holds no account");

  // Kept over a reload: the change, the account, the failure.
  await page.reload();
  await waitOpen(page);
  assert.equal((await record(page, "deal-1")).fields.probability, 60);
  await page.waitForFunction(() => window.crmTest.state().team.completed >= 1, null, { timeout: 60000 });
  assert.equal((await team(page)).error, words.replace("Sync failed: ", ""));

  // Signed in again with the new password, the change goes up.
  await openTeamDialog(page);
  await click(page, "team-sign-out");
  await page.waitForFunction(() => !window.crmTest.state().team.signed_in);
  // Signed out, the team's workspace stays its person's: no switcher, the status says so.
  const signedOut = await state(page);
  assert.equal(signedOut.user, "u-ana");
  assert.equal(signedOut.team.status, "Signed out: not syncing");
  await assertOnScreen(page, ["team-account", "sync-status"]);
  assert.equal((await page.evaluate(() => window.crmTest.rects()))["user-switcher"], undefined);
  const syncs = (await team(page)).completed;
  await signIn(page, url, "u-ana", "new-secret");
  assert.equal((await state(page)).notice, "Signed in as Ana Reyes");
  await page.waitForFunction((b) => window.crmTest.state().team.completed > b && !window.crmTest.state().team.syncing,
    syncs, { timeout: 60000 });
  const synced = await team(page);
  assert.equal(synced.error, "");
  assert.equal(synced.waiting, 0);
  const cli = join(work, "ana-check");
  crm("sync", cli, url, "--as", "u-ana", "--user", "alice", "--password-file", passwordFile);
  assert.equal(shownByCli(cli, "deal-1").fields.probability, 60);
  assert.deepEqual(page.errors, []);
  await context.close();
  server.stop();
});

// One person closes a deal as lost while another moves it back a stage:
// one conflict on every device, the later move standing everywhere; keeping
// the close is a move there, through its gate. A deal an admin deleted while
// it was changed elsewhere is listed too, and dismissed once for all.
test("a deal closed on one device while moved on another, and one deleted while changed, are settled once for all",
  async () => {
    const server = await startTeamServer("stages");
    const url = `${server.origin}/northwind`;
    await addAccount(server, "u-maria", "maria-secret");
    publishDemo(url);
    const ben = join(work, "stages-ben"), sam = join(work, "stages-sam");
    crm("sync", ben, url, "--as", "u-ben");
    crm("sync", sam, url, "--as", "u-sam");
    const context = await browser.newContext(phone);
    const maria = await openApp(context, { onMyWork: true });
    await signIn(maria, url, "u-maria", "maria-secret");
    await maria.waitForFunction(() => window.crmTest.state().team.completed >= 1, null, { timeout: 60000 });
    await click(maria, "team-close");

    await cutOff(context, server);
    const evergreen = "Evergreen Schools – Pilot expansion";
    await openRecord(maria, evergreen, "deal-5");
    await reveal(maria, "end-as-sales_pipeline");
    await click(maria, "end-as-sales_pipeline");
    await click(maria, "end-closed_lost");
    await maria.waitForFunction(() => window.crmTest.state().move_open === true);
    await replaceText(maria, "move-reason", "Budget cut");
    await click(maria, "move-submit");
    await maria.waitForFunction(() => window.crmTest.state().move_open === false);
    assert.equal((await record(maria, "deal-5")).flows.sales_pipeline.outcome, "closed_lost");
    await click(maria, "form-back");
    const dana = "Dana García";
    await editRecord(maria, dana, "contact-46", { job_title: "Head of Operations" });
    await maria.waitForTimeout(1500); // Ben's move comes later, by the clock too
    crm("move", ben, "deal-5", "proposal_sent", "--as", "u-ben");
    crm("delete", sam, "contact-46", "--as", "u-sam");
    await reconnect(context, server);
    const syncAll = async () => {
      for (let round = 0; round < 2; round++) {
        await syncNow(maria);
        crm("sync", ben, url, "--as", "u-ben");
        crm("sync", sam, url, "--as", "u-sam");
      }
    };
    await syncAll();

    const benSays = shownByCli(ben, "deal-5");
    assert.deepEqual(shownByCli(sam, "deal-5"), benSays, "the observer's deal is Ben's");
    assert.deepEqual(await shownInBrowser(maria, "deal-5"), benSays, "Maria's deal is Ben's");
    assert.equal(await record(maria, "contact-46"), null, "the deletion stands");
    const listed = (dir) => crm("conflicts", dir).trim().split("\n").filter(Boolean).map((line) => JSON.parse(line).id);
    const ids = listed(ben);
    assert.equal(ids.length, 2, ids.join(", "));
    assert.equal(ids[0], "deal-5/flow:sales_pipeline");
    assert.match(ids[1], /^contact-46\/deleted\//);
    assert.deepEqual(listed(sam), ids);
    const [stage, deletion] = (await team(maria)).conflicts;
    assert.deepEqual([stage.id, stage.field, stage.kept.value, stage.other.value],
      ["deal-5/flow:sales_pipeline", "Stage (Sales pipeline)", "Proposal sent", "Closed lost"]);
    assert.deepEqual([deletion.id, deletion.title, deletion.deletion, deletion.kept.who, deletion.other.who,
      deletion.other.value], [ids[1], dana, true, "Sam Patel", "Maria Lindqvist", "Job title: Head of Operations"]);
    // The phone's menu names the account (it opens the Team dialog) and counts the conflicts.
    await click(maria, "tab-menu");
    await assertOnScreen(maria, ["team-account", "open-conflicts"]);
    await maria.waitForTimeout(300);
    await maria.screenshot({ path: join(shots, "team-menu-390x844.png") });
    await click(maria, "open-conflicts");
    await maria.waitForFunction(() => window.crmTest.state().screen === "conflicts");
    await maria.waitForTimeout(300);
    await maria.screenshot({ path: join(shots, "conflicts-stage-390x844.png") });

    // Keeping the close is a move there, through its gate (a reason); the deletion is dismissed.
    await click(maria, `conflict-other-${stage.id}`);
    await maria.waitForFunction(() => window.crmTest.state().move_open === true);
    await replaceText(maria, "move-reason", "Budget cut");
    await click(maria, "move-submit");
    await maria.waitForFunction(() => window.crmTest.state().team.conflicts.length === 1);
    await click(maria, `conflict-dismiss-${deletion.id}`);
    await maria.waitForFunction(() => window.crmTest.state().team.conflicts.length === 0);
    assert.equal((await state(maria)).notice, `Dismissed: ${dana}`);
    await syncAll();
    for (const dir of [ben, sam]) {
      assert.equal(crm("conflicts", dir).trim(), "");
      assert.equal(shownByCli(dir, "deal-5").flows.sales_pipeline.outcome, "closed_lost");
    }
    assert.deepEqual(await shownInBrowser(maria, "deal-5"), shownByCli(ben, "deal-5"));
    await context.close();
    server.stop();
  });

test("an admin starts a team database from the browser's workspace; the command line joins it", async () => {
  const server = await startTeamServer("started");
  const url = `${server.origin}/fieldwork`;
  // Creating a database takes a server admin (pouchdb-server falls over on anyone else's).
  const [status] = await http("PUT", `${server.origin}/_config/admins/u-sam`, "sam-secret");
  assert.equal(status, 200);
  const passwordFile = join(work, "sam-password");
  writeFileSync(passwordFile, "sam-secret\n");
  const context = await browser.newContext(desktop);
  const page = await openApp(context, { onMyWork: true });
  const records = (await state(page)).records;
  // Only admins are offered it; the demo's admin is Sam.
  await openTeamDialog(page);
  assert.equal((await page.evaluate(() => window.crmTest.rects()))["team-publish"], undefined);
  await click(page, "team-cancel");
  await becomeUser(page, "u-sam");
  await openTeamDialog(page);
  await replaceText(page, "team-url", url);
  await replaceText(page, "team-user", "u-sam");
  await replaceText(page, "team-password", "sam-secret");
  await click(page, "team-publish");
  await page.waitForFunction(() => window.crmTest.state().team.completed >= 1, null, { timeout: 60000 });
  const started = await state(page);
  assert.equal(started.notice, `Started the team database with ${records} records`);
  assert.equal(started.team.error, "");
  assert.equal(started.team.waiting, 0);
  assert.equal(started.user, "u-sam");

  // A change here reaches a device that joins.
  assert.ok(await page.evaluate(() => window.crmTest.setNumber("deal-2", "probability", 45)));
  await page.waitForFunction(() => window.crmTest.state().team.waiting === 0 &&
    window.crmTest.state().team.completed >= 2, null, { timeout: 60000 });
  const cli = join(work, "started-ben");
  crm("sync", cli, url, "--as", "u-ben", "--user", "u-sam", "--password-file", passwordFile);
  assert.equal(shownByCli(cli, "deal-2").fields.probability, 45);
  assert.deepEqual(shownByCli(cli, "deal-2"), await shownInBrowser(page, "deal-2"));

  // With a change the team has not got, joining another team is refused: it would replace it.
  server.stop();
  assert.ok(await page.evaluate(() => window.crmTest.setNumber("deal-2", "probability", 50)));
  await page.waitForFunction(() => window.crmTest.state().team.waiting === 1);
  await openTeamDialog(page);
  await click(page, "team-sign-out");
  await signIn(page, `${server.origin}/elsewhere`, "u-sam", "sam-secret");
  const refused = await state(page);
  assert.equal(refused.team.dialog_message, `This device has 1 change not yet sent to ${url}, and ` +
    `joining ${server.origin}/elsewhere would replace it. Sign in to ${url} again and sync first; ` +
    "nothing has changed");
  assert.equal(refused.records, records);
  assert.equal((await record(page, "deal-2")).fields.probability, 50);
  assert.deepEqual(page.errors, []);
  await context.close();
});
