// A 4xx from the API reaches the user as its message (the API's `detail`), never a blank page.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, newPage, textOf } from "../lib/browser.mjs";
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
