"""The harness itself: every service answers, and a service can be killed, stopped and started again."""
import signal

import pytest
import requests

from .harness import SERVICES, wait_for

pytestmark = pytest.mark.stack


def test_every_service_answers_and_readyz_is_ready(stack):
    assert all(stack.running(service) for service in SERVICES), stack.status()
    checks = stack.wait_ready()["checks"]
    assert all(check["ok"] for check in checks.values()), checks
    assert requests.get(f"{stack.env['MLFLOW_TRACKING_URI']}/health", timeout=5).status_code == 200
    assert {"hitl-data", "mlflow-artifacts"} <= {b["Name"] for b in stack.s3().list_buckets()["Buckets"]}
    assert stack.psql("select current_user") == "hitl"  # the application role, not the superuser
    me = stack.api("engineer").ok("GET", "auth/me/")
    assert me["username"] == "engineer" and me["roles"] == ["ml_engineer"]


def test_a_killed_worker_is_started_again(stack):
    old = stack.kill("worker", signal.SIGKILL)
    wait_for(lambda: not stack.running("worker"), timeout=10, what="the killed worker to be gone")
    stack.stop("worker")  # idempotent: clears the pid file of a dead process
    stack.start("worker")
    assert stack.running("worker") and stack.pid("worker") != old
    stack.stop("worker")
    assert not stack.running("worker")
    stack.start("worker")
