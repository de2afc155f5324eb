import { useId, useState, type ReactNode } from "react";

import { Button, ErrorMessage } from "@/components/ui";

type Props = {
  summary: ReactNode;
  busy: boolean;
  error: unknown;
  onSubmit: (notes: string) => void;
};

/** Notes and the submit button of a review; the API's refusal is shown right here. */
export function ReviewForm({ summary, busy, error, onSubmit }: Props) {
  const [notes, setNotes] = useState("");
  const notesId = useId();
  return (
    <form
      className="rv-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) onSubmit(notes.trim());
      }}
    >
      <label className="field" htmlFor={notesId}>
        <span>
          Notes <small>(optional, kept with the review)</small>
        </span>
        <textarea
          id={notesId}
          rows={2}
          maxLength={5000}
          value={notes}
          onChange={(event) => setNotes(event.target.value)}
          placeholder="Why the final answer differs, or what to watch for"
        />
      </label>
      <ErrorMessage error={error} title="Not saved:" />
      <div className="rv-form-actions">
        <span className="muted small">{summary}</span>
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? "Saving…" : "Submit review"}
        </Button>
      </div>
    </form>
  );
}
