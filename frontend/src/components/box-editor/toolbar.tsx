/**
 * The box editor's toolbar: tool, label picker with number keys, zoom, undo/redo, delete.
 * `compact` (for narrow panels) shows icons instead of words on the tool, fit and edit buttons, each
 * still named by aria-label and title, and puts the label picker first, so that when the toolbar wraps
 * the row next to the image holds the zoom like a read-only editor's toolbar.
 */
import type { ReactNode } from "react";

import { colorOf } from "./box-shapes";
import { ToolIcon, type IconName } from "./icons";
import type { Tool } from "./types";

type Props = {
  /** Names the toolbar after its editor: a page may show several. */
  name: string;
  readOnly: boolean;
  compact: boolean;
  tool: Tool;
  onTool: (tool: Tool) => void;
  labels: readonly string[];
  currentLabel: string;
  onLabel: (label: string) => void;
  zoomPercent: number;
  onZoomIn: () => void;
  onZoomOut: () => void;
  onFit: () => void;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  canDelete: boolean;
  onDelete: () => void;
};

const TOOLS: { tool: Tool; name: string; key: string }[] = [
  { tool: "select", name: "Select", key: "V" },
  { tool: "draw", name: "Draw", key: "D" },
  { tool: "pan", name: "Pan", key: "H" },
];

type ToolButtonProps = {
  /** The accessible name; also the visible text unless compact. */
  name: string;
  icon: IconName;
  compact: boolean;
  title: string;
  onClick: () => void;
  className?: string;
  pressed?: boolean;
  disabled?: boolean;
};

/** A button that shows its name, or in a compact toolbar an icon named by aria-label. */
function ToolButton({ name, icon, compact, title, onClick, className, pressed, disabled }: ToolButtonProps) {
  return (
    <button
      type="button"
      className={["be-btn", compact && "be-icon", className].filter(Boolean).join(" ")}
      aria-label={compact ? name : undefined}
      aria-pressed={pressed}
      title={title}
      disabled={disabled}
      onClick={onClick}
    >
      {compact ? <ToolIcon name={icon} /> : name}
    </button>
  );
}

export function Toolbar(props: Props) {
  const { readOnly, compact, tool, onTool, labels, currentLabel, onLabel } = props;
  const labelGroup: ReactNode = !readOnly && labels.length > 0 && (
    <div className="be-group be-labels" role="group" aria-label="Label">
      {labels.map((label, index) => (
        <button
          key={label}
          type="button"
          className="be-btn be-label-btn"
          aria-pressed={label === currentLabel}
          title={index < 9 ? `Label ${label} (key ${index + 1})` : `Label ${label}`}
          onClick={() => onLabel(label)}
        >
          <span className="be-swatch" style={{ background: colorOf(labels, label) }} aria-hidden="true" />
          {index < 9 && <kbd>{index + 1}</kbd>} {label}
        </button>
      ))}
    </div>
  );
  const className = ["be-toolbar", compact && "be-toolbar-compact"].filter(Boolean).join(" ");
  return (
    <div className={className} role="toolbar" aria-label={`Tools: ${props.name}`}>
      {compact && labelGroup}
      {!readOnly && (
        <div className="be-group" role="group" aria-label="Tool">
          {TOOLS.map((t) => (
            <ToolButton
              key={t.tool}
              name={t.name}
              icon={t.tool}
              compact={compact}
              pressed={tool === t.tool}
              title={`${t.name} (${t.key})`}
              onClick={() => onTool(t.tool)}
            />
          ))}
        </div>
      )}
      {!compact && labelGroup}
      <div className="be-group" role="group" aria-label="Zoom">
        <button type="button" className="be-btn be-icon" aria-label="Zoom out" title="Zoom out (−)" onClick={props.onZoomOut}>
          −
        </button>
        <span className="be-zoom" aria-live="polite">
          {props.zoomPercent}%
        </span>
        <button type="button" className="be-btn be-icon" aria-label="Zoom in" title="Zoom in (+)" onClick={props.onZoomIn}>
          +
        </button>
        {compact ? (
          <ToolButton name="Fit to view" icon="fit" compact title="Fit to view (0)" onClick={props.onFit} />
        ) : (
          // The visible word is short; the name says what it does and starts with it.
          <button type="button" className="be-btn" aria-label="Fit to view" title="Fit to view (0)" onClick={props.onFit}>
            Fit
          </button>
        )}
      </div>
      {!readOnly && (
        <div className="be-group" role="group" aria-label="Edit">
          <ToolButton name="Undo" icon="undo" compact={compact} title="Undo (Ctrl+Z)" onClick={props.onUndo} disabled={!props.canUndo} />
          <ToolButton name="Redo" icon="redo" compact={compact} title="Redo (Ctrl+Shift+Z)" onClick={props.onRedo} disabled={!props.canRedo} />
          <button
            type="button"
            className={compact ? "be-btn be-icon be-danger" : "be-btn be-danger"}
            onClick={props.onDelete}
            disabled={!props.canDelete}
            aria-label="Delete box"
            title="Delete the selected box (Del)"
          >
            {compact ? <ToolIcon name="delete" /> : "Delete"}
          </button>
        </div>
      )}
    </div>
  );
}

export function KeyboardHelp({ readOnly }: { readOnly: boolean }) {
  return (
    <details className="be-help">
      <summary>Keyboard shortcuts</summary>
      <ul>
        <li><kbd>Tab</kbd> / <kbd>Shift</kbd>+<kbd>Tab</kbd> select the next / previous box; <kbd>Esc</kbd> deselects</li>
        {!readOnly && (
          <>
            <li>Drag on empty space to draw a box with the current label; drag a box to move it, a handle to resize it</li>
            <li><kbd>1</kbd>–<kbd>9</kbd> choose the label (and relabel the selected box)</li>
            <li><kbd>←</kbd><kbd>↑</kbd><kbd>→</kbd><kbd>↓</kbd> move the selected box 1 px (<kbd>Shift</kbd>: 10 px)</li>
            <li><kbd>Del</kbd> / <kbd>Backspace</kbd> delete the selected box</li>
            <li><kbd>Ctrl</kbd>+<kbd>Z</kbd> undo, <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Z</kbd> or <kbd>Ctrl</kbd>+<kbd>Y</kbd> redo (<kbd>⌘</kbd> on a Mac)</li>
            <li><kbd>V</kbd> select, <kbd>D</kbd> draw (even over boxes), <kbd>H</kbd> pan</li>
          </>
        )}
        <li><kbd>+</kbd> / <kbd>−</kbd> zoom, <kbd>0</kbd> fit; mouse wheel zooms at the pointer</li>
        <li>Hold <kbd>Space</kbd> and drag, or drag with the middle button, to pan</li>
      </ul>
    </details>
  );
}
