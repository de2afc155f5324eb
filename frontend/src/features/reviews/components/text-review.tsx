import { useState } from "react";

import { ErrorMessage, Loading } from "@/components/ui";

import { useItemText } from "../api/item-text";
import type { ReviewEntry } from "../api/types";
import { ReviewNote } from "./review-note";
import { ReviewForm } from "./review-form";

type Props = {
  entry: ReviewEntry;
  labels: string[];
  editable: boolean;
  busy: boolean;
  error: unknown;
  onSubmit: (label: string, notes: string) => void;
};

/** A text answer: the model's label beside the annotator's, and the reviewer's choice. */
export function TextReview({ entry, labels, editable, busy, error, onSubmit }: Props) {
  const text = useItemText(entry.item_id);
  const annotated = entry.resolved_label || entry.label || "";
  const [label, setLabel] = useState(entry.review?.label || annotated);

  return (
    <>
      <div className="rv-text card">
        {text.isPending ? <Loading label="Loading the text…" /> : text.error ? <ErrorMessage error={text.error} /> : <p>{text.data}</p>}
      </div>
      <dl className="rv-labels">
        <div>
          <dt>Model</dt>
          <dd>{entry.predicted_label || "—"}</dd>
        </div>
        <div>
          <dt>First answer ({entry.annotator ?? "an annotator"})</dt>
          <dd>{annotated || "—"}</dd>
        </div>
        {entry.review && (
          <div>
            <dt>Final answer</dt>
            <dd>{entry.review.label}</dd>
          </div>
        )}
      </dl>
      {entry.comment && (
        <p className="rv-comment">
          <q>{entry.comment}</q>
        </p>
      )}
      <ReviewNote entry={entry} />
      {editable && (
        <>
          <fieldset className="rv-choice">
            <legend>Final label</legend>
            {labels.map((option) => (
              <label key={option} className="rv-choice-option">
                <input type="radio" name={`final-label-${entry.id}`} value={option} checked={label === option} onChange={() => setLabel(option)} />
                {option}
                {option === entry.predicted_label && <span className="muted small"> (model)</span>}
                {option === annotated && <span className="muted small"> (annotator)</span>}
              </label>
            ))}
          </fieldset>
          <ReviewForm busy={busy} error={error} onSubmit={(notes) => onSubmit(label, notes)} summary={`Final label: ${label || "none chosen"}`} />
        </>
      )}
    </>
  );
}
