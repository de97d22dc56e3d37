// Lead scoring on a lead's form: the score, why (point by point, as the core
// computes it) and the MQL badge, on a desktop and on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, state, assertOnScreen, becomeUser,
} from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

const record = (page, id) => page.evaluate((i) => window.crmTest.record(i), id);

// Opens a record by its title through the command palette.
async function openByName(page, name, id) {
  await page.keyboard.press("Control+k");
  await page.waitForFunction(() => window.crmTest.state().palette_open === true);
  await page.keyboard.type(name, { delay: 20 });
  await page.waitForTimeout(200);
  await page.keyboard.press("Enter");
  await page.waitForFunction((i) => window.crmTest.state().form_record === i, id);
  await page.waitForTimeout(200);
}

test("a handed-off lead shows its score, why and the MQL badge on a desktop", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context, { onMyWork: true });
  await becomeUser(page, "u-maria"); // the manager sees every rep's leads
  await openByName(page, "Liam Fischer", "lead-24");
  await assertOnScreen(page, ["lead-score", "mql-badge", "score-breakdown"]);
  const lead = await record(page, "lead-24");
  assert.equal(lead.fields.score, 70);
  assert.ok(lead.fields.mql_at, "the demo lead was handed to sales");
  await page.screenshot({ path: join(shots, "scoring-desktop.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a lead short of the threshold shows what it lacks on a phone, without a badge", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
    hasTouch: true, isMobile: true });
  const page = await openApp(context, { onMyWork: true });
  await becomeUser(page, "u-maria");
  await openByName(page, "Dana Murphy", "lead-17");
  await assertOnScreen(page, ["lead-score", "score-breakdown"]);
  const rects = await page.evaluate(() => window.crmTest.rects());
  assert.equal(rects["mql-badge"], undefined);
  assert.equal((await record(page, "lead-17")).fields.score, 55);
  await page.screenshot({ path: join(shots, "scoring-phone.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});
