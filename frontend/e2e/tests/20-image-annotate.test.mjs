// An annotator corrects an image in the box editor with the mouse: resizes the model's box by dragging
// its bottom-right handle, draws two boxes and deletes one. The stored boxes are what was done on screen,
// computed through the editor's own screen ↔ image transform (the overlay's CTM), within ±1 image px.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { assertNoPageErrors, e2eTest, launch, pageAs } from "../lib/browser.mjs";
import { Api, eventually, sql } from "../lib/stack.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** image px → client px of the editor on screen: the overlay group's CTM, checked against the photo's box. */
async function editorTransform(page) {
  const { ctm, photo } = await page.evaluate(() => {
    const m = document.querySelector(".be-overlay > g").getScreenCTM();
    const r = document.querySelector(".be-image").getBoundingClientRect();
    return { ctm: { a: m.a, d: m.d, e: m.e, f: m.f }, photo: { left: r.left, top: r.top, width: r.width } };
  });
  assert.ok(Math.abs(ctm.a - ctm.d) < 1e-6, "the editor scales x and y alike");
  // The photo and the boxes share one transform: they must not drift apart.
  assert.ok(Math.abs(photo.left - ctm.e) < 0.5 && Math.abs(photo.top - ctm.f) < 0.5, `photo at ${JSON.stringify(photo)}, boxes at ${JSON.stringify(ctm)}`);
  return {
    scale: ctm.a,
    toScreen: (x, y) => ({ x: ctm.e + x * ctm.a, y: ctm.f + y * ctm.d }),
    toImage: (x, y) => ({ x: (x - ctm.e) / ctm.a, y: (y - ctm.f) / ctm.d }),
  };
}

/** A mouse drag between two client points, in small steps (pointer capture, rAF previews). */
async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

const round = (p) => ({ x: Math.round(p.x), y: Math.round(p.y) });

function assertBoxesClose(actual, expected) {
  assert.equal(actual.length, expected.length, `boxes: ${JSON.stringify(actual)} expected ${JSON.stringify(expected)}`);
  expected.forEach((want, i) => {
    const got = actual[i];
    assert.equal(got.label, want.label, `box ${i} label`);
    for (const k of ["x", "y", "w", "h"]) {
      assert.ok(Math.abs(got[k] - want[k]) <= 1, `box ${i} ${k}: stored ${got[k]}, on screen ${want[k].toFixed(2)} (±1)`);
    }
  });
}

e2eTest("an annotator resizes, draws and deletes boxes; the stored boxes match the screen", async () => {
  const { labels } = await (await Api.as("engineer")).get("/projects/demo-shapes/");
  const page = await pageAs(browser, "annotator", { next: "/projects/demo-shapes/queue" });
  await page.waitForURL("**/projects/demo-shapes/queue");
  const canvas = page.locator(".be-canvas");
  await canvas.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector(".be-image");
    return img && img.complete && img.naturalWidth > 0;
  });
  const itemId = Number((await page.locator("#annotate-item-title").textContent()).trim().replace(/^Image /, ""));

  // The model's boxes for this item, as the queue served them.
  const queue = await (await Api.as("annotator")).get("/projects/demo-shapes/queue/?limit=100");
  const entry = queue.results.find((e) => e.item_id === itemId);
  assert.ok(entry, `item ${itemId} is not in the queue`);
  assert.ok(entry.boxes.length >= 1, "the detector boxed nothing on this image (see object_detection.conf in the harness)");
  const size = { width: entry.item_width, height: entry.item_height };

  // The whole canvas on screen (it is at most 70% of the viewport high): every drag below stays inside it.
  await canvas.evaluate((element) => element.scrollIntoView({ block: "center" }));
  const t = await editorTransform(page);

  // 1. Select the first box with the keyboard, then drag its bottom-right handle up and left.
  await canvas.focus();
  await page.keyboard.press("Tab");
  await page.getByText(/^Box 1 of \d+:/).waitFor();
  const model = entry.boxes[0];
  const right = Math.min(model.x + model.w, size.width);
  const bottom = Math.min(model.y + model.h, size.height);
  // Grab 2 screen px inside the corner (the canvas ends at the image's edge); resizing follows the pointer's travel.
  const grab = round({ x: t.toScreen(right, bottom).x - 2, y: t.toScreen(right, bottom).y - 2 });
  const release = round({ x: grab.x - 0.35 * model.w * t.scale, y: grab.y - 0.3 * model.h * t.scale });
  await drag(page, grab, release);
  const resized = {
    label: model.label, x: Math.max(model.x, 0), y: Math.max(model.y, 0),
    w: right + (release.x - grab.x) / t.scale - Math.max(model.x, 0),
    h: bottom + (release.y - grab.y) / t.scale - Math.max(model.y, 0),
  };
  await page.getByText(new RegExp(`^Box 1 of \\d+: ${model.label}, x [\\d.]+, y [\\d.]+, (?!${model.w} × ${model.h} px)`)).waitFor();

  // 2. With nothing selected, pick the second label (key 2) and the draw tool (D); draw two boxes in the freed corner.
  await page.keyboard.press("Escape");
  await page.keyboard.press("2");
  await page.keyboard.press("d");
  const drawn = [];
  for (const [x0, y0, x1, y1] of [[0.7, 0.75, 0.95, 0.95], [0.72, 0.4, 0.92, 0.6]]) {
    const from = round(t.toScreen(x0 * size.width, y0 * size.height));
    const to = round(t.toScreen(x1 * size.width, y1 * size.height));
    await drag(page, from, to);
    const a = t.toImage(from.x, from.y);
    const b = t.toImage(to.x, to.y);
    drawn.push({ label: labels[1], x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y });
  }
  const count = entry.boxes.length + 2;
  await page.getByText(new RegExp(`^Box ${count} of ${count}: ${labels[1]}`)).waitFor();

  // 3. The last drawn box is selected: Delete removes it.
  await page.keyboard.press("Delete");
  await page.getByRole("button", { name: new RegExp(`^Submit ${count - 1} box`) }).waitFor();

  // Submit (Ctrl+Enter works inside the editor) and check what the database stored.
  await page.keyboard.press("Control+Enter");
  const expected = [resized, ...entry.boxes.slice(1).map(({ label, x, y, w, h }) => ({ label, x, y, w, h })), drawn[0]];
  const stored = await eventually("the correction in the database", () => sql(
    `SELECT f.verdict, f.boxes, u.username FROM feedback_feedback f JOIN auth_user u ON u.id = f.annotator_id
     WHERE f.item_id = ${itemId} ORDER BY f.id DESC LIMIT 1`)[0]);
  assert.equal(stored.verdict, "correct");
  assert.equal(stored.username, "annotator");
  assertBoxesClose(stored.boxes, expected);
  assertNoPageErrors(page);
});
