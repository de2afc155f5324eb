// A 4xx from the API reaches the user as its message (the API's `detail`), never a blank page.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, newPage, pageAs, textOf } from "../lib/browser.mjs";
import { sql } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

e2eTest("a wrong password shows the API's message and keeps the user on the login page", async () => {
  const page = await newPage(browser);
  const failedBefore = sql("SELECT 1 FROM audit_auditevent WHERE action = 'auth.login_failed'").length;
  await page.goto("/login");
  await page.getByLabel("Username").fill("annotator");
  await page.getByLabel("Password").fill("not-the-password");
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/login/"));
  await page.getByLabel("Password").press("Enter");
  assert.equal((await answer).status(), 400);
  const alert = await textOf(page.getByRole("alert"));
  assert.match(alert, /Unable to log in with the provided credentials\./);
  assert.equal(new URL(page.url()).pathname, "/login");
  assert.equal(sql("SELECT 1 FROM audit_auditevent WHERE action = 'auth.login_failed'").length, failedBefore + 1);
  assertNoPageErrors(page);
});

e2eTest("a refused upload shows the API's message and the bad rows next to the file", async () => {
  const page = await pageAs(browser, "engineer", { next: "/projects/demo-text/upload" });
  await page.getByRole("heading", { name: "Upload texts" }).waitFor();
  const itemsBefore = sql("SELECT 1 FROM items_item WHERE project_id = (SELECT id FROM projects_project WHERE slug = 'demo-text')").length;
  const csv = "text,label\nMy invoice shows the wrong amount,billing\nThe parcel never came,not-a-label\n";
  await page.getByRole("region", { name: "Upload texts" }).locator("input[type=file]")
    .setInputFiles({ name: "bad-labels.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/projects/demo-text/items/") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Import bad-labels.csv" }).click();
  const response = await answer;
  assert.equal(response.status(), 400);
  const body = await response.json();
  const alert = page.locator(".import-refusal");
  const shown = await textOf(alert);
  assert.ok(shown.includes("bad-labels.csv: Nothing was imported."), shown);
  assert.ok(shown.includes(body.detail), `the alert does not show the API's detail ${JSON.stringify(body.detail)}:\n${shown}`);
  assert.ok(body.errors?.length >= 1, JSON.stringify(body));
  for (const { row, error } of body.errors) {
    await alert.getByRole("row").filter({ hasText: error }).filter({ hasText: String(row) }).waitFor();
  }
  const items = sql("SELECT 1 FROM items_item WHERE project_id = (SELECT id FROM projects_project WHERE slug = 'demo-text')").length;
  assert.equal(items, itemsBefore, "a refused import changed nothing");
  assertNoPageErrors(page);
});
