import { describe, expect, it } from "vitest";

import {
  clamp,
  clientToImage,
  clipRect,
  cycleIndex,
  editedBox,
  fitView,
  handlePoint,
  hitTest,
  imageToScreen,
  isTooSmall,
  moveRect,
  normalizeBox,
  panBy,
  rectFromPoints,
  resizeRect,
  round2,
  roundRect,
  screenToImage,
  zoomAt,
  zoomLimits,
} from "./geometry";

const image = { width: 400, height: 300 };
const box = { x: 100, y: 50, w: 80, h: 60 };

describe("clamp and rounding", () => {
  it("clamps into a range", () => {
    expect(clamp(-5, 0, 10)).toBe(0);
    expect(clamp(15, 0, 10)).toBe(10);
    expect(clamp(7.5, 0, 10)).toBe(7.5);
  });

  it("rounds to two decimals without -0", () => {
    expect(round2(12.345678)).toBe(12.35);
    expect(round2(1 / 3)).toBe(0.33);
    expect(Object.is(round2(-0.001), 0)).toBe(true);
  });

  it("rounds edges, so a box ending on the border still ends there", () => {
    expect(roundRect({ x: 10.004, y: 0.126, w: 389.996, h: 20.333 })).toEqual({ x: 10, y: 0.13, w: 390, h: 20.33 });
  });
});

describe("screen ↔ image", () => {
  const view = { scale: 2.5, tx: -100, ty: 40 };

  it("are inverse of each other", () => {
    const p = { x: 123.4, y: 56.7 };
    const back = screenToImage(view, imageToScreen(view, p));
    expect(back.x).toBeCloseTo(p.x, 10);
    expect(back.y).toBeCloseTo(p.y, 10);
  });

  it("maps client coordinates through the viewport's position", () => {
    expect(clientToImage(view, { x: 160, y: 190 }, { left: 10, top: 50 })).toEqual({ x: 100, y: 40 });
  });

  it("fits the image centred in the viewport", () => {
    expect(fitView(image, { width: 800, height: 800 })).toEqual({ scale: 2, tx: 0, ty: 100 });
    expect(fitView(image, { width: 200, height: 300 })).toEqual({ scale: 0.5, tx: 0, ty: 75 });
  });

  it("falls back to 1:1 for an unmeasured viewport", () => {
    expect(fitView(image, { width: 0, height: 0 })).toEqual({ scale: 1, tx: 0, ty: 0 });
  });

  it("zooms around an anchor that stays on the same image point", () => {
    const before = { scale: 2, tx: 0, ty: 0 };
    const anchor = { x: 300, y: 200 };
    const after = zoomAt(before, 1.25, anchor, { min: 0.1, max: 32 });
    expect(after.scale).toBe(2.5);
    expect(screenToImage(after, anchor)).toEqual(screenToImage(before, anchor));
  });

  it("keeps zoom within its limits", () => {
    const limits = zoomLimits({ scale: 2, tx: 0, ty: 0 });
    expect(limits).toEqual({ min: 0.25, max: 32 });
    expect(zoomAt({ scale: 30, tx: 0, ty: 0 }, 4, { x: 0, y: 0 }, limits).scale).toBe(32);
    expect(zoomAt({ scale: 0.3, tx: 0, ty: 0 }, 0.1, { x: 0, y: 0 }, limits).scale).toBe(0.25);
  });

  it("pans by screen pixels", () => {
    expect(panBy({ scale: 3, tx: 1, ty: 2 }, 10, -5)).toEqual({ scale: 3, tx: 11, ty: -3 });
  });
});

describe("rectangles", () => {
  it("clips to the image and turns negative sizes around", () => {
    expect(clipRect({ x: -10, y: 280, w: 50, h: 40 }, image)).toEqual({ x: 0, y: 280, w: 40, h: 20 });
    expect(clipRect({ x: 50, y: 60, w: -20, h: -30 }, image)).toEqual({ x: 30, y: 30, w: 20, h: 30 });
    expect(clipRect({ x: 500, y: 10, w: 20, h: 20 }, image).w).toBe(0);
  });

  it("normalises a box: clipped, rounded, confidence kept", () => {
    expect(normalizeBox({ label: "a", x: -1, y: 2.005001, w: 50.1234, h: 400, confidence: 0.9 }, image)).toEqual({
      label: "a",
      x: 0,
      y: 2.01,
      w: 49.12,
      h: 297.99,
      confidence: 0.9,
    });
  });

  it("an edited box has no confidence", () => {
    expect(editedBox("b", { x: 1.111, y: 2, w: 3, h: 4 }, image)).toEqual({ label: "b", x: 1.11, y: 2, w: 3, h: 4 });
  });

  it("moves a box, keeping its size and staying inside the image", () => {
    expect(moveRect(box, 15, -20, image)).toEqual({ x: 115, y: 30, w: 80, h: 60 });
    expect(moveRect(box, 1000, 1000, image)).toEqual({ x: 320, y: 240, w: 80, h: 60 });
    expect(moveRect(box, -1000, -1000, image)).toEqual({ x: 0, y: 0, w: 80, h: 60 });
  });

  it("resizes by each corner and edge", () => {
    expect(resizeRect(box, "se", 10, 20, image)).toEqual({ x: 100, y: 50, w: 90, h: 80 });
    expect(resizeRect(box, "nw", 10, 20, image)).toEqual({ x: 110, y: 70, w: 70, h: 40 });
    expect(resizeRect(box, "ne", -10, -10, image)).toEqual({ x: 100, y: 40, w: 70, h: 70 });
    expect(resizeRect(box, "sw", -10, 5, image)).toEqual({ x: 90, y: 50, w: 90, h: 65 });
    expect(resizeRect(box, "n", 99, 5, image)).toEqual({ x: 100, y: 55, w: 80, h: 55 });
    expect(resizeRect(box, "s", 99, 5, image)).toEqual({ x: 100, y: 50, w: 80, h: 65 });
    expect(resizeRect(box, "e", 5, 99, image)).toEqual({ x: 100, y: 50, w: 85, h: 60 });
    expect(resizeRect(box, "w", 5, 99, image)).toEqual({ x: 105, y: 50, w: 75, h: 60 });
  });

  it("never flips a box inside out: the dragged edge stops at the minimum size", () => {
    expect(resizeRect(box, "e", -500, 0, image)).toEqual({ x: 100, y: 50, w: 2, h: 60 });
    expect(resizeRect(box, "w", 500, 0, image)).toEqual({ x: 178, y: 50, w: 2, h: 60 });
    expect(resizeRect(box, "nw", 500, 500, image)).toEqual({ x: 178, y: 108, w: 2, h: 2 });
    expect(resizeRect(box, "se", -500, -500, image, 5)).toEqual({ x: 100, y: 50, w: 5, h: 5 });
  });

  it("stops resizing at the image border", () => {
    expect(resizeRect(box, "se", 1000, 1000, image)).toEqual({ x: 100, y: 50, w: 300, h: 250 });
    expect(resizeRect(box, "nw", -1000, -1000, image)).toEqual({ x: 0, y: 0, w: 180, h: 110 });
  });

  it("spans a rectangle between two points in any direction, clipped", () => {
    expect(rectFromPoints({ x: 50, y: 40 }, { x: 10, y: 20 }, image)).toEqual({ x: 10, y: 20, w: 40, h: 20 });
    expect(rectFromPoints({ x: 390, y: 290 }, { x: 450, y: 350 }, image)).toEqual({ x: 390, y: 290, w: 10, h: 10 });
  });

  it("knows a box below the minimum size", () => {
    expect(isTooSmall({ x: 0, y: 0, w: 1.99, h: 50 })).toBe(true);
    expect(isTooSmall({ x: 0, y: 0, w: 2, h: 2 })).toBe(false);
  });
});

describe("hit testing", () => {
  const big = { x: 0, y: 0, w: 200, h: 200 };
  const small = { x: 50, y: 50, w: 20, h: 20 };
  const other = { x: 300, y: 100, w: 50, h: 50 };

  it("places handles on corners and edge midpoints", () => {
    expect(handlePoint(box, "nw")).toEqual({ x: 100, y: 50 });
    expect(handlePoint(box, "n")).toEqual({ x: 140, y: 50 });
    expect(handlePoint(box, "e")).toEqual({ x: 180, y: 80 });
    expect(handlePoint(box, "se")).toEqual({ x: 180, y: 110 });
    expect(handlePoint(box, "sw")).toEqual({ x: 100, y: 110 });
  });

  it("finds the smallest box under the point", () => {
    expect(hitTest([big, small, other], { x: 60, y: 60 }, null, 3)).toEqual({ kind: "box", index: 1 });
    expect(hitTest([big, small, other], { x: 10, y: 10 }, null, 3)).toEqual({ kind: "box", index: 0 });
    expect(hitTest([big, small, other], { x: 320, y: 120 }, null, 3)).toEqual({ kind: "box", index: 2 });
    expect(hitTest([big, small, other], { x: 250, y: 20 }, null, 3)).toEqual({ kind: "none" });
  });

  it("finds the selected box's handles first, within the tolerance", () => {
    expect(hitTest([big, small], { x: 71, y: 72 }, 1, 3)).toEqual({ kind: "handle", index: 1, handle: "se" });
    expect(hitTest([big, small], { x: 60, y: 48 }, 1, 3)).toEqual({ kind: "handle", index: 1, handle: "n" });
    expect(hitTest([big, small], { x: 75, y: 75 }, 1, 3)).toEqual({ kind: "box", index: 0 });
    // handles of an unselected box are not grabbed
    expect(hitTest([big, small], { x: 70, y: 70 }, null, 3)).toEqual({ kind: "box", index: 1 });
  });

  it("prefers the nearest handle when handles overlap on a tiny box", () => {
    const tiny = { x: 10, y: 10, w: 2, h: 2 };
    expect(hitTest([tiny], { x: 12.2, y: 12.4 }, 0, 5)).toEqual({ kind: "handle", index: 0, handle: "se" });
  });
});

describe("Tab cycling", () => {
  it("walks forward and off the end", () => {
    expect(cycleIndex(null, 3, false)).toBe(0);
    expect(cycleIndex(0, 3, false)).toBe(1);
    expect(cycleIndex(2, 3, false)).toBeNull();
  });

  it("walks backward and off the start", () => {
    expect(cycleIndex(null, 3, true)).toBe(2);
    expect(cycleIndex(1, 3, true)).toBe(0);
    expect(cycleIndex(0, 3, true)).toBeNull();
  });

  it("has nothing to select without boxes", () => {
    expect(cycleIndex(null, 0, false)).toBeNull();
  });
});
