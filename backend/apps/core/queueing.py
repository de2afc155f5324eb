"""send_or_fail: queue a Celery task; if the broker refuses, record the failure instead of leaving work queued."""
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def send_or_fail(send: Callable[[], object], *, what: str, on_failure: Callable[[str], None]) -> None:
    """`send()` queues the task; on a broker error `on_failure(message)` marks the work failed, visibly."""
    try:
        send()
    except Exception as exc:  # kombu raises several types for an unreachable broker
        log.exception("could not queue %s", what)
        on_failure(f"could not queue {what}: the task broker is unavailable ({type(exc).__name__}: {exc})"[:500])
