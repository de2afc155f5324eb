"""outbox_enqueue / outbox_flush: Celery work that survives a broker outage without losing what a request asked for.

A service calls `outbox_enqueue` inside its transaction: the message commits (or rolls back) with the change.
After the commit the same process tries to send it at once; if the broker is down the message stays in the table
and is sent by the next flush: Celery beat's `core.outbox_flush` every OUTBOX_FLUSH_SECONDS, or the next request
that enqueues something. A flush is bounded (OUTBOX_FLUSH_BATCH messages, the broker's connect timeout) and stops
at the first refusal. Delivery is at least once: every task sent this way must be idempotent.
This module must not decide what a task does; it only carries it.
"""
import logging
import threading
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)
_state = threading.local()
_broker_down_until = 0.0  # this process saw the broker refuse: requests skip their flush until then


def outbox_enqueue(*, task: str, args: list, dedupe_key: str = "") -> None:
    """Record `task(*args)` for sending; call inside the transaction of the change that needs it."""
    OutboxMessage.objects.bulk_create([OutboxMessage(task=task, args=list(args), dedupe_key=dedupe_key)],
                                      ignore_conflicts=bool(dedupe_key))  # an unsent one with this key already waits
    transaction.on_commit(outbox_flush_soon)


def outbox_flush_soon() -> None:
    """After a commit: send what waits, unless this process saw the broker refuse moments ago (no request pays a
    broker timeout more than once per OUTBOX_RETRY_AFTER_SECONDS)."""
    if time.monotonic() < _broker_down_until or getattr(_state, "flushing", False):
        return
    try:
        outbox_flush()
    except Exception:  # the request's own change is committed; the beat flush retries
        log.exception("outbox flush after commit failed")


def outbox_flush(*, limit: int | None = None) -> dict:
    """Send up to `limit` pending messages, oldest first; returns {"sent", "failed", "pending"}."""
    global _broker_down_until
    from config.celery import app

    limit = limit or settings.OUTBOX_FLUSH_BATCH
    sent = failed = 0
    _state.flushing = True
    try:
        with transaction.atomic():
            # skip_locked: concurrent flushers (beat, requests in other processes) never send one message twice.
            rows = list(OutboxMessage.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True)
                        .order_by("pk")[:limit])
            for row in rows:
                row.attempts += 1
                try:
                    app.send_task(row.task, args=row.args, task_id=f"outbox-{row.pk}-{row.attempts}")
                except Exception as exc:  # kombu raises several types for an unreachable broker
                    row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                    row.save(update_fields=["attempts", "last_error"])
                    _broker_down_until = time.monotonic() + settings.OUTBOX_RETRY_AFTER_SECONDS
                    log.warning("outbox: the broker refused %s (%s); %d message(s) wait", row.task, row.last_error,
                                len(rows) - sent)
                    failed = 1
                    break
                row.sent_at = timezone.now()
                row.save(update_fields=["attempts", "sent_at"])
                sent += 1
    finally:
        _state.flushing = False
    if sent and not failed:
        _broker_down_until = 0.0
    return {"sent": sent, "failed": failed, "pending": outbox_pending().get("pending", 0)}


def outbox_pending() -> dict:
    """How much waits, and since when (readiness and operations)."""
    oldest = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk").values_list("created_at", flat=True)
    count = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    first = oldest.first()
    return {"pending": count, **({"oldest_seconds": round((timezone.now() - first).total_seconds(), 1)} if first else {})}
