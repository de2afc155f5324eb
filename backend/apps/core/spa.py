"""The web app at `/`, and JSON 404s for unknown API paths.

WhiteNoise serves the Vite build (`FRONTEND_DIST`: index.html, assets/ with hashed names) from the files it
found at startup. `spa_index` is the last URL pattern: it answers every client-side route (e.g.
/projects/demo-text/queue) with index.html, read on each request, so a build made after the server
started is served too (its new assets as well). Without a build it says how to make one (503).
"""
import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Web app not built</title></head>
<body><h1>The web app is not built</h1>
<p>Run <code>make run</code>, or build it with <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>
and reload this page.</p>
<p>The API is at <a href="/api/v1/docs/">/api/v1/docs/</a>, the admin at <a href="/admin/">/admin/</a>.</p>
</body></html>
"""
IMMUTABLE = "max-age=315360000, public, immutable"


def _dist_file(dist: Path, path: str) -> Path | None:
    """The build's file at `path`, if there is one (never a file outside the build folder)."""
    if not path or path.endswith("/"):
        return None
    root = dist.resolve()
    candidate = (root / path).resolve()
    return candidate if candidate.is_relative_to(root) and candidate.is_file() else None


@require_safe
def spa_index(request, path: str = ""):
    dist = Path(settings.FRONTEND_DIST)
    built_file = _dist_file(dist, path)
    if built_file is not None:  # a file WhiteNoise did not know at startup
        content_type = mimetypes.guess_type(built_file.name)[0] or "application/octet-stream"
        response = FileResponse(built_file.open("rb"), content_type=content_type)
        response["Cache-Control"] = IMMUTABLE if path.startswith("assets/") else "no-cache"
        return response
    if path.startswith("assets/"):  # a missing asset is a 404, not the app's page
        raise Http404(path)
    try:
        html = (dist / "index.html").read_bytes()
    except FileNotFoundError:
        return HttpResponse(NOT_BUILT, status=503, content_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})
    # Always revalidated: it names the current build's hashed assets.
    return HttpResponse(html, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})


@csrf_exempt  # it changes nothing; a POST to an unknown API path is a JSON 404, not Django's HTML CSRF page
def api_not_found(request, path: str = ""):
    """Unknown paths under /api/ get the API's JSON 404 (and APPEND_SLASH's redirect where a slash is missing)."""
    if not request.path_info.endswith("/") and resolve(request.path_info + "/").func is not api_not_found:
        if request.method in ("GET", "HEAD"):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        return JsonResponse({"detail": f"Not found. Did you mean {request.path_info}/ (with a trailing slash)?"},
                            status=404)
    return JsonResponse({"detail": "Not found."}, status=404)
