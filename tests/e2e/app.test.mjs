// Browser end-to-end tests: the real web build in Debian's Chromium, driven by
// playwright-core. Clicks go to named widget rectangles the app exports.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/static-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const site = join(root, "build/web/site");
const shots = join(root, "build/e2e");
mkdirSync(shots, { recursive: true });

let server, browser, baseUrl;

before(async () => {
  server = await startServer(site);
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--use-gl=angle", "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function openApp(context) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(baseUrl);
  await waitOpen(page);
  page.errors = errors;
  return page;
}

async function waitOpen(page) {
  await page.waitForFunction(() => window.crmTest && window.crmTest.state().open === true, null,
    { timeout: 30000 });
  await waitSaved(page);
}

const waitSaved = (page) => page.waitForFunction(() => window.crmTest.syncIdle(), null, { timeout: 30000 });
const state = (page) => page.evaluate(() => window.crmTest.state());
const findByTitle = (page, title) => page.evaluate((t) => window.crmTest.findByTitle(t), title);

// Waits until the app has drawn the named widget, then clicks its centre.
async function click(page, name) {
  const handle = await page.waitForFunction((n) => window.crmTest.rects()[n], name, { timeout: 10000 });
  const rect = await handle.jsonValue();
  await page.mouse.click(rect.x + rect.w / 2, rect.y + rect.h / 2);
}

async function typeInto(page, name, text) {
  await click(page, name);
  await page.keyboard.type(text, { delay: 15 });
}

test("the demo workspace opens with its records on a first visit", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openApp(context);
  const opened = await state(page);
  assert.equal(opened.type, "deal");
  assert.ok(opened.records > 300, `demo has ${opened.records} records`);
  assert.ok(opened.rows > 5, `the deals list shows ${opened.rows} rows`);
  assert.equal(opened.user, "u-ana");
  await page.screenshot({ path: join(shots, "demo-deals.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a deal created through the form is still there after a reload", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openApp(context);
  await click(page, "type-deal");
  await click(page, "new-record");
  await typeInto(page, "field-name", "Harbor cranes retrofit");
  await typeInto(page, "field-amount", "25000 EUR");
  await click(page, "save-record");
  await page.waitForFunction(() => window.crmTest.state().form_open === false, null, { timeout: 10000 });
  const created = await findByTitle(page, "Harbor cranes retrofit");
  assert.match(created, /^deal-\d+$/);
  assert.equal((await state(page)).notice, "Created Harbor cranes retrofit");
  await waitSaved(page);

  await page.reload();
  await waitOpen(page);
  assert.equal(await findByTitle(page, "Harbor cranes retrofit"), created);
  await click(page, `row-${created}`);
  await page.waitForFunction(() => window.crmTest.state().form_open === true);
  await page.screenshot({ path: join(shots, "deal-after-reload.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a bad value is shown next to its field and nothing is saved", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openApp(context);
  const before = (await state(page)).records;
  await click(page, "new-record");
  await typeInto(page, "field-name", "Pricing workshop");
  await typeInto(page, "field-amount", "lots");
  await click(page, "save-record");
  await page.waitForFunction(() => Object.keys(window.crmTest.state().form_problems).length > 0);
  const after = await state(page);
  assert.equal(after.form_problems.amount,
    'expected an amount with an optional currency, like "12000 EUR", got "lots"');
  assert.equal(after.form_message, "Please fix the highlighted fields.");
  assert.equal(after.records, before);
  assert.equal(await findByTitle(page, "Pricing workshop"), "");
  await page.screenshot({ path: join(shots, "inline-validation.png") });
  await context.close();
});
