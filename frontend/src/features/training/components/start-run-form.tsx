// Start a training run, with the task's parameter overrides behind a "Parameters" disclosure.
// Empty fields are not sent, so the run uses params.yaml for them; the API judges the values.
import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { Button } from "@/components/ui";
import { ApiError, errorMessage } from "@/lib/api/errors";

import { useStartTrainingRun } from "../api/training-runs";
import { TRAINING_PARAMS, type TrainingRun } from "../api/types";

function parse(value: string): number | string {
  const number = Number(value);
  return value.trim() !== "" && Number.isFinite(number) ? number : value.trim();
}

export function StartRunForm({
  slug,
  task,
  lastParams,
  busy,
  onStarted,
}: {
  slug: string;
  task: string;
  lastParams: Record<string, unknown> | undefined;
  busy: boolean;
  onStarted: (run: TrainingRun) => void;
}) {
  const specs = TRAINING_PARAMS[task] ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const start = useStartTrainingRun(slug);
  const id = useId();
  const overrides = Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value.trim() !== "")
      .map(([key, value]) => [key, parse(value)]),
  );
  const count = Object.keys(overrides).length;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate(overrides, { onSuccess: onStarted });
  };

  const error = start.error;
  const conflictRun =
    error instanceof ApiError && error.status === 409
      ? (error.body as { training_run?: number } | null)?.training_run
      : undefined;

  return (
    <form onSubmit={submit} className="stack" aria-describedby={error ? `${id}-error` : undefined}>
      <details className="params">
        <summary>
          Parameters {count > 0 ? `(${count} override${count === 1 ? "" : "s"})` : "(defaults from params.yaml)"}
        </summary>
        <p className="small muted">Leave a field empty to keep its default. The last run's value is shown as a hint.</p>
        <div className="params-grid">
          {specs.map((spec) => {
            const last = lastParams?.[spec.key];
            return (
              <label key={spec.key} className="field">
                <span>
                  {spec.label} <code className="small">{spec.key}</code>
                </span>
                <input
                  type="text"
                  inputMode={spec.decimal ? "decimal" : "numeric"}
                  name={spec.key}
                  value={values[spec.key] ?? ""}
                  placeholder={last !== undefined && last !== null ? String(last) : ""}
                  onChange={(e) => setValues((old) => ({ ...old, [spec.key]: e.target.value }))}
                />
                <small>
                  {spec.hint}
                  {last !== undefined && last !== null ? ` (last run: ${String(last)})` : ""}
                </small>
              </label>
            );
          })}
        </div>
      </details>
      <div className="row">
        <Button type="submit" variant="primary" disabled={start.isPending}>
          {start.isPending ? "Starting…" : "Start training run"}
        </Button>
        {busy && <span className="small muted">A run is in progress: a project runs one at a time.</span>}
      </div>
      {error && (
        <div id={`${id}-error`} className="alert alert-error" role="alert">
          {errorMessage(error)}
          {conflictRun != null && (
            <>
              {" "}
              <Link to={`?run=${conflictRun}`}>Follow run #{conflictRun}</Link>
            </>
          )}
        </div>
      )}
    </form>
  );
}
