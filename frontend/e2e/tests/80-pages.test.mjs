// Every main page, as the role that works in it: screenshots at laptop (1366×850) and tablet (768×1024)
// size as test artefacts (test-results/screenshots/), and axe-core on the login, queue, review, versions
// and audit pages (serious or critical violations fail). Runs last, so the pages show the data the
// other flows left (answers, reviews, a promoted version).
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { checkAccessibility } from "../lib/a11y.mjs";
import { assertNoPageErrors, e2eTest, launch, newPage, pageAs } from "../lib/browser.mjs";
import { screenshots } from "../lib/screens.mjs";
import { Api } from "../lib/stack.mjs";

let browser;
const pages = {};
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

async function as(username) {
  pages[username] ??= await pageAs(browser, username);
  return pages[username];
}

/** Opens `url`, waits for `ready` and for no "Loading…" left on screen. */
async function open(page, url, ready) {
  await page.goto(url);
  await ready(page);
  await page.waitForFunction(() => !document.querySelector(".loading, [aria-busy='true']"), null, { timeout: 15_000 }).catch(() => {});
  await page.waitForLoadState("networkidle");
}

const heading = (name) => (page) => page.getByRole("heading", { name, exact: true }).first().waitFor();

e2eTest("login page", async () => {
  const page = await newPage(browser);
  await open(page, "/login", heading("Log in"));
  await checkAccessibility(page, "login");
  await screenshots(page, "login");
  assertNoPageErrors(page);
});

e2eTest("projects page", async () => {
  const page = await as("engineer");
  await open(page, "/", (p) => p.getByRole("article").first().waitFor());
  await screenshots(page, "projects");
  assertNoPageErrors(page);
});

e2eTest("text queue page", async () => {
  const page = await as("annotator");
  await open(page, "/projects/demo-text/queue", (p) => p.locator(".annotate-text").waitFor());
  await checkAccessibility(page, "text queue");
  await screenshots(page, "text-queue", { ready: (p) => p.locator(".annotate-text").waitFor() });
  assertNoPageErrors(page);
});

e2eTest("image queue page", async () => {
  const page = await as("annotator");
  await open(page, "/projects/demo-shapes/queue", async (p) => {
    await p.locator(".be-canvas").waitFor();
    await p.waitForFunction(() => document.querySelector(".be-image")?.complete);
  });
  await checkAccessibility(page, "image queue");
  await screenshots(page, "image-queue");
  assertNoPageErrors(page);
});

e2eTest("reviews page", async () => {
  // Something to review even when this file runs alone: an answer that adds a box is flagged.
  const annotator = await Api.as("annotator");
  const shapes = await annotator.get("/projects/demo-shapes/");
  if (shapes.pending_reviews === 0) {
    const [entry] = (await annotator.get("/projects/demo-shapes/queue/?limit=1")).results;
    const boxes = entry.boxes.map(({ label, x, y, w, h }) => ({ label, x, y, w, h }));
    await annotator.post(`/predictions/${entry.prediction_id}/feedback/`, {
      verdict: "correct", boxes: [...boxes, { label: shapes.labels[1], x: 20, y: 20, w: 40, h: 40 }],
    });
  }
  const page = await as("reviewer");
  await open(page, "/projects/demo-shapes/reviews", async (p) => {
    await heading("Second review")(p);
    await p.getByRole("heading", { name: "Final answer", exact: true }).waitFor();
  });
  await checkAccessibility(page, "reviews");
  await screenshots(page, "reviews");
  assertNoPageErrors(page);
});

e2eTest("training page", async () => {
  const page = await as("engineer");
  await open(page, "/projects/demo-text/training", heading("Recent runs"));
  await screenshots(page, "training");
  assertNoPageErrors(page);
});

e2eTest("versions page", async () => {
  const page = await as("engineer");
  await open(page, "/projects/demo-text/versions", heading("All versions"));
  await checkAccessibility(page, "versions");
  await screenshots(page, "versions", { ready: (p) => p.locator(".recharts-surface").first().waitFor() });
  assertNoPageErrors(page);
});

e2eTest("version detail pages (text and detection)", async () => {
  const engineer = await Api.as("engineer");
  const page = await as("engineer");
  for (const [slug, name] of [["demo-text", "version-detail"], ["demo-shapes", "version-detail-shapes"]]) {
    const versions = await engineer.get(`/projects/${slug}/model-versions/`);
    const champion = versions.results.find((v) => v.status === "champion");
    assert.ok(champion, `${slug} has no champion`);
    await open(page, `/projects/${slug}/versions/${champion.id}`, heading(`Model version v${champion.number}`));
    await screenshots(page, name);
  }
  assertNoPageErrors(page);
});

e2eTest("upload page", async () => {
  const page = await as("engineer");
  await open(page, "/projects/demo-shapes/upload", heading("Upload and export"));
  await screenshots(page, "upload");
  assertNoPageErrors(page);
});

e2eTest("settings page", async () => {
  const page = await as("engineer");
  await open(page, "/projects/demo-text/settings", heading("Project settings"));
  await screenshots(page, "settings");
  assertNoPageErrors(page);
});

e2eTest("audit page", async () => {
  const page = await as("auditor");
  await open(page, "/audit", async (p) => {
    await p.locator(".chain-ok").waitFor();
    await p.getByRole("table", { name: "Audit events in sequence order" }).waitFor();
  });
  await checkAccessibility(page, "audit");
  await screenshots(page, "audit");
  assertNoPageErrors(page);
});

e2eTest("admin page", async () => {
  const page = await as("admin");
  await open(page, "/admin-tools", heading("Administration"));
  await screenshots(page, "admin");
  assertNoPageErrors(page);
});
