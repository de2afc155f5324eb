// Shared Y-axis settings for the charts: small ticks, and a rotated axis name centred in a
// strip of its own left of the tick labels, so the two never overlap (ticks carry up to 4 decimals).
export const Y_AXIS_WIDTH = 78;
export const AXIS_TICK = { fontSize: 12 };

export function yAxisLabel(value: string) {
  return { value, angle: -90, position: "insideLeft" as const, offset: 10, textAnchor: "middle" as const, fontSize: 12 };
}
