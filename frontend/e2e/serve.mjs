// The e2e platform, kept running for writing and debugging tests (Ctrl-C tears it down):
//   node e2e/serve.mjs     then, in another shell:   E2E_STACK_FILE=<printed path> node --test e2e/tests/<file>
import fs from "node:fs";
import path from "node:path";

import { LOG_DIR } from "./harness/paths.mjs";
import { startStack } from "./harness/stack.mjs";
import { stackInfo } from "./run.mjs";

const stack = await startStack({ logDir: LOG_DIR });
const file = path.join(stack.tmp, "stack.json");
fs.writeFileSync(file, JSON.stringify(stackInfo(stack)), { mode: 0o600 });
console.log(`platform at ${stack.url}; logins: ${Object.entries(stack.users).map(([u, p]) => `${u} ${p}`).join(", ")}`);
console.log(`E2E_STACK_FILE=${file}`);
const stop = async () => {
  await stack.stop();
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stop);
setInterval(() => {}, 1 << 30);
