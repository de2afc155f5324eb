"""Celery tasks: take ids, call one service, retry where retrying makes sense (the database blinked)."""
from celery import shared_task
from django.db import OperationalError


@shared_task(name="training.run", acks_late=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def training_run_task(run_id: int) -> None:
    from .services import training_run_execute

    training_run_execute(run_id=run_id)


@shared_task(name="training.retrain_check", acks_late=True, soft_time_limit=60, time_limit=90,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def retrain_check_task(project_id: int) -> None:
    from .services import training_retrain_if_due

    training_retrain_if_due(project_id=project_id)
