/**
 * Zoom and pan of the box editor: the image → viewport mapping (View), fitted to the viewport on
 * mount and on resize until the user zooms or pans, and the wheel zoom around the cursor.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";

import { fitView, panBy, zoomAt, zoomLimits } from "./geometry";
import type { Point, Size, View } from "./types";

export const ZOOM_STEP = 1.25;

export type ViewControls = {
  view: View;
  /** The latest view, for event handlers that must not wait for a render. */
  viewRef: RefObject<View>;
  fit: () => void;
  zoomBy: (factor: number, anchor?: Point) => void;
  pan: (dx: number, dy: number) => void;
};

export function useView(viewportRef: RefObject<HTMLElement | null>, image: Size): ViewControls {
  const [view, setViewState] = useState<View>({ scale: 1, tx: 0, ty: 0 });
  const viewRef = useRef(view);
  // Follow the viewport's size while the user has not zoomed or panned.
  const fittedRef = useRef(true);
  const { width, height } = image;

  const setView = useCallback((next: View) => {
    viewRef.current = next;
    setViewState(next);
  }, []);

  const viewportSize = useCallback((): Size => {
    const rect = viewportRef.current?.getBoundingClientRect();
    return { width: rect?.width ?? 0, height: rect?.height ?? 0 };
  }, [viewportRef]);

  const fit = useCallback(() => {
    fittedRef.current = true;
    setView(fitView({ width, height }, viewportSize()));
  }, [width, height, viewportSize, setView]);

  const zoomBy = useCallback(
    (factor: number, anchor?: Point) => {
      const size = viewportSize();
      const limits = zoomLimits(fitView({ width, height }, size));
      fittedRef.current = false;
      setView(zoomAt(viewRef.current, factor, anchor ?? { x: size.width / 2, y: size.height / 2 }, limits));
    },
    [width, height, viewportSize, setView],
  );

  const pan = useCallback(
    (dx: number, dy: number) => {
      fittedRef.current = false;
      setView(panBy(viewRef.current, dx, dy));
    },
    [setView],
  );

  useLayoutEffect(() => {
    fit();
    const element = viewportRef.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (fittedRef.current) fit();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [fit, viewportRef]);

  // A native, non-passive listener: React's onWheel is passive, and the page must not scroll while zooming.
  useEffect(() => {
    const element = viewportRef.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const lines = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
      const rect = element.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * lines * 0.0015);
      zoomBy(factor, { x: event.clientX - rect.left, y: event.clientY - rect.top });
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, [viewportRef, zoomBy]);

  return { view, viewRef, fit, zoomBy, pan };
}
