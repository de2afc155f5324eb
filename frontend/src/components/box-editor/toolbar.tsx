/** The box editor's toolbar: tool, label picker with number keys, zoom, undo/redo, delete. */
import { colorOf } from "./box-shapes";
import type { Tool } from "./types";

type Props = {
  /** Names the toolbar after its editor: a page may show several. */
  name: string;
  readOnly: boolean;
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

export function Toolbar(props: Props) {
  const { readOnly, tool, onTool, labels, currentLabel, onLabel } = props;
  return (
    <div className="be-toolbar" role="toolbar" aria-label={`Tools: ${props.name}`}>
      {!readOnly && (
        <div className="be-group" role="group" aria-label="Tool">
          {TOOLS.map((t) => (
            <button
              key={t.tool}
              type="button"
              className="be-btn"
              aria-pressed={tool === t.tool}
              title={`${t.name} (${t.key})`}
              onClick={() => onTool(t.tool)}
            >
              {t.name}
            </button>
          ))}
        </div>
      )}
      {!readOnly && labels.length > 0 && (
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
      )}
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
        <button type="button" className="be-btn" aria-label="Fit to view" title="Fit to view (0)" onClick={props.onFit}>
          Fit
        </button>
      </div>
      {!readOnly && (
        <div className="be-group" role="group" aria-label="Edit">
          <button type="button" className="be-btn" onClick={props.onUndo} disabled={!props.canUndo} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" className="be-btn" onClick={props.onRedo} disabled={!props.canRedo} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <button
            type="button"
            className="be-btn be-danger"
            onClick={props.onDelete}
            disabled={!props.canDelete}
            aria-label="Delete box"
            title="Delete the selected box (Del)"
          >
            Delete
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
