// The real platform for end-to-end tests and the bench: a fresh PostgreSQL database, a private var dir,
// a small params file (YOLO trains in seconds), migrate + bootstrap_demo, a real Celery worker on Redis
// with a queue of its own, and gunicorn serving the API and the built app (frontend/dist) at /.
// `stop()` tears everything down (services, database, temp dir) and is safe to call twice.
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { BACKEND_DIR, DIST_INDEX, LOG_DIR, VENV_BIN } from "./paths.mjs";
import { killAllNow, runCommand, startService, waitFor } from "./processes.mjs";

const PG = { host: process.env.E2E_PG_HOST ?? "127.0.0.1", port: process.env.E2E_PG_PORT ?? "5432", user: "postgres" };
const BROKER = process.env.E2E_CELERY_BROKER_URL ?? "redis://127.0.0.1:6379/13";

// Few epochs at 64 px: the detector trains in seconds and, barely trained, boxes the whole image with
// a confidence near 0.004 (the next boxes score ~0.001). conf 0.002 serves exactly that one box per
// image, which the image test edits; the text model is the real one (logistic regression, 2 folds).
const PARAMS = `SEED: 42
K_FOLDS: 2
EPOCHS: 2
BATCH_SIZE: 8
IMG_SIZE: 64
PATIENCE: 2
text_classification:
  C: 4.0
  max_iter: 500
object_detection:
  model: yolo11n.yaml
  val_fraction: 0.25
  conf: 0.002
  kfold_epochs: 1
`;

export const DEMO_TEXT = "demo-text";
export const DEMO_SHAPES = "demo-shapes";

function psql(sql, database = "postgres") {
  return execFileSync(
    "psql",
    ["-h", PG.host, "-p", PG.port, "-U", PG.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-qtAX", "-c", sql],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  ).trim();
}

/** Forgets the stack's Celery queue on the broker (kombu keeps a queue and its bindings per name). */
function forgetQueue(queue) {
  const url = new URL(BROKER);
  if (url.protocol !== "redis:") return;
  const db = url.pathname.replace("/", "") || "0";
  try {
    execFileSync("redis-cli", ["-h", url.hostname, "-p", url.port || "6379", "-n", db,
      "DEL", queue, `_kombu.binding.${queue}`, `_kombu.binding_permanent.${queue}`], { stdio: "ignore" });
  } catch {
    // no redis-cli: the keys stay, harmless
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function readCredentials(varDir) {
  const file = path.join(varDir, "secrets", "demo-credentials.txt");
  const users = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const [name, password] = line.trim().split(/\s+/);
    if (name && password) users[name] = password;
  }
  return users;
}

function step(message) {
  process.stderr.write(`e2e stack: ${message}\n`);
}

export async function startStack({ logDir = LOG_DIR, waitForQueues = true } = {}) {
  if (!fs.existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: build the app first (make e2e does; or npm run build)`);
  if (!fs.existsSync(path.join(VENV_BIN, "python"))) throw new Error(`no Python venv at ${VENV_BIN} (make venv)`);
  fs.mkdirSync(logDir, { recursive: true });
  const id = `${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hitl-e2e-"));
  const varDir = path.join(tmp, "var");
  const dbName = `hitl_e2e_${id}`;
  const databaseUrl = `postgres://${PG.user}@${PG.host}:${PG.port}/${dbName}`;
  fs.writeFileSync(path.join(tmp, "params.yaml"), PARAMS);
  const env = {
    ...process.env,
    HITL_VAR_DIR: varDir,
    DATABASE_URL: databaseUrl,
    HITL_PARAMS_FILE: path.join(tmp, "params.yaml"),
    MLFLOW_TRACKING_URI: `sqlite:///${path.join(tmp, "mlflow.db")}`,
    MLFLOW_ARTIFACT_ROOT: path.join(tmp, "mlflow-artifacts"),
    CELERY_BROKER_URL: BROKER,
    CELERY_QUEUE: `e2e-${id}`,
    CELERY_TRAINING_QUEUE: `e2e-${id}-training`, // training tasks have a queue of their own; the one worker takes both
    DJANGO_DEBUG: "false",
    PYTHONUNBUFFERED: "1",
  };
  delete env.S3_BUCKET; // object storage in the private var dir
  delete env.DJANGO_SUPERUSER_PASSWORD; // every demo password, admin's too, is generated and kept in the var dir
  const services = [];
  let dbCreated = false;
  let stopped = false;
  const stack = { url: "", dbName, databaseUrl, varDir, env, users: {}, logDir, tmp };

  stack.stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const service of [...services].reverse()) await service.stop();
    if (dbCreated) {
      try {
        psql(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      } catch (error) {
        step(`could not drop ${dbName}: ${error.stderr || error.message}`);
      }
    }
    forgetQueue(env.CELERY_QUEUE);
    forgetQueue(env.CELERY_TRAINING_QUEUE);
    if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    else step(`kept ${tmp} (E2E_KEEP)`);
  };
  // Last resort when the process exits without awaiting stop() (an uncaught error, process.exit).
  stack.killNow = () => {
    killAllNow();
    if (!stopped) {
      forgetQueue(env.CELERY_QUEUE);
      forgetQueue(env.CELERY_TRAINING_QUEUE);
    }
    if (!stopped && !process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    if (dbCreated && !stopped) {
      try {
        psql(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      } catch {
        // nothing more can be done on exit
      }
    }
  };

  // Whoever started the stack may die without awaiting stop() (an uncaught error, a closed pipe): then at least
  // the services and the database go with it.
  process.on("exit", stack.killNow);
  try {
    const started = Date.now();
    psql(`CREATE DATABASE "${dbName}"`);
    dbCreated = true;
    step(`database ${dbName}, var dir ${varDir}, Celery queue ${env.CELERY_QUEUE} on ${BROKER}; logs in ${logDir}`);
    const manage = (args, log, timeoutMs) =>
      runCommand(path.join(VENV_BIN, "python"), ["manage.py", ...args], {
        cwd: BACKEND_DIR, env, log: path.join(logDir, log), timeoutMs,
      });
    await manage(["migrate", "--noinput", "-v0"], "setup.log");
    await manage(["collectstatic", "--noinput", "-v0"], "setup.log");
    step("bootstrap_demo (users, both demo projects, first models, queues scored)...");
    await manage(["bootstrap_demo"], "bootstrap.log", 20 * 60_000);
    // As `make run` does: the worker starts after the bootstrap, which scored the pools itself; it takes the
    // scoring jobs the imports and first promotions queued (they find the work done) and everything later.
    services.push(
      startService("celery worker", path.join(VENV_BIN, "celery"),
        ["-A", "config", "worker", "-Q", `${env.CELERY_QUEUE},${env.CELERY_TRAINING_QUEUE}`, "--pool", "solo", "-n", `e2e-${id}@%h`, "-l", "info",
          "--without-mingle", "--without-gossip"],
        { cwd: BACKEND_DIR, env, log: path.join(logDir, "worker.log") }),
    );
    stack.users = readCredentials(varDir);
    const port = Number(process.env.E2E_PORT) || (await freePort());
    stack.url = `http://127.0.0.1:${port}`;
    services.push(
      startService("gunicorn", path.join(VENV_BIN, "gunicorn"),
        ["config.asgi:application", "-k", "uvicorn_worker.UvicornWorker", "--bind", `127.0.0.1:${port}`, "--workers", "2",
          "--timeout", "120",
          // Idle connections outlive Node fetch's 4 s keep-alive: the client closes them, never the server while a
          // request is on its way ("other side closed" on a reused socket, seen in CI with gunicorn's default 2 s).
          "--keep-alive", "10", "--access-logfile", path.join(logDir, "access.log")],
        { cwd: BACKEND_DIR, env, log: path.join(logDir, "web.log") }),
    );
    await waitFor("/readyz", async () => (await fetch(`${stack.url}/readyz`)).ok, { timeoutMs: 180_000, services });
    if (waitForQueues) await waitForScoring(stack, services);
    step(`ready at ${stack.url} after ${((Date.now() - started) / 1000).toFixed(0)}s`);
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/** Token login through the API (the tests' own calls; the browser uses the session login). */
export async function apiToken(stack, username) {
  const response = await fetch(`${stack.url}/api/v1/auth/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: stack.users[username] }),
  });
  if (!response.ok) throw new Error(`token for ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()).token;
}

/** Waits until both demo queues were scored by their champions (the queue scoring the imports queued). */
async function waitForScoring(stack, services) {
  const token = await apiToken(stack, "engineer");
  const get = async (url) => {
    const response = await fetch(`${stack.url}/api/v1${url}`, { headers: { Authorization: `Token ${token}` } });
    if (response.status >= 500) {
      throw Object.assign(new Error(`GET ${url}: ${response.status}; see ${path.join(stack.logDir, "web.log")}`), { fatal: true });
    }
    return { status: response.status, body: response.ok ? await response.json() : null };
  };
  for (const slug of [DEMO_TEXT, DEMO_SHAPES]) {
    step(`waiting for the queue scoring of ${slug}...`);
    const job = await waitFor(`the queue scoring of ${slug}`, async () => {
      const { status, body } = await get(`/projects/${slug}/queue/scoring/`);
      if (status === 404) return { status: "no scoring endpoint" };
      return body && ["succeeded", "failed"].includes(body.status) ? body : null;
    }, { timeoutMs: 300_000, intervalMs: 1000, services });
    if (job.status !== "succeeded") step(`queue scoring of ${slug}: ${job.status} ${job.error ?? ""}`);
  }
}
