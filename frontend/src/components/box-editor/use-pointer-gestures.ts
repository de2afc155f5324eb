/**
 * Pointer gestures of the box editor: move a box, resize it by a handle, draw a new one, pan.
 * Pointer events with pointer capture, so mouse, pen and touch behave the same. While a drag runs,
 * only a cheap preview rectangle changes (at most once per animation frame); the boxes are
 * committed once, on pointerup, from that event's own coordinates.
 */
import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from "react";

import { HANDLE_CURSORS, clientToImage, hitTest, moveRect, rectFromPoints, resizeRect } from "./geometry";
import type { EditorBox, Handle, Point, Rect, Size, Tool, View } from "./types";

/** Screen px a pointer may travel and still count as a click. */
const CLICK_SLOP = 3;
/** Screen px around a handle that grab it. */
export const HANDLE_REACH = 7;

/** A box being moved or resized (`index`), or a new one being drawn (`index` null). */
export type Preview = { index: number | null; rect: Rect };

type Drag = {
  pointerId: number;
  origin: { left: number; top: number };
  startClient: Point;
  lastClient: Point;
  moved: boolean;
  hitIndex: number | null; // the box under the pointer at the start, selected on a plain click
} & (
  | { kind: "move"; index: number; rect: Rect }
  | { kind: "resize"; index: number; rect: Rect; handle: Handle }
  | { kind: "draw" }
  | { kind: "pan" }
);

export type GestureOptions = {
  viewportRef: RefObject<HTMLElement | null>;
  viewRef: RefObject<View>;
  image: Size;
  boxes: readonly EditorBox[];
  selected: number | null;
  tool: Tool;
  readOnly: boolean;
  /** Space held down: every drag pans. */
  panKeyRef: RefObject<boolean>;
  pan: (dx: number, dy: number) => void;
  select: (index: number | null) => void;
  /** A finished move or resize: the new geometry of box `index`. */
  onEditRect: (index: number, rect: Rect) => void;
  /** A finished draw, at least the minimum size (the caller checks). */
  onDrawRect: (rect: Rect) => void;
};

export function usePointerGestures(options: GestureOptions) {
  const latest = useRef(options);
  latest.current = options;
  const drag = useRef<Drag | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const frame = useRef<number | null>(null);
  const pending = useRef<Preview | null>(null);

  const cancelFrame = () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
  };
  useEffect(() => cancelFrame, []);

  const schedulePreview = (next: Preview) => {
    pending.current = next;
    if (typeof requestAnimationFrame === "undefined") {
      setPreview(next);
      return;
    }
    if (frame.current === null) {
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        setPreview(pending.current);
      });
    }
  };

  /** The rectangle a drag gives at client point `client`. */
  const dragRect = (d: Drag, client: Point): Rect | null => {
    const { viewRef, image } = latest.current;
    const view = viewRef.current;
    const start = clientToImage(view, d.startClient, d.origin);
    const now = clientToImage(view, client, d.origin);
    const dx = now.x - start.x;
    const dy = now.y - start.y;
    if (d.kind === "move") return moveRect(d.rect, dx, dy, image);
    if (d.kind === "resize") return resizeRect(d.rect, d.handle, dx, dy, image);
    if (d.kind === "draw") return rectFromPoints(start, now, image);
    return null;
  };

  const onPointerDown = useCallback((event: ReactPointerEvent<HTMLElement>) => {
    const { viewportRef, viewRef, boxes, selected, tool, readOnly, panKeyRef, select } = latest.current;
    const element = viewportRef.current;
    if (!element || drag.current) return;
    if (event.button !== 0 && event.button !== 1) return; // right-click keeps the browser's menu
    event.preventDefault(); // no text selection or native image drag
    element.focus({ preventScroll: true });
    const bounds = element.getBoundingClientRect();
    const origin = { left: bounds.left, top: bounds.top };
    const client = { x: event.clientX, y: event.clientY };
    const view = viewRef.current;
    const point = clientToImage(view, client, origin);
    const hit = hitTest(boxes, point, selected, HANDLE_REACH / view.scale);
    const hitIndex = hit.kind === "none" ? null : hit.index;
    const base = { pointerId: event.pointerId, origin, startClient: client, lastClient: client, moved: false, hitIndex };

    if (event.button === 1 || tool === "pan" || panKeyRef.current || readOnly) {
      drag.current = { ...base, kind: "pan" };
    } else if (hit.kind === "handle") {
      drag.current = { ...base, kind: "resize", index: hit.index, handle: hit.handle, rect: boxes[hit.index] };
    } else if (hit.kind === "box" && tool === "select") {
      select(hit.index);
      drag.current = { ...base, kind: "move", index: hit.index, rect: boxes[hit.index] };
    } else {
      drag.current = { ...base, kind: "draw" };
    }
    element.setPointerCapture?.(event.pointerId);
    element.classList.toggle("be-panning", drag.current.kind === "pan");
  }, []);

  const onPointerMove = useCallback((event: ReactPointerEvent<HTMLElement>) => {
    const d = drag.current;
    const client = { x: event.clientX, y: event.clientY };
    if (!d) {
      updateHoverCursor(latest.current, client);
      return;
    }
    if (event.pointerId !== d.pointerId) return;
    if (!d.moved && Math.hypot(client.x - d.startClient.x, client.y - d.startClient.y) < CLICK_SLOP) return;
    d.moved = true;
    if (d.kind === "pan") {
      latest.current.pan(client.x - d.lastClient.x, client.y - d.lastClient.y);
      d.lastClient = client;
      return;
    }
    const rect = dragRect(d, client);
    if (rect) schedulePreview({ index: d.kind === "draw" ? null : d.index, rect });
  }, []);

  const finish = (event: ReactPointerEvent<HTMLElement>, commit: boolean) => {
    const d = drag.current;
    if (!d || event.pointerId !== d.pointerId) return;
    drag.current = null;
    cancelFrame();
    pending.current = null;
    setPreview(null);
    const element = latest.current.viewportRef.current;
    element?.classList.remove("be-panning");
    if (element?.hasPointerCapture?.(event.pointerId)) element.releasePointerCapture(event.pointerId);
    if (!commit) return;
    const { select, onEditRect, onDrawRect } = latest.current;
    const client = { x: event.clientX, y: event.clientY };
    const moved = d.moved || Math.hypot(client.x - d.startClient.x, client.y - d.startClient.y) >= CLICK_SLOP;
    if (!moved) {
      // A click: select what is under the pointer, or deselect on empty space (never a box).
      if (d.kind !== "resize") select(d.hitIndex);
      return;
    }
    if (d.kind === "pan") {
      latest.current.pan(client.x - d.lastClient.x, client.y - d.lastClient.y);
      return;
    }
    const rect = dragRect(d, client);
    if (!rect) return;
    if (d.kind === "draw") onDrawRect(rect);
    else onEditRect(d.index, rect);
  };

  const onPointerUp = useCallback((event: ReactPointerEvent<HTMLElement>) => finish(event, true), []);
  const onPointerCancel = useCallback((event: ReactPointerEvent<HTMLElement>) => finish(event, false), []);

  return { preview, handlers: { onPointerDown, onPointerMove, onPointerUp, onPointerCancel } };
}

/** The cursor tells what a press will do: resize, move, draw or pan. Set on the element, no render. */
function updateHoverCursor(options: GestureOptions, client: Point) {
  const { viewportRef, viewRef, boxes, selected, tool, readOnly, panKeyRef } = options;
  const element = viewportRef.current;
  if (!element) return;
  let cursor = "crosshair";
  if (readOnly || tool === "pan" || panKeyRef.current) {
    cursor = "grab";
  } else {
    const bounds = element.getBoundingClientRect();
    const view = viewRef.current;
    const hit = hitTest(boxes, clientToImage(view, client, bounds), selected, HANDLE_REACH / view.scale);
    if (hit.kind === "handle") cursor = HANDLE_CURSORS[hit.handle];
    else if (hit.kind === "box" && tool === "select") cursor = "move";
  }
  if (element.style.cursor !== cursor) element.style.cursor = cursor;
}
