// GET /projects/{slug}/queue/: unanswered pool items in the project's queue order, one page at a time.
import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export type QueueEntry = components["schemas"]["QueueEntryOutput"];

/** `strategy`: the queue strategy that ordered the page; `strategyNote`: why it is not the project's setting. */
export type QueuePage = {
  count: number;
  next: string | null;
  results: QueueEntry[];
  strategy?: string;
  strategyNote?: string;
};

export async function fetchQueuePage(slug: string, offset: number, limit: number): Promise<QueuePage> {
  const page = await unwrap(
    api.GET("/api/v1/projects/{slug}/queue/", { params: { path: { slug }, query: { limit, offset } } }),
  );
  return {
    count: page.count,
    next: page.next ?? null,
    results: page.results,
    strategy: page.strategy,
    strategyNote: page.strategy_note,
  };
}

/** A predicted box of an image entry (the schema types them as plain objects). */
export type PredictedBox = { label: string; confidence: number; x: number; y: number; w: number; h: number };

export function predictedBoxes(entry: QueueEntry): PredictedBox[] {
  return (entry.boxes ?? []).map((box) => ({
    label: String(box.label),
    confidence: Number(box.confidence ?? 0),
    x: Number(box.x),
    y: Number(box.y),
    w: Number(box.w),
    h: Number(box.h),
  }));
}
