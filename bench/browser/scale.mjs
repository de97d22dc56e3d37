// The wasm build beside sql.js and Dexie in headless Chromium, on the workload
// of bench/scale_bench.cpp at each size: import, a cold start to the rep's
// first My work rows, My work and a filtered list (first 50), one durable
// edit reaching IndexedDB, memory; and, for the app only, the CPU time of its
// frames while a list of the whole workspace's activities scrolls.
// Prints figures; asserts nothing about time.
// Usage: node bench/browser/scale.mjs [RECORDS ...]   (default 1000 10000 100000;
//        scripts/bench --browser runs it)
//
// Workspaces are generated here (bench/browser/workload.cpp writes the export
// and each record's next-action due time as this engine's My work works it
// out, the due column sql.js and Dexie get; nothing large is committed). Each
// contender runs in a browser profile of its own on disk, so IndexedDB
// writes to files as it would for a person, and a cold start is a new page
// over what the import stored.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { click, navigate, root, settledRect, site, state, switchUser } from "../../tests/e2e/helpers.mjs";
import { startServer } from "../../scripts/static-server.mjs";
import { quantile, startFrameGaps, stopFrameGaps } from "./frame_gaps.mjs";

const { chromium } = createRequire(join(root, "tests/e2e/package.json"))("playwright-core");

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1000, 10000, 100000);
const REP = "u-rep0"; // owns 6 % of the records (bench/bench_workspace.cpp)
const STAGE = "proposal_sent";
const QUERY_RUNS = 5; // each query's median
const EDITS = 10; // durable edits, one after another; their median
const SCROLL_MS = 2000;
// The workload's "now" (bench_workspace.hpp): My work is timed as of then, as
// natively, so that its due times are the ones the peers were given.
const BENCH_NOW = Date.parse("2026-12-04T00:00:00Z") / 1000;
const NO_DUE = 9223372036854775807; // scale_bench's key for "no due time" (as a double here)
const long = { timeout: 900000 };
const work = join(root, "build/bench/browser-scale");
const modules = join(root, "bench/browser/node_modules");

const median = (values) => quantile(values, 0.5);

// ---- the workload ---------------------------------------------------------

function prepare(records) {
  const dir = join(work, String(records));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync(join(root, "build/native/bench/browser_workload"), [dir, String(records)],
    { stdio: ["ignore", "ignore", "inherit"] });
  const file = join(dir, "workspace.json");
  const exported = JSON.parse(readFileSync(file, "utf8"));
  // The deals the edits touch: spread over the workspace as in scale_bench,
  // the same ones for every contender.
  const deals = exported.records.filter((r) => r.type === "deal").map((r) => r.id);
  const edits = [];
  for (let i = 0; i < EDITS; i++) edits.push({
    id: deals[(i * 7919) % deals.length],
    probability: (i % 90) + 5,
    at: BENCH_NOW + i,
  });
  return { dir, file, mb: statSync(file).size / 1e6, edits };
}

// A fresh browser with its own profile on disk.
async function launch(name) {
  const profile = join(work, "profiles", name);
  rmSync(profile, { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    viewport: { width: 1440, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--use-gl=angle", "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // The page's wall clock runs from the workload's "now", as natively: on
  // today's date the app's minute timer would start processes that came due
  // since, and the rep's My work would no longer be the workload's.
  // performance.now(), which times everything here, is left alone.
  await context.addInitScript((startMs) => {
    const realNow = Date.now, offset = startMs - realNow();
    Date.now = () => realNow() + offset;
    const RealDate = Date;
    // eslint-disable-next-line no-global-assign
    Date = class extends RealDate {
      constructor(...args) { if (args.length === 0) super(realNow() + offset); else super(...args); }
      static now() { return realNow() + offset; }
    };
  }, BENCH_NOW * 1000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// What the page holds: its wasm memory (grown, never shrunk: the most the
// heap needed) and, after a garbage collection, its JavaScript heap with the
// ArrayBuffers it holds. Those count: Emscripten keeps files (sql.js's
// database, the app's IDBFS copy of its store) in ArrayBuffers, not in wasm
// memory.
async function memory(context, page, wasmBytes) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  const js = heap.usedSize + (heap.embedderHeapUsedSize || 0) + (heap.backingStorageSize || 0);
  return { wasm_mb: (await page.evaluate(wasmBytes)) / 1048576, js_mb: js / 1048576 };
}

const pageNow = (page) => page.evaluate(() => performance.now());

// ---- this app ---------------------------------------------------------------

async function runCrm(records, workload, appUrl) {
  const browser = await launch(`crm-${records}`);
  try {
    let page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`  crm page error: ${error.message}`));
    await page.goto(appUrl);
    await page.waitForFunction(() => window.crmTest && window.crmTest.state().open === true, null, long);
    await page.waitForFunction(() => window.crmTest.syncIdle(), null, long);
    await switchUser(page, "u-sam"); // the demo workspace's admin may import

    // Import: from the picked file to the question what to do with it (read,
    // parsed, checked), then from "Replace" to every file in IndexedDB. The
    // app waits 400 ms to gather edits before it saves; here it saves at once.
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), click(page, "import")]);
    const picked = await pageNow(page);
    await chooser.setFiles(workload.file);
    const asked = await (await page.waitForFunction(
      () => window.crmTest.state().import_question.file !== "" && performance.now(), null,
      { ...long, polling: "raf" })).jsonValue();
    const button = await settledRect(page, "import-replace");
    const replacing = await pageNow(page);
    await page.mouse.click(button.x + button.w / 2, button.y + button.h / 2);
    await page.waitForFunction((since) => {
      const platform = window.Module.crmPlatform;
      if (platform.saveState() === 1) platform.flushNow();
      return platform.saveState() === 2 || platform.savedAt() > since;
    }, replacing, { ...long, polling: "raf" });
    await page.waitForFunction((since) => window.crmTest.syncIdle() && window.crmTest.savedAt() > since,
      replacing, long);
    const savedAt = await page.evaluate(() => window.crmTest.savedAt());
    const imported = (asked - picked) + (savedAt - replacing);
    const { records: count, notice } = await state(page);
    if (count < records) throw new Error(`crm imported ${count} records (${notice})`);

    // Cold start: the tab closed, a new one opened over what IndexedDB holds
    // (with the app's files in the service worker's cache, as on a return
    // visit); the app opens on My work for the first rep and draws their rows.
    // Marks on the way: the wasm module running, the workspace's files read
    // from IndexedDB, the rows drawn.
    await page.close();
    await browser.context.addInitScript(() => {
      window.benchMarks = {};
      const look = () => {
        const marks = window.benchMarks, now = performance.now();
        // The app's frames until then: their CPU time, and the longest.
        if (window.Module && !window.Module.preMainLoop) {
          let started = 0;
          marks.frame_ms = 0;
          marks.longest_frame = 0;
          window.Module.preMainLoop = () => { started = performance.now(); };
          window.Module.postMainLoop = () => {
            const took = performance.now() - started;
            if (marks.rows) { // after My work is shown: the longest frame of the next 2 s
              if (started - marks.rows < 2000) marks.longest_after = Math.max(marks.longest_after || 0, took);
              return;
            }
            marks.frame_ms += took;
            marks.longest_frame = Math.max(marks.longest_frame, took);
            if (took > 50) (marks.long_frames = marks.long_frames || []).push([started, took]);
          };
        }
        if (!marks.running && window.Module && window.Module.calledRun) marks.running = now;
        if (!marks.loaded && window.Module && window.Module.crmPlatform && window.Module.crmPlatform.loadState() !== 0)
          marks.loaded = now;
        if (window.crmTest && window.Module.calledRun && window.crmTest.rects()["work-open-0"]) {
          marks.rows = now;
        } else requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
    page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`  crm page error: ${error.message}`));
    await page.goto(appUrl, { waitUntil: "commit" });
    await page.waitForFunction(() => window.benchMarks && window.benchMarks.rows, null, long);
    // The frames after: the timers' first look (and every record's deadlines) runs then.
    await page.waitForTimeout(2000);
    const marks = await page.evaluate(() => {
      window.Module.preMainLoop = window.Module.postMainLoop = undefined;
      return window.benchMarks;
    });
    const cold = marks.rows;
    const shown = await state(page);
    if (shown.user !== REP || shown.screen !== "my_work") throw new Error(`crm opened on ${shown.screen} for ${shown.user}`);

    const myWork = [], list = [];
    let due = [], listRows = 0;
    for (let run = 0; run < QUERY_RUNS; run++) {
      const answer = await page.evaluate(([rep, at]) => window.crmTest.timeMyWork(rep, at), [REP, BENCH_NOW]);
      myWork.push(answer.ms);
      due = answer.due.map((d) => (d === null ? NO_DUE : d));
      const listed = await page.evaluate((stage) => window.crmTest.timeList("u-admin", stage), STAGE);
      list.push(listed.ms);
      listRows = listed.rows;
    }

    // One durable edit: through the engine (checked, journaled) until the
    // save that holds it has reached IndexedDB.
    // Twice: as the app runs (it has frames to redraw after the edit, which
    // wait for the save: web/main.cpp hold_for_save()), and with its frame
    // loop held, which is the save alone.
    const edits = [], held = [];
    for (const [i, edit] of workload.edits.entries()) {
      for (const hold of [false, true]) {
        await page.waitForTimeout(300); // the screen redraws after an edit: let it settle
        (hold ? held : edits).push(await page.evaluate(async ({ id, probability, hold }) => {
          if (hold) {
            window.Browser.mainLoop.pause();
            window.Module.crmLoopPaused = false; // input and saves must not wake it
          }
          const start = performance.now();
          if (!window.crmTest.setNumber(id, "probability", probability)) throw new Error(`edit of ${id} refused`);
          window.crmTest.saveNow();
          while (!(window.crmTest.syncIdle() && window.crmTest.savedAt() > start))
            await new Promise((resolve) => setTimeout(resolve, 1));
          if (hold) window.Browser.mainLoop.resume();
          return window.crmTest.savedAt() - start;
        }, { ...edit, probability: hold ? edit.probability + 1 : edit.probability, hold }));
      }
    }
    const mem = await memory(browser.context, page, () => window.crmTest.heapBytes());

    // Frame CPU while scrolling the biggest list (every activity, as admin):
    // the time the browser spends in the app's frame function, from
    // Emscripten's pre- and post-main-loop hooks, for frames that drew.
    await switchUser(page, "u-admin");
    await navigate(page, "type-activity");
    await page.waitForFunction(() => Object.keys(window.crmTest.rects()).some((k) => k.startsWith("row-")), null, long);
    const firstRow = await page.evaluate(() => {
      const rects = window.crmTest.rects();
      return rects[Object.keys(rects).find((k) => k.startsWith("row-"))];
    });
    const activities = (await state(page)).rows;
    await page.mouse.move(firstRow.x + firstRow.w / 2, firstRow.y + 200);
    await page.waitForTimeout(500);
    await page.evaluate(() => {
      window.benchFrames = [];
      let started = 0, drawn = 0;
      window.Module.preMainLoop = () => { started = performance.now(); drawn = window.Module._crm_test_frames(); };
      window.Module.postMainLoop = () => {
        if (window.Module._crm_test_frames() !== drawn) window.benchFrames.push(performance.now() - started);
      };
    });
    await startFrameGaps(page);
    const scrollStart = Date.now();
    while (Date.now() - scrollStart < SCROLL_MS) {
      await page.mouse.wheel(0, 120);
      await page.waitForTimeout(16);
    }
    const gaps = await stopFrameGaps(page);
    const cpu = await page.evaluate(() => {
      window.Module.preMainLoop = window.Module.postMainLoop = undefined;
      return window.benchFrames;
    });
    await page.close();
    return {
      import: imported, cold, my_work: median(myWork), list: median(list), list_rows: listRows,
      edit: median(edits), edit_held: median(held), ...mem, due, marks,
      frames: cpu.length, frame_median: median(cpu), frame_p95: quantile(cpu, 0.95),
      frame_longest: quantile(cpu, 1), gap_median: median(gaps), gap_p95: quantile(gaps, 0.95),
      activities,
    };
  } finally {
    await browser.close();
  }
}

// ---- sql.js and Dexie ---------------------------------------------------

async function runPeer(which, records, workload, peerUrl) {
  const browser = await launch(`${which}-${records}`);
  try {
    let page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`  ${which} page error: ${error.message}`));
    await page.goto(`${peerUrl}peer.html?db=${which}`);
    await page.evaluate(() => window.peerReady);
    // Import: fetch and parse the export, write every record, until committed.
    const { ms: imported, count } = await page.evaluate(async (dir) => {
      const start = performance.now();
      const count = await window.peer.import(dir);
      return { ms: performance.now() - start, count };
    }, String(records));
    if (count !== records) throw new Error(`${which} imported ${count} records`);

    // Cold start: a new page, the library loaded, what IndexedDB holds opened,
    // the rep's first 50 rows drawn.
    await page.close();
    page = await browser.context.newPage();
    page.on("pageerror", (error) => console.error(`  ${which} page error: ${error.message}`));
    await page.goto(`${peerUrl}peer.html?db=${which}&cold=${REP}`, { waitUntil: "commit" });
    await page.waitForFunction(() => window.coldStart, null, long);
    const { ms: cold } = await page.evaluate(() => window.coldStart);

    const myWork = [], list = [];
    let due = [], listRows = 0;
    for (let run = 0; run < QUERY_RUNS; run++) {
      const answer = await page.evaluate(async (rep) => {
        const start = performance.now();
        const rows = await window.peer.myWork(rep);
        return { ms: performance.now() - start, due: rows.map((row) => row[0]) };
      }, REP);
      myWork.push(answer.ms);
      due = answer.due;
      const listed = await page.evaluate(async (stage) => {
        const start = performance.now();
        const rows = await window.peer.list(stage);
        return { ms: performance.now() - start, rows: rows.length };
      }, STAGE);
      list.push(listed.ms);
      listRows = listed.rows;
    }

    const edits = [];
    for (const edit of workload.edits) {
      edits.push(await page.evaluate(async ({ id, probability, at }) => {
        // Dexie: the record as the screen would hold it, read before the clock starts.
        const held = window.peer.get ? await window.peer.get(id) : undefined;
        const start = performance.now();
        await window.peer.edit(id, probability, at, held);
        return performance.now() - start;
      }, edit));
    }
    const mem = await memory(browser.context, page, () => window.wasmBytes());
    await page.close();
    return { import: imported, cold, my_work: median(myWork), list: median(list), list_rows: listRows,
      edit: median(edits), ...mem, due };
  } finally {
    await browser.close();
  }
}

// ---- what the browser downloads -------------------------------------------

// Each file's size as served and gzipped (level 9, as a static server
// would precompress it), in MB.
function downloadSize(files) {
  let raw = 0, gz = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  return `${(gz / 1e6).toFixed(2)} MB gzipped (${(raw / 1e6).toFixed(2)} MB raw)`;
}

// ---- the table ------------------------------------------------------------

function printTable(results) {
  const names = ["crm", "sql.js", "Dexie"];
  const keys = ["crm", "sqljs", "dexie"];
  const label = (text) => text.padEnd(40);
  const cell = (text) => String(text).padStart(9);
  let line = label("");
  for (const { records } of results) line += `${records} records`.padStart(27) + "   ";
  console.log("\n" + line);
  line = label("");
  for (let i = 0; i < results.length; i++) line += names.map(cell).join("") + "   ";
  console.log(line);
  const rows = [
    ["import, to IndexedDB (ms)", "import", 0],
    ["cold start to My work shown (ms)", "cold", 0],
    ["My work, first 50 (ms)", "my_work", 2],
    ["one durable edit to IndexedDB (ms)", "edit", 2],
    ["  the same, frame loop held (ms)", "edit_held", 2],
    ["filtered list, first 50 (ms)", "list", 2],
    ["wasm memory (MB)", "wasm_mb", 1],
    ["JS heap and its buffers (MB)", "js_mb", 1],
    ["frame CPU scrolling, median (ms)", "frame_median", 2],
    ["frame CPU scrolling, p95 (ms)", "frame_p95", 2],
  ];
  for (const [text, key, digits] of rows) {
    line = label(text);
    for (const result of results) {
      for (const contender of keys) {
        const figure = result[contender]?.[key];
        const none = figure === undefined || (key === "wasm_mb" && figure === 0);
        line += cell(none ? "-" : figure.toFixed(digits));
      }
      line += "   ";
    }
    console.log(line);
  }
}

// Where the app is behind a peer at the largest size, by how much, and why
// (docs/performance.md says more).
const trailReasons = {
  import: ["import", "the app checks every record and writes its snapshot; sql.js inserts rows unchecked"],
  cold: ["cold start", "the app decodes every record before its first screen; the peers read only the rows shown"],
  my_work: ["My work", "the app works out the next action of each record that can be first; the peers read an index on due time"],
  edit: ["durable edit", "a strict IndexedDB commit costs about 1.5 ms, and the app checks and journals first"],
  list: ["filtered list", "the app sorts the deals at the stage by amount; the peers read an index in amount order"],
};
function printTrails(result) {
  const lines = [];
  for (const [key, [what, why]] of Object.entries(trailReasons))
    for (const [peer, name] of [["sqljs", "sql.js"], ["dexie", "Dexie"]]) {
      const ours = result.crm[key], theirs = result[peer][key];
      if (ours > theirs) lines.push(`  ${what}: ${(ours / theirs).toFixed(1)}x ${name}'s time (${why})`);
    }
  console.log(`where the app trails at ${result.records} records:` + (lines.length ? "\n" + lines.join("\n") : " nowhere"));
}

const appServer = await startServer(site);
const peerSite = join(work, "site");
rmSync(peerSite, { recursive: true, force: true });
mkdirSync(peerSite, { recursive: true });
symlinkSync(join(root, "bench/browser/peer.html"), join(peerSite, "peer.html"));
for (const file of ["sql.js/dist/sql-wasm.js", "sql.js/dist/sql-wasm.wasm", "dexie/dist/dexie.js"])
  symlinkSync(join(modules, file), join(peerSite, file.split("/").pop()));
const peerServer = await startServer(peerSite);
const appUrl = `http://127.0.0.1:${appServer.address().port}/`;
const peerUrl = `http://127.0.0.1:${peerServer.address().port}/`;
const versions = ["sql.js", "dexie"].map((name) =>
  `${name} ${JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version}`);

console.log(`browser scale benchmark: this app (wasm) beside ${versions.join(" and ")} in headless ` +
  `${execFileSync("/usr/bin/chromium", ["--version"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim()}; My work is ${REP}'s`);
console.log(`download: the app's crm.wasm + crm.js ${downloadSize(["crm.wasm", "crm.js"].map((f) => join(site, f)))} ` +
  `(target <= 1.5 MB gzipped); sql.js ${downloadSize(["sql-wasm.wasm", "sql-wasm.js"].map((f) => join(peerSite, f)))}, ` +
  `Dexie ${downloadSize([join(peerSite, "dexie.js")])}`);
const results = [];
try {
  for (const records of sizes) {
    const workload = prepare(records);
    symlinkSync(workload.dir, join(peerSite, String(records)));
    const result = { records };
    result.crm = await runCrm(records, workload, appUrl);
    result.sqljs = await runPeer("sqljs", records, workload, peerUrl);
    result.dexie = await runPeer("dexie", records, workload, peerUrl);
    let disagree = false;
    const agree = ["sqljs", "dexie"].map((p) => {
      const theirs = result[p].due, ours = result.crm.due;
      const differ = ours.findIndex((due, i) => due !== theirs[i]);
      const same = differ < 0 && theirs.length === ours.length;
      disagree ||= !same;
      return `${p === "sqljs" ? "sql.js" : "Dexie"} ${same ? "yes" : `NO (${ours.length} and ${theirs.length} rows; ` +
        `row ${differ}: ${ours[differ]} and ${theirs[differ]})`}`;
    });
    const { running, loaded, rows } = result.crm.marks;
    console.log(`  ${records} records (${workload.mb.toFixed(1)} MB export): My work's first due times agree: ` +
      `${agree.join(", ")}; filtered list rows: crm ${result.crm.list_rows}, sql.js ${result.sqljs.list_rows}, ` +
      `Dexie ${result.dexie.list_rows}; scrolled ${result.crm.activities} activities: ${result.crm.frames} frames ` +
      `drawn, longest ${result.crm.frame_longest.toFixed(1)} ms CPU; frame gaps median ` +
      `${result.crm.gap_median.toFixed(1)} ms, p95 ${result.crm.gap_p95.toFixed(1)} ms; the app's cold start: ` +
      `wasm running at ${running.toFixed(0)} ms, files read from IndexedDB at ${loaded.toFixed(0)}, rows drawn at ${rows.toFixed(0)} ` +
      `(its frames until then: ${result.crm.marks.frame_ms.toFixed(0)} ms of CPU, the longest ` +
      `${result.crm.marks.longest_frame.toFixed(0)} ms; over 50 ms: ` +
      `${(result.crm.marks.long_frames || []).map(([at, took]) => `${took.toFixed(0)} ms at ${at.toFixed(0)}`).join(", ") || "none"}; ` +
      `after it, the longest frame of the next 2 s, with the timers' first look: ` +
      `${(result.crm.marks.longest_after || 0).toFixed(0)} ms)`);
    // Figures for different screens compare nothing: stop here.
    if (disagree) throw new Error(`at ${records} records the rep's My work is not the same in every contender`);
    results.push(result);
    rmSync(workload.dir, { recursive: true, force: true });
  }
  printTable(results);
  const last = results[results.length - 1];
  const times = (peer) => `${(peer.edit / last.crm.edit).toFixed(2)}x the app's time ` +
    `(${(peer.edit / last.crm.edit_held).toFixed(2)}x with its frame loop held)`;
  console.log(`\none durable edit at ${last.records} records: sql.js takes ${times(last.sqljs)}, ` +
    `Dexie ${times(last.dexie)}`);
  printTrails(last);
} finally {
  appServer.close();
  peerServer.close();
}
