// Screenshots of the main pages as test artefacts (test-results/screenshots/<name>-laptop|tablet.png).
import fs from "node:fs";
import path from "node:path";

import { SCREENSHOT_DIR } from "../harness/paths.mjs";
import { LAPTOP, TABLET } from "./browser.mjs";

/**
 * Saves the page at laptop (1366×850) and tablet (768×1024) size, then restores the laptop size.
 * `ready(page)` (optional) waits for what must be on screen after the resize (e.g. a chart re-laid out).
 */
export async function screenshots(page, name, { ready } = {}) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const [size, viewport] of [["laptop", LAPTOP], ["tablet", TABLET]]) {
    await page.setViewportSize(viewport);
    await settle(page);
    if (ready) await ready(page);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${size}.png`), animations: "disabled", caret: "hide" });
  }
  await page.setViewportSize(LAPTOP);
  await settle(page);
}

/** Waits until no request is in flight, the fonts are loaded and a frame has been painted after a resize
 *  (charts measure their container with a ResizeObserver, a little after the resize). */
async function settle(page) {
  await page.waitForTimeout(250);
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))));
}
