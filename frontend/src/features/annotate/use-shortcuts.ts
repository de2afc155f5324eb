// Page-wide keyboard shortcuts that never fire while the user types (comment field, inputs) or while
// a widget that handles its own keys has already handled the event.
import { useEffect, useRef } from "react";

const NON_TEXT_INPUTS = new Set(["radio", "checkbox", "button", "submit", "reset", "range", "color", "file"]);

/** True when the key goes into a text field: shortcuts must leave it alone. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type);
}

/** True when Enter or Space would press the focused control (a button or a link) by itself. */
export function isPressable(target: EventTarget | null): boolean {
  return target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
}

/**
 * Calls `handler` for each keydown outside text fields; when it returns true the key is consumed
 * (default prevented). The handler may change every render; the listener is attached once.
 */
export function useShortcuts(handler: (event: KeyboardEvent) => boolean, enabled = true) {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || isTyping(event.target)) return;
      if (latest.current(event)) event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}

/** A plain key: no Ctrl, Alt or Meta (Shift is allowed, so "?" and capital letters work). */
export function plain(event: KeyboardEvent): boolean {
  return !event.ctrlKey && !event.altKey && !event.metaKey;
}
