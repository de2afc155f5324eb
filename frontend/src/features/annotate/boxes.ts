// Box answers: the editor's boxes without the model's confidences, and "unchanged from the model".
import type { EditorBox } from "@/components/box-editor";

import type { AnswerBox } from "./api/feedback";
import type { PredictedBox } from "./api/queue";

export function toAnswerBoxes(boxes: readonly EditorBox[]): AnswerBox[] {
  return boxes.map(({ label, x, y, w, h }) => ({ label, x, y, w, h }));
}

const TOLERANCE = 0.01; // the editor rounds to 2 decimals, the API's precision

/** The model's box as the editor shows it: clipped to the image. */
function clipped(box: AnswerBox, size: { width: number; height: number }): AnswerBox {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(size.width, box.x + box.w);
  const y1 = Math.min(size.height, box.y + box.h);
  return { label: box.label, x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** True when `boxes` are the model's boxes, in order, up to the editor's rounding and clipping. */
export function sameBoxes(
  boxes: readonly AnswerBox[],
  model: readonly PredictedBox[],
  size: { width: number; height: number },
): boolean {
  if (boxes.length !== model.length) return false;
  return boxes.every((box, i) => {
    const m = clipped(model[i], size);
    const close = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE + 1e-9;
    return box.label === m.label && close(box.x, m.x) && close(box.y, m.y) && close(box.w, m.w) && close(box.h, m.h);
  });
}
