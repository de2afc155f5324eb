// Training runs shaped like GET /training-runs/{id}/ (docs/api.md), for page tests.
export function run(id: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    project: "demo-text",
    trigger: "manual",
    status: "succeeded",
    progress: { stage: "done", percent: 100 },
    params: { k_folds: 5, seed: 42, C: 4.0, max_iter: 2000 },
    kfold: {
      k: 5,
      folds: [],
      mean: { accuracy: 0.733334, f1_macro: 0.732377 },
      std: { accuracy: 0.066667, f1_macro: 0.06753 },
    },
    mlflow_run_id: "6aa1e536b99f49898e2ca6b590a03a42",
    error: "",
    dataset_version: id,
    model_version: { id: 100 + id, number: id, status: "candidate" },
    created_at: "2026-11-23T11:46:51Z",
    started_at: "2026-11-23T11:46:52Z",
    finished_at: "2026-11-23T11:48:57Z",
    ...extra,
  };
}
