import { useEffect, useRef } from "react";

import type { EditorBox } from "@/components/box-editor";
import { Button, StatusBadge } from "@/components/ui";

import type { ReviewEntry } from "../api/types";
import { FlagList } from "./flag-list";
import { ImageReview } from "./image-review";
import { TextReview } from "./text-review";

export type ReviewSubmit = { boxes: EditorBox[]; notes: string } | { label: string; notes: string };

type Props = {
  entry: ReviewEntry;
  position: number;
  total: number;
  isImage: boolean;
  labels: string[];
  canSubmit: boolean;
  busy: boolean;
  error: unknown;
  focusHeading: boolean;
  onPrevious?: () => void;
  onNext?: () => void;
  onSubmit: (answer: ReviewSubmit) => void;
};

/** One flagged answer: what it is, why it was flagged, and the review itself. */
export function ReviewDetail(props: Props) {
  const { entry, position, total, isImage, labels, canSubmit, busy, error } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // After a submit the next item takes this place: say so to keyboard and screen-reader users.
    if (props.focusHeading) heading.current?.focus();
  }, [entry.id, props.focusHeading]);
  const editable = canSubmit && entry.status === "pending_review";

  return (
    <article className="card rv-detail" aria-labelledby={`rv-item-${entry.id}`}>
      <header className="rv-detail-head">
        <div>
          <h2 id={`rv-item-${entry.id}`} ref={heading} tabIndex={-1}>
            Item {entry.item_id} <span className="muted rv-position">· {position} of {total}</span>
          </h2>
          <p className="muted small rv-meta">
            Answer #{entry.id} by <strong>{entry.annotator ?? "an annotator"}</strong> on{" "}
            {new Date(entry.created_at).toLocaleString()} · <StatusBadge status={entry.status} />
          </p>
        </div>
        <nav className="rv-nav" aria-label="Review queue">
          <Button onClick={props.onPrevious} disabled={!props.onPrevious}>
            ← Previous
          </Button>
          <Button onClick={props.onNext} disabled={!props.onNext}>
            Next →
          </Button>
        </nav>
      </header>
      <FlagList flags={entry.flags} />
      {isImage ? (
        <ImageReview
          entry={entry}
          labels={labels}
          editable={editable}
          busy={busy}
          error={error}
          onSubmit={(boxes, notes) => props.onSubmit({ boxes, notes })}
        />
      ) : (
        <TextReview
          entry={entry}
          labels={labels}
          editable={editable}
          busy={busy}
          error={error}
          onSubmit={(label, notes) => props.onSubmit({ label, notes })}
        />
      )}
    </article>
  );
}
