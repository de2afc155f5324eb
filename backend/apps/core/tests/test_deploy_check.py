"""`manage.py check --deploy` on the production environment (docker-compose.yml's backend settings) has no warning;
on the defaults (`make run`, plain HTTP) it still runs. With HTTPS on, the health probes are never redirected."""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BACKEND = Path(settings.BASE_DIR)
_REF = re.compile(r"\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}")


def compose_backend_env() -> dict[str, str]:
    """The backend service's environment as compose renders it with an .env that sets only the secrets."""
    compose = yaml.safe_load((settings.REPO_DIR / "docker-compose.yml").read_text())
    env = compose["services"]["backend"]["environment"]

    def render(match: re.Match) -> str:
        name, kind, default = match.groups()
        return default if kind == "-" else secrets.token_urlsafe(48) if kind == "?" else ""

    return {k: _REF.sub(render, str(v)) for k, v in env.items()}


def _check(env: dict[str, str], var: Path, *args: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", *args], cwd=BACKEND, text=True,
                          env={**keep, **env, "HITL_VAR_DIR": str(var)}, capture_output=True, timeout=300)


def test_the_compose_environment_passes_the_deploy_check_without_a_warning(tmp_path):
    env = compose_backend_env()
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "true" and env["SESSION_COOKIE_SECURE"] == "true"

    result = _check(env, tmp_path / "var", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_defaults_still_run_and_say_what_production_needs(tmp_path):
    result = _check({}, tmp_path / "var")

    assert result.returncode == 0, result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr
    assert _check({}, tmp_path / "var", "--fail-level", "WARNING").returncode != 0


@pytest.fixture
def https_on(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_answer_plain_http_when_https_is_on(client, https_on, path):
    assert client.get(path).status_code in (200, 503)  # answered, not redirected (503: a service down)


@pytest.mark.django_db
def test_plain_http_is_redirected_and_https_gets_hsts(client, https_on):
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 301 and response["Location"].startswith("https://")

    secure = client.get("/api/v1/auth/me/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 401
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
