// An auditor (read-only) sees the audit log, filters it by action, actor and project, and sees the hash
// chain verified. The filtered count is checked against the database.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, pageAs, textOf } from "../lib/browser.mjs";
import { Api, sql } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

e2eTest("an auditor sees the events, filters them and sees a verified chain", async () => {
  // An event to look for: the annotator accepts a text prediction through the API.
  const annotator = await Api.as("annotator");
  const [entry] = (await annotator.get("/projects/demo-text/queue/?limit=1")).results;
  const feedback = await annotator.post(`/predictions/${entry.prediction_id}/feedback/`, { verdict: "accept" });
  const [{ actor_ref: annotatorRef }] = sql(
    `SELECT actor_ref FROM audit_auditevent WHERE action = 'feedback.submitted' AND object_id = '${feedback.id}'`);
  const expected = sql(`SELECT seq FROM audit_auditevent WHERE action = 'feedback.submitted'
                        AND project_slug = 'demo-text' AND actor_ref = '${annotatorRef}'`).length;

  const page = await pageAs(browser, "auditor");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await page.getByRole("heading", { name: "Audit log" }).waitFor();

  // The chain: verified, over every event in the database, with the newest event's hash as head.
  const verified = await textOf(page.locator(".chain-ok"));
  const [{ n, head }] = sql("SELECT count(*) AS n, (SELECT hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1) AS head FROM audit_auditevent");
  const shown = Number(verified.match(/Chain verified: ([\d,]+) events/)[1].replace(/,/g, ""));
  assert.ok(shown > 0 && shown <= n, `the page verified ${shown} events, the database has ${n}`);
  if (shown === n) assert.ok(verified.includes(head), "the head hash is the newest event's");

  // Unfiltered: rows in sequence order.
  const table = page.getByRole("table", { name: "Audit events in sequence order" });
  await table.getByRole("row").nth(1).waitFor();
  assert.ok((await table.getByRole("row").count()) > 2);

  // Filter by action, actor (a username: the app converts it to the pseudonym) and project.
  const filters = page.getByRole("form", { name: "Filter the audit log" });
  await filters.getByRole("combobox", { name: /^Action/ }).selectOption("feedback.submitted");
  await filters.getByRole("textbox", { name: /^Actor/ }).fill("annotator");
  await filters.getByRole("combobox", { name: /^Project/ }).selectOption("demo-text");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForURL(/action=feedback\.submitted/);
  const range = page.getByRole("navigation", { name: "Audit log pages", exact: true }).locator(".audit-pager-range").first();
  await range.filter({ hasText: new RegExp(`of ${expected.toLocaleString("en-US")} events`) }).waitFor();
  const rows = table.locator("tbody > tr");
  const count = await rows.count();
  assert.ok(count >= 1 && count <= expected);
  for (let i = 0; i < count; i += 1) {
    const cells = await rows.nth(i).locator("td").allInnerTexts();
    assert.equal(cells[2], "feedback.submitted");
    assert.equal(cells[4], "demo-text");
    assert.match(cells[3], /annotator/); // the role under the pseudonym
  }
  // Our event is there, with its details one click away.
  const ours = sql(`SELECT seq FROM audit_auditevent WHERE action = 'feedback.submitted' AND object_id = '${feedback.id}'`)[0].seq;
  if (expected <= 50) {
    await page.getByRole("button", { name: `Show details of event ${ours}` }).click();
    await page.locator(`#audit-event-${ours}`).getByText(annotatorRef).waitFor();
  }
  // The auditor reads, never writes: no project page offers them an action.
  assert.equal(await page.getByRole("button", { name: /promote|start training/i }).count(), 0);
  assertNoPageErrors(page);
});
