"""The current request's id, visible to services (and so to the audit log) without threading it through."""
import contextvars
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str:
    """The id of the request being served, or a fresh one for work outside a request (tasks, commands)."""
    return _request_id.get() or f"job-{uuid.uuid4()}"


def set_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)
