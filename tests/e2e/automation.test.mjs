// The automation screen in the browser: the demo's rules read as sentences,
// what they did on open (quiet leads followed up, renewals coming up) is in
// the log, an admin turns a rule off and it stays off across a reload, and a
// phone shows the same. The rule editor: an admin writes a rule, is told what
// is wrong in the core's words with Save off until it is fixed, saves it, and
// finds it after a reload; edits and deletes one; and does so on a phone.
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

const editor = (page) => automation(page).then((a) => a.editor);

// Scrolls the editor until the named control is in view (the form is longer than a phone).
async function reveal(page, name) {
  const { width, height } = page.viewportSize();
  await page.waitForFunction((n) => Boolean(window.crmTest.rects()[n]), name, { timeout: 5000 })
    .catch(() => {}); // the next frame draws what the last click opened; the check below names it
  for (let attempt = 0; attempt < 40; attempt++) {
    const r = await page.evaluate((n) => window.crmTest.rects()[n] || null, name);
    assert.ok(r, `the app never drew "${name}"`);
    // Below the screen's head; above a phone's verdict, Save and bottom bar.
    const top = Math.max(100, height * 0.3);
    const bottom = width < 700 ? height * 0.62 : height - 160;
    if (r.y >= top && r.y + r.h <= bottom) return;
    await page.mouse.move(width / 2, height / 2);
    await page.mouse.wheel(0, r.y < top ? -150 : 150);
    await page.waitForTimeout(120);
    const moved = await page.evaluate((n) => window.crmTest.rects()[n] || null, name);
    if (moved && moved.y === r.y) return; // as far as it scrolls
  }
}

async function tap(page, name) {
  await reveal(page, name);
  await click(page, name);
}

async function typeIn(page, name, text) {
  await tap(page, name);
  await page.keyboard.type(text, { delay: 15 });
}

// Chooses `value` in the editor's list `name` (a combo: open it, pick).
async function choose(page, name, value) {
  await tap(page, name);
  await click(page, `${name}-${value}`);
  await page.waitForFunction((n) => !window.crmTest.rects()[n], `${name}-${value}`, { timeout: 2000 })
    .catch(() => {}); // the list closed
}

async function replaceText(page, name, text) {
  await tap(page, name);
  // The app's text input has the keyboard once the field is active.
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "text-input");
  await page.waitForTimeout(100);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text, { delay: 15 });
}

// Every control the editor drew lies within the screen's width.
async function assertEditorFits(page) {
  const { width } = page.viewportSize();
  const rects = await page.evaluate(() => window.crmTest.rects());
  const drawn = Object.entries(rects).filter(([name]) => name.startsWith("rule-"));
  assert.ok(drawn.length > 10, "the editor drew its controls");
  for (const [name, r] of drawn)
    assert.ok(r.x >= 0 && r.x + r.w <= width + 1, `${name} fits the width (${r.x}+${r.w} of ${width})`);
}

// Writes "when a ticket's priority changes to Critical, notify the owner's manager".
async function writeCriticalTicketsRule(page) {
  await choose(page, "rule-type", "ticket");
  await choose(page, "rule-trigger", "field_changed");
  await choose(page, "rule-field", "priority");
  await choose(page, "rule-to", "Critical");
  await tap(page, "rule-action-0-to");
  await click(page, "rule-action-0-to-owner");
  await click(page, "rule-action-0-to-owner_manager");
  await page.keyboard.press("Escape");
  await sentenceHas(page, "notify the owner's manager");
  await typeIn(page, "rule-action-0-message", "A ticket turned critical");
  await sentenceHas(page, '"A ticket turned critical"');
}

const sentenceHas = (page, text) => page.waitForFunction(
  (t) => window.crmTest.state().automation.editor?.sentence.includes(t), text, { timeout: 5000 });

test("an admin writes a rule in the editor, fixes what it says, saves it and edits another", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context);
  await becomeUser(page, "u-sam");
  await openAutomation(page);
  await click(page, "rule-new");
  await page.waitForFunction(() => Boolean(window.crmTest.state().automation.editor));
  // A blank rule: nothing saved while it has no name or message.
  let found = await editor(page);
  assert.ok(found.problems.includes("a rule without a name: give it a name"), found.problems.join("\n"));
  await typeIn(page, "rule-name", "Critical tickets");
  await writeCriticalTicketsRule(page);
  await page.waitForFunction(() => window.crmTest.state().automation.editor.problems.length === 0);
  found = await editor(page);
  assert.equal(found.sentence,
    "When a Ticket's Priority changes to Critical: notify the owner's manager: \"A ticket turned critical\".");
  assert.equal(found.id, "critical_tickets");

  // A condition that is not JSON: the core's words, and Save does nothing.
  await typeIn(page, "rule-condition", '{"==": [{"var": "category"}, "Bug"]');
  await page.waitForFunction(() => window.crmTest.state().automation.editor.problems.length === 1);
  found = await editor(page);
  assert.match(found.problems[0], /^rule "Critical tickets", condition: not valid JSON: line 1, column \d+: /);
  await assertOnScreen(page, ["rule-problem-0", "rule-save", "rule-sentence"]);
  await page.screenshot({ path: join(shots, "rule-editor-problem-desktop.png") });
  await click(page, "rule-save");
  await page.waitForTimeout(200);
  assert.equal((await automation(page)).rules.critical_tickets, undefined, "Save is off while a problem stands");

  await tap(page, "rule-condition");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("}");
  await page.waitForFunction(() => window.crmTest.state().automation.editor.problems.length === 0);
  assert.equal((await editor(page)).sentence,
    "When a Ticket's Priority changes to Critical and Category is Bug: notify the owner's manager: " +
    "\"A ticket turned critical\".");
  await page.screenshot({ path: join(shots, "rule-editor-desktop.png") });
  await click(page, "rule-save");
  await page.waitForFunction(() => window.crmTest.state().automation.rules.critical_tickets === true);
  assert.equal(await editor(page), undefined, "saving closes the editor");
  await reveal(page, "rule-edit-critical_tickets");
  await assertOnScreen(page, ["rule-critical_tickets", "rule-edit-critical_tickets"]);
  await page.screenshot({ path: join(shots, "rule-list-desktop.png") });

  // Editing a rule keeps its id (and its place: the core's tests).
  await reveal(page, "rule-edit-route_dach_leads");
  await click(page, "rule-edit-route_dach_leads");
  await replaceText(page, "rule-name", "Route German-speaking leads");
  await page.waitForFunction(() => window.crmTest.state().automation.editor.name === "Route German-speaking leads");
  assert.deepEqual((await editor(page)).problems, []);
  assert.equal((await editor(page)).id, "route_dach_leads", "an edited rule keeps its id");
  await click(page, "rule-save");
  await page.waitForFunction(
    () => window.crmTest.state().automation.names.route_dach_leads === "Route German-speaking leads");
  await waitSaved(page);

  await page.reload();
  await waitOpen(page);
  found = await automation(page);
  assert.equal(found.names.critical_tickets, "Critical tickets");
  assert.equal(found.names.route_dach_leads, "Route German-speaking leads");
  assert.match(found.sentences.critical_tickets, /^When a Ticket's Priority changes to Critical and Category is Bug/);

  // Deleting asks first.
  await becomeUser(page, "u-sam");
  await openAutomation(page);
  await tap(page, "rule-delete-critical_tickets");
  await tap(page, "rule-delete-confirm-critical_tickets");
  await page.waitForFunction(() => window.crmTest.state().automation.rules.critical_tickets === undefined);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("an admin on a phone writes a rule: the inputs stack and Save stays in reach", async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await openApp(context, { onMyWork: true });
  await becomeUser(page, "u-sam");
  await openAutomation(page);
  await assertOnScreen(page, ["rule-new", "rule-edit-route_dach_leads", "rule-delete-route_dach_leads"]);
  await page.screenshot({ path: join(shots, "rule-list-phone.png") });
  await click(page, "rule-new");
  await page.waitForFunction(() => Boolean(window.crmTest.state().automation.editor));
  await assertOnScreen(page, ["rule-save", "rule-cancel", "rule-name"]);
  await typeIn(page, "rule-name", "Critical tickets");
  await writeCriticalTicketsRule(page);
  await page.waitForFunction(() => window.crmTest.state().automation.editor.problems.length === 0);
  await assertEditorFits(page);
  await assertOnScreen(page, ["rule-save", "rule-cancel"]);
  await page.screenshot({ path: join(shots, "rule-editor-phone.png") });
  await tap(page, "rule-add-action");
  await choose(page, "rule-action-1-kind", "create_task");
  await page.waitForFunction(() => window.crmTest.state().automation.editor.problems.length === 1);
  await page.screenshot({ path: join(shots, "rule-editor-task-phone.png") });
  await assertEditorFits(page);
  await typeIn(page, "rule-action-1-title", "Call the customer");
  await page.waitForFunction(() => window.crmTest.state().automation.editor.problems.length === 0);
  await tap(page, "rule-action-1-up");
  await page.waitForFunction(() =>
    window.crmTest.state().automation.editor.sentence.includes(": create a task \"Call the customer\""));
  await click(page, "rule-save");
  await page.waitForFunction(() => window.crmTest.state().automation.rules.critical_tickets === true);
  await page.screenshot({ path: join(shots, "rule-saved-phone.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});
