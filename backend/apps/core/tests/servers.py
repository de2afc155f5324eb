"""Services a test starts (and a fault test stops, to inject the fault) itself: never the machine's shared ones.

RedisServer: a redis-server on a free port, with Celery pointed at it for the test. PostgresCluster: initdb +
pg_ctl on a free port. MotoServer: moto's S3 server with a bucket. Each start waits (bounded) until the service
answers.
"""
import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from .live import free_port


def _wait_port(port: int, *, up: bool, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if (s.connect_ex(("127.0.0.1", port)) == 0) == up:
                return
        time.sleep(0.1)
    raise AssertionError(f"port {port} is not {'up' if up else 'down'} after {timeout}s")


class RedisServer:
    def __init__(self, workdir: Path):
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        self.port, self.dir, self.process = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        # appendonly: a restart keeps what was queued, like a production Redis
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--dir", str(self.dir), "--save", "", "--appendonly", "yes"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port, up=True)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        _wait_port(self.port, up=False)

    def queue_length(self, queue: str) -> int:
        import redis

        return redis.Redis.from_url(self.url).llen(queue)


@contextlib.contextmanager
def celery_on(url: str):
    """Point this process's Celery app at `url` (dropping pooled connections); restore it afterwards."""
    from config.celery import app

    def fresh_pools() -> None:  # kombu keeps pools per URL in a global registry: empty it, it refills on demand
        from kombu import pools

        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    before, before_env = app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads this variable before its own setting
    app.conf.broker_url = url
    fresh_pools()
    try:
        yield app
    finally:
        app.conf.broker_url = before
        if before_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = before_env
        fresh_pools()


class PostgresCluster:
    """A throw-away PostgreSQL cluster (trust auth) on a free port: stop/start it to simulate an outage.

    PostgreSQL refuses to run as root: then its binaries run as the `postgres` user, in a directory it owns.
    """

    def __init__(self, workdir: Path):
        if not (shutil.which("initdb") and shutil.which("pg_ctl")):
            pytest.skip("initdb/pg_ctl are not installed")
        self.as_root = os.geteuid() == 0
        if self.as_root:
            if not shutil.which("runuser"):
                pytest.skip("running as root without runuser: PostgreSQL cannot be started")
            import pwd
            import tempfile

            workdir = Path(tempfile.mkdtemp(prefix="pg-cluster-"))
            entry = pwd.getpwnam("postgres")
            os.chown(workdir, entry.pw_uid, entry.pw_gid)
        self.dir = workdir
        self.port, self.data, self.log = free_port(), workdir / "pgdata", workdir / "pg.log"
        self._run(["initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"])

    def _run(self, args: list[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(["pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o",
                   f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run(["pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"])

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True) if self.as_root else None

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


class MotoServer:
    """moto's S3 server (a real HTTP S3 API, in a thread of this process) with one bucket.

    `storage()` is the STORAGES["default"] entry that points the platform at it (as settings.py does for
    S3_BUCKET); `env()` the variables that do the same for a child process (a Celery worker, MLflow's client).
    """

    def __init__(self, bucket: str = "hitl-test"):
        self.bucket, self.server, self.url = bucket, None, ""

    def start(self) -> "MotoServer":
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name="us-east-1", aws_access_key_id="test",
                            aws_secret_access_key="test")

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def storage(self, **options) -> dict:
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": self.bucket, "endpoint_url": self.url, "access_key": "test", "secret_key": "test",
            "region_name": "us-east-1", "default_acl": None, "file_overwrite": False, "addressing_style": "path",
            **options}}

    @classmethod
    @contextlib.contextmanager
    def as_default_storage(cls, settings, bucket: str):
        """A server for the test, made the platform's default storage with its own bounded client settings (a
        storage-down test gets its error within seconds); stopped afterwards."""
        server = cls(bucket).start()
        settings.STORAGES = {**settings.STORAGES,
                             "default": server.storage(client_config=settings.S3_CLIENT_CONFIG)}
        try:
            yield server
        finally:
            server.stop()

    def env(self) -> dict[str, str]:
        return {"S3_BUCKET": self.bucket, "S3_ENDPOINT_URL": self.url, "AWS_ACCESS_KEY_ID": "test",
                "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1", "MLFLOW_S3_ENDPOINT_URL": self.url}
