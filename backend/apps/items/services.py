"""Item writes: validated, all-or-nothing imports, and the items that predictions create."""
import hashlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict
from apps.core.strings import text_problem

from .models import Item, Split


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_text(value) -> str:
    if not isinstance(value, str):
        raise ValueError("text must be a string")
    text = value.strip()
    if not text:
        raise ValueError("text is empty")
    problem = text_problem(text)
    if problem:
        raise ValueError(f"text {problem}")
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
    problem = text_problem(subject_ref)
    if problem:
        raise ValueError(f"subject_ref {problem}")
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
    new = restricted_subjects_mark([Item(project=project, content_hash=h, source=source, created_by=actor, **row)
                                    for h, row in by_hash.items() if h not in existing])
    created = items_create_sealed(new)
    result = {"created": len(created), "duplicates": len(clean) - len(created),
              "labelled": sum(1 for i in created if i.label), "holdout": sum(1 for i in created if i.split == Split.HOLDOUT)}
    pool_scoring_request(project=project, created=created, actor=actor, source=source)
    audit_event_record(action="items.imported", actor=actor, project=project, object_type="items.item",
                       details={**result, "source": source,
                                "batch_hash": hashlib.sha256("".join(sorted(by_hash)).encode()).hexdigest()})
    return result


def items_create_sealed(items: list[Item]) -> list[Item]:
    """bulk_create `items`, the texts of those about a subject sealed with their subjects' keys, fetched or made in
    three statements for the whole batch (Item.text, a SealedTextField, would otherwise look up each key on save).
    The instances keep their plain text."""
    refs = {i.subject_ref for i in items if i.subject_ref}
    plain: dict[int, str] = {}
    if refs:
        from apps.privacy.sealing import keyring

        seal = keyring.sealer(refs)
        for item in items:
            if item.subject_ref and item.text:
                plain[id(item)], item.text = item.text, seal(item.text, item.subject_ref)
    created = Item.objects.bulk_create(items, batch_size=1000)
    for item in created:
        item.text = plain.get(id(item), item.text)
    return created


def restricted_subjects_mark(items: list[Item]) -> list[Item]:
    """New items of a subject whose items are restricted (GDPR Art. 18, apps.privacy) arrive restricted too."""
    refs = {i.subject_ref for i in items if i.subject_ref}
    if refs:
        restricted = dict(Item.objects.filter(subject_ref__in=refs, restricted_at__isnull=False)
                          .values_list("subject_ref", "restricted_at"))
        for item in items:
            item.restricted_at = restricted.get(item.subject_ref)
    return items


def pool_scoring_request(*, project, created: list[Item], actor, source: str) -> None:
    """New pool items get scored by the champion for the review queue (after commit, by a Celery worker).

    Not for items that a prediction request creates: that request scores them itself.
    """
    if source == "predict" or not any(item.split == Split.POOL for item in created):
        return
    from apps.predictions.models import ScoringTrigger
    from apps.predictions.scoring import queue_scoring_request_after_commit

    queue_scoring_request_after_commit(project=project, trigger=ScoringTrigger.IMPORT, actor=actor)


def item_ids_for_texts(*, project, texts: list[str], actor) -> tuple[list[int], int]:
    """The id of the item holding each of `texts` (already normalized) in `project`, in order, and how many items this
    call created (unlabelled, pool, source "predict"). Caller holds the transaction.

    A constant number of statements however many texts: one SELECT by content hash, then one INSERT … ON CONFLICT
    DO NOTHING … RETURNING for the texts not found. A text that a concurrent transaction inserted in between makes
    that INSERT wait for it to commit and skip the row (READ COMMITTED); it is read once more. New rows go in
    content-hash order, so two requests inserting the same new texts queue behind each other instead of deadlocking.
    """
    hashes = [content_hash(text) for text in texts]
    wanted = dict(zip(hashes, texts, strict=True))
    ids = dict(Item.objects.filter(project=project, content_hash__in=wanted).values_list("content_hash", "pk"))
    created = 0
    for _attempt in range(3):  # a row that a concurrent transaction inserted and then retired at once: try again
        missing = sorted(h for h in wanted if h not in ids)
        if not missing:
            return [ids[h] for h in hashes], created
        inserted = _insert_skipping_existing([Item(project=project, content_hash=h, text=wanted[h], source="predict",
                                                   created_by=actor) for h in missing])
        created += len(inserted)
        ids.update(inserted)
        if len(inserted) < len(missing):
            raced = [h for h in missing if h not in inserted]
            ids.update(Item.objects.filter(project=project, content_hash__in=raced).values_list("content_hash", "pk"))
    raise Conflict("These texts were changed by another request at the same time; send the request again.")


def _insert_skipping_existing(items: list[Item]) -> dict[str, int]:
    """INSERT the items, skipping any whose (project, content hash) exists: {content hash: id} of those inserted.

    bulk_create(ignore_conflicts=True) cannot say which rows it inserted (it returns no ids), and the audit event
    records how many items a request created; so this builds the same INSERT with RETURNING, which on PostgreSQL
    and SQLite 3.35+ returns exactly the rows inserted. Batched like bulk_create where the backend limits the
    parameters of one statement.
    """
    connection = connections[Item.objects.db]
    if not connection.features.can_return_rows_from_bulk_insert:
        raise ImproperlyConfigured("Predictions need INSERT … RETURNING: PostgreSQL, or SQLite 3.35 or later.")
    fields = [f for f in Item._meta.concrete_fields if not f.primary_key]
    size = max(connection.ops.bulk_batch_size(fields, items), 1)
    inserted = {}
    for start in range(0, len(items), size):
        query = InsertQuery(Item, on_conflict=OnConflict.IGNORE)
        query.insert_values(fields, items[start:start + size])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [Item._meta.pk, Item._meta.get_field("content_hash")]
        with connection.cursor() as cursor:
            for sql, params in compiler.as_sql():
                cursor.execute(sql, params)
                inserted.update((h, pk) for pk, h in cursor.fetchall())
    return inserted


def items_latest_prediction_mark(*, predictions: list) -> None:
    """Point each predicted item at its newest prediction, in one statement. Caller holds the transaction that
    created `predictions` (stored Prediction rows).

    GREATEST keeps the pointer monotonic when two transactions predict the same item at once: whichever commits
    last, the item ends up pointing at the higher (newer) prediction id, never back at an older one. The newest id
    per item is known here, so it goes in as a VALUES list (UPDATE … FROM, PostgreSQL and SQLite 3.33+) rather than
    a subquery per item over the request's predictions (1,000 × 1,000 comparisons: 20 ms of a 1,000-text request).
    Items in id order, so that concurrent requests predicting the same items update (lock) them in the same order.
    """
    newest: dict[int, int] = {}
    for prediction in predictions:
        newest[prediction.item_id] = max(prediction.pk, newest.get(prediction.item_id, 0))
    if not newest:
        return
    connection = connections[Item.objects.db]
    qn = connection.ops.quote_name
    table, pointer = qn(Item._meta.db_table), qn(Item._meta.get_field("latest_prediction").column)
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"  # SQLite's two-argument max() is GREATEST
    rows = sorted(newest.items())
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {pointer} = {greatest}(COALESCE({pointer}, 0), v.column2) "
                       f"FROM (VALUES {', '.join(['(%s, %s)'] * len(rows))}) AS v "
                       f"WHERE {table}.{qn(Item._meta.pk.column)} = v.column1",
                       [value for row in rows for value in row])


@transaction.atomic
def item_remove(*, item: Item, actor) -> dict:
    """Take an item out of its project for good (an ML engineer's way out for a broken item, e.g. an image
    whose stored size is not the size its boxes were drawn on).

    An item that no prediction or feedback refers to is deleted. One that has them is retired instead: the
    predictions and feedback stay (they are the record of what the model decided and what people answered),
    the item leaves lists, exports, review queues, predictions and every later training set (`erased_at`),
    its content hash is freed so that the same content can be imported again, and its image bytes are deleted.
    Either way one audit event records it, in this transaction; the bytes go after the commit.
    """
    from django.utils import timezone

    item = Item.objects.select_for_update().get(pk=item.pk)
    predictions, feedback = item.predictions.count(), item.feedback.count()
    # No content hash or file name: the audit log is append-only and must not keep what an erasure removes (a short
    # text's sha256 is guessable; a photo's file name can name its subject).
    details = {"split": item.split, "predictions": predictions, "feedback": feedback}
    key, item_id, project = item.storage_key, item.pk, item.project
    if predictions or feedback:
        Item.objects.filter(pk=item_id).update(erased_at=timezone.now(), content_hash=f"removed:{item_id}",
                                               storage_key="")
        outcome = "retired"
    else:
        item.delete()
        outcome = "deleted"
    audit_event_record(action="items.removed", actor=actor, project=project, object_type="items.item",
                       object_id=item_id, details={**details, "outcome": outcome})
    if key:
        transaction.on_commit(lambda: _image_delete_if_unused(key))
    return {"id": item_id, "outcome": outcome, "predictions": predictions, "feedback": feedback}


def _image_delete_if_unused(key: str) -> None:
    from .images import image_delete_quietly

    if not Item.objects.filter(storage_key=key).exists():  # the same content imported again meanwhile keeps it
        image_delete_quietly([key])
