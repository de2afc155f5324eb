// An ML engineer starts a training run on demo-text, watches its progress bar to the end, compares the
// candidate with the champion and promotes it (with a reason, behind a confirmation); the next prediction
// through the API is made by the new version.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, pageAs, textOf } from "../lib/browser.mjs";
import { Api } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

e2eTest("an ML engineer trains, watches the progress, compares with the champion and promotes", async () => {
  const engineer = await Api.as("engineer");
  // Retraining on nearly the same data gives a candidate about as good as the champion. A tolerance of -1
  // lets the gate pass it (it then waits for a human, as the project requires approval): the test
  // is about the human's promotion, not about the gate's arithmetic.
  await engineer.patch("/projects/demo-text/", { min_improvement: -1, require_approval: true });
  const before = await engineer.get("/projects/demo-text/model-versions/");
  const champion = before.results.find((v) => v.status === "champion");

  const page = await pageAs(browser, "engineer", { next: "/projects/demo-text/training" });
  await page.getByRole("heading", { name: "Training", exact: true }).waitFor();
  const started = page.waitForResponse((r) => r.url().endsWith("/api/v1/projects/demo-text/training-runs/") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Start training run" }).click();
  const run = await (await started).json();
  assert.equal((await started).status(), 202);

  // Watch the bar: record every value it shows until the run is over.
  const bar = page.getByRole("progressbar", { name: `Run #${run.id} progress` });
  await bar.waitFor();
  const seen = [];
  const deadline = Date.now() + 240_000;
  for (;;) {
    const value = Number(await bar.getAttribute("aria-valuenow"));
    if (seen.at(-1) !== value) seen.push(value);
    if (value >= 100 || (await page.getByRole("alert").count()) > 0) break;
    assert.ok(Date.now() < deadline, `the run did not finish in 4 minutes; the bar showed ${seen.join(" → ")}`);
    await page.waitForTimeout(150);
  }
  assert.equal(seen.at(-1), 100, `the bar ended at ${seen.at(-1)} (${seen.join(" → ")}); ${await page.locator(".run-stage").innerText()}`);
  for (let i = 1; i < seen.length; i += 1) assert.ok(seen[i] >= seen[i - 1], `the bar went back: ${seen.join(" → ")}`);
  assert.ok(seen.length >= 2, `the bar never moved: ${seen.join(" → ")}`);
  await page.locator(".run-stage").getByText("Succeeded").waitFor();
  console.log(`progress bar: ${seen.join(" → ")}`);

  // Compare: the finished run links to the comparison of candidate and champion.
  const produced = await textOf(page.getByRole("link", { name: /^model version v\d+$/ }));
  const number = Number(produced.replace("model version v", ""));
  await page.getByRole("link", { name: "Compare with the champion" }).click();
  await page.getByRole("heading", { name: `Candidate v${number} beside champion v${champion.number}` }).waitFor();
  const compare = page.locator("#compare");
  await compare.getByText("Passed the gate; waiting for a human approval").waitFor();
  await compare.getByRole("heading", { name: "Holdout metrics" }).waitFor();
  assert.ok((await compare.getByRole("table").count()) >= 1, "the comparison shows metric tables");

  // Promote, with a reason, through the confirmation dialog.
  await compare.getByRole("button", { name: `Approve & promote v${number}` }).click();
  const dialog = page.getByRole("dialog", { name: `Approve and promote v${number}?` });
  await dialog.getByLabel(/Reason/).fill("e2e: retrained with the latest answers");
  await dialog.getByRole("button", { name: "Promote" }).click();
  await page.getByText(`v${number} is now the champion.`).waitFor();
  await page.getByRole("heading", { name: "Champion" }).waitFor();

  // The next prediction is made by the new champion.
  const answer = await engineer.post("/projects/demo-text/predict/", { text: "I was charged twice for my subscription" });
  assert.equal(answer.model_version, number);
  const versions = await engineer.get("/projects/demo-text/model-versions/");
  const promoted = versions.results.find((v) => v.number === number);
  assert.equal(promoted.status, "champion");
  assert.equal(versions.results.find((v) => v.number === champion.number).status, "archived");
  assertNoPageErrors(page);
});
