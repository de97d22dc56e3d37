// The CSV import wizard in the browser: a spreadsheet picked with the Import
// button, its columns mapped (suggested from the header), a dry run that
// names every failing row and changes nothing, the import as one batch, its
// undo, a re-run that adds nothing twice, and a reload that keeps it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, waitOpen, waitSaved, state, findByTitle, click,
  navigate, switchUser,
} from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

// Excel on a German machine: BOM, semicolons, quoted cells, a bad
// email and a company the workspace does not have.
const CONTACTS =
  "\ufeffFirst Name;Last Name;E-mail;Company;Owner\r\n" +
  "Nora;Vance;nora.vance@acmelogistics.example;Acme Logistics;Ana Reyes\r\n" +
  "Piet;Jansen;piet.jansen@@cobalt;Cobalt Robotics;Ben Okafor\r\n" +
  "Ida;Berg;ida.berg@initech.example;Initech;Ana Reyes\r\n" +
  "Ravi;\"Shah\";ravi.shah@deltafreight.example;\"Delta Freight\";Ben Okafor\r\n";
const PROBLEMS = [
  'row 3, column "E-mail": expected an email address like name@example.com, got "piet.jansen@@cobalt"',
  'row 4, column "Company": there is no Company called "Initech"',
];

const csv = (page) => state(page).then((s) => s.csv_import);

async function pickFile(page, name, text) {
  const file = join(shots, name);
  await writeFile(file, text);
  // On a phone Import is at the foot of the navigation menu: open it and scroll.
  const rect = () => page.evaluate(() => window.crmTest.rects().import || null);
  if (!(await rect())) await click(page, "tab-menu");
  const height = page.viewportSize().height;
  for (let i = 0; i < 20; i++) {
    const r = await rect();
    if (r && r.y + r.h < height * 0.85) break;
    await page.mouse.move(page.viewportSize().width / 2, height / 2);
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(100);
  }
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), click(page, "import")]);
  await chooser.setFiles(file);
  await page.waitForFunction(() => window.crmTest.state().csv_import.open);
}

async function dryRun(page) {
  await click(page, "csv-check");
  await page.waitForFunction(() => window.crmTest.state().csv_import.summary !== "");
  return csv(page);
}

// Every named control of the wizard lies inside the screen.
async function assertOnScreen(page, width) {
  const rects = await page.evaluate(() => window.crmTest.rects());
  for (const [name, r] of Object.entries(rects))
    if (name.startsWith("csv-"))
      assert.ok(r.x >= 0 && r.x + r.w <= width + 1, `${name} is on screen (${r.x}+${r.w} of ${width})`);
}

test("a spreadsheet is mapped, dry-run, imported as one batch, undone, imported again and kept", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, acceptDownloads: true });
  const page = await openApp(context);
  await switchUser(page, "u-sam");
  await navigate(page, "type-contact");
  const before = (await state(page)).records;

  await pickFile(page, "contacts.csv", CONTACTS);
  const opened = await csv(page);
  assert.equal(opened.file, "contacts.csv");
  assert.equal(opened.type, "contact");
  assert.deepEqual(opened.mapping, {
    columns: { Company: "company", "E-mail": "email", "First Name": "first_name", "Last Name": "last_name",
      Owner: "owner" },
    key: "email",
  });
  await page.screenshot({ path: join(shots, "csv-import-mapping.png") });

  const checked = await dryRun(page);
  assert.equal(checked.summary, "2 added, 0 updated, 0 unchanged, 2 failed");
  assert.deepEqual(checked.problems, PROBLEMS);
  assert.equal((await state(page)).records, before, "a dry run changes nothing");
  await page.screenshot({ path: join(shots, "csv-import-dry-run.png") });
  await assertOnScreen(page, 1024);

  // The failed rows, downloaded with their reasons, to fix and import again.
  const [download] = await Promise.all([page.waitForEvent("download"), click(page, "csv-save-failed")]);
  assert.equal(download.suggestedFilename(), "contacts-failed-rows.csv");

  await click(page, "csv-skip");
  await click(page, "csv-import");
  await page.waitForFunction(() => window.crmTest.state().csv_import.done !== "");
  const done = await csv(page);
  assert.equal(done.done, "Imported contacts.csv: 2 added, 0 updated, 0 unchanged, 2 failed");
  assert.equal((await state(page)).records, before + 2);
  assert.notEqual(await findByTitle(page, "Nora Vance"), "");
  assert.notEqual(await findByTitle(page, "Ravi Shah"), "");
  await page.screenshot({ path: join(shots, "csv-import-done.png") });

  // The whole import comes back out as one change.
  await click(page, "csv-undo");
  await page.waitForFunction(() => window.crmTest.state().csv_import.undone);
  assert.equal((await state(page)).records, before);
  assert.equal(await findByTitle(page, "Nora Vance"), "");
  await click(page, "csv-close");

  // Imported again, then a reload: the records are kept; a third run adds nothing.
  await pickFile(page, "contacts.csv", CONTACTS);
  await dryRun(page);
  await click(page, "csv-skip");
  await click(page, "csv-import");
  await page.waitForFunction(() => window.crmTest.state().csv_import.done !== "");
  await click(page, "csv-close");
  await waitSaved(page);
  await page.reload();
  await waitOpen(page);
  await navigate(page, "type-contact");
  assert.equal((await state(page)).records, before + 2);
  const nora = await findByTitle(page, "Nora Vance");
  assert.notEqual(nora, "");
  await switchUser(page, "u-sam");
  await pickFile(page, "contacts.csv", CONTACTS);
  const again = await dryRun(page);
  assert.deepEqual(again.problems, PROBLEMS);
  assert.equal(again.summary, "0 added, 0 updated, 2 unchanged, 2 failed");
  assert.equal(await findByTitle(page, "Nora Vance"), nora);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("on a phone a rep's wizard fits the screen, and rows for someone else are refused", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
    hasTouch: true, isMobile: true });
  const page = await openApp(context, { onMyWork: true });
  await pickFile(page, "contacts.csv", CONTACTS);
  assert.equal((await csv(page)).type, "deal", "the list that was showing");
  await click(page, "csv-type");
  await click(page, "csv-type-contact");
  await page.waitForFunction(() => window.crmTest.state().csv_import.type === "contact");
  await page.screenshot({ path: join(shots, "csv-import-mapping-phone.png") });
  await assertOnScreen(page, 390);
  const checked = await dryRun(page);
  assert.deepEqual(checked.problems,
    [...PROBLEMS, "row 5: Ana Reyes (rep) can only create records they own themselves"]);
  await page.screenshot({ path: join(shots, "csv-import-dry-run-phone.png") });
  await assertOnScreen(page, 390);
  assert.deepEqual(page.errors, []);
  await context.close();
});
