// Merging a workspace file in the browser: the Import button's question says
// what merging and what replacing would do; merging updates a record by id
// and adds a new one with its own id, removes nothing, and is kept across a
// reload. At desktop size as the admin (both ways offered) and at phone size
// as a manager (merge only).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, waitOpen, waitSaved, state, findByTitle, click,
  switchUser, assertOnScreen, pickImportFile,
} from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

// The workspace as it stands, exported, with deal-1 renamed and a company added.
async function fileToMerge(page, name) {
  await showInMenu(page, "export");
  const [download] = await Promise.all([page.waitForEvent("download"), click(page, "export")]);
  const exported = join(shots, `${name}-base.json`);
  await download.saveAs(exported);
  const file = JSON.parse(await readFile(exported, "utf8"));
  const deal = file.records.find((record) => record.id === "deal-1");
  deal.fields.name = "Fleet tracking rollout (merged)";
  file.records.push({ id: "company-950", type: "company", owner: "u-ana", fields: { name: "Merged Harbour Ltd" } });
  const path = join(shots, `${name}.json`);
  await writeFile(path, JSON.stringify(file));
  return { path, records: file.records.length };
}

// On a phone who one is, Import and Export sit in the navigation menu (Import
// and Export at its foot): open it and scroll until the control shows.
async function showInMenu(page, name) {
  const rect = () => page.evaluate((n) => window.crmTest.rects()[n] || null, name);
  await page.waitForTimeout(250); // a menu the last tap closed may still draw a frame or two
  if (!(await rect())) {
    await click(page, "tab-menu");
    await page.waitForFunction((n) => window.crmTest.rects()[n], name, { timeout: 5000 });
    await page.waitForTimeout(100); // the menu's first frame is a measuring pass
  }
  const height = page.viewportSize().height;
  for (let i = 0; i < 20; i++) {
    const r = await rect();
    if (r && r.y >= 0 && r.y + r.h < height * 0.85) break;
    await page.mouse.move(page.viewportSize().width / 2, height / 2);
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(100);
  }
}

async function pickWorkspaceFile(page, path) {
  await showInMenu(page, "import");
  await pickImportFile(page, path);
  await page.waitForFunction(() => window.crmTest.state().import_question.file !== "");
  return (await state(page)).import_question;
}

async function mergeAndCheck(page, { name, user, canReplace }) {
  await showInMenu(page, "user-switcher");
  await switchUser(page, user);
  const { path, records } = await fileToMerge(page, name);
  const before = (await state(page)).records;
  const question = await pickWorkspaceFile(page, path);
  assert.equal(question.file, `${name}.json`);
  assert.equal(question.merge, `Merge into this workspace. Records: 1 added, 1 updated, ${records - 2} unchanged, ` +
    "matched by id; none are removed. People, processes and settings stay as they are.");
  assert.equal(question.can_merge, true);
  assert.equal(question.can_replace, canReplace);
  if (!canReplace) assert.equal(question.replace, "Only admins can replace the whole workspace.");
  assert.equal((await state(page)).records, before, "asking changes nothing");
  await assertOnScreen(page, ["import-merge", "import-replace", "import-cancel"]);
  await page.screenshot({ path: join(shots, `${name}-question.png`) });

  await click(page, "import-merge");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Merged"));
  assert.match((await state(page)).notice,
    new RegExp(`^Merged ${name}\\.json: 1 added, 1 updated, ${records - 2} unchanged \\(batch \\d+\\)$`));
  assert.equal((await state(page)).records, before + 1);
  assert.equal(await findByTitle(page, "Fleet tracking rollout (merged)"), "deal-1");
  assert.equal(await findByTitle(page, "Merged Harbour Ltd"), "company-950");
  await page.screenshot({ path: join(shots, `${name}-merged.png`) });

  await waitSaved(page);
  await page.reload();
  await waitOpen(page);
  assert.equal(await findByTitle(page, "Fleet tracking rollout (merged)"), "deal-1");
  assert.equal(await findByTitle(page, "Merged Harbour Ltd"), "company-950");
  assert.deepEqual(page.errors, []);
}

test("an admin merges a workspace file: one record updated, one added with its id (desktop)", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await openApp(context);
  await mergeAndCheck(page, { name: "merge-desktop", user: "u-sam", canReplace: true });
  await context.close();
});

test("a manager merges a workspace file on a phone; replacing is for admins", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
    hasTouch: true, isMobile: true, acceptDownloads: true });
  const page = await openApp(context, { onMyWork: true });
  await mergeAndCheck(page, { name: "merge-phone", user: "u-maria", canReplace: false });
  await context.close();
});

// The admin at desktop size, asked about a file to merge: the records before it.
async function askAboutFile(name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await openApp(context);
  await switchUser(page, "u-sam");
  const { path } = await fileToMerge(page, name);
  const before = (await state(page)).records;
  await pickWorkspaceFile(page, path);
  return { context, page, before };
}

test("Undo beside the notice takes a merge back whole", async () => {
  const { context, page, before } = await askAboutFile("merge-undo");
  await click(page, "import-merge");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Merged"));
  assert.equal((await state(page)).undo_offered, true);
  await click(page, "undo");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Undone"));
  assert.match((await state(page)).notice, /^Undone: Merged merge-undo\.json: 1 added, 1 updated/);
  assert.equal((await state(page)).records, before);
  assert.equal(await findByTitle(page, "Merged Harbour Ltd"), "");
  assert.equal(await findByTitle(page, "Acme Logistics – Fleet tracking rollout"), "deal-1");
  await waitSaved(page);
  await page.reload();
  await waitOpen(page);
  assert.equal(await findByTitle(page, "Merged Harbour Ltd"), "", "the undo is kept");
  assert.equal(await findByTitle(page, "Acme Logistics – Fleet tracking rollout"), "deal-1");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("cancelling the question changes nothing", async () => {
  const { context, page, before } = await askAboutFile("merge-cancel");
  await click(page, "import-cancel");
  await page.waitForFunction(() => window.crmTest.state().import_question.file === "");
  assert.equal((await state(page)).records, before);
  assert.equal(await findByTitle(page, "Merged Harbour Ltd"), "");
  await context.close();
});
