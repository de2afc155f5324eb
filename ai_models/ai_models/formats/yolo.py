"""Ultralytics YOLO detection data sets as a zip: ``data.yaml``, ``images/{train,val}/``, ``labels/{train,val}/``.

Label files hold one ``class cx cy w h`` line per box, normalised to the image size (6 decimals).
Export: images of the ``holdout`` split go to ``val``; the others are shuffled with a seeded RNG and
``val_fraction`` of them go to ``val`` too. Import: images under a ``val``/``valid``/``test`` folder
become ``holdout``, the others ``pool``; class indices are mapped to label *names* via ``data.yaml``.

``data.yaml`` says ``path: .``: Ultralytics resolves that against the working directory, so train
from inside the unzipped folder (or rewrite ``path`` to the folder's absolute path).
"""

from __future__ import annotations

import io
import math
import posixpath
import random
import zipfile

import yaml

from ai_models.formats.records import (
    IMAGE_EXTENSIONS,
    BoxRecord,
    FileSource,
    FormatError,
    ImageRecord,
    ImportBundle,
    check_box_labels,
    check_export_names,
    image_size,
    load_file,
    zip_add,
    zip_add_dir,
)
from ai_models.formats.zips import ZipLimits, open_zip, zip_members, zip_read

HOLDOUT_SPLIT = "holdout"
VAL_FOLDERS = {"val", "valid", "validation", "test"}


def split_images(images: list[ImageRecord], val_fraction: float, seed: int) -> dict[str, str]:
    """``file_name -> "train" | "val"``: holdout to val, then a seeded share of the rest.

    The rest is sorted by file name before the shuffle, so the split depends on the set of images and
    the seed, not on their order. With no holdout and at least two images, val gets at least one
    image (Ultralytics validates on it); train keeps at least one image of the rest.
    """
    if not 0.0 <= val_fraction <= 1.0:
        raise ValueError(f"val_fraction must be within [0, 1], got {val_fraction}.")
    split = {im.file_name: "val" for im in images if im.split == HOLDOUT_SPLIT}
    rest = sorted(im.file_name for im in images if im.split != HOLDOUT_SPLIT)
    random.Random(seed).shuffle(rest)
    n_val = round(val_fraction * len(rest))
    if not split and val_fraction > 0 and len(rest) >= 2:
        n_val = max(n_val, 1)
    n_val = min(n_val, max(len(rest) - 1, 0))
    split.update({name: "val" for name in rest[:n_val]})
    split.update({name: "train" for name in rest[n_val:]})
    return split


def _label_line(box: BoxRecord, index: int, width: int, height: int) -> str | None:
    """One normalised line, or None for a box with no area left.

    The box is clipped to the image first: Ultralytics drops a label file with coordinates outside [0, 1].
    """
    x0, y0 = min(max(box.x, 0.0), width), min(max(box.y, 0.0), height)
    x1, y1 = min(max(box.x + box.w, 0.0), width), min(max(box.y + box.h, 0.0), height)
    if x1 <= x0 or y1 <= y0:
        return None  # nothing of the box lies inside the image
    cx, cy = (x0 + x1) / 2 / width, (y0 + y1) / 2 / height
    w, h = (x1 - x0) / width, (y1 - y0) / height
    if round(w, 6) <= 0 or round(h, 6) <= 0:
        return None  # thinner than the 6-decimal resolution: a degenerate box
    return f"{index} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}"


def export_yolo_zip(
    images: list[ImageRecord],
    files: FileSource,
    labels: list[str],
    *,
    val_fraction: float = 0.2,
    seed: int = 42,
) -> bytes:
    """A zip that ``YOLO(...).train(data="data.yaml")`` reads as it is; boxes only (not predictions)."""
    check_export_names(images)
    check_box_labels([ImageRecord(im.file_name, im.width, im.height, im.boxes) for im in images], labels)
    stems: dict[str, str] = {}
    for image in images:
        stem = posixpath.splitext(image.file_name)[0]
        if stem in stems:
            raise FormatError(f"{image.file_name}: same label file name as {stems[stem]} ({stem}.txt).")
        stems[stem] = image.file_name
        if image.width <= 0 or image.height <= 0:
            raise FormatError(f"{image.file_name}: image size {image.width}x{image.height} is not positive.")
    split = split_images(images, val_fraction, seed)
    index = {name: i for i, name in enumerate(labels)}
    data_yaml = {"path": ".", "train": "images/train", "val": "images/val", "nc": len(labels), "names": list(labels)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        zip_add(archive, "data.yaml", yaml.safe_dump(data_yaml, sort_keys=False, allow_unicode=True))
        for folder in ("images/train", "images/val", "labels/train", "labels/val"):
            zip_add_dir(archive, folder)
        for image in images:
            part = split[image.file_name]
            lines = [_label_line(b, index[b.label], image.width, image.height) for b in image.boxes]
            text = "".join(f"{line}\n" for line in lines if line is not None)
            stem = posixpath.splitext(image.file_name)[0]
            zip_add(archive, f"images/{part}/{image.file_name}", load_file(files, image.file_name), compress=False)
            zip_add(archive, f"labels/{part}/{stem}.txt", text)
    return buffer.getvalue()


def _names(raw: object, where: str) -> list[str]:
    """``names`` as a list (Ultralytics also allows ``{index: name}``)."""
    if isinstance(raw, dict):
        if not all(isinstance(k, int) and not isinstance(k, bool) for k in raw):
            raise FormatError(f"{where}: 'names' keys must be class indices.")
        keyed = dict(raw)
        if sorted(keyed) != list(range(len(keyed))):
            raise FormatError(f"{where}: 'names' indices must be 0..{len(keyed) - 1}.")
        values = [keyed[i] for i in range(len(keyed))]
    elif isinstance(raw, list):
        values = raw
    else:
        raise FormatError(f"{where}: 'names' must be a list of class names.")
    # Scalars only: str() of a list built from YAML aliases can be gigabytes (a "billion laughs" file).
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        raise FormatError(f"{where}: every class name must be a plain name (text or a number).")
    names = [str(v) for v in values]
    if len(set(names)) != len(names):
        raise FormatError(f"{where}: duplicate class names in 'names'.")
    return names


def _read_yaml(archive: zipfile.ZipFile, members: list[str]) -> tuple[str, str, list[str]]:
    """The member name of ``data.yaml`` (root or one folder deep), its folder prefix and its class names."""
    candidates = sorted((m for m in members if posixpath.basename(m) in {"data.yaml", "data.yml"}), key=len)
    candidates = [m for m in candidates if m.count("/") <= 1]
    if not candidates:
        raise FormatError("data.yaml: missing (expected at the root of the zip or one folder down).")
    where = candidates[0]
    try:
        data = yaml.safe_load(zip_read(archive, where).decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, OverflowError) as exc:  # ValueError: a date like 2001-13-45
        raise FormatError(f"{where}: not valid YAML ({exc}).") from exc
    except RecursionError as exc:
        raise FormatError(f"{where}: not valid YAML (nested too deeply).") from exc
    if not isinstance(data, dict) or data.get("names") is None:
        raise FormatError(f"{where}: no 'names' list of classes.")
    names = _names(data["names"], where)
    if data.get("nc") is not None and data["nc"] != len(names):
        raise FormatError(f"{where}: 'nc: {data['nc']}' does not match the {len(names)} names.")
    prefix = posixpath.dirname(where)
    return where, (prefix + "/" if prefix else ""), names


def _parse_line(line: str, where: str, names: list[str], width: int, height: int) -> BoxRecord:
    fields = line.split()
    if len(fields) != 5:
        raise FormatError(f"{where}: expected 'class cx cy w h' (5 fields), got {len(fields)}.")
    try:
        cls = int(fields[0])
        cx, cy, w, h = (float(f) for f in fields[1:])
    except ValueError as exc:
        raise FormatError(f"{where}: not numbers ({line.strip()!r}).") from exc
    if not 0 <= cls < len(names):
        raise FormatError(f"{where}: class index {cls} is out of range (data.yaml names {len(names)} classes).")
    values = (cx, cy, w, h)
    if not all(math.isfinite(v) and -1e-6 <= v <= 1 + 1e-6 for v in values) or w <= 0 or h <= 0:
        raise FormatError(f"{where}: coordinates must be normalised to [0, 1] with w, h > 0 ({line.strip()!r}).")
    return BoxRecord(label=names[cls], x=(cx - w / 2) * width, y=(cy - h / 2) * height, w=w * width, h=h * height)


def parse_yolo_zip(data: bytes, labels: list[str] | None = None, *, limits: ZipLimits | None = None) -> ImportBundle:
    """Images with their sizes (read with Pillow) and boxes; ``labels``: the project's labels, if any.

    With ``labels`` given, every class in ``data.yaml`` must be one of them (any order: boxes are
    mapped by name) and the bundle's labels are ``labels``; otherwise they are the ``data.yaml`` names.
    ``limits``: what the archive may unpack to (see :mod:`ai_models.formats.zips`), checked before reading.
    """
    archive = open_zip(data, "YOLO zip", limits)
    members = zip_members(archive)
    where, prefix, names = _read_yaml(archive, members)
    if labels is not None:
        unknown = [n for n in names if n not in labels]
        if unknown:
            raise FormatError(f"{where}: classes {unknown} are not among the project's labels {labels}.")
    image_members: dict[str, str] = {}  # image member -> its label member (Ultralytics: last /images/ -> /labels/, .txt)
    label_members: set[str] = set()
    for member in members:
        if not member.startswith(prefix):
            continue
        parts = member[len(prefix) :].split("/")
        ext = posixpath.splitext(parts[-1])[1].lower()
        if "images" in parts[:-1] and ext in IMAGE_EXTENSIONS:
            at = len(parts) - 2 - parts[-2::-1].index("images")
            label = parts[:at] + ["labels"] + parts[at + 1 : -1] + [posixpath.splitext(parts[-1])[0] + ".txt"]
            image_members[member] = prefix + "/".join(label)
        elif "labels" in parts[:-1] and ext == ".txt":
            label_members.add(member)
    by_label: dict[str, str] = {}
    for member, label in sorted(image_members.items()):
        if label in by_label:
            raise FormatError(f"{member}: shares the label file {label} with {by_label[label]}.")
        by_label[label] = member
    orphans = sorted(label_members - set(by_label))
    if orphans:
        raise FormatError(f"{orphans[0]}: label file without an image (no matching file under an images/ folder).")
    images: list[ImageRecord] = []
    files: dict[str, bytes] = {}
    for member, label in sorted(image_members.items()):
        file_name = posixpath.basename(member)
        if file_name in files:
            raise FormatError(f"{member}: another image in the zip has the file name {file_name}.")
        content = zip_read(archive, member)
        width, height = image_size(member, content)
        boxes = []
        if label in label_members:
            try:
                text = zip_read(archive, label).decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise FormatError(f"{label}: not UTF-8 text.") from exc
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    boxes.append(_parse_line(line, f"{label} line {number}", names, width, height))
        folders = set(member[len(prefix) :].split("/")[:-1])
        split = HOLDOUT_SPLIT if folders & VAL_FOLDERS else "pool"
        images.append(ImageRecord(file_name=file_name, width=width, height=height, boxes=tuple(boxes), split=split))
        files[file_name] = content
    return ImportBundle(labels=list(labels) if labels is not None else names, images=images, files=files)
