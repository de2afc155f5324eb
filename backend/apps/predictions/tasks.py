"""Celery tasks: large image prediction batches, and the review queue's scoring. Each takes an id and calls one
service; a database blip retries it, and the service goes on where it stopped."""
from celery import shared_task
from django.db import OperationalError


@shared_task(name="predictions.run_batch", acks_late=True, soft_time_limit=3600, time_limit=3700,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def prediction_batch_task(batch_id: int) -> None:
    from .detection import prediction_batch_execute

    prediction_batch_execute(batch_id=batch_id)


@shared_task(name="predictions.score_queue", acks_late=True, soft_time_limit=1800, time_limit=1900,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def queue_scoring_task(job_id: int) -> None:
    """Score a project's unanswered pool with its champion (one window, in chunks, with progress)."""
    from .scoring import queue_scoring_execute

    queue_scoring_execute(job_id=job_id)


@shared_task(name="predictions.rotate_queues", acks_late=True, soft_time_limit=300, time_limit=360,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def queue_rotation_task() -> None:
    """Celery beat's periodic trigger: the next scoring window for every project whose queue is not current."""
    from .scoring import queue_scoring_rotate

    queue_scoring_rotate()
