"""Reads of the audit log: filtered listing and verification of the hash chain."""
from django.db.models import QuerySet

from .models import AuditEvent
from .verify import VERIFY_CHUNK_ROWS, ChainReport, verify_chain

__all__ = ["ChainReport", "audit_chain_verify", "audit_event_list"]


def audit_event_list(*, action: str | None = None, actor_ref: str | None = None, project_slug: str | None = None,
                     since=None, until=None, project_slugs: list[str] | None = None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=action)
    if actor_ref:
        qs = qs.filter(actor_ref=actor_ref)
    if project_slug:
        qs = qs.filter(project_slug=project_slug)
    if project_slugs is not None:
        qs = qs.filter(project_slug__in=[*project_slugs, ""])
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lte=until)
    return qs.order_by("seq")


def audit_chain_verify(*, workers: int = 1, chunk_size: int = VERIFY_CHUNK_ROWS) -> ChainReport:
    """Walk the chain in seq order, streamed in constant memory (split over `workers` processes when asked); the
    first event whose hash, link or numbering is wrong is reported. See verify.py."""
    return verify_chain(workers=workers, chunk_size=chunk_size)
