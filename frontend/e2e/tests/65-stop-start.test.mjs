// Human oversight's stop button (AI Act Art. 14): an ML engineer stops the demo project's model from the web
// app with a reason; every project page shows who stopped it, when and why; the API refuses predictions (503)
// until the engineer starts it again; both transitions are in the audit log.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, pageAs } from "../lib/browser.mjs";
import { Api, ApiError, sql } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

e2eTest("an ML engineer stops the model with a reason, everyone sees the banner, predictions are refused, then starts it", async () => {
  const engineer = await pageAs(browser, "engineer");
  await engineer.goto("/projects/demo-text/versions");
  await engineer.getByRole("button", { name: "Stop the model" }).click();
  const dialog = engineer.getByRole("dialog", { name: "Stop the model?" });
  await dialog.getByLabel(/Reason/).fill("e2e: routing complaints under investigation");
  await dialog.getByRole("button", { name: "Stop the model" }).click();
  const banner = engineer.locator(".stop-banner");
  await banner.waitFor();
  assert.match(await banner.innerText(), /stopped by ml engineer at .*: .*e2e: routing complaints under investigation/s);

  // Another role, another page: the same banner, no button.
  const annotator = await pageAs(browser, "annotator");
  await annotator.goto("/projects/demo-text/queue");
  await annotator.locator(".stop-banner").waitFor();
  assert.equal(await annotator.locator(".stop-banner").getByRole("button").count(), 0);
  await assert.rejects(
    (await Api.as("annotator")).post("/projects/demo-text/predict/", { text: "I was charged twice" }),
    (error) => error instanceof ApiError && error.status === 503,
  );

  await banner.getByRole("button", { name: "Start the model again" }).click();
  const again = engineer.getByRole("dialog", { name: "Start the model again?" });
  await again.getByLabel(/Reason/).fill("e2e: checked, back in service");
  await again.getByRole("button", { name: "Start the model" }).click();
  await banner.waitFor({ state: "detached" });
  await engineer.getByRole("button", { name: "Stop the model" }).waitFor();
  const prediction = await (await Api.as("annotator")).post("/projects/demo-text/predict/", { text: "I was charged twice" });
  assert.ok(prediction.predictions?.[0]?.label, JSON.stringify(prediction));

  const events = sql(
    "SELECT action, details->>'reason' AS reason FROM audit_auditevent WHERE action IN ('project.stopped', 'project.started') ORDER BY seq",
  );
  assert.deepEqual(events.slice(-2), [
    { action: "project.stopped", reason: "e2e: routing complaints under investigation" },
    { action: "project.started", reason: "e2e: checked, back in service" },
  ]);
  assertNoPageErrors(engineer);
  assertNoPageErrors(annotator);
});
