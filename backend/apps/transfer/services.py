"""Whole-project import and export in standard formats, through ai_models.formats (pure converters).

Export writes each item's best-known answer — the reviewed one, else the latest usable human answer,
else the imported annotation — and, for Label Studio, the latest prediction too. YOLO and COCO exports
hold only annotated images (an image without annotation is unknown, not empty). Imports go through the
same all-or-nothing validation as uploads.
"""
import json
import posixpath
from typing import NamedTuple

from django.conf import settings

from apps.core.exceptions import ApplicationError
from apps.feedback.selectors import latest_human_answers
from apps.items.image_import import images_import
from apps.items.images import image_open
from apps.items.models import Item
from apps.items.parsing import parse_upload
from apps.items.services import items_import
from apps.predictions.models import Prediction
from apps.projects.models import Task

DETECTION_FORMATS = ("yolo", "coco", "coco_zip", "labelstudio")
TEXT_FORMATS = ("csv", "jsonl", "labelstudio")
EXPORT_ONLY_COLUMNS = frozenset({"item_id", "predicted", "confidence"})  # our exports' extras, dropped on import


def formats_for(project) -> tuple[str, ...]:
    return DETECTION_FORMATS if project.task == Task.OBJECT_DETECTION else TEXT_FORMATS


def _check_format(project, fmt: str) -> None:
    if fmt not in formats_for(project):
        raise ApplicationError(f"format must be one of {', '.join(formats_for(project))} for a {project.task} project.")


def _latest_predictions(project) -> dict[int, Prediction]:
    latest: dict[int, Prediction] = {}
    for prediction in Prediction.objects.filter(project=project).select_related("model_version").order_by("id"):
        latest[prediction.item_id] = prediction
    return latest


def _export_name(item: Item) -> str:
    """`<item id>-<safe name>`: unique (one item, one id) and safe (ai_models.formats.names) in every archive, also
    for names stored before ingest made them safe (`a%2Fb.png`, `..\\evil.png`)."""
    from ai_models.formats.names import safe_file_name

    extension = posixpath.splitext(item.storage_key)[1].lstrip(".").lower() or "png"
    return f"{item.pk}-{safe_file_name(item.file_name or item.content_hash[:12], extension)}"


def _image_records(project):
    from ai_models.formats.records import BoxRecord, ImageRecord

    human, predicted = latest_human_answers(project=project), _latest_predictions(project)
    records, keys, annotated = [], {}, set()
    for item in Item.objects.filter(project=project, erased_at__isnull=True).order_by("id"):
        boxes = human.get(item.pk, item.boxes)
        prediction = predicted.get(item.pk)
        name = _export_name(item)
        keys[name] = item.storage_key
        records.append(ImageRecord(
            file_name=name, width=item.width, height=item.height, split=item.split, subject_ref=item.subject_ref,
            item_id=item.pk, boxes=tuple(BoxRecord(b["label"], b["x"], b["y"], b["w"], b["h"]) for b in boxes or []),
            predictions=tuple(BoxRecord(b["label"], b["x"], b["y"], b["w"], b["h"], b.get("confidence"))
                              for b in (prediction.boxes or [])) if prediction else (),
            model_version=prediction.model_version.number if prediction else None))
        if boxes is not None:
            annotated.add(item.pk)
    return records, keys, annotated


def _text_records(project):
    from ai_models.formats.records import TextRecord

    human, predicted = latest_human_answers(project=project), _latest_predictions(project)
    records = []
    for item in Item.objects.filter(project=project, erased_at__isnull=True).order_by("id"):
        prediction = predicted.get(item.pk)
        records.append(TextRecord(text=item.text, label=human.get(item.pk, item.label), split=item.split,
                                  subject_ref=item.subject_ref, item_id=item.pk,
                                  predicted=prediction.label if prediction else None,
                                  confidence=prediction.confidence if prediction else None))
    return records


class ExportFile(NamedTuple):
    content: bytes
    content_type: str
    file_name: str
    item_ids: list[int]  # the items whose data the file holds (for the personal_data.read event)


def project_export(*, project, fmt: str) -> ExportFile:
    """The project in `fmt`: the file's content, content type and name, and the ids of the items it holds."""
    from ai_models.formats import coco, labelstudio, tabular, yolo

    _check_format(project, fmt)
    slug = project.slug
    if project.task != Task.OBJECT_DETECTION:
        records = _text_records(project)
        ids = [r.item_id for r in records]
        if fmt == "csv":
            return ExportFile(tabular.export_csv(records), "text/csv", f"{slug}.csv", ids)
        if fmt == "jsonl":
            return ExportFile(tabular.export_jsonl(records), "application/x-ndjson", f"{slug}.jsonl", ids)
        tasks = labelstudio.export_labelstudio(records, project.labels, to_name="text")
        return ExportFile(json.dumps(tasks, indent=1).encode(), "application/json", f"{slug}-labelstudio.json", ids)
    records, keys, annotated_ids = _image_records(project)

    def read(name: str) -> bytes:
        with image_open(keys[name]) as handle:
            return handle.read()

    annotated = [r for r in records if r.item_id in annotated_ids]
    ids = [r.item_id for r in annotated]
    if fmt == "yolo":
        # val = the holdout when there is one, so that splits survive a round trip (val comes back as holdout)
        has_holdout = any(r.split == "holdout" for r in annotated)
        content = yolo.export_yolo_zip(annotated, read, project.labels, val_fraction=0.0 if has_holdout else 0.2)
        return ExportFile(content, "application/zip", f"{slug}-yolo.zip", ids)
    if fmt == "coco":  # file names, sizes and boxes, no bytes
        return ExportFile(json.dumps(coco.export_coco(annotated, project.labels)).encode(), "application/json",
                          f"{slug}-coco.json", ids)
    if fmt == "coco_zip":
        return ExportFile(coco.export_coco_zip(annotated, read, project.labels), "application/zip", f"{slug}-coco.zip",
                          ids)
    tasks = labelstudio.export_labelstudio(records, project.labels, to_name="image",
                                           image_url=lambda r: f"/api/v1/items/{r.item_id}/image/")
    return ExportFile(json.dumps(tasks, indent=1).encode(), "application/json", f"{slug}-labelstudio.json",
                      [r.item_id for r in records])


def _check_labels(project, seen) -> None:
    unknown = sorted(set(seen) - set(project.labels))
    if unknown:
        raise ApplicationError(f"The file uses labels this project does not have: {', '.join(unknown)}. "
                               f"Add them to the project first (labels can be appended).")


def _zip_limits():
    from ai_models.formats.zips import ZipLimits

    return ZipLimits(max_total_bytes=settings.IMPORT_MAX_UNZIPPED_BYTES,
                     max_member_bytes=settings.IMPORT_MAX_MEMBER_BYTES, max_members=settings.IMPORT_MAX_MEMBERS)


def project_import(*, project, fmt: str, name: str, data: bytes, actor) -> dict:
    from ai_models.formats import coco, labelstudio, yolo
    from ai_models.formats.records import FormatError
    from ai_models.formats.zips import ArchiveLimitError

    _check_format(project, fmt)
    try:
        if project.task != Task.OBJECT_DETECTION:
            if fmt == "labelstudio":
                texts, seen = labelstudio.parse_labelstudio(data, kind="text")
                _check_labels(project, seen)
                rows = [{"text": t.text, **({"label": t.label} if t.label else {}),
                         **({"split": t.split} if t.split in ("pool", "holdout") else {}),
                         **({"subject_ref": t.subject_ref} if t.subject_ref else {})} for t in texts]
                return items_import(project=project, rows=rows, actor=actor, source=f"import:{fmt}")
            rows, lines = parse_upload(name=f"{name}.{fmt}" if not name.endswith(fmt) else name, content=data,
                                       ignore=EXPORT_ONLY_COLUMNS)
            return items_import(project=project, rows=rows, actor=actor, source=f"import:{fmt}", line_numbers=lines)
        if fmt == "labelstudio":
            raise ApplicationError("Label Studio image tasks reference images by URL; import them as a coco_zip or "
                                   "yolo zip, or upload the images with their boxes.")
        bundle = {"yolo": lambda: yolo.parse_yolo_zip(data, None, limits=_zip_limits()),
                  "coco_zip": lambda: coco.parse_coco_zip(data, limits=_zip_limits()),
                  "coco": lambda: coco.parse_coco(data)}[fmt]()
    except ArchiveLimitError as exc:
        raise ApplicationError(f"{name}: {exc}", status=413) from exc
    except FormatError as exc:
        raise ApplicationError(f"{name}: {exc}") from exc
    _check_labels(project, bundle.labels)
    missing = [i.file_name for i in bundle.images if i.file_name not in bundle.files]
    if missing:
        raise ApplicationError(f"{name}: the images are not in the file ({', '.join(missing[:5])}); "
                               "use yolo or coco_zip, which carry them.")
    boxes = {i.file_name: [{"label": b.label, "x": b.x, "y": b.y, "w": b.w, "h": b.h} for b in i.boxes]
             for i in bundle.images}
    splits = {i.file_name: i.split for i in bundle.images if i.split in ("pool", "holdout")}
    return images_import(project=project, files=[(i.file_name, bundle.files[i.file_name]) for i in bundle.images],
                         boxes_by_name=boxes, splits_by_name=splits, actor=actor, source=f"import:{fmt}")
