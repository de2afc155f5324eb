// The settings form's values (strings, as inputs hold them) and the PATCH body of what changed.
import type { FieldErrors } from "@/lib/api/field-errors";
import type { Project } from "@/lib/project";
import type { QueueStrategy } from "@/lib/queue-strategy";

import type { ProjectPatch } from "./api/update-project";

export const METRICS: Record<Project["task"], { value: string; label: string }[]> = {
  text_classification: [
    { value: "f1_macro", label: "F1 (macro average)" },
    { value: "accuracy", label: "Accuracy" },
  ],
  object_detection: [
    { value: "map50_95", label: "mAP@50–95" },
    { value: "map50", label: "mAP@50" },
  ],
};

export const TEXT_MODELS: { value: string; label: string }[] = [
  { value: "tfidf_lr", label: "TF-IDF + logistic regression" },
  { value: "embedding_lr", label: "Embeddings + logistic regression" },
];

const NUMBER_FIELDS = [
  "retrain_min_feedback",
  "feedback_weight",
  "min_improvement",
  "review_iou_threshold",
  "confident_removal_threshold",
  "gold_rate",
] as const;
// Empty means null: no retention period, no cap. Whole days where `integer`.
const NULLABLE_FIELDS = [
  { field: "retention_days", integer: true },
  { field: "log_retention_days", integer: true },
  { field: "max_unreviewed_accept_share", integer: false },
] as const;
const DETECTION_ONLY = new Set<string>(["review_iou_threshold", "confident_removal_threshold"]);

type NumberField = (typeof NUMBER_FIELDS)[number];

export type FormValues = Record<NumberField, string> & {
  promotion_metric: string;
  text_model: string;
  queue_strategy: string;
  require_approval: boolean;
  retention_days: string;
  log_retention_days: string;
  max_unreviewed_accept_share: string;
  purpose: string;
  lawful_basis: string;
};

export function projectLabels(project: Project): string[] {
  return Array.isArray(project.labels) ? (project.labels as string[]) : [];
}

const text = (value: number | null | undefined) => (value == null ? "" : String(value));

export function formFromProject(project: Project): FormValues {
  return {
    retrain_min_feedback: text(project.retrain_min_feedback),
    feedback_weight: text(project.feedback_weight),
    min_improvement: text(project.min_improvement),
    review_iou_threshold: text(project.review_iou_threshold),
    confident_removal_threshold: text(project.confident_removal_threshold),
    gold_rate: text(project.gold_rate),
    log_retention_days: text(project.log_retention_days),
    max_unreviewed_accept_share: text(project.max_unreviewed_accept_share),
    promotion_metric: project.promotion_metric ?? "",
    text_model: project.text_model ?? "tfidf_lr",
    queue_strategy: project.queue_strategy ?? "least_confident",
    require_approval: project.require_approval ?? true,
    retention_days: text(project.retention_days),
    purpose: project.purpose ?? "",
    lawful_basis: project.lawful_basis ?? "",
  };
}

export type { FieldErrors };

/** Only the fields that differ from `project`, or the fields the user must fix first. */
export function changedFields(
  project: Project,
  values: FormValues,
  newLabels: string[],
): { body: ProjectPatch; errors: FieldErrors } {
  const body: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const field of NUMBER_FIELDS) {
    if (DETECTION_ONLY.has(field) && project.task !== "object_detection") continue;
    const raw = values[field].trim();
    const value = Number(raw);
    if (raw === "" || !Number.isFinite(value)) errors[field] = ["Enter a number."];
    else if (value !== project[field]) body[field] = value;
  }
  for (const { field, integer } of NULLABLE_FIELDS) {
    const raw = values[field].trim();
    const value = raw === "" ? null : Number(raw);
    if (value !== null && (integer ? !Number.isInteger(value) : !Number.isFinite(value)))
      errors[field] = [integer ? "Enter whole days, or leave empty." : "Enter a number, or leave empty."];
    else if (value !== (project[field] ?? null)) body[field] = value;
  }
  if (values.promotion_metric !== project.promotion_metric) body.promotion_metric = values.promotion_metric;
  if (project.task === "text_classification" && values.text_model !== project.text_model)
    body.text_model = values.text_model as ProjectPatch["text_model"];
  if (values.queue_strategy !== project.queue_strategy) body.queue_strategy = values.queue_strategy as QueueStrategy;
  if (values.require_approval !== project.require_approval) body.require_approval = values.require_approval;
  if (values.purpose !== (project.purpose ?? "")) body.purpose = values.purpose;
  if (values.lawful_basis !== (project.lawful_basis ?? "")) body.lawful_basis = values.lawful_basis;
  // Labels are append-only: the current ones, unchanged and in order, then the new ones.
  if (newLabels.length) body.labels = [...projectLabels(project), ...newLabels];
  return { body: body as ProjectPatch, errors };
}
