// The CSV import wizard in the browser: a spreadsheet picked with the Import
// button, its columns mapped (suggested from the header), a dry run that
// names every failing row and changes nothing, the import as one batch, its
// undo, a re-run that adds nothing twice, and a reload that keeps it; and
// picklist values the file writes its own way ("Won") mapped to options.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, waitOpen, waitSaved, state, findByTitle, click,
  navigate, switchUser, pickImportFile,
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
  await pickImportFile(page, file);
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

// A pipeline kept in another tool: its stages are not the workspace's. "Won"
// is close to "Closed won"; "Signed" is close to nothing.
const DEALS =
  "Deal name,Account,Value,Stage,Expected close\r\n" +
  "Acme freight audit,Acme Logistics,\"$12,000\",Signed,2026-02-10\r\n" +
  "Cobalt arm retrofit,Cobalt Robotics,8000,Won,2026-02-12\r\n" +
  "Delta cold chain,Delta Freight,5000,signed,2026-02-20\r\n" +
  "Acme yard sensors,Acme Logistics,3000,Negotiation,2026-04-01\r\n";
const STAGE_OPTIONS = "Lead, Qualified, Meeting scheduled, Proposal sent, Negotiation, Closed won, Closed lost";
const UNMATCHED = [{
  field: "stage", column: "Stage", more: 0,
  values: [{ text: "Signed", rows: 2, suggestion: "" }, { text: "Won", rows: 1, suggestion: "Closed won" }],
}];

// Scrolls the wizard until the named control is well inside the screen.
async function scrollIntoView(page, name) {
  const height = page.viewportSize().height;
  for (let i = 0; i < 30; i++) {
    const r = await page.evaluate((n) => window.crmTest.rects()[n] || null, name);
    assert.ok(r, `the app draws "${name}"`);
    if (r.y >= height * 0.15 && r.y + r.h <= height * 0.7) return;
    await page.mouse.move(page.viewportSize().width / 2, height / 2);
    await page.mouse.wheel(0, r.y < height * 0.15 ? -150 : 150);
    await page.waitForTimeout(100);
  }
}

// Picks the option a file's value becomes in the Values part.
async function chooseValue(page, name, option) {
  await scrollIntoView(page, name);
  await click(page, name);
  await click(page, `csv-value-option-${option}`);
  await page.waitForFunction(() => !window.crmTest.rects()["csv-value-option-none"]); // closed
}

test("a picklist value that is no option fails until the Values part maps it, then imports as the option", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context);
  await switchUser(page, "u-sam");
  const before = (await state(page)).records;

  await pickFile(page, "deals.csv", DEALS);
  const opened = await csv(page);
  assert.equal(opened.type, "deal");
  assert.equal(opened.mapping.columns.Stage, "stage");
  assert.deepEqual(opened.unmatched, UNMATCHED);
  assert.deepEqual(opened.mapping.values, { stage: { Won: "Closed won" } }, "the close option is chosen");

  const failing = await dryRun(page);
  assert.equal(failing.summary, "2 added, 0 updated, 0 unchanged, 2 failed", failing.problems.join("\n"));
  assert.deepEqual(failing.problems, [
    `row 2, column "Stage": expected one of: ${STAGE_OPTIONS}, got "Signed"`,
    `row 4, column "Stage": expected one of: ${STAGE_OPTIONS}, got "signed"`,
  ]);

  await chooseValue(page, "csv-value-stage-0", "Closed won");
  const chosen = await csv(page);
  assert.deepEqual(chosen.mapping.values, { stage: { Signed: "Closed won", Won: "Closed won" } });
  assert.equal(chosen.summary, "", "the last dry run is stale");
  assert.deepEqual(chosen.unmatched, UNMATCHED, "the values stay listed with their choices");
  await scrollIntoView(page, "csv-value-stage-0");
  const rects = await page.evaluate(() => window.crmTest.rects());
  const [value, combo] = [rects["csv-value-text-stage-0"], rects["csv-value-stage-0"]];
  assert.ok(combo.x >= value.x + value.w && combo.y < value.y + value.h, "the choice sits beside the value");
  await page.screenshot({ path: join(shots, "csv-import-values.png") });
  await assertOnScreen(page, 1440);

  const passing = await dryRun(page);
  assert.equal(passing.summary, "4 added, 0 updated, 0 unchanged, 0 failed");
  assert.deepEqual(passing.problems, []);
  await click(page, "csv-import");
  await page.waitForFunction(() => window.crmTest.state().csv_import.done !== "");
  assert.equal((await state(page)).records, before + 4);
  const stageOf = async (title) => {
    const id = await findByTitle(page, title);
    assert.notEqual(id, "", `${title} was imported`);
    return (await page.evaluate((i) => window.crmTest.record(i), id)).fields.stage;
  };
  assert.equal(await stageOf("Acme freight audit"), "Closed won");
  assert.equal(await stageOf("Cobalt arm retrofit"), "Closed won");
  assert.equal(await stageOf("Delta cold chain"), "Closed won");
  assert.equal(await stageOf("Acme yard sensors"), "Negotiation");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("on a phone each value's option sits under the value, and choosing one mends the dry run", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
    hasTouch: true, isMobile: true });
  const page = await openApp(context, { onMyWork: true });
  await pickFile(page, "deals.csv", DEALS);
  assert.equal((await csv(page)).type, "deal");
  assert.deepEqual((await csv(page)).unmatched, UNMATCHED);
  // Set to "Leave as is", the suggested value fails too; then both are mapped.
  await chooseValue(page, "csv-value-stage-1", "none");
  assert.deepEqual((await csv(page)).mapping.values, undefined);
  assert.equal((await dryRun(page)).summary, "1 added, 0 updated, 0 unchanged, 3 failed");
  await chooseValue(page, "csv-value-stage-0", "Closed won");
  await chooseValue(page, "csv-value-stage-1", "Closed won");
  assert.deepEqual((await csv(page)).mapping.values, { stage: { Signed: "Closed won", Won: "Closed won" } });
  await scrollIntoView(page, "csv-value-stage-0");
  const rects = await page.evaluate(() => window.crmTest.rects());
  const [value, combo] = [rects["csv-value-text-stage-0"], rects["csv-value-stage-0"]];
  assert.ok(combo.y >= value.y + value.h, "the option's choice sits under the value");
  await page.screenshot({ path: join(shots, "csv-import-values-phone.png") });
  await assertOnScreen(page, 390);
  assert.equal((await dryRun(page)).summary, "4 added, 0 updated, 0 unchanged, 0 failed");
  assert.deepEqual(page.errors, []);
  await context.close();
});
