// Roles and membership decide what a user sees: an annotator cannot reach the training page (a direct URL
// says "No access", and the API refuses too), and a user with a role but no membership sees no project.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, newPage, login, pageAs } from "../lib/browser.mjs";
import { Api, ApiError, manage } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

e2eTest("an annotator who opens the training page by its URL gets No access, and the API refuses too", async () => {
  const page = await pageAs(browser, "annotator");
  await page.goto("/projects/demo-text/training");
  await page.getByRole("heading", { name: "No access" }).waitFor();
  assert.equal(await page.getByRole("button", { name: /start/i }).count(), 0, "no training button for an annotator");
  // The project's tabs offer no Training either.
  const tabs = await page.getByRole("navigation", { name: "Project" }).getByRole("link").allInnerTexts();
  assert.ok(!tabs.includes("Training"), `tabs: ${tabs}`);
  await assert.rejects(
    (await Api.as("annotator")).post("/projects/demo-text/training-runs/", {}),
    (error) => error instanceof ApiError && error.status === 403,
  );
  assertNoPageErrors(page);
});

e2eTest("a user with a role but no project membership sees no project of others", async () => {
  const password = crypto.randomBytes(12).toString("base64url");
  manage("shell", "-c",
    `from apps.accounts.services import user_create; user_create(username="outsider", password="${password}", roles=["annotator"], actor=None)`);
  const page = await newPage(browser);
  await login(page, "outsider", { password });
  await page.getByRole("heading", { name: "Projects" }).waitFor();
  await page.getByText("You are not a member of any project yet").waitFor();
  assert.equal(await page.getByRole("article").count(), 0);
  // A project of others by its URL: the API answers 404 (not even its name leaks), shown as its message.
  await page.goto("/projects/demo-text/queue");
  await page.getByRole("alert").first().waitFor();
  assert.equal(await page.getByText("Support tickets (synthetic demo)").count(), 0, "the project's name leaked");
  const api = await Api.as("outsider", password);
  const projects = await api.get("/projects/");
  assert.equal(projects.count ?? projects.length, 0, JSON.stringify(projects));
  await assert.rejects(api.get("/projects/demo-text/queue/"), (error) => error.status === 404 || error.status === 403);
  assertNoPageErrors(page);
});
