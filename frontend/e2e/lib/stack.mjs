// The running platform, as e2e/run.mjs passes it to each test file (E2E_STACK), and ways to talk to it
// besides the browser: the API with a user's token, SQL on the test database, manage.py.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { BACKEND_DIR, VENV_BIN } from "../harness/paths.mjs";
import { waitFor } from "../harness/processes.mjs";

if (!process.env.E2E_STACK && !process.env.E2E_STACK_FILE) {
  throw new Error("run the e2e tests through e2e/run.mjs (npm run e2e / make e2e): it starts the platform they need "
    + "(or against e2e/serve.mjs's platform: E2E_STACK_FILE=<the file it names> node --test e2e/tests/<file>)");
}

/** @type {{url: string, users: Record<string, string>, dbName: string, databaseUrl: string, varDir: string, env: Record<string, string>}} */
export const stack = JSON.parse(process.env.E2E_STACK ?? fs.readFileSync(process.env.E2E_STACK_FILE, "utf8"));

export class ApiError extends Error {
  constructor(method, url, status, body) {
    super(`${method} ${url} → ${status}: ${typeof body === "string" ? body : JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

/** The REST API as one user (token authentication, as scripts use it). */
export class Api {
  static async as(username, password = stack.users[username]) {
    const response = await fetch(`${stack.url}/api/v1/auth/token/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    const body = await response.json();
    if (!response.ok) throw new ApiError("POST", "/auth/token/", response.status, body);
    return new Api(body.token);
  }

  constructor(token) {
    this.token = token;
  }

  async request(method, url, body) {
    const response = await fetch(`${stack.url}/api/v1${url}`, {
      method,
      headers: { Authorization: `Token ${this.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    if (!response.ok) throw new ApiError(method, url, response.status, parsed);
    return parsed;
  }

  get(url) {
    return this.request("GET", url);
  }

  post(url, body = {}) {
    return this.request("POST", url, body);
  }

  patch(url, body) {
    return this.request("PATCH", url, body);
  }
}

/** Rows of a SQL query on the test database, as objects (psql as user postgres, json_agg). */
export function sql(query) {
  const out = execFileSync(
    "psql",
    [stack.databaseUrl, "-v", "ON_ERROR_STOP=1", "-qtAX", "-c", `SELECT coalesce(json_agg(t), '[]') FROM (${query}) t`],
    { encoding: "utf8" },
  );
  return JSON.parse(out);
}

/** Runs `manage.py <args>` against the test platform; returns its stdout. */
export function manage(...args) {
  return execFileSync(path.join(VENV_BIN, "python"), ["manage.py", ...args], {
    cwd: BACKEND_DIR,
    env: { ...process.env, ...stack.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Polls `check` until it returns something truthy (the harness's waitFor, with test-sized defaults). */
export function eventually(what, check, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
  return waitFor(what, check, { timeoutMs, intervalMs });
}
