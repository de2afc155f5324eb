// A monitoring payload shaped like GET /projects/{slug}/monitoring/ (docs/monitoring.md).
const day = (date: string, predictions: number, answers: number, corrections: number, psi: number) => ({
  date,
  predictions,
  confidence: { p10: 0.55, p50: 0.8, p90: 0.95 },
  answers,
  corrections,
  correction_rate: answers ? corrections / answers : null,
  disagreements: Math.floor(corrections / 2),
  disagreement_rate: answers ? Math.floor(corrections / 2) / answers : null,
  label_shift: { p_value: 0.2, tvd: 0.05 },
  input_shift: { psi, p_value: 0.004 },
});

export const policy = {
  window_days: 7,
  min_predictions: 100,
  min_answers: 30,
  max_correction_rate: 0.3,
  max_disagreement_rate: 0.2,
  confident_threshold: 0.8,
  shift_p_value: 0.01,
  label_shift_min_distance: 0.1,
  input_psi_threshold: 0.25,
  retrain_on_flag: false,
};

export const flag = (id: number, overrides: object = {}) => ({
  id,
  model_version: 2,
  kind: "correction_rate",
  value: 0.36,
  threshold: 0.3,
  details: { answers: 50 },
  raised_at: "2026-11-30T06:00:00Z",
  cleared_at: null,
  clear_reason: "",
  training_run: 12,
  ...overrides,
});

export const version = (number: number, status: string, overrides: object = {}) => ({
  id: 10 + number,
  number,
  status,
  dataset_version: 5,
  reference: { feature: "text_length", labels: { billing: 12, shipping: 12 } },
  window: {
    predictions: 420,
    confidence: { p10: 0.55, p50: 0.81, p90: 0.95, histogram: [] },
    answers: 50,
    corrections: 18,
    correction_rate: 0.36,
    disagreements: 9,
    disagreement_rate: 0.18,
    labels: { billing: 200, shipping: 220 },
    label_shift: { p_value: 0.2, tvd: 0.05, statistic: 1.6, dof: 1, n: 420 },
    input_shift: { psi: 0.31, p_value: 0.004 },
  },
  days: [day("2026-11-28", 120, 10, 3, 0.12), day("2026-11-29", 150, 20, 7, 0.28), day("2026-11-30", 150, 20, 8, 0.33)],
  ...overrides,
});

export const monitoring = (overrides: object = {}) => ({
  since: "2026-11-24T00:00:00Z",
  until: "2026-11-30T10:00:00Z",
  days: 7,
  feature: "text_length",
  confident_threshold: 0.8,
  versions: [version(1, "archived", { days: [day("2026-11-28", 40, 0, 0, 0.05)] }), version(2, "champion")],
  flags: [flag(1)],
  recent_flags: [flag(1), flag(2, { kind: "input_shift", value: 0.3, threshold: 0.25, cleared_at: "2026-11-29T06:00:00Z", clear_reason: "below the threshold again", training_run: null })],
  policy,
  ...overrides,
});

export const annotators = {
  since: "2026-11-24T00:00:00Z",
  until: "2026-11-30T10:00:00Z",
  annotators: [
    { annotator: "ann", answers: 40, accepted: 36, accept_rate: 0.9, corrected: 4, correction_rate: 0.1, uncertain_answers: 10, uncertain_accept_rate: 0.8, median_seconds: 3.2 },
    { annotator: "rev", answers: 10, accepted: 4, accept_rate: 0.4, corrected: 6, correction_rate: 0.6, uncertain_answers: 0, uncertain_accept_rate: null, median_seconds: null },
  ],
};
