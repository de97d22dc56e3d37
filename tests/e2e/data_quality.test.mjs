// The data-quality screen in the browser: contacts' completeness against the
// 80 % target (checked against the demo's own records), records gone quiet,
// and a data problem a rep flags on a phone that a manager then finds in the
// queue and resolves, kept across a reload and told in the record's history.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, root, openApp, waitSaved, state, click, navigate, switchUser, becomeUser,
  typeInto, assertOnScreen, reveal, pickImportFile,
} from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

const quality = (page) => state(page).then((s) => s.data_quality);
const record = (page, id) => page.evaluate((i) => window.crmTest.record(i), id);
const CONTACT_KEY_FIELDS = ["first_name", "last_name", "email", "phone", "job_title", "company"];

async function openDataQuality(page) {
  await navigate(page, "open-data-quality");
  await page.waitForFunction(() => window.crmTest.state().screen === "data_quality");
}

// The demo's contacts as the page holds them, read one by one.
async function demoContacts(page) {
  const contacts = [];
  for (let n = 1; n <= 200; n++) {
    const found = await record(page, `contact-${n}`);
    if (found) contacts.push(found);
  }
  return contacts;
}

test("a manager sees how complete contacts are, field by field, and which companies went quiet", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context);
  await becomeUser(page, "u-sam");
  await openDataQuality(page);
  await page.waitForFunction(() => window.crmTest.state().data_quality.records > 0);

  // The screen's figures, worked out again here from the records themselves.
  const contacts = await demoContacts(page);
  const filled = (c, f) => c.fields[f] !== undefined && c.fields[f] !== "" && c.fields[f] !== null;
  const cells = contacts.flatMap((c) => CONTACT_KEY_FIELDS.map((f) => filled(c, f)));
  const found = await quality(page);
  assert.equal(found.type, "contact");
  assert.equal(found.target, 80);
  assert.equal(found.records, contacts.length);
  assert.equal(found.percent, Math.floor((cells.filter(Boolean).length * 100) / cells.length));
  for (const field of CONTACT_KEY_FIELDS)
    assert.equal(found.fields[field], contacts.filter((c) => filled(c, field)).length, field);
  const below = contacts.filter((c) => {
    const n = CONTACT_KEY_FIELDS.filter((f) => filled(c, f)).length;
    return Math.floor((n * 100) / CONTACT_KEY_FIELDS.length) < 80;
  });
  assert.equal(found.below_target, below.length);
  assert.deepEqual([...found.least_complete].sort(), below.map((c) => c.id).sort());
  await page.screenshot({ path: join(shots, "data-quality-1440x900.png") });

  // A row opens its record beside the screen.
  if (found.least_complete.length > 0) {
    await click(page, "quality-record-0");
    await page.waitForFunction((id) => window.crmTest.state().form_record === id, found.least_complete[0]);
  }

  // Every company has had something done on it or its contacts and deals lately.
  await click(page, "quality-type");
  await click(page, "quality-type-company");
  await click(page, "quality-inactive");
  await click(page, "quality-days-30");
  await page.waitForFunction(() => window.crmTest.state().data_quality.days === 30);
  assert.equal((await quality(page)).type, "company");
  assert.deepEqual((await quality(page)).inactive, []);
  // Contacts nobody has touched for 90 days: some, and each one really is that quiet.
  await click(page, "quality-type");
  await click(page, "quality-type-contact");
  await click(page, "quality-days-90");
  await page.waitForFunction(() => window.crmTest.state().data_quality.type === "contact" &&
    window.crmTest.state().data_quality.days === 90);
  const quiet = (await quality(page)).inactive;
  assert.ok(quiet.length > 0, "the demo has quiet contacts");
  const quarterAgo = Date.now() - 90 * 86400 * 1000;
  for (const id of quiet) {
    const contact = await record(page, id);
    assert.ok(Date.parse(contact.updated_at ?? contact.created_at) < quarterAgo, `${id} changed within 90 days`);
  }
  await page.screenshot({ path: join(shots, "data-quality-inactive-1440x900.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a rep flags a data problem on a phone; the manager finds it in the queue and resolves it", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
    hasTouch: true, isMobile: true });
  const page = await openApp(context, { onMyWork: true });
  await becomeUser(page, "u-ana");
  // The phone's Search tab finds the record.
  await click(page, "tab-search");
  await page.waitForFunction(() => window.crmTest.state().palette_open === true);
  await page.keyboard.type("Mei Andersen", { delay: 15 });
  await page.waitForFunction(() => window.crmTest.state().palette_hits[0] === "Mei Andersen");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.crmTest.state().form_record === "contact-2");

  // Under the record's fields: scrolled to, as a rep would.
  await page.mouse.move(195, 500);
  await page.mouse.wheel(0, 5000);
  await page.waitForTimeout(300);
  await assertOnScreen(page, ["flag-problem"]);
  await page.screenshot({ path: join(shots, "flag-button-390x844.png") });
  // A blank note is refused with a message; a real one is kept.
  await click(page, "flag-problem");
  await page.waitForFunction(() => Boolean(window.crmTest.rects()["flag-submit"]));
  await page.waitForTimeout(300); // scrolled into view over the next frames
  await assertOnScreen(page, ["flag-note", "flag-submit", "flag-cancel"]);
  await click(page, "flag-submit");
  await page.waitForFunction(() => window.crmTest.state().data_quality.form_flag_message !== "");
  assert.equal((await quality(page)).form_flag_message, "Say what is wrong with the data of Mei Andersen");
  await typeInto(page, "flag-note", "Email bounces since she changed jobs");
  await assertOnScreen(page, ["flag-note", "flag-submit", "flag-cancel"]);
  // Above the form's footer, not scrolled under it.
  const rects = await page.evaluate(() => window.crmTest.rects());
  assert.ok(rects["flag-submit"].y + rects["flag-submit"].h <= rects["save-record"].y, "Flag is above Save");
  await page.screenshot({ path: join(shots, "flag-problem-390x844.png") });
  await click(page, "flag-submit");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Flagged"));
  assert.equal((await state(page)).notice, "Flagged Mei Andersen for the data-quality queue");
  assert.deepEqual((await quality(page)).form_data_problems, ["Email bounces since she changed jobs"]);
  await waitSaved(page);
  assert.equal((await record(page, "contact-2")).data_problems[0].by, "u-ana");

  // The manager's queue: the demo's flagged contact first (it waited longer), then this one.
  await page.reload();
  await page.waitForFunction(() => window.crmTest && window.crmTest.state().open === true);
  await becomeUser(page, "u-maria");
  await openDataQuality(page);
  await click(page, "quality-flagged");
  await page.waitForFunction(() => window.crmTest.state().data_quality.flagged.length === 2);
  assert.deepEqual((await quality(page)).flagged, ["contact-3", "contact-2"]);
  await assertOnScreen(page, ["flagged-open-1", "flagged-resolve-1"]);
  await page.screenshot({ path: join(shots, "data-quality-flagged-390x844.png") });

  await click(page, "flagged-resolve-1");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Resolved"));
  assert.equal((await state(page)).notice, "Resolved the data problems of Mei Andersen");
  await page.waitForFunction(() => window.crmTest.state().data_quality.flagged.length === 1);
  await waitSaved(page);
  assert.equal((await record(page, "contact-2")).data_problems, undefined);

  // The record's history tells both, after a reload.
  await page.reload();
  await page.waitForFunction(() => window.crmTest && window.crmTest.state().open === true);
  await becomeUser(page, "u-maria");
  await openDataQuality(page);
  await click(page, "quality-flagged");
  await click(page, "flagged-open-0");
  await page.waitForFunction(() => window.crmTest.state().form_record === "contact-3");
  assert.deepEqual((await quality(page)).form_data_problems,
    ["The phone number is the front desk; ask for a direct line"]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("on a tablet the completeness screen and a flagged record read cleanly", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
  const page = await openApp(context);
  await becomeUser(page, "u-maria");
  await openDataQuality(page);
  await page.waitForFunction(() => window.crmTest.state().data_quality.records > 0);
  await assertOnScreen(page, ["quality-completeness", "quality-inactive", "quality-flagged", "quality-type"]);
  await page.screenshot({ path: join(shots, "data-quality-1024x768.png") });
  await click(page, "quality-flagged");
  await click(page, "flagged-open-0");
  await page.waitForFunction(() => window.crmTest.state().form_record === "contact-3");
  await assertOnScreen(page, ["resolve-data-problems"]);
  await page.screenshot({ path: join(shots, "data-problem-record-1024x768.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a long data-problem queue shows its fifty longest waiting, and the rest on request", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context);
  // The demo with a problem flagged on each of 55 contacts, one a minute.
  const demo = JSON.parse(await readFile(join(root, "assets/demo-workspace.json"), "utf8"));
  const contacts = demo.records.filter((r) => r.type === "contact").slice(0, 55);
  assert.equal(contacts.length, 55);
  contacts.forEach((contact, i) => {
    const at = new Date(Date.UTC(2026, 10, 18, 8, i)).toISOString().replace(".000Z", "Z");
    contact.data_problems = [{ note: "The email bounces", by: "u-ben", at }];
  });
  const file = join(shots, "many-flagged.json");
  await writeFile(file, JSON.stringify(demo));
  await switchUser(page, "u-sam");
  await pickImportFile(page, file);
  await page.waitForFunction(() => window.crmTest.state().import_question.file !== "");
  await click(page, "import-replace");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Imported"));
  await waitSaved(page);

  await switchUser(page, "u-maria");
  await openDataQuality(page);
  await click(page, "quality-flagged");
  await page.waitForFunction(() => window.crmTest.state().data_quality.flagged.length === 55);
  assert.deepEqual((await quality(page)).flagged.slice(0, 2), [contacts[0].id, contacts[1].id]);
  for (let i = 0; i < 3; i++) await reveal(page, "flagged-more"); // fifty rows down
  await page.screenshot({ path: join(shots, "data-quality-flagged-more.png") });
  await click(page, "flagged-more");
  await page.waitForFunction(() => !window.crmTest.rects()["flagged-more"]); // all drawn: no button
  await context.close();
});
