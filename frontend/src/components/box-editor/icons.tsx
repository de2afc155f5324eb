/**
 * Line icons for the compact toolbar. Decorative: the button around each one carries the name
 * (aria-label), and the icon itself is hidden from assistive technology.
 */
import type { ReactNode } from "react";

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      className="be-svg-icon"
      viewBox="0 0 20 20"
      width="18"
      height="18"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.7"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export type IconName = "select" | "draw" | "pan" | "undo" | "redo" | "delete" | "fit";

const PATHS: Record<IconName, ReactNode> = {
  // a mouse pointer
  select: <path d="M5 3l10 7-4.5 1L13 16.5l-2 1-2.5-5.5L5 15z" />,
  // a dashed box with a plus at its corner
  draw: (
    <>
      <path d="M3 6V3h3M9 3h2M3 9v2M3 14v3h3M9 17h2M14 3h3v3M17 9v2" />
      <path d="M15 12v6M12 15h6" />
    </>
  ),
  // four arrows: move the view
  pan: <path d="M10 2v16M2 10h16M7.5 4.5L10 2l2.5 2.5M7.5 15.5L10 18l2.5-2.5M4.5 7.5L2 10l2.5 2.5M15.5 7.5L18 10l-2.5 2.5" />,
  undo: <path d="M7 4L3 8l4 4M3 8h9a5 5 0 010 10H8" />,
  redo: <path d="M13 4l4 4-4 4M17 8H8a5 5 0 000 10h4" />,
  delete: <path d="M3 5h14M8 5V3h4v2M5 5l1 12h8l1-12M8.5 8.5v5.5M11.5 8.5v5.5" />,
  // four corners: fit the whole image
  fit: <path d="M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4" />,
};

export function ToolIcon({ name }: { name: IconName }) {
  return <Icon>{PATHS[name]}</Icon>;
}
