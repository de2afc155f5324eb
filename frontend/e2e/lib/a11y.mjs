// axe-core in the page: serious and critical violations fail the test, and are printed.
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

export async function checkAccessibility(page, name) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
  });
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const minor = violations.filter((v) => !blocking.includes(v));
  if (minor.length) console.log(`axe on ${name}: ${minor.length} minor/moderate: ${minor.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
  assert.equal(blocking.length, 0, `axe on ${name}: serious or critical violations:\n${format(blocking)}`);
}

function format(violations) {
  return violations
    .map((v) => `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.slice(0, 5).map((n) => `    ${n.target}\n      ${n.summary?.replace(/\n/g, "\n      ")}`).join("\n")}`)
    .join("\n");
}
