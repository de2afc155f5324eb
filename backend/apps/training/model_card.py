"""model_card_build: the technical documentation of one model version (AI Act Art. 11, Annex IV), as data."""
from django.conf import settings


def model_card_build(*, model_version, snapshot, params: dict) -> dict:
    project = model_version.project
    metrics = model_version.metrics
    return {
        "model": {"project": project.slug, "version": model_version.number, "task": project.task,
                  "algorithm": "TF-IDF (word n-grams) + logistic regression (scikit-learn)",
                  "registered_model": f"{model_version.registered_model_name}/{model_version.registered_version}",
                  "mlflow_run_id": model_version.mlflow_run_id, "mlflow_tracking_uri": settings.MLFLOW_TRACKING_URI},
        "intended_use": {"purpose": project.purpose or "not stated", "lawful_basis": project.lawful_basis or "not stated",
                         "labels": project.labels},
        "data": {"dataset_version": snapshot.version.pk, "content_hash": snapshot.version.content_hash,
                 "counts": snapshot.version.counts, "holdout_size": snapshot.version.holdout_size,
                 "holdout_hash": snapshot.version.holdout_hash,
                 "feedback_weight": project.feedback_weight},
        "training": {"params": params, "kfold": metrics.get("kfold", {})},
        "evaluation": {k: metrics.get(k) for k in ("accuracy", "f1_macro", "per_class", "n")},
        "limitations": [
            "Bag-of-words model: word order, negation and sarcasm are captured only through n-grams.",
            "Measured on the project's fixed holdout only; performance on other text sources is unknown.",
            "Human feedback is weighted above imported labels; systematic annotator errors propagate.",
        ],
        "human_oversight": "Promotion needs a passing gate and, when the project requires it, a human approval; "
                           "every prediction can be corrected and any version rolled back.",
    }
