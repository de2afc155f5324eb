"""After an erasure commits: delete what it recorded in ErasureCleanup, record each outcome, retry what failed.

The platform's folders go first (finding an image's DVC copies uses the object's size), then the objects. A failure
is recorded on its row (attempts, last_error) and the work is retried by the `privacy.erasure_cleanup` task with
backoff, and by beat's sweep of pending rows; after ERASURE_CLEANUP_MAX_ATTEMPTS a row is `failed` and stays visible
on the erasure request (GET /api/v1/privacy/requests/<id>/) for an operator.
"""
import logging
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from apps.items.images import image_is_sealed
from apps.items.models import Item
from apps.training.models import TrainingRun

from .models import CleanupKind, CleanupStatus, ErasedDatasetVersion, ErasureCleanup, SubjectRequest
from .platform_files import platform_copies_delete
from .sealing import SEALED_BYTES_OVERHEAD

log = logging.getLogger(__name__)
ERASURE_CLEANUP_MAX_ATTEMPTS = 8
ACCESS_ARCHIVE_PREFIX = "privacy/access/"


def _failed(row: ErasureCleanup, exc: BaseException) -> None:
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    row.status = CleanupStatus.FAILED if row.attempts >= ERASURE_CLEANUP_MAX_ATTEMPTS else CleanupStatus.PENDING
    row.save(update_fields=["attempts", "last_error", "status"])
    log.warning("erasure %s: cleanup %s (%s) failed, attempt %s: %s", row.erasure_id, row.pk, row.kind, row.attempts,
                row.last_error)


def _done(row: ErasureCleanup, deleted: list[str]) -> None:
    """Done: an object's key (it names the image's sha256) is not kept once the object is gone."""
    row.attempts += 1
    row.status, row.done_at, row.deleted, row.last_error = CleanupStatus.DONE, timezone.now(), deleted, ""
    if row.kind == CleanupKind.OBJECT:
        row.target = ""
    row.save(update_fields=["attempts", "status", "done_at", "deleted", "last_error", "target"])


def _object_size(key: str) -> int | None:
    """The image's own size (a sealed object is SEALED_BYTES_OVERHEAD larger than the copies it was trained from)."""
    try:
        size = default_storage.size(key) if default_storage.exists(key) else None
    except Exception:  # the size only narrows a search; the object's own deletion reports a storage fault
        return None
    return size - SEALED_BYTES_OVERHEAD if size is not None and image_is_sealed(key) else size


def erasure_cleanup_run(*, erasure_id: int) -> int:
    """Do the erasure's pending deletions; returns how many are still pending (0: all done or given up)."""
    erasure = SubjectRequest.objects.get(pk=erasure_id)
    rows = list(ErasureCleanup.objects.filter(erasure=erasure, status=CleanupStatus.PENDING).order_by("kind", "id"))
    objects = [r for r in rows if r.kind == CleanupKind.OBJECT]
    keys = ErasureCleanup.objects.filter(erasure=erasure, kind=CleanupKind.OBJECT).values_list("target", flat=True)
    # `<sha256>.<ext>`, or `<sha256>-<token>.<ext>` for a sealed image (apps.items.images.image_store_sealed)
    hashes = {PurePosixPath(k).stem.split("-")[0] for k in keys if not k.startswith(ACCESS_ARCHIVE_PREFIX)}
    for row in (r for r in rows if r.kind == CleanupKind.FILES):
        sizes = [_object_size(r.target) for r in objects]
        held = ErasedDatasetVersion.objects.filter(erasure=erasure).values("dataset_version")
        runs = set(TrainingRun.objects.filter(dataset_version_id__in=held).values_list("pk", flat=True))
        clean = set(TrainingRun.objects.filter(dataset_version__isnull=False).exclude(dataset_version_id__in=held)
                    .values_list("pk", flat=True))  # a run without a recorded version yet is read to be sure
        try:
            deleted = platform_copies_delete(item_ids=erasure.result.get("item_ids", []), image_hashes=hashes,
                                             run_ids=runs, clean_run_ids=clean,
                                             image_sizes=None if None in sizes else set(sizes))
        except Exception as exc:
            _failed(row, exc)
        else:
            _done(row, deleted)
    for row in objects:
        try:
            if Item.objects.filter(storage_key=row.target).exists():  # the same image imported again since: kept
                _done(row, [])
                continue
            default_storage.delete(row.target)
        except Exception as exc:
            _failed(row, exc)
        else:
            _done(row, ["object"])
    return ErasureCleanup.objects.filter(erasure=erasure, status=CleanupStatus.PENDING).count()


def erasure_cleanup_after_commit(erasure_id: int) -> None:
    """on_commit of an erasure: try at once; anything left is retried by the task (never raises into the request)."""
    try:
        pending = erasure_cleanup_run(erasure_id=erasure_id)
    except Exception as exc:  # the database blinked: the task and beat's sweep try again
        log.warning("erasure %s: cleanup did not run: %s", erasure_id, exc)
        pending = 1
    if pending:
        from apps.core.queueing import send_or_fail

        from .tasks import erasure_cleanup_task

        send_or_fail(lambda: erasure_cleanup_task.apply_async((erasure_id,), countdown=30),
                     what=f"the cleanup of erasure {erasure_id}",
                     on_failure=lambda message: log.warning("erasure %s: %s; beat's sweep retries", erasure_id, message))


def erasure_cleanups_pending() -> list[int]:
    """Erasures with deletions still pending (beat's sweep)."""
    return sorted(set(ErasureCleanup.objects.filter(status=CleanupStatus.PENDING).values_list("erasure_id", flat=True)))


@transaction.atomic
def access_archives_withdraw(*, subject_hash_value: str) -> list[str]:
    """Erasure: archives of the subject not downloaded yet are withdrawn; returns their keys, to delete."""
    from .models import RequestKind, RequestStatus

    pending = SubjectRequest.objects.select_for_update().filter(kind=RequestKind.ACCESS, subject_hash=subject_hash_value,
                                                                 status=RequestStatus.READY)
    keys = [k for k in pending.values_list("archive_key", flat=True) if k]
    pending.update(status=RequestStatus.WITHDRAWN, archive_key="")
    return keys
