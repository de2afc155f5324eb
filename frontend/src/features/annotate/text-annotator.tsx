// One text item: the text, the model's label and confidence, every label's probability, and the
// keyboard-first controls to accept, correct, skip or go back.
import { useEffect, useRef, useState, type FormEvent } from "react";

import { Button } from "@/components/ui";

import type { Answer } from "./api/feedback";
import { CommentField } from "./comment-field";
import { formatPercent } from "./format";
import { LabelChoices, labelIndexForKey } from "./label-choices";
import type { Answered, AnnotatorProps } from "./queue-state";
import { isPressable, plain, useShortcuts } from "./use-shortcuts";

type Props = AnnotatorProps;

function previousLabel(previous: Answered | null, fallback: string): string {
  if (!previous) return fallback;
  return "label" in previous.answer ? previous.answer.label : previous.entry.label;
}

export function TextAnnotator({ entry, previous, labels, canBack, onSubmit, onSkip, onBack, onForward }: Props) {
  const [selected, setSelected] = useState(() => previousLabel(previous, entry.label));
  const [comment, setComment] = useState(previous?.answer.comment ?? "");
  const root = useRef<HTMLElement>(null);
  const commentField = useRef<HTMLInputElement>(null);

  // A new item takes the focus, so the keyboard flow goes on wherever the last one left it.
  useEffect(() => root.current?.focus({ preventScroll: true }), []);

  const answer = (label: string): Answer => {
    const note = comment.trim() ? { comment: comment.trim() } : {};
    return label === entry.label ? { verdict: "accept", ...note } : { verdict: "correct", label, ...note };
  };
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    onSubmit(answer(selected));
  };

  useShortcuts((event) => {
    const once = !event.repeat;
    if (event.key === "Enter" && plain(event)) {
      if (isPressable(event.target)) return false; // the focused button does its own thing
      if (once) submit();
      return true;
    }
    if (!plain(event)) return false;
    const index = labelIndexForKey(event.key);
    if (index !== null) {
      if (index < labels.length) setSelected(labels[index]);
      return index < labels.length;
    }
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        const at = labels.indexOf(selected);
        const step = event.key === "ArrowDown" ? 1 : -1;
        setSelected(labels[(at + step + labels.length) % labels.length]);
        return true;
      }
      case "a":
      case "A":
        if (once) onSubmit(answer(entry.label));
        return true;
      case "s":
      case "S":
        if (once) onSkip();
        return true;
      case "Backspace":
      case "ArrowLeft":
      case "b":
      case "B":
        onBack();
        return true;
      case "ArrowRight":
        if (!previous) return false;
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

  const changed = selected !== entry.label;
  return (
    <article className="annotate-item card" tabIndex={-1} ref={root} aria-labelledby="annotate-item-title">
      <h2 id="annotate-item-title" className="visually-hidden">
        Item {entry.item_id}
      </h2>
      <p className="model-says">
        Model: <strong>{entry.label}</strong> <span className="muted">({formatPercent(entry.confidence)})</span>
      </p>
      <blockquote className="annotate-text">{entry.text}</blockquote>
      <form onSubmit={submit} className="annotate-form">
        <LabelChoices
          name={`label-${entry.prediction_id}`}
          labels={labels}
          probabilities={entry.probabilities}
          predicted={entry.label}
          selected={selected}
          onSelect={setSelected}
        />
        <CommentField value={comment} onChange={setComment} inputRef={commentField} back={root} />
        <div className="annotate-actions">
          <Button variant="primary" type="submit">
            {changed ? `Correct to “${selected}”` : "Accept"} <kbd>Enter</kbd>
          </Button>
          {changed && (
            <Button onClick={() => onSubmit(answer(entry.label))}>
              Accept “{entry.label}” <kbd>A</kbd>
            </Button>
          )}
          <Button onClick={previous ? onForward : onSkip}>
            {previous ? "Keep and go on" : "Skip"} <kbd>S</kbd>
          </Button>
          <Button onClick={onBack} disabled={!canBack}>
            Back <kbd>←</kbd>
          </Button>
        </div>
      </form>
    </article>
  );
}
