"""The pipeline's input, ``data/raw``: writing it (:func:`write_raw`) and reading it back (:func:`read_raw`).

Contract (no timestamps anywhere: the same data gives byte-identical files, so DVC reruns later stages only
when the content changed)::

    manifest.json   {"project", "task": "text_classification"|"object_detection", "labels": [...ordered...],
                     "content_hash", "holdout_hash", "counts", "feedback_weight",
                     "champion": null | {"number", "registered_model_name", "registered_version",
                                         "weights": "champion/<file>" (detection only)}}  (+ caller's extra keys)
    train.jsonl     text:      {"item_id", "text", "label", "weight"[, "provenance"]}
                    detection: {"item_id", "image": "images/<sha256>.<ext>", "width", "height",
                                "boxes": [{"label", "x", "y", "w", "h"}], "weight"[, "provenance"]}
                    "provenance" (when the collector gives it): where the row's label came from, one of
                    "imported", "labelled", "human_corrected", "accepted_as_is", "reviewed" (AI Act Art. 15(4))
    holdout.jsonl   the same without "weight" and "provenance" (holdout labels are the imported ones)
    images/         detection: image bytes, named by their sha256
    champion/       detection: the champion's weights, when the project has one

Both JSONL files are sorted by ``item_id``; JSON is written with sorted keys (manifest: ``indent=1``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_models.datasets import dataset_hash
from ai_models.stages.common import DETECTION, TEXT, check_task, read_json, read_jsonl, write_jsonl

MANIFEST = "manifest.json"
TRAIN = "train.jsonl"
HOLDOUT = "holdout.jsonl"
IMAGES = "images"
CHAMPION = "champion"
BOX_KEYS = ("label", "x", "y", "w", "h")


@dataclass(frozen=True)
class RawData:
    """A read ``data/raw`` folder: the manifest and the rows of both splits (image paths still relative)."""

    root: Path
    manifest: dict[str, Any]
    train: list[dict[str, Any]]
    holdout: list[dict[str, Any]]

    @property
    def task(self) -> str:
        return self.manifest["task"]

    @property
    def labels(self) -> list[str]:
        return list(self.manifest["labels"])

    def rows_by_id(self, ids: Sequence[Any], *, split: str = "train") -> list[dict[str, Any]]:
        """Rows of ``split`` with these item ids, in the order of ``ids`` (KeyError for an unknown id)."""
        index = {row["item_id"]: row for row in (self.train if split == "train" else self.holdout)}
        return [index[i] for i in ids]

    def champion_weights(self) -> Path | None:
        """The detection champion's weights named by the manifest (None without one; error if it is missing)."""
        relative = (self.manifest.get("champion") or {}).get("weights")
        if not relative:
            return None
        path = self.root / relative
        if not path.is_file():
            raise FileNotFoundError(f"manifest.json names champion weights {relative}, but {path} does not exist.")
        return path


def read_raw(raw_dir: Path) -> RawData:
    raw_dir = Path(raw_dir)
    manifest = read_json(raw_dir / MANIFEST)
    check_task(manifest.get("task", ""))
    return RawData(raw_dir, manifest, read_jsonl(raw_dir / TRAIN), read_jsonl(raw_dir / HOLDOUT))


def text_examples(rows: Sequence[dict[str, Any]]) -> list[Any]:
    """TextExamples of raw (or formatted table) rows; a missing weight is 1.0."""
    from ai_models.text_classification import TextExample

    return [TextExample(text=str(r["text"]), label=str(r["label"]), weight=float(r.get("weight", 1.0))) for r in rows]


def detection_examples(raw_dir: Path, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """DetectionExamples of raw rows, image paths resolved against ``raw_dir``."""
    from ai_models.object_detection import Box, DetectionExample

    raw_dir = Path(raw_dir).resolve()
    return [
        DetectionExample(
            image_path=raw_dir / r["image"],
            width=int(r["width"]),
            height=int(r["height"]),
            boxes=tuple(Box(**{k: b[k] for k in BOX_KEYS}) for b in r["boxes"]),
            weight=float(r.get("weight", 1.0)),
            item_id=r.get("item_id"),
        )
        for r in rows
    ]


# --- writing ------------------------------------------------------------------------------------------------


def _link_or_copy(src: Path, dst: Path) -> None:
    if dst.exists():
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _image_suffix(path: Path) -> str:
    from ai_models.detection.dataset import IMAGE_SUFFIXES, PILLOW_FORMATS

    suffix = path.suffix.lower().lstrip(".")
    if suffix in IMAGE_SUFFIXES:
        return suffix
    from PIL import Image

    with Image.open(path, formats=PILLOW_FORMATS) as im:
        fmt = (im.format or "png").lower()
    return "jpg" if fmt in ("jpeg", "mpo") else fmt


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _boxes(boxes: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"label": str(b["label"]), **{k: float(b[k]) for k in BOX_KEYS[1:]}} for b in boxes]


def _canonical_boxes(boxes: Sequence[dict[str, Any]]) -> str:
    return json.dumps(sorted(json.dumps(b, sort_keys=True) for b in boxes))


def _check_rows(rows: Sequence[dict[str, Any]], labels: Sequence[str], split: str, task: str) -> None:
    ids = [r["item_id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{split}: duplicate item_id values.")
    allowed = set(labels)
    used = {r["label"] for r in rows} if task == TEXT else {b["label"] for r in rows for b in r["boxes"]}
    unknown = sorted(used - allowed)
    if unknown:
        raise ValueError(f"{split}: labels not in the project's label set {list(labels)}: {unknown}")


def write_raw(
    out_dir: Path,
    *,
    project: str,
    task: str,
    labels: Sequence[str],
    train: Sequence[dict[str, Any]],
    holdout: Sequence[dict[str, Any]],
    feedback_weight: float = 1.0,
    champion: dict[str, Any] | None = None,
    champion_weights: Path | None = None,
    content_hash: str | None = None,
    holdout_hash: str | None = None,
    counts: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write ``out_dir`` (replaced as a whole) in the raw data contract; returns the manifest.

    ``train`` rows: text ``{"item_id", "text", "label", "weight"}``; detection ``{"item_id", "image": path of
    the image file (absolute, or relative to ``out_dir``), "width", "height", "boxes", "weight"}`` — the bytes
    are stored as ``images/<sha256>.<ext>`` (hard link where possible). ``holdout`` rows: the same, weight
    ignored. Rows are sorted by ``item_id``; keys beyond the contract are dropped (an optional train
    ``"provenance"`` is kept). ``champion``:
    ``{"number", "registered_model_name", "registered_version"}`` or None; for detection ``champion_weights``
    (a ``.pt``) is copied to ``champion/<its name>``. Hashes and counts default to values computed from the
    rows (:func:`ai_models.datasets.dataset_hash`); the backend passes its dataset version's. ``extra`` keys
    (e.g. ``dataset_version``) are added to the manifest. Sources inside ``out_dir`` may be reused: the new
    folder is assembled beside it and swapped in at the end.
    """
    check_task(task)
    labels = [str(label) for label in labels]
    if not labels or len(set(labels)) != len(labels):
        raise ValueError(f"labels must be a non-empty list without duplicates, got {labels}")
    out_dir = Path(out_dir)
    stage = out_dir.parent / f".{out_dir.name}.writing"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    try:
        detection = task == DETECTION
        if detection:
            (stage / IMAGES).mkdir()

        def image(row: dict[str, Any]) -> str:
            src = Path(row["image"])
            src = src if src.is_absolute() else out_dir / src
            if not src.is_file():
                raise FileNotFoundError(f"item {row['item_id']}: image not found: {src}")
            name = f"{IMAGES}/{_sha256(src)}.{_image_suffix(src)}"
            _link_or_copy(src, stage / name)
            return name

        def row_of(r: dict[str, Any], with_weight: bool) -> dict[str, Any]:
            if detection:
                out = {"item_id": r["item_id"], "image": image(r), "width": int(r["width"]),
                       "height": int(r["height"]), "boxes": _boxes(r["boxes"])}
            else:
                out = {"item_id": r["item_id"], "text": str(r["text"]), "label": str(r["label"])}
            if with_weight:
                out["weight"] = float(r.get("weight", 1.0))
                if r.get("provenance"):
                    out["provenance"] = str(r["provenance"])
            return out

        train_rows = sorted((row_of(r, True) for r in train), key=lambda r: r["item_id"])
        holdout_rows = sorted((row_of(r, False) for r in holdout), key=lambda r: r["item_id"])
        _check_rows(train_rows, labels, "train", task)
        _check_rows(holdout_rows, labels, "holdout", task)

        def key(r: dict[str, Any]) -> tuple[str, str]:
            return (r["image"], _canonical_boxes(r["boxes"])) if detection else (r["text"], r["label"])

        if content_hash is None:
            content_hash = dataset_hash((*key(r), r["weight"]) for r in train_rows)
        if holdout_hash is None:
            holdout_hash = dataset_hash((*key(r), 1.0) for r in holdout_rows)
        if counts is None:
            per_label = dict.fromkeys(labels, 0)
            for r in train_rows:
                for label in ([b["label"] for b in r["boxes"]] if detection else [r["label"]]):
                    per_label[label] += 1
            counts = {"per_label": per_label, "total": len(train_rows), "holdout": len(holdout_rows)}

        champion_info = None
        if champion is not None:
            champion_info = {k: champion[k] for k in ("number", "registered_model_name", "registered_version")}
            if detection and champion_weights is not None:
                weights = Path(champion_weights)
                if not weights.is_file():
                    raise FileNotFoundError(f"champion weights not found: {weights}")
                (stage / CHAMPION).mkdir()
                shutil.copyfile(weights, stage / CHAMPION / weights.name)
                champion_info["weights"] = f"{CHAMPION}/{weights.name}"
        write_jsonl(stage / TRAIN, train_rows)
        write_jsonl(stage / HOLDOUT, holdout_rows)
        manifest = {
            **(extra or {}),
            "project": project,
            "task": task,
            "labels": labels,
            "content_hash": content_hash,
            "holdout_hash": holdout_hash,
            "counts": counts,
            "feedback_weight": float(feedback_weight),
            "champion": champion_info,
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False),
                                      encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        stage.rename(out_dir)
    finally:
        if stage.exists():
            shutil.rmtree(stage)
    return manifest
