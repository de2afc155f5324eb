"""Training a YOLO detector (from an architecture YAML or fine-tuning a checkpoint) and k-fold
cross-validation. Per-epoch metrics come from ultralytics' ``results.csv`` and, live, from its
``on_fit_epoch_end`` callback."""

from __future__ import annotations

import csv
import math
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ai_models.detection.dataset import write_yolo_dataset
from ai_models.detection.offline import auto_device, configure_offline, require_local_weights
from ai_models.detection.schema import DetectionExample, DetectionParams, DetectorTrainResult

DECIMALS = 6
RUN_NAME = "train"
_SPECIAL = {
    "metrics/mAP50": "map50",
    "metrics/mAP50-95": "map50_95",
    "metrics/precision": "precision",
    "metrics/recall": "recall",
}
KFOLD_KEYS = ("map50", "map50_95")

EpochCallback = Callable[[int, int, dict[str, float]], None]


def metric_name(key: str) -> str:
    """``metrics/mAP50-95(B)`` -> ``map50_95``, ``train/box_loss`` -> ``box_loss``,
    ``val/box_loss`` -> ``val_box_loss``, ``lr/pg0`` -> ``lr_pg0``."""
    key = key.strip().replace("(B)", "")
    if key in _SPECIAL:
        return _SPECIAL[key]
    key = key.removeprefix("train/")
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def _clean(raw: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in raw.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        name = metric_name(key)
        out[name] = int(number) if name == "epoch" else round(number, DECIMALS) if math.isfinite(number) else number
    return out


def read_results_csv(path: Path) -> list[dict[str, float]]:
    """Rows of ultralytics' ``results.csv`` with :func:`metric_name` keys (``[]`` if absent)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [_clean(row) for row in csv.DictReader(fh)]


def _epoch_reporter(on_epoch: EpochCallback) -> Callable[[Any], None]:
    """An ``on_fit_epoch_end`` callback calling ``on_epoch(epoch, total, metrics)``; 1-based epoch.

    ultralytics fires this event once more after training for the final validation of best.pt;
    that call is skipped (the trainer's ``stop`` flag is already set on the last real epoch).
    """
    state = {"finished": False}

    def callback(trainer: Any) -> None:
        if state["finished"]:
            return
        state["finished"] = bool(trainer.stop)
        raw = {**trainer.label_loss_items(trainer.tloss, prefix="train"), **(trainer.metrics or {})}
        epoch = int(trainer.epoch) + 1
        on_epoch(epoch, int(trainer.epochs), {"epoch": epoch, **_clean(raw)})

    return callback


def _source(params: DetectionParams, init_weights: Path | None) -> str:
    if init_weights is not None:
        return str(require_local_weights(init_weights))
    if params.model.endswith(".pt"):  # a bare asset name would be downloaded
        return str(require_local_weights(params.model))
    return params.model


def train_detector(
    examples: Sequence[DetectionExample],
    labels: Sequence[str],
    params: DetectionParams,
    *,
    work_dir: Path,
    init_weights: Path | None = None,
    epochs: int | None = None,
    val_examples: Sequence[DetectionExample] | None = None,
    on_epoch: EpochCallback | None = None,
) -> DetectorTrainResult:
    """Train on ``examples`` (split off a val set unless ``val_examples`` is given).

    From ``params.model`` (architecture YAML, random init) when ``init_weights`` is None, else
    fine-tuned from that checkpoint. Everything is written under ``work_dir``: ``dataset/`` and
    ``train/`` (ultralytics' run: ``weights/best.pt``, ``last.pt``, ``results.csv``). An
    exception raised by ``on_epoch`` aborts the training (use it to cancel).
    """
    if not examples:
        raise ValueError("Cannot train a detector: no training examples.")
    params.check()
    configure_offline()
    from ultralytics import YOLO

    work_dir = Path(work_dir).resolve()
    data = write_yolo_dataset(
        examples,
        labels,
        work_dir / "dataset",
        val_fraction=params.val_fraction,
        seed=params.seed,
        val_examples=val_examples,
    )
    run_dir = work_dir / RUN_NAME
    if run_dir.exists():
        shutil.rmtree(run_dir)
    model = YOLO(_source(params, init_weights), task="detect")
    if on_epoch is not None:
        model.add_callback("on_fit_epoch_end", _epoch_reporter(on_epoch))
    model.train(
        data=str(data),
        epochs=epochs or params.epochs,
        imgsz=params.img_size,
        batch=params.batch_size,
        # one optimizer step per batch: ultralytics' default nominal batch of 64 accumulates
        # 4 batches of 16, i.e. less than one step per epoch on a 40-image project
        nbs=params.batch_size,
        patience=params.patience,
        seed=params.seed,
        deterministic=True,
        workers=0,
        amp=False,
        plots=False,
        device=auto_device(),
        project=str(work_dir),
        name=RUN_NAME,
        exist_ok=True,
        verbose=False,
    )
    trainer = model.trainer
    best, last = Path(trainer.best), Path(trainer.last)
    weights = best if best.is_file() else last
    if not weights.is_file():
        raise RuntimeError(f"Training finished without a checkpoint in {run_dir}.")
    per_epoch = read_results_csv(Path(trainer.save_dir) / "results.csv")
    return DetectorTrainResult(weights_path=weights, epochs_run=len(per_epoch), per_epoch=per_epoch)


def _kfold_skipped(reason: str) -> dict[str, Any]:
    return {"k": 0, "folds": [], "mean": {}, "std": {}, "skipped": reason}


def kfold_detector(
    examples: Sequence[DetectionExample],
    labels: Sequence[str],
    params: DetectionParams,
    *,
    work_dir: Path,
    on_fold: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """K-fold cross-validation: each fold trains ``params.kfold_epochs`` from ``params.model``.

    ``k = min(params.k_folds, n // 2)`` (every val fold holds at least 2 images; no image is in
    two val folds). A fold's score is the mAP of its final (last-epoch) model on its val fold,
    as ultralytics computed it at that epoch, so best-epoch selection does not bias it.
    ``on_fold(i, k)`` is called before fold ``i`` (0-based). Same shape as the text
    classifier's ``kfold_evaluate``; ``{"k": 0, ..., "skipped": reason}`` when k < 2.
    """
    import numpy as np
    from sklearn.model_selection import KFold

    n = len(examples)
    if params.k_folds < 2:
        return _kfold_skipped(f"K_FOLDS={params.k_folds}: cross-validation needs at least 2 folds")
    k = min(params.k_folds, n // 2)
    if k < 2:
        return _kfold_skipped(f"need at least 4 images for 2 folds, got {n}")
    work_dir = Path(work_dir).resolve()
    splitter = KFold(n_splits=k, shuffle=True, random_state=params.seed)
    folds: list[dict[str, Any]] = []
    for i, (train_idx, val_idx) in enumerate(splitter.split(np.zeros(n))):
        if on_fold is not None:
            on_fold(i, k)
        fold_dir = work_dir / f"fold-{i}"
        result = train_detector(
            [examples[j] for j in train_idx],
            labels,
            params,
            work_dir=fold_dir,
            epochs=params.kfold_epochs,
            val_examples=[examples[j] for j in val_idx],
        )
        last = result.per_epoch[-1] if result.per_epoch else {}
        folds.append(
            {
                "fold": i,
                "n_train": len(train_idx),
                "n_val": len(val_idx),
                **{key: round(float(last.get(key, 0.0)), DECIMALS) for key in KFOLD_KEYS},
            }
        )
        shutil.rmtree(fold_dir, ignore_errors=True)
    return {
        "k": k,
        "folds": folds,
        "mean": {key: round(float(np.mean([f[key] for f in folds])), DECIMALS) for key in KFOLD_KEYS},
        "std": {key: round(float(np.std([f[key] for f in folds])), DECIMALS) for key in KFOLD_KEYS},
    }
