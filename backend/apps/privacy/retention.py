"""Storage limitation (GDPR Art. 5(1)(e)): item content older than its project's `retention_days` is purged.

A purge is an erasure of those items (apps.privacy.erasure.items_erase): text, file name, subject reference and
content hash go, image objects and every platform copy are deleted after the commit, dataset and model versions that
held them are marked, predictions, answers and the audit log stay (non-personal: labels, confidences, ids, hashes
of nothing personal). It runs in bounded batches (RETENTION_BATCH items, one transaction and one SubjectRequest of
kind `retention` each, one `privacy.retention_purged` event per project), from Celery beat daily and from
`manage.py retention_purge`, whose `--dry-run` lists what would go and changes nothing. Items are dated by
`created_at` (when the platform received them).
"""
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.items.models import Item
from apps.projects.models import Project

from .erasure import ITEM_FIELDS, items_erase
from .models import RequestKind, SubjectRequest


def retention_due(*, project: Project, now: datetime):
    """The project's items whose content is past retention (none without `retention_days`)."""
    if project.retention_days is None:
        return Item.objects.none()
    cutoff = now - timedelta(days=project.retention_days)
    return Item.objects.filter(project=project, erased_at__isnull=True, created_at__lt=cutoff).order_by("id")


def retention_report(*, now: datetime | None = None) -> list[dict]:
    """What a purge at `now` would remove, per project with a retention period (the dry run)."""
    now = now or timezone.now()
    report = []
    for project in Project.objects.filter(retention_days__isnull=False).order_by("slug"):
        due = retention_due(project=project, now=now)
        report.append({"project": project.slug, "retention_days": project.retention_days,
                       "cutoff": (now - timedelta(days=project.retention_days)).isoformat(), "items": due.count(),
                       "images": due.exclude(storage_key="").count(),
                       "oldest": due.values_list("created_at", flat=True).first()})
    return report


def retention_purge(*, now: datetime | None = None, project: Project | None = None,
                    batch: int | None = None, max_batches: int = 1000) -> list[SubjectRequest]:
    """Purge every project's (or `project`'s) content past retention, `batch` items per transaction."""
    now, batch = now or timezone.now(), batch or settings.RETENTION_BATCH
    projects = [project] if project else Project.objects.filter(retention_days__isnull=False).order_by("pk")
    done = []
    for target in projects:
        for _ in range(max_batches):
            request = _purge_batch(project=target, now=now, batch=batch)
            if request is None:
                break
            done.append(request)
    return done


@transaction.atomic
def _purge_batch(*, project: Project, now: datetime, batch: int) -> SubjectRequest | None:
    ids = list(retention_due(project=project, now=now).values_list("pk", flat=True)[:batch])
    items = list(Item.objects.select_for_update(no_key=True).filter(pk__in=ids, erased_at__isnull=True).order_by("id")
                 .values(*ITEM_FIELDS))
    if not items:
        return None
    request = SubjectRequest.objects.create(kind=RequestKind.RETENTION, requested_by=None, result={})
    return items_erase(items=items, request=request, actor=None, action="privacy.retention_purged")
