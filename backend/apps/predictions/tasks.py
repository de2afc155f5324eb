"""Celery task for large image prediction batches."""
from celery import shared_task
from django.db import OperationalError


@shared_task(name="predictions.run_batch", acks_late=True, soft_time_limit=3600, time_limit=3700,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def prediction_batch_task(batch_id: int) -> None:
    from .detection import prediction_batch_execute

    prediction_batch_execute(batch_id=batch_id)
