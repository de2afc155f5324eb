"""Celery tasks of the core: the outbox's periodic flush (Celery beat)."""
from celery import shared_task


@shared_task(name="core.outbox_flush", acks_late=True, soft_time_limit=120, time_limit=150, ignore_result=True)
def outbox_flush_task() -> dict:
    """Send what requests recorded while the broker was down (bounded; the next beat sends the rest)."""
    from .outbox import outbox_flush

    return outbox_flush()
