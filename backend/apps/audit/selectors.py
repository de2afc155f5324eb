"""Reads of the audit log: filtered listing and verification of the hash chain."""
from dataclasses import dataclass

from django.db.models import QuerySet

from .hashing import GENESIS_HASH, chain_hash, event_payload
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


def audit_chain_verify() -> ChainReport:
    """Walk the chain in seq order; the first event whose hash, link or numbering is wrong is reported."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        payload = event_payload(
            seq=event.seq, created_at=event.created_at, actor_ref=event.actor_ref, actor_role=event.actor_role,
            action=event.action, object_type=event.object_type, object_id=event.object_id,
            project_slug=event.project_slug, request_id=event.request_id, details=event.details,
        )
        if event.seq != expected_seq:
            return ChainReport(False, count, prev_hash, event.seq, f"sequence gap: expected {expected_seq}")
        if event.prev_hash != prev_hash:
            return ChainReport(False, count, prev_hash, event.seq, "prev_hash does not link to the previous event")
        if chain_hash(prev_hash, payload) != event.hash:
            return ChainReport(False, count, prev_hash, event.seq, "content does not match its hash")
        prev_hash, expected_seq = event.hash, expected_seq + 1
    return ChainReport(True, count, prev_hash, None)
