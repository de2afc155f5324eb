"""Item writes: validated, all-or-nothing imports, and the items that predictions create."""
import hashlib

from django.conf import settings
from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError

from .models import Item, Split


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_text(value) -> str:
    if not isinstance(value, str):
        raise ValueError("text must be a string")
    text = value.strip()
    if not text:
        raise ValueError("text is empty")
    if "\x00" in text:
        raise ValueError("text contains a NUL character")
    if len(text) > settings.TEXT_MAX_CHARS:
        raise ValueError(f"text is longer than {settings.TEXT_MAX_CHARS} characters")
    return text


def _validate_row(row: dict, labels: list[str]) -> dict:
    unknown = sorted(set(row) - {"text", "label", "split", "subject_ref"})
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    text = normalize_text(row.get("text"))
    label = row.get("label")
    if label is not None and label not in labels:
        raise ValueError(f"unknown label {label!r}; the project's labels are {', '.join(labels)}")
    split = row.get("split") or Split.POOL
    if split not in Split.values:
        raise ValueError(f"split must be 'pool' or 'holdout', not {split!r}")
    if split == Split.HOLDOUT and label is None:
        raise ValueError("a holdout item needs a label")
    subject_ref = row.get("subject_ref") or ""
    if not isinstance(subject_ref, str) or len(subject_ref) > 128:
        raise ValueError("subject_ref must be a string of at most 128 characters")
    return {"text": text, "label": label, "split": split, "subject_ref": subject_ref}


@transaction.atomic
def items_import(*, project, rows: list[dict], actor, source: str = "import", line_numbers: list[int] | None = None) -> dict:
    """Import rows into `project`. Any bad row refuses the whole request (400 naming each bad row:
    its 1-based position, or its line in the uploaded file when `line_numbers` are given).

    Texts already in the project (same content hash) are not changed; they are reported as duplicates.
    """
    if not rows:
        raise ApplicationError("Nothing to import: 'items' is empty.")
    errors, clean = [], []
    for index, row in enumerate(rows, start=1):
        number = line_numbers[index - 1] if line_numbers else index
        try:
            if not isinstance(row, dict):
                raise ValueError("each item must be an object")
            clean.append(_validate_row(row, project.labels))
        except ValueError as exc:
            errors.append({"row": number, "error": str(exc)})
    if errors:
        first = errors[0]
        raise ApplicationError(f"Row {first['row']}: {first['error']}. Nothing was imported.",
                               extra={"errors": errors[:100], "error_count": len(errors)})
    by_hash = {}
    for row in clean:
        by_hash.setdefault(content_hash(row["text"]), row)
    existing = set(Item.objects.filter(project=project, content_hash__in=by_hash).values_list("content_hash", flat=True))
    new = [Item(project=project, content_hash=h, source=source, created_by=actor, **row)
           for h, row in by_hash.items() if h not in existing]
    created = Item.objects.bulk_create(new, batch_size=1000)
    result = {"created": len(created), "duplicates": len(clean) - len(created),
              "labelled": sum(1 for i in created if i.label), "holdout": sum(1 for i in created if i.split == Split.HOLDOUT)}
    audit_event_record(action="items.imported", actor=actor, project=project, object_type="items.item",
                       details={**result, "source": source,
                                "batch_hash": hashlib.sha256("".join(sorted(by_hash)).encode()).hexdigest()})
    return result


def item_get_or_create_for_text(*, project, text: str, actor) -> tuple[Item, bool]:
    """The item holding `text` in `project`, created (unlabelled, pool) if new. Caller holds the transaction."""
    text = normalize_text(text)
    item, created = Item.objects.get_or_create(project=project, content_hash=content_hash(text),
                                               defaults={"text": text, "source": "predict", "created_by": actor})
    return item, created
