"""Experiment tracking and model registry (MLflow) for YOLO object detectors.

Mirrors :mod:`ai_models.tracking` (same store configuration, experiment handling, parameter
flattening, tags and :class:`~ai_models.tracking.TrackedModel`), for detectors: one training is
a parent run (parameters, per-epoch metrics with ``step=epoch``, holdout and k-fold metrics,
``metrics.json``) plus one child run per fold. The weights (ultralytics ``.pt``) are logged as an
MLflow *pyfunc* model: a small ``PythonModel`` wrapper with ``artifacts={"weights": ...}``, so
the registry holds a self-describing model whose raw weights can be downloaded back
(:func:`download_detector_weights`) and served with :mod:`ai_models.object_detection`.

Per-epoch metric names: ``train_box_loss`` (training losses), ``val_map50``, ``val_map50_95``,
``val_precision``, ``val_recall``, ``val_box_loss`` (on the training's own val split),
``lr_pg0``..., ``elapsed_s``. All ``mlflow`` imports are lazy.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from importlib import metadata
from pathlib import Path
from typing import Any

from ai_models.tracking import TrackedModel, _flatten, _metric_name, configure, ensure_experiment

MODEL_ARTIFACT_NAME = "model"
WEIGHTS_KEY = "weights"
_VAL_KEYS = frozenset({"map50", "map50_95", "precision", "recall"})
DEFAULT_CONF = 0.25
DEFAULT_IMG_SIZE = 160
_REQUIREMENTS = ("ultralytics", "torch", "torchvision", "numpy", "pillow")


def _epoch_metric_name(key: str) -> str:
    if key == "time":
        return "elapsed_s"
    if key in _VAL_KEYS:
        return f"val_{key}"
    if key.startswith(("val_", "lr_")):
        return key
    return f"train_{key}"


def _summary_metrics(holdout: dict[str, Any], kfold: dict[str, Any]) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for key in ("map50", "map50_95", "n"):
        if key in holdout:
            metrics[f"holdout_{key}"] = float(holdout[key])
    for label, scores in (holdout.get("per_class") or {}).items():
        for key in ("ap50", "ap50_95"):
            metrics[_metric_name(f"holdout_{key}_{label}")] = float(scores[key])
    metrics["kfold_k"] = float(kfold.get("k", 0))
    for stat in ("mean", "std"):
        for key, value in (kfold.get(stat) or {}).items():
            metrics[f"kfold_{stat}_{key}"] = float(value)
    return metrics


def _detector_python_model() -> Any:
    """A pyfunc wrapper instance. The class is built here (not at module level) so that importing
    this module does not import mlflow; cloudpickle stores it by value with the model."""
    import mlflow.pyfunc

    class YoloDetector(mlflow.pyfunc.PythonModel):
        """``predict(list of image paths)`` -> per image a list of ``{label, x, y, w, h,
        confidence}`` (pixels). Labels, ``img_size`` and ``conf`` come from the model config;
        override ``conf`` with ``mlflow.pyfunc.load_model(uri, model_config={"conf": 0.1})``.
        Needs ``ai_models`` and ultralytics where it is loaded."""

        def load_context(self, context: Any) -> None:
            from ai_models.object_detection import load_detector

            self.model = load_detector(Path(context.artifacts[WEIGHTS_KEY]))
            self.config = dict(context.model_config or {})

        def predict(
            self, context: Any, model_input: list[str], params: dict[str, Any] | None = None
        ) -> list[list[dict[str, Any]]]:
            from dataclasses import asdict

            from ai_models.object_detection import predict_images

            boxes = predict_images(
                self.model,
                [Path(p) for p in model_input],
                self.config["labels"],
                conf=float(self.config.get("conf", DEFAULT_CONF)),
                img_size=int(self.config.get("img_size", DEFAULT_IMG_SIZE)),
            )
            return [[asdict(b) for b in per_image] for per_image in boxes]

    return YoloDetector()


def _pip_requirements() -> list[str]:
    """Pinned requirements of the logged model (explicit: skips MLflow's slow inference)."""
    return [f"{pkg}=={metadata.version(pkg).split('+')[0]}" for pkg in _REQUIREMENTS]


def log_detection_training(
    *,
    tracking_uri: str,
    experiment: str,
    artifact_location: str | None,
    registered_model_name: str,
    weights_path: Path,
    params: dict[str, Any],
    kfold: dict[str, Any],
    holdout_metrics: dict[str, Any],
    per_epoch: list[dict[str, Any]],
    dataset_hash: str,
    tags: dict[str, str],
    labels: list[str],
) -> TrackedModel:
    """Log one detector training (parent run + one child run per fold), register the weights."""
    import mlflow
    import mlflow.pyfunc

    weights_path = Path(weights_path)
    if not weights_path.is_file():
        raise FileNotFoundError(f"Detector weights not found: {weights_path}")
    configure(tracking_uri)
    experiment_id = ensure_experiment(experiment, artifact_location)
    all_tags = {**tags, "dataset_hash": dataset_hash, "task": "object_detection"}
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_params({**_flatten(params), "labels": json.dumps(labels)})
        mlflow.set_tags(all_tags)
        if kfold.get("skipped"):
            mlflow.set_tag("kfold_skipped", str(kfold["skipped"]))
        for row in per_epoch:
            step = int(row["epoch"])
            values = {_epoch_metric_name(k): float(v) for k, v in row.items() if k != "epoch"}
            mlflow.log_metrics(values, step=step)
        mlflow.log_metrics(_summary_metrics(holdout_metrics, kfold))
        for fold in kfold.get("folds", []):
            with mlflow.start_run(experiment_id=experiment_id, run_name=f"fold-{fold['fold']}", nested=True):
                mlflow.set_tags(all_tags)
                mlflow.log_metrics({k: float(fold[k]) for k in ("map50", "map50_95", "n_train", "n_val")})
        mlflow.log_dict(
            {"holdout": holdout_metrics, "kfold": kfold, "labels": labels, "per_epoch": per_epoch},
            "metrics.json",
        )
        config = {"labels": list(labels)}
        for key in ("img_size", "conf"):
            value = (params.get("object_detection") or {}).get(key, params.get(key))
            if value is not None:
                config[key] = value
        info = mlflow.pyfunc.log_model(
            name=MODEL_ARTIFACT_NAME,
            python_model=_detector_python_model(),
            artifacts={WEIGHTS_KEY: str(weights_path)},
            model_config=config,
            registered_model_name=registered_model_name,
            pip_requirements=_pip_requirements(),
        )
    version = int(info.registered_model_version)
    return TrackedModel(
        run_id=run.info.run_id,
        registered_version=version,
        model_uri=f"models:/{registered_model_name}/{version}",
    )


def download_detector_weights(*, tracking_uri: str, name: str, version: int, dst: Path) -> Path:
    """Copy the ``.pt`` weights of registered version ``version`` of ``name`` to ``dst``.

    ``dst`` is the target file, or an existing directory (the original file name is kept
    inside it). Returns the written path.
    """
    import mlflow.artifacts

    configure(tracking_uri)
    with tempfile.TemporaryDirectory(prefix="detector-") as tmp:
        local = Path(
            mlflow.artifacts.download_artifacts(
                artifact_uri=f"models:/{name}/{version}/artifacts", dst_path=tmp, tracking_uri=tracking_uri
            )
        )
        files = sorted(p for p in local.rglob("*") if p.is_file())
        weights = [p for p in files if p.suffix == ".pt"] or files
        if not weights:
            raise FileNotFoundError(f"models:/{name}/{version} holds no weights file.")
        dst = Path(dst)
        target = dst / weights[0].name if dst.is_dir() else dst
        target.parent.mkdir(parents=True, exist_ok=True)
        # Copy under a temporary name, then rename: another process looking for ``*.pt`` in the same
        # cache folder sees either no file or the whole file, never a half-written checkpoint.
        partial = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")
        try:
            shutil.copyfile(weights[0], partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target
