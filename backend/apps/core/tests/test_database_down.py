"""PostgreSQL goes away under a running gunicorn (a cluster this test starts with initdb/pg_ctl, never the shared
one): requests are answered 503 at once with a clear message and change nothing; /readyz names the database; once
PostgreSQL is back the next request succeeds (stale persistent connections are dropped: CONN_HEALTH_CHECKS)."""
import os
import subprocess
import sys
import time

import pytest
import requests

from .live import BACKEND_DIR, free_port, stop, wait_for
from .servers import PostgresCluster

pytestmark = pytest.mark.live


@pytest.fixture
def app_on_own_postgres(tmp_path):
    cluster = PostgresCluster(tmp_path)
    cluster.start()
    subprocess.run(["psql", cluster.url("postgres"), "-qc", "create database hitl"], check=True, capture_output=True)
    env = {**os.environ, "DATABASE_URL": cluster.url("hitl"), "HITL_VAR_DIR": str(tmp_path / "var"),
           "PYTHONUNBUFFERED": "1"}

    def manage(*args: str, stdin: str | None = None) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=BACKEND_DIR, env=env, input=stdin, text=True,
                       check=True, capture_output=True, timeout=600)

    manage("migrate", "--noinput", "-v0")
    manage("create_user", "engineer", "--role", "ml_engineer", stdin="pw-engineer-secret-1\n")
    port, log = free_port(), tmp_path / "gunicorn.log"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.asgi:application", "-k",
                               "uvicorn_worker.UvicornWorker", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                              cwd=BACKEND_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{base}/healthz"), timeout=90, what="gunicorn", log=log)
        yield cluster, base, log
    finally:
        stop(server)
        if (cluster.data / "postmaster.pid").exists():
            cluster.stop(mode="immediate")
        cluster.remove()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def test_requests_fail_fast_with_503_while_postgres_is_down_and_succeed_after(app_on_own_postgres):
    cluster, base, log = app_on_own_postgres
    token = requests.post(f"{base}/api/v1/auth/token/", json={"username": "engineer",
                                                               "password": "pw-engineer-secret-1"}, timeout=30)
    assert token.status_code == 200, token.text
    body = token.json()
    session = requests.Session()
    session.headers["Authorization"] = f"Token {body.get('token') or body.get('key')}"
    assert session.get(f"{base}/api/v1/projects/", timeout=30).status_code == 200  # a persistent connection now

    cluster.stop()
    started = time.monotonic()
    listed = session.get(f"{base}/api/v1/projects/", timeout=30)
    created = session.post(f"{base}/api/v1/projects/", json={"slug": "while-down", "name": "x",
                                                              "task": "text_classification", "labels": ["a", "b"]},
                           timeout=30)
    seconds = time.monotonic() - started
    ready = requests.get(f"{base}/readyz", timeout=30)
    assert (listed.status_code, created.status_code) == (503, 503), (listed.text, created.text)
    assert listed.json()["detail"].startswith("The database is unavailable") and listed.headers["Retry-After"]
    assert seconds < 10, f"two requests took {seconds:.1f} s with the database down"
    assert ready.status_code == 503 and "database" in ready.json()["down"]

    cluster.start()
    after = session.get(f"{base}/api/v1/projects/", timeout=30)
    assert after.status_code == 200, after.text + log.read_text()[-2000:]
    projects = after.json()["results"] if isinstance(after.json(), dict) else after.json()
    assert not [p for p in projects if p["slug"] == "while-down"]  # the refused write left nothing
