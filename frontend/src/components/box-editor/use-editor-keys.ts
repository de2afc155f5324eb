/**
 * Keyboard shortcuts of the box editor. The handlers sit on the editor's own element, so keys act
 * only while the editor has focus and never reach for the page's; keys typed into a form field or
 * meant for a focused button (Space, Enter) are left alone.
 */
import { useCallback, useRef, type KeyboardEvent, type RefObject } from "react";

import { cycleIndex } from "./geometry";
import type { Tool } from "./types";

export type KeyActions = {
  labels: readonly string[];
  boxCount: number;
  selected: number | null;
  readOnly: boolean;
  select: (index: number | null) => void;
  chooseLabel: (label: string) => void;
  deleteSelected: () => void;
  nudge: (dx: number, dy: number) => void;
  undo: () => void;
  redo: () => void;
  zoomIn: () => void;
  zoomOut: () => void;
  fit: () => void;
  setTool: (tool: Tool) => void;
};

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

const TOOL_KEYS: Record<string, Tool> = { v: "select", d: "draw", h: "pan" };

export function useEditorKeys(actions: KeyActions, canvasRef: RefObject<HTMLElement | null>, panKeyRef: RefObject<boolean>) {
  const latest = useRef(actions);
  latest.current = actions;

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      const a = latest.current;
      const target = event.target as HTMLElement;
      if (target.closest("input, textarea, select, [contenteditable='true']")) return;
      const onControl = target.closest("button, summary, a") !== null;
      const key = event.key;
      const handled = () => event.preventDefault();

      if (event.ctrlKey || event.metaKey) {
        if (event.altKey || a.readOnly) return;
        const lower = key.toLowerCase();
        if (lower === "z") {
          if (event.shiftKey) a.redo();
          else a.undo();
          handled();
        } else if (lower === "y") {
          a.redo();
          handled();
        }
        return;
      }
      if (event.altKey) return;

      if (key === "Tab") {
        // Cycle through the boxes; past the last (or before the first) the focus moves on as usual,
        // so the editor is never a keyboard trap.
        if (target !== canvasRef.current) return;
        const next = cycleIndex(a.selected, a.boxCount, event.shiftKey);
        a.select(next);
        if (next !== null) handled();
        return;
      }
      if (key === "Escape") {
        if (a.selected !== null) {
          a.select(null);
          handled();
        }
        return;
      }
      if (key === "+" || key === "=") return (a.zoomIn(), handled());
      if (key === "-" || key === "_") return (a.zoomOut(), handled());
      if (key === "0") return (a.fit(), handled());
      if (key === " ") {
        if (onControl) return;
        panKeyRef.current = true;
        canvasRef.current?.classList.add("be-pan-key");
        return handled();
      }
      if (a.readOnly) return;

      if ((key === "Delete" || key === "Backspace") && a.selected !== null) return (a.deleteSelected(), handled());
      if (key in ARROWS && a.selected !== null) {
        const step = event.shiftKey ? 10 : 1;
        const [dx, dy] = ARROWS[key];
        return (a.nudge(dx * step, dy * step), handled());
      }
      if (/^[1-9]$/.test(key)) {
        const label = a.labels[Number(key) - 1];
        if (label !== undefined) {
          a.chooseLabel(label);
          handled();
        }
        return;
      }
      const tool = TOOL_KEYS[key.toLowerCase()];
      if (tool && !event.shiftKey) {
        a.setTool(tool);
        handled();
      }
    },
    [canvasRef, panKeyRef],
  );

  const releasePanKey = useCallback(() => {
    panKeyRef.current = false;
    canvasRef.current?.classList.remove("be-pan-key");
  }, [canvasRef, panKeyRef]);

  const onKeyUp = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      if (event.key === " ") releasePanKey();
    },
    [releasePanKey],
  );

  return { onKeyDown, onKeyUp, onBlur: releasePanKey };
}
