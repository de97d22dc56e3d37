// Lead scoring on a lead's form: the score, why (point by point, as the core
// computes it) and the MQL badge, on a desktop and on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, state, assertOnScreen, becomeUser, openByName, record,
} from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

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
