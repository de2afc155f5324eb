// Shapes of the model-version payloads (docs/api.md "Model versions"). The OpenAPI schema types
// `metrics`, `gate` and `model_card` as free-form JSON, so their inner shape is spelled out here.
import type { components } from "@/lib/api/schema";

export type VersionStatus = components["schemas"]["ModelVersionOutput"]["status"];

export type TextClassMetrics = { precision: number; recall: number; f1: number; support: number };
export type DetectionClassMetrics = { ap50: number; ap50_95: number };

export type KFoldSummary = {
  k?: number;
  folds?: ({ fold: number; n_train?: number; n_val?: number } & Record<string, number | string | undefined>)[];
  mean?: Record<string, number>;
  std?: Record<string, number>;
  skipped?: string;
};

export type EpochRow = { epoch: number } & Record<string, number>;

export type VersionMetrics = {
  n?: number;
  accuracy?: number;
  f1_macro?: number;
  map50?: number;
  map50_95?: number;
  per_class?: Record<string, Partial<TextClassMetrics & DetectionClassMetrics>>;
  // detection: counts of boxes ("unit": "boxes") matched to the truth at IoU ≥ min_iou, with a "background" label
  confusion_matrix?: { labels: string[]; matrix: number[][]; unit?: "boxes"; min_iou?: number };
  per_epoch?: EpochRow[];
  kfold?: KFoldSummary;
};

export type Gate = {
  metric?: string;
  candidate?: number;
  champion?: number;
  delta?: number;
  min_improvement?: number;
  champion_version?: number | null;
  champion_metrics_same_holdout?: Record<string, number>;
  passed?: boolean;
  decision?: string;
  reason?: string;
  /** Set with `decision: "rejected_by_human"` (POST /model-versions/{id}/reject/). */
  rejected_reason?: string;
  /** When the project declares an envelope of pre-determined changes (AI Act Annex IV 2(f)): what lies outside it. */
  envelope?: { outside?: string[] };
};

export type ModelCard = {
  model?: Record<string, unknown>;
  intended_use?: Record<string, unknown>;
  data?: Record<string, unknown>;
  training?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
  limitations?: string[];
  human_oversight?: string;
};

export type ModelVersion = Omit<components["schemas"]["ModelVersionOutput"], "metrics" | "gate" | "model_card" | "approved_by"> & {
  metrics: VersionMetrics;
  gate?: Gate | null;
  model_card?: ModelCard | null;
  approved_by: string | null;
};

export type LearningCurvePoint = {
  version_id: number;
  number: number;
  status: VersionStatus;
  human_answers: number;
  value: number | null;
  created_at: string;
};

export type LearningCurve = { metric: string; points: LearningCurvePoint[] };

export type Page<T> = { count: number; next: string | null; previous: string | null; results: T[] };

/** The promotion metric a project uses when it names none (the backend's defaults). */
export function defaultMetric(task: string): string {
  return task === "object_detection" ? "map50_95" : "f1_macro";
}

/** The metrics every version of a task reports on the holdout, the promotion metric first. */
export function holdoutMetricKeys(task: string, promotionMetric: string): string[] {
  const keys = task === "object_detection" ? ["map50_95", "map50"] : ["f1_macro", "accuracy"];
  return [promotionMetric, ...keys.filter((k) => k !== promotionMetric)];
}

export const METRIC_NAMES: Record<string, string> = {
  f1_macro: "F1 (macro)",
  accuracy: "Accuracy",
  map50: "mAP50",
  map50_95: "mAP50-95",
  precision: "Precision",
  recall: "Recall",
  f1: "F1",
  ap50: "AP50",
  ap50_95: "AP50-95",
  box_loss: "box loss",
  cls_loss: "class loss",
  dfl_loss: "DFL loss",
  val_box_loss: "val box loss",
  val_cls_loss: "val class loss",
  val_dfl_loss: "val DFL loss",
};

export const metricName = (key: string) => METRIC_NAMES[key] ?? key.replace(/_/g, " ");

export function formatMetric(value: unknown, digits = 3): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "–";
}

export function formatDelta(value: unknown, digits = 3): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "–";
  const text = value.toFixed(digits);
  return value > 0 ? `+${text}` : text;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });
}

