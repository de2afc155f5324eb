"""Gives every request an id (taken from X-Request-ID when sane) and echoes it in the response."""
import re
import uuid

from .request_context import reset_request_id, set_request_id

SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if SANE_REQUEST_ID.match(given) else str(uuid.uuid4())
        token = set_request_id(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request.request_id
        return response


class ServiceUnavailableMiddleware:
    """Views outside DRF (admin, readiness, the image bytes) answer 503, not 500, when a backing service is down.

    DRF views get the same mapping from apps.core.exceptions.exception_handler; both use service_unavailable_message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import JsonResponse

        from .exceptions import RETRY_AFTER_SECONDS, logger, service_unavailable_message

        message = service_unavailable_message(exception)
        if message is None:
            return None
        logger.warning("503 for %s: %s: %s", request.path, type(exception).__name__, exception)
        response = JsonResponse({"detail": message}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
