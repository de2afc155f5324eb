// A contest's boxes as the editor holds them, and whether the reviewer's boxes still are the model's
// (then the decision keeps them: an accept, not a correction with the same boxes).
import { normalizeBox, type EditorBox } from "@/components/box-editor";

import type { AnswerBox } from "./api";

/** The API's loosely typed box objects (`{[key: string]: unknown}`) as editor boxes, confidences kept. */
export function toEditorBoxes(raw: readonly Record<string, unknown>[] | null | undefined): EditorBox[] {
  return (raw ?? []).map((box) => {
    const out: EditorBox = { label: String(box.label ?? ""), x: Number(box.x), y: Number(box.y), w: Number(box.w), h: Number(box.h) };
    if (typeof box.confidence === "number") out.confidence = box.confidence;
    return out;
  });
}

export function toAnswerBoxes(boxes: readonly EditorBox[]): AnswerBox[] {
  return boxes.map(({ label, x, y, w, h }) => ({ label, x, y, w, h }));
}

/** True when `boxes` are the model's, in order, as the editor showed them (clipped, rounded). */
export function sameAsModel(boxes: readonly EditorBox[], model: readonly EditorBox[], size: { width: number; height: number }) {
  if (boxes.length !== model.length) return false;
  return boxes.every((box, i) => {
    const m = normalizeBox(model[i], size);
    return box.label === m.label && box.x === m.x && box.y === m.y && box.w === m.w && box.h === m.h;
  });
}

export const boxCount = (n: number) => `${n} ${n === 1 ? "box" : "boxes"}`;

/** The decide button's words for corrected boxes: none left says what it means. */
export const decidedBoxes = (n: number) => (n === 0 ? "nothing here (no boxes)" : boxCount(n));
