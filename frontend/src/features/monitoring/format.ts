// Numbers and words of the monitoring page.
import type { Flag } from "./api";

export function formatNumber(value: unknown): string {
  if (typeof value !== "number" || Number.isNaN(value)) return "–";
  if (Number.isInteger(value)) return value.toLocaleString();
  if (Math.abs(value) < 0.001 && value !== 0) return value.toExponential(1);
  return value.toLocaleString(undefined, { maximumFractionDigits: 3 });
}

export const percent = (value: number | null | undefined) =>
  value == null ? "–" : `${(value * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })} %`;

export const FLAG_NAMES: Record<Flag["kind"], string> = {
  correction_rate: "Correction rate above the limit",
  disagreement_rate: "Disagreement rate above the limit",
  label_shift: "Predicted labels shifted from the training data",
  input_shift: "Inputs shifted from the training data",
};

/** "0.34 > 0.3" in the flag's own terms (a rate above, a p-value below, a PSI at least). */
export function flagMeasure(flag: Flag): string {
  if (flag.kind === "correction_rate" || flag.kind === "disagreement_rate") return `${percent(flag.value)} > ${percent(flag.threshold)}`;
  if (flag.kind === "input_shift") return `PSI ${formatNumber(flag.value)} ≥ ${formatNumber(flag.threshold)}`;
  return `p ${formatNumber(flag.value)} < ${formatNumber(flag.threshold)}`;
}
