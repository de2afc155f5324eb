// Where things are: the repository, the backend, the built app, and the test artefacts.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const REPO_DIR = path.resolve(FRONTEND_DIR, "..");
export const BACKEND_DIR = path.join(REPO_DIR, "backend");
export const VENV_BIN = path.join(REPO_DIR, ".venv", "bin");
export const DIST_INDEX = path.join(FRONTEND_DIR, "dist", "index.html");
export const RESULTS_DIR = path.join(FRONTEND_DIR, "test-results");
export const LOG_DIR = path.join(RESULTS_DIR, "logs");
export const SCREENSHOT_DIR = path.join(RESULTS_DIR, "screenshots");
export const DOCS_SCREENSHOT_DIR = path.join(REPO_DIR, "docs", "screenshots");
