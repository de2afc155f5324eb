"""Log retention (AI Act Art. 19(1), 26(6)): prediction logs are kept at least LOG_RETENTION_FLOOR_DAYS (six months
by default) and at most their project's `log_retention_days` (null: for good); older ones are purged in bounded
batches, from Celery beat daily and from `manage.py logs_purge`.

A purge never goes below the floor: asking for a cut-off younger than `now - floor` is refused (ApplicationError,
a CommandError in the command) and the refusal is itself an audit event (`logs.purge_refused`, committed before the
error is raised). A project whose stored retention is below the floor (the floor was raised since) is purged at the
floor. Each batch is one transaction with one `logs.predictions_purged` event: counts, cut-off and id range, never
personal data.

What goes: Prediction rows older than the cut-off, and the review queue's pointer to them (Item.latest_prediction,
cleared: the item is scored again by the next scoring pass). What stays: a prediction a person answered (Feedback)
or contested (Contest). Those answers are training labels and the record of human oversight (Art. 14), and a
prediction is their provenance; they go with their item's erasure, not with the log. The event counts them.
The audit log's own purge (apps.audit.purge) takes the same floor.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError
from apps.feedback.models import Contest, Feedback
from apps.items.models import Item
from apps.predictions.models import Prediction
from apps.projects.models import Project


def log_floor_cutoff(now: datetime) -> datetime:
    """The youngest a purged log may be: anything created after this is within the floor and stays."""
    return now - timedelta(days=settings.LOG_RETENTION_FLOOR_DAYS)


def log_purge_check(*, cutoff: datetime, now: datetime, kind: str, actor=None, project: Project | None = None) -> None:
    """Refuse (and record the refusal of) a purge of `kind` logs created before `cutoff` if that reaches into the
    floor. The refusal's event commits on its own, whatever the caller's transaction then does."""
    floor = log_floor_cutoff(now)
    if cutoff <= floor:
        return
    with transaction.atomic():
        audit_event_record(action="logs.purge_refused", actor=actor, project=project, object_type=kind,
                           details={"kind": kind, "requested_cutoff": cutoff.isoformat(),
                                    "floor_cutoff": floor.isoformat(),
                                    "floor_days": settings.LOG_RETENTION_FLOOR_DAYS})
    raise ApplicationError(
        f"Refused: {kind} logs created after {floor.isoformat()} are within the retention floor of "
        f"{settings.LOG_RETENTION_FLOOR_DAYS} days (AI Act Art. 19 and 26(6)); the cut-off asked for was "
        f"{cutoff.isoformat()}. The refusal is recorded in the audit log.", status=403)


def project_log_cutoff(*, project: Project, now: datetime) -> datetime | None:
    """The project's cut-off at `now` (None: its logs are kept for good), never younger than the floor."""
    if project.log_retention_days is None:
        return None
    return min(now - timedelta(days=project.log_retention_days), log_floor_cutoff(now))


@dataclass
class PurgeBatch:
    project: str
    cutoff: str
    deleted: int
    kept_answered: int
    first_id: int
    last_id: int


def _due(*, project: Project, cutoff: datetime):
    return Prediction.objects.filter(project=project, created_at__lt=cutoff)


def predictions_purge_report(*, now: datetime | None = None, project: Project | None = None,
                             before: datetime | None = None) -> list[dict]:
    """The dry run: per project, what a purge at `now` would look at (answered predictions are counted, and kept)."""
    now = now or timezone.now()
    rows = []
    for target in _targets(project, before):
        cutoff = before or project_log_cutoff(project=target, now=now)
        if cutoff is None:
            rows.append({"project": target.slug, "log_retention_days": None, "cutoff": None, "predictions": 0,
                         "kept_answered": 0})
            continue
        due = _due(project=target, cutoff=cutoff)
        total = due.count()
        answered = due.filter(Exists(Feedback.objects.filter(prediction_id=OuterRef("pk")))
                              | Exists(Contest.objects.filter(prediction_id=OuterRef("pk")))).count()
        rows.append({"project": target.slug, "log_retention_days": target.log_retention_days,
                     "cutoff": cutoff.isoformat(), "predictions": total - answered, "kept_answered": answered})
    return rows


def _targets(project: Project | None, before: datetime | None) -> list[Project]:
    if project is not None:
        return [project]
    projects = Project.objects.order_by("pk")
    return list(projects if before is not None else projects.filter(log_retention_days__isnull=False))


def predictions_purge(*, now: datetime | None = None, project: Project | None = None, before: datetime | None = None,
                      batch: int | None = None, actor=None) -> list[PurgeBatch]:
    """Delete prediction logs past retention, `batch` rows per transaction: every project's with a
    log_retention_days (or `project`'s); `before` (an operator's explicit cut-off) instead of the projects' own
    setting. A `before` within the floor is refused and the refusal recorded."""
    now, batch = now or timezone.now(), batch or settings.LOG_PURGE_BATCH
    if before is not None:
        log_purge_check(cutoff=before, now=now, kind="predictions", actor=actor, project=project)
    done: list[PurgeBatch] = []
    for target in _targets(project, before):
        cutoff = before or project_log_cutoff(project=target, now=now)
        if cutoff is None:
            continue
        # The last id to look at, found once: batches walk ids up to it, never rescanning what they kept, and the
        # walk ends there instead of reading the newer rows to find that none is due.
        upper = _due(project=target, cutoff=cutoff).aggregate(last=Max("pk"))["last"]
        after = 0
        while upper is not None and (result := _purge_batch(project=target, cutoff=cutoff, after=after,
                                                            upper=upper, batch=batch, actor=actor)):
            done.append(result)
            after = result.last_id
    return done


def _delete_rows(rows) -> None:
    """One DELETE of the rows `rows` selects (what pointed at them was cleared or excluded before): no model
    instances, no per-row cascade collection."""
    sql, params = rows.values("pk").query.sql_with_params()
    table = connection.ops.quote_name(Prediction._meta.db_table)
    with connection.cursor() as cursor:
        log_floor_session_set(cursor, settings.LOG_RETENTION_FLOOR_DAYS)
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({sql})", params)


def log_floor_session_set(cursor, days: int) -> None:
    """The floor that PostgreSQL's trigger on prediction rows enforces in this transaction (predictions.0008)."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT set_config('hitl.log_retention_floor_days', %s, true)", [str(int(days))])


@transaction.atomic
def _purge_batch(*, project: Project, cutoff: datetime, after: int, upper: int, batch: int,
                 actor) -> PurgeBatch | None:
    ids = list(_due(project=project, cutoff=cutoff).filter(pk__gt=after, pk__lte=upper).select_for_update()
               .order_by("pk").values_list("pk", flat=True)[:batch])
    if not ids:
        return None
    # The due rows between the first and the last id are exactly `ids` (taken in id order), and locked: no answer
    # can point at them until the commit. Ranges instead of lists of thousands of ids in every statement.
    first, last = ids[0], ids[-1]
    kept = (set(Feedback.objects.filter(prediction_id__gte=first, prediction_id__lte=last)
                .values_list("prediction_id", flat=True))
            | set(Contest.objects.filter(prediction_id__gte=first, prediction_id__lte=last)
                  .values_list("prediction_id", flat=True))) & set(ids)
    result = PurgeBatch(project=project.slug, cutoff=cutoff.isoformat(), deleted=len(ids) - len(kept),
                        kept_answered=len(kept), first_id=first, last_id=last)
    if result.deleted:
        gone = _due(project=project, cutoff=cutoff).filter(pk__gte=first, pk__lte=last).exclude(pk__in=kept)
        Item.objects.filter(project=project, latest_prediction__in=gone.values("pk")).update(latest_prediction=None)
        _delete_rows(gone)
        audit_event_record(action="logs.predictions_purged", actor=actor, project=project,
                           object_type="predictions.prediction",
                           details={"cutoff": result.cutoff, "deleted": result.deleted,
                                    "kept_answered": result.kept_answered, "first_id": result.first_id,
                                    "last_id": result.last_id, "log_retention_days": project.log_retention_days,
                                    "floor_days": settings.LOG_RETENTION_FLOOR_DAYS})
    return result
