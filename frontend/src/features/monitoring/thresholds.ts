// The monitoring thresholds as the form holds them (strings, as inputs do), their ranges (those the API
// checks; the API stays the judge), and the PATCH body of what changed.
import type { FieldErrors } from "@/lib/api/field-errors";

import type { Policy, PolicyPatch } from "./api";

type NumberSpec = {
  field: Exclude<keyof Policy, "retrain_on_flag">;
  label: string;
  hint: string;
  min: number;
  max: number;
  integer?: boolean;
  /** The minimum itself is refused (a PSI of 0 would flag any stream). */
  exclusiveMin?: boolean;
};

export const NUMBER_THRESHOLDS: NumberSpec[] = [
  { field: "window_days", label: "Window (days)", hint: "The check looks at the last N UTC days (1–366).", min: 1, max: 366, integer: true },
  { field: "min_predictions", label: "Predictions needed for a shift test", hint: "Fewer predictions in the window: no label or input shift is judged.", min: 0, max: 1e9, integer: true },
  { field: "min_answers", label: "Answers needed for a rate check", hint: "Fewer answers in the window: no correction or disagreement rate is judged.", min: 0, max: 1e9, integer: true },
  { field: "max_correction_rate", label: "Highest correction rate", hint: "Share of answers that corrected the model (0–1); above it, a flag.", min: 0, max: 1 },
  { field: "max_disagreement_rate", label: "Highest disagreement rate", hint: "Flagged answers (detection) or corrections of confident predictions (text), per answer (0–1).", min: 0, max: 1 },
  { field: "confident_threshold", label: "Confident prediction (text)", hint: "A correction of a text prediction at least this confident counts as a disagreement (0–1).", min: 0, max: 1 },
  { field: "shift_p_value", label: "Shift p-value", hint: "A shift needs a chi-square p-value below this (0–1).", min: 0, max: 1 },
  { field: "label_shift_min_distance", label: "Smallest label shift", hint: "…and a total variation distance from the training labels of at least this (0–1).", min: 0, max: 1 },
  { field: "input_psi_threshold", label: "Input shift (PSI)", hint: "Population stability index of the input feature at which it counts as shifted (above 0; 0.25 is usual).", min: 0, max: 100, exclusiveMin: true },
];

export type ThresholdValues = Record<NumberSpec["field"], string> & { retrain_on_flag: boolean };

export function valuesFromPolicy(policy: Policy): ThresholdValues {
  const values = { retrain_on_flag: policy.retrain_on_flag ?? false } as ThresholdValues;
  for (const { field } of NUMBER_THRESHOLDS) values[field] = policy[field] == null ? "" : String(policy[field]);
  return values;
}

/** Only the thresholds that differ from `policy`, or the fields to fix first (nothing is sent then). */
export function changedThresholds(policy: Policy, values: ThresholdValues): { body: PolicyPatch; errors: FieldErrors } {
  const body: PolicyPatch = {};
  const errors: FieldErrors = {};
  for (const spec of NUMBER_THRESHOLDS) {
    const raw = values[spec.field].trim();
    const value = Number(raw);
    if (raw === "" || !Number.isFinite(value)) errors[spec.field] = ["Enter a number."];
    else if (spec.integer && !Number.isInteger(value)) errors[spec.field] = ["Enter a whole number."];
    else if (value < spec.min || value > spec.max || (spec.exclusiveMin && value === spec.min))
      errors[spec.field] = [
        spec.exclusiveMin ? `Enter a number above ${spec.min}, at most ${spec.max}.` : `Enter a number from ${spec.min} to ${spec.max}.`,
      ];
    else if (value !== policy[spec.field]) body[spec.field] = value;
  }
  if (values.retrain_on_flag !== (policy.retrain_on_flag ?? false)) body.retrain_on_flag = values.retrain_on_flag;
  return { body, errors };
}
