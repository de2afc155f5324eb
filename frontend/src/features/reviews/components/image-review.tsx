import { useState } from "react";

import { BoxEditor, type EditorBox } from "@/components/box-editor";
import { Button, ErrorMessage } from "@/components/ui";

import { itemImageUrl } from "../api/reviews";
import type { ReviewEntry } from "../api/types";
import { flaggedIndexes } from "../flags";
import { ReviewForm } from "./review-form";
import { ReviewNote } from "./review-note";

type Props = {
  entry: ReviewEntry;
  labels: string[];
  editable: boolean;
  busy: boolean;
  error: unknown;
  onSubmit: (boxes: EditorBox[], notes: string) => void;
};

const count = (n: number) => `${n} ${n === 1 ? "box" : "boxes"}`;

/** The model's boxes, the first answer and the final answer side by side, on the same image. */
export function ImageReview({ entry, labels, editable, busy, error, onSubmit }: Props) {
  const [finalBoxes, setFinalBoxes] = useState<EditorBox[]>(entry.answerBoxes);
  const [edited, setEdited] = useState(false);
  const [generation, setGeneration] = useState(0); // bumps to reload the final editor from the first answer
  const { model, human } = flaggedIndexes(entry.flags);
  const { item_width: width, item_height: height } = entry;
  if (!width || !height) return <ErrorMessage error="This item has no image size, so its boxes cannot be shown." />;
  // Compact toolbars keep the final answer's tools on two rows in a third of the page.
  const image = { imageUrl: itemImageUrl(entry.item_id), width, height, labels, compactToolbar: true };

  return (
    <>
      <div className="rv-panels">
        <section className="rv-panel" aria-labelledby={`rv-model-${entry.id}`}>
          <header className="rv-panel-head">
            <h3 id={`rv-model-${entry.id}`}>Model</h3>
            <span className="muted small">{count(entry.predictedBoxes.length)}, with confidences</span>
          </header>
          <BoxEditor
            {...image}
            key={`model-${entry.id}`}
            readOnly
            showHelp={false}
            initialBoxes={entry.predictedBoxes}
            onChange={ignore}
            highlighted={model}
            ariaLabel={`Model's boxes on item ${entry.item_id}`}
          />
        </section>
        <section className="rv-panel" aria-labelledby={`rv-first-${entry.id}`}>
          <header className="rv-panel-head">
            <h3 id={`rv-first-${entry.id}`}>First answer</h3>
            <span className="muted small">
              {count(entry.answerBoxes.length)} by {entry.annotator ?? "an annotator"}
            </span>
          </header>
          <BoxEditor
            {...image}
            key={`first-${entry.id}`}
            readOnly
            showHelp={false}
            initialBoxes={entry.answerBoxes}
            onChange={ignore}
            highlighted={human}
            ariaLabel={`First answer's boxes on item ${entry.item_id}`}
          />
          <p className="rv-comment">
            {entry.comment ? <q>{entry.comment}</q> : <span className="muted">No comment from the annotator.</span>}
          </p>
        </section>
        <section className="rv-panel rv-panel-final" aria-labelledby={`rv-final-${entry.id}`}>
          <header className="rv-panel-head">
            <h3 id={`rv-final-${entry.id}`}>Final answer</h3>
            {editable && (
              <Button
                variant="ghost"
                className="rv-reset"
                disabled={!edited}
                onClick={() => {
                  setFinalBoxes(entry.answerBoxes);
                  setEdited(false);
                  setGeneration((g) => g + 1);
                }}
              >
                Start over from the first answer
              </Button>
            )}
          </header>
          {editable ? (
            <BoxEditor
              {...image}
              key={`final-${entry.id}-${generation}`}
              ariaLabel={`Final answer for item ${entry.item_id} (editable)`}
              initialBoxes={entry.answerBoxes}
              onChange={(boxes) => {
                setFinalBoxes(boxes);
                setEdited(true);
              }}
              highlighted={edited ? undefined : human}
            />
          ) : entry.review ? (
            <>
              <BoxEditor
                {...image}
                key={`review-${entry.id}`}
                readOnly
                showHelp={false}
                initialBoxes={entry.review.boxes ?? []}
                onChange={ignore}
                ariaLabel={`Reviewed boxes on item ${entry.item_id}`}
              />
              <ReviewNote entry={entry} />
            </>
          ) : (
            <p className="rv-waiting">Waiting for a reviewer.</p>
          )}
        </section>
      </div>
      {editable && (
        <ReviewForm
          busy={busy}
          error={error}
          onSubmit={(notes) => onSubmit(finalBoxes, notes)}
          summary={`${count(finalBoxes.length)} in the final answer${edited ? ", edited" : ", as the annotator left them"}`}
        />
      )}
    </>
  );
}

function ignore() {}
