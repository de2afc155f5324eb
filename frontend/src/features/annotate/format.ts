export function formatPercent(p: number): string {
  return `${(p * 100).toFixed(p > 0 && p < 0.01 ? 1 : 0)}%`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
