// The reports screen in the browser, on the demo workspace: a manager's team
// dashboard at desktop and tablet sizes, a rep's own numbers on a phone.
// Clicking a bar or a key figure opens exactly the records the core counted
// behind it, and a record opens from there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, state, click, navigate, becomeUser, assertOnScreen,
} from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

const reports = (page) => state(page).then((s) => s.reports);

async function openReports(page) {
  await navigate(page, "open-reports");
  await page.waitForFunction(() => window.crmTest.state().screen === "reports");
  await page.waitForFunction(() => window.crmTest.state().reports.complete);
  await page.waitForTimeout(300);
}

test("a manager's dashboard: a funnel bar opens the deals that reached the stage", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context);
  await becomeUser(page, "u-maria");
  await openReports(page);
  const shown = await reports(page);
  assert.equal(shown.team, true);
  for (const panel of ["revenue", "win_rate", "conversion_by_stage", "time_in_stage", "win_rate_by_owner",
    "exceptions"])
    assert.ok(shown.panels[panel], `${panel} is on the team dashboard`);
  await assertOnScreen(page, ["tile-revenue", "tile-win_rate", "chart-funnel-0", "csv-revenue"]);
  await page.screenshot({ path: join(shots, "reports-team-1440x900.png") });

  // Each funnel row's count is the number of records behind it.
  const funnel = shown.panels.conversion_by_stage;
  for (const row of funnel.rows) assert.equal(row.records.length, row.count, row.label);
  const proposal = funnel.rows.findIndex((row) => row.key === "proposal_sent");
  assert.ok(proposal >= 0 && funnel.rows[proposal].count > 0, "deals reached Proposal sent");
  await click(page, `chart-funnel-${proposal}`);
  await page.waitForFunction(() => window.crmTest.state().reports.drill_ids.length > 0);
  const opened = await reports(page);
  assert.match(opened.drill_title, /Proposal sent/);
  assert.deepEqual(opened.drill_ids, funnel.rows[proposal].records);
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(shots, "reports-drill-1440x900.png") });

  await click(page, "drill-row-0");
  await page.waitForFunction((id) => window.crmTest.state().form_record === id, opened.drill_ids[0]);
  await click(page, "drill-back");
  await page.waitForFunction(() => window.crmTest.state().reports.drill_title === "");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("on a tablet the dashboard reads, and a key figure opens the deals behind it", async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
  const page = await openApp(context);
  await becomeUser(page, "u-maria");
  await openReports(page);
  await assertOnScreen(page, ["tile-revenue", "tile-win_rate", "tile-pipeline_value", "period-six-months"]);
  await page.screenshot({ path: join(shots, "reports-team-1024x768.png") });
  const winRate = (await reports(page)).panels.win_rate;
  await click(page, "tile-win_rate");
  await page.waitForFunction(() => window.crmTest.state().reports.drill_ids.length > 0);
  const opened = await reports(page);
  assert.match(opened.drill_title, /^Win rate: \d+(\.\d)?%$/);
  assert.equal(opened.drill_ids.length, winRate.count);
  await context.close();
});

test("a rep on a phone sees their own numbers for this quarter", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await openApp(context, { onMyWork: true });
  await becomeUser(page, "u-ana");
  await openReports(page);
  const sixMonths = (await reports(page)).from;
  await click(page, "period-quarter");
  await page.waitForFunction((before) => {
    const shown = window.crmTest.state().reports;
    return shown.complete && shown.from !== before;
  }, sixMonths);
  assert.match((await reports(page)).from, /^\d{4}-(01|04|07|10)-01$/);
  const shown = await reports(page);
  assert.equal(shown.panels.win_rate_by_owner, undefined, "a rep has no team comparison");
  // Every deal behind a rep's figure is their own.
  for (const id of shown.panels.conversion_by_stage.rows.flatMap((row) => row.records)) {
    const deal = await page.evaluate((i) => window.crmTest.record(i), id);
    assert.equal(deal.owner, "u-ana", id);
  }
  await assertOnScreen(page, ["tile-revenue", "tile-win_rate"]);
  await page.screenshot({ path: join(shots, "reports-rep-390x844.png") });
  await context.close();
});
