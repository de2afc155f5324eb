import { vi } from "vitest";

/** recharts' ResponsiveContainer measures its box; jsdom has no layout, so give it one. */
export function mockChartSize(width = 800, height = 300) {
  const original = HTMLElement.prototype.getBoundingClientRect;
  return vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (this: HTMLElement) {
    if (this.classList.contains("recharts-responsive-container")) {
      return { width, height, top: 0, left: 0, right: width, bottom: height, x: 0, y: 0, toJSON: () => ({}) } as DOMRect;
    }
    return original.call(this);
  });
}
