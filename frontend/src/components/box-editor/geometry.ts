/**
 * Pure geometry of the box editor: clamping, moving, resizing by a handle, screen ↔ image
 * transforms, hit testing and rounding. No React, no DOM: everything here is unit tested with
 * exact numbers, and every function is O(boxes) at most.
 */
import type { EditorBox, Handle, Point, Rect, Size, View } from "./types";

export const MIN_BOX_SIZE = 2; // image px: smaller drags are clicks, and resizing stops here
export const HANDLES: readonly Handle[] = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];

export function clamp(value: number, lo: number, hi: number): number {
  return Math.min(Math.max(value, lo), hi);
}

/** Two decimals, the precision the API stores; avoids -0. */
export function round2(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return rounded === 0 ? 0 : rounded;
}

// ---- screen ↔ image -------------------------------------------------------------------------

/** A point in viewport px (relative to the viewport's top-left) → image px. */
export function screenToImage(view: View, p: Point): Point {
  return { x: (p.x - view.tx) / view.scale, y: (p.y - view.ty) / view.scale };
}

export function imageToScreen(view: View, p: Point): Point {
  return { x: p.x * view.scale + view.tx, y: p.y * view.scale + view.ty };
}

/** A pointer's client coordinates → image px, given the viewport's bounding rect. */
export function clientToImage(view: View, client: Point, viewport: { left: number; top: number }): Point {
  return screenToImage(view, { x: client.x - viewport.left, y: client.y - viewport.top });
}

/** The whole image, centred and as large as fits (never 0 or negative, even for an unmeasured viewport). */
export function fitView(image: Size, viewport: Size): View {
  if (viewport.width <= 0 || viewport.height <= 0 || image.width <= 0 || image.height <= 0) {
    return { scale: 1, tx: 0, ty: 0 };
  }
  const scale = Math.min(viewport.width / image.width, viewport.height / image.height);
  return {
    scale,
    tx: (viewport.width - image.width * scale) / 2,
    ty: (viewport.height - image.height * scale) / 2,
  };
}

/** Zoom by `factor` keeping the image point under `anchor` (viewport px) where it is. */
export function zoomAt(view: View, factor: number, anchor: Point, limits: { min: number; max: number }): View {
  const scale = clamp(view.scale * factor, limits.min, limits.max);
  const k = scale / view.scale;
  return { scale, tx: anchor.x - (anchor.x - view.tx) * k, ty: anchor.y - (anchor.y - view.ty) * k };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, tx: view.tx + dx, ty: view.ty + dy };
}

/** Zoom limits: from a quarter of "fit" (or of 1:1 for small images) to 32 screen px per image px. */
export function zoomLimits(fit: View): { min: number; max: number } {
  return { min: Math.min(fit.scale, 1) / 4, max: Math.max(32, fit.scale) };
}

// ---- rectangles -----------------------------------------------------------------------------

/** The part of `rect` inside the image (may have zero size when it lies outside). */
export function clipRect(rect: Rect, bounds: Size): Rect {
  const x1 = clamp(Math.min(rect.x, rect.x + rect.w), 0, bounds.width);
  const y1 = clamp(Math.min(rect.y, rect.y + rect.h), 0, bounds.height);
  const x2 = clamp(Math.max(rect.x, rect.x + rect.w), 0, bounds.width);
  const y2 = clamp(Math.max(rect.y, rect.y + rect.h), 0, bounds.height);
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

export function roundRect(rect: Rect): Rect {
  // Round the edges, not the size, so a box touching the right edge still touches it.
  const x1 = round2(rect.x);
  const y1 = round2(rect.y);
  return { x: x1, y: y1, w: round2(round2(rect.x + rect.w) - x1), h: round2(round2(rect.y + rect.h) - y1) };
}

/** A box as the API wants it: clipped to the image, rounded to 2 decimals; confidence kept. */
export function normalizeBox(box: EditorBox, bounds: Size): EditorBox {
  const rect = roundRect(clipRect(box, bounds));
  const out: EditorBox = { label: box.label, ...rect };
  if (box.confidence !== undefined) out.confidence = box.confidence;
  return out;
}

/** A box after an edit: the new geometry, clipped and rounded, and no model confidence. */
export function editedBox(label: string, rect: Rect, bounds: Size): EditorBox {
  return { label, ...roundRect(clipRect(rect, bounds)) };
}

/** Move by (dx, dy), keeping the size and staying inside the image. */
export function moveRect(rect: Rect, dx: number, dy: number, bounds: Size): Rect {
  const w = Math.min(rect.w, bounds.width);
  const h = Math.min(rect.h, bounds.height);
  return { x: clamp(rect.x + dx, 0, bounds.width - w), y: clamp(rect.y + dy, 0, bounds.height - h), w, h };
}

/**
 * Resize by dragging `handle` by (dx, dy). The dragged edges stop `minSize` before the opposite
 * edges (a box never flips inside out) and at the image border.
 */
export function resizeRect(rect: Rect, handle: Handle, dx: number, dy: number, bounds: Size, minSize = MIN_BOX_SIZE): Rect {
  let left = rect.x;
  let top = rect.y;
  let right = rect.x + rect.w;
  let bottom = rect.y + rect.h;
  if (handle.includes("w")) left = clamp(left + dx, 0, Math.max(0, right - minSize));
  if (handle.includes("e")) right = clamp(right + dx, Math.min(bounds.width, left + minSize), bounds.width);
  if (handle.includes("n")) top = clamp(top + dy, 0, Math.max(0, bottom - minSize));
  if (handle.includes("s")) bottom = clamp(bottom + dy, Math.min(bounds.height, top + minSize), bounds.height);
  return { x: left, y: top, w: right - left, h: bottom - top };
}

/** The rectangle spanned by two points (any direction), clipped to the image. */
export function rectFromPoints(a: Point, b: Point, bounds: Size): Rect {
  return clipRect({ x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y }, bounds);
}

export function isTooSmall(rect: Rect, minSize = MIN_BOX_SIZE): boolean {
  return rect.w < minSize || rect.h < minSize;
}

// ---- handles and hit testing ----------------------------------------------------------------

export function handlePoint(rect: Rect, handle: Handle): Point {
  const x = handle.includes("w") ? rect.x : handle.includes("e") ? rect.x + rect.w : rect.x + rect.w / 2;
  const y = handle.includes("n") ? rect.y : handle.includes("s") ? rect.y + rect.h : rect.y + rect.h / 2;
  return { x, y };
}

export const HANDLE_CURSORS: Record<Handle, string> = {
  nw: "nwse-resize",
  se: "nwse-resize",
  ne: "nesw-resize",
  sw: "nesw-resize",
  n: "ns-resize",
  s: "ns-resize",
  e: "ew-resize",
  w: "ew-resize",
};

export function containsPoint(rect: Rect, p: Point, tolerance = 0): boolean {
  return (
    p.x >= rect.x - tolerance && p.x <= rect.x + rect.w + tolerance &&
    p.y >= rect.y - tolerance && p.y <= rect.y + rect.h + tolerance
  );
}

export type Hit = { kind: "handle"; index: number; handle: Handle } | { kind: "box"; index: number } | { kind: "none" };

/**
 * What is under an image point: a handle of the selected box (within `tolerance` image px) first,
 * then the smallest box containing the point (so a box nested in a bigger one stays reachable).
 */
export function hitTest(boxes: readonly Rect[], p: Point, selected: number | null, tolerance: number): Hit {
  const current = selected === null ? undefined : boxes[selected];
  if (current && selected !== null) {
    let best: { handle: Handle; distance: number } | null = null;
    for (const handle of HANDLES) {
      const h = handlePoint(current, handle);
      const distance = Math.max(Math.abs(h.x - p.x), Math.abs(h.y - p.y));
      if (distance <= tolerance && (!best || distance < best.distance)) best = { handle, distance };
    }
    if (best) return { kind: "handle", index: selected, handle: best.handle };
  }
  let found = -1;
  let foundArea = Infinity;
  boxes.forEach((box, index) => {
    const area = box.w * box.h;
    if (containsPoint(box, p) && (area < foundArea || (area === foundArea && index === selected))) {
      found = index;
      foundArea = area;
    }
  });
  return found >= 0 ? { kind: "box", index: found } : { kind: "none" };
}

/** Next/previous index for Tab cycling; null when the cycle runs off either end. */
export function cycleIndex(current: number | null, count: number, backwards: boolean): number | null {
  if (count === 0) return null;
  if (current === null) return backwards ? count - 1 : 0;
  const next = current + (backwards ? -1 : 1);
  return next < 0 || next >= count ? null : next;
}
