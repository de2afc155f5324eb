"""Queue scoring: the serving champion scores the project's unanswered pool, so the review queue is always
there (a fresh install's pool is scored) and always current (a promotion or rollback rescores it).

- Requested after pool items are imported and whenever the champion changes (apps/training/promotion.py),
  inside the caller's transaction; sent to Celery after commit. At most one job per project is active; a job
  for a champion that no longer serves is superseded by a job for the new one.
- A job scores at most `window` items (QUEUE_SCORE_WINDOW_TEXT / _IMAGES): never-scored items first, then those
  whose latest score is oldest, so a large pool is rescored in a rotating window. If never-scored items remain
  when the window is used up, the job queues the next window itself (they are not in the queue at all until
  scored); items that only carry an older version's score wait for the next trigger (`manage.py score_queue`).
- Chunks of QUEUE_SCORE_CHUNK_TEXT / _IMAGES items: each chunk's predictions, pointer moves, progress and its
  `predictions.created` audit event commit together, so a retried task goes on where it stopped.
- Items already scored by the job's champion are never scored again (checked again under the job's lock).

Locks: a job row, then the audit chain; never the other way round, and never the project row (writers that hold
the audit chain's lock and then lock the project, like the promotion gate, would deadlock with us). Writers
therefore request scoring after their commit (queue_scoring_request_after_commit).
"""
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.queueing import send_or_fail
from apps.core.request_context import current_request_id
from apps.projects.models import Task
from apps.training.selectors import champion_get

from .models import Prediction, QueueScoring, ScoringStatus, ScoringTrigger
from .selectors import never_scored_count, scoring_candidates
from .services import predictions_record

log = logging.getLogger(__name__)
ACTIVE = (ScoringStatus.QUEUED, ScoringStatus.RUNNING)
# A job queued this long may have lost its message, one running without a chunk this long its worker: the next
# request sends it again. A second delivery of a live job is harmless: chunks never score an item twice.
RESEND_AFTER = timedelta(minutes=2)
SILENT_AFTER = timedelta(minutes=10)


def _detection(project) -> bool:
    return project.task == Task.OBJECT_DETECTION


def scoring_window(project) -> int:
    if _detection(project):
        return int(settings.QUEUE_SCORE_WINDOW_IMAGES)
    return int(settings.QUEUE_SCORE_WINDOW_TEXT)


def scoring_chunk(project) -> int:
    if _detection(project):
        return int(settings.QUEUE_SCORE_CHUNK_IMAGES)
    return int(settings.QUEUE_SCORE_CHUNK_TEXT)


def queue_scoring_request_after_commit(*, project, trigger: str, actor=None) -> None:
    """For writers (imports, promotions): request scoring once their transaction has committed, in a transaction
    of its own, so that it never waits for locks while they hold the audit chain's. A failure here is logged and
    never undoes the caller's committed change; the next trigger requests again."""
    transaction.on_commit(lambda: queue_scoring_request(project=project, trigger=trigger, actor=actor), robust=True)


def queue_scoring_request(*, project, trigger: str, actor=None, enqueue: bool = True) -> QueueScoring | None:
    """Make sure the champion will score the pool: the active job for it, or a new one. None without a champion."""
    for _ in range(3):  # a concurrent request may create the active job first: then use that one
        try:
            return _request(project=project, trigger=trigger, actor=actor, enqueue=enqueue)
        except IntegrityError:
            continue
    raise RuntimeError(f"could not request queue scoring for project {project.pk}")


@transaction.atomic
def _request(*, project, trigger: str, actor, enqueue: bool) -> QueueScoring | None:
    champion = champion_get(project=project)
    if champion is None or type(project).objects.filter(pk=project.pk, stopped_at__isnull=False).exists():
        return None  # nothing to score with, or the model is stopped (apps.projects.oversight)
    active = QueueScoring.objects.select_for_update().filter(project=project, status__in=ACTIVE).first()
    if active is not None and active.model_version_id == champion.pk:
        if active.status == ScoringStatus.RUNNING:
            QueueScoring.objects.filter(pk=active.pk).update(rescan=True)  # it looks again before it ends
        if enqueue and active.updated_at < timezone.now() - (RESEND_AFTER if active.status == ScoringStatus.QUEUED
                                                             else SILENT_AFTER):
            transaction.on_commit(lambda: _enqueue(active.pk))  # lost message or dead worker; see _claim
        return active
    if active is not None:
        _supersede(active.pk, champion)
    with transaction.atomic():  # the partial unique index admits one active job per project
        job = QueueScoring.objects.create(project=project, model_version=champion, trigger=trigger,
                                          window=scoring_window(project), request_id=current_request_id())
    audit_event_record(action="queue.scoring_requested", actor=actor, project=project, obj=job,
                       details={"trigger": trigger, "model_version": champion.number, "window": job.window,
                                "superseded": active.pk if active else None})
    if enqueue:
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def queue_scoring_rotate() -> list[QueueScoring]:
    """The periodic trigger (Celery beat, `QUEUE_ROTATION_SECONDS`): each project whose champion has not yet scored
    every unanswered pool item gets its next window (or keeps its active job). Pools larger than one window are
    thus fully rescored after a promotion within a few periods, with nobody running a command."""
    from apps.projects.models import Project

    jobs = (queue_scoring_request_if_behind(project=p, trigger=ScoringTrigger.ROTATION)
            for p in Project.objects.order_by("slug"))
    return [job for job in jobs if job is not None]


def queue_scoring_request_if_behind(*, project, trigger: str, actor=None) -> QueueScoring | None:
    """A scoring job when the champion has not scored every unanswered pool item yet; None when it has (or there
    is no champion)."""
    champion = champion_get(project=project)
    if champion is None or not scoring_candidates(project=project, model_version=champion).exists():
        return None
    return queue_scoring_request(project=project, trigger=trigger, actor=actor)


def _enqueue(job_id: int) -> None:
    """Send the job to the workers; if the broker refuses, fail it visibly instead of leaving it queued."""
    from .tasks import queue_scoring_task

    send_or_fail(lambda: queue_scoring_task.delay(job_id), what=f"queue scoring job {job_id}",
                 on_failure=lambda message: _fail(job_id, message))


def _fail(job_id: int, message: str) -> None:
    with transaction.atomic():
        job = QueueScoring.objects.select_related("project").get(pk=job_id)
        updated = QueueScoring.objects.filter(pk=job_id, status__in=ACTIVE).update(
            status=ScoringStatus.FAILED, finished_at=timezone.now(), error=message[:4000])
        if updated:
            audit_event_record(action="queue.scoring_failed", project=job.project, obj=job,
                               request_id=job.request_id, details={"error": message[:500], "done": job.done})


def _supersede(job_id: int, champion) -> None:
    reason = f"superseded: v{champion.number} became champion" if champion else "superseded: no champion serves"
    QueueScoring.objects.filter(pk=job_id, status__in=ACTIVE).update(
        status=ScoringStatus.SUPERSEDED, finished_at=timezone.now(), error=reason)


def _claim(job_id: int) -> QueueScoring | None:
    """Start (or, for a retried task, resume) the job; None when it is not this task's to run."""
    with transaction.atomic():
        job = QueueScoring.objects.select_for_update().select_related("project", "model_version").get(pk=job_id)
        champion = champion_get(project=job.project)
        if champion is None or champion.pk != job.model_version_id:
            _supersede(job.pk, champion)
            return None
        if job.status == ScoringStatus.FAILED:  # a retry after an error: resume unless another job took over
            if QueueScoring.objects.filter(project=job.project, status__in=ACTIVE).exists():
                return None
            job.status, job.error, job.finished_at = ScoringStatus.RUNNING, "", None
        elif job.status == ScoringStatus.QUEUED:
            candidates = scoring_candidates(project=job.project, model_version=job.model_version).count()
            job.status, job.started_at, job.total = ScoringStatus.RUNNING, timezone.now(), min(candidates, job.window)
        elif job.status != ScoringStatus.RUNNING:
            return None  # succeeded or superseded: a redelivered message
        try:
            job.save(update_fields=["status", "error", "finished_at", "started_at", "total", "updated_at"])
        except IntegrityError:  # another job became active meanwhile (SQLite has no row locks to prevent it)
            return None
    return job


def _infer(job: QueueScoring, model, items: list) -> list[Prediction]:
    """Unsaved Prediction rows for `items` from the job's champion (no actor: the system scored them)."""
    project, version = job.project, job.model_version
    received, started = timezone.now(), time.perf_counter()
    if _detection(project):
        from .detection import detection_infer, image_confidence

        outputs, latency_ms = detection_infer(model_version=version, model=model, items=items, labels=project.labels)
        fields = [{"boxes": boxes, "confidence": image_confidence(boxes)} for boxes in outputs]
    else:
        from apps.training.ml import predict_texts

        outputs = predict_texts(model, [i.text for i in items], project.labels)
        latency_ms = (time.perf_counter() - started) * 1000
        fields = [{"label": o.label, "confidence": o.confidence, "probabilities": o.probabilities} for o in outputs]
    return [Prediction(project=project, item=item, model_version=version, latency_ms=latency_ms,
                       batch_size=len(items), request_id=job.request_id, actor=None, started_at=received, **f)
            for item, f in zip(items, fields, strict=True)]


def _score_chunk(job: QueueScoring, model) -> int | None:
    """Score the next chunk. Returns how many predictions were written; None when the job must stop."""
    size = min(scoring_chunk(job.project), job.total - job.done)
    items = list(scoring_candidates(project=job.project, model_version=job.model_version)[:size]) if size > 0 else []
    if not items:
        return 0
    rows = _infer(job, model, items)
    with transaction.atomic():
        locked = QueueScoring.objects.select_for_update().get(pk=job.pk)
        champion = champion_get(project=job.project)
        if locked.status != ScoringStatus.RUNNING:
            return None
        if champion is None or champion.pk != job.model_version_id:
            _supersede(job.pk, champion)  # the champion changed while this chunk was computed: drop its scores
            return None
        # Another delivery of this job may have scored some of them meanwhile: never score an item twice.
        still = set(scoring_candidates(project=job.project, model_version=job.model_version)
                    .filter(pk__in=[i.pk for i in items]).values_list("pk", flat=True))
        rows = [row for row in rows if row.item_id in still]
        if rows:
            predictions = predictions_record(rows)
            audit_event_record(action="predictions.created", project=job.project, object_type="predictions.prediction",
                               object_id=predictions[0].pk, request_id=job.request_id,
                               details={"count": len(predictions), "ids": [p.pk for p in predictions][:1000],
                                        "model_version": job.model_version.number, "queue_scoring": job.pk,
                                        "latency_ms": round(rows[0].latency_ms, 3)})
        locked.done = min(locked.done + len(rows), locked.total)
        locked.save(update_fields=["done", "updated_at"])
    job.done = locked.done
    return len(rows)


def _finish(job: QueueScoring) -> bool:
    """End the job, unless items were imported while it ran (then widen `total` and go on). True when over."""
    project = job.project
    with transaction.atomic():
        locked = QueueScoring.objects.select_for_update().get(pk=job.pk)
        if locked.status != ScoringStatus.RUNNING:
            return True
        left = scoring_candidates(project=project, model_version=job.model_version).count()
        if locked.rescan:
            locked.rescan = False
            locked.total = locked.done + min(left, max(locked.window - locked.done, 0))
            locked.save(update_fields=["rescan", "total", "updated_at"])
            job.total = locked.total
            if locked.total > locked.done:
                return False
        locked.status, locked.finished_at, locked.total = ScoringStatus.SUCCEEDED, timezone.now(), locked.done
        locked.save(update_fields=["status", "finished_at", "total", "updated_at"])
        never = never_scored_count(project=project)
        audit_event_record(action="queue.scoring_finished", project=project, obj=locked, request_id=job.request_id,
                           details={"done": locked.done, "model_version": job.model_version.number,
                                    "left_for_later": left, "never_scored": never})
        if never and locked.done:  # the window ended before every pool item had a score: next window now
            queue_scoring_request_after_commit(project=project, trigger=ScoringTrigger.ROTATION)
    return True


def queue_scoring_execute(*, job_id: int, echo=None) -> QueueScoring:
    """Run a job to its end (Celery task, or inline in bootstrap_demo with `echo(job)` after each chunk)."""
    from .model_cache import serving_model

    job = _claim(job_id)
    if job is None:
        return QueueScoring.objects.get(pk=job_id)
    try:
        while True:
            version, model = serving_model(job.project)
            if version.pk != job.model_version_id:
                _supersede(job.pk, version)  # normally done already by the promotion, in its own transaction
                break
            written = _score_chunk(job, model)
            if written is None:
                break
            if written and echo:
                echo(job)
            if not written and _finish(job):
                break
    except Exception as exc:
        log.exception("queue scoring job %s failed", job_id)
        _fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
    return QueueScoring.objects.get(pk=job_id)


def scoring_progress(job: QueueScoring) -> dict:
    """A job's progress in the shape apps.training.progress.progress_line prints."""
    return {"stage": "queue_scoring", "percent": 100 * job.done // job.total if job.total else 100, "done": job.done,
            "total": job.total}


def queue_scoring_run_inline(*, project, trigger: str = ScoringTrigger.BOOTSTRAP, echo=None) -> QueueScoring | None:
    """Score the pool in this process now (bootstrap_demo, `manage.py score_queue --inline`); None when there is
    no champion or nothing to score."""
    champion = champion_get(project=project)
    if champion is None:
        return None
    active = QueueScoring.objects.filter(project=project, status__in=ACTIVE).exists()
    if not active and not scoring_candidates(project=project, model_version=champion).exists():
        return None  # already current: no job
    job = queue_scoring_request(project=project, trigger=trigger, enqueue=False)
    # Queued or running (a worker may have died with it): run it here; a worker that holds it too never scores
    # an item twice, and a later delivery of its message finds it finished.
    return queue_scoring_execute(job_id=job.pk, echo=echo)
