import { describe, expect, it } from "vitest";

import type { Feedback } from "./api/feedback";
import type { QueueEntry } from "./api/queue";
import { sameBoxes } from "./boxes";
import { flagWords } from "./flags";
import { currentOf, heldOffset, initialState, leftCount, reduce, type Action, type QueueState } from "./queue-state";
import { imageEntry, textEntry } from "./test/fake-queue";

const page = (entries: QueueEntry[], count = entries.length, more = false) => ({
  count,
  next: more ? "http://x/?offset=20" : null,
  results: entries,
});
const run = (actions: Action[], from: QueueState = initialState) => actions.reduce(reduce, from);
const feedback = { id: 1 } as Feedback;

describe("queue state", () => {
  it("starts the next page after the items it still holds, counting failed answers as still queued", () => {
    const s = run([
      { type: "page", page: page([textEntry(1), textEntry(2), textEntry(3), textEntry(4)], 30, true), seq: 0 },
      { type: "submit", key: 1, answer: { verdict: "accept" } },
      { type: "skip" },
      { type: "submit", key: 2, answer: { verdict: "accept" } },
      { type: "failed", key: 2, attempt: 1, error: "refused" },
    ]);
    // item 4 in the line, item 2 skipped, item 3 failed (still in the server's queue); item 1 in flight.
    expect(heldOffset(s)).toBe(3);
    expect(leftCount(s)).toBe(29);
    expect(currentOf(s)?.entry.item_id).toBe(textEntry(4).item_id);
  });

  it("drops items the session already took when a page repeats them", () => {
    const s = run([
      { type: "page", page: page([textEntry(1), textEntry(2)], 5, true), seq: 0 },
      { type: "page", page: page([textEntry(2), textEntry(3)], 5, true), seq: 0 },
    ]);
    expect(s.line.map((e) => e.item_id)).toEqual([1001, 1002, 1003]);
  });

  it("ignores the result of an older attempt once the answer was changed", () => {
    const s = run([
      { type: "page", page: page([textEntry(1), textEntry(2)]), seq: 0 },
      { type: "submit", key: 1, answer: { verdict: "accept" } },
      { type: "back" },
      { type: "submit", key: 1, answer: { verdict: "correct", label: "shipping" } },
      { type: "failed", key: 1, attempt: 1, error: "late failure of the first POST" },
    ]);
    expect(s.history[0]).toMatchObject({ delivery: "sending", attempt: 2, answer: { label: "shipping" } });
    const done = reduce(s, { type: "sent", key: 1, attempt: 2, feedback });
    expect(done.history[0].delivery).toBe("sent");
    expect(done.revisit).toBeNull();
  });

  it("keeps the item on screen, the answers and the skipped items when a new scoring re-ranks the queue", () => {
    const s = run([
      { type: "page", page: page([textEntry(1), textEntry(2), textEntry(3), textEntry(4)]), seq: 0 },
      { type: "submit", key: 1, answer: { verdict: "accept" } },
      { type: "skip" },
      { type: "refresh", page: page([textEntry(4), textEntry(2), textEntry(5), textEntry(3)], 4), seq: 1 },
    ]);
    expect(s.line.map((e) => e.item_id)).toEqual([1003, 1004, 1005]);
    expect(s.skipped.map((e) => e.item_id)).toEqual([1002]);
    expect(leftCount(s)).toBe(4);
  });

  it("brings the skipped items back only when the server has no more", () => {
    const more = run([
      { type: "page", page: page([textEntry(1)], 40, true), seq: 0 },
      { type: "skip" },
    ]);
    expect(currentOf(more)).toBeNull();
    const last = reduce(more, { type: "page", page: page([]), seq: 0 });
    expect(currentOf(last)?.entry.item_id).toBe(1001);
    expect(last.recycled).toBe(true);
  });
});

describe("box answers", () => {
  const model = imageEntry(1).boxes!;
  it("sees the model's boxes, rounded and clipped by the editor, as unchanged", () => {
    const size = { width: 160, height: 120 };
    const asShown = model.map(({ label, x, y, w, h }) => ({ label, x, y, w, h }));
    expect(sameBoxes(asShown, model, size)).toBe(true);
    expect(sameBoxes([{ ...asShown[0], x: 10.5 }, asShown[1]], model, size)).toBe(false);
    expect(sameBoxes([asShown[1], asShown[0]], model, size)).toBe(false);
    expect(sameBoxes(asShown.slice(1), model, size)).toBe(false);
    const outside = [{ label: "circle", confidence: 0.5, x: -5, y: 100, w: 20, h: 40 }];
    expect(sameBoxes([{ label: "circle", x: 0, y: 100, w: 15, h: 20 }], outside, size)).toBe(true);
  });

  it("says the flags in words, the stronger removal only", () => {
    expect(flagWords([{ flag: "false_positive" }, { flag: "confident_removal" }, { flag: "missed" }, { flag: "missed" }])).toEqual([
      "confident box removed",
      "missed box",
    ]);
  });
});
