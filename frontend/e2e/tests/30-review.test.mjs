// A reviewer resolves a flagged answer. The annotator's answer is made through the API first (a correction
// that adds a box, which the platform flags as "missed"); the reviewer sees why in words, the model's boxes,
// the first answer and an editable final answer side by side, removes the added box and submits with a note.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, pageAs, textOf } from "../lib/browser.mjs";
import { Api, eventually, sql } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const plain = ({ label, x, y, w, h }) => ({ label, x, y, w, h });

e2eTest("a reviewer resolves a flagged item: removes the annotator's added box and submits with a note", async () => {
  const annotator = await Api.as("annotator");
  const { labels } = await annotator.get("/projects/demo-shapes/");
  const queue = await annotator.get("/projects/demo-shapes/queue/?limit=100");
  const entry = queue.results.at(-1);
  assert.ok(entry, "the image queue is empty");
  const added = { label: labels[2], x: 8, y: 9, w: 30, h: 28 };
  const feedback = await annotator.post(`/predictions/${entry.prediction_id}/feedback/`, {
    verdict: "correct", boxes: [...entry.boxes.map(plain), added], comment: "one more shape in the corner",
  });
  assert.equal(feedback.status, "pending_review");
  assert.ok(feedback.flags.some((f) => f.flag === "missed"), `flags: ${JSON.stringify(feedback.flags)}`);

  const page = await pageAs(browser, "reviewer", { next: "/projects/demo-shapes/reviews" });
  await page.getByRole("heading", { name: "Second review" }).waitFor();
  // Earlier tests may have left flagged answers too: open ours from the list.
  await page.getByRole("button", { name: `Item ${entry.item_id}`, exact: true }).click();
  const detail = page.getByRole("article").filter({ has: page.getByRole("heading", { name: new RegExp(`^Item ${entry.item_id}\\b`) }) });
  await detail.waitFor();
  await detail.getByText("The annotator added a box the model missed").waitFor();
  for (const panel of ["Model", "First answer", "Final answer"]) await detail.getByRole("heading", { name: panel, exact: true }).waitFor();
  await detail.getByText("one more shape in the corner").waitFor();

  // In the editable final answer, Tab through the boxes to the added one (the last) and delete it.
  const final = detail.getByRole("application", { name: `Final answer for item ${entry.item_id} (editable)` });
  await final.focus();
  const total = entry.boxes.length + 1;
  for (let i = 0; i < total; i += 1) await page.keyboard.press("Tab");
  await detail.getByText(new RegExp(`^Box ${total} of ${total}: ${labels[2]}, x 8, y 9, 30 × 28 px`)).waitFor();
  await page.keyboard.press("Delete");
  await detail.getByText(`${entry.boxes.length} box${entry.boxes.length === 1 ? "" : "es"} in the final answer, edited`).waitFor();
  await detail.getByLabel(/Notes/).fill("No shape there: removed the added box.");
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/feedback/${feedback.id}/review/`));
  await detail.getByRole("button", { name: "Submit review" }).click();
  assert.equal((await answer).status(), 201);

  // Stored: the review with the reviewer's boxes and note; the first answer stays as it was; audited.
  const review = await eventually("the review in the database", () => sql(
    `SELECT r.id, r.boxes, r.notes, u.username, f.status, f.boxes AS first_boxes
     FROM feedback_review r JOIN feedback_feedback f ON f.id = r.feedback_id JOIN auth_user u ON u.id = r.reviewer_id
     WHERE r.feedback_id = ${feedback.id}`)[0]);
  assert.equal(review.username, "reviewer");
  assert.equal(review.notes, "No shape there: removed the added box.");
  assert.equal(review.status, "reviewed");
  assert.equal(review.boxes.length, entry.boxes.length);
  review.boxes.forEach((box, i) => {
    const want = entry.boxes[i];
    assert.equal(box.label, want.label);
    for (const k of ["x", "y", "w", "h"]) assert.ok(Math.abs(box[k] - want[k]) <= 0.01, `box ${i} ${k}: ${box[k]} vs ${want[k]}`);
  });
  assert.equal(review.first_boxes.length, total, "the first answer is kept unchanged");
  const events = sql(`SELECT actor_role FROM audit_auditevent WHERE action = 'feedback.reviewed' AND object_id = '${review.id}'`);
  assert.deepEqual(events, [{ actor_role: "reviewer" }]);
  // The reviewed answer left the waiting list.
  await page.getByRole("combobox", { name: "Show" }).selectOption("reviewed");
  await textOf(page.getByRole("button", { name: `Item ${entry.item_id}`, exact: true }));
  assertNoPageErrors(page);
});
