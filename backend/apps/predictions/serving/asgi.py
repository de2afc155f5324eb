"""The ASGI application: predictions and answers with a token on the fast path, everything else (and every request
the fast path will not answer itself) to Django, which runs as WSGI in a thread pool.

The fast path answers only what it can answer exactly as the Django view does, with `Authorization: Token <key>` and
a JSON body: `POST /api/v1/projects/<slug>/predict/` with plain texts (`{"text": ...}` or
`{"inputs": [{"text": ...}, ...]}`) in a text project the caller may predict in, with a champion, or with image
items (`{"inputs": [{"item_id": ...}, ...]}`, up to PREDICT_SYNC_MAX_IMAGES) in such a detection project; and
`POST /api/v1/predictions/<id>/feedback/` with `{"verdict", "label"?, "comment"?}` on a text prediction the caller
may answer. Any other request, and any refusal (bad JSON, a bad text, 401, 403, 404, 409), is
replayed to Django unchanged — one set of rules, one set of error messages. Responses carry the same headers as
Django's (X-Request-ID, the security headers; a test compares them).
"""
import asyncio
import json
import re
import uuid

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from apps.core.limits import ID_MAX, LABEL_MAX, NOTE_MAX
from apps.core.middleware import SANE_REQUEST_ID
from apps.core.strings import text_problem
from apps.feedback.models import Verdict
from apps.items.services import normalize_text

from .detect import DetectJob
from .feedback import FeedbackJob
from .group_commit import group_commit
from .jobs import DELEGATE
from .predict import PredictJob

PREDICT_PATH = re.compile(r"^/api/v1/projects/(?P<slug>[-a-zA-Z0-9_]+)/predict/$")
FEEDBACK_PATH = re.compile(r"^/api/v1/predictions/(?P<id>[1-9][0-9]{0,17})/feedback/$")
FAST_BODY_MAX = 1024 * 1024  # larger bodies (a thousand long texts) go to the view, which streams its limits


def _route(scope):
    """The job builder for a fast-path URL (called with the body, key and request id), else None."""
    path = scope.get("path", "")
    if match := PREDICT_PATH.match(path):
        return lambda body, key, request_id: _predict_job(match["slug"], body, key, request_id)
    if (match := FEEDBACK_PATH.match(path)) and int(match["id"]) <= ID_MAX:
        return lambda body, key, request_id: _feedback_job(int(match["id"]), body, key, request_id)
    return None


def _json_object(body: bytes) -> dict | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep: the view's parser says so
        return None
    return data if isinstance(data, dict) else None


def _predict_job(slug: str, body: bytes, key: str, request_id: str) -> PredictJob | DetectJob | None:
    data = _json_object(body)
    if texts := _texts(data):
        return PredictJob(key=key, request_id=request_id, slug=slug, texts=texts)
    if item_ids := _item_ids(data):  # a detection project's images (in a text project the view answers)
        return DetectJob(key=key, request_id=request_id, slug=slug, item_ids=item_ids)
    return None


def _feedback_job(prediction_id: int, body: bytes, key: str, request_id: str) -> FeedbackJob | None:
    """An answer with fields exactly as the view's serializer would keep them (else the view sees it)."""
    data = _json_object(body)
    if data is None or not set(data) <= {"verdict", "label", "comment"} or data.get("verdict") not in Verdict.values:
        return None
    label, comment = data.get("label"), data.get("comment", "")
    if label is not None and not _plain(label, LABEL_MAX) or not (comment == "" or _plain(comment, NOTE_MAX)):
        return None
    return FeedbackJob(key=key, request_id=request_id, prediction_id=prediction_id, verdict=data["verdict"],
                       label=label, comment=comment)


def _plain(value, limit: int) -> bool:
    """A string DRF's CharField keeps as it is: not blank, no surrounding whitespace, storable, within `limit`."""
    return (isinstance(value, str) and value != "" and value == value.strip() and len(value) <= limit
            and text_problem(value) is None)


def _texts(data: dict | None) -> list[str] | None:
    """The request's normalized texts, or None if the view should see this body."""
    if data is None:
        return None
    if set(data) == {"text"}:
        entries = [data]
    elif set(data) == {"inputs"} and isinstance(data["inputs"], list):
        entries = data["inputs"]
    else:
        return None
    if not entries or len(entries) > settings.PREDICT_MAX_INPUTS:
        return None
    texts = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"text"}:
            return None
        try:
            texts.append(normalize_text(entry["text"]))
        except ValueError:
            return None
    return texts


def _item_ids(data: dict | None) -> list[int] | None:
    """`{"inputs": [{"item_id": n}, ...]}` with at most PREDICT_SYNC_MAX_IMAGES ids in range, else None."""
    entries = data.get("inputs") if data is not None and set(data) == {"inputs"} else None
    if not isinstance(entries, list) or not 0 < len(entries) <= settings.PREDICT_SYNC_MAX_IMAGES:
        return None
    ids = [entry.get("item_id") if isinstance(entry, dict) and set(entry) == {"item_id"} else None
           for entry in entries]
    return ids if all(type(i) is int and 0 < i <= ID_MAX for i in ids) else None


def _token(headers: dict[bytes, bytes]) -> str | None:
    scheme, _, key = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    key = key.strip()
    return key if scheme.lower() == "token" and key and " " not in key else None


def _host_allowed(headers) -> bool:
    """Django's ALLOWED_HOSTS check (the view answers 400 for any other Host)."""
    host, _ = split_domain_port(headers.get(b"host", b"").decode("latin-1"))
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


def _secure(scope, headers) -> bool:
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
        return headers.get(name, b"").decode("latin-1").split(",")[0].strip() == proxy[1]
    return scope.get("scheme") == "https"


def response_headers(secure: bool) -> list[tuple[bytes, bytes]]:
    """The headers Django's middleware adds to a predict answer (SecurityMiddleware, XFrameOptionsMiddleware, DRF)."""
    headers = [(b"content-type", b"application/json"), (b"vary", b"Accept"), (b"allow", b"POST, OPTIONS"),
               (b"x-frame-options", settings.X_FRAME_OPTIONS.encode())]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append((b"x-content-type-options", b"nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        policy = policy if isinstance(policy, str) else ",".join(policy)
        headers.append((b"referrer-policy", policy.encode()))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append((b"cross-origin-opener-policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY.encode()))
    if secure and settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        value += "; includeSubDomains" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else ""
        value += "; preload" if settings.SECURE_HSTS_PRELOAD else ""
        headers.append((b"strict-transport-security", value.encode()))
    return headers


class ServingApplication:
    """The ASGI entry point (config.asgi): the fast path in front of `django`, an ASGI app (Django under a2wsgi)."""

    def __init__(self, django):
        self.django = django

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        route = _route(scope) if scope["type"] == "http" and scope["method"] == "POST" else None
        if route is None or scope.get("query_string"):
            return await self.django(scope, receive, send)
        headers = dict(scope["headers"])  # ASGI servers give lower-case names
        key = _token(headers)
        length = headers.get(b"content-length", b"")
        if (key is None or not _host_allowed(headers)
                or not headers.get(b"content-type", b"").startswith(b"application/json")
                or not length.isdigit() or int(length) > FAST_BODY_MAX
                or settings.SECURE_SSL_REDIRECT and not _secure(scope, headers)):
            return await self.django(scope, receive, send)
        body, more = await _read_body(receive, int(length))
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if SANE_REQUEST_ID.match(given) else str(uuid.uuid4())
        job = None if more else route(body, key, request_id)
        answer = DELEGATE if job is None else await asyncio.wrap_future(group_commit().submit(job))
        if answer is DELEGATE:
            return await self.django(scope, _replay(body, more, receive), send)
        status, content = answer
        payload = json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        await send({"type": "http.response.start", "status": status, "headers": [
            *response_headers(_secure(scope, headers)), (b"content-length", str(len(payload)).encode()),
            (b"x-request-id", request_id.encode())]})
        await send({"type": "http.response.body", "body": payload})

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _read_body(receive, limit: int) -> tuple[bytes, bool]:
    """The body up to `limit` bytes, and whether more was announced (then the view reads the rest)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True  # a disconnect: let the view's server notice
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if not message.get("more_body") or size > limit:
            return b"".join(chunks), bool(message.get("more_body"))


def _replay(body: bytes, more: bool, receive):
    """A `receive` that gives the view the body already read, then whatever is still to come."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
