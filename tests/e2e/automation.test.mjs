// The automation screen in the browser: the demo's rules read as sentences,
// what they did on open (quiet leads followed up, renewals coming up) is in
// the log, an admin turns a rule off and it stays off across a reload, and a
// phone shows the same.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, waitOpen, waitSaved, state, click, navigate, switchUser, becomeUser,
  assertOnScreen,
} from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

const automation = (page) => state(page).then((s) => s.automation);

async function showRuns(page) {
  await click(page, "tab-runs");
  await page.waitForFunction(() => Boolean(window.crmTest.rects()["run-0"]));
  await assertOnScreen(page, ["run-0"]);
}

async function openAutomation(page) {
  await navigate(page, "open-automation");
  await page.waitForFunction(() => window.crmTest.state().screen === "automation");
}

test("an admin reads the rules in words, sees what they did, and turns one off for good", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context);
  await becomeUser(page, "u-sam");
  await openAutomation(page);
  const found = await automation(page);
  assert.equal(Object.keys(found.rules).length, 9);
  assert.equal(found.rules.route_dach_leads, true);
  // The timer ran the time-driven rules on open: quiet leads, renewals.
  assert.ok(found.runs > 0, "the demo's rules ran on open");
  await assertOnScreen(page, ["rule-route_dach_leads", "rule-toggle-route_dach_leads"]);
  await page.screenshot({ path: join(shots, "automation-desktop.png") });
  await showRuns(page);
  await page.screenshot({ path: join(shots, "automation-runs-desktop.png") });
  await click(page, "tab-rules");

  await click(page, "rule-toggle-route_dach_leads");
  await page.waitForFunction(() => window.crmTest.state().automation.rules.route_dach_leads === false);
  await waitSaved(page);
  await page.reload();
  await waitOpen(page);
  assert.equal((await automation(page)).rules.route_dach_leads, false);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a manager on a phone reads the rules and the runs", async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await openApp(context, { onMyWork: true });
  await becomeUser(page, "u-maria");
  await openAutomation(page);
  await assertOnScreen(page, ["rule-route_dach_leads"]);
  await page.screenshot({ path: join(shots, "automation-phone.png") });
  await showRuns(page);
  await page.screenshot({ path: join(shots, "automation-runs-phone.png") });
  // A manager reads; only an admin turns rules on and off.
  const rects = await page.evaluate(() => window.crmTest.rects());
  assert.equal(rects["rule-toggle-route_dach_leads"], undefined);
  await context.close();
});
