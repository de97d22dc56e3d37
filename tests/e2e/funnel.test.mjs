// The funnel end to end in the browser: a rep converts a lead into a company,
// contact and deal, works the deal to Negotiation, writes a quote line by
// line, and accepts it: the order is made, the deal is won and onboarding
// starts. Then the convert dialog and the lines editor on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startBrowser, stopBrowser, browser, shots, openApp, state, click, typeInto, assertOnScreen,
  becomeUser, waitSaved, openByName, record, replaceText, reveal,
} from "./helpers.mjs";

before(startBrowser);
after(stopBrowser);

async function save(page) {
  await click(page, "save-record");
  await page.waitForFunction(() => window.crmTest.state().form_open === false).catch(async (error) => {
    await page.screenshot({ path: join(shots, "funnel-save-failed.png") });
    const s = await state(page);
    throw new Error(`${error.message}; ${s.form_message} ${JSON.stringify(s.form_problems)}`);
  });
  await waitSaved(page);
}

test("convert a lead, quote it, accept the quote: an order, a won deal and onboarding", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await openApp(context, { onMyWork: true });
  await becomeUser(page, "u-ana");
  await openByName(page, "Priya Haddad", "lead-10");
  await click(page, "convert-lead");
  await page.waitForFunction(() => window.crmTest.state().convert_open === true);
  await replaceText(page, "convert-deal-name", "Brightline route planning");
  await page.screenshot({ path: join(shots, "funnel-convert.png") });
  await click(page, "convert-submit");
  await page.waitForFunction(() => window.crmTest.state().convert_open === false);
  const lead = await record(page, "lead-10");
  const deal = lead.fields.converted_deal;
  assert.ok(deal && lead.fields.converted_company && lead.fields.converted_contact);
  assert.equal((await state(page)).form_record, deal, "the new deal opens");
  assert.equal((await record(page, lead.fields.converted_company)).fields.name, "Brightline Ltd");
  assert.equal((await record(page, lead.fields.converted_contact)).fields.last_name, "Haddad");
  await waitSaved(page);

  // The deal goes through the pipeline's gates, one stage at a time.
  const title = "Brightline route planning";
  const stageIs = (stage) => page.waitForFunction(
    ([id, s]) => window.crmTest.record(id).fields.stage === s, [deal, stage], { timeout: 10000 })
    .catch(async (error) => {
      await page.screenshot({ path: join(shots, "funnel-move-failed.png") });
      const s = await state(page);
      throw new Error(`${error.message} waiting for ${stage}: ${s.move_message} ${s.form_message} ${s.notice}`);
    });
  await click(page, "move-next-sales_pipeline");
  await typeInto(page, "move-field-budget", "20000 USD"); // what Qualified needs
  await click(page, "move-submit");
  await stageIs("Qualified");
  await click(page, "move-next-sales_pipeline");
  await click(page, "move-field-decision_maker");
  await click(page, `choice-${lead.fields.converted_contact}`);
  await typeInto(page, "move-field-meeting_date", "2026-12-10");
  await click(page, "move-submit");
  await stageIs("Meeting scheduled");
  for (const field of ["demo_completed", "pricing_discussed", "agreement_signed"]) {
    await reveal(page, `field-${field}`);
    await click(page, `field-${field}`);
  }
  await save(page);
  await openByName(page, title, deal);
  await click(page, "move-next-sales_pipeline");
  await typeInto(page, "move-field-amount", "15000 USD");
  await typeInto(page, "move-field-close_date", "2027-01-29");
  await click(page, "move-submit");
  await stageIs("Proposal sent");
  await click(page, "move-next-sales_pipeline");
  await stageIs("Negotiation");
  await waitSaved(page);

  // A quote, line by line; the total follows as the lines are typed.
  await openByName(page, title, deal);
  await click(page, "new-quote");
  await page.waitForFunction(() => window.crmTest.state().form_values.deal !== "");
  await click(page, "line-add");
  await typeInto(page, "line-product-0", "Fieldwork Growth licence");
  await replaceText(page, "line-quantity-0", "10");
  await typeInto(page, "line-price-0", "1200");
  await typeInto(page, "line-discount-0", "10");
  await click(page, "line-add");
  await typeInto(page, "line-product-1", "Onboarding package");
  await typeInto(page, "line-price-1", "4500");
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(shots, "funnel-quote-lines.png") });
  await save(page);
  const quote = await page.evaluate(
    (t) => window.crmTest.findByTitle(t), "Quote for Brightline route planning");
  const kept = await record(page, quote);
  assert.deepEqual(kept.fields.total, { amount: 15300, currency: "USD" });
  assert.equal(kept.fields.lines.length, 2);

  await openByName(page, "Quote for Brightline", quote);
  await click(page, "accept-quote");
  await page.waitForFunction((q) => window.crmTest.state().form_record !== q, quote);
  await waitSaved(page);
  const order = (await record(page, quote)).fields.order;
  assert.ok(order, "the quote names its order");
  assert.equal((await state(page)).form_record, order, "the order opens");
  assert.deepEqual((await record(page, order)).fields.total, { amount: 15300, currency: "USD" });
  await page.screenshot({ path: join(shots, "funnel-order.png") });
  const won = await record(page, deal);
  assert.equal(won.flows.sales_pipeline.outcome, "closed_won");
  assert.equal(won.flows.onboarding.stage, "kickoff_scheduled", "onboarding started");
  await openByName(page, title, deal);
  await page.screenshot({ path: join(shots, "funnel-deal-onboarding.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("the convert dialog and the quote lines fit a phone", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
    hasTouch: true, isMobile: true });
  const page = await openApp(context, { onMyWork: true });
  await becomeUser(page, "u-ana");
  await openByName(page, "Grace Dubois", "lead-4");
  await click(page, "convert-lead");
  await page.waitForFunction(() => window.crmTest.state().convert_open === true);
  await assertOnScreen(page, ["convert-submit", "convert-cancel"]);
  await page.screenshot({ path: join(shots, "funnel-convert-phone.png") });
  await click(page, "convert-submit");
  await page.waitForFunction(() => window.crmTest.state().convert_open === false);
  const lead = await record(page, "lead-4");
  assert.equal(lead.fields.converted_deal, "deal-45", "the deal the lead started is used");

  await openByName(page, "Quote for Meridian Foods", "quote-6");
  await assertOnScreen(page, ["line-product-0", "line-quantity-0", "line-price-0", "line-discount-0",
    "line-remove-0"]);
  await page.screenshot({ path: join(shots, "funnel-quote-phone.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});
