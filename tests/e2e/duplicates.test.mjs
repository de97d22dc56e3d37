// The duplicates review in the browser: the demo's likely pairs with their
// reasons, a pair opened field by field, a value taken from the record that
// goes, the merge (links follow, the other is gone), Undo beside its notice,
// and a reload that keeps what was done. On a desktop and on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, waitSaved, state, click, navigate, switchUser, typeInto,
  assertOnScreen,
}
  from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

const duplicates = (page) => state(page).then((s) => s.duplicates);
const record = (page, id) => page.evaluate((i) => window.crmTest.record(i), id);

async function openDuplicates(page) {
  // On a phone who one is, like where one goes, is in the navigation menu.
  const rects = await page.evaluate(() => window.crmTest.rects());
  if (!rects["user-switcher"] && rects["tab-menu"]) await click(page, "tab-menu");
  await switchUser(page, "u-sam");
  await navigate(page, "open-duplicates");
  await page.waitForFunction(() => window.crmTest.state().screen === "duplicates");
  await page.waitForFunction(() => window.crmTest.state().duplicates.pairs.length > 0);
}

test("a likely duplicate is reviewed, merged with a value from the other, undone, and kept on reload", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context);
  await openDuplicates(page);
  const found = await duplicates(page);
  assert.deepEqual(found.pairs.map((p) => `${p.a}/${p.b}`), ["contact-1/contact-73", "contact-5/contact-74"]);
  await page.screenshot({ path: join(shots, "duplicates-1440x900.png") });

  await click(page, "duplicate-0");
  await page.waitForFunction(() => window.crmTest.state().duplicates.open === 0);
  await assertOnScreen(page, ["merge", "open-kept", "stays-first", "stays-second"]);
  await click(page, "other-value-first_name"); // "Oliver", as the other record has it
  await page.screenshot({ path: join(shots, "duplicates-review-1440x900.png") });
  const before = (await state(page)).records;

  await click(page, "merge");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Merged"));
  assert.equal((await state(page)).notice,
    "Merged Oliver Brennan (contact-73) into Olivier Brennan (contact-1)");
  await waitSaved(page);
  assert.equal(await record(page, "contact-73"), null);
  const kept = await record(page, "contact-1");
  assert.equal(kept.fields.first_name, "Oliver");
  assert.equal(kept.fields.phone, "+1 555 137 2022"); // its own value stays where none was chosen
  assert.equal(kept.fields.job_title, "CFO");
  assert.equal((await state(page)).records, before - 1);
  await page.waitForFunction(() => window.crmTest.state().duplicates.pairs.length === 1);

  // Undo beside the notice brings the other back, with its own values.
  await click(page, "undo");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Undone"));
  await waitSaved(page);
  assert.equal((await record(page, "contact-73")).fields.first_name, "Oliver");
  assert.equal((await record(page, "contact-1")).fields.first_name, "Olivier");
  await page.waitForFunction(() => window.crmTest.state().duplicates.pairs.length === 2);

  // Merged again, then reloaded: the merge is what the store kept.
  await click(page, "duplicate-0");
  await click(page, "merge");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Merged"));
  await waitSaved(page);
  await page.reload();
  await page.waitForFunction(() => window.crmTest && window.crmTest.state().open === true);
  assert.equal(await record(page, "contact-73"), null);
  assert.equal((await record(page, "contact-1")).fields.first_name, "Olivier");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("creating a contact that exists already warns first, names it, and creates only when asked", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await openApp(context);
  await navigate(page, "type-contact");
  const before = (await state(page)).records;
  await click(page, "new-record");
  await typeInto(page, "field-first_name", "Olly");
  await typeInto(page, "field-last_name", "Brennan");
  await typeInto(page, "field-email", " Olivier.Brennan@AcmeLogistics.example");
  await click(page, "save-record");
  await page.waitForFunction(() => window.crmTest.state().form_duplicates.length > 0);
  assert.deepEqual((await state(page)).form_duplicates, ["contact-1"]);
  assert.equal((await state(page)).records, before); // nothing created yet
  await page.screenshot({ path: join(shots, "duplicate-warning-1024x768.png") });
  await click(page, "save-record"); // now "Create anyway"
  await page.waitForFunction(() => window.crmTest.state().form_open === false);
  assert.equal((await state(page)).notice, "Created Olly Brennan");
  assert.equal((await state(page)).records, before + 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("on a phone the pair opens on its own screen and merges", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
    hasTouch: true, isMobile: true });
  const page = await openApp(context, { onMyWork: true });
  await openDuplicates(page);
  await page.screenshot({ path: join(shots, "duplicates-390x844.png") });
  await click(page, "duplicate-1");
  await page.waitForFunction(() => window.crmTest.state().duplicates.open === 1);
  await assertOnScreen(page, ["merge", "open-kept", "stays-first", "stays-second"]);
  await page.screenshot({ path: join(shots, "duplicates-review-390x844.png") });
  await click(page, "stays-second"); // the newer record stays this time
  await click(page, "merge");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Merged"));
  assert.equal((await state(page)).notice, "Merged Grace Chen (contact-5) into Grace Chenn (contact-74)");
  await waitSaved(page);
  assert.equal(await record(page, "contact-5"), null);
  const kept = await record(page, "contact-74");
  assert.equal(kept.fields.phone, "+1 555 477 8150"); // a blank the other filled
  assert.equal(kept.fields.decision_maker, true);
  // The deals that named the other as contact and decision maker name the kept one.
  for (const deal of ["deal-3", "deal-39"]) {
    const fields = (await record(page, deal)).fields;
    assert.equal(fields.contact, "contact-74");
    assert.equal(fields.decision_maker, "contact-74");
  }
  await context.close();
});
