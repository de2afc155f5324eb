// A request's `result` (counts and ids of what it reached) in a line of words.
export function ResultSummary({ result }: { result: unknown }) {
  if (!result || typeof result !== "object") return null;
  const parts = Object.entries(result as Record<string, unknown>).flatMap(([key, value]) => {
    const name = key.replace(/_/g, " ");
    if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return [`${name}: ${value}`];
    if (Array.isArray(value)) return [`${name}: ${value.length}`];
    if (value && typeof value === "object") return [`${name}: ${Object.keys(value).length}`];
    return [];
  });
  return parts.length ? <span className="small">{parts.join(" · ")}</span> : null;
}
