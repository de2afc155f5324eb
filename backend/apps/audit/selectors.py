"""Reads of the audit log: filtered listing and verification of the hash chain."""
from dataclasses import dataclass

from django.db.models import QuerySet

from .hashing import GENESIS_HASH, event_hash
from .models import AuditEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head_hash: str
    first_bad_seq: int | None
    reason: str = ""


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


_VERIFY_COLUMNS = ("seq", "created_at", "actor_ref", "actor_role", "action", "object_type", "object_id",
                   "project_slug", "request_id", "details", "prev_hash", "hash")
VERIFY_CHUNK_ROWS = 2000  # about 3 MB of rows in memory at a time


def audit_chain_rows(*, chunk_size: int = VERIFY_CHUNK_ROWS):
    """Every event as a tuple of _VERIFY_COLUMNS in seq order, streamed: a server-side cursor on PostgreSQL
    (a plain cursor that SQLite steps lazily), `chunk_size` rows in memory at a time, no model instances."""
    return AuditEvent.objects.order_by("seq").values_list(*_VERIFY_COLUMNS).iterator(chunk_size=chunk_size)


def audit_chain_verify(*, chunk_size: int = VERIFY_CHUNK_ROWS) -> ChainReport:
    """Walk the chain in seq order in one streamed pass, in constant memory; the first event whose hash, link
    or numbering is wrong is reported."""
    prev_hash, count = GENESIS_HASH, 0
    for count, (seq, created_at, actor_ref, actor_role, action, object_type, object_id, project_slug, request_id,
                details, stored_prev, stored_hash) in enumerate(audit_chain_rows(chunk_size=chunk_size), start=1):
        if seq != count:
            return ChainReport(False, count, prev_hash, seq, f"sequence gap: expected {count}")
        if stored_prev != prev_hash:
            return ChainReport(False, count, prev_hash, seq, "prev_hash does not link to the previous event")
        if event_hash(prev_hash, seq, created_at, actor_ref, actor_role, action, object_type, object_id,
                      project_slug, request_id, details) != stored_hash:
            return ChainReport(False, count, prev_hash, seq, "content does not match its hash")
        prev_hash = stored_hash
    return ChainReport(True, count, prev_hash, None)
