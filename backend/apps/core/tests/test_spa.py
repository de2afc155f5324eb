"""The web app at /: index.html for client-side routes, hashed assets cached forever, JSON 404s under /api/."""
import pytest
from django.test import Client

from apps.core.spa import _dist_file

INDEX = b"<!doctype html><html><body><div id=root></div><script src=/assets/index-B4x9kLz1.js></script></body></html>"
ASSET = "assets/index-B4x9kLz1.js"


@pytest.fixture
def dist(tmp_path, settings):
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_bytes(INDEX)
    (folder / ASSET).write_text("console.log('app');")
    (tmp_path / "secret.txt").write_text("not part of the build")
    settings.FRONTEND_DIST = folder
    return folder


@pytest.mark.parametrize("path", ["/", "/login", "/projects/demo-text/queue", "/audit?action=auth.login"])
def test_client_side_routes_get_index_html_revalidated(client, dist, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.content == INDEX
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"


def test_only_safe_methods_reach_the_app(client, dist):
    assert client.post("/projects/demo-text/queue").status_code == 405
    assert client.head("/projects").status_code == 200


def test_a_build_made_after_startup_is_served_with_its_assets(client, dist):
    """WhiteNoise knew no such files at startup; the catch-all reads them from the build folder."""
    response = client.get("/" + ASSET)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"console.log('app');"
    assert response["Content-Type"] == "text/javascript"
    assert "immutable" in response["Cache-Control"]
    assert client.get("/assets/index-00000000.js").status_code == 404  # a missing asset is not the app


@pytest.mark.parametrize("path", ["/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt"])
def test_files_outside_the_build_are_never_served(client, dist, path):
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"not part of the build" not in body
    assert _dist_file(dist, "../secret.txt") is None and _dist_file(dist, "assets/../../secret.txt") is None
    assert _dist_file(dist, ASSET) == (dist / ASSET).resolve()


def test_without_a_build_the_app_says_how_to_build_it(client, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path / "missing"

    response = client.get("/projects/demo-text/queue")

    assert response.status_code == 503
    text = response.content.decode()
    assert "not built" in text and "make run" in text and "npm ci &amp;&amp; npm run build" in text
    assert response["Cache-Control"] == "no-cache"


def test_whitenoise_serves_the_build_with_immutable_hashed_assets(dist, settings):
    settings.WHITENOISE_ROOT = dist  # read when the middleware starts: a new client starts a new one
    client = Client()

    asset = client.get("/" + ASSET)
    index = client.get("/index.html")

    assert asset.status_code == 200 and asset["Cache-Control"] == "max-age=315360000, public, immutable"
    assert index.status_code == 200 and index["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/projects/tickets/nope/", "/api/v2/projects/", "/api",
                                  "/api/"])
def test_unknown_api_paths_are_json_404s(client, dist, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_api_path_without_its_trailing_slash(client, dist):
    redirect = client.get("/api/v1/projects?limit=2")
    assert redirect.status_code == 301 and redirect["Location"] == "/api/v1/projects/?limit=2"

    post = client.post("/api/v1/projects", {}, content_type="application/json")
    assert post.status_code == 404 and "/api/v1/projects/" in post.json()["detail"]


@pytest.mark.django_db
def test_other_routes_are_not_the_app(client, dist):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/admin/").status_code == 302  # the admin's login page
    assert client.get("/admin")["Location"] == "/admin/"
    assert client.get("/api/v1/projects/").status_code == 401
