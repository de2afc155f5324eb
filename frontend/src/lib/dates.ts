// A timestamp from the API in the reader's locale and time zone ("–" for none; the raw text if unparsable).
export function formatWhen(iso: string | null | undefined, dateStyle: "short" | "medium" = "short"): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle, timeStyle: "short" });
}
