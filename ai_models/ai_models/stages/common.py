"""Plumbing shared by the stages: deterministic JSON/CSV files, output cleaning, effective params, the CLI."""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

TEXT = "text_classification"
DETECTION = "object_detection"
TASKS = (TEXT, DETECTION)
DEFAULT_TEXT_VAL_FRACTION = 0.2
METRIC_KEYS = {TEXT: ("accuracy", "f1_macro"), DETECTION: ("map50", "map50_95")}
DEFAULT_PROMOTION_METRIC = {TEXT: "f1_macro", DETECTION: "map50_95"}
REPO_ROOT = Path(__file__).resolve().parents[3]


def check_task(task: str) -> str:
    if task not in TASKS:
        raise ValueError(f"Unknown task {task!r}: expected one of {list(TASKS)}.")
    return task


def finite(value: Any) -> Any:
    """``value`` with every NaN / infinity (Python or numpy float) replaced by ``None``, containers copied: JSON has
    no such numbers (``NaN`` is Python's extension; DVC, browsers and PostgreSQL's jsonb refuse it)."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as canonical JSON (sorted keys, fixed indent, trailing newline): same data, same bytes.
    Non-finite numbers are written as ``null`` (:func:`finite`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(finite(data), indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def read_json(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """RFC 4180 CSV with ``\\n`` line ends (deterministic bytes on every platform)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _refuse(path: Path) -> None:
    resolved = path.resolve()
    cwd = Path.cwd().resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve() or resolved in (cwd, *cwd.parents):
        raise ValueError(f"Refusing to clean {resolved} as a stage output folder.")


def clean_dir(path: Path) -> Path:
    """Empty (or create) a stage's output folder; refuses /, $HOME, the cwd and its parents."""
    path = Path(path)
    _refuse(path)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def remove_files(*paths: Path) -> None:
    """Remove a stage's single-file outputs (stages sharing a folder, e.g. metrics/, clean only their own files)."""
    for path in paths:
        Path(path).unlink(missing_ok=True)


def text_val_fraction(params: dict[str, Any]) -> float:
    value = float((params.get(TEXT) or {}).get("val_fraction", DEFAULT_TEXT_VAL_FRACTION))
    if not 0 <= value < 1:
        raise ValueError(f"text_classification.val_fraction must be in [0, 1), got {value}.")
    return value


def project_text_model(params: dict[str, Any], raw_dir: Path) -> dict[str, Any]:
    """``params`` with the snapshot's ``text_model`` (the project's model family, written by the platform's
    collect step) as ``text_classification.model``: under ``dvc repro`` a project trains its own family, as its
    Celery retraining does; params.yaml's value serves snapshots that name none. The input is not changed."""
    manifest_file = Path(raw_dir) / "manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.exists() else {}
    family = manifest.get("text_model")
    if manifest.get("task") != TEXT or not family:
        return params
    return {**params, TEXT: {**(params.get(TEXT) or {}), "model": family}}


def effective_params(params: dict[str, Any], task: str) -> dict[str, Any]:
    """The params.yaml keys the task trains with, shaped like params.yaml, defaults filled in (logged to MLflow)."""
    if check_task(task) == TEXT:
        from ai_models.params import TextParams

        p = TextParams.from_params(params)
        section = {k: v for k, v in p.to_dict().items() if k not in ("k_folds", "seed")}
        return {"K_FOLDS": p.k_folds, "SEED": p.seed, TEXT: {**section, "val_fraction": text_val_fraction(params)}}
    from ai_models.object_detection import DetectionParams

    d = DetectionParams.from_params(params)
    return {
        "K_FOLDS": d.k_folds,
        "SEED": d.seed,
        "EPOCHS": d.epochs,
        "BATCH_SIZE": d.batch_size,
        "IMG_SIZE": d.img_size,
        "PATIENCE": d.patience,
        DETECTION: {"model": d.model, "val_fraction": d.val_fraction, "conf": d.conf, "kfold_epochs": d.kfold_epochs},
    }


def default_tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI``, else the repository's local store ``sqlite:///<repo>/var/mlflow/mlflow.db`` (its
    folder is created), as the backend's settings default."""
    import os

    uri = os.environ.get("MLFLOW_TRACKING_URI")
    if uri:
        return uri
    db = REPO_ROOT / "var" / "mlflow" / "mlflow.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{db}"


def stage_parser(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(description or "").strip().splitlines()[0] if description else None)
    parser.add_argument("--params", type=Path, default=Path("params.yaml"), help="params.yaml (default: %(default)s)")
    return parser


def load_stage_params(path: Path) -> dict[str, Any]:
    from ai_models.params import load_params

    return load_params(path)


def print_result(result: Any) -> None:
    print(json.dumps(result, indent=1, sort_keys=True, default=str))
