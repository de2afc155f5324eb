/**
 * BoxEditor: draw, select, move, resize, relabel and delete bounding boxes on an image, with zoom,
 * pan and undo/redo. Boxes are kept and reported in image pixels; what is on screen is one
 * image → viewport mapping (View), applied to both layers.
 *
 * Why an <img> under an <svg> overlay rather than an SVG <image>: the photo (up to 4000×3000 and
 * more) is decoded once and becomes its own composited layer that the GPU scales on zoom and pan;
 * editing a box repaints only the transparent vector layer above it and never the photo. Both
 * layers take their transform from the same `view` in the same render, so they cannot drift apart,
 * and inside the overlay every box is drawn in image px under one transform, exact at any zoom.
 */
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";

import { BoxShapes, DraftShape, colorOf } from "./box-shapes";
import { editedBox, isTooSmall, moveRect, normalizeBox, roundRect } from "./geometry";
import { Toolbar, KeyboardHelp } from "./toolbar";
import type { EditorBox, Rect, Tool, View } from "./types";
import { useEditorKeys } from "./use-editor-keys";
import { useHistory } from "./use-history";
import { usePointerGestures } from "./use-pointer-gestures";
import { ZOOM_STEP, useView } from "./use-view";
import "./box-editor.css";

export type BoxEditorProps = {
  imageUrl: string;
  /** Natural image size in px. */
  width: number;
  height: number;
  /** Project labels in order; number key N picks labels[N-1]. */
  labels: string[];
  /** Read once: remount with key={itemId} to load another image. */
  initialBoxes: EditorBox[];
  /** After every edit (and undo/redo): all boxes in image px, rounded to 2 decimals, clipped to the image. */
  onChange: (boxes: EditorBox[]) => void;
  readOnly?: boolean;
  ariaLabel?: string;
  autoFocus?: boolean;
  /** Indexes of boxes to emphasise (e.g. the boxes a review flag is about). */
  highlighted?: readonly number[];
  /** Show the keyboard help under the editor (default true). */
  showHelp?: boolean;
  /** Icon buttons and the label picker on a row of its own, for narrow panels (default false). */
  compactToolbar?: boolean;
};

const sameRect = (a: Rect, b: Rect) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

export function BoxEditor(props: BoxEditorProps) {
  const { imageUrl, width, height, labels, initialBoxes, readOnly = false, autoFocus = false, showHelp = true } = props;
  const name = props.ariaLabel ?? "Image with boxes";
  const image = useMemo(() => ({ width, height }), [width, height]);
  const history = useHistory<EditorBox[]>(() => initialBoxes.map((box) => normalizeBox(box, image)));
  const boxes = history.present;
  const [selectedState, setSelected] = useState<number | null>(null);
  const selected = selectedState !== null && selectedState < boxes.length ? selectedState : null;
  const [tool, setTool] = useState<Tool>("select");
  const [currentLabel, setCurrentLabel] = useState(labels[0] ?? "");
  const [imageFailed, setImageFailed] = useState(false);
  const canvasRef = useRef<HTMLDivElement>(null);
  const panKeyRef = useRef(false);
  const onChangeRef = useRef(props.onChange);
  onChangeRef.current = props.onChange;
  const helpId = useId();
  const onImageError = useCallback(() => setImageFailed(true), []);
  const { view, viewRef, fit, zoomBy, pan } = useView(canvasRef, image);

  const commit = (next: EditorBox[], select: number | null) => {
    history.push(next);
    setSelected(select);
    onChangeRef.current(next);
  };
  /** Box `index` gets a new label and/or geometry; an edited box loses the model's confidence. */
  const editBox = (index: number, label: string, rect: Rect) => {
    const current = history.get();
    const before = current[index];
    if (!before) return;
    const after = editedBox(label, rect, image);
    if (after.label === before.label && sameRect(after, before)) return;
    commit(current.map((box, i) => (i === index ? after : box)), index);
  };
  const drawBox = (rect: Rect) => {
    const rounded = roundRect(rect);
    if (isTooSmall(rounded) || !currentLabel) {
      setSelected(null);
      return;
    }
    const current = history.get();
    commit([...current, editedBox(currentLabel, rounded, image)], current.length);
  };
  const deleteSelected = () => {
    if (selected === null) return;
    commit(history.get().filter((_, i) => i !== selected), null);
  };
  const chooseLabel = (label: string) => {
    setCurrentLabel(label);
    if (selected !== null && !readOnly) editBox(selected, label, boxes[selected]);
  };
  const nudge = (dx: number, dy: number) => {
    if (selected === null) return;
    const box = history.get()[selected];
    editBox(selected, box.label, moveRect(box, dx, dy, image));
  };
  const travel = (step: () => EditorBox[] | undefined) => {
    const state = step();
    if (!state) return;
    setSelected((index) => (index !== null && index < state.length ? index : null));
    onChangeRef.current(state);
  };
  const undo = () => !readOnly && travel(history.undo);
  const redo = () => !readOnly && travel(history.redo);
  const zoomIn = () => zoomBy(ZOOM_STEP);
  const zoomOut = () => zoomBy(1 / ZOOM_STEP);

  const { preview, handlers } = usePointerGestures({
    viewportRef: canvasRef,
    viewRef,
    image,
    boxes,
    selected,
    tool,
    readOnly,
    panKeyRef,
    pan,
    select: setSelected,
    onEditRect: (index, rect) => editBox(index, history.get()[index].label, rect),
    onDrawRect: drawBox,
  });

  const keys = useEditorKeys(
    {
      labels,
      boxCount: boxes.length,
      selected,
      readOnly,
      select: setSelected,
      chooseLabel,
      deleteSelected,
      nudge,
      undo,
      redo,
      zoomIn,
      zoomOut,
      fit,
      setTool,
    },
    canvasRef,
    panKeyRef,
  );

  useEffect(() => {
    if (autoFocus) canvasRef.current?.focus({ preventScroll: true });
  }, [autoFocus]);

  const highlightKey = (props.highlighted ?? []).join(",");
  const highlighted = useMemo(() => new Set(highlightKey ? highlightKey.split(",").map(Number) : []), [highlightKey]);

  const shown = useMemo(() => {
    if (!preview || preview.index === null) return boxes;
    const index = preview.index;
    return boxes.map((box, i) => (i === index ? { label: box.label, ...preview.rect } : box));
  }, [boxes, preview]);

  const transform = `matrix(${view.scale} 0 0 ${view.scale} ${view.tx} ${view.ty})`;
  const editorClass = ["box-editor", readOnly && "box-editor-readonly", view.scale >= 4 && "be-zoomed-in"].filter(Boolean).join(" ");

  return (
    <div className={editorClass} onKeyDown={keys.onKeyDown} onKeyUp={keys.onKeyUp} onBlur={keys.onBlur}>
      <Toolbar
        name={name}
        readOnly={readOnly}
        compact={props.compactToolbar ?? false}
        tool={tool}
        onTool={setTool}
        labels={labels}
        currentLabel={currentLabel}
        onLabel={chooseLabel}
        zoomPercent={Math.round(view.scale * 100)}
        onZoomIn={zoomIn}
        onZoomOut={zoomOut}
        onFit={fit}
        canUndo={history.canUndo}
        canRedo={history.canRedo}
        onUndo={undo}
        onRedo={redo}
        canDelete={selected !== null}
        onDelete={deleteSelected}
      />
      <div
        ref={canvasRef}
        className={`be-canvas be-tool-${readOnly ? "view" : tool}`}
        tabIndex={0}
        role="application"
        aria-roledescription="box editor"
        aria-label={name}
        aria-describedby={helpId}
        style={{ aspectRatio: `${width} / ${height}` }}
        {...handlers}
      >
        <ImageLayer url={imageUrl} width={width} height={height} view={view} onError={onImageError} />
        <svg className="be-overlay" aria-hidden="true" focusable="false">
          <g transform={transform}>
            <BoxShapes
              boxes={shown}
              labels={labels}
              selected={selected}
              highlighted={highlighted}
              scale={view.scale}
              showHandles={!readOnly && !preview}
            />
            {preview && preview.index === null && <DraftShape rect={preview.rect} color={colorOf(labels, currentLabel)} />}
          </g>
        </svg>
        {imageFailed && (
          <p className="be-image-error" role="alert">
            The image could not be loaded.
          </p>
        )}
      </div>
      <StatusLine boxes={boxes} selected={selected} id={helpId} readOnly={readOnly} />
      {showHelp && <KeyboardHelp readOnly={readOnly} />}
    </div>
  );
}

/** Memoised: a drag re-renders the boxes, never the photo. */
const ImageLayer = memo(function ImageLayer(props: { url: string; width: number; height: number; view: View; onError: () => void }) {
  const { url, width, height, view } = props;
  return (
    <img
      className="be-image"
      src={url}
      alt=""
      width={width}
      height={height}
      draggable={false}
      decoding="async"
      onError={props.onError}
      style={{ width, height, transform: `matrix(${view.scale}, 0, 0, ${view.scale}, ${view.tx}, ${view.ty})` }}
    />
  );
});

function StatusLine({ boxes, selected, id, readOnly }: { boxes: readonly EditorBox[]; selected: number | null; id: string; readOnly: boolean }) {
  const box = selected === null ? undefined : boxes[selected];
  let text: string;
  if (box && selected !== null) {
    text = `Box ${selected + 1} of ${boxes.length}: ${box.label}, x ${box.x}, y ${box.y}, ${box.w} × ${box.h} px`;
  } else if (boxes.length === 0) {
    text = readOnly ? "No boxes." : "No boxes. Drag on the image to draw one.";
  } else {
    text = `${boxes.length} ${boxes.length === 1 ? "box" : "boxes"}. Tab selects them one by one.`;
  }
  return (
    <p className="be-status" id={id} aria-live="polite">
      {text}
    </p>
  );
}
