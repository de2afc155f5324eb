// The end-to-end suite: start the real platform (harness/stack.mjs), run tests/*.test.mjs with node's test
// runner against it (one file at a time: they share the database and 2 CPU cores), tear it all down.
//   node e2e/run.mjs                 every test file
//   node e2e/run.mjs audit access    only the files whose name contains one of the words
// E2E_UPDATE_DOCS=1 copies the screenshots the docs show to docs/screenshots/ after a passing run.
// Reports: node's summary on stdout, test-results/e2e-junit.xml; server logs in test-results/logs/.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { DOCS_SCREENSHOT_DIR, FRONTEND_DIR, LOG_DIR, RESULTS_DIR, SCREENSHOT_DIR } from "./harness/paths.mjs";
import { startStack } from "./harness/stack.mjs";

const TESTS_DIR = path.join(FRONTEND_DIR, "e2e", "tests");
// Tablet shots worth showing in the docs beside every laptop one.
const DOCS_TABLET_SHOTS = ["text-queue", "image-queue", "reviews"];

function selectedFiles(words) {
  const files = fs.readdirSync(TESTS_DIR).filter((f) => f.endsWith(".test.mjs")).sort();
  const chosen = words.length ? files.filter((f) => words.some((w) => f.includes(w))) : files;
  if (!chosen.length) throw new Error(`no test file in ${TESTS_DIR} matches ${words.join(", ")}`);
  return chosen.map((f) => path.join(TESTS_DIR, f));
}

/** What a test file needs to know about the platform (passed as E2E_STACK). */
export function stackInfo(stack) {
  return { url: stack.url, users: stack.users, dbName: stack.dbName, databaseUrl: stack.databaseUrl,
    varDir: stack.varDir, env: Object.fromEntries(Object.entries(stack.env).filter(([k, v]) => process.env[k] !== v)) };
}

function runTests(files, stack) {
  const args = [
    "--test", "--test-concurrency=1",
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=junit", `--test-reporter-destination=${path.join(RESULTS_DIR, "e2e-junit.xml")}`,
    ...files,
  ];
  const info = stackInfo(stack);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: FRONTEND_DIR, stdio: "inherit",
      env: { ...process.env, E2E_STACK: JSON.stringify(info) } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function copyDocsScreenshots() {
  fs.mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
  const shots = fs.readdirSync(SCREENSHOT_DIR).filter(
    (f) => f.endsWith("-laptop.png") || DOCS_TABLET_SHOTS.some((name) => f === `${name}-tablet.png`));
  for (const f of shots) fs.copyFileSync(path.join(SCREENSHOT_DIR, f), path.join(DOCS_SCREENSHOT_DIR, f));
  console.log(`e2e: copied ${shots.length} screenshots to ${DOCS_SCREENSHOT_DIR}`);
}

async function main() {
  const files = selectedFiles(process.argv.slice(2));
  fs.rmSync(RESULTS_DIR, { recursive: true, force: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  let stack = null;
  let stopping = false;
  const stopAndExit = async (code) => {
    if (stopping) return;
    stopping = true;
    if (stack) await stack.stop();
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stopAndExit(130));
  let code = 1;
  try {
    stack = await startStack({ logDir: LOG_DIR });
    code = await runTests(files, stack);
    if (code === 0 && process.env.E2E_UPDATE_DOCS === "1") copyDocsScreenshots();
  } catch (error) {
    console.error(`e2e: ${error.stack ?? error}`);
  } finally {
    if (!stopping) {
      stopping = true;
      await stack?.stop();
    }
  }
  console.log(`e2e: ${code === 0 ? "passed" : "FAILED"} (logs in ${LOG_DIR}, screenshots in ${SCREENSHOT_DIR})`);
  process.exit(code);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
