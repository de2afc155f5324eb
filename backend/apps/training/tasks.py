"""Celery tasks: take ids, call one service, retry where retrying makes sense (the database blinked).

Training tasks run on the training queue (settings CELERY_TASK_ROUTES) with a heartbeat (heartbeat.py); a worker
that dies mid-task puts the task back (reject_on_worker_lost) and the reaper fails runs whose heartbeat stopped.
"""
import contextlib

from celery import shared_task
from django.db import OperationalError

from .heartbeat import RunNotRunnable, training_heartbeat


@shared_task(name="training.run", acks_late=True, soft_time_limit=3600, time_limit=3700,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def training_run_task(run_id: int) -> None:
    """Collect, format, fold; then fan the folds out as a group (each fold may run on another worker)."""
    from .services import training_run_begin

    with contextlib.suppress(RunNotRunnable), training_heartbeat(run_id, "begin"):
        training_run_begin(run_id=run_id)


@shared_task(name="training.fold", bind=True, acks_late=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def training_fold_task(self, run_id: int, fold: int) -> None:
    from .services import training_fold_execute

    with contextlib.suppress(RunNotRunnable), training_heartbeat(run_id, f"fold-{fold}"):
        training_fold_execute(run_id=run_id, fold=fold, worker=self.request.hostname or "")


@shared_task(name="training.finish", acks_late=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def training_finish_task(run_id: int) -> None:
    """Final model, evaluation beside the champion, registration and the gate, once every fold is in."""
    from .services import training_run_finish

    with contextlib.suppress(RunNotRunnable), training_heartbeat(run_id, "finish"):
        training_run_finish(run_id=run_id)


@shared_task(name="training.retrain_check", acks_late=True, soft_time_limit=60, time_limit=90,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def retrain_check_task(project_id: int) -> None:
    from .services import training_retrain_if_due

    training_retrain_if_due(project_id=project_id)


@shared_task(name="training.reap_stale_runs", acks_late=True, soft_time_limit=60, time_limit=90,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def reap_stale_runs_task() -> list[int]:
    """Celery beat: fail runs whose worker stopped beating (killed mid-training), so none stays `running`."""
    from .heartbeat import training_runs_reap

    return training_runs_reap()
