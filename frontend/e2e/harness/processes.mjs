// Child processes of the harness: commands that must succeed, and services that run until stopped.
// Every service gets its own process group, so stopping it also stops what it forked (gunicorn and
// Celery workers fork).
import { spawn } from "node:child_process";
import fs from "node:fs";

// Every child process group still running, so an exiting harness can end them all (killAllNow).
const live = new Set();

function track(child) {
  if (child.pid) live.add(child.pid);
  child.on("exit", () => live.delete(child.pid));
}

/** Synchronous last resort for process.on("exit"): SIGKILL every child group still running. */
export function killAllNow() {
  for (const pid of live) killGroup(pid, "SIGKILL");
  live.clear();
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Runs a command to completion with its output in `log`; rejects with the log's tail when it fails. */
export function runCommand(command, args, { cwd, env, log, timeoutMs = 15 * 60_000 }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(log, "a");
    fs.writeSync(out, `\n$ ${command} ${args.join(" ")}\n`);
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", out, out], detached: true });
    fs.closeSync(out);
    track(child);
    const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}); ${log}:\n${tail(log)}`));
    });
  });
}

/** Starts a long-running service; `service.stop()` ends its whole process group. */
export function startService(name, command, args, { cwd, env, log }) {
  const out = fs.openSync(log, "a");
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", out, out], detached: true });
  fs.closeSync(out);
  track(child);
  let exited = null;
  const exit = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = signal ?? `exit ${code}`;
      resolve(exited);
    });
    child.on("error", (error) => {
      exited = String(error);
      resolve(exited);
    });
  });
  return {
    name,
    pid: child.pid,
    log,
    /** null while running, else how it ended. */
    exited: () => exited,
    async stop(graceMs = 10_000) {
      if (exited !== null) return;
      killGroup(child.pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), graceMs);
      await exit;
      clearTimeout(timer);
      // What the leader forked may outlive it for a moment: make sure the group is gone.
      killGroup(child.pid, "SIGKILL");
    },
    tail: (lines) => tail(log, lines),
  };
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export async function waitFor(what, check, { timeoutMs = 120_000, intervalMs = 500, services = [] } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      if (error.fatal) throw error;
      last = error;
    }
    const dead = services.find((s) => s.exited() !== null);
    if (dead) throw new Error(`${dead.name} stopped (${dead.exited()}) while waiting for ${what}; ${dead.log}:\n${dead.tail(40)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
