// `make bench` for the web app (numbers printed and written to var/bench/frontend.json):
//  1. initial JS: the entry chunk of dist/index.html and every chunk it loads statically (modulepreloads and
//     static imports, followed recursively), gzip -9 each; budget 300 kB.
//  2. queue first item: headless Chromium, time from navigation start to the first queue item's text on screen
//     (measured in the page: performance.now() when it appears), median of 5, cold (a new browser context, so
//     nothing cached but the session) and warm (the same tab again); budget 1 s. Against $HITL_URL (log in with
//     HITL_USER/HITL_PASSWORD, default annotator and the password in $HITL_VAR_DIR/secrets/demo-credentials.txt),
//     else against a platform the e2e harness starts (fresh PostgreSQL database, demo data, champions loaded).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

import { DIST_INDEX, FRONTEND_DIR, REPO_DIR } from "../e2e/harness/paths.mjs";

const JS_BUDGET_KB = 300;
const QUEUE_BUDGET_MS = 1000;
const RUNS = 5;
const DIST = path.join(FRONTEND_DIR, "dist");

const kB = (bytes) => Math.round(bytes / 10) / 100; // kB = 1000 bytes, 2 decimals

/** The entry's JS and its static imports, as dist-relative paths. */
export function initialChunks(indexHtml = fs.readFileSync(DIST_INDEX, "utf8")) {
  const start = [];
  for (const match of indexHtml.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)) start.push(match[1]);
  for (const match of indexHtml.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) start.push(match[1]);
  const seen = new Set();
  const queue = start.map((url) => url.replace(/^\//, ""));
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = fs.readFileSync(path.join(DIST, file), "utf8");
    // Static `import … from "./x.js"` / `import "./x.js"` (never `import("./x.js")`, which loads on demand).
    for (const match of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1])));
    }
  }
  return [...seen];
}

function bundleNumbers() {
  const chunks = initialChunks().map((file) => {
    const bytes = fs.readFileSync(path.join(DIST, file));
    return { file, raw_kb: kB(bytes.length), gzip_kb: kB(zlib.gzipSync(bytes, { level: 9 }).length) };
  });
  const total = chunks.reduce((sum, c) => sum + c.gzip_kb, 0);
  const lazy = fs.readdirSync(path.join(DIST, "assets")).filter((f) => f.endsWith(".js") && !chunks.some((c) => c.file === `assets/${f}`));
  return { chunks, gzip_kb: Math.round(total * 100) / 100, budget_kb: JS_BUDGET_KB, within_budget: total <= JS_BUDGET_KB, lazy_chunks: lazy.length };
}

function credentials() {
  const username = process.env.HITL_USER ?? "annotator";
  if (process.env.HITL_PASSWORD) return { username, password: process.env.HITL_PASSWORD };
  const file = path.join(process.env.HITL_VAR_DIR ?? path.join(REPO_DIR, "var"), "secrets", "demo-credentials.txt");
  const line = fs.readFileSync(file, "utf8").split("\n").find((l) => l.split(/\s+/)[0] === username);
  if (!line) throw new Error(`no password for ${username} in ${file}: set HITL_PASSWORD`);
  return { username, password: line.trim().split(/\s+/)[1] };
}

/** Records, inside the page, when the first queue item's text is on screen (ms since navigation start). */
const FIRST_ITEM_PROBE = () => {
  const seen = () => {
    const node = document.querySelector(".annotate-text");
    if (!node || !node.textContent?.trim()) return false;
    const rect = node.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  };
  const observer = new MutationObserver(() => {
    if (window.__firstItemMs === undefined && seen()) {
      window.__firstItemMs = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
};

async function queueNumbers(url, slug) {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--headless", "--disable-gpu"],
  });
  try {
    const { username, password } = credentials();
    const setup = await browser.newContext({ baseURL: url, viewport: { width: 1366, height: 850 } });
    const login = await setup.newPage();
    await login.goto("/login");
    await login.getByLabel("Username").fill(username);
    await login.getByLabel("Password").fill(password);
    await login.getByRole("button", { name: "Log in" }).click();
    await login.waitForURL((u) => !u.pathname.startsWith("/login"));
    const state = await setup.storageState();
    await setup.close();

    const target = `/projects/${slug}/queue`;
    const measure = async (page) => {
      await page.goto(target);
      const ms = await page.waitForFunction(() => window.__firstItemMs, null, { timeout: 30_000, polling: 50 });
      return Math.round(await ms.jsonValue());
    };
    const cold = [];
    for (let i = 0; i < RUNS; i += 1) {
      const context = await browser.newContext({ baseURL: url, viewport: { width: 1366, height: 850 }, storageState: state });
      await context.addInitScript(FIRST_ITEM_PROBE);
      cold.push(await measure(await context.newPage()));
      await context.close();
    }
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1366, height: 850 }, storageState: state });
    await context.addInitScript(FIRST_ITEM_PROBE);
    const page = await context.newPage();
    await measure(page); // fills the HTTP cache
    const warm = [];
    for (let i = 0; i < RUNS; i += 1) warm.push(await measure(page));
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      page: target, runs_ms: { cold, warm }, median_ms: { cold: median(cold), warm: median(warm) },
      budget_ms: QUEUE_BUDGET_MS, within_budget: median(cold) <= QUEUE_BUDGET_MS,
    };
  } finally {
    await browser.close();
  }
}

async function main() {
  if (!fs.existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: npm run build (make bench builds it)`);
  const results = { measured_at: new Date().toISOString(), initial_js: bundleNumbers() };
  console.log(`initial JS (gzip -9): ${results.initial_js.gzip_kb} kB in ${results.initial_js.chunks.length} chunk(s) `
    + `(budget ${JS_BUDGET_KB} kB: ${results.initial_js.within_budget ? "ok" : "OVER"}); ${results.initial_js.lazy_chunks} chunks load on demand`);
  for (const c of results.initial_js.chunks) console.log(`  ${c.file}: ${c.raw_kb} kB, ${c.gzip_kb} kB gzipped`);

  let stack = null;
  let url = process.env.HITL_URL?.replace(/\/$/, "");
  try {
    if (!url) {
      const { startStack } = await import("../e2e/harness/stack.mjs");
      stack = await startStack({ logDir: path.join(FRONTEND_DIR, "test-results", "bench-logs") });
      url = stack.url;
      process.env.HITL_PASSWORD ??= stack.users[process.env.HITL_USER ?? "annotator"];
    }
    results.queue_first_item = { url, ...(await queueNumbers(url, process.env.HITL_PROJECT ?? "demo-text")) };
  } finally {
    await stack?.stop();
  }
  const q = results.queue_first_item;
  console.log(`queue first item (${q.page}): median ${q.median_ms.cold} ms cold, ${q.median_ms.warm} ms warm `
    + `(budget ${QUEUE_BUDGET_MS} ms cold: ${q.within_budget ? "ok" : "OVER"}); runs cold ${q.runs_ms.cold.join(", ")}, warm ${q.runs_ms.warm.join(", ")}`);
  const out = path.join(REPO_DIR, "var", "bench", "frontend.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => process.exit(130)); // exit hooks clean up
  main().catch((error) => {
    console.error(error.stack ?? error);
    process.exit(1);
  });
}
