import { describe, expect, it } from "vitest";

import { tickFormatterFor } from "./ticks";

describe("tickFormatterFor", () => {
  it("keeps two decimals for wide ranges and adds decimals for narrow ones", () => {
    expect(tickFormatterFor([0.1, 0.9])(0.5)).toBe("0.50");
    const narrow = tickFormatterFor([0.651, 0.658]);
    expect(new Set([0.65, 0.652, 0.654, 0.656, 0.658].map(narrow)).size).toBe(5);
    expect(tickFormatterFor([0.5, 0.5])(0.5)).toBe("0.5000");
  });
});
