// Shapes of a training run (docs/api.md "Training runs"). The OpenAPI schema types `progress`,
// `params` and `kfold` as free-form JSON, so their inner shape is spelled out here.
import type { components } from "@/lib/api/schema";

type RunOutput = components["schemas"]["TrainingRunOutput"];

export type RunStatus = "queued" | "running" | "succeeded" | "failed";

export type RunProgress = {
  stage?: string;
  percent?: number;
  fold?: number;
  folds?: number;
  epoch?: number;
  epochs?: number;
  traceback?: string;
};

export type RunKFold = {
  k?: number;
  folds?: Record<string, number>[];
  mean?: Record<string, number>;
  std?: Record<string, number>;
  skipped?: string;
};

export type TrainingRun = Omit<RunOutput, "status" | "progress" | "params" | "kfold" | "model_version"> & {
  status: RunStatus;
  progress: RunProgress;
  params: Record<string, unknown>;
  kfold: RunKFold;
  /** `outside_envelope`: what the promotion gate found outside the project's envelope of pre-determined changes. */
  model_version: { id: number; number: number; status: string; outside_envelope?: string[] } | null;
};

export type Page<T> = { count: number; next: string | null; previous: string | null; results: T[] };

export const isActive = (run: Pick<TrainingRun, "status"> | undefined) =>
  run?.status === "queued" || run?.status === "running";

/** The parameters a run may override, per task (docs/api.md, POST …/training-runs/). */
export type ParamSpec = { key: string; label: string; hint: string; decimal?: boolean };

export const TRAINING_PARAMS: Record<string, ParamSpec[]> = {
  text_classification: [
    { key: "k_folds", label: "Folds (k)", hint: "k-fold cross-validation folds, at least 2" },
    { key: "C", label: "C", hint: "inverse regularisation strength of the logistic regression", decimal: true },
    { key: "max_iter", label: "Max iterations", hint: "solver iterations" },
  ],
  object_detection: [
    { key: "epochs", label: "Epochs", hint: "epochs of the final training" },
    { key: "k_folds", label: "Folds (k)", hint: "k-fold cross-validation folds, at least 2" },
    { key: "batch_size", label: "Batch size", hint: "images per batch" },
    { key: "img_size", label: "Image size", hint: "input size in pixels" },
    { key: "patience", label: "Patience", hint: "epochs without improvement before stopping early" },
  ],
};

const STAGES: Record<string, string> = {
  queued: "Waiting for a worker",
  collecting: "Collecting the training data",
  data_collection: "Collecting the training data",
  formatting: "Formatting the dataset",
  data_formatting: "Formatting the dataset",
  kfold: "Cross-validating",
  kfold_model_training: "Cross-validating",
  training: "Training the final model",
  model_training: "Training the final model",
  evaluating: "Evaluating on the holdout",
  evaluate: "Evaluating on the holdout",
  registering: "Registering the model",
  register: "Registering the model",
  gate: "Comparing with the champion (promotion gate)",
  done: "Done",
  failed: "Failed",
};

export function stageName(stage: string | undefined): string {
  if (!stage) return "Unknown stage";
  return STAGES[stage] ?? stage.replace(/_/g, " ");
}

export function formatDuration(run: Pick<TrainingRun, "started_at" | "finished_at">, now = Date.now()): string {
  if (!run.started_at) return "–";
  const end = run.finished_at ? Date.parse(run.finished_at) : now;
  const seconds = Math.max(0, Math.round((end - Date.parse(run.started_at)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });
}

const METRIC_NAMES: Record<string, string> = { f1_macro: "F1 (macro)", accuracy: "Accuracy", map50: "mAP50", map50_95: "mAP50-95" };
export const metricName = (key: string) => METRIC_NAMES[key] ?? key.replace(/_/g, " ");

/** "0.732 ± 0.068" for the metric (named only when `named` or when the run lacks it and another
 *  metric is shown), or a dash. */
export function kfoldSummary(kfold: RunKFold | undefined, metric: string, named = true): string {
  if (!kfold) return "–";
  if (kfold.skipped) return `skipped (${kfold.skipped})`;
  const mean = kfold.mean ?? {};
  const key = metric in mean ? metric : Object.keys(mean)[0];
  if (!key || typeof mean[key] !== "number") return "–";
  const std = kfold.std?.[key];
  const name = named || key !== metric ? `${metricName(key)} ` : "";
  return `${name}${mean[key].toFixed(3)}${typeof std === "number" ? ` ± ${std.toFixed(3)}` : ""}`;
}
