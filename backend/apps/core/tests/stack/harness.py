"""The whole stack for tests, started through scripts/stack.sh into a temporary directory on free ports.

Its own PostgreSQL cluster, redis-server, moto S3 server, MLflow server, gunicorn, the two Celery workers (queues
`default` and `training`) and beat; never the machine's shared PostgreSQL or Redis. Tests talk to it through HTTP
(`Stack.api(role)`), and inject faults with `kill`, `stop`, `start`, `pause`/`resume` (SIGSTOP/SIGCONT: moto keeps
its objects in memory, so pausing it is an outage that loses nothing, stopping it loses every object).

Service names: postgres redis s3 mlflow web worker worker-training beat (pgadmin when started with pgadmin=True).
Every wait is bounded in time.
"""
from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from .logs import StackLogs

BACKEND_DIR = Path(__file__).resolve().parents[4]
REPO_DIR = BACKEND_DIR.parent
STACK_SH = REPO_DIR / "scripts" / "stack.sh"
PY = REPO_DIR / ".venv" / "bin" / "python"
SERVICES = ("postgres", "redis", "s3", "mlflow", "web", "worker", "worker-training", "beat")
# The test process's own settings (hitl_test_env) must not leak into the stack's processes.
_NOT_INHERITED = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_QUEUE", "CELERY_TRAINING_QUEUE", "HITL_VAR_DIR",
                  "MLFLOW_TRACKING_URI", "MLFLOW_ARTIFACT_ROOT", "HITL_PARAMS_FILE", "S3_BUCKET", "S3_ENDPOINT_URL",
                  "STORAGE_ROOT", "STACK_DIR", "CELERY_TASK_ALWAYS_EAGER")
# Tiny training (the test suite's params, hitl_test_env): a run takes seconds.
TINY_PARAMS = ("SEED: 42\nK_FOLDS: 2\nEPOCHS: 1\nBATCH_SIZE: 4\nIMG_SIZE: 64\nPATIENCE: 1\n"
               "text_classification:\n  C: 4.0\n  max_iter: 500\n"
               "object_detection:\n  model: yolo11n.yaml\n  val_fraction: 0.25\n  conf: 0.001\n  kfold_epochs: 1\n")
ROLES = {"admin": ["admin"], "engineer": ["ml_engineer"], "annotator": ["annotator"], "reviewer": ["reviewer"],
         "auditor": ["auditor"]}


def missing_binaries() -> list[str]:
    """What a machine lacks to run the stack (the tests skip, or fail under HITL_REQUIRE_SERVICES)."""
    missing = [b for b in ("redis-server", "redis-cli", "curl", "setsid") if shutil.which(b) is None]
    if not any(Path(p).joinpath("initdb").exists() for p in Path("/usr/lib/postgresql").glob("*/bin")) \
            and not os.environ.get("STACK_PG_BIN"):
        missing.append("PostgreSQL server binaries (initdb, pg_ctl)")
    if os.geteuid() == 0:  # PostgreSQL refuses root: stack.sh runs it as the postgres user, through runuser
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("a postgres system user (PostgreSQL does not run as root)")
        if shutil.which("runuser") is None:
            missing.append("runuser")
    for tool in ("moto_server", "mlflow", "gunicorn", "celery"):
        if not (REPO_DIR / ".venv" / "bin" / tool).exists():
            missing.append(tool)
    return missing


def free_ports(n: int) -> list[int]:
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.5):
    """The predicate's first truthy value; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class ApiError(AssertionError):
    pass


@dataclass
class Api:
    """HTTP client for one user: paths are relative to /api/v1/ (or absolute, starting with /)."""
    base: str
    token: str | None = None
    username: str = ""
    timeout: float = 60
    session: requests.Session = field(default_factory=requests.Session)
    diagnose: Callable[[str], str] | None = None  # the server's side of a 5xx: the stack's log lines about `path`

    def __post_init__(self):
        if self.token:
            self.session.headers["Authorization"] = f"Token {self.token}"

    def url(self, path: str) -> str:
        return self.base + (path if path.startswith("/") else f"/api/v1/{path}")

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return self.session.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs) -> requests.Response:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs) -> requests.Response:
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, expect: int | tuple[int, ...] = (200, 201, 202), *, retry_503: int = 0,
           **kwargs):
        """The JSON body of a request that must answer `expect`. With `retry_503`, a 503 ("nothing was changed, try
        again shortly") is retried that many times after its Retry-After (at most 5 s), as a client following the
        API's contract does — for a test's setup steps, whose subject is not availability; every retried 503 is
        printed with the server's side of it."""
        response = self.request(method, path, **kwargs)
        for _retry in range(retry_503):
            if response.status_code != 503:
                break
            server = self.diagnose(path) if self.diagnose else ""
            print(f"stack: {method} {path} answered 503, retried: {response.text[:300]}\n{server}", flush=True)
            time.sleep(min(float(response.headers.get("Retry-After") or 1), 5))
            response = self.request(method, path, **kwargs)
        expected = (expect,) if isinstance(expect, int) else expect
        if response.status_code not in expected:
            server = self.diagnose(path) if self.diagnose and response.status_code >= 500 else ""
            raise ApiError(f"{method} {path} → {response.status_code}, expected {expected}: {response.text[:800]}"
                           + (f"\n{server}" if server else ""))
        return response.json() if response.content else None


class Stack(StackLogs):
    """One stack under `root` (a temporary directory by default)."""

    def __init__(self, root: Path | None = None, *, pgadmin: bool = False, params: str = TINY_PARAMS,
                 extra_env: dict[str, str] | None = None):
        self.root = Path(root or tempfile.mkdtemp(prefix="hitl-stack-"))
        self.root.mkdir(parents=True, exist_ok=True)
        # PostgreSQL runs as the postgres user when the tests run as root: it must be able to reach its data.
        self.root.chmod(0o711)
        self.dir = self.root / "stack"
        self.pgadmin = pgadmin
        self.params_file = self.root / "params.yaml"
        self.params_file.write_text(params)
        self.extra_env = extra_env or {}
        self.env: dict[str, str] = {}
        self._users: dict[str, tuple[str, str]] = {}
        self._apis: dict[str, Api] = {}
        self.timings: dict[str, float] = {}

    # --- lifecycle ---------------------------------------------------------------------------------------------
    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        pg, redis, s3, mlflow, web, pgadmin = free_ports(6)
        env.update(STACK_DIR=str(self.dir), HITL_PARAMS_FILE=str(self.params_file), STACK_PG_PORT=str(pg),
                   STACK_REDIS_PORT=str(redis), STACK_S3_PORT=str(s3), STACK_MLFLOW_PORT=str(mlflow),
                   STACK_WEB_PORT=str(web), STACK_PGADMIN_PORT=str(pgadmin),
                   STACK_PGADMIN="1" if self.pgadmin else "0", PYTHONUNBUFFERED="1", **self.extra_env)
        return env

    def script(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        env = self._script_env if hasattr(self, "_script_env") else self.base_env()
        result = subprocess.run([str(STACK_SH), *args], env=env, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"stack.sh {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n"
                                 f"{result.stderr}\n{self.logs_tail()}")
        return result

    def up(self) -> Stack:
        self._script_env = self.base_env()
        started = time.monotonic()
        self.script("up", timeout=600)
        self.timings["up_s"] = round(time.monotonic() - started, 1)
        self.env = self.read_env()
        return self

    def down(self) -> None:
        if hasattr(self, "_script_env"):
            started = time.monotonic()
            result = self.script("down", timeout=300, check=False)
            self.timings["down_s"] = round(time.monotonic() - started, 1)
            # Services that needed the KILL after STACK_STOP_TIMEOUT (stack.sh says so on stderr).
            self.timings["killed"] = re.findall(r"stack: (\S+) did not stop", result.stderr)

    def read_env(self) -> dict[str, str]:
        env = {}
        for line in (self.dir / "stack.env").read_text().splitlines():
            if "=" in line:
                key, _, value = line.partition("=")
                env[key] = value
        return env

    def start(self, service: str, timeout: float = 300) -> None:
        self.script("start", service, timeout=timeout)

    def stop(self, service: str, timeout: float = 120) -> None:
        self.script("stop", service, timeout=timeout)

    def status(self) -> str:
        return self.script("status").stdout

    # --- processes ---------------------------------------------------------------------------------------------
    def pid(self, service: str) -> int | None:
        path = self.dir / "run" / f"{service}.pid"
        if service == "postgres":
            path = Path(self.read_config()["C_PGDATA"]) / "postmaster.pid"
        try:
            return int(path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def read_config(self) -> dict[str, str]:
        config = {}
        for line in (self.dir / "config.env").read_text().splitlines():
            key, _, value = line.partition("=")
            config[key] = shlex.split(value)[0] if value else ""
        return config

    def running(self, service: str) -> bool:
        pid = self.pid(service)
        if pid is None:
            return False
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state != "Z"

    def kill(self, service: str, sig: int = signal.SIGKILL, *, group: bool = True) -> int:
        """Signal a service: its whole process group (a worker and its pool, gunicorn and its workers) by default.

        PostgreSQL's postmaster is not a group leader of ours: it and its children get the signal one by one.
        """
        pid = self.pid(service)
        assert pid is not None, f"{service} has no pid"
        if service == "postgres":
            children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
            os.kill(pid, sig)
            if group:
                for child in children:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(child), sig)
        elif group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
        return pid

    def pause(self, service: str) -> None:
        self.kill(service, signal.SIGSTOP)

    def resume(self, service: str) -> None:
        self.kill(service, signal.SIGCONT)

    # --- the application ---------------------------------------------------------------------------------------
    @property
    def web_url(self) -> str:
        return self.env["WEB_URL"]

    def app_env(self) -> dict[str, str]:
        """The environment the stack's processes run with (for manage.py, psql, boto3 in the test)."""
        return {**{k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}, **self.env}

    def manage(self, *args: str, input: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        result = subprocess.run([str(PY), "manage.py", *args], cwd=BACKEND_DIR, env=self.app_env(), input=input,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def psql(self, sql: str, *, database: str = "app", timeout: float = 60) -> str:
        """Run SQL against the stack's app database (or `mlflow`, `admin`) with psql; the unaligned output."""
        url = {"app": self.env["DATABASE_URL"], "mlflow": self.env["MLFLOW_DATABASE_URL"],
               "admin": self.env["PG_ADMIN_URL"]}[database]
        result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql], capture_output=True,
                                text=True, timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"psql failed: {result.stderr}")
        return result.stdout.strip()

    def s3(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.env["S3_ENDPOINT_URL"], region_name="us-east-1",
                            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"])

    def bucket_keys(self, bucket: str) -> list[str]:
        keys, paginator = [], self.s3().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return keys

    def anonymous(self) -> Api:
        return Api(self.web_url)

    def user(self, name: str, roles: list[str] | None = None) -> tuple[str, str]:
        """Create a user through `manage.py create_user` (once); its (username, password). `admin` is the
        superuser that `stack.sh up` made."""
        if name == "admin" and roles is None and name not in self._users:  # made by stack.sh up
            self._users[name] = (name, (self.dir / "secrets" / "admin-password").read_text().strip())
        if name not in self._users:
            password = f"pw-{os.urandom(12).hex()}"
            roles = ROLES.get(name, []) if roles is None else roles
            args = ["create_user", name, *[a for r in roles for a in ("--role", r)]]
            if "admin" in roles:
                args.append("--superuser")
            self.manage(*args, input=password + "\n")
            self._users[name] = (name, password)
        return self._users[name]

    def login(self, username: str, password: str) -> Api:
        response = requests.post(f"{self.web_url}/api/v1/auth/token/",
                                 json={"username": username, "password": password}, timeout=30)
        if response.status_code != 200:
            raise ApiError(f"login {username}: {response.status_code} {response.text[:300]}")
        body = response.json()
        return Api(self.web_url, token=body.get("token") or body.get("key"), username=username)

    def api(self, name: str, roles: list[str] | None = None) -> Api:
        """An HTTP client with a token for user `name` (admin, engineer, annotator, reviewer, auditor or any name
        with `roles`), created on first use."""
        if name not in self._apis:
            self._apis[name] = self.login(*self.user(name, roles))
            self._apis[name].diagnose = self.server_errors
        return self._apis[name]

    def wait_ready(self, timeout: float = 60) -> dict:
        def ready():
            try:
                response = requests.get(f"{self.web_url}/readyz", timeout=5)
            except requests.RequestException:
                return None
            return response.json() if response.status_code == 200 else None

        return wait_for(ready, timeout=timeout, what="/readyz")


def main() -> None:  # python -m apps.core.tests.stack.harness: bring a stack up by hand, Ctrl-C stops it
    stack = Stack().up()
    print(stack.dir, stack.env, stack.timings, file=sys.stderr)
    try:
        signal.pause()
    finally:
        stack.down()


if __name__ == "__main__":
    main()
