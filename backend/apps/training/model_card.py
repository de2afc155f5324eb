"""model_card_build: the technical documentation of one model version (AI Act Art. 11, Annex IV), as data."""
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

ALGORITHMS = {
    "text_classification": "TF-IDF (word n-grams) + logistic regression (scikit-learn)",
    "object_detection": "YOLO (ultralytics), trained from a model YAML, then fine-tuned from the previous champion",
}
LIMITATIONS = {
    "text_classification": ["Bag-of-words model: word order, negation and sarcasm are captured only through n-grams."],
    "object_detection": ["Trained at a small input size: small objects may be missed.",
                         "Feedback in detection is repeated, not weighted, to emphasise it (YOLO has no sample weights)."],
}


def _without_credentials(uri: str) -> str:
    parts = urlsplit(uri)
    if not parts.username and not parts.password:
        return uri
    return urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))


def model_card_build(*, model_version, manifest: dict, params: dict) -> dict:
    project = model_version.project
    metrics = model_version.metrics
    return {
        "model": {"project": project.slug, "version": model_version.number, "task": project.task,
                  "algorithm": ALGORITHMS.get(project.task, project.task),
                  "registered_model": f"{model_version.registered_model_name}/{model_version.registered_version}",
                  "mlflow_run_id": model_version.mlflow_run_id,
                  "mlflow_tracking_uri": _without_credentials(settings.MLFLOW_TRACKING_URI)},
        "intended_use": {"purpose": project.purpose or "not stated", "lawful_basis": project.lawful_basis or "not stated",
                         "labels": project.labels},
        "data": {"dataset_version": manifest.get("dataset_version"), "content_hash": manifest.get("content_hash"),
                 "counts": manifest.get("counts"), "holdout_size": manifest.get("holdout_size"),
                 "holdout_hash": manifest.get("holdout_hash"), "feedback_weight": manifest.get("feedback_weight")},
        "training": {"params": params, "kfold": metrics.get("kfold", {})},
        "evaluation": {k: metrics[k] for k in ("accuracy", "f1_macro", "map50", "map50_95", "per_class", "n")
                       if k in metrics},
        "limitations": [*LIMITATIONS.get(project.task, []),
                        "Measured on the project's fixed holdout only; performance on other data sources is unknown.",
                        "Human feedback is weighted above imported labels; systematic annotator errors propagate."],
        "human_oversight": "Promotion needs a passing gate and, when the project requires it, a human approval; "
                           "every prediction can be corrected and any version rolled back.",
    }
