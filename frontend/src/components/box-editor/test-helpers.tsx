// Test helpers for the box editor: jsdom has no layout and no PointerEvent, so the viewport gets a
// fixed bounding rect and pointer events get a minimal PointerEvent class carrying clientX/Y.
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";

import { BoxEditor, type BoxEditorProps } from "./box-editor";
import type { EditorBox } from "./types";

if (typeof window.PointerEvent === "undefined") {
  class PointerEventStub extends MouseEvent {
    readonly pointerId: number;
    readonly pointerType: string;
    constructor(type: string, init: PointerEventInit = {}) {
      super(type, init);
      this.pointerId = init.pointerId ?? 1;
      this.pointerType = init.pointerType ?? "mouse";
    }
  }
  window.PointerEvent = PointerEventStub as unknown as typeof PointerEvent;
}

/** Every element measures 800×600 at the page origin: a 400×300 image fits at scale 2 exactly. */
export function mockLayout(rect = { left: 0, top: 0, width: 800, height: 600 }) {
  const domRect = { ...rect, x: rect.left, y: rect.top, right: rect.left + rect.width, bottom: rect.top + rect.height };
  return vi.spyOn(Element.prototype, "getBoundingClientRect").mockReturnValue({ ...domRect, toJSON: () => domRect } as DOMRect);
}

export const LABELS = ["circle", "square", "triangle"];
export const INITIAL: EditorBox[] = [
  { label: "circle", x: 10, y: 20, w: 50, h: 40, confidence: 0.91 },
  { label: "square", x: 200, y: 100, w: 100, h: 80, confidence: 0.6 },
];

export function renderEditor(props: Partial<BoxEditorProps> = {}) {
  const onChange = vi.fn<(boxes: EditorBox[]) => void>();
  const user = userEvent.setup();
  const view = render(
    <BoxEditor
      imageUrl="/photo.png"
      width={400}
      height={300}
      labels={LABELS}
      initialBoxes={INITIAL}
      onChange={onChange}
      ariaLabel="Photo 7"
      {...props}
    />,
  );
  const canvas = screen.getByRole("application", { name: "Photo 7" });
  /** The boxes of the latest onChange call. */
  const last = () => onChange.mock.calls.at(-1)?.[0];
  return { ...view, onChange, user, canvas, last };
}

type Pt = [number, number];
const at = ([clientX, clientY]: Pt, extra: PointerEventInit = {}) => ({ clientX, clientY, pointerId: 1, button: 0, buttons: 1, ...extra });

/** A pointer drag in client px, with intermediate moves like a real one. */
export function drag(element: Element, from: Pt, to: Pt, extra: PointerEventInit = {}) {
  fireEvent.pointerDown(element, at(from, extra));
  fireEvent.pointerMove(element, at([(from[0] + to[0]) / 2, (from[1] + to[1]) / 2], extra));
  fireEvent.pointerMove(element, at(to, extra));
  fireEvent.pointerUp(element, at(to, { ...extra, buttons: 0 }));
}

export function click(element: Element, point: Pt) {
  fireEvent.pointerDown(element, at(point));
  fireEvent.pointerUp(element, at(point, { buttons: 0 }));
}

export const status = () => document.querySelector(".be-status")?.textContent ?? "";
