/**
 * Per-label colours. The first ten are hand-picked hues that stay apart for common colour-vision
 * deficiencies; later labels walk the hue circle by the golden angle. Every colour is dark enough
 * for white label text at ≥ 4.5:1 (WCAG AA), which colors.test.ts checks.
 */
const PALETTE = [
  "#1f5fbf", // blue
  "#c0392b", // red
  "#1e7b34", // green
  "#8e44ad", // purple
  "#b35900", // orange
  "#00768a", // teal
  "#c2185b", // magenta
  "#5b6b00", // olive
  "#6d4c41", // brown
  "#455a64", // slate
];

/** Colour for a label that is not in the project's list (e.g. a label since removed). */
export const UNKNOWN_LABEL_COLOR = "#4b5563";

/** Text colour drawn on a label colour. */
export const LABEL_TEXT_COLOR = "#ffffff";

export function labelColor(index: number): string {
  if (!Number.isInteger(index) || index < 0) return UNKNOWN_LABEL_COLOR;
  if (index < PALETTE.length) return PALETTE[index];
  const hue = (index * 137.508) % 360;
  // Yellows and greens look lighter at the same HSL lightness: darken until white text reads well.
  for (let lightness = 0.36; lightness > 0.1; lightness -= 0.02) {
    const color = hslToHex(hue, 0.7, lightness);
    if (contrastRatio(color, LABEL_TEXT_COLOR) >= 4.6) return color;
  }
  return hslToHex(hue, 0.7, 0.1);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255).toString(16).padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
