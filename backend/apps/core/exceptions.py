"""Application errors and the one DRF exception handler that maps them to 4xx responses.

Services raise `ApplicationError` (or Django's `ValidationError`); views never catch them.
"""
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A refused operation: `status` is the HTTP status, `extra` goes into the body as is."""

    def __init__(self, message: str, *, status: int = 400, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.extra = extra or {}


class NotFound(ApplicationError):
    def __init__(self, message: str = "Not found."):
        super().__init__(message, status=404)


class Conflict(ApplicationError):
    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message, status=409, extra=extra)


def service_unavailable_message(exc: BaseException) -> str | None:
    """The client-facing message when `exc` means a backing service is down (the request may succeed later), else None.

    The one place that knows which errors mean "the database / object storage is unreachable": the DRF handler below
    and ServiceUnavailableMiddleware (views outside DRF) answer 503 with this message and a Retry-After.
    """
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, (OperationalError, InterfaceError)):
        return "The database is unavailable; nothing was changed. Try again shortly."
    try:
        from botocore import exceptions as boto
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return None
    if isinstance(exc, (boto.EndpointConnectionError, boto.ConnectTimeoutError, boto.ReadTimeoutError,
                        boto.ConnectionClosedError, boto.HTTPClientError)):
        return "Object storage is unavailable; nothing was stored. Try again shortly."
    if isinstance(exc, boto.ClientError) and exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
        return "Object storage is unavailable; nothing was stored. Try again shortly."
    return None


RETRY_AFTER_SECONDS = 5


def exception_handler(exc, context):
    unavailable = service_unavailable_message(exc)
    if unavailable:
        logger.warning("503 for %s: %s: %s", context["request"].path if context.get("request") else "?",
                       type(exc).__name__, exc)
        return exception_handler(ApplicationError(unavailable, status=503), context)
    if isinstance(exc, ApplicationError):
        response = drf_exception_handler(drf_exceptions.APIException(exc.message), context)
        response.status_code = exc.status
        response.data = {"detail": exc.message, **exc.extra}
        if exc.status == 503:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, TooManyFilesSent):
        return exception_handler(ApplicationError(
            f"Too many files in one request (at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES}).", status=400), context)
    if isinstance(exc, RequestDataTooBig):
        exc = ApplicationError(f"The request body is over the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} byte limit.",
                               status=413)
        return exception_handler(exc, context)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = drf_exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
