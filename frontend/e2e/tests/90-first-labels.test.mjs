// First labels: a new text project has no model, so its review queue is empty; the annotate page offers the pool
// texts in coverage order instead, and an annotator labels them with a number key or a button. Each label is on the
// item, by that person, with its audit event; a labelled text leaves the list.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, pageAs } from "../lib/browser.mjs";
import { screenshots } from "../lib/screens.mjs";
import { Api, eventually, sql } from "../lib/stack.mjs";

const SLUG = "e2e-first-labels";
const LABELS = ["billing", "shipping", "technical"];
const TEXTS = [
  "I was charged twice for my subscription", "refund the duplicate payment please", "the invoice shows a wrong amount",
  "my parcel has not arrived yet", "the courier left the package at the wrong door", "tracking says delivered but no box",
  "the app crashes when I log in", "password reset link does not work", "the page freezes after the update",
  "can I pay by bank transfer", "where is my order from last week", "error 500 when saving my profile",
];

let browser;
before(async () => {
  browser = await launch();
  const engineer = await Api.as("engineer");
  await engineer.post("/projects/", { slug: SLUG, name: "First labels (e2e)", task: "text_classification", labels: LABELS });
  await engineer.post(`/projects/${SLUG}/members/`, { username: "annotator" });
  await engineer.post(`/projects/${SLUG}/items/`, { items: TEXTS.map((text) => ({ text })) });
});
after(() => browser?.close());

e2eTest("with no model yet, an annotator labels the cold-start texts with a number key and a button", async () => {
  const page = await pageAs(browser, "annotator");
  await page.goto(`/projects/${SLUG}/queue`);
  const panel = page.getByRole("region", { name: "First labels" });
  await panel.waitFor();
  const counts = panel.getByTestId("first-labels-counts");
  await eventually("the twelve texts listed", async () => /^12 to label · 0 labelled this session/.test(await counts.innerText()));
  assert.equal(await panel.locator(".first-label-text").count(), 12);
  await screenshots(page, "first-labels");

  // The number key labels the marked (first) text.
  const first = (await panel.locator(".first-label-text").first().innerText()).trim();
  await page.keyboard.press("2");
  await eventually("the first label stored", () => {
    const rows = sql(`SELECT i.label, u.username FROM items_item i JOIN auth_user u ON u.id = i.labelled_by_id
                      JOIN projects_project p ON p.id = i.project_id WHERE p.slug = '${SLUG}'`);
    return rows.length === 1 && rows[0].label === LABELS[1] && rows[0].username === "annotator";
  });
  await eventually("the labelled text left the list", async () =>
    !(await panel.locator(".first-label-text").allInnerTexts()).map((t) => t.trim()).includes(first));

  // A button labels another text.
  const next = panel.locator(".first-label").first();
  await next.getByRole("button", { name: LABELS[2] }).click();
  await eventually("two labels, two audit events", () => {
    const events = sql(`SELECT details->>'label' AS label FROM audit_auditevent
                        WHERE action = 'item.labelled' AND project_slug = '${SLUG}' ORDER BY seq`);
    return events.length === 2 && events[1].label === LABELS[2];
  });
  await eventually("the counts follow", async () => /^10 to label · 2 labelled this session/.test(await counts.innerText()));
  assertNoPageErrors(page);
});
