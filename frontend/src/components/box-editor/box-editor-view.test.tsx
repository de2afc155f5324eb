// Zoom, pan, read-only mode and keyboard scoping. The viewport is 800×600 and the image 400×300:
// "fit" is scale 2 at offset (0, 0); each zoom step is ×1.25 around the viewport's centre.
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { BoxEditor } from "./box-editor";
import { INITIAL, LABELS, click, drag, mockLayout, renderEditor, status } from "./test-helpers";

const zoomText = () => document.querySelector(".be-zoom")?.textContent;

beforeEach(() => {
  mockLayout();
});
afterEach(() => vi.restoreAllMocks());

describe("BoxEditor zoom and pan", () => {
  it("fits the image on mount and maps every layer with the same transform", () => {
    const { container } = renderEditor();
    expect(zoomText()).toBe("200%");
    expect(container.querySelector(".be-overlay g")).toHaveAttribute("transform", "matrix(2 0 0 2 0 0)");
    expect((container.querySelector("img.be-image") as HTMLImageElement).style.transform).toBe("matrix(2, 0, 0, 2, 0, 0)");
  });

  it("keeps coordinates exact after zooming in with the keyboard", async () => {
    const { canvas, last, user, container } = renderEditor();
    canvas.focus();
    await user.keyboard("+"); // scale 2.5, offset (-100, -75)
    expect(zoomText()).toBe("250%");
    expect(container.querySelector(".be-overlay g")).toHaveAttribute("transform", "matrix(2.5 0 0 2.5 -100 -75)");
    // square's inside point (250, 140) is at client (525, 275); drag it 26 client px = 10.4 image px
    drag(canvas, [525, 275], [551, 301]);
    expect(last()?.[1]).toEqual({ label: "square", x: 210.4, y: 110.4, w: 100, h: 80 });
  });

  it("rounds to two decimals at any zoom", async () => {
    const { canvas, last, user } = renderEditor();
    canvas.focus();
    await user.keyboard("++"); // scale 3.125, offset (-225, -168.75)
    // square's (250, 140) is at client (556.25, 268.75); 4 client px right = 1.28 image px
    drag(canvas, [556.25, 268.75], [560.25, 268.75]);
    expect(last()?.[1]).toEqual({ label: "square", x: 201.28, y: 100, w: 100, h: 80 });
    await user.keyboard("-"); // back to 2.5
    expect(zoomText()).toBe("250%");
  });

  it("zooms with the buttons and fits again with 0 and the Fit button", async () => {
    const { canvas, user } = renderEditor();
    await user.click(screen.getByRole("button", { name: "Zoom in" }));
    await user.click(screen.getByRole("button", { name: "Zoom in" }));
    expect(zoomText()).toBe("313%");
    await user.click(screen.getByRole("button", { name: "Zoom out" }));
    expect(zoomText()).toBe("250%");
    await user.click(screen.getByRole("button", { name: "Fit to view" }));
    expect(zoomText()).toBe("200%");
    canvas.focus();
    await user.keyboard("+0");
    expect(zoomText()).toBe("200%");
  });

  it("zooms with the wheel around the pointer", () => {
    const { canvas, container } = renderEditor();
    fireEvent.wheel(canvas, { deltaY: -100, clientX: 200, clientY: 100 }); // over image point (100, 50)
    const [scale, , , , tx, ty] = container.querySelector(".be-overlay g")!.getAttribute("transform")!.match(/-?[\d.]+/g)!.map(Number);
    expect(scale).toBeGreaterThan(2);
    expect((200 - tx) / scale).toBeCloseTo(100, 9);
    expect((100 - ty) / scale).toBeCloseTo(50, 9);
    fireEvent.wheel(canvas, { deltaY: 5000, clientX: 200, clientY: 100 });
    expect(zoomText()).toBe("25%"); // the lower limit: a quarter of 1:1
  });

  it("pans with Space+drag and with the Pan tool without editing, and edits stay exact after panning", async () => {
    const { canvas, onChange, last, user, container } = renderEditor();
    canvas.focus();
    await user.keyboard("{ }>"); // hold space
    await user.keyboard("{ >}");
    drag(canvas, [500, 300], [540, 320]);
    await user.keyboard("{/ }");
    expect(onChange).not.toHaveBeenCalled();
    expect(container.querySelector(".be-overlay g")).toHaveAttribute("transform", "matrix(2 0 0 2 40 20)");

    await user.click(screen.getByRole("button", { name: "Pan" }));
    drag(canvas, [500, 300], [480, 310]);
    expect(container.querySelector(".be-overlay g")).toHaveAttribute("transform", "matrix(2 0 0 2 20 30)");
    expect(onChange).not.toHaveBeenCalled();

    await user.click(screen.getByRole("button", { name: "Select" }));
    // square's (250, 140) is now at client (520, 310)
    drag(canvas, [520, 310], [530, 300]);
    expect(last()?.[1]).toEqual({ label: "square", x: 205, y: 95, w: 100, h: 80 });
  });

  it("pans with a middle-button drag", () => {
    const { canvas, container, onChange } = renderEditor();
    drag(canvas, [500, 300], [520, 300], { button: 1, buttons: 4 });
    expect(container.querySelector(".be-overlay g")).toHaveAttribute("transform", "matrix(2 0 0 2 20 0)");
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe("BoxEditor read-only and focus", () => {
  it("read-only: shows boxes, selects and zooms, but never edits", async () => {
    const { canvas, onChange, user, container } = renderEditor({ readOnly: true });
    expect(screen.queryByRole("button", { name: "Delete box" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Undo" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Draw" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Zoom in" })).toBeInTheDocument();
    click(canvas, [60, 80]);
    expect(status()).toMatch(/^Box 1 of 2: circle/);
    expect(container.querySelectorAll(".be-handle")).toHaveLength(0);
    await user.keyboard("{Delete}3{ArrowRight}{Control>}z{/Control}");
    drag(canvas, [60, 80], [100, 130]); // pans instead of moving
    drag(canvas, [700, 50], [760, 150]); // no box drawn
    expect(onChange).not.toHaveBeenCalled();
    expect(container.querySelectorAll(".be-box")).toHaveLength(2);
  });

  it("takes keys only while it has focus", async () => {
    const onChange = vi.fn();
    const user = userEvent.setup();
    const pageKeys = vi.fn();
    render(
      <div onKeyDown={pageKeys}>
        <label>
          Note <input />
        </label>
        <BoxEditor imageUrl="/p.png" width={400} height={300} labels={LABELS} initialBoxes={INITIAL} onChange={onChange} />
      </div>,
    );
    const canvas = screen.getByRole("application", { name: "Image with boxes" });
    click(canvas, [60, 80]);
    await user.click(screen.getByLabelText("Note"));
    await user.keyboard("3{Delete}{Backspace}+");
    expect(screen.getByLabelText("Note")).toHaveValue("+"); // typed into the field, Backspace included
    expect(onChange).not.toHaveBeenCalled();
    expect(zoomText()).toBe("200%");
    expect(pageKeys).toHaveBeenCalled(); // the page still gets its keys

    await user.click(screen.getByRole("button", { name: "Undo" })); // disabled: no edits yet
    canvas.focus();
    await user.keyboard("{Delete}");
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("focuses itself with autoFocus", () => {
    const { canvas } = renderEditor({ autoFocus: true });
    expect(canvas).toHaveFocus();
  });

  it("says so when the image cannot be loaded", () => {
    const { container } = renderEditor();
    fireEvent.error(container.querySelector("img.be-image")!);
    expect(screen.getByRole("alert")).toHaveTextContent("The image could not be loaded.");
  });

  it("clips and rounds initial boxes, and reloads them when remounted with another key", () => {
    const onChange = vi.fn();
    const outside = [{ label: "circle", x: -5, y: 290.123, w: 30, h: 30 }];
    const { rerender, container } = render(
      <BoxEditor key="a" imageUrl="/a.png" width={400} height={300} labels={LABELS} initialBoxes={INITIAL} onChange={onChange} />,
    );
    expect(container.querySelectorAll(".be-box")).toHaveLength(2);
    rerender(<BoxEditor key="b" imageUrl="/b.png" width={400} height={300} labels={LABELS} initialBoxes={outside} onChange={onChange} />);
    expect(container.querySelectorAll(".be-box")).toHaveLength(1);
    const canvas = screen.getByRole("application");
    click(canvas, [20, 590]);
    expect(status()).toBe("Box 1 of 1: circle, x 0, y 290.12, 25 × 9.88 px");
  });
});
