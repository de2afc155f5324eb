// Debian's Chromium driven by playwright-core (no browser download), one context per user, and the
// helpers every flow needs: log in, wait for text, fail on page errors.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { chromium } from "playwright-core";

import { RESULTS_DIR } from "../harness/paths.mjs";
import { stack } from "./stack.mjs";

export const LAPTOP = { width: 1366, height: 850 };
export const TABLET = { width: 768, height: 1024 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const browsers = new Set();

export async function launch() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless", "--disable-gpu"] });
  browsers.add(browser);
  browser.on("disconnected", () => browsers.delete(browser));
  return browser;
}

/** node:test's test(); when it fails, every open page is saved to test-results/failures/ to see why. */
export function e2eTest(name, fn) {
  return test(name, async (t) => {
    try {
      await fn(t);
    } catch (error) {
      await failureScreenshots(name);
      throw error;
    }
  });
}

async function failureScreenshots(name) {
  const dir = path.join(RESULTS_DIR, "failures");
  fs.mkdirSync(dir, { recursive: true });
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 60);
  let n = 0;
  for (const browser of browsers) {
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        n += 1;
        try {
          await page.screenshot({ path: path.join(dir, `${slug}-${n}.png`), fullPage: true, timeout: 5000 });
          console.error(`failure screenshot: ${path.join(dir, `${slug}-${n}.png`)} (${page.url()})`);
        } catch {
          // the page may be gone
        }
      }
    }
  }
}

/**
 * A fresh browser context (its own cookies) and page at `viewport`. Uncaught page errors are collected in
 * page.errors; a test calls assertNoPageErrors(page) at its end.
 */
export async function newPage(browser, { viewport = LAPTOP } = {}) {
  const context = await browser.newContext({ viewport, baseURL: stack.url, bypassCSP: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(String(error.stack ?? error)));
  return page;
}

export function assertNoPageErrors(page) {
  assert.deepEqual(page.errors, [], `uncaught errors in the page:\n${page.errors.join("\n")}`);
}

/** Logs in through the login form and waits until the app left /login. */
export async function login(page, username, { password = stack.users[username], next = "/" } = {}) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

/** A new page in a new context, logged in as `username`. */
export async function pageAs(browser, username, options = {}) {
  const page = await newPage(browser, options);
  await login(page, username, options);
  return page;
}

/** Waits until `locator` is visible and returns its trimmed text. */
export async function textOf(locator) {
  await locator.first().waitFor({ state: "visible" });
  return (await locator.first().innerText()).trim();
}
