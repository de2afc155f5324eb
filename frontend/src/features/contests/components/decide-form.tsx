// A reviewer's decision on an open contest, with a note; the decision becomes a human answer that trains.
// Text: the label a human decides (the model's label accepts the prediction). Detection: the boxes, edited
// on the image beside the model's (move, resize, draw, relabel, delete); left as the model drew them, the
// decision keeps the model's boxes. The API's refusal (a box outside the image, a label the project lacks)
// is shown above the button and nothing is decided.
import { useState } from "react";

import type { EditorBox } from "@/components/box-editor";
import { Button, ErrorMessage } from "@/components/ui";
import { Field } from "@/components/ui/field";

import { useDecideContest, type Contest, type Decision } from "../api";
import { decidedBoxes, sameAsModel, toAnswerBoxes, toEditorBoxes } from "../boxes";
import { BoxDecision } from "./box-decision";

type Props = { slug: string; contest: Contest; labels: string[]; detection: boolean };

export function DecideForm({ slug, contest, labels, detection }: Props) {
  const decide = useDecideContest(slug);
  const [label, setLabel] = useState(contest.predicted_label);
  const [boxes, setBoxes] = useState<EditorBox[] | null>(null); // null: as the model drew them
  const [note, setNote] = useState("");
  const size = { width: contest.item_width ?? 0, height: contest.item_height ?? 0 };
  const keptBoxes = boxes === null || sameAsModel(boxes, toEditorBoxes(contest.predicted_boxes), size);

  const decision: Decision = { id: contest.id, note: note.trim() };
  if (!detection) decision.label = label;
  else if (!keptBoxes && boxes) decision.boxes = toAnswerBoxes(boxes);
  const action = detection
    ? keptBoxes
      ? "Decide: keep the model's boxes"
      : `Decide: ${decidedBoxes(boxes?.length ?? 0)}`
    : label === contest.predicted_label
      ? "Decide: the model was right"
      : `Decide: ${label}`;

  return (
    <form
      className="contest-decide"
      aria-label={`Decision on contest #${contest.id}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (!decide.isPending) decide.mutate(decision);
      }}
    >
      {detection ? (
        <BoxDecision contest={contest} labels={labels} edited={!keptBoxes} onChange={setBoxes} />
      ) : (
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
      <ErrorMessage error={decide.error} title="Not decided:" />
      <div className="row">
        <Button type="submit" variant="primary" disabled={decide.isPending}>
          {decide.isPending ? "Saving…" : action}
        </Button>
      </div>
    </form>
  );
}
