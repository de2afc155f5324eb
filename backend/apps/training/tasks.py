"""Celery tasks: take ids, call one service, retry where retrying makes sense (the database blinked)."""
from celery import shared_task
from django.db import OperationalError


@shared_task(name="training.run", acks_late=True, soft_time_limit=3600, time_limit=3700,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def training_run_task(run_id: int) -> None:
    """Collect, format, fold; then fan the folds out as a group (each fold may run on another worker)."""
    from .services import training_run_begin

    training_run_begin(run_id=run_id)


@shared_task(name="training.fold", bind=True, acks_late=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def training_fold_task(self, run_id: int, fold: int) -> None:
    from .services import training_fold_execute

    training_fold_execute(run_id=run_id, fold=fold, worker=self.request.hostname or "")


@shared_task(name="training.finish", acks_late=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def training_finish_task(run_id: int) -> None:
    """Final model, evaluation beside the champion, registration and the gate, once every fold is in."""
    from .services import training_run_finish

    training_run_finish(run_id=run_id)


@shared_task(name="training.retrain_check", acks_late=True, soft_time_limit=60, time_limit=90,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def retrain_check_task(project_id: int) -> None:
    from .services import training_retrain_if_due

    training_retrain_if_due(project_id=project_id)
