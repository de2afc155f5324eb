// An annotator works through the text queue with the keyboard only (no click anywhere): logs in, corrects
// one prediction with a label's number key + Enter, accepts the next with A, goes back and changes that
// answer. Every answer is in the database (the latest wins) and in the audit log.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, newPage, textOf } from "../lib/browser.mjs";
import { Api, eventually, sql, stack } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** The item on screen: its id (from the item's heading), the model's label and the text. */
async function currentItem(page) {
  const text = await textOf(page.locator(".annotate-text"));
  const heading = (await page.locator("#annotate-item-title").textContent()).trim();
  const model = (await page.locator(".model-says strong").textContent()).trim();
  return { itemId: Number(heading.replace(/^Item /, "")), model, text };
}

async function nextItem(page, previousId) {
  await page.waitForFunction(
    (id) => document.querySelector("#annotate-item-title")?.textContent?.trim() !== `Item ${id}`, previousId);
  return currentItem(page);
}

function feedbackOf(itemId) {
  return sql(`SELECT f.id, f.verdict, f.label, f.resolved_label, u.username
              FROM feedback_feedback f JOIN auth_user u ON u.id = f.annotator_id
              WHERE f.item_id = ${Number(itemId)} ORDER BY f.id`);
}

e2eTest("an annotator corrects, accepts and changes text answers with the keyboard only", async () => {
  const { labels } = await (await Api.as("engineer")).get("/projects/demo-text/");
  const page = await newPage(browser);

  // Log in with the keyboard: the username field has the focus.
  await page.goto("/login?next=/projects/demo-text/queue");
  await page.getByLabel("Username").waitFor();
  await page.keyboard.type("annotator");
  await page.keyboard.press("Tab");
  await page.keyboard.type(stack.users.annotator);
  await page.keyboard.press("Enter");
  await page.waitForURL("**/projects/demo-text/queue");

  // 1: correct with a label's number key, then Enter.
  const first = await currentItem(page);
  assert.ok(labels.includes(first.model), `model label ${first.model} not in ${labels}`);
  const corrected = labels.find((label) => label !== first.model);
  await page.keyboard.press(String(labels.indexOf(corrected) + 1));
  assert.ok(await page.locator(`input[type=radio][value="${corrected}"]`).isChecked(), "the number key chose the label");
  await page.getByRole("button", { name: `Correct to “${corrected}”` }).waitFor();
  await page.keyboard.press("Enter");

  // 2: accept the model's label with A.
  const second = await nextItem(page, first.itemId);
  await page.keyboard.press("a");

  // 3 is on screen; go back (←) to 2 and change that answer to another label.
  const third = await nextItem(page, second.itemId);
  assert.notEqual(third.itemId, first.itemId);
  await page.keyboard.press("ArrowLeft");
  await page.getByText("Changing answer 2 of 2").waitFor();
  assert.equal((await currentItem(page)).itemId, second.itemId);
  const changed = labels.find((label) => label !== second.model);
  await page.keyboard.press(String(labels.indexOf(changed) + 1));
  await page.keyboard.press("Enter");
  await nextItem(page, second.itemId);
  assert.equal(await textOf(page.getByTestId("session-answered")), "2");

  // The database holds every answer; for item 2 the latest (the change) is what counts.
  const one = await eventually("the first answer in the database", () => feedbackOf(first.itemId).length === 1 && feedbackOf(first.itemId));
  assert.deepEqual(one.map((f) => [f.verdict, f.label, f.resolved_label, f.username]),
    [["correct", corrected, corrected, "annotator"]]);
  const two = await eventually("both answers to item 2", () => feedbackOf(second.itemId).length === 2 && feedbackOf(second.itemId));
  assert.deepEqual(two.map((f) => [f.verdict, f.resolved_label]), [["accept", second.model], ["correct", changed]]);

  // The audit log (read as the auditor, through the API) has a feedback.submitted event for each answer.
  const auditor = await Api.as("auditor");
  const events = await auditor.get("/audit/events/?action=feedback.submitted&project=demo-text&limit=100");
  for (const f of [...one, ...two]) {
    const event = events.results.find((e) => e.object_type === "feedback.feedback" && Number(e.object_id) === f.id);
    assert.ok(event, `no feedback.submitted event for feedback ${f.id}`);
    assert.equal(event.actor_role, "annotator");
  }
  assert.equal((await auditor.get("/audit/verify/")).ok, true);
  assertNoPageErrors(page);
});
