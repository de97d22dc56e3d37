// Shared by the browser tests: one static server and one Chromium per test
// file, and the ways a test opens the app, clicks a named widget and waits.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/static-server.mjs";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const site = join(root, "build/web/site");
export const shots = join(root, "build/e2e");
mkdirSync(shots, { recursive: true });

let server, baseUrl;
export let browser;

export async function startBrowser() {
  server = await startServer(site);
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--use-gl=angle", "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function stopBrowser() {
  await browser?.close();
  server?.close();
}

// Opens the app; most tests start from the deals list ("My work" is the default screen).
export async function openApp(context, { onMyWork = false } = {}) {
  const page = await context.newPage();
  explainTimeouts(page);
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(baseUrl);
  await waitOpen(page);
  if (!onMyWork) {
    await navigate(page, "type-deal");
    await page.waitForFunction(() => window.crmTest.state().screen === "records");
  }
  page.errors = errors;
  return page;
}

// A wait that times out says, on one line, what it waited for and where the
// app stood then, so a failure seen only on another machine can be read.
let timeouts = 0;
function explainTimeouts(page) {
  const waitForFunction = page.waitForFunction.bind(page);
  page.waitForFunction = async (predicate, arg, options) => {
    try {
      return await waitForFunction(predicate, arg, options);
    } catch (error) {
      if (error.name !== "TimeoutError") throw error;
      const stood = await whereTheAppStands(page);
      const shot = join(shots, `timed-out-${++timeouts}.png`);
      await page.screenshot({ path: shot, timeout: 5000 }).catch(() => {});
      const waited = String(predicate).replace(/\s+/g, " ");
      error.message = `${error.message.split("\n")[0]} waiting for ${waited}${spelled(arg)}; ` +
        `the app stood at ${stood} (${shot})`;
      throw error;
    }
  };
}

// The app's state a reader of a failure needs, or "unknown" if a busy or
// gone page does not say within 5 s.
function whereTheAppStands(page) {
  const keys = ["open", "user", "screen", "rows", "notice", "alert", "view_name", "bulk_selected",
    "form_record", "records"];
  const asked = page.evaluate((wanted) => {
    const s = window.crmTest?.state() ?? {};
    return JSON.stringify(Object.fromEntries(wanted.filter((k) => k in s).map((k) => [k, s[k]])));
  }, keys).catch(() => "unknown");
  return Promise.race([asked, new Promise((done) => setTimeout(done, 5000, "unknown"))]);
}

function spelled(arg) {
  if (arg === undefined || arg === null) return "";
  try {
    return ` with ${JSON.stringify(arg)}`;
  } catch {
    return " with an argument JSON cannot spell";
  }
}

// Where the app is served.
export const appUrl = () => baseUrl;

export async function waitOpen(page) {
  await page.waitForFunction(() => window.crmTest && window.crmTest.state().open === true, null,
    { timeout: 30000 });
  await waitSaved(page);
}

export const waitScreen = (page, screen) =>
  page.waitForFunction((s) => window.crmTest.state().screen === s, screen);
export const waitSaved = (page) => page.waitForFunction(() => window.crmTest.syncIdle(), null, { timeout: 30000 });
export const state = (page) => page.evaluate(() => window.crmTest.state());
export const findByTitle = (page, title) => page.evaluate((t) => window.crmTest.findByTitle(t), title);

// Where the app drew the named widget, once that place has settled: the same
// in two frames drawn after the last look (a popup's first frame is a
// measuring pass, and a scroll moves things a frame after its input), or the
// frame loop resting with nothing left to draw. Null if it never settles.
export async function settledRect(page, name, timeout = 15000) {
  const look = () => page.evaluate((n) => ({
    rect: window.crmTest.rects()[n] || null,
    frames: window.crmTest.frames(),
    resting: window.crmTest.resting(),
  }), name);
  const deadline = Date.now() + timeout;
  let before = await look();
  while (Date.now() < deadline) {
    await page.waitForTimeout(50);
    const now = await look();
    const same = now.rect && before.rect && JSON.stringify(now.rect) === JSON.stringify(before.rect);
    if (same && (now.resting || now.frames >= before.frames + 2)) return now.rect;
    if (JSON.stringify(now.rect) !== JSON.stringify(before.rect)) before = now;
  }
  return null;
}

// Waits until the named widget has settled, then clicks its centre, and
// returns once the app has drawn what the click did: ImGui takes a click's
// down and up over two frames and lays out its result on the next, so a
// widget looked up sooner may still stand where it stood before the click.
export async function click(page, name) {
  const rect = await settledRect(page, name);
  assert.ok(rect, `the app never drew "${name}"`);
  await drawnAfter(page, () => page.mouse.click(rect.x + rect.w / 2, rect.y + rect.h / 2));
}

// Gives the app input (a click, a key) and returns once it has drawn what
// the input did: four frames later, or its frame loop resting.
export async function drawnAfter(page, input) {
  const before = await page.evaluate(() => window.crmTest.frames());
  await input();
  await page.waitForFunction((b) => window.crmTest.resting() || window.crmTest.frames() >= b + 4,
    before, { timeout: 30000 }).catch((error) => {
    if (error.name === "TimeoutError") throw error; // else the input left the page
  });
}

// Goes to a screen by its navigation entry: on tablets and phones the
// navigation is in a menu, opened first.
export async function navigate(page, name) {
  const drawn = () => page.evaluate((n) => Boolean(window.crmTest.rects()[n]), name);
  // The frame that closes a menu still lists what it drew: look again a moment later.
  const shown = (await drawn()) && (await page.waitForTimeout(100), await drawn());
  if (!shown) {
    const rects = await page.evaluate(() => window.crmTest.rects());
    await click(page, rects["tab-menu"] ? "tab-menu" : "menu");
    await page.waitForFunction((n) => Boolean(window.crmTest.rects()[n]), name);
  }
  await click(page, name);
}

// Picks `path` through the Import button, as the browser's file chooser would.
export async function pickImportFile(page, path) {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), click(page, "import")]);
  await chooser.setFiles(path);
}

export async function typeInto(page, name, text) {
  await click(page, name);
  await page.keyboard.type(text, { delay: 15 });
}

// Clicks a text field and replaces what it holds.
export async function replaceText(page, name, text) {
  await click(page, name);
  await page.waitForTimeout(250); // the field takes the keyboard on the next frames
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text, { delay: 15 });
}

// Scrolls the record panel until the named widget is in view, as a person
// scrolls to a field below the fold before tapping it.
export async function reveal(page, name) {
  const { height } = page.viewportSize();
  for (let i = 0; i < 30; i++) {
    const r = await page.evaluate((n) => window.crmTest.rects()[n], name);
    if (!r) throw new Error(`${name} is not drawn`);
    if (r.y > 120 && r.y + r.h < height - 90) return;
    await page.mouse.move(r.x + 5, height / 2);
    await page.mouse.wheel(0, r.y > height / 2 ? 200 : -200);
    await page.waitForTimeout(120);
  }
}

// A record as the app keeps it (values in UTC).
export const record = (page, id) => page.evaluate((i) => window.crmTest.record(i), id);

// Opens a record by its title through the command palette.
export async function openByName(page, name, id) {
  await page.keyboard.press("Control+k");
  await page.waitForFunction(() => window.crmTest.state().palette_open === true);
  await page.keyboard.type(name, { delay: 15 });
  await page.waitForTimeout(200);
  await page.keyboard.press("Enter");
  await page.waitForFunction((i) => window.crmTest.state().form_record === i, id);
  await page.waitForTimeout(200);
}

export async function switchUser(page, id) {
  await click(page, "user-switcher");
  await click(page, `user-${id}`);
  await page.waitForFunction((u) => window.crmTest.state().user === u, id);
}

// Switches who one is; on a phone the switcher sits in the navigation menu.
export async function becomeUser(page, id) {
  const rects = await page.evaluate(() => window.crmTest.rects());
  if (!rects["user-switcher"] && rects["tab-menu"]) await click(page, "tab-menu");
  await switchUser(page, id);
}

// A finger dragged from (x, fromY) to (x, toY) on a touch screen, in steps
// of 20 CSS pixels, as a scrolling thumb moves.
export async function swipe(page, x, fromY, toY) {
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, y) => cdp.send("Input.dispatchTouchEvent",
    { type, touchPoints: type === "touchEnd" ? [] : [{ x, y }] });
  await touch("touchStart", fromY);
  const step = toY < fromY ? -20 : 20;
  for (let y = fromY + step; step < 0 ? y > toY : y < toY; y += step) await touch("touchMove", y);
  await touch("touchMove", toY);
  await touch("touchEnd", toY);
  await cdp.detach();
}

export async function drag(page, from, to) {
  const rects = await page.evaluate(() => window.crmTest.rects());
  const a = rects[from], b = rects[to];
  assert.ok(a && b, `both ${from} and ${to} are drawn`);
  await page.mouse.move(a.x + a.w / 2, a.y + a.h / 2);
  await page.mouse.down();
  await page.waitForTimeout(50);
  await page.mouse.move(a.x + a.w / 2 + 20, a.y + a.h / 2 + 5, { steps: 4 });
  await page.waitForTimeout(50);
  await page.mouse.move(b.x + b.w / 2, b.y + 60, { steps: 12 });
  await page.waitForTimeout(100);
  await page.mouse.up();
}

// Every one of the named controls is drawn, and lies inside the viewport.
export async function assertOnScreen(page, names) {
  const { width, height } = page.viewportSize();
  await page.waitForFunction((all) => all.every((n) => window.crmTest.rects()[n]), names, { timeout: 5000 })
    .catch(() => {}); // the checks below name what is missing
  const rects = await page.evaluate(() => window.crmTest.rects());
  for (const name of names) {
    const r = rects[name];
    assert.ok(r, `${name} is drawn`);
    assert.ok(r.x >= 0 && r.x + r.w <= width + 1 && r.y >= 0 && r.y + r.h <= height + 1,
      `${name} is on screen (${r.x},${r.y} ${r.w}x${r.h} of ${width}x${height})`);
  }
}
