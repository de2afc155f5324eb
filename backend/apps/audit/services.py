"""audit_event_record / audit_events_record_many: append events to the hash chain, inside the caller's
transaction; audit exports.

Appends are serialised (a transaction-scoped advisory lock on PostgreSQL; SQLite's IMMEDIATE
transactions on the embedded default) so that concurrent requests never fork the chain. A batch takes
that lock once, numbers and chains its events in the order given, and writes them in one multi-row insert.
"""
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.request_context import current_request_id

from .hashing import GENESIS_HASH, event_hash, pseudonym
from .models import AuditEvent

CHAIN_LOCK_KEY = 0x4A0D17  # any constant: one advisory lock guards the whole chain (PostgreSQL)
_INSERT_ROWS = 1000  # rows per INSERT statement: a batch larger than this is still one lock and one transaction


def actor_reference(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return "system"
    return pseudonym(settings.AUDIT_HMAC_KEY, user.pk)


def _actor_role(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return "system"
    from apps.accounts.roles import primary_role

    return primary_role(user)


def actor_fields(user) -> tuple[str, str]:
    """(actor_ref, actor_role) as an event by `user` stores and hashes them."""
    return actor_reference(user), str(_actor_role(user))


@dataclass(frozen=True)
class AuditEntry:
    """One event to append: the arguments of audit_event_record, as a value a caller can collect in a list."""
    action: str
    actor: object = None
    project: object = None
    obj: object = None
    object_type: str = ""
    object_id: str | int = ""
    details: dict | None = None
    request_id: str | None = None


def _fields(entry: AuditEntry, actors: dict, request_id: str) -> tuple:
    """(actor_ref, actor_role, action, object_type, object_id, project_slug, request_id, details) of an entry."""
    object_type, object_id = entry.object_type, entry.object_id
    if entry.obj is not None:
        object_type = object_type or entry.obj._meta.label_lower
        object_id = object_id or entry.obj.pk
    actor_key = getattr(entry.actor, "pk", None)
    if actor_key not in actors:  # the role may take a query: once per actor in a batch
        actors[actor_key] = actor_fields(entry.actor)
    # Stored exactly as hashed: every text field is a str here, so the database keeps what the hash covers.
    return (*actors[actor_key], str(entry.action), str(object_type), str(object_id),
            str(getattr(entry.project, "slug", entry.project or "") or ""), str(entry.request_id or request_id),
            entry.details or {})


def _chain_head() -> tuple[int, str]:
    """The last event's seq and hash, read after taking the append lock so that it is the latest. PostgreSQL: the
    transaction-level advisory lock and the read in one round trip (migration audit.0005); SQLite: the IMMEDIATE
    transaction already holds the database's write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq, hash FROM hitl_audit_chain_head(%s)", [CHAIN_LOCK_KEY])
            last = cursor.fetchone()
    else:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return tuple(last) if last else (0, GENESIS_HASH)


_COLUMNS = ("seq", "created_at", "actor_ref", "actor_role", "action", "object_type", "object_id", "project_slug",
            "request_id", "details", "prev_hash", "hash")


def _insert(rows: list[tuple]) -> list[int]:
    """One multi-row INSERT (more only where the database caps a statement's parameters); the new ids by row.

    Values go in as Django would write them (the JSON field's own adapter, the guard against unstorable strings),
    without building a model instance per row."""
    meta = AuditEvent._meta
    quote = connection.ops.quote_name
    details = meta.get_field("details")
    per_statement = min(_INSERT_ROWS, connection.ops.bulk_batch_size([meta.get_field(c) for c in _COLUMNS], rows))
    row_sql = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    ids: dict[int, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            params = []
            for row in chunk:
                params.extend(row[:9])
                params.append(details.get_db_prep_save(row[9], connection))
                params.extend(row[10:])
            cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, _COLUMNS))}) VALUES "
                           f"{', '.join([row_sql] * len(chunk))} RETURNING {quote('id')}, {quote('seq')}", params)
            ids.update((seq, pk) for pk, seq in cursor.fetchall())  # RETURNING's row order is not promised
    return [ids[row[0]] for row in rows]


def audit_events_record_many(entries: Sequence[AuditEntry]) -> list[AuditEvent]:
    """Append `entries` to the chain in the order given: seqs consecutive, each linked to the one before.

    Must run inside the transaction of the changes they record: the events commit with it or not at all
    (a failed insert marks that transaction for rollback, even if the caller catches the error).
    """
    if not connection.in_atomic_block:
        raise ApplicationError("audit events must be recorded inside the transaction of the change they record.",
                               status=500)
    if not entries:
        return []
    actors: dict = {}
    request_id = current_request_id()  # outside a request, one job id for the whole batch
    fields = [_fields(entry, actors, request_id) for entry in entries]  # role lookups before the lock
    seq, prev_hash = _chain_head()
    created_at = timezone.now()  # after the lock: times never go backwards along the chain
    stored_at = AuditEvent._meta.get_field("created_at").get_db_prep_save(created_at, connection)
    rows, hashes = [], []
    for values in fields:
        seq += 1
        digest = event_hash(prev_hash, seq, created_at, *values)
        rows.append((seq, stored_at, *values, prev_hash, digest))
        hashes.append(digest)
        prev_hash = digest
    with transaction.atomic(savepoint=False):  # an error marks the caller's transaction for rollback
        ids = _insert(rows)
    names = ["id", *_COLUMNS]
    return [AuditEvent.from_db(connection.alias, names, (pk, row[0], created_at, *row[2:]))
            for pk, row in zip(ids, rows, strict=True)]


def audit_event_record(*, action: str, actor=None, project=None, obj=None, object_type: str = "",
                       object_id: str | int = "", details: dict | None = None,
                       request_id: str | None = None) -> AuditEvent:
    """Record `action` by `actor` on `obj` (or object_type/object_id) in `project`.

    Must run inside the transaction of the change it records, so both commit or neither does.
    """
    if not connection.in_atomic_block:
        raise ApplicationError("audit_event_record must run inside the transaction of the change it records.",
                               status=500)
    entry = AuditEntry(action=action, actor=actor, project=project, obj=obj, object_type=object_type,
                       object_id=object_id, details=details, request_id=request_id)
    return audit_events_record_many([entry])[0]


EXPORT_FORMATS = ("csv", "json")


def audit_export_start(*, actor, fmt: str, events: QuerySet[AuditEvent], filters: dict) -> tuple[QuerySet, dict]:
    """Fix what an export holds (the matching events recorded so far), record `audit.exported` for it, and return
    the events to stream with the export's manifest.

    The manifest carries what an offline check needs (tools/verify_audit_export.py): the chain's head at export
    time, the anchor (the stored hash of the event just before the first one exported, the genesis hash before
    seq 1), and the count and seq range. `contiguous` says that no event inside that range was left out, so each
    event must link to the one before it. `filters` are recorded as given (pseudonyms, never usernames).
    """
    if fmt not in EXPORT_FORMATS:
        raise ApplicationError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}.")
    from .purge import anchor_before  # it appends through this module

    with transaction.atomic():
        head_seq, head_hash = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS_HASH)
        events = events.filter(seq__lte=head_seq)
        span = events.order_by().aggregate(count=Count("id"), first=Min("seq"), last=Max("seq"))
        anchor = None
        if span["first"] is not None:
            before = span["first"] - 1
            anchor_hash = anchor_before(before)  # also once the event before is purged (its checkpoint)
            anchor = {"seq": before, "hash": anchor_hash}
        contiguous = span["first"] is None or span["count"] == span["last"] - span["first"] + 1
        summary = {"count": span["count"], "first_seq": span["first"], "last_seq": span["last"],
                   "contiguous": contiguous, "anchor": anchor, "head": {"seq": head_seq, "hash": head_hash}}
        event = audit_event_record(action="audit.exported", actor=actor, project=filters.get("project", ""),
                                   object_type="audit.auditevent",
                                   details={"format": fmt, "filters": filters, "through_seq": head_seq, **summary})
    manifest = {"format": "hitl-audit-export", "version": 1, "exported_at": event.created_at.isoformat(),
                "export_event_seq": event.seq, "filters": filters, **summary}
    return events, manifest


def compact_ids(ids) -> list:
    """Sorted unique ids with runs of three or more written as [first, last] (inclusive): a page of 1,000 items,
    or an export of a whole project imported in one go, stays a few entries long."""
    out: list = []
    run: list[int] = []
    for value in sorted(set(ids)):
        if run and value == run[-1] + 1:
            run.append(value)
            continue
        out.extend([[run[0], run[-1]]] if len(run) >= 3 else run)
        run = [value]
    out.extend([[run[0], run[-1]]] if len(run) >= 3 else run)
    return out


def personal_data_read_record(*, actor, project, item_ids, via: str, also: Sequence[AuditEntry] = ()) -> None:
    """GDPR Art. 32: record that `actor` received the content (text or image bytes) of `item_ids` through `via`.

    One `personal_data.read` event per response, however many items it holds (the ids, never the content), in one
    append together with `also` (e.g. the export's own event). No items and nothing in `also`: nothing recorded."""
    ids = [int(i) for i in item_ids]
    entries = list(also)
    if ids:
        entries.append(AuditEntry(action="personal_data.read", actor=actor, project=project,
                                  object_type="items.item", object_id=ids[0] if len(ids) == 1 else "",
                                  details={"via": via, "count": len(set(ids)), "item_ids": compact_ids(ids)}))
    if entries:
        with transaction.atomic():
            audit_events_record_many(entries)
