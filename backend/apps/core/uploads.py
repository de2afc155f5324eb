"""Request and upload limits that hold before and while a body is read, so that no request can fill memory.

- :class:`RequestSizeLimitMiddleware` refuses, from the headers alone, a body over UPLOAD_MAX_REQUEST_BYTES
  (413) and a chunked body without a Content-Length (411: Django would read it as empty).
- :class:`LimitedUploadHandler` is the first upload handler: it counts every multipart file chunk as it is
  streamed and stops the request at the first file over its limit (413), at the first `files` part whose
  leading bytes are not an accepted image type (400), and when the files together pass the request limit
  (413), before the next file is read.
- :class:`SpoolingUploadHandler` writes uploaded files to FILE_UPLOAD_TEMP_DIR (made owner-only on first
  use) rather than memory; Django keeps only requests under FILE_UPLOAD_MAX_MEMORY_SIZE in memory.

What happens to a file after the upload (decoding an image, unpacking a zip) is checked by its service.
"""
import os

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler
from django.http import JsonResponse

from .exceptions import ApplicationError

#: Parts named `files` are images (item uploads, predict); their first bytes must be one of these types.
IMAGE_FIELDS = frozenset({"files"})
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM")
_HEAD = 12  # bytes that identify each of them


def _looks_like_image(head: bytes) -> bool:
    return head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _too_large_message(size: int | None) -> str:
    stated = f"is {size} bytes, " if size is not None else ""
    return (f"The request {stated}over the {settings.UPLOAD_MAX_REQUEST_BYTES} byte limit for one request "
            "(UPLOAD_MAX_REQUEST_BYTES). Send fewer or smaller files per request.")


class UploadRefused(ApplicationError, SuspiciousOperation):
    """A refused upload: the API's exception handler answers its status; outside DRF views (the admin, the CSRF
    check reading a form) Django answers 400 for a SuspiciousOperation instead of a 500."""


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_BYTES:
            return JsonResponse({"detail": _too_large_message(length)}, status=413)
        if not length and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return JsonResponse({"detail": "Send the request with a Content-Length header: chunked request bodies "
                                           "are not accepted."}, status=411)
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Counts and checks each file while it streams; passes the bytes on to the next handler unchanged."""

    def __init__(self, request=None):
        super().__init__(request)
        self.total = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.UPLOAD_MAX_REQUEST_BYTES:  # also where the middleware is not installed
            raise UploadRefused(_too_large_message(content_length), status=413)

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.file_bytes, self.head = 0, b""
        self.image = field_name in IMAGE_FIELDS
        self.limit = settings.IMAGE_MAX_BYTES if self.image else settings.IMPORT_MAX_BYTES

    def _check_type(self) -> None:
        if self.image and not _looks_like_image(self.head):
            raise UploadRefused(f"{self.file_name}: not an image of a supported type (JPEG, PNG, WEBP, BMP).")
        self.image = False  # checked

    def receive_data_chunk(self, raw_data, start):
        if self.image:
            self.head += raw_data[:_HEAD - len(self.head)]
            if len(self.head) >= _HEAD:
                self._check_type()
        self.file_bytes += len(raw_data)
        self.total += len(raw_data)
        if self.file_bytes > self.limit:
            raise UploadRefused(f"{self.file_name}: over the {self.limit} byte limit for one file.", status=413)
        if self.total > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise UploadRefused(_too_large_message(None), status=413)
        return raw_data

    def file_complete(self, file_size):
        if self.image and self.head:  # a short file: checked on what there is (an empty one is refused by its service)
            self._check_type()
        return None  # the next handler makes the file object


class SpoolingUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler, with FILE_UPLOAD_TEMP_DIR created (owner-only) when first needed."""

    def new_file(self, *args, **kwargs):
        os.makedirs(settings.FILE_UPLOAD_TEMP_DIR, mode=0o700, exist_ok=True)
        super().new_file(*args, **kwargs)
