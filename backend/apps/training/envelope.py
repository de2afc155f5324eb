"""The envelope of pre-determined changes (AI Act Annex IV 2(f)): declare it, and check a candidate against it.

A project declares its task, the exact label set, the model family and inclusive ranges for the training
parameters it may tune (the keys below, the names the training-run API uses). The promotion gate
(apps.training.promotion) asks `envelope_violations` about every candidate: one outside the envelope waits, and only
an admin's approval with a reason promotes it. Reads here, one write (`change_envelope_set`, audited).
"""
import re

from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError
from apps.projects.models import Task

from .models import ChangeEnvelope

# Envelope parameter name -> where its value sits in a run's params (params.yaml layout).
PARAMETERS: dict[str, dict[str, tuple[str, ...]]] = {
    Task.TEXT_CLASSIFICATION: {
        "k_folds": ("K_FOLDS",), "C": ("text_classification", "C"), "max_iter": ("text_classification", "max_iter"),
        "max_features": ("text_classification", "max_features"), "ngram_max": ("text_classification", "ngram_max"),
        "min_df": ("text_classification", "min_df")},
    Task.OBJECT_DETECTION: {
        "k_folds": ("K_FOLDS",), "epochs": ("EPOCHS",), "batch_size": ("BATCH_SIZE",), "img_size": ("IMG_SIZE",),
        "patience": ("PATIENCE",), "kfold_epochs": ("object_detection", "kfold_epochs")},
}
TEXT_FAMILY = "tfidf_logistic_regression"
FAMILY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def model_family(*, task: str, params: dict) -> str:
    """text: the TF-IDF pipeline, or the embedding one with its encoder (text_classification.model / .encoder, e.g.
    embedding_lr.all-MiniLM-L6-v2: another encoder is another family); detection: the YOLO architecture
    (object_detection.model's stem, e.g. yolo11n), which fine-tuning from the champion keeps."""
    if task == Task.TEXT_CLASSIFICATION:
        section = params.get("text_classification") or {}
        if section.get("model") == "embedding_lr":
            from ai_models.params import TextParams

            return f"embedding_lr.{section.get('encoder') or TextParams().encoder}"  # what training falls back to
        return TEXT_FAMILY
    model = str((params.get("object_detection") or {}).get("model") or "unknown")
    return model.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".pt")


def project_model_family(*, project) -> str:
    """The family the project's next retraining builds (its text_model setting over params.yaml)."""
    from .pipeline import project_params

    return model_family(task=project.task, params=project_params(project=project, overrides={}))


def param_value(params: dict, path: tuple[str, ...]):
    value = params
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def envelope_violations(*, envelope: ChangeEnvelope, task: str, labels: list[str], params: dict) -> list[str]:
    """What about a candidate lies outside the envelope, one sentence each ([] = inside)."""
    outside = []
    if task != envelope.task:
        outside.append(f"task {task!r} is not the declared {envelope.task!r}")
    if list(labels) != list(envelope.labels):
        added, removed = sorted(set(labels) - set(envelope.labels)), sorted(set(envelope.labels) - set(labels))
        outside.append(f"labels changed (added {added or 'none'}, removed {removed or 'none'}"
                       + (", reordered" if not added and not removed else "") + ")")
    family = model_family(task=task, params=params)
    if family != envelope.model_family:
        outside.append(f"model family {family!r} is not the declared {envelope.model_family!r}")
    for name, bounds in sorted(envelope.param_ranges.items()):
        path = PARAMETERS.get(task, {}).get(name)
        value = param_value(params, path) if path else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            outside.append(f"parameter {name} is not recorded for this run")
            continue
        low, high = bounds.get("min"), bounds.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"[{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}]"
            outside.append(f"parameter {name}={value:g} is outside {span}")
    return outside


def _ranges_validate(task: str, ranges) -> dict:
    if not isinstance(ranges, dict):
        raise ApplicationError('param_ranges must be an object: {"C": {"min": 0.5, "max": 8}, ...}.')
    known = PARAMETERS[task]
    clean = {}
    for name, bounds in ranges.items():
        if name not in known:
            raise ApplicationError(f"param_ranges.{name} is not a {task} training parameter; "
                                   f"known: {', '.join(known)}.")
        if not isinstance(bounds, dict) or not bounds or set(bounds) - {"min", "max"}:
            raise ApplicationError(f"param_ranges.{name} must be an object with 'min' and/or 'max'.")
        for key, value in bounds.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ApplicationError(f"param_ranges.{name}.{key} must be a number, not {value!r}.")
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            raise ApplicationError(f"param_ranges.{name}: min {bounds['min']} is above max {bounds['max']}.")
        clean[name] = {k: bounds[k] for k in ("min", "max") if k in bounds}
    return clean


def change_envelope_get(*, project) -> ChangeEnvelope | None:
    return ChangeEnvelope.objects.filter(project=project).first()


def envelope_as_dict(envelope: ChangeEnvelope | None) -> dict | None:
    if envelope is None:
        return None
    return {"task": envelope.task, "labels": envelope.labels, "model_family": envelope.model_family,
            "param_ranges": envelope.param_ranges, "updated_at": envelope.updated_at.isoformat(),
            "updated_by": envelope.updated_by.username if envelope.updated_by else None}


@transaction.atomic
def change_envelope_set(*, project, actor, labels: list[str] | None, model_family: str | None,
                        param_ranges: dict) -> ChangeEnvelope:
    """Declare (or replace) the project's envelope; labels and family default to what the project trains now."""
    labels = list(project.labels) if labels is None else labels
    if not labels or len(set(labels)) != len(labels) or not all(isinstance(x, str) and x for x in labels):
        raise ApplicationError("labels must be a non-empty list of distinct label names.")
    family = model_family or project_model_family(project=project)
    if not FAMILY_NAME.fullmatch(family):
        raise ApplicationError(f"model_family {family!r} is not a model family name (letters, digits, '.', '_', '-').")
    ranges = _ranges_validate(project.task, param_ranges)
    before = envelope_as_dict(change_envelope_get(project=project))
    envelope, _ = ChangeEnvelope.objects.update_or_create(project=project, defaults={
        "task": project.task, "labels": labels, "model_family": family, "param_ranges": ranges, "updated_by": actor})
    after = envelope_as_dict(envelope)
    audit_event_record(action="project.envelope_set", actor=actor, project=project, obj=envelope,
                       details={"before": before and {k: v for k, v in before.items() if k != "updated_at"},
                                "after": {k: v for k, v in after.items() if k != "updated_at"}})
    return envelope

