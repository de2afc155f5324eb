"""The backend's door into `ai_models` object detection: plain paths and dicts across, no ORM rows.

Item bytes are copied from object storage into a run's work folder, because YOLO reads files.
"""
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

from .ml import TrainOutcome, _artifact_location


@dataclass(frozen=True)
class ImageRow:
    path: Path
    width: int
    height: int
    boxes: list[dict]
    weight: float = 1.0


def detection_params():
    from ai_models.object_detection import DetectionParams
    from ai_models.params import load_params

    path = Path(settings.PARAMS_FILE)
    return DetectionParams.from_params(load_params(path) if path.exists() else {})


def _examples(rows: list[ImageRow]):
    from ai_models.boxes import Box
    from ai_models.object_detection import DetectionExample

    return [DetectionExample(image_path=r.path, width=r.width, height=r.height, weight=r.weight,
                             boxes=tuple(Box(label=b["label"], x=b["x"], y=b["y"], w=b["w"], h=b["h"]) for b in r.boxes))
            for r in rows]


def work_dir(kind: str, key: str | int) -> Path:
    path = settings.VAR_DIR / "work" / kind / str(key)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def train_detection_model(*, registered_model_name: str, labels: list[str], training: list[ImageRow],
                          holdout: list[ImageRow], dataset_hash: str, tags: dict[str, str], run_dir: Path,
                          init_weights: Path | None, on_progress=None) -> TrainOutcome:
    """k-fold CV, final training (fine-tuning the champion when given), holdout mAP, MLflow registration."""
    from ai_models.detection_tracking import log_detection_training
    from ai_models.object_detection import evaluate_detector, kfold_detector, train_detector

    params = detection_params()
    report = on_progress or (lambda **_: None)
    examples, holdout_examples = _examples(training), _examples(holdout)
    report(stage="kfold", fold=0, folds=params.k_folds, percent=5)
    kfold = kfold_detector(examples, labels, params, work_dir=run_dir / "kfold",
                           on_fold=lambda i, k: report(stage="kfold", fold=i + 1, folds=k, percent=5 + 35 * i // max(k, 1)))

    def on_epoch(epoch: int, total: int, metrics: dict) -> None:
        report(stage="training", epoch=epoch, epochs=total, percent=40 + 45 * epoch // max(total, 1))

    result = train_detector(examples, labels, params, work_dir=run_dir / "final", init_weights=init_weights,
                            on_epoch=on_epoch)
    report(stage="evaluating", percent=88)
    holdout_metrics = (evaluate_detector(result.weights_path, holdout_examples, labels, params,
                                         work_dir=run_dir / "holdout") if holdout_examples else {})
    report(stage="registering", percent=92)
    tracked = log_detection_training(
        tracking_uri=settings.MLFLOW_TRACKING_URI, experiment=registered_model_name,
        artifact_location=_artifact_location(registered_model_name), registered_model_name=registered_model_name,
        weights_path=result.weights_path, params=asdict(params), kfold=kfold, holdout_metrics=holdout_metrics,
        per_epoch=result.per_epoch, dataset_hash=dataset_hash, tags=tags, labels=labels)
    return TrainOutcome(model=result.weights_path, kfold=kfold, holdout={**holdout_metrics, "per_epoch": result.per_epoch},
                        params=asdict(params), mlflow_run_id=tracked.run_id, registered_version=tracked.registered_version)


def detector_weights(model_version) -> Path:
    """The registered version's weights, downloaded once into this machine's model cache."""
    from ai_models.detection_tracking import download_detector_weights

    folder = settings.VAR_DIR / "model-cache" / model_version.registered_model_name / str(model_version.registered_version)
    found = list(folder.rglob("*.pt")) if folder.exists() else []
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    return download_detector_weights(tracking_uri=settings.MLFLOW_TRACKING_URI, name=model_version.registered_model_name,
                                     version=model_version.registered_version, dst=folder)


def load_detector_version(model_version):
    from ai_models.object_detection import load_detector

    return load_detector(detector_weights(model_version))


def predict_boxes(model, paths: list[Path], labels: list[str]) -> list[list[dict]]:
    from ai_models.object_detection import predict_images

    params = detection_params()
    results = predict_images(model, paths, labels, conf=params.conf, img_size=params.img_size)
    return [[{"label": b.label, "confidence": b.confidence, "x": round(b.x, 2), "y": round(b.y, 2),
              "w": round(b.w, 2), "h": round(b.h, 2)} for b in boxes] for boxes in results]


def evaluate_detector_version(model_version, *, labels: list[str], holdout: list[ImageRow], run_dir: Path) -> dict:
    from ai_models.object_detection import evaluate_detector

    return evaluate_detector(detector_weights(model_version), _examples(holdout), labels, detection_params(),
                             work_dir=run_dir)
