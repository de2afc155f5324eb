/**
 * The boxes drawn in image pixels inside the zoom group. Strokes use non-scaling-stroke and the
 * label tags and handles are scaled by 1/zoom, so they keep their screen size at any zoom while the
 * rectangles stay exact. Bigger boxes are drawn first, so a nested small box stays visible on top.
 */
import { memo } from "react";

import { LABEL_TEXT_COLOR, UNKNOWN_LABEL_COLOR, labelColor } from "./colors";
import { formatConfidence } from "./format";
import { HANDLES, handlePoint } from "./geometry";
import type { EditorBox, Rect } from "./types";

const TAG_HEIGHT = 18; // screen px
const TAG_FONT = 12;
const HANDLE_SIZE = 9;

export function boxCaption(box: EditorBox): string {
  return box.confidence === undefined ? box.label : `${box.label} ${formatConfidence(box.confidence)}`;
}

type Props = {
  boxes: readonly EditorBox[];
  labels: readonly string[];
  selected: number | null;
  highlighted: ReadonlySet<number>;
  scale: number;
  showHandles: boolean;
};

export const BoxShapes = memo(function BoxShapes({ boxes, labels, selected, highlighted, scale, showHandles }: Props) {
  const order = boxes.map((_, index) => index).sort((a, b) => boxes[b].w * boxes[b].h - boxes[a].w * boxes[a].h);
  if (selected !== null && boxes[selected]) {
    order.splice(order.indexOf(selected), 1);
    order.push(selected); // the selected box on top
  }
  return (
    <g className="be-boxes">
      {order.map((index) => (
        <BoxShape
          key={index}
          index={index}
          box={boxes[index]}
          color={colorOf(labels, boxes[index].label)}
          selected={index === selected}
          highlighted={highlighted.has(index)}
          scale={scale}
          showHandles={showHandles && index === selected}
        />
      ))}
    </g>
  );
});

export function colorOf(labels: readonly string[], label: string): string {
  const index = labels.indexOf(label);
  return index < 0 ? UNKNOWN_LABEL_COLOR : labelColor(index);
}

type BoxProps = {
  index: number;
  box: EditorBox;
  color: string;
  selected: boolean;
  highlighted: boolean;
  scale: number;
  showHandles: boolean;
};

function BoxShape({ index, box, color, selected, highlighted, scale, showHandles }: BoxProps) {
  const caption = boxCaption(box);
  const k = 1 / scale;
  // Tag above the box, or inside it when the box touches the image's top edge.
  const tagY = box.y >= TAG_HEIGHT * k ? box.y - TAG_HEIGHT * k : box.y;
  const tagWidth = caption.length * TAG_FONT * 0.62 + 10;
  const className = ["be-box", selected && "be-box-selected", highlighted && "be-box-highlighted"].filter(Boolean).join(" ");
  return (
    <g className={className} data-index={index} data-label={box.label}>
      <title>{caption}</title>
      {highlighted && (
        <rect
          className="be-box-halo"
          x={box.x - 4 * k}
          y={box.y - 4 * k}
          width={box.w + 8 * k}
          height={box.h + 8 * k}
          vectorEffect="non-scaling-stroke"
        />
      )}
      <rect className="be-box-outline" x={box.x} y={box.y} width={box.w} height={box.h} vectorEffect="non-scaling-stroke" />
      <rect
        className="be-box-rect"
        x={box.x}
        y={box.y}
        width={box.w}
        height={box.h}
        stroke={color}
        fill={color}
        vectorEffect="non-scaling-stroke"
      />
      <g transform={`translate(${box.x} ${tagY}) scale(${k})`} className="be-box-tag">
        <rect width={tagWidth} height={TAG_HEIGHT} fill={color} rx={2} />
        <text x={5} y={TAG_HEIGHT - 5} fill={LABEL_TEXT_COLOR} fontSize={TAG_FONT}>
          {caption}
        </text>
      </g>
      {showHandles && <Handles rect={box} color={color} k={k} />}
    </g>
  );
}

function Handles({ rect, color, k }: { rect: Rect; color: string; k: number }) {
  const size = HANDLE_SIZE * k;
  return (
    <g className="be-handles">
      {HANDLES.map((handle) => {
        const p = handlePoint(rect, handle);
        return (
          <rect
            key={handle}
            data-handle={handle}
            className="be-handle"
            x={p.x - size / 2}
            y={p.y - size / 2}
            width={size}
            height={size}
            stroke={color}
            vectorEffect="non-scaling-stroke"
          />
        );
      })}
    </g>
  );
}

/** The rectangle being drawn. */
export function DraftShape({ rect, color }: { rect: Rect; color: string }) {
  return (
    <rect
      className="be-draft"
      x={rect.x}
      y={rect.y}
      width={rect.w}
      height={rect.h}
      stroke={color}
      fill={color}
      vectorEffect="non-scaling-stroke"
    />
  );
}
