"""The current request's id, visible to services (and so to the audit log) without threading it through."""
import contextvars
import uuid
from datetime import datetime

from django.utils import timezone

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_request_started: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("request_started", default=None)


def current_request_id() -> str:
    """The id of the request being served, or a fresh one for work outside a request (tasks, commands)."""
    return _request_id.get() or f"job-{uuid.uuid4()}"


def current_request_started() -> datetime:
    """When the request being served was received, or now for work outside a request (tasks, commands): the start
    of what a prediction log records (AI Act Art. 12(3)(a))."""
    return _request_started.get() or timezone.now()


def set_request_id(value: str | None) -> tuple[contextvars.Token, contextvars.Token]:
    return _request_id.set(value), _request_started.set(timezone.now())


def reset_request_id(tokens: tuple[contextvars.Token, contextvars.Token]) -> None:
    _request_id.reset(tokens[0])
    _request_started.reset(tokens[1])
