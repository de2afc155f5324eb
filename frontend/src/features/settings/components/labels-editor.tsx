// Labels are append-only (the API enforces it): the existing ones are shown read-only, in order, and new
// ones can only be added at the end.
import { useId, useState } from "react";

import { Badge, Button } from "@/components/ui";

type Props = {
  existing: string[];
  added: string[];
  onChange: (added: string[]) => void;
  errors?: string[];
};

export function LabelsEditor({ existing, added, onChange, errors }: Props) {
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  function addDraft() {
    const label = draft.trim();
    if (!label) return;
    if (label.length > 64) return setProblem("A label has at most 64 characters.");
    if (existing.includes(label) || added.includes(label)) return setProblem(`"${label}" is already a label.`);
    onChange([...added, label]);
    setDraft("");
    setProblem(null);
  }

  const messages = [...(problem ? [problem] : []), ...(errors ?? [])];
  return (
    <fieldset className="labels-editor">
      <legend>Labels</legend>
      <p className="small muted" id={`${id}-why`}>
        Labels can only be appended. Stored answers, datasets and trained models refer to a label by its name and
        position (in detection projects the position is the model's class index), so renaming, reordering or removing
        one would silently change what existing data and models mean. New labels go at the end and are learned from
        the next training run.
      </p>
      <ol className="labels-list" aria-label="Labels in order">
        {existing.map((label, index) => (
          <li key={label}>
            <span className="label-position" aria-hidden="true">
              {index + 1}
            </span>
            <span className="mono">{label}</span>
          </li>
        ))}
        {added.map((label, index) => (
          <li key={label} className="label-new">
            <span className="label-position" aria-hidden="true">
              {existing.length + index + 1}
            </span>
            <span className="mono">{label}</span> <Badge tone="info">new</Badge>
            <Button
              variant="ghost"
              aria-label={`Undo adding ${label}`}
              onClick={() => onChange(added.filter((l) => l !== label))}
            >
              Undo
            </Button>
          </li>
        ))}
      </ol>
      <div className="row">
        <label htmlFor={id}>New label</label>
        <input
          id={id}
          value={draft}
          maxLength={64}
          aria-describedby={`${id}-why${messages.length ? ` ${id}-error` : ""}`}
          aria-invalid={messages.length ? true : undefined}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            // Enter adds the label instead of submitting the whole form.
            if (event.key === "Enter") {
              event.preventDefault();
              addDraft();
            }
          }}
        />
        <Button onClick={addDraft} disabled={!draft.trim()}>
          Add label at the end
        </Button>
      </div>
      {messages.length > 0 && (
        <p className="field-error" id={`${id}-error`}>
          {messages.join(" ")}
        </p>
      )}
    </fieldset>
  );
}
