// The project's monitoring thresholds (AI Act Art. 72). ML engineers and admins edit them: only changed
// values are sent, each change is audited by the API, and a refusal appears at its field. Others (auditors)
// read them.
import { useState, type FormEvent } from "react";

import { Button, ErrorMessage } from "@/components/ui";
import { Field } from "@/components/ui/field";
import { ApiError } from "@/lib/api/errors";
import { fieldErrorsOf, type FieldErrors } from "@/lib/api/field-errors";

import { useUpdatePolicy, type Policy } from "../api";
import { changedThresholds, NUMBER_THRESHOLDS, valuesFromPolicy, type ThresholdValues } from "../thresholds";

type Props = { slug: string; policy: Policy; canEdit: boolean };

export function ThresholdsCard({ slug, policy, canEdit }: Props) {
  return (
    <section className="card" aria-labelledby="thresholds-title">
      <h2 id="thresholds-title">Thresholds</h2>
      <p className="small muted">
        A version whose window crosses one of these raises a flag (and, if set, queues a training run).
        {canEdit ? " Changes are recorded in the audit log and apply from the next check." : " ML engineers and admins change them."}
      </p>
      {canEdit ? <ThresholdsForm slug={slug} policy={policy} /> : <ThresholdsList policy={policy} />}
    </section>
  );
}

function ThresholdsList({ policy }: { policy: Policy }) {
  return (
    <dl className="monitor-facts">
      {NUMBER_THRESHOLDS.map((spec) => (
        <div key={spec.field}>
          <dt>{spec.label}</dt>
          <dd>{policy[spec.field]}</dd>
        </div>
      ))}
      <div>
        <dt>Retrain on a flag</dt>
        <dd>{policy.retrain_on_flag ? "yes" : "no"}</dd>
      </div>
    </dl>
  );
}

function ThresholdsForm({ slug, policy: initial }: { slug: string; policy: Policy }) {
  const [policy, setPolicy] = useState(initial); // as last saved: "changed" means changed since then
  const [values, setValues] = useState<ThresholdValues>(() => valuesFromPolicy(initial));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const update = useUpdatePolicy(slug);
  const pending = changedThresholds(policy, values);
  // Changed, valid or not: an out-of-range value can be submitted, to be told why it is refused.
  const dirty = Object.keys(pending.body).length > 0 || Object.keys(pending.errors).length > 0;
  const set = <K extends keyof ThresholdValues>(field: K, value: ThresholdValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setSaved(null);
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    if (Object.keys(pending.errors).length) return setErrors(pending.errors);
    setErrors({});
    const fields = Object.keys(pending.body);
    update.mutate(pending.body, {
      onSuccess: (next) => {
        setPolicy(next);
        setValues(valuesFromPolicy(next));
        setSaved(`Saved: ${fields.map((f) => NUMBER_THRESHOLDS.find((s) => s.field === f)?.label ?? "retrain on a flag").join(", ")}.`);
      },
      onError: (error) => setErrors(error instanceof ApiError ? fieldErrorsOf(error.body) : {}),
    });
  }

  const hasFieldErrors = Object.keys(errors).length > 0;
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Monitoring thresholds">
      <div className="grid grid-3">
        {NUMBER_THRESHOLDS.map((spec) => (
          <Field key={spec.field} label={spec.label} hint={spec.hint} error={errors[spec.field]}>
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="decimal"
                min={spec.min}
                max={spec.max}
                step={spec.integer ? 1 : "any"}
                value={values[spec.field]}
                onChange={(e) => set(spec.field, e.target.value)}
              />
            )}
          </Field>
        ))}
        <Field label="Retrain on a flag" hint="Queue a training run when a flag is raised (none while one runs or the model is stopped)." error={errors.retrain_on_flag}>
          {(control) => (
            <input {...control} type="checkbox" checked={values.retrain_on_flag} onChange={(e) => set("retrain_on_flag", e.target.checked)} />
          )}
        </Field>
      </div>
      {hasFieldErrors && (
        <div className="alert alert-error" role="alert">
          Nothing was saved: fix the fields marked above.
        </div>
      )}
      {!hasFieldErrors && <ErrorMessage error={update.error} title="Nothing was saved." />}
      {saved && (
        <p className="alert alert-success" role="status">
          {saved}
        </p>
      )}
      <div className="row">
        <Button type="submit" variant="primary" disabled={!dirty || update.isPending}>
          {update.isPending ? "Saving…" : "Save thresholds"}
        </Button>
        {!dirty && <span className="small muted">No changes to save.</span>}
      </div>
    </form>
  );
}
