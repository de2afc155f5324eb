/**
 * A model confidence (0–1) as a percent, the way the pages around the editor write it: one decimal
 * below 10 % (where the difference between 0.4 % and 4 % matters), whole percents above.
 */
export function formatConfidence(p: number): string {
  const percent = Math.min(Math.max(p, 0), 1) * 100;
  if (percent === 0) return "0%";
  if (percent < 0.05) return "<0.1%"; // not "0.0%": the model did give it some weight
  const oneDecimal = percent.toFixed(1);
  return Number(oneDecimal) < 10 ? `${oneDecimal}%` : `${Math.round(percent)}%`;
}
