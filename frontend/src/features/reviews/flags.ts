// Review flags in words, and which boxes each one is about.
import { formatConfidence } from "@/components/box-editor";

import type { ReviewFlag } from "./api/types";

const fixed2 = (value: number | undefined) => (value === undefined ? "?" : value.toFixed(2));
// Confidences read as percents, as in the box captions.
const percent = (value: number | undefined) => (value === undefined ? "?" : formatConfidence(value));

export function describeFlag(flag: ReviewFlag): string {
  switch (flag.flag) {
    case "low_overlap":
      return `A box moved a lot (IoU ${fixed2(flag.iou)})`;
    case "missed":
      return "The annotator added a box the model missed";
    case "false_positive":
      return `The annotator removed a model box (confidence ${percent(flag.confidence)})`;
    case "confident_removal":
      return `The annotator removed a box the model was sure of (${percent(flag.confidence)})`;
    case "label_changed":
      return `Label changed from ${flag.from ?? "?"} to ${flag.to ?? "?"}`;
    default:
      return flag.flag.replace(/_/g, " ");
  }
}

/** "model box 2, answer box 1": where to look, numbered from 1 like the editors' status lines. */
export function flagBoxes(flag: ReviewFlag): string {
  const parts: string[] = [];
  if (flag.model_index !== undefined) parts.push(`model box ${flag.model_index + 1}`);
  if (flag.human_index !== undefined) parts.push(`answer box ${flag.human_index + 1}`);
  return parts.join(", ");
}

export function flaggedIndexes(flags: readonly ReviewFlag[]): { model: number[]; human: number[] } {
  const model = new Set<number>();
  const human = new Set<number>();
  for (const flag of flags) {
    if (flag.model_index !== undefined) model.add(flag.model_index);
    if (flag.human_index !== undefined) human.add(flag.human_index);
  }
  return { model: [...model].sort((a, b) => a - b), human: [...human].sort((a, b) => a - b) };
}

/** Severity for the marker colour: removals of confident boxes first. */
export function flagTone(flag: ReviewFlag): "bad" | "warn" | "info" {
  if (flag.flag === "confident_removal") return "bad";
  if (flag.flag === "low_overlap" || flag.flag === "false_positive") return "warn";
  return "info";
}
