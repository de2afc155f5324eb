import { describe, expect, it } from "vitest";

import { LABEL_TEXT_COLOR, UNKNOWN_LABEL_COLOR, contrastRatio, labelColor } from "./colors";

describe("labelColor", () => {
  const colors = Array.from({ length: 40 }, (_, i) => labelColor(i));

  it("gives each of many labels its own colour", () => {
    expect(new Set(colors).size).toBe(colors.length);
    for (const color of colors) expect(color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it("keeps white label text readable (WCAG AA, 4.5:1) on every colour", () => {
    for (const color of [...colors, UNKNOWN_LABEL_COLOR]) {
      expect(contrastRatio(color, LABEL_TEXT_COLOR), color).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("is stable, and grey for a label outside the list", () => {
    expect(labelColor(0)).toBe(labelColor(0));
    expect(labelColor(-1)).toBe(UNKNOWN_LABEL_COLOR);
  });

  it("computes contrast like WCAG", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
  });
});
