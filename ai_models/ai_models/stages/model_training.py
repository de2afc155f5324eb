"""Stage model_training: the final model, on all training data, into ``models/final``.

* text: a fresh pipeline of the ``text_classification.model`` family (TF-IDF vectorizer refit, or the frozen
  sentence encoder's embeddings) + logistic regression on the ``train`` + ``val`` rows of
  ``table.csv`` with their weights, saved with ``skops.io`` as ``model.skops`` (load it with
  :func:`load_text_model`; only types skops trusts by default, no pickle).
* detection: :func:`~ai_models.object_detection.train_detector` for ``EPOCHS`` (``BATCH_SIZE``, ``IMG_SIZE``,
  ``PATIENCE``), trained on the formatted ``train`` items with the formatted ``val`` items as YOLO's val set
  (best-epoch selection, early stopping), fine-tuned from the champion weights named in ``manifest.json`` when
  there are any, else from the architecture ``object_detection.model``. The chosen checkpoint (best, else
  last) is copied to ``model.pt``; the ultralytics run folder is removed.

Both write ``train_summary.json``: ``{"task", "labels", "params" (the task's params.yaml keys, defaults
filled in), "init": "scratch" (text) | "yaml" | "champion", "init_weights", "epochs", "epochs_run",
"per_epoch" ([] for text), "n_train", "n_val", "content_hash", "model_file"}``, and for text ``"text_model"``:
``{"model": family, "encoder": {"id", "fingerprint", "files_sha256"} | None}``.

    python -m ai_models.stages.model_training --params params.yaml --formatted data/formatted --raw data/raw \
      --out models/final
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ai_models.stages.common import (
    TEXT,
    clean_dir,
    effective_params,
    load_stage_params,
    print_result,
    project_text_model,
    read_csv,
    read_json,
    stage_parser,
    write_json,
)
from ai_models.stages.raw import detection_examples, read_raw, text_examples

TEXT_MODEL = "model.skops"
DETECTION_MODEL = "model.pt"
TRAIN_SUMMARY = "train_summary.json"
WORK = ".work"

EpochCallback = Callable[[int, int, dict[str, float]], None]


def load_text_model(path: Path) -> Any:
    """A text model saved by this stage (``model.skops``); of our own types only the embedding transformer is trusted."""
    import skops.io

    from ai_models.text_classification import SKOPS_TRUSTED_TYPES

    return skops.io.load(Path(path), trusted=SKOPS_TRUSTED_TYPES)


def model_path(model_dir: Path, task: str) -> Path:
    return Path(model_dir) / (TEXT_MODEL if task == TEXT else DETECTION_MODEL)


def _train_text(formatted_dir: Path, labels: list[str], out: Path, params: dict[str, Any],
                on_model: Callable[[Any], None] | None) -> dict[str, Any]:
    import skops.io

    from ai_models.params import TextParams
    from ai_models.text_classification import model_metadata, train_text_classifier

    rows = [r for r in read_csv(Path(formatted_dir) / "table.csv") if r["split"] in ("train", "val")]
    model = train_text_classifier(text_examples(rows), labels, TextParams.from_params(params))
    skops.io.dump(model, out / TEXT_MODEL)
    if on_model is not None:
        on_model(model)
    return {"init": "scratch", "init_weights": None, "epochs": None, "epochs_run": None, "per_epoch": [],
            "n_train": len(rows), "n_val": 0, "model_file": TEXT_MODEL, "text_model": model_metadata(model)}


def _train_detection(
    formatted_dir: Path, raw_dir: Path, out: Path, params: dict[str, Any], on_epoch: EpochCallback | None
) -> dict[str, Any]:
    from ai_models.object_detection import DetectionParams, train_detector

    raw = read_raw(raw_dir)
    p = DetectionParams.from_params(params)
    items = read_json(Path(formatted_dir) / "summary.json")["items"]
    train_rows, val_rows = raw.rows_by_id(items["train"]), raw.rows_by_id(items["val"])
    init_weights = raw.champion_weights()
    work = out / WORK
    try:
        result = train_detector(
            detection_examples(raw.root, train_rows),
            raw.labels,
            p,
            work_dir=work,
            init_weights=init_weights,
            epochs=p.epochs,
            val_examples=detection_examples(raw.root, val_rows),
            on_epoch=on_epoch,
        )
        shutil.copyfile(result.weights_path, out / DETECTION_MODEL)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "init": "champion" if init_weights is not None else "yaml",
        "init_weights": init_weights.relative_to(raw.root).as_posix() if init_weights is not None else p.model,
        "epochs": p.epochs,
        "epochs_run": result.epochs_run,
        "per_epoch": result.per_epoch,
        "n_train": len(train_rows),
        "n_val": len(val_rows),
        "model_file": DETECTION_MODEL,
    }


def run(
    formatted_dir: Path,
    raw_dir: Path,
    out_dir: Path,
    params: dict[str, Any],
    on_epoch: EpochCallback | None = None,
    on_model: Callable[[Any], None] | None = None,
) -> dict[str, Any]:
    """Train the final model into ``out_dir`` (emptied first); returns train_summary.json without ``per_epoch``.

    ``on_epoch(epoch, total, metrics)`` is called after every detection epoch (1-based; raising aborts the
    training) and once, ``(1, 1, {"epoch": 1})``, after the text fit. ``on_model(model)`` gets the fitted text
    pipeline once it is saved, so that a caller running the next stages in this process need not load it back.
    """
    raw = read_raw(raw_dir)
    out = clean_dir(out_dir)
    if raw.task == TEXT:
        parts = _train_text(formatted_dir, raw.labels, out, params, on_model)
        if on_epoch is not None:
            on_epoch(1, 1, {"epoch": 1})
    else:
        parts = _train_detection(formatted_dir, raw_dir, out, params, on_epoch)
    summary = {
        "task": raw.task,
        "labels": raw.labels,
        "params": effective_params(params, raw.task),
        "content_hash": raw.manifest.get("content_hash"),
        **parts,
    }
    write_json(out / TRAIN_SUMMARY, summary)
    return {k: v for k, v in summary.items() if k != "per_epoch"}


def main(argv: list[str] | None = None) -> int:
    parser = stage_parser(__doc__)
    parser.add_argument("--formatted", type=Path, default=Path("data/formatted"))
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--out", type=Path, default=Path("models/final"))
    args = parser.parse_args(argv)
    print_result(run(args.formatted, args.raw, args.out, project_text_model(load_stage_params(args.params), args.raw)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
