// A second-review entry as the page uses it: the API's ReviewEntryOutput with its loosely typed
// JSON fields (boxes, flags, review) narrowed once, here.
import type { EditorBox } from "@/components/box-editor";
import type { components } from "@/lib/api/schema";

export type RawReviewEntry = components["schemas"]["ReviewEntryOutput"];
export type ReviewStatus = "pending" | "reviewed" | "all";

export type ReviewFlag = {
  flag: string;
  model_index?: number;
  human_index?: number;
  iou?: number;
  confidence?: number;
  from?: string;
  to?: string;
};

export type Review = { label: string; boxes: EditorBox[] | null; notes: string; reviewer: string | null; created_at: string };

export type ReviewEntry = Omit<RawReviewEntry, "boxes" | "resolved_boxes" | "flags" | "predicted_boxes" | "review"> & {
  /** The first answer's boxes, in the order flags' `human_index` counts. */
  answerBoxes: EditorBox[];
  /** The model's boxes with confidences, in the order flags' `model_index` counts. */
  predictedBoxes: EditorBox[];
  flags: ReviewFlag[];
  review: Review | null;
};

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export function toBoxes(raw: readonly Record<string, unknown>[] | null | undefined): EditorBox[] {
  return (raw ?? []).map((box) => {
    const out: EditorBox = {
      label: String(box.label ?? ""),
      x: Number(box.x),
      y: Number(box.y),
      w: Number(box.w),
      h: Number(box.h),
    };
    const confidence = num(box.confidence);
    if (confidence !== undefined) out.confidence = confidence;
    return out;
  });
}

function toFlag(raw: Record<string, unknown>): ReviewFlag {
  return {
    flag: String(raw.flag ?? ""),
    model_index: num(raw.model_index),
    human_index: num(raw.human_index),
    iou: num(raw.iou),
    confidence: num(raw.confidence),
    from: str(raw.from),
    to: str(raw.to),
  };
}

function toReview(raw: Record<string, unknown> | null): Review | null {
  if (!raw) return null;
  return {
    label: str(raw.label) ?? "",
    boxes: Array.isArray(raw.boxes) ? toBoxes(raw.boxes as Record<string, unknown>[]) : null,
    notes: str(raw.notes) ?? "",
    reviewer: str(raw.reviewer) ?? null,
    created_at: str(raw.created_at) ?? "",
  };
}

export function toEntry(raw: RawReviewEntry): ReviewEntry {
  const { boxes, resolved_boxes, flags, predicted_boxes, review, ...rest } = raw;
  return {
    ...rest,
    answerBoxes: toBoxes(resolved_boxes ?? boxes),
    predictedBoxes: toBoxes(predicted_boxes),
    flags: flags.map(toFlag),
    review: toReview(review),
  };
}
