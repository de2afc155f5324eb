// One image item: the model's boxes in the shared box editor, submitted as an accept (unchanged)
// or a correction (the full list of boxes), "nothing here", skip and back, all from the keyboard.
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";

import { BoxEditor, type EditorBox } from "@/components/box-editor";
import { Button, ErrorMessage, Loading } from "@/components/ui";

import type { AnswerBox } from "./api/feedback";
import { itemImageUrl, useItemSize } from "./api/item";
import { predictedBoxes, type QueueEntry } from "./api/queue";
import { sameBoxes, toAnswerBoxes } from "./boxes";
import { CommentField } from "./comment-field";
import { formatPercent } from "./format";
import type { Answered, AnnotatorProps } from "./queue-state";
import { ShortcutLegend, type Shortcut } from "./shortcut-legend";
import { isPressable, plain, useShortcuts } from "./use-shortcuts";

export const IMAGE_SHORTCUTS: Shortcut[] = [
  { keys: ["Ctrl", "Enter"], action: "submit the boxes and go on (Enter alone outside the editor)" },
  { keys: ["N"], action: "nothing here: submit no boxes" },
  { keys: ["S"], action: "skip (it comes back at the end)" },
  { keys: ["B"], action: "back to your previous answer (also ← and Backspace outside the editor)" },
  { keys: ["→"], action: "forward again, keeping the answer (outside the editor)" },
  { keys: ["C"], action: "write a comment (Esc leaves it)" },
];

type Props = AnnotatorProps;

function startingBoxes(entry: QueueEntry, previous: Answered | null): EditorBox[] {
  if (previous && "boxes" in previous.answer) return previous.answer.boxes;
  return predictedBoxes(entry);
}

export function ImageAnnotator({ entry, previous, labels, canBack, onSubmit, onSkip, onBack, onForward }: Props) {
  const known = entry.item_width != null && entry.item_height != null;
  const size = useItemSize(entry.item_id, !known);
  const width = known ? entry.item_width : size.data?.width;
  const height = known ? entry.item_height : size.data?.height;

  const model = useMemo(() => predictedBoxes(entry), [entry]);
  const initial = useMemo(() => startingBoxes(entry, previous), [entry, previous]);
  const [boxes, setBoxes] = useState<AnswerBox[]>(() => toAnswerBoxes(initial));
  const [comment, setComment] = useState(previous?.answer.comment ?? "");
  const editorWrap = useRef<HTMLDivElement>(null);
  const commentField = useRef<HTMLInputElement>(null);
  const unchanged = width != null && height != null && sameBoxes(boxes, model, { width, height });

  const note = () => (comment.trim() ? { comment: comment.trim() } : {});
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    onSubmit(unchanged ? { verdict: "accept", ...note() } : { verdict: "correct", boxes, ...note() });
  };
  const nothingHere = () => onSubmit({ verdict: "correct", boxes: [], ...note() });

  useShortcuts((event) => {
    const inEditor = !!editorWrap.current?.contains(event.target as Node);
    const once = !event.repeat;
    if (event.key === "Enter") {
      if ((event.ctrlKey || event.metaKey) && !event.altKey) {
        if (once) submit();
        return true;
      }
      if (!plain(event) || inEditor || isPressable(event.target)) return false;
      if (once) submit();
      return true;
    }
    if (!plain(event)) return false;
    switch (event.key) {
      case "n":
      case "N":
        if (once) nothingHere();
        return true;
      case "s":
      case "S":
        if (once) onSkip();
        return true;
      case "b":
      case "B":
        onBack();
        return true;
      case "Backspace":
      case "ArrowLeft":
        if (inEditor) return false; // the editor's keys for a selected box; never lose edits by accident
        onBack();
        return true;
      case "ArrowRight":
        if (inEditor || !previous) return false;
        onForward();
        return true;
      case "c":
      case "C":
        commentField.current?.focus();
        return true;
      default:
        return false;
    }
  });

  // Until the editor has an image to show, keep the focus on the item so the keys keep working.
  const root = useRef<HTMLElement>(null);
  useEffect(() => {
    if (width == null || height == null) root.current?.focus({ preventScroll: true });
  }, [width, height]);

  const lowest = model.length ? Math.min(...model.map((b) => b.confidence)) : null;
  return (
    <article className="image-annotate card" tabIndex={-1} ref={root} aria-labelledby="annotate-item-title">
      <h2 id="annotate-item-title" className="visually-hidden">
        Image {entry.item_id}
      </h2>
      <p className="model-says">
        Model: <strong>{model.length === 0 ? "no boxes" : `${model.length} box${model.length > 1 ? "es" : ""}`}</strong>
        {lowest !== null && <span className="muted"> (lowest confidence {formatPercent(lowest)})</span>}
      </p>
      <div ref={editorWrap} className="image-annotate-editor">
        {width != null && height != null ? (
          <BoxEditor
            imageUrl={itemImageUrl(entry.item_id)}
            width={width}
            height={height}
            labels={labels}
            initialBoxes={initial}
            onChange={(next) => setBoxes(toAnswerBoxes(next))}
            ariaLabel={`Image ${entry.item_id} with ${model.length === 1 ? "the model's box" : "the model's boxes"}`}
            autoFocus
          />
        ) : size.error ? (
          <ErrorMessage error={size.error} title="The image's size could not be loaded:" />
        ) : size.isPending ? (
          <Loading label="Loading the image…" />
        ) : (
          <ErrorMessage error="The image has no recorded size; it cannot be annotated here." />
        )}
      </div>
      <div className="image-annotate-footer">
        <form onSubmit={submit} className="annotate-form">
          <CommentField value={comment} onChange={setComment} inputRef={commentField} back={root} />
          <div className="annotate-actions">
            <Button variant="primary" type="submit" disabled={width == null}>
              {unchanged ? "Accept the boxes" : `Submit ${boxes.length} box${boxes.length === 1 ? "" : "es"}`}{" "}
              <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
            </Button>
            <Button onClick={nothingHere}>
              Nothing here <kbd>N</kbd>
            </Button>
            <Button onClick={previous ? onForward : onSkip}>
              {previous ? "Keep and go on" : "Skip"} <kbd>S</kbd>
            </Button>
            <Button onClick={onBack} disabled={!canBack}>
              Back <kbd>B</kbd>
            </Button>
          </div>
          <p className="muted small">
            {unchanged ? "Unchanged: submitting accepts the model's boxes." : "Changed: submitting sends your boxes as a correction."}
          </p>
        </form>
        <ShortcutLegend shortcuts={IMAGE_SHORTCUTS} />
      </div>
    </article>
  );
}
