// Disagreement flags (docs/api.md, Disagreement flags) in words, for "sent to a reviewer: …".
const WORDS: Record<string, string> = {
  label_changed: "label changed",
  low_overlap: "low overlap",
  false_positive: "box removed",
  confident_removal: "confident box removed",
  missed: "missed box",
};

export function flagWords(flags: { [key: string]: unknown }[]): string[] {
  const names = flags.map((f) => String(f.flag));
  // A confident removal is also a false positive: say the stronger one only.
  const removedConfidently = names.includes("confident_removal");
  const words = names
    .filter((name) => !(removedConfidently && name === "false_positive"))
    .map((name) => WORDS[name] ?? name.replace(/_/g, " "));
  return [...new Set(words)];
}
