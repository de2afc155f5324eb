"""Purging old audit events (AI Act Art. 19(1), 26(6): kept at least the log retention floor) without losing the
ability to verify what is kept.

A purge through a cut-off first records, in one transaction under the chain's append lock, an `audit.purged` event
(through_seq, the anchor hash, cut-off, count) and an AuditCheckpoint with the same values; then deletes the events
up to through_seq in bounded batches, each its own transaction (the database refuses any other DELETE, migration
0008). The verifier then starts at through_seq + 1 from the checkpoint's anchor hash, and checks the checkpoint
against its `audit.purged` event, which stays in the verified chain. Interrupted half way, the next purge (or the
verifier) sees events at or below through_seq still there: the verifier takes the first one's link as given and
checks that the chain reaches the anchor at through_seq; the next purge deletes the rest.

A cut-off within the floor is refused and the refusal recorded (apps.privacy.log_retention.log_purge_check).
Reads of the chain's start: `chain_start` (the verifier) and `anchor_before` (exports). Never edits an event.
"""
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .hashing import GENESIS_HASH
from .models import AuditCheckpoint, AuditEvent
from .services import _chain_head, audit_event_record

AUDIT_PURGE_BATCH = 10_000


@dataclass(frozen=True)
class ChainStart:
    """Where verification starts: the first seq expected and the hash it links to (None: the first retained
    event's own link, while a purge is still deleting), and the checkpoint behind it (None: from genesis)."""
    seq: int = 1
    prev_hash: str | None = GENESIS_HASH
    checkpoint: AuditCheckpoint | None = None


def chain_start() -> ChainStart:
    checkpoint = AuditCheckpoint.objects.order_by("-through_seq").first()
    if checkpoint is None:
        return ChainStart()
    first = AuditEvent.objects.order_by("seq").values_list("seq", flat=True).first()
    if first is not None and first <= checkpoint.through_seq:  # a purge still deleting: start where the rows do
        return ChainStart(first, None, checkpoint)
    return ChainStart(checkpoint.through_seq + 1, checkpoint.anchor_hash, checkpoint)


def checkpoint_problem(checkpoint: AuditCheckpoint) -> tuple[int, str] | None:
    """(seq, reason) if the checkpoint disagrees with its `audit.purged` event or with the event at through_seq
    still present; None if it holds. Both events are covered by the chain's verification itself."""
    event = AuditEvent.objects.filter(seq=checkpoint.event_seq).values_list("action", "details").first()
    if event is None or event[0] != "audit.purged" or any(
            event[1].get(key) != value for key, value in (("through_seq", checkpoint.through_seq),
                                                          ("anchor_hash", checkpoint.anchor_hash))):
        return checkpoint.event_seq, "the checkpoint does not match its audit.purged event"
    anchored = AuditEvent.objects.filter(seq=checkpoint.through_seq).values_list("hash", flat=True).first()
    if anchored is not None and anchored != checkpoint.anchor_hash:
        return checkpoint.through_seq, "the event at the checkpoint does not have the anchor's hash"
    return None


def anchor_before(seq: int) -> str:
    """The stored hash of event `seq` (what the next one links to), also once it is purged: the checkpoint's anchor,
    or, while a purge is deleting, the next retained event's link. "" if nothing says."""
    if seq == 0:
        return GENESIS_HASH
    stored = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if stored is not None:
        return stored
    checkpoint = AuditCheckpoint.objects.filter(through_seq=seq).values_list("anchor_hash", flat=True).first()
    if checkpoint is not None:
        return checkpoint
    if AuditCheckpoint.objects.filter(through_seq__gt=seq).exists():
        return AuditEvent.objects.filter(seq=seq + 1).values_list("prev_hash", flat=True).first() or ""
    return ""


def audit_purge_report(*, before: datetime) -> dict:
    """The dry run: what a purge through `before` would delete."""
    events = AuditEvent.objects.filter(created_at__lt=before)
    last = events.order_by("-seq").values_list("seq", flat=True).first()
    return {"kind": "audit", "cutoff": before.isoformat(), "events": events.count(), "through_seq": last}


def audit_purge(*, before: datetime, now: datetime | None = None, actor=None, batch: int = AUDIT_PURGE_BATCH) -> dict:
    """Purge audit events created before `before` (refused within the floor): checkpoint first, then the deletes."""
    from apps.privacy.log_retention import log_purge_check

    now = now or timezone.now()
    log_purge_check(cutoff=before, now=now, kind="audit", actor=actor)
    checkpoint = _checkpoint(before=before, actor=actor)
    deleted = 0
    if checkpoint is not None:
        while count := _delete_batch(through_seq=checkpoint.through_seq, batch=batch):
            deleted += count
    return {"cutoff": before.isoformat(), "deleted": deleted,
            "through_seq": checkpoint and checkpoint.through_seq, "anchor_hash": checkpoint and checkpoint.anchor_hash,
            "event_seq": checkpoint and checkpoint.event_seq}


@transaction.atomic
def _checkpoint(*, before: datetime, actor) -> AuditCheckpoint | None:
    """Record the checkpoint for the events before `before`; None if none is older than the last checkpoint (then
    the last one, if it still has events to delete)."""
    _chain_head()  # takes the chain's append lock: no event is appended while the anchor is chosen
    last = AuditCheckpoint.objects.order_by("-through_seq").first()
    done = last.through_seq if last else 0
    through = (AuditEvent.objects.filter(created_at__lt=before, seq__gt=done).order_by("-seq")
               .values_list("seq", "hash").first())
    if through is None:
        return last if last and AuditEvent.objects.filter(seq__lte=done).exists() else None
    through_seq, anchor_hash = through
    count = AuditEvent.objects.filter(seq__gt=done, seq__lte=through_seq).count()
    details = {"through_seq": through_seq, "anchor_hash": anchor_hash, "cutoff": before.isoformat(),
               "purged": count, "floor_days": settings.LOG_RETENTION_FLOOR_DAYS}
    event = audit_event_record(action="audit.purged", actor=actor, object_type="audit.auditevent", details=details)
    return AuditCheckpoint.objects.create(through_seq=through_seq, anchor_hash=anchor_hash, cutoff=before,
                                          purged=count, event_seq=event.seq)


@transaction.atomic
def _delete_batch(*, through_seq: int, batch: int) -> int:
    seqs = list(AuditEvent.objects.filter(seq__lte=through_seq).order_by("seq").values_list("seq", flat=True)[:batch])
    if not seqs:
        return 0
    deleted, _ = AuditEvent.objects.filter(seq__gte=seqs[0], seq__lte=seqs[-1]).delete()
    return deleted
