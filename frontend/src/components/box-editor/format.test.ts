import { describe, expect, it } from "vitest";

import { boxCaption } from "./box-shapes";
import { formatConfidence } from "./format";

describe("formatConfidence", () => {
  it("writes one decimal below 10 % and whole percents above", () => {
    expect(formatConfidence(0.004)).toBe("0.4%");
    expect(formatConfidence(0.0449)).toBe("4.5%");
    expect(formatConfidence(0.099)).toBe("9.9%");
    expect(formatConfidence(0.1)).toBe("10%");
    expect(formatConfidence(0.834)).toBe("83%");
    expect(formatConfidence(1)).toBe("100%");
  });

  it("rounds up to 10 % without a decimal, and keeps a tiny confidence above zero", () => {
    expect(formatConfidence(0.09996)).toBe("10%");
    expect(formatConfidence(0.0001)).toBe("<0.1%");
    expect(formatConfidence(0)).toBe("0%");
  });
});

describe("boxCaption", () => {
  it("adds the model's confidence as a percent, and nothing for an edited box", () => {
    expect(boxCaption({ label: "circle", x: 0, y: 0, w: 1, h: 1, confidence: 0.004 })).toBe("circle 0.4%");
    expect(boxCaption({ label: "circle", x: 0, y: 0, w: 1, h: 1, confidence: 0.83 })).toBe("circle 83%");
    expect(boxCaption({ label: "square", x: 0, y: 0, w: 1, h: 1 })).toBe("square");
  });
});
