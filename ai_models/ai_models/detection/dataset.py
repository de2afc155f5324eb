"""Writing labelled images as an ultralytics (YOLO format) dataset folder.

Layout: ``images/{train,val}/`` (hard links to the originals where possible, else copies),
``labels/{train,val}/<same stem>.txt`` with one ``class cx cy w h`` line per box (normalised to
[0, 1]; the class index is the label's position in the project's label list) and ``data.yaml``
whose ``names`` follow that same order, so a model's class ``i`` always means ``labels[i]``.
"""

from __future__ import annotations

import math
import os
import random
import shutil
from collections.abc import Sequence
from pathlib import Path

import yaml

from ai_models.boxes import validate_box
from ai_models.detection.schema import DetectionExample
from ai_models.orientation import exif_orientation, shown_size

SPLITS = ("train", "val")
DATA_YAML = "data.yaml"
IMAGE_SUFFIXES = frozenset({"bmp", "jpeg", "jpg", "png", "tif", "tiff", "webp"})
#: The only Pillow decoders that ever open a dataset image (those of IMAGE_SUFFIXES; "JPEG" also opens MPO).
PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "TIFF")


def repeats(weight: float) -> int:
    """How many copies of an example go into the train split: ``round(weight)``, at least 1."""
    return max(1, round(weight))


def split_examples(
    examples: Sequence[DetectionExample], *, val_fraction: float, seed: int
) -> tuple[list[DetectionExample], list[DetectionExample]]:
    """Seeded shuffle-split. YOLO needs a non-empty val set: with one example, or with
    ``val_fraction == 0``, the val split is the train split itself."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    n_val = round(len(order) * val_fraction)
    if len(order) < 2 or val_fraction <= 0:
        return list(examples), list(examples)
    n_val = min(max(n_val, 1), len(order) - 1)
    val = sorted(order[:n_val])
    train = sorted(order[n_val:])
    return [examples[i] for i in train], [examples[i] for i in val]


def _inspect(path: Path) -> tuple[tuple[int, int], str]:
    """Image size after EXIF orientation (what browsers show and what ultralytics reads) and the
    file suffix ultralytics needs to recognise it as an image."""
    from PIL import Image

    with Image.open(path, formats=PILLOW_FORMATS) as im:  # lazy: the header only, no pixels decoded
        size = shown_size(*im.size, exif_orientation(im))
        fmt = (im.format or "").lower()
    suffix = path.suffix.lower()
    if suffix.lstrip(".") not in IMAGE_SUFFIXES:
        suffix = ".jpg" if fmt in ("jpeg", "mpo") else f".{fmt or 'png'}"
    return size, suffix


class ImageSizeMismatch(ValueError):
    """An example whose image (as shown, EXIF orientation applied) is not the size its boxes were drawn on."""


def _name(example: DetectionExample) -> str:
    return f"item {example.item_id} ({example.image_path})" if example.item_id is not None else str(example.image_path)


def _check_all(examples: Sequence[DetectionExample], index: dict[str, int]) -> dict[Path, str]:
    """Every example checked; size mismatches are collected so that one error names every broken item."""
    suffixes: dict[Path, str] = {}
    problems: dict[Path, tuple[DetectionExample, str]] = {}
    for example in examples:
        try:
            suffixes[Path(example.image_path)] = _check(example, index)
        except ImageSizeMismatch as exc:
            problems[Path(example.image_path)] = (example, str(exc).rstrip("."))
    if problems:
        ids = sorted({e.item_id for e, _ in problems.values() if e.item_id is not None})
        detail = "; ".join(message for _, message in list(problems.values())[:5])
        raise ImageSizeMismatch(
            f"{len(problems)} image(s) are not the size recorded for their boxes"
            + (f" (item ids: {', '.join(map(str, ids))})" if ids else "")
            + f": {detail}. Remove these items (DELETE /api/v1/items/<id>/) and upload the images again."
        )
    return suffixes


def _check(example: DetectionExample, index: dict[str, int]) -> str:
    """Validate one example; returns the suffix its image gets in the dataset."""
    path = Path(example.image_path)
    if not path.is_file():
        raise FileNotFoundError(f"Image not found: {path}")
    if not (math.isfinite(example.weight) and example.weight >= 0):
        raise ValueError(f"{path}: example weight must be finite and >= 0, got {example.weight}.")
    actual, suffix = _inspect(path)
    if actual != (example.width, example.height):
        raise ImageSizeMismatch(
            f"{_name(example)}: declared size {example.width}x{example.height} but the image is {actual[0]}x{actual[1]}."
        )
    for box in example.boxes:
        if box.label not in index:
            raise ValueError(f"{path}: box label {box.label!r} not in the project's label set {list(index)}.")
        validate_box(box, example.width, example.height)
    return suffix


def _label_lines(example: DetectionExample, index: dict[str, int]) -> str:
    lines = []
    for b in example.boxes:
        x1, y1 = max(0.0, b.x), max(0.0, b.y)
        x2, y2 = min(float(example.width), b.x + b.w), min(float(example.height), b.y + b.h)
        cx, cy = (x1 + x2) / 2 / example.width, (y1 + y2) / 2 / example.height
        w, h = (x2 - x1) / example.width, (y2 - y1) / example.height
        lines.append(f"{index[b.label]} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}\n")
    return "".join(lines)


def _place(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _write_split(
    name: str, rows: list[tuple[DetectionExample, int]], root: Path, index: dict[str, int], suffixes: dict[Path, str]
) -> None:
    images, labels = root / "images" / name, root / "labels" / name
    images.mkdir(parents=True)
    labels.mkdir(parents=True)
    n = 0
    for example, copies in rows:
        src = Path(example.image_path)
        text = _label_lines(example, index)
        for _ in range(copies):
            stem = f"{n:06d}_{src.stem}"
            _place(src, images / f"{stem}{suffixes[src]}")
            (labels / f"{stem}.txt").write_text(text, encoding="utf-8")
            n += 1


def write_yolo_dataset(
    examples: Sequence[DetectionExample],
    labels: Sequence[str],
    out_dir: Path,
    *,
    val_fraction: float,
    seed: int,
    val_examples: Sequence[DetectionExample] | None = None,
) -> Path:
    """Write ``out_dir`` (emptied first) as a YOLO dataset; returns the ``data.yaml`` path.

    Train = ``examples`` (each repeated per :func:`repeats`) and val = ``val_examples`` when
    given, else a seeded split of ``examples`` (see :func:`split_examples`). Raises
    ``ValueError`` for unknown labels, invalid boxes or a declared size that is not the image's.
    """
    labels = list(labels)
    if not labels:
        raise ValueError("Cannot write a detection dataset without labels.")
    if len(set(labels)) != len(labels):
        raise ValueError(f"Duplicate labels: {labels}")
    index = {label: i for i, label in enumerate(labels)}
    out_dir = Path(out_dir).resolve()
    if out_dir == Path(out_dir.anchor) or out_dir == Path.home().resolve():
        raise ValueError(f"Refusing to clean {out_dir} for a dataset.")
    if val_examples is None:
        train, val = split_examples(examples, val_fraction=val_fraction, seed=seed)
    else:
        train, val = list(examples), list(val_examples)
    suffixes = _check_all([*train, *val], index)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    _write_split("train", [(e, repeats(e.weight)) for e in train], out_dir, index, suffixes)
    _write_split("val", [(e, 1) for e in val], out_dir, index, suffixes)
    data = {"path": str(out_dir), "train": "images/train", "val": "images/val", "nc": len(labels), "names": labels}
    path = out_dir / DATA_YAML
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
