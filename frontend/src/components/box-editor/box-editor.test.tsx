// Editing with the pointer and the keyboard. The image is 400×300 in an 800×600 viewport: client
// px = image px × 2, so every coordinate below is exact.
import { screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { INITIAL, click, drag, mockLayout, renderEditor, status } from "./test-helpers";

const square = INITIAL[1];

beforeEach(() => {
  mockLayout();
});
afterEach(() => vi.restoreAllMocks());

describe("BoxEditor editing", () => {
  it("shows each box's label and the model's confidence", () => {
    const { container } = renderEditor();
    const captions = [...container.querySelectorAll(".be-box-tag text")].map((t) => t.textContent);
    expect(captions.sort()).toEqual(["circle 91%", "square 60%"]);
    expect(status()).toBe("2 boxes. Tab selects them one by one.");
  });

  it("moves a box by dragging it; the moved box loses its confidence", () => {
    const { canvas, onChange, last } = renderEditor();
    drag(canvas, [60, 80], [100, 130]); // image (30, 40) → (50, 65)
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(last()).toEqual([{ label: "circle", x: 30, y: 45, w: 50, h: 40 }, square]);
    expect(status()).toBe("Box 1 of 2: circle, x 30, y 45, 50 × 40 px");
  });

  it("keeps a moved box inside the image", () => {
    const { canvas, last } = renderEditor();
    drag(canvas, [500, 300], [900, 700]);
    expect(last()?.[1]).toEqual({ label: "square", x: 300, y: 220, w: 100, h: 80 });
  });

  it("resizes the selected box by a corner handle and by an edge handle", () => {
    const { canvas, last, onChange } = renderEditor();
    click(canvas, [60, 80]); // select the circle
    expect(onChange).not.toHaveBeenCalled();
    drag(canvas, [120, 120], [140, 150]); // the se corner (60, 60) → (70, 75)
    expect(last()?.[0]).toEqual({ label: "circle", x: 10, y: 20, w: 60, h: 55 });
    drag(canvas, [20, 95], [0, 95]); // the w edge (10, 47.5) → (0, 47.5)
    expect(last()?.[0]).toEqual({ label: "circle", x: 0, y: 20, w: 70, h: 55 });
  });

  it("does not flip a box inside out when a handle is dragged past the opposite edge", () => {
    const { canvas, last } = renderEditor();
    click(canvas, [60, 80]);
    drag(canvas, [120, 120], [0, 0]); // se corner far past nw
    expect(last()?.[0]).toEqual({ label: "circle", x: 10, y: 20, w: 2, h: 2 });
  });

  it("draws a new box with the current label on empty space", async () => {
    const { canvas, last, user } = renderEditor();
    canvas.focus();
    await user.keyboard("3"); // nothing selected: only picks the label
    drag(canvas, [100, 500], [20, 400]); // image (50, 250) → (10, 200), drawn up-left
    expect(last()).toEqual([...INITIAL, { label: "triangle", x: 10, y: 200, w: 40, h: 50 }]);
    expect(status()).toBe("Box 3 of 3: triangle, x 10, y 200, 40 × 50 px");
  });

  it("draws over a box with the Draw tool", async () => {
    const { canvas, last, user } = renderEditor();
    await user.click(screen.getByRole("button", { name: "Draw" }));
    drag(canvas, [420, 220], [500, 300]); // inside the square
    expect(last()).toHaveLength(3);
    expect(last()?.[2]).toEqual({ label: "circle", x: 210, y: 110, w: 40, h: 40 });
  });

  it("a click on empty space deselects and creates no box; a tiny drag creates none either", () => {
    const { canvas, onChange } = renderEditor();
    click(canvas, [60, 80]);
    expect(status()).toMatch(/^Box 1 of 2/);
    click(canvas, [700, 50]);
    expect(status()).toBe("2 boxes. Tab selects them one by one.");
    drag(canvas, [700, 50], [703, 52]); // 1.5 × 1 image px
    expect(onChange).not.toHaveBeenCalled();
  });

  it("deletes the selected box with Delete, Backspace and the toolbar button", async () => {
    const { canvas, last, user } = renderEditor();
    const deleteButton = screen.getByRole("button", { name: "Delete box" });
    expect(deleteButton).toBeDisabled();
    click(canvas, [60, 80]);
    await user.keyboard("{Delete}");
    expect(last()).toEqual([square]);
    click(canvas, [500, 300]);
    await user.click(screen.getByRole("button", { name: "Delete box" }));
    expect(last()).toEqual([]);
    expect(status()).toBe("No boxes. Drag on the image to draw one.");
    await user.click(screen.getByRole("button", { name: "Undo" }));
    click(canvas, [500, 300]);
    await user.keyboard("{Backspace}");
    expect(last()).toEqual([]);
  });

  it("relabels the selected box with a number key and with the label picker", async () => {
    const { canvas, last, user, onChange } = renderEditor();
    click(canvas, [60, 80]);
    await user.keyboard("3");
    expect(last()).toEqual([{ label: "triangle", x: 10, y: 20, w: 50, h: 40 }, square]);
    await user.click(screen.getByRole("button", { name: "2 square" }));
    expect(last()?.[0]).toEqual({ label: "square", x: 10, y: 20, w: 50, h: 40 });
    expect(screen.getByRole("button", { name: "2 square" })).toHaveAttribute("aria-pressed", "true");
    await user.keyboard("2"); // same label: no edit
    await user.keyboard("9"); // no ninth label
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it("nudges the selected box with the arrow keys (Shift: 10 px)", async () => {
    const { canvas, last, user } = renderEditor();
    click(canvas, [500, 300]);
    await user.keyboard("{ArrowRight}{ArrowRight}{ArrowUp}");
    expect(last()?.[1]).toEqual({ label: "square", x: 202, y: 99, w: 100, h: 80 });
    await user.keyboard("{Shift>}{ArrowDown}{ArrowLeft}{/Shift}");
    expect(last()?.[1]).toEqual({ label: "square", x: 192, y: 109, w: 100, h: 80 });
  });

  it("undoes and redoes the whole history with keys and buttons", async () => {
    const { canvas, last, user } = renderEditor();
    drag(canvas, [60, 80], [100, 130]);
    const moved = last();
    click(canvas, [500, 300]);
    await user.keyboard("{Delete}");
    expect(last()).toHaveLength(1);

    await user.keyboard("{Control>}z{/Control}");
    expect(last()).toEqual(moved);
    await user.keyboard("{Meta>}z{/Meta}");
    expect(last()).toEqual(INITIAL); // confidences are back with the original boxes
    expect(screen.getByRole("button", { name: "Undo" })).toBeDisabled();

    await user.keyboard("{Control>}{Shift>}z{/Shift}{/Control}");
    expect(last()).toEqual(moved);
    await user.keyboard("{Control>}y{/Control}");
    expect(last()).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Redo" })).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect(last()).toEqual(moved);
    await user.click(screen.getByRole("button", { name: "Redo" }));
    expect(last()).toEqual([moved?.[0]]);
  });

  it("cycles boxes with Tab and Shift+Tab, lets the focus leave at the end, and Escape deselects", async () => {
    const { canvas, user } = renderEditor();
    canvas.focus();
    await user.tab();
    expect(status()).toMatch(/^Box 1 of 2/);
    expect(canvas).toHaveFocus();
    await user.tab();
    expect(status()).toMatch(/^Box 2 of 2/);
    await user.keyboard("{Shift>}{Tab}{/Shift}");
    expect(status()).toMatch(/^Box 1 of 2/);
    await user.keyboard("{Escape}");
    expect(status()).toBe("2 boxes. Tab selects them one by one.");
    await user.tab();
    await user.tab();
    await user.tab(); // past the last box: the focus moves on
    expect(canvas).not.toHaveFocus();
  });

  it("marks highlighted boxes", () => {
    const { container } = renderEditor({ highlighted: [1] });
    const highlighted = container.querySelectorAll(".be-box-highlighted");
    expect(highlighted).toHaveLength(1);
    expect(highlighted[0]).toHaveAttribute("data-label", "square");
  });

  it("has a labelled toolbar and keyboard help", () => {
    renderEditor();
    const toolbar = screen.getByRole("toolbar", { name: "Tools: Photo 7" });
    for (const name of ["Select", "Draw", "Pan", "Zoom in", "Zoom out", "Fit to view", "Undo", "Redo", "Delete box"]) {
      expect(within(toolbar).getByRole("button", { name })).toBeInTheDocument();
    }
    expect(within(toolbar).getByRole("button", { name: "1 circle" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByText("Keyboard shortcuts")).toBeInTheDocument();
  });

  it("has a compact toolbar of named icon buttons, the label picker first, that still works", async () => {
    const { user, canvas, last } = renderEditor({ compactToolbar: true });
    const toolbar = screen.getByRole("toolbar", { name: "Tools: Photo 7" });
    const groups = within(toolbar).getAllByRole("group").map((group) => group.getAttribute("aria-label"));
    expect(groups).toEqual(["Label", "Tool", "Zoom", "Edit"]);
    for (const name of ["Select", "Draw", "Pan", "Fit to view", "Undo", "Redo", "Delete box"]) {
      const button = within(toolbar).getByRole("button", { name });
      expect(button.textContent).toBe(""); // an icon, no words to disagree with the name
      expect(button.querySelector("svg[aria-hidden='true']")).not.toBeNull();
    }
    expect(within(toolbar).getByRole("button", { name: "2 square" })).toHaveTextContent("2 square");
    await user.click(within(toolbar).getByRole("button", { name: "Draw" }));
    expect(within(toolbar).getByRole("button", { name: "Draw" })).toHaveAttribute("aria-pressed", "true");
    drag(canvas, [20, 500], [120, 580]);
    expect(last()).toHaveLength(INITIAL.length + 1);
    await user.click(within(toolbar).getByRole("button", { name: "Undo" }));
    expect(last()).toHaveLength(INITIAL.length);
  });

  it("can leave out the keyboard help", () => {
    renderEditor({ showHelp: false });
    expect(screen.queryByText("Keyboard shortcuts")).not.toBeInTheDocument();
  });
});
