"""Loading a trained YOLO detector, predicting boxes and evaluating mAP on a holdout set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ai_models.boxes import Box
from ai_models.detection.confusion import detection_confusion
from ai_models.detection.dataset import write_yolo_dataset
from ai_models.detection.offline import auto_device, configure_offline, require_local_weights
from ai_models.detection.schema import DetectionExample, DetectionParams

DECIMALS = 6
PREDICT_CHUNK = 16  # images per predict call: bounds memory on large batches


def _r(x: float) -> float:
    return round(float(x), DECIMALS)


def load_detector(weights: Path) -> Any:
    """Load a local ``.pt`` checkpoint as an ultralytics ``YOLO`` model (never downloads)."""
    configure_offline()
    from ultralytics import YOLO

    return YOLO(str(require_local_weights(weights)), task="detect")


def _model(weights: Path | str | Any) -> Any:
    return load_detector(Path(weights)) if isinstance(weights, str | Path) else weights


def _result_boxes(result: Any, labels: list[str]) -> list[Box]:
    height, width = result.orig_shape[:2]
    boxes = result.boxes
    out: list[Box] = []
    if boxes is None or len(boxes) == 0:
        return out
    for (x1, y1, x2, y2), cls, conf in zip(
        boxes.xyxy.cpu().tolist(), boxes.cls.cpu().tolist(), boxes.conf.cpu().tolist(), strict=True
    ):
        cls = int(cls)
        if cls >= len(labels):  # a class the project no longer has
            continue
        x1, x2 = min(max(x1, 0.0), width), min(max(x2, 0.0), width)
        y1, y2 = min(max(y1, 0.0), height), min(max(y2, 0.0), height)
        if x2 <= x1 or y2 <= y1:
            continue
        out.append(Box(labels[cls], _r(x1), _r(y1), _r(x2 - x1), _r(y2 - y1), confidence=_r(conf)))
    return out


def predict_images(
    weights: Path | Any,
    images: Sequence[Path],
    labels: Sequence[str],
    *,
    conf: float,
    img_size: int,
) -> list[list[Box]]:
    """Boxes per image (same order), in pixels of the ORIGINAL image, label ``labels[class]``.

    ``weights`` is a ``.pt`` path or a model from :func:`load_detector` (avoids reloading).
    Boxes are clipped to the image; classes beyond ``labels`` are dropped.
    """
    if not images:
        return []
    labels = list(labels)
    model = _model(weights)
    device = auto_device()
    out: list[list[Box]] = []
    for start in range(0, len(images), PREDICT_CHUNK):
        chunk = [str(p) for p in images[start : start + PREDICT_CHUNK]]
        missing = [p for p in chunk if not Path(p).is_file()]
        if missing:
            raise FileNotFoundError(f"Images not found: {missing[:5]}")
        results = model.predict(
            source=chunk, conf=conf, imgsz=img_size, device=device, verbose=False, save=False, stream=True
        )
        out.extend(_result_boxes(result, labels) for result in results)
    return out


def _zero_metrics(labels: list[str]) -> dict[str, Any]:
    return {
        "map50": 0.0,
        "map50_95": 0.0,
        "n": 0,
        "per_class": {label: {"ap50": 0.0, "ap50_95": 0.0} for label in labels},
        "confusion_matrix": detection_confusion([], [], labels),
    }


def evaluate_detector(
    weights: Path | Any,
    examples: Sequence[DetectionExample],
    labels: Sequence[str],
    params: DetectionParams,
    *,
    work_dir: Path,
) -> dict[str, Any]:
    """mAP@0.5 and mAP@0.5:0.95 (overall and per project label) on ``examples``, and the boxes' confusion matrix
    at the serving threshold ``params.conf`` (:func:`ai_models.detection.confusion.detection_confusion`).

    Runs ultralytics' validator on a dataset written under ``work_dir`` with every example in
    the val split. Labels without ground truth in ``examples`` report 0. Empty ``examples``
    give zeros with ``n`` 0.
    """
    labels = list(labels)
    result = _zero_metrics(labels)
    if not examples:
        return result
    work_dir = Path(work_dir).resolve()
    data = write_yolo_dataset([], labels, work_dir / "dataset", val_fraction=0.0, seed=params.seed, val_examples=examples)
    model = _model(weights)
    metrics = model.val(
        data=str(data),
        split="val",
        imgsz=params.img_size,
        batch=params.batch_size,
        device=auto_device(),
        workers=0,
        plots=False,
        save_json=False,
        verbose=False,
        project=str(work_dir),
        name="val",
        exist_ok=True,
    )
    box = metrics.box
    result.update(map50=_r(box.map50), map50_95=_r(box.map), n=len(examples))
    for pos, cls in enumerate(metrics.ap_class_index):
        if int(cls) < len(labels):
            result["per_class"][labels[int(cls)]] = {"ap50": _r(box.ap50[pos]), "ap50_95": _r(box.ap[pos])}
    predicted = predict_images(model, [e.image_path for e in examples], labels, conf=params.conf,
                               img_size=params.img_size)
    result["confusion_matrix"] = detection_confusion(predicted, [e.boxes for e in examples], labels)
    return result
