// The reports dashboard in headless Chromium on a generated workspace (the
// one report_bench measures natively): the import, how long until every
// panel of the dashboard is worked out, and the longest the page went
// without a frame meanwhile, which is the most a tap or a scroll waits.
// Prints figures; asserts nothing about time.
// Usage: node bench/browser/reports_dashboard.mjs WORKSPACE.json   (scripts/bench --browser)
import { statSync } from "node:fs";
import {
  browser, click, navigate, openApp, startBrowser, state, stopBrowser, switchUser, waitSaved,
} from "../../tests/e2e/helpers.mjs";
import { quantile, startFrameGaps, stopFrameGaps } from "./frame_gaps.mjs";

const file = process.argv[2];
const long = { timeout: 600000 };

// Stops recording frame gaps and sums them up.
async function gapFigures(page) {
  const gaps = await gapFigures(page);
  return {
    frames: gaps.length, median: quantile(gaps, 0.5), p95: quantile(gaps, 0.95),
    longest: quantile(gaps, 1), over50: gaps.filter((g) => g > 50).length,
  };
}

// Opens the reports as `user` and waits until every panel is worked out.
async function dashboard(page, user) {
  await navigate(page, "type-deal"); // away from the reports: they start afresh
  await switchUser(page, user);
  await startFrameGaps(page);
  const started = Date.now();
  await navigate(page, "open-reports");
  await page.waitForFunction(() => window.crmTest.reportsReady(), null, { ...long, polling: 50 });
  const ready = Date.now() - started;
  const gaps = await gapFigures(page);
  // Then the shown dashboard under a moving pointer (tooltips, hover): every
  // one of these frames draws it.
  await startFrameGaps(page);
  for (let step = 0; step < 60; step++) {
    await page.mouse.move(300 + step * 15, 250 + (step % 10) * 40);
    await page.waitForTimeout(16);
  }
  const hover = await gapFigures(page);
  // A key figure's records, once everything is shown: what a click costs.
  const clicked = Date.now();
  await click(page, "tile-revenue");
  await page.waitForFunction(() => Boolean(window.crmTest.rects()["drill-back"]), null, long);
  return { user, ready, gaps, hover, drill: Date.now() - clicked };
}

await startBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context, { onMyWork: true });
  // The demo workspace first: the same screen over a few hundred records.
  const demo = { records: (await state(page)).records, ...(await dashboard(page, "u-maria")) };
  await switchUser(page, "u-sam");
  const importing = Date.now();
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), click(page, "import")]);
  await chooser.setFiles(file);
  await page.waitForFunction(() => window.crmTest.state().import_question.file !== "", null, long);
  await click(page, "import-replace");
  await page.waitForFunction(() => window.crmTest.state().notice.startsWith("Imported"), null, long);
  const imported = Date.now() - importing;
  const saving = Date.now();
  await waitSaved(page).catch(() => {});
  const saved = Date.now() - saving;
  const { records } = await state(page);
  const runs = [await dashboard(page, "u-admin")];
  await page.reload();
  await page.waitForFunction(() => window.crmTest?.state().open === true, null, long);
  runs.push(await dashboard(page, "u-manager0"));

  const mb = (statSync(file).size / 1e6).toFixed(1);
  console.log(`reports dashboard in headless Chromium over ${records} records (${mb} MB export)`);
  console.log(`  import from the file picker: ${imported} ms; saved to IndexedDB: ${saved} ms`);
  const row = (cells) => console.log("  " + cells.map((c, i) => String(c)[i ? "padStart" : "padEnd"](i ? 11 : 24)).join(""));
  row(["viewer: while", "ms", "frames", "median ms", "p95 ms", "longest ms", ">50 ms"]);
  console.log(`  (the first three rows: the demo workspace, ${demo.records} records)`);
  for (const { user, ready, gaps, hover, drill } of [demo, ...runs]) {
    const frames = (g) => [g.frames, g.median.toFixed(1), g.p95.toFixed(1), g.longest.toFixed(1), g.over50];
    row([`${user}: all panels`, ready, ...frames(gaps)]);
    row([`${user}: pointer moves`, "", ...frames(hover)]);
    row([`${user}: drill-down`, drill, "", "", "", "", ""]);
  }
  console.log("  (frames: the page's animation frames meanwhile; a spreadsheet pivot over an export\n" +
    "  is the usual alternative)");
  await context.close();
} finally {
  await stopBrowser();
}
