"""audit_event_record: append one event to the hash chain, inside the caller's transaction; audit exports.

Appends are serialised (a transaction-scoped advisory lock on PostgreSQL; SQLite's IMMEDIATE
transactions on the embedded default) so that concurrent requests never fork the chain.
"""
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.request_context import current_request_id

from .hashing import GENESIS_HASH, chain_hash, event_payload, pseudonym
from .models import AuditEvent

_PG_LOCK_KEY = 0x4A0D17  # any constant: one advisory lock guards the whole chain


def actor_reference(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return "system"
    return pseudonym(settings.AUDIT_HMAC_KEY, user.pk)


def _actor_role(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return "system"
    from apps.accounts.roles import primary_role

    return primary_role(user)


def audit_event_record(*, action: str, actor=None, project=None, obj=None, object_type: str = "",
                       object_id: str | int = "", details: dict | None = None,
                       request_id: str | None = None) -> AuditEvent:
    """Record `action` by `actor` on `obj` (or object_type/object_id) in `project`.

    Must run inside the transaction of the change it records, so both commit or neither does.
    """
    if not connection.in_atomic_block:
        raise ApplicationError("audit_event_record must run inside the transaction of the change it records.",
                               status=500)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    seq = last.seq + 1 if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    fields = dict(
        seq=seq,
        created_at=timezone.now(),
        actor_ref=actor_reference(actor),
        actor_role=_actor_role(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        project_slug=getattr(project, "slug", project or "") or "",
        request_id=request_id or current_request_id(),
        details=details or {},
    )
    with transaction.atomic():
        return AuditEvent.objects.create(**fields, prev_hash=prev_hash, hash=chain_hash(prev_hash, event_payload(**fields)))


EXPORT_FORMATS = ("csv", "json")


def audit_export_start(*, actor, fmt: str, events: QuerySet[AuditEvent], filters: dict) -> tuple[QuerySet, int]:
    """Fix what an export holds (the matching events recorded so far) and record `audit.exported` for it.

    `filters` are recorded as given (pseudonyms, never usernames); the events are streamed afterwards.
    """
    if fmt not in EXPORT_FORMATS:
        raise ApplicationError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}.")
    with transaction.atomic():
        through_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        events = events.filter(seq__lte=through_seq)
        count = events.count()
        audit_event_record(action="audit.exported", actor=actor, project=filters.get("project", ""),
                           object_type="audit.auditevent",
                           details={"format": fmt, "filters": filters, "count": count, "through_seq": through_seq})
    return events, count
