"""Object detection on ultralytics YOLO: the public facade of :mod:`ai_models.detection`.

Turns labelled images (plain dataclasses, boxes in pixels) into a YOLO dataset, trains a
detector from an architecture YAML or fine-tunes a checkpoint, predicts boxes in original-image
pixels over the project's label list, and reports holdout / k-fold mAP as JSON-friendly dicts.
Everything runs offline (see :func:`configure_offline`). torch and ultralytics are imported
lazily, inside the functions, so importing this module is cheap and has no side effects.
"""

from __future__ import annotations

from ai_models.boxes import Box
from ai_models.detection.dataset import write_yolo_dataset
from ai_models.detection.inference import evaluate_detector, load_detector, predict_images
from ai_models.detection.offline import auto_device, configure_offline
from ai_models.detection.schema import DetectionExample, DetectionParams, DetectorTrainResult
from ai_models.detection.training import kfold_detector, train_detector

__all__ = [
    "Box",
    "DetectionExample",
    "DetectionParams",
    "DetectorTrainResult",
    "auto_device",
    "configure_offline",
    "evaluate_detector",
    "kfold_detector",
    "load_detector",
    "predict_images",
    "train_detector",
    "write_yolo_dataset",
]
