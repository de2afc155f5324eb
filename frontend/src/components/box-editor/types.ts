/** A box in image pixels. `confidence` is the model's; an edited box loses it. */
export type EditorBox = { label: string; x: number; y: number; w: number; h: number; confidence?: number };

export type Point = { x: number; y: number };
export type Rect = { x: number; y: number; w: number; h: number };
export type Size = { width: number; height: number };

/** The eight resize handles: corners and edge midpoints, named by compass direction. */
export type Handle = "nw" | "n" | "ne" | "e" | "se" | "s" | "sw" | "w";

/**
 * Image → viewport mapping: screen = image × scale + (tx, ty), in CSS pixels from the viewport's
 * top-left corner. One uniform scale, so a box stays exact at any zoom.
 */
export type View = { scale: number; tx: number; ty: number };

export type Tool = "select" | "draw" | "pan";
