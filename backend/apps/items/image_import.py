"""images_import: validated, all-or-nothing upload of images (and optional boxes) into a detection project."""
import hashlib

from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError
from apps.core.strings import text_problem

from .annotations import boxes_validate
from .images import CheckedImage, image_check, image_delete_quietly, image_store, image_store_sealed
from .models import Item, Split
from .services import pool_scoring_request, restricted_subjects_mark


def images_check(*, project, files: list[tuple[str, bytes]], boxes_by_name: dict | None, split: str,
                 splits_by_name: dict | None = None) -> list[tuple]:
    """Validate everything before anything is written: [(CheckedImage, boxes or None, split)]."""
    if not files:
        raise ApplicationError("No images: send one or more 'files' parts.")
    splits_by_name = splits_by_name or {}
    for value in {split, *splits_by_name.values()}:
        if value not in Split.values:
            raise ApplicationError(f"split must be 'pool' or 'holdout', not {value!r}.")
    boxes_by_name = boxes_by_name or {}
    if not isinstance(boxes_by_name, dict):
        raise ApplicationError("'boxes' must be a JSON object mapping file names to lists of boxes.")
    names = [name for name, _ in files]
    stray = sorted(set(boxes_by_name) - set(names))
    if stray:
        raise ApplicationError(f"'boxes' names files that were not uploaded: {', '.join(stray)}.")
    checked = []
    for name, data in files:
        problem = text_problem(name)  # names from zips and COCO JSON (multipart names are cleaned by Django)
        if problem:
            raise ApplicationError(f"{name!r}: the file name {problem}.")
        image = image_check(file_name=name, data=data)
        boxes = None
        if name in boxes_by_name:
            boxes = boxes_validate(boxes_by_name[name], labels=project.labels, width=image.width, height=image.height,
                                   where=name)
        image_split = splits_by_name.get(name, split)
        if image_split == Split.HOLDOUT and boxes is None:
            raise ApplicationError(f"{name}: a holdout image needs its boxes (an empty list means nothing is here).")
        checked.append((image, boxes, image_split))
    return checked


def images_import(*, project, files: list[tuple[str, bytes]], boxes_by_name: dict | None = None,
                  split: str = Split.POOL, splits_by_name: dict | None = None, subject_ref: str = "", actor,
                  source: str = "upload") -> dict:
    """`split` applies to every image unless `splits_by_name` (file name -> split) says otherwise."""
    checked = images_check(project=project, files=files, boxes_by_name=boxes_by_name, split=split,
                           splits_by_name=splits_by_name)
    written: list[str] = []
    try:
        with transaction.atomic():
            result = _images_create(project=project, checked=checked, subject_ref=subject_ref, actor=actor,
                                    source=source, written=written)
    except BaseException:
        image_delete_quietly(written)
        raise
    return result


def _images_create(*, project, checked, subject_ref, actor, source, written: list[str]) -> dict:
    existing = dict(Item.objects.filter(project=project, content_hash__in=[c[0].sha256 for c in checked])
                    .values_list("content_hash", "id"))
    created, duplicates, seen, order = [], [], set(), []
    for image, boxes, split in checked:
        order.append(image.sha256)
        if image.sha256 in existing or image.sha256 in seen:
            duplicates.append(image.file_name)
            continue
        seen.add(image.sha256)
        if subject_ref:  # about a person: sealed under their key (GDPR Art. 17/32, apps.privacy.sealing)
            key, wrote = image_store_sealed(project_slug=project.slug, image=image, subject_ref=subject_ref), True
        else:
            key, wrote = image_store(project_slug=project.slug, image=image)
        if wrote:
            written.append(key)
        created.append(_item(project, image, key, boxes, split, subject_ref, actor, source))
    items = Item.objects.bulk_create(restricted_subjects_mark(created))
    ids = {**existing, **{i.content_hash: i.pk for i in items}}
    result = {"created": len(items), "duplicates": len(duplicates), "labelled": sum(i.boxes is not None for i in items),
              "holdout": sum(i.split == Split.HOLDOUT for i in items), "items": [ids[h] for h in order]}
    pool_scoring_request(project=project, created=items, actor=actor, source=source)
    audit_event_record(action="items.imported", actor=actor, project=project, object_type="items.item",
                       details={**{k: v for k, v in result.items() if k != "items"}, "source": source,
                                "batch_hash": hashlib.sha256("".join(sorted(seen)).encode()).hexdigest()})
    return result


def _item(project, image: CheckedImage, key: str, boxes, split, subject_ref, actor, source) -> Item:
    return Item(project=project, content_hash=image.sha256, storage_key=key, file_name=image.file_name,
                content_type=image.content_type, width=image.width, height=image.height, boxes=boxes, split=split,
                subject_ref=subject_ref, source=source, created_by=actor)
