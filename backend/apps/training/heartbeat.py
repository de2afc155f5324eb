"""A training run's heartbeat while a worker executes it, and the reaper that fails runs whose worker is gone.

Every training task runs inside `training_heartbeat(run_id, key)`: it counts the delivery (a task that keeps killing
its worker, e.g. out of memory, is started at most TRAINING_MAX_DELIVERIES times, then the run fails), and a
thread refreshes `heartbeat_at` every TRAINING_HEARTBEAT_SECONDS until the task returns. A worker killed with
SIGKILL stops beating; Celery beat's `training.reap_stale_runs` then fails the run (with the reason) once its
heartbeat is older than TRAINING_STALE_SECONDS, so no run stays `running` for ever. The champion is untouched:
only the promotion gate changes it, and candidate_register refuses a run that is no longer running.
"""
import contextlib
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.audit.services import audit_event_record

from .models import RunStatus, TrainingRun
from .run_store import run_objects_delete

log = logging.getLogger(__name__)


class RunNotRunnable(Exception):
    """The run failed or finished meanwhile, or this task was delivered too often: skip the work."""


def _beat(run_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.TRAINING_HEARTBEAT_SECONDS):
            with contextlib.suppress(Exception):  # a database blip skips one beat; the bound allows for several
                TrainingRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
                    heartbeat_at=timezone.now())
    finally:
        connection.close()  # this thread's own connection


@contextlib.contextmanager
def training_heartbeat(run_id: int, key: str):
    """Count this delivery of task `key` and keep the run's heartbeat fresh while the block runs."""
    with transaction.atomic():
        run = TrainingRun.objects.select_for_update(of=("self",)).select_related("project").get(pk=run_id)
        count = int(run.deliveries.get(key, 0)) + 1
        TrainingRun.objects.filter(pk=run_id).update(deliveries={**run.deliveries, key: count},
                                                     heartbeat_at=timezone.now())
    if count > settings.TRAINING_MAX_DELIVERIES and run.status == RunStatus.RUNNING:
        training_run_fail(run=run, error=f"the {key} task was started {count} times: its worker died each time "
                                         "(killed, or out of memory)")
        raise RunNotRunnable(key)
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(run_id, stop), name=f"heartbeat-run-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def training_run_fail(*, run: TrainingRun, error: str, only_if_stale_before=None) -> bool:
    """Fail a running or queued run once (audited); with `only_if_stale_before`, only if it has not beaten since."""
    with transaction.atomic():
        rows = TrainingRun.objects.filter(pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        if only_if_stale_before is not None:
            rows = rows.filter(Q(heartbeat_at__lt=only_if_stale_before) | Q(heartbeat_at__isnull=True))
        updated = rows.update(status=RunStatus.FAILED, finished_at=timezone.now(), error=error[:4000],
                              progress={**run.progress, "stage": "failed", "percent": 100})
        if updated:
            audit_event_record(action="training.failed", project=run.project, obj=run, details={"error": error[:500]})
    if updated:
        run_objects_delete(run_id=run.pk)
    return bool(updated)


def training_runs_reap(*, now=None) -> list[int]:
    """Fail every running run whose heartbeat is older than TRAINING_STALE_SECONDS; returns their ids."""
    now = now or timezone.now()
    bound = now - timedelta(seconds=settings.TRAINING_STALE_SECONDS)
    stale = (TrainingRun.objects.select_related("project").filter(status=RunStatus.RUNNING)
             .filter(Q(heartbeat_at__lt=bound) | Q(heartbeat_at__isnull=True, started_at__lt=bound)))
    reaped = []
    for run in stale:
        last = run.heartbeat_at or run.started_at
        error = (f"WorkerLost: no heartbeat for {int((now - last).total_seconds())} s (bound "
                 f"{int(settings.TRAINING_STALE_SECONDS)} s): the worker running it stopped (killed, or the machine "
                 f"went down) during {run.progress.get('stage', '?')}. Start a new run.")
        if training_run_fail(run=run, error=error, only_if_stale_before=bound):
            log.error("training run %s: %s", run.pk, error)
            reaped.append(run.pk)
    return reaped
