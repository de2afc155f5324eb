"""Celery tasks of the privacy app: retry an erasure's deletions outside the database until they are done."""
from celery import shared_task


class CleanupPending(Exception):
    """Some deletions failed this time: Celery retries the task with backoff."""


@shared_task(name="privacy.erasure_cleanup", acks_late=True, soft_time_limit=1800, time_limit=1900,
             autoretry_for=(CleanupPending,), retry_backoff=60, retry_backoff_max=3600, max_retries=8)
def erasure_cleanup_task(erasure_id: int) -> None:
    from .cleanup import erasure_cleanup_run

    if erasure_cleanup_run(erasure_id=erasure_id):
        raise CleanupPending(f"erasure {erasure_id}: deletions still pending")


@shared_task(name="privacy.erasure_cleanup_pending", acks_late=True, soft_time_limit=3600, time_limit=3700)
def erasure_cleanup_pending_task() -> int:
    """Beat's sweep: every erasure with deletions still pending (the broker was down, a worker died)."""
    from .cleanup import erasure_cleanup_run, erasure_cleanups_pending

    erasures = erasure_cleanups_pending()
    for erasure_id in erasures:
        erasure_cleanup_run(erasure_id=erasure_id)
    return len(erasures)


@shared_task(name="privacy.retention_purge", acks_late=True, soft_time_limit=3600, time_limit=3700)
def retention_purge_task() -> int:
    """Beat, daily: item content past its project's retention_days (apps.privacy.retention)."""
    from .retention import retention_purge

    return sum(request.result.get("items", 0) for request in retention_purge())


@shared_task(name="privacy.logs_purge", acks_late=True, soft_time_limit=3600, time_limit=3700)
def logs_purge_task() -> int:
    """Beat, daily: prediction logs past their project's log_retention_days, never below the floor
    (apps.privacy.log_retention)."""
    from .log_retention import predictions_purge

    return sum(batch.deleted for batch in predictions_purge())
