// Model versions shaped like GET /projects/{slug}/model-versions/ (docs/api.md), for page tests.
const LABELS = ["billing", "technical", "shipping", "account", "product_question"];

function textMetrics(f1: number, accuracy: number) {
  return {
    accuracy,
    f1_macro: f1,
    n: 600,
    per_class: Object.fromEntries(
      LABELS.map((label, i) => [label, { precision: f1 - 0.01 * i, recall: f1 + 0.01 * i, f1: f1 - 0.005 * i, support: 120 }]),
    ),
    confusion_matrix: {
      labels: LABELS,
      matrix: [
        [97, 8, 5, 6, 4],
        [9, 88, 7, 11, 5],
        [3, 6, 101, 4, 6],
        [7, 12, 2, 92, 7],
        [6, 9, 8, 10, 87],
      ],
    },
    kfold: {
      k: 3,
      folds: [
        { fold: 0, n_train: 100, n_val: 50, accuracy: 0.74, f1_macro: 0.73 },
        { fold: 1, n_train: 100, n_val: 50, accuracy: 0.7, f1_macro: 0.69 },
        { fold: 2, n_train: 100, n_val: 50, accuracy: 0.78, f1_macro: 0.77 },
      ],
      mean: { accuracy: 0.74, f1_macro: 0.73 },
      std: { accuracy: 0.032660, f1_macro: 0.03266 },
    },
  };
}

const card = (number: number) => ({
  model: {
    project: "demo-text",
    version: number,
    task: "text_classification",
    algorithm: "TF-IDF (word n-grams) + logistic regression (scikit-learn)",
    registered_model: `demo-text/${number}`,
    mlflow_run_id: `run${number}`.padEnd(32, "0"),
    mlflow_tracking_uri: "sqlite:///var/mlflow/mlflow.db",
  },
  intended_use: { purpose: "Route support tickets", lawful_basis: "legitimate_interests", labels: LABELS },
  data: { dataset_version: number, content_hash: "abc123", counts: { billing: 30, technical: 30 }, holdout_size: 600, feedback_weight: 2 },
  training: { params: { k_folds: 3, C: 4 }, kfold: textMetrics(0.7, 0.7).kfold },
  evaluation: { accuracy: 0.7, f1_macro: 0.7, n: 600 },
  limitations: ["Bag-of-words model: word order, negation and sarcasm are captured only through n-grams."],
  human_oversight: "Promotion needs a passing gate and a human approval.",
});

function version(id: number, number: number, status: string, f1: number, extra: object = {}) {
  return {
    id,
    project: "demo-text",
    number,
    status,
    metrics: textMetrics(f1, f1 + 0.01),
    gate: null as object | null,
    mlflow_run_id: `run${number}`.padEnd(32, "0"),
    mlflow_run_url: null as string | null,
    registered_model_name: "demo-text",
    registered_version: number,
    training_run: id,
    approved_by: null as string | null,
    promotion_reason: "",
    promoted_at: null as string | null,
    rolled_back_at: null as string | null,
    model_card: card(number),
    created_at: `2026-11-2${number}T10:00:00Z`,
    ...extra,
  };
}

const sameHoldout = { accuracy: 0.7, f1_macro: 0.69, n: 600 };

/** v1 archived (first champion), v2 champion, v3 rejected, v4 passing candidate: newest first. */
export function textVersions() {
  return [
    version(14, 4, "candidate", 0.75, {
      gate: { metric: "f1_macro", candidate: 0.75, champion: 0.69, delta: 0.06, min_improvement: 0, champion_version: 2,
              champion_metrics_same_holdout: sameHoldout, passed: true, decision: "awaiting_approval" },
    }),
    version(13, 3, "rejected", 0.66, {
      gate: { metric: "f1_macro", candidate: 0.66, champion: 0.69, delta: -0.03, min_improvement: 0, champion_version: 2,
              champion_metrics_same_holdout: sameHoldout, passed: false, decision: "rejected" },
    }),
    version(12, 2, "champion", 0.69, {
      approved_by: "engineer",
      promotion_reason: "approved: passed the promotion gate",
      promoted_at: "2026-11-22T11:00:00Z",
      gate: { metric: "f1_macro", candidate: 0.69, champion: 0.6, delta: 0.09, min_improvement: 0, champion_version: 1,
              champion_metrics_same_holdout: { accuracy: 0.61, f1_macro: 0.6, n: 600 }, passed: true, decision: "awaiting_approval" },
    }),
    version(11, 1, "archived", 0.6, {
      promotion_reason: "first model: no champion to compare against",
      promoted_at: "2026-11-21T11:00:00Z",
      gate: { decision: "promoted", reason: "first model: no champion to compare against" },
    }),
  ];
}

export function detectionVersion() {
  return {
    ...version(21, 1, "champion", 0, { project: "demo-shapes", promoted_at: "2026-11-21T11:00:00Z" }),
    metrics: {
      map50: 0.932986,
      map50_95: 0.749657,
      n: 40,
      per_class: {
        circle: { ap50: 0.946902, ap50_95: 0.842782 },
        square: { ap50: 0.96212, ap50_95: 0.727819 },
        triangle: { ap50: 0.889935, ap50_95: 0.678369 },
      },
      per_epoch: [1, 2, 3].map((epoch) => ({
        epoch, time: epoch * 7, box_loss: 1.5 / epoch, cls_loss: 2 / epoch, dfl_loss: 1.2 / epoch, precision: 0.3 * epoch,
        recall: 0.28 * epoch, map50: 0.3 * epoch, map50_95: 0.2 * epoch, val_box_loss: 1.6 / epoch, val_cls_loss: 2.1 / epoch,
        val_dfl_loss: 1.3 / epoch,
      })),
      kfold: {
        k: 2,
        folds: [
          { fold: 0, n_train: 40, n_val: 40, map50: 0.5, map50_95: 0.3 },
          { fold: 1, n_train: 40, n_val: 40, map50: 0.6, map50_95: 0.4 },
        ],
        mean: { map50: 0.55, map50_95: 0.35 },
        std: { map50: 0.05, map50_95: 0.05 },
      },
    },
  };
}
