// Realistic API payloads for page tests, shaped like the backend's responses (docs/api.md).
export const users = {
  annotator: { username: "annotator", roles: ["annotator"], is_staff: false, is_superuser: false },
  reviewer: { username: "reviewer", roles: ["reviewer"], is_staff: false, is_superuser: false },
  engineer: { username: "engineer", roles: ["ml_engineer"], is_staff: false, is_superuser: false },
  auditor: { username: "auditor", roles: ["auditor"], is_staff: false, is_superuser: false },
  privacy: { username: "privacy", roles: ["privacy_officer"], is_staff: false, is_superuser: false },
  admin: { username: "admin", roles: ["admin"], is_staff: true, is_superuser: true },
};

const policies = {
  retrain_min_feedback: 50,
  feedback_weight: 2,
  min_improvement: 0,
  require_approval: true,
  text_model: "tfidf_lr" as "tfidf_lr" | "embedding_lr",
  review_iou_threshold: 0.5,
  confident_removal_threshold: 0.75,
  gold_rate: 0.05,
  queue_strategy: "least_confident" as string,
  max_unreviewed_accept_share: null,
  retention_days: null,
  purpose: "Route customer-support tickets to the right team (synthetic demo data).",
  lawful_basis: "legitimate_interests",
  created_at: "2026-11-23T11:46:51.586012Z",
  stopped_at: null as string | null,
  stopped_role: "",
  stop_reason: "",
};

export const textProject = {
  id: 1,
  slug: "demo-text",
  name: "Support tickets (synthetic demo)",
  task: "text_classification" as const,
  labels: ["billing", "technical", "shipping", "account", "product_question"],
  promotion_metric: "f1_macro",
  ...policies,
  champion: { id: 1, number: 1, metric: "f1_macro", value: 0.657615 },
  queue_count: 2550,
  pending_reviews: 0,
};

export const detectionProject = {
  id: 2,
  slug: "demo-shapes",
  name: "Shapes (synthetic detection demo)",
  task: "object_detection" as const,
  labels: ["circle", "square", "triangle"],
  promotion_metric: "map50_95",
  ...policies,
  retrain_min_feedback: 40,
  champion: { id: 2, number: 1, metric: "map50_95", value: 0.412 },
  queue_count: 280,
  pending_reviews: 3,
};

export function page<T>(results: T[], count = results.length) {
  return { count, next: null, previous: null, results };
}
