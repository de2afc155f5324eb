// Human oversight in the web app. A reviewer decides a contested detection prediction (GDPR Art. 22(3)) by
// editing its boxes on the image: the decision's boxes are stored as a reviewed answer and audited. An ML
// engineer changes a monitoring threshold (AI Act Art. 72): a refused value is shown at its field, a valid one
// is saved and audited. Screenshots of both pages at 1280 and 800 px wide (test-results/screenshots/).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before } from "node:test";

import { SCREENSHOT_DIR } from "../harness/paths.mjs";
import { assertNoPageErrors, e2eTest, launch, pageAs } from "../lib/browser.mjs";
import { Api, eventually, sql } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

async function shots(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const width of [1280, 800]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true, animations: "disabled" });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

e2eTest("a reviewer decides a detection contest by deleting a box on the image", async () => {
  const annotator = await Api.as("annotator");
  const queue = await annotator.get("/projects/demo-shapes/queue/?limit=100");
  const entry = queue.results.find((e) => e.boxes.length >= 1 && !e.contested);
  assert.ok(entry, "no scored image with a box in the queue");
  const contest = await annotator.post(`/predictions/${entry.prediction_id}/contest/`, { reason: "There is no shape there." });

  const page = await pageAs(browser, "reviewer", { next: "/projects/demo-shapes/contests" });
  const card = page.getByRole("article").filter({ has: page.getByRole("heading", { name: `Contest #${contest.id}`, exact: true }) });
  await card.waitFor();
  const editor = card.getByRole("application", { name: `Decided boxes for item ${entry.item_id} (editable)` });
  await editor.waitFor();
  await card.getByRole("application", { name: `Model's boxes on item ${entry.item_id}` }).waitFor();
  await card.locator("img").first().evaluate((img) => (img.complete ? null : new Promise((r) => img.addEventListener("load", r))));
  await card.getByRole("button", { name: "Decide: keep the model's boxes" }).waitFor();
  await shots(page, "contest-detection-open");

  await editor.focus();
  await page.keyboard.press("Tab"); // the first box
  await page.keyboard.press("Delete");
  const left = entry.boxes.length - 1;
  const words = left === 0 ? "nothing here (no boxes)" : `${left} ${left === 1 ? "box" : "boxes"}`;
  const action = card.getByRole("button", { name: `Decide: ${words}` });
  await action.waitFor();
  await card.getByLabel(/Note/).fill("Checked the image: the first box is empty.");
  await shots(page, "contest-detection-edited");
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/contests/${contest.id}/decide/`));
  await action.click();
  assert.equal((await answer).status(), 200);
  await page.getByRole("button", { name: "Decided", exact: true }).click();
  await card.getByRole("application", { name: `Decided boxes on item ${entry.item_id}` }).waitFor();
  await shots(page, "contest-detection-decided");

  const stored = await eventually("the decision in the database", () => sql(
    `SELECT f.verdict, f.status, f.resolved_boxes, u.username FROM feedback_contest c
     JOIN feedback_feedback f ON f.id = c.decision_id JOIN auth_user u ON u.id = f.annotator_id
     WHERE c.id = ${contest.id} AND c.status = 'decided'`)[0]);
  assert.equal(stored.username, "reviewer");
  assert.equal(stored.verdict, "correct");
  assert.equal(stored.status, "accepted"); // a reviewer decided: no second review is owed
  assert.equal(stored.resolved_boxes.length, left);
  const [event] = sql(`SELECT details FROM audit_auditevent WHERE action = 'contest.decided' AND object_id = '${contest.id}'`);
  assert.equal(event.details.decided_boxes, left);
  assert.equal(event.details.predicted_boxes, entry.boxes.length);
  assertNoPageErrors(page);
});

e2eTest("an ML engineer changes a monitoring threshold; a refused value is shown at its field", async () => {
  const page = await pageAs(browser, "engineer", { next: "/projects/demo-text/monitoring" });
  const form = page.getByRole("form", { name: "Monitoring thresholds" });
  await form.waitFor();
  const rate = form.getByLabel("Highest correction rate");
  const value = (await rate.inputValue()) === "0.25" ? 0.26 : 0.25; // a change, also on a platform kept from a run before
  await rate.fill("1.5");
  await form.getByRole("button", { name: "Save thresholds" }).click();
  await form.getByText("Enter a number from 0 to 1.").waitFor();
  assert.equal(await rate.getAttribute("aria-invalid"), "true");
  await form.scrollIntoViewIfNeeded();
  await shots(page, "monitoring-thresholds-refused");

  await rate.fill(String(value));
  const saved = page.waitForResponse((r) => r.url().endsWith("/monitoring/policy/"));
  await form.getByRole("button", { name: "Save thresholds" }).click();
  assert.equal((await saved).status(), 200);
  await form.getByRole("status").filter({ hasText: "Saved: Highest correction rate." }).waitFor();
  await shots(page, "monitoring-thresholds-saved");
  const events = sql("SELECT details, actor_role FROM audit_auditevent WHERE action = 'monitoring.policy_updated'");
  assert.deepEqual(events.at(-1).details.after, { max_correction_rate: value });
  assert.equal(events.at(-1).actor_role, "ml_engineer");
  assertNoPageErrors(page);
});
