// The project's settings: only changed fields are sent; the API's field errors appear at the fields.
import { useState, type FormEvent } from "react";

import { Button, ErrorMessage } from "@/components/ui";
import { Field } from "@/components/ui/field";
import { ApiError } from "@/lib/api/errors";
import { fieldErrorsOf, type FieldErrors } from "@/lib/api/field-errors";
import { LAWFUL_BASES } from "@/lib/lawful-bases";
import type { Project } from "@/lib/project";
import { QUEUE_STRATEGIES } from "@/lib/queue-strategy";

import { useUpdateProject } from "../api/update-project";
import { changedFields, formFromProject, METRICS, projectLabels, TEXT_MODELS, type FormValues } from "../project-form";
import { LabelsEditor } from "./labels-editor";

const FORM_FIELDS = new Set([
  "labels", "retrain_min_feedback", "feedback_weight", "promotion_metric", "min_improvement", "require_approval",
  "review_iou_threshold", "confident_removal_threshold", "purpose", "lawful_basis", "retention_days",
  "log_retention_days", "gold_rate", "max_unreviewed_accept_share", "text_model", "queue_strategy",
]);

export function SettingsForm({ project: initial }: { project: Project }) {
  // The baseline is the project as last saved, so "changed" means changed since then.
  const [project, setProject] = useState(initial);
  const [values, setValues] = useState<FormValues>(() => formFromProject(initial));
  const [newLabels, setNewLabels] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const update = useUpdateProject(project.slug);
  const detection = project.task === "object_detection";
  const pending = changedFields(project, values, newLabels);
  const dirty = Object.keys(pending.body).length > 0;

  const set = <K extends keyof FormValues>(field: K, value: FormValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setSaved(null);
  };
  const numberInput = (field: keyof FormValues, attrs: { min?: number; max?: number; step: number | "any" }) => (
    control: object,
  ) => <input {...control} type="number" inputMode="decimal" {...attrs} value={values[field] as string} onChange={(e) => set(field, e.target.value)} />;

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    if (Object.keys(pending.errors).length) return setErrors(pending.errors);
    setErrors({});
    const fields = Object.keys(pending.body);
    update.mutate(pending.body, {
      onSuccess: (next) => {
        setProject(next as Project);
        setValues(formFromProject(next as Project));
        setNewLabels([]);
        setSaved(`Saved: ${fields.join(", ").replace(/_/g, " ")}.`);
      },
      onError: (error) => setErrors(error instanceof ApiError ? fieldErrorsOf(error.body) : {}),
    });
  }

  const unplaced = Object.entries(errors).filter(([field]) => !FORM_FIELDS.has(field));
  const hasFieldErrors = Object.keys(errors).length > 0;
  return (
    <form className="stack settings-form" onSubmit={submit} noValidate aria-label="Project settings">
      <LabelsEditor existing={projectLabels(project)} added={newLabels} onChange={(l) => { setNewLabels(l); setSaved(null); }} errors={errors.labels} />

      <fieldset className="grid grid-3">
        <legend>Training loop</legend>
        <Field label="Retrain after new labels on this many items" error={errors.retrain_min_feedback} hint="Items with new labels since the last run (corrections, and first labels of texts no model has scored) that start a retraining run automatically; many corrections of one item count once; 0 turns automatic retraining off.">
          {numberInput("retrain_min_feedback", { min: 0, step: 1 })}
        </Field>
        <Field label="Feedback weight" error={errors.feedback_weight} hint={`Training weight of a human answer; imported labels weigh 1 (0.01–100).${detection ? " YOLO has no sample weights: an answered image is repeated round(weight) times." : ""}`}>
          {numberInput("feedback_weight", { min: 0.01, max: 100, step: "any" })}
        </Field>
        <Field label="Promotion metric" error={errors.promotion_metric} hint="What the promotion gate compares on the holdout set.">
          {(control) => (
            <select {...control} value={values.promotion_metric} onChange={(e) => set("promotion_metric", e.target.value)}>
              {METRICS[project.task].map((m) => (
                <option key={m.value} value={m.value}>{m.label} ({m.value})</option>
              ))}
            </select>
          )}
        </Field>
        {!detection && (
          <Field label="Text model" error={errors.text_model} hint={`The model family the next retraining builds (now: ${values.text_model}). Sentence embeddings (a frozen encoder's sentence vectors) learn from far fewer labels (docs/learning.md). Outside a declared envelope of pre-determined changes, its candidates wait for an admin's approval.`}>
            {(control) => (
              <select {...control} value={values.text_model} onChange={(e) => set("text_model", e.target.value)}>
                {TEXT_MODELS.map((m) => (
                  <option key={m.value} value={m.value}>{m.label}</option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Minimum improvement" error={errors.min_improvement} hint="How much a candidate must beat the champion's metric by (−1 to 1; 0 = at least equal).">
          {numberInput("min_improvement", { min: -1, max: 1, step: "any" })}
        </Field>
        <Field label="Require approval" error={errors.require_approval} hint="A candidate that passes the gate waits for a person to promote it (AI Act Art. 14). Off: it is promoted automatically.">
          {(control) => (
            <input {...control} type="checkbox" checked={values.require_approval} onChange={(e) => set("require_approval", e.target.checked)} />
          )}
        </Field>
        <Field label="Queue order" error={errors.queue_strategy} hint={`${strategyHint(values.queue_strategy)}Which unanswered items people see first, after contested ones (docs/learning.md). Gold items are mixed in whatever the order.`}>
          {(control) => (
            <select {...control} value={values.queue_strategy} onChange={(e) => set("queue_strategy", e.target.value)}>
              {QUEUE_STRATEGIES.map((s) => (
                <option key={s.value} value={s.value}>{s.label}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Gold items share" error={errors.gold_rate} hint="Share of each annotator's queue that is gold items (trusted answers they cannot tell apart), to measure their agreement; 0 to 0.5 (AI Act Art. 14(4)(b)).">
          {numberInput("gold_rate", { min: 0, max: 0.5, step: "any" })}
        </Field>
        <Field label="Cap on unreviewed accepts" error={errors.max_unreviewed_accept_share} hint="Largest share of training labels that may be predictions accepted as-is without review; the excess is held back (0–1, AI Act Art. 15(4)). Empty: no cap.">
          {numberInput("max_unreviewed_accept_share", { min: 0, max: 1, step: "any" })}
        </Field>
        {detection && (
          <>
            <Field label="Review IoU threshold" error={errors.review_iou_threshold} hint="A corrected box overlapping the model's box less than this (IoU) is flagged for second review (0.01–1).">
              {numberInput("review_iou_threshold", { min: 0.01, max: 1, step: "any" })}
            </Field>
            <Field label="Confident removal threshold" error={errors.confident_removal_threshold} hint="Deleting a model box at least this confident is flagged for second review (0.01–1).">
              {numberInput("confident_removal_threshold", { min: 0.01, max: 1, step: "any" })}
            </Field>
          </>
        )}
      </fieldset>

      <fieldset className="stack">
        <legend>Record of processing (GDPR Art. 30)</legend>
        <p className="small muted">
          The controller must keep a record of why personal data is processed, on which legal ground (Art. 6(1)) and
          for how long. These fields are that record for this project, and they are copied into every model card.
        </p>
        <Field label="Purpose" error={errors.purpose} hint="What the model is for, in a sentence a data subject could understand.">
          {(control) => <textarea {...control} rows={3} value={values.purpose} onChange={(e) => set("purpose", e.target.value)} />}
        </Field>
        <div className="grid grid-2">
          <Field label="Lawful basis" error={errors.lawful_basis} hint="An Art. 6(1) basis, e.g. legitimate_interests or contract (at most 64 characters).">
            {(control) => (
              <>
                <input {...control} list={`${control.id}-bases`} maxLength={64} value={values.lawful_basis} onChange={(e) => set("lawful_basis", e.target.value)} />
                <datalist id={`${control.id}-bases`}>
                  {LAWFUL_BASES.map((basis) => <option key={basis} value={basis} />)}
                </datalist>
              </>
            )}
          </Field>
          <Field label="Retention (days)" error={errors.retention_days} hint="How long inputs are kept, in days; leave empty if no period is set.">
            {numberInput("retention_days", { min: 1, step: 1 })}
          </Field>
          <Field label="Prediction log retention (days)" error={errors.log_retention_days} hint="How long prediction logs are kept before the daily purge; at least 183 days (AI Act Art. 19, 26(6)). Empty: kept for good.">
            {numberInput("log_retention_days", { min: 183, step: 1 })}
          </Field>
        </div>
      </fieldset>

      {hasFieldErrors && (
        <div className="alert alert-error" role="alert">
          Nothing was saved: fix the fields marked below.
          {unplaced.map(([field, messages]) => <div key={field}>{field}: {messages.join(" ")}</div>)}
        </div>
      )}
      {!hasFieldErrors && <ErrorMessage error={update.error} title="Nothing was saved." />}
      {saved && <p className="alert alert-success" role="status">{saved}</p>}
      <div className="row">
        <Button type="submit" variant="primary" disabled={!dirty || update.isPending}>
          {update.isPending ? "Saving…" : "Save changes"}
        </Button>
        {!dirty && <span className="small muted">No changes to save.</span>}
      </div>
    </form>
  );
}

// The chosen strategy's one-line description, shown first in the queue order's hint (the options name them only:
// at laptop width a select shows about thirty characters).
function strategyHint(value: string): string {
  const hint = QUEUE_STRATEGIES.find((s) => s.value === value)?.hint;
  return hint ? `${hint[0].toUpperCase()}${hint.slice(1)}. ` : "";
}
