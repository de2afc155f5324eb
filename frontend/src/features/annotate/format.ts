// One way to write a confidence everywhere (the box captions use it too); imported from its own
// module so the text queue does not pull in the box editor.
export { formatConfidence as formatPercent } from "@/components/box-editor/format";

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
