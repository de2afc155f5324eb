"""model_card_build: the technical documentation of one model version (AI Act Art. 11, Annex IV), as data.

Written once, when the version is registered (apps.training.candidates): what the version was trained on (the
dataset version, counts per label, sources, the provenance mix of its labels), how (algorithm, parameters, k-fold),
how well (holdout metrics per class and the confusion matrix), and its lineage (MLflow run and registry version, git
commit and dvc.lock hashes as the register stage tagged them, the artifact's sha256). What changes later (status,
approval, the comparison with the previous version) is added when the card is read (model_card_render).
"""
import logging
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from apps.feedback.gold import gold_summary

from .models import DatasetVersion
from .provenance import training_label_provenance, training_sources

log = logging.getLogger(__name__)
CARD_SCHEMA = 2
ALGORITHMS = {
    "text_classification": "TF-IDF (word n-grams) + logistic regression (scikit-learn)",
    "object_detection": "YOLO (ultralytics), trained from a model YAML, then fine-tuned from the previous champion",
}
EMBEDDING_ALGORITHM = ("Sentence embeddings of the frozen encoder {encoder} (mean-pooled, L2-normalised) + logistic "
                       "regression (scikit-learn)")
EMBEDDING_LIMITATION = ("The encoder is frozen and general-purpose: words it never saw in pre-training (product names, "
                        "codes) reach the classifier only through their word pieces.")
LIMITATIONS = {
    "text_classification": ["Bag-of-words model: word order, negation and sarcasm are captured only through n-grams."],
    "object_detection": ["Trained at a small input size: small objects may be missed.",
                         "Feedback in detection is repeated, not weighted, to emphasise it (YOLO has no sample weights)."],
}
DETECTION_CONFUSION_NOTE = "not recorded for versions trained before the evaluate stage kept it"


def _without_credentials(uri: str) -> str:
    parts = urlsplit(uri)
    if not parts.username and not parts.password:
        return uri
    return urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))


def labelling_procedure(project) -> str:
    review = ("a correction that disagrees with the model (a different label; for boxes an IoU below "
              f"{project.review_iou_threshold:g} or removing a box above {project.confident_removal_threshold:g} "
              "confidence) goes to a second reviewer, whose answer is used and the first kept beside it")
    return ("Imported labels (as delivered by the project's data source), replaced for each item by the latest human "
            "answer: annotators accept or correct the model's prediction in the web app; " + review + ". "
            "Pool texts no model has scored yet (before the first model) are labelled in the web app as first labels, "
            "weighing as much as an imported label. "
            f"Human answers weigh {project.feedback_weight:g}x an imported label; feedback waiting for review is left "
            "out; holdout items never train. Gold items (trusted labels mixed unseen into annotators' queues at a rate "
            f"of {project.gold_rate:g}) measure annotators' accuracy and never train, nor do the answers given to them. "
            + ("Unreviewed accepts of the model's answer may be at most "
               f"{project.max_unreviewed_accept_share:g} of the training labels; the excess is held back."
               if project.max_unreviewed_accept_share is not None else
               "The share of unreviewed accepts of the model's answer in the training labels is not capped."))


def human_oversight(project) -> list[str]:
    gate = (f"A candidate is compared with the champion on the same holdout by {project.promotion_metric} and must beat "
            f"it by at least {project.min_improvement:g}; ")
    gate += ("a passing candidate then waits for a human approval." if project.require_approval else
             "a passing candidate is promoted automatically (the project does not require approval).")
    return [gate,
            "A candidate outside the project's declared envelope of pre-determined changes (labels, model family, "
            "parameter ranges) is promoted only by an admin, with a logged reason.",
            "Annotators see every prediction and can accept or correct it; disagreements go to a second reviewer.",
            "Automation bias is measured per annotator (share accepted as is, time per answer, agreement with gold "
            "items) in the monitoring API.",
            "Any version can be rejected, promoted with a reason or rolled back in one action; every decision is in "
            "the audit log.",
            "The served artifact is checked against its registration sha256 when it is loaded; a mismatch is refused."]


def _lineage_tags(run_id: str) -> dict:
    """git and dvc.lock references the register stage tagged the MLflow run with ({} when MLflow cannot say)."""
    from ai_models import tracking

    try:
        import mlflow

        tracking.configure(settings.MLFLOW_TRACKING_URI)
        tags = mlflow.MlflowClient().get_run(run_id).data.tags
    except Exception as exc:  # the card is documentation: an unreachable store leaves the field "not recorded"
        log.warning("model card: MLflow run %s tags unreadable: %s", run_id, exc)
        return {"unreadable": f"{type(exc).__name__}: {exc}"[:200]}
    return {"git_commit": tags.get("git_commit"), "git_dirty": tags.get("git_dirty"),
            **{k: tags[k] for k in ("text_model", "encoder", "encoder_fingerprint") if k in tags},
            "dataset_hash": tags.get("dataset_hash"),
            "dvc_lock": {k.removeprefix("dvc.").removesuffix(".md5"): v for k, v in sorted(tags.items())
                         if k.startswith("dvc.")}}


def _data(project, manifest: dict) -> dict:
    dataset = DatasetVersion.objects.filter(pk=manifest.get("dataset_version")).first()
    counts = (dataset.counts if dataset else None) or {}
    return {"dataset_version": manifest.get("dataset_version"), "content_hash": manifest.get("content_hash"),
            "counts": manifest.get("counts"), "holdout_size": manifest.get("holdout_size"),
            "holdout_hash": manifest.get("holdout_hash"), "feedback_weight": manifest.get("feedback_weight"),
            "sources": training_sources(dataset_version=dataset) if dataset else None,
            "provenance": training_label_provenance(dataset_version=dataset) if dataset else None,
            "accept_cap": counts.get("held_back"), "gold_excluded": counts.get("gold_excluded"),
            "gold": gold_summary(project=project, until=dataset.created_at) if dataset else None,
            "labelling_procedure": labelling_procedure(project)}


def _evaluation(task: str, metrics: dict) -> dict:
    evaluation = {k: metrics[k] for k in ("accuracy", "f1_macro", "map50", "map50_95", "n", "per_class",
                                          "confusion_matrix") if k in metrics}
    if "confusion_matrix" not in evaluation and task == "object_detection":
        evaluation["confusion_matrix_note"] = DETECTION_CONFUSION_NOTE
    return evaluation


def _measured_limits(metrics: dict) -> list[str]:
    notes = []
    n = metrics.get("n")
    if isinstance(n, int) and n < 100:
        notes.append(f"Holdout of {n} items: its metrics are noisy estimates.")
    kfold = metrics.get("kfold") or {}
    if kfold.get("skipped"):
        notes.append(f"No cross-validation estimate: {kfold['skipped']}.")
    return notes


def _embedding_encoder(task: str, params: dict, lineage: dict) -> str | None:
    """The encoder of an embedding_lr text model (the register stage's tag, else the run's params, else the
    default training fell back to), None for any other model."""
    from ai_models.params import TextParams

    section = params.get("text_classification") or {}
    if task != "text_classification" or section.get("model") != "embedding_lr":
        return None
    return str(lineage.get("encoder") or section.get("encoder") or TextParams().encoder)


def model_card_build(*, model_version, manifest: dict, params: dict) -> dict:
    project = model_version.project
    lineage = _lineage_tags(model_version.mlflow_run_id) if model_version.mlflow_run_id else {}
    encoder = _embedding_encoder(project.task, params, lineage)
    limitations = [EMBEDDING_LIMITATION] if encoder else LIMITATIONS.get(project.task, [])
    return {
        "schema": CARD_SCHEMA,
        "model": {"project": project.slug, "version": model_version.number, "task": project.task,
                  "algorithm": EMBEDDING_ALGORITHM.format(encoder=encoder) if encoder else
                  ALGORITHMS.get(project.task, project.task),
                  **({"encoder": encoder, "encoder_fingerprint": lineage.get("encoder_fingerprint")} if encoder else {}),
                  "registered_model": f"{model_version.registered_model_name}/{model_version.registered_version}",
                  "mlflow_run_id": model_version.mlflow_run_id,
                  "mlflow_tracking_uri": _without_credentials(settings.MLFLOW_TRACKING_URI),
                  "artifact_sha256": model_version.artifact_sha256 or None},
        "intended_use": {"purpose": project.purpose or "not stated", "lawful_basis": project.lawful_basis or "not stated",
                         "task": project.task, "labels": manifest.get("labels") or project.labels},
        "data": _data(project, manifest),
        "training": {"params": params, "kfold": model_version.metrics.get("kfold", {})},
        "evaluation": _evaluation(project.task, model_version.metrics),
        "limitations": [*limitations, *_measured_limits(model_version.metrics),
                        "Measured on the project's fixed holdout only; performance on other data sources is unknown.",
                        "Human feedback is weighted above imported labels; systematic annotator errors propagate."],
        "human_oversight": human_oversight(project),
        "lineage": lineage,
    }
