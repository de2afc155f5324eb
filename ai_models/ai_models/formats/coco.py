"""COCO object-detection JSON (``images``, ``annotations``, ``categories``), bare or zipped with its images.

Export: image ids are 1..n in the given order, annotation ids 1..m, category ids 1-based in the
project's label order; ``bbox`` is ``[x, y, w, h]`` in pixels, ``area = w * h``, ``iscrowd = 0`` and an
empty ``segmentation``. Only the ground-truth boxes are exported (COCO results are a separate format).
Import: labels are the category names sorted by category id; ``iscrowd = 1`` annotations (crowd
regions, not objects) are skipped; an annotation's ``score``, if any, becomes the box confidence.
"""

from __future__ import annotations

import io
import json
import posixpath
import zipfile
from typing import Any

from ai_models.formats.records import (
    IMAGE_EXTENSIONS,
    BoxRecord,
    FileSource,
    FormatError,
    ImageRecord,
    ImportBundle,
    base_name,
    check_box_labels,
    check_export_names,
    finite_number,
    image_size,
    load_file,
    load_json,
    zip_add,
    zip_add_dir,
)
from ai_models.formats.zips import ZipLimits, open_zip, zip_members, zip_read

ANNOTATIONS_FILE = "annotations.json"


def export_coco(images: list[ImageRecord], labels: list[str]) -> dict[str, Any]:
    """The COCO detection JSON of ``images`` (their ``boxes``) with one category per label."""
    check_box_labels([ImageRecord(im.file_name, im.width, im.height, im.boxes) for im in images], labels)
    category = {name: i for i, name in enumerate(labels, start=1)}
    coco_images, annotations = [], []
    for image_id, image in enumerate(images, start=1):
        coco_images.append({"id": image_id, "file_name": image.file_name, "width": image.width, "height": image.height})
        for box in image.boxes:
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": image_id,
                    "category_id": category[box.label],
                    "bbox": [box.x, box.y, box.w, box.h],
                    "area": box.w * box.h,
                    "iscrowd": 0,
                    "segmentation": [],
                }
            )
    return {
        "info": {"description": "exported by ai_models.formats.coco"},
        "licenses": [],
        "images": coco_images,
        "annotations": annotations,
        "categories": [{"id": i, "name": name, "supercategory": "none"} for name, i in category.items()],
    }


def export_coco_zip(images: list[ImageRecord], files: FileSource, labels: list[str]) -> bytes:
    """A zip with ``annotations.json`` and the image files under ``images/``."""
    check_export_names(images)
    document = export_coco(images, labels)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        zip_add(archive, ANNOTATIONS_FILE, json.dumps(document, ensure_ascii=False, indent=1))
        zip_add_dir(archive, "images")
        for image in images:
            zip_add(archive, f"images/{image.file_name}", load_file(files, image.file_name), compress=False)
    return buffer.getvalue()


def _load(data: dict | bytes | str) -> dict[str, Any]:
    if isinstance(data, bytes | bytearray | str):
        data = load_json(data, "COCO JSON")
    if not isinstance(data, dict):
        raise FormatError("COCO JSON: the top level must be an object with images, annotations, categories.")
    for key in ("images", "categories"):
        if not isinstance(data.get(key), list):
            raise FormatError(f"COCO JSON: '{key}' must be a list.")
    if not isinstance(data.get("annotations", []), list):
        raise FormatError("COCO JSON: 'annotations' must be a list.")
    return data


def _int_id(entry: object, what: str, index: int) -> int:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), int) or isinstance(entry.get("id"), bool):
        raise FormatError(f"COCO JSON: {what} #{index} has no integer 'id'.")
    return entry["id"]


def _categories(data: dict[str, Any]) -> dict[int, str]:
    categories: dict[int, str] = {}
    for index, entry in enumerate(data["categories"]):
        cat_id = _int_id(entry, "category", index)
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise FormatError(f"COCO JSON: category {cat_id} has no name.")
        if cat_id in categories:
            raise FormatError(f"COCO JSON: category id {cat_id} is used twice.")
        if name in categories.values():
            raise FormatError(f"COCO JSON: category name {name!r} is used twice.")
        categories[cat_id] = name
    return dict(sorted(categories.items()))


def _images(data: dict[str, Any], files: dict[str, bytes] | None) -> dict[int, dict[str, Any]]:
    images: dict[int, dict[str, Any]] = {}
    names: set[str] = set()
    for index, entry in enumerate(data["images"]):
        image_id = _int_id(entry, "image", index)
        if image_id in images:
            raise FormatError(f"COCO JSON: image id {image_id} is used twice.")
        raw_name = entry.get("file_name")
        if not isinstance(raw_name, str) or not base_name(raw_name):
            raise FormatError(f"COCO JSON: image {image_id} has no file_name.")
        file_name = base_name(raw_name)
        if file_name in names:
            raise FormatError(f"COCO JSON: image {image_id}: another image has the file name {file_name}.")
        names.add(file_name)
        if files is not None and file_name not in files:
            raise FormatError(f"COCO JSON: image {image_id}: {raw_name} is not among the files.")
        width, height = entry.get("width"), entry.get("height")
        if files is not None:
            width, height = image_size(file_name, files[file_name])  # the bytes are the truth
        elif not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
            raise FormatError(f"COCO JSON: image {image_id} ({file_name}) needs positive integer width and height.")
        images[image_id] = {"file_name": file_name, "width": width, "height": height, "boxes": []}
    return images


def parse_coco(data: dict | bytes | str, files: dict[str, bytes] | None = None) -> ImportBundle:
    """Images and boxes of a COCO detection JSON; ``files`` (by file name), if given, must hold every image.

    With ``files``, image sizes are read from the bytes; without, from ``width``/``height``.
    """
    document = _load(data)
    categories = _categories(document)
    images = _images(document, files)
    for index, ann in enumerate(document.get("annotations", [])):
        ann_id = _int_id(ann, "annotation", index)
        if ann.get("image_id") not in images:
            raise FormatError(f"COCO JSON: annotation {ann_id} refers to unknown image {ann.get('image_id')!r}.")
        if ann.get("category_id") not in categories:
            raise FormatError(f"COCO JSON: annotation {ann_id} refers to unknown category {ann.get('category_id')!r}.")
        bbox = ann.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(finite_number(v) for v in bbox)):
            raise FormatError(f"COCO JSON: annotation {ann_id} needs a bbox of 4 numbers [x, y, w, h].")
        if bbox[2] < 0 or bbox[3] < 0:
            raise FormatError(f"COCO JSON: annotation {ann_id} has a negative bbox width or height.")
        score = ann.get("score")
        if score is not None and not finite_number(score):
            raise FormatError(f"COCO JSON: annotation {ann_id} has a score that is not a number.")
        if ann.get("iscrowd", 0):
            continue
        confidence = float(score) if score is not None else None
        box = BoxRecord(categories[ann["category_id"]], *(float(v) for v in bbox), confidence=confidence)
        images[ann["image_id"]]["boxes"].append(box)
    records = [
        ImageRecord(file_name=im["file_name"], width=im["width"], height=im["height"], boxes=tuple(im["boxes"]))
        for im in images.values()
    ]
    kept = {im.file_name: files[im.file_name] for im in records} if files is not None else {}
    return ImportBundle(labels=list(categories.values()), images=records, files=kept)


def parse_coco_zip(data: bytes, *, limits: ZipLimits | None = None) -> ImportBundle:
    """A zip holding the COCO JSON (``annotations.json``, else its only ``.json`` file) and the images.

    Images are matched by file name, wherever they lie in the zip. ``limits``: what the archive may unpack
    to (see :mod:`ai_models.formats.zips`), checked before any member is read.
    """
    archive = open_zip(data, "COCO zip", limits)
    members = zip_members(archive)
    jsons = [m for m in members if m.lower().endswith(".json")]
    named = sorted((m for m in jsons if posixpath.basename(m) == ANNOTATIONS_FILE), key=len)
    if named:
        where = named[0]
    elif len(jsons) == 1:
        where = jsons[0]
    else:
        found = ", ".join(jsons) or "none"
        raise FormatError(f"COCO zip: expected {ANNOTATIONS_FILE} or a single .json file (found: {found}).")
    files: dict[str, bytes] = {}
    for member in members:
        if posixpath.splitext(member)[1].lower() in IMAGE_EXTENSIONS:
            name = posixpath.basename(member)
            if name in files:
                raise FormatError(f"{member}: another image in the zip has the file name {name}.")
            files[name] = zip_read(archive, member)
    document = zip_read(archive, where)
    try:
        return parse_coco(document, files)
    except FormatError as exc:
        raise FormatError(str(exc).replace("COCO JSON", where, 1)) from exc
