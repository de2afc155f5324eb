"""Helpers for live tests: committed data, child processes on the test database, service checks."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

BACKEND_DIR = Path(__file__).resolve().parents[3]


def require(ok: bool, what: str) -> None:
    """Skip when a service is missing on a developer machine; fail in CI (HITL_REQUIRE_SERVICES=1)."""
    if ok:
        return
    if os.environ.get("HITL_REQUIRE_SERVICES"):
        pytest.fail(f"{what} is required here (HITL_REQUIRE_SERVICES is set) but not available")
    pytest.skip(f"{what} not available")


def redis_available(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def test_database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


def child_env() -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": test_database_url(), "PYTHONUNBUFFERED": "1"}


def start(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`python -m <args>` on the test database; `env` adds to (or replaces) this process's variables."""
    handle = log.open("w")
    return subprocess.Popen([sys.executable, "-m", *args], cwd=BACKEND_DIR, env={**child_env(), **(env or {})},
                            stdout=handle, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def http_ok(url: str) -> bool:
    """The URL answers 200 (a server is up); False while it cannot be reached."""
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tail}")


def worker_queues() -> str:
    """-Q for a test worker: this session's default and training queues (hitl_test_env names them)."""
    from django.conf import settings

    return f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.CELERY_TRAINING_QUEUE}"


def start_workers(test_tmp: Path, envs: list[dict[str, str]], *, names: list[str] | None = None):
    """One solo Celery worker per entry of `envs` (its own variables), on this session's queues; returns
    [(process, log)] once every worker answers a ping, so that a group sent next really spreads over them."""
    from django.conf import settings

    from config.celery import app

    require(redis_available(settings.CELERY_BROKER_URL), f"Redis at {settings.CELERY_BROKER_URL}")
    names = names or [f"w{n}" for n in range(len(envs))]
    processes = []
    for name, env in zip(names, envs, strict=True):
        log = test_tmp / f"worker-{name}.log"
        processes.append((start(["celery", "-A", "config", "worker", "-Q", worker_queues(), "--pool", "solo",
                                 "-n", f"{name}@%h", "-l", "info", "--without-mingle"], log, env), log))
    wait_for(lambda: len(app.control.ping(timeout=1.0) or []) >= len(envs), timeout=90,
             what=f"{len(envs)} workers", log=processes[-1][1])
    return processes
