// A reviewer's decision on an open contest: the label a human decides (text; the model's label accepts
// the prediction) or the model's boxes kept (detection: corrections to boxes are made in the queue,
// where the contested item waits at the top), with a note. The decision becomes a human answer.
import { useState } from "react";

import { Button, ErrorMessage } from "@/components/ui";
import { Field } from "@/components/ui/field";

import { useDecideContest, type Contest } from "../api";

export function DecideForm({ slug, contest, labels, detection }: { slug: string; contest: Contest; labels: string[]; detection: boolean }) {
  const decide = useDecideContest(slug);
  const [label, setLabel] = useState(contest.predicted_label);
  const [note, setNote] = useState("");
  return (
    <form
      className="contest-decide"
      onSubmit={(event) => {
        event.preventDefault();
        decide.mutate({ id: contest.id, label: detection ? undefined : label, note: note.trim() });
      }}
    >
      {!detection && (
        <Field label="Decided label">
          {(control) => (
            <select {...control} value={label} onChange={(e) => setLabel(e.target.value)}>
              {labels.map((name) => (
                <option key={name} value={name}>
                  {name}
                  {name === contest.predicted_label ? " (the model's)" : ""}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label="Note (optional)" hint="Why: it is kept with the decision and shown to whoever asks.">
        {(control) => <textarea {...control} rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <ErrorMessage error={decide.error} />
      <div className="row">
        <Button type="submit" variant="primary" disabled={decide.isPending}>
          {detection
            ? "Decide: keep the model's boxes"
            : label === contest.predicted_label
              ? "Decide: the model was right"
              : `Decide: ${label}`}
        </Button>
      </div>
    </form>
  );
}
