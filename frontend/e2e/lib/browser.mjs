// Debian's Chromium driven by playwright-core (no browser download), one context per user, and the
// helpers every flow needs: log in, wait for text, fail on page errors.
import assert from "node:assert/strict";

import { chromium } from "playwright-core";

import { stack } from "./stack.mjs";

export const LAPTOP = { width: 1366, height: 850 };
export const TABLET = { width: 768, height: 1024 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless", "--disable-gpu"] });
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
