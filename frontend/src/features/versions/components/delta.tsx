import { formatDelta } from "../api/types";

/** A signed difference; the sign carries the meaning, the colour repeats it. */
export function Delta({ value }: { value: number | null | undefined }) {
  if (typeof value !== "number" || !Number.isFinite(value)) return <span className="muted">–</span>;
  const rounded = Math.round(value * 1000) / 1000;
  const className = rounded > 0 ? "delta-up" : rounded < 0 ? "delta-down" : undefined;
  return <span className={className}>{formatDelta(value)}</span>;
}
